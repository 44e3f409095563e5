"""Environmental benefits of a loan book for a year: each project's benefit by its method, then each
instrument's share (balance ÷ total investment, CBRC 2013), registered as claims (no double counting).

Which projects have a method: those whose data carry the method's inputs — today power projects with
``annual_generation_mwh`` (renewable power, CBRC 2013). A project without the inputs gets no figure
and is counted as "no inputs" in the report, never a guessed one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lvrongtong.audit.service import record
from lvrongtong.carbon.claims import ClaimRequest, register_instrument_batch
from lvrongtong.carbon.factors import DbFactors
from lvrongtong.carbon.method import ENGINE_VERSION, Result, run
from lvrongtong.carbon.methods import get_method
from lvrongtong.carbon.models import BenefitClaim, CalculationRun
from lvrongtong.kit.errors import AppError
from lvrongtong.kit.principal import Principal
from lvrongtong.registry.models import Instrument, Project

RENEWABLE_KEYS = ("annual_generation_mwh",)


@dataclass
class BenefitReport:
    year: int
    projects_with_inputs: int = 0
    projects_without_inputs: int = 0
    projects_refused: list[dict] = field(default_factory=list)
    instruments: int = 0
    accepted: int = 0
    flagged: int = 0
    refused: list[dict] = field(default_factory=list)  # instruments whose balance exceeds the investment
    co2_reduced_t: Decimal = Decimal(0)
    energy_saved_tce: Decimal = Decimal(0)


def project_inputs(project: Project, year: int) -> tuple[str, dict[str, Any]] | None:
    cap = project.capacity or {}
    if "annual_generation_mwh" in cap:
        return "benefit.renewable_power", {"electricity_supplied": cap["annual_generation_mwh"], "year": year,
                                           "region": project.region_code}
    return None


def _project_run(session: Session, who: Principal, project: Project, result: Result,
                 known: dict[tuple[int, str], CalculationRun]) -> CalculationRun:
    """The stored run for this project and these inputs; reused when the same inputs gave the same figures."""
    body = result.as_dict()
    existing = known.get((project.id, body["input_digest"]))
    if existing is not None and existing.results == body["results"]:
        return existing
    row = CalculationRun(method_id=result.method.id, engine_version=ENGINE_VERSION, input_digest=body["input_digest"],
                         subject_kind="project", subject_id=project.id, organisation_id=None, results=body["results"],
                         trace=body["trace"], created_by=who.user_id, created_at=datetime.now(UTC))
    session.add(row)
    return row


def compute_book(session: Session, who: Principal, year: int,
                 progress: Callable[[int, int], None] | None = None) -> BenefitReport:
    """Benefits of every project with inputs and the claims of every instrument financing them. Idempotent:
    a re-run replaces the year's instrument claims and reuses identical project runs."""
    report = BenefitReport(year)
    factors = DbFactors(session)
    figures: dict[int, tuple[Project, CalculationRun, dict[str, Decimal]]] = {}
    projects = list(session.scalars(select(Project).order_by(Project.id)))
    known = {(r.subject_id, r.input_digest): r for r in session.scalars(select(CalculationRun).where(
        CalculationRun.subject_kind == "project", CalculationRun.engine_version == ENGINE_VERSION)
        .order_by(CalculationRun.id))}
    for n, project in enumerate(projects, start=1):
        spec = project_inputs(project, year)
        if spec is None:
            report.projects_without_inputs += 1
            continue
        try:
            result = run(get_method(spec[0]), spec[1], factors)
        except AppError as e:
            report.projects_refused.append({"project": project.code, "error": e.message_en})
            continue
        report.projects_with_inputs += 1
        figures[project.id] = (project, _project_run(session, who, project, result, known), result.figures)
        if progress and n % 200 == 0:
            progress(n, len(projects))
    session.flush()
    requests = _instrument_claims(session, year, figures, report)
    counts = register_instrument_batch(session, year, requests)
    report.accepted, report.flagged = counts["accepted"], counts["flagged"]
    totals = session.execute(select(func.coalesce(func.sum(BenefitClaim.co2_reduced_t), 0),
                                    func.coalesce(func.sum(BenefitClaim.energy_saved_tce), 0)).where(
        BenefitClaim.year == year, BenefitClaim.claimant_kind == "instrument", BenefitClaim.status == "accepted")).one()
    report.co2_reduced_t, report.energy_saved_tce = Decimal(totals[0]), Decimal(totals[1])
    record(session, who, "carbon.benefits", "benefit_book", year, None,
           {"year": year, "projects": report.projects_with_inputs, "instruments": report.instruments,
            "accepted": report.accepted, "flagged": report.flagged})
    if progress:
        progress(len(projects), len(projects))
    return report


def _instrument_claims(session: Session, year: int, figures: dict, report: BenefitReport) -> list[ClaimRequest]:
    requests: list[ClaimRequest] = []
    ids = sorted(figures)
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        rows = session.execute(select(Instrument.id, Instrument.project_id, Instrument.balance_cny,
                                      Instrument.holder_org_id).where(Instrument.project_id.in_(chunk))
                               .order_by(Instrument.id)).all()
        for inst_id, project_id, balance, holder in rows:
            project, run_row, fig = figures[project_id]
            investment = Decimal(project.total_investment_cny)
            report.instruments += 1
            if balance > investment or investment <= 0:
                report.refused.append({"instrument_id": inst_id, "rule": "balance_within_investment"})
                continue
            share = Decimal(balance) / investment
            saved, co2 = fig["energy_saved"] * share, fig["co2_reduced"] * share
            requests.append(ClaimRequest(project_id, year, "instrument", str(inst_id), share,
                                         "余额 ÷ 项目总投资 balance ÷ total investment (CBRC 2013)", inst_id, holder,
                                         saved, co2, run_row.id))
    requests.sort(key=lambda r: r.instrument_id or 0)
    return requests
