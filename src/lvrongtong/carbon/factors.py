"""The factor library: shipped CSV files → ``emission_factor``; lookup with explicit, recorded fallbacks.

Fallback rules (each step taken is written into the result's trace):

* region: a GB/T 2260 province code → its regional grid (``grid_region`` table, with its own source)
  → national (``CN``); a grid → national. The first region that has a value for the quantity wins.
* year: the requested year; else the latest earlier year (recorded as a fallback); a year earlier
  than every published value is refused. No year requested → the latest published year.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Protocol

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from lvrongtong.carbon.models import EmissionFactor, GridRegion
from lvrongtong.carbon.units import dimension_of
from lvrongtong.kit.errors import AppError, FieldError, ValidationFailed, field_error
from lvrongtong.reference.models import ReferenceDataset

FACTOR_FILES = ("factors.csv",)
GRID_FILE = "grid_regions.csv"
VERIFICATION = ("official", "secondary", "unverified")
COLUMNS = ("factor_id", "quantity", "subject", "region", "year", "value", "unit", "gas", "scope", "dataset_version",
           "valid_from", "valid_to", "document", "clause", "source", "verification", "note")


@dataclass(frozen=True)
class FactorUse:
    """A factor as used by one calculation: the value and everything needed to check it."""

    factor_id: str
    quantity: str
    subject: str
    region: str
    year: int | None
    value: Decimal
    unit: str
    gas: str
    dataset_version: str
    document: str
    clause: str
    source: str
    verification: str
    requested: dict = field(default_factory=dict)
    fallback: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        d = asdict(self)
        d["value"] = format(self.value.normalize(), "f")
        d["fallback"] = list(self.fallback)
        return d


class FactorSource(Protocol):
    def get(self, quantity: str, subject: str, region: str = "CN", year: int | None = None,
            field_name: str = "factor") -> FactorUse: ...


# ---------------------------------------------------------------- reading the shipped files

def _read(name: str) -> tuple[list[dict[str, str]], str]:
    raw = resources.files("lvrongtong.carbon").joinpath("data", name).read_bytes()
    return list(csv.DictReader(raw.decode("utf-8-sig").splitlines())), hashlib.sha256(raw).hexdigest()


def validate_rows(rows: Iterable[dict[str, str]], name: str) -> list[FieldError]:
    """Every problem of a factor file, each naming row and column; an empty list means loadable."""
    problems: list[FieldError] = []
    seen: set[str] = set()
    for n, row in enumerate(rows, start=2):
        where = f"{name}:{n}"

        def bad(column: str, rule: str, zh: str, en: str, where: str = where) -> None:
            problems.append(FieldError(f"{where}.{column}", rule, zh, en))

        if set(row) != set(COLUMNS):
            bad("header", "columns", f"列应为 {','.join(COLUMNS)}", f"columns must be {','.join(COLUMNS)}")
            break
        expected_id = f"{row['quantity']}:{row['subject']}:{row['region']}:{row['year'] or '-'}"
        if row["factor_id"] != expected_id:
            bad("factor_id", "factor_id_format", f"应为 {expected_id}", f"must be {expected_id}")
        if row["factor_id"] in seen:
            bad("factor_id", "factor_id_unique", "重复的因子编号", "duplicate factor id")
        seen.add(row["factor_id"])
        try:
            if not Decimal(row["value"]).is_finite():
                raise InvalidOperation
        except InvalidOperation:
            bad("value", "number", "不是数字", "not a number")
        try:
            dimension_of(row["unit"])
        except AppError:
            bad("unit", "unit_known", f"未知单位 {row['unit']}", f"unknown unit {row['unit']}")
        if row["verification"] not in VERIFICATION:
            bad("verification", "verification_known", "核验状态无效", "unknown verification status")
        if not row["source"] or not row["document"]:
            bad("source", "required", "来源与文件必填", "source and document are required")
    return problems


def _row_model(row: dict[str, str]) -> EmissionFactor:
    def day(text: str) -> date | None:
        return date.fromisoformat(text) if text else None

    return EmissionFactor(
        factor_id=row["factor_id"], quantity=row["quantity"], subject=row["subject"], region=row["region"],
        year=int(row["year"]) if row["year"] else None, value=Decimal(row["value"]), unit=row["unit"],
        gas=row["gas"], scope=row["scope"], dataset_version=row["dataset_version"], valid_from=day(row["valid_from"]),
        valid_to=day(row["valid_to"]), document=row["document"], clause=row["clause"], source=row["source"],
        verification=row["verification"], note=row["note"],
    )


def sync_factors(session: Session) -> dict[str, int]:
    """Load the shipped factor files whose content changed; a bad file stops the upgrade, naming each problem."""
    loaded: dict[str, int] = {}
    for name in (*FACTOR_FILES, GRID_FILE):
        rows, sha = _read(name)
        dataset = f"carbon_{name.removesuffix('.csv')}"
        current = session.get(ReferenceDataset, dataset)
        if current is not None and current.sha256 == sha:
            continue
        if name == GRID_FILE:
            session.execute(delete(GridRegion))
            session.add_all(GridRegion(**row) for row in rows)
        else:
            problems = validate_rows(rows, name)
            if problems:
                raise ValidationFailed(problems)
            session.execute(delete(EmissionFactor).where(EmissionFactor.factor_id.in_([r["factor_id"] for r in rows])))
            session.add_all(_row_model(r) for r in rows)
        session.merge(ReferenceDataset(name=dataset, standard="排放因子库 emission factor library", version=sha[:12],
                                       source=f"lvrongtong/carbon/data/{name}", sha256=sha, row_count=len(rows),
                                       loaded_at=datetime.now(UTC)))
        loaded[dataset] = len(rows)
    session.flush()
    return loaded


# ---------------------------------------------------------------- lookup

def _use(f: EmissionFactor, requested: dict, fallback: list[str]) -> FactorUse:
    return FactorUse(f.factor_id, f.quantity, f.subject, f.region, f.year, Decimal(f.value), f.unit, f.gas,
                     f.dataset_version, f.document, f.clause, f.source, f.verification, requested, tuple(fallback))


def region_chain(region: str, grids: dict[str, str]) -> list[tuple[str, str]]:
    """Regions to try, each with the reason it is tried."""
    chain = [(region, "")]
    if len(region) == 6 and region.isdigit():
        province = region[:2] + "0000"
        if province != region:
            chain.append((province, f"地区 {region} → 所属省级 {province} / region {region} → its province {province}"))
        if province in grids:
            chain.append((grids[province], f"省级 {province} → 区域电网 {grids[province]} / province {province} → "
                                           f"regional grid {grids[province]}"))
    if region != "CN":
        chain.append(("CN", f"{chain[-1][0]} 无此因子 → 全国 / no factor for {chain[-1][0]} → national (CN)"))
    return chain


def pick(candidates: list[EmissionFactor], region: str, year: int | None, grids: dict[str, str],
         requested: dict, field_name: str) -> FactorUse:
    by_region: dict[str, list[EmissionFactor]] = {}
    for f in candidates:
        by_region.setdefault(f.region, []).append(f)
    notes: list[str] = []
    for reg, why in region_chain(region, grids):
        if why:
            notes.append(why)
        rows = by_region.get(reg)
        if not rows:
            continue
        undated = [f for f in rows if f.year is None]
        if undated:
            return _use(undated[0], requested, notes if reg != region else [])
        dated = sorted(rows, key=lambda f: f.year or 0)
        if year is None:
            latest = dated[-1]
            return _use(latest, requested, [*notes, f"未指定年份 → 最新年份 {latest.year} / no year given → latest {latest.year}"])
        usable = [f for f in dated if (f.year or 0) <= year]
        if not usable:
            raise field_error(
                "year", "factor_year_available",
                f"{requested['quantity']}（{requested['subject']}）最早发布年份为 {dated[0].year}，不能用于 {year} 年",
                f"{requested['quantity']} ({requested['subject']}) is first published for {dated[0].year}; "
                f"no factor for {year}")
        chosen = usable[-1]
        extra = [] if chosen.year == year else [
            f"{year} 年未发布 → 采用此前最近年份 {chosen.year} / {year} not published → latest earlier year {chosen.year}"]
        return _use(chosen, requested, (notes if reg != region else []) + extra)
    raise field_error(field_name, "factor_available",
                      f"因子库中没有 {requested['quantity']}（{requested['subject']}，{region}）",
                      f"no factor {requested['quantity']} for {requested['subject']} in {region} in the library")


class DbFactors:
    """Factor lookup against the database (what services and the API use)."""

    def __init__(self, session: Session):
        self.session = session
        self._grids: dict[str, str] | None = None
        self._rows_cache: dict[tuple[str, str], list[EmissionFactor]] = {}

    def grids(self) -> dict[str, str]:
        if self._grids is None:
            self._grids = {g.province_code: g.grid for g in self.session.scalars(select(GridRegion))}
        return self._grids

    def get(self, quantity: str, subject: str, region: str = "CN", year: int | None = None,
            field_name: str = "factor") -> FactorUse:
        key = (quantity, subject)
        if key not in self._rows_cache:  # one query per (quantity, subject) for the life of this source
            self._rows_cache[key] = list(self.session.scalars(select(EmissionFactor).where(
                EmissionFactor.quantity == quantity, EmissionFactor.subject == subject)))
        rows = self._rows_cache[key]
        requested = {"quantity": quantity, "subject": subject, "region": region, "year": year}
        return pick(rows, region, year, self.grids(), requested, field_name)


class ShippedFactors(DbFactors):
    """The same lookup over the shipped files, without a database (pure calculations, worked examples)."""

    def __init__(self) -> None:
        self._rows = [_row_model(r) for name in FACTOR_FILES for r in _read(name)[0]]
        self._grids = {r["province_code"]: r["grid"] for r in _read(GRID_FILE)[0]}

    def get(self, quantity: str, subject: str, region: str = "CN", year: int | None = None,
            field_name: str = "factor") -> FactorUse:
        rows = [f for f in self._rows if f.quantity == quantity and f.subject == subject]
        requested = {"quantity": quantity, "subject": subject, "region": region, "year": year}
        return pick(rows, region, year, self._grids, requested, field_name)


def search(session: Session, text: str | None = None, quantity: str | None = None,
           verification: str | None = None) -> list[EmissionFactor]:
    stmt = select(EmissionFactor).order_by(EmissionFactor.quantity, EmissionFactor.subject, EmissionFactor.region,
                                           EmissionFactor.year)
    if text:
        like = f"%{text}%"
        stmt = stmt.where(or_(EmissionFactor.factor_id.ilike(like), EmissionFactor.subject.ilike(like),
                              EmissionFactor.document.ilike(like), EmissionFactor.clause.ilike(like),
                              EmissionFactor.region.ilike(like)))
    if quantity:
        stmt = stmt.where(EmissionFactor.quantity == quantity)
    if verification:
        stmt = stmt.where(EmissionFactor.verification == verification)
    return list(session.scalars(stmt))
