"""A caller's book (loans and bonds it may read) with its counterparties' data for a year → financed
emissions, broken down by industry division, district and instrument kind, with drill-down to positions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from lvrongtong.carbon.models import CounterpartyYear
from lvrongtong.carbon.portfolio import STATUS, Book, Financed, financed_emissions
from lvrongtong.kit.principal import Principal
from lvrongtong.reference.models import Industry, Region
from lvrongtong.registry.access import require_instrument_list, scope_instruments
from lvrongtong.registry.models import Enterprise, Instrument


@dataclass
class LoadedBook:
    ids: np.ndarray
    kind: list[str]
    reference: list[str]
    division: np.ndarray  # str array
    region: np.ndarray
    enterprise: list[str]
    book: Book
    result: Financed


def load(session: Session, who: Principal, year: int, *, holder_org_id: int | None = None) -> LoadedBook:
    require_instrument_list(who)
    stmt = (select(Instrument.id, Instrument.kind, Instrument.reference, Instrument.balance_cny, Instrument.industry_code,
                   Instrument.region_code, Enterprise.name, Enterprise.listed, CounterpartyYear.emissions_scope12_t,
                   CounterpartyYear.total_equity_cny, CounterpartyYear.total_debt_cny, CounterpartyYear.evic_cny,
                   CounterpartyYear.data_option)
            .join(Enterprise, Enterprise.id == Instrument.counterparty_enterprise_id)
            .outerjoin(CounterpartyYear, (CounterpartyYear.enterprise_id == Enterprise.id)
                       & (CounterpartyYear.year == year))
            .where(Instrument.balance_cny > 0).order_by(Instrument.id))
    stmt = scope_instruments(stmt, who)
    if holder_org_id is not None:
        stmt = stmt.where(Instrument.holder_org_id == holder_org_id)
    rows = session.execute(stmt).all()

    def col(i: int) -> np.ndarray:
        return np.array([np.nan if r[i] is None else float(r[i]) for r in rows], dtype=np.float64)

    book = Book(balance=col(3), emissions=col(8), equity=col(9), debt=col(10), evic=col(11),
                listed=np.array([bool(r[7]) for r in rows], dtype=bool),
                score=Book.scores_for([r[12] for r in rows]))
    return LoadedBook(np.array([r[0] for r in rows], dtype=np.int64), [r[1] for r in rows], [r[2] for r in rows],
                      np.array([r[4][:2] for r in rows]), np.array([r[5] for r in rows]), [r[6] for r in rows],
                      book, financed_emissions(book))


def _group(keys: np.ndarray, lb: LoadedBook, names: dict[str, str]) -> list[dict]:
    ok = lb.result.status == 0
    out = []
    for key in np.unique(keys):
        mask = keys == key
        covered = lb.book.balance[mask & ok]
        fe = float(lb.result.financed[mask].sum())
        out.append({"key": str(key), "name": names.get(str(key), ""), "positions": int(mask.sum()),
                    "balance_cny": round(float(lb.book.balance[mask].sum()), 2),
                    "financed_emissions_tco2e": round(fe, 3),
                    "intensity_tco2e_per_million_cny": round(fe / float(covered.sum() / 1e6), 4) if covered.sum() else None,
                    "coverage_by_balance": round(float(covered.sum() / lb.book.balance[mask].sum()), 4)})
    return sorted(out, key=lambda g: -g["financed_emissions_tco2e"])


def summary(session: Session, who: Principal, year: int, lb: LoadedBook | None = None) -> dict:
    lb = lb or load(session, who, year)
    divisions = {i.code: i.name_zh for i in session.scalars(select(Industry).where(Industry.level == "division"))}
    regions = {r.code: r.name_zh for r in session.scalars(select(Region))}
    return {"year": year, "method": "PCAF Part A (2nd ed.) — platform portfolio engine, docs/methodology.md",
            **lb.result.summary(),
            "by_division": _group(lb.division, lb, divisions), "by_region": _group(lb.region, lb, regions),
            "by_kind": _group(np.array(lb.kind), lb, {"loan": "贷款 loans", "bond": "债券 bonds"})}


def positions(session: Session, who: Principal, year: int, *, division: str | None = None,
              region: str | None = None, status: str | None = None, page: int = 1,
              page_size: int = 50, export: bool = False, lb: LoadedBook | None = None) -> dict:
    from lvrongtong.kit.pagination import check_page

    if not export:
        check_page(page, page_size)
    lb = lb or load(session, who, year)
    mask = np.ones(len(lb.ids), dtype=bool)
    if division:
        mask &= lb.division == division
    if region:
        mask &= lb.region == region
    if status:
        mask &= lb.result.status == (STATUS.index(status) if status in STATUS else -1)
    idx = np.flatnonzero(mask)
    idx = idx[np.argsort(-lb.result.financed[idx], kind="stable")]
    page_idx = idx[(page - 1) * page_size: page * page_size]
    items = [{"instrument_id": int(lb.ids[i]), "kind": lb.kind[i], "reference": lb.reference[i],
              "counterparty": lb.enterprise[i], "division": str(lb.division[i]), "region": str(lb.region[i]),
              "balance_cny": round(float(lb.book.balance[i]), 2),
              "attribution_factor": None if np.isnan(lb.result.attribution[i]) else float(lb.result.attribution[i]),
              "financed_emissions_tco2e": round(float(lb.result.financed[i]), 3),
              "data_quality_score": None if np.isnan(lb.book.score[i]) else int(lb.book.score[i]),
              "status": STATUS[lb.result.status[i]]} for i in page_idx]
    return {"items": items, "total": int(len(idx)), "page": page, "page_size": page_size}
