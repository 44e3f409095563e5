"""The account profile (画像): monthly emissions by scope, rating trend, data completeness, green financing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from lvrongtong.accounts import rules, service
from lvrongtong.accounts.models import AccountPeriod
from lvrongtong.kit.principal import SYSTEM, Principal


def profile(session: Session, who: Principal, uscc: str, label: str, *, min_sample: int = 5,
            schemes_file: Path | None = None) -> dict:
    summary = service.view(session, who, uscc, label, min_sample=min_sample, schemes_file=schemes_file)
    opened, grant = service.for_read(session, who, uscc)
    period = rules.parse_period(label)
    out = {"summary": summary, "months": [], "trend": [], "green_financing": None, "devices": None,
           "links": {"assets": grant.allows("assets")}}
    if grant.allows("inventory"):
        months = {r.label: r for r in session.scalars(select(AccountPeriod).where(
            AccountPeriod.account_id == opened.account.id, AccountPeriod.kind == "month",
            AccountPeriod.starts_on >= period.starts_on, AccountPeriod.ends_on <= period.ends_on))}
        out["months"] = [{"label": m.label, "scope1": _f(months[m.label].scope1_tco2e) if m.label in months else None,
                          "scope2": _f(months[m.label].scope2_tco2e) if m.label in months else None,
                          "records": (months[m.label].inventory or {}).get("records", 0) if m.label in months else 0}
                         for m in rules.months_of(period)]
    if grant.allows("rating"):
        years = session.scalars(select(AccountPeriod).where(
            AccountPeriod.account_id == opened.account.id, AccountPeriod.kind == "year",
            AccountPeriod.computed_at.is_not(None)).order_by(AccountPeriod.starts_on))
        schemes = rules.load_schemes(schemes_file)
        for y in years:
            bench = service.benchmarks(session, y.label, opened.enterprise.industry_code, min_sample)["output"]
            r = rules.platform_rating(y.intensity_output, bench, schemes["platform"])
            out["trend"].append({"period": y.label, "colour": r["colour"], "score": r["score"],
                                 "intensity": _f(y.intensity_output)})
    if grant.allows("indicators"):
        out["green_financing"] = green_financing(session, opened.enterprise.uscc)
    if grant.allows("devices"):
        from lvrongtong.iot import service as iot

        out["devices"] = iot.device_statuses(session, SYSTEM, opened.enterprise.id)
    out["tags"] = tags(session, opened.enterprise, grant, summary, out["trend"], out["green_financing"])
    return out


def tags(session: Session, ent, grant, summary: dict, trend: list[dict], financing: dict | None) -> dict:
    """The profile tags (画像标签), each with where it comes from; only what the caller may see.

    industry and ETS status are registry facts; transition status is the enterprise's GB/T 4754 code in the
    platform's transition sectors (reference/transition.py, sectors sourced, the code mapping the
    platform's); the rating trend compares the last two rated years' platform scores (±2 points counts as
    stable — the platform's choice)."""
    from lvrongtong.reference.models import Industry
    from lvrongtong.reference.transition import sector_for

    industry = session.get(Industry, ent.industry_code)
    sector = sector_for(ent.industry_code)
    out: dict = {
        "industry": {"code": ent.industry_code, "name_zh": industry.name_zh if industry else None,
                     "source": "registry (GB/T 4754-2017)"},
        "ets_covered": {"value": bool(ent.ets_covered), "source": "registry Enterprise.ets_covered"},
        "transition": {"in_scope": sector is not None, "sector": sector["sector"] if sector else None,
                       "sector_zh": sector["name_zh"] if sector else None,
                       "source": sector["source"] if sector else "reference/data/transition_sectors.csv",
                       "note_zh": "行业代码对应关系为平台自定", "note_en": "the GB/T 4754 mapping is the platform's"},
    }
    if financing is not None:
        out["green_financing"] = {k: financing[k] for k in ("loans", "amount_cny", "balance_cny")}
        out["carbon_reduction_tool_loans"] = carbon_reduction_tool_loans(session, ent.uscc)
    if grant.allows("rating"):
        out["rating_trend"] = rating_trend(trend)
    if grant.allows("inventory") and summary.get("inventory"):
        c = summary["inventory"]["completeness"]
        out["data_completeness"] = {**c, "share": round(c["months_with_data"] / c["months"], 3) if c["months"] else None}
    return out


def rating_trend(trend: list[dict]) -> dict:
    rated = [t for t in trend if t["score"] is not None]
    if len(rated) < 2:
        return {"direction": "insufficient", "points": len(rated)}
    a, b = rated[-2], rated[-1]
    delta = float(b["score"]) - float(a["score"])
    direction = "stable" if abs(delta) <= 2 else ("improving" if delta > 0 else "worsening")
    return {"direction": direction, "from": a, "to": b, "delta_score": round(delta, 1),
            "rule": "platform choice: |Δscore| ≤ 2 is stable"}


def carbon_reduction_tool_loans(session: Session, uscc: str) -> dict:
    """Loans flagged as carbon-emission-reduction-tool loans (registry), whether declared green or not."""
    from lvrongtong.registry.instruments import LoanFilter, list_loans

    got = list_loans(session, SYSTEM, LoanFilter(borrower_uscc=uscc, carbon_reduction_tool=True), page=1,
                     page_size=200)
    return {"loans": got.total, "amount_cny": float(sum((i.amount_cny for i in got.items), Decimal(0)))}


def _f(v: Decimal | None) -> float | None:
    return None if v is None else float(v)


def green_financing(session: Session, uscc: str) -> dict:
    """Green loans the enterprise received (registry), counted and summed; carbon-reduction-tool loans apart."""
    from lvrongtong.registry.instruments import LoanFilter, list_loans

    items, page = [], 1
    while page <= 10:
        got = list_loans(session, SYSTEM, LoanFilter(borrower_uscc=uscc, declared_green=True), page=page,
                         page_size=200)
        items += got.items
        if page * 200 >= got.total:
            break
        page += 1
    return {"loans": len(items), "amount_cny": float(sum((i.amount_cny for i in items), Decimal(0))),
            "balance_cny": float(sum((i.balance_cny for i in items), Decimal(0))),
            "carbon_reduction_tool_loans": sum(1 for i in items if getattr(i, "carbon_reduction_tool", False)),
            "by_year": _by_year(items)}


def _by_year(items) -> list[dict]:
    years: dict[int, float] = {}
    for i in items:
        years[i.approved_on.year] = years.get(i.approved_on.year, 0.0) + float(i.amount_cny)
    return [{"year": y, "amount_cny": v} for y, v in sorted(years.items())]
