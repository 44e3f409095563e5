"""Reference-data use cases: load the shipped files into the database, look codes up."""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lvrongtong.kit.errors import FieldError
from lvrongtong.reference.models import Industry, ReferenceDataset, Region


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    filename: str
    standard: str
    version: str
    model: type
    level_order: tuple[str, ...]


REGIONS = DatasetSpec(
    "regions_chongqing", "regions_chongqing.csv", "GB/T 2260 行政区划代码 (重庆市)", "2023",
    Region, ("province", "prefecture", "county"),
)
INDUSTRIES = DatasetSpec(
    "industries_gbt4754_2017", "gbt4754_2017.csv", "GB/T 4754-2017 国民经济行业分类", "2017",
    Industry, ("section", "division", "group", "class"),
)
DATASETS = (REGIONS, INDUSTRIES)


def read_dataset(spec: DatasetSpec) -> tuple[list[dict[str, str]], str]:
    raw = resources.files("lvrongtong.reference").joinpath("data", spec.filename).read_bytes()
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    return rows, hashlib.sha256(raw).hexdigest()


def _row_values(spec: DatasetSpec, row: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {
        "code": row["code"],
        "level": row["level"],
        "parent_code": row["parent_code"] or None,
        "name_zh": row["name_zh"],
        "source": row["source"],
        "verification": row["verification"],
    }
    if spec.model is Region:
        values.update(name_en=row.get("name_en", ""), kind=row["kind"])
    else:
        values["section"] = row["section"]
    return values


def sync_reference_data(session: Session) -> dict[str, int]:
    """Load every shipped dataset whose file changed since the last load. Idempotent."""
    loaded: dict[str, int] = {}
    for spec in DATASETS:
        rows, sha = read_dataset(spec)
        current = session.get(ReferenceDataset, spec.name)
        if current is not None and current.sha256 == sha:
            continue
        existing = {c for c in session.scalars(select(spec.model.code))}
        incoming = {r["code"] for r in rows}
        ordered = sorted(rows, key=lambda r: (spec.level_order.index(r["level"]), r["code"]))
        for row in ordered:
            session.merge(spec.model(**_row_values(spec, row)))
        session.flush()
        stale = existing - incoming
        if stale:  # codes withdrawn from the file; children first
            for code in sorted(stale, key=len, reverse=True):
                session.execute(delete(spec.model).where(spec.model.code == code))
        session.merge(ReferenceDataset(
            name=spec.name, standard=spec.standard, version=spec.version,
            source=rows[0]["source"] if rows else "", sha256=sha, row_count=len(rows),
            loaded_at=datetime.now(UTC),
        ))
        session.flush()
        loaded[spec.name] = len(rows)
    return loaded


class ReferenceLookup:
    """In-memory code sets for fast validation of many rows (imports, demo, API)."""

    def __init__(self, session: Session):
        self.regions = {r.code: r for r in session.scalars(select(Region))}
        self.industries = {i.code: i for i in session.scalars(select(Industry))}

    def check_region(self, field: str, code: str | None) -> FieldError | None:
        if code is None or code in self.regions:
            return None
        return FieldError(field, "region_unknown",
                          f"行政区划代码 {code} 不在 GB/T 2260 参考数据中",
                          f"region code {code} is not in the GB/T 2260 reference data")

    def check_industry(self, field: str, code: str | None) -> FieldError | None:
        if code is None:
            return None
        item = self.industries.get(code)
        if item is None:
            return FieldError(field, "industry_unknown",
                              f"行业代码 {code} 不在 GB/T 4754-2017 参考数据中",
                              f"industry code {code} is not in GB/T 4754-2017")
        return None


def require_industry(session: Session, code: str, field: str = "industry_code") -> Industry:
    """The GB/T 4754-2017 item with this code, or a 422 naming the field."""
    from lvrongtong.kit.errors import ValidationFailed

    item = session.get(Industry, code)
    if item is None:
        raise ValidationFailed([FieldError(field, "industry_unknown", f"行业代码 {code} 不在 GB/T 4754-2017 参考数据中",
                                           f"industry code {code} is not in GB/T 4754-2017")])
    return item


def region_options(session: Session) -> list[Region]:
    return list(session.scalars(select(Region).where(Region.level == "county").order_by(Region.code)))


def industry_sections(session: Session) -> list[Industry]:
    return list(session.scalars(select(Industry).where(Industry.level == "section").order_by(Industry.code)))


def list_industries(session: Session, level: str | None = None, parent: str | None = None,
                    q: str | None = None) -> list[Industry]:
    stmt = select(Industry).order_by(Industry.code)
    if level:
        stmt = stmt.where(Industry.level == level)
    if parent:
        stmt = stmt.where(Industry.parent_code == parent)
    if q:
        stmt = stmt.where(Industry.name_zh.contains(q) | Industry.code.startswith(q))
    return list(session.scalars(stmt))
