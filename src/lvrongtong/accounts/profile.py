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
    return out


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
