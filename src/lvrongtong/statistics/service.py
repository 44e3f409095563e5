"""Statistics use cases: the cube for the caller's scope, labels for its cells, drill-down, exports.

Scope: the regulator and government see every institution; a bank sees its own data only.
Drill-down to loans: the regulator any cell, a bank its own loans; government sees aggregates only.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lvrongtong.kit.errors import Forbidden
from lvrongtong.kit.principal import Principal
from lvrongtong.reference.models import CatalogueItem, Industry, Region
from lvrongtong.registry.models import Organisation
from lvrongtong.reporting.service import current_files
from lvrongtong.statistics.definitions import DIMENSIONS, MEASURES, Query, cube_sql, drill_sql
from lvrongtong.statistics.engines import DuckEngine

AGGREGATE_ONLY = {"government"}
ALL_DATA = {"regulator", "government"}
SIZE_ZH = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}
GREEN_ZH = {"green": "绿色", "transition": "转型", "other": "其他"}
INST_TYPE_ZH = {"policy_bank": "政策性银行", "large_state_owned": "大型国有银行", "joint_stock": "股份制银行",
                "city_commercial": "城市商业银行", "rural_commercial": "农村商业银行", "village_bank": "村镇银行",
                "foreign_bank": "外资银行", "bank": "银行", "insurer": "保险机构", "securities_fund": "证券基金"}


def scope(who: Principal) -> set[int] | None:
    if who.is_system or who.org_type in ALL_DATA:
        return None
    if who.org_type in {"bank", "insurer", "securities_fund"}:
        return set(who.org_ids or {who.organisation_id})
    raise Forbidden("该角色不能查看统计监测数据", "your organisation type cannot see the monitoring statistics")


@dataclass
class Cube:
    query: Query
    columns: list[str]
    cells: list[dict[str, Any]]
    files: int

    def as_dict(self) -> dict[str, Any]:
        return {"by": self.query.by, "grain": self.query.grain, "period_from": self.query.period_from,
                "period_to": self.query.period_to, "files": self.files, "cells": self.cells,
                "measures": {m.name: {"zh": m.zh, "en": m.en, "unit": m.unit, "kind": m.kind, "formula": m.formula}
                             for m in MEASURES.values()}}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    return value


def build(session: Session, who: Principal, settings, query: Query, labels: bool = True) -> Cube:
    return build_many(session, who, settings, [query], labels)[0]


def build_many(session: Session, who: Principal, settings, queries: list[Query], labels: bool = True) -> list[Cube]:
    """Several cubes over one engine: the caller's files are listed and opened once."""
    institutions = scope(who)
    files = current_files(session, settings, institutions)
    names = Labels(session) if labels else None
    out = []
    with DuckEngine(files) as engine:
        for query in queries:
            query.institutions = institutions
            columns, rows = engine.rows(cube_sql(query))
            cells = [{c: _plain(v) for c, v in zip(columns, row, strict=True)} for row in rows]
            if names:
                for cell in cells:
                    for dim in query.by:
                        cell[f"{dim}_name"] = names.name(dim, cell[dim])
            out.append(Cube(query, columns, cells, len(files)))
    return out


class Labels:
    """Names for dimension values (districts, institutions, industries, catalogue levels)."""

    def __init__(self, session: Session):
        self.session = session
        self._cache: dict[str, dict[str, str]] = {}

    def _table(self, dim: str) -> dict[str, str]:
        if dim not in self._cache:
            s = self.session
            if dim == "district":
                table = {c: n for c, n in s.execute(select(Region.code, Region.name_zh))}
            elif dim == "institution":
                table = {str(i): n for i, n in s.execute(select(Organisation.id, Organisation.name))}
            elif dim in ("industry", "industry_division"):
                table = {c: n for c, n in s.execute(select(Industry.code, Industry.name_zh))}
            elif dim.startswith("level"):
                table = {f"{v}:{c}": f"{n}（{v}版 {c}）" for v, c, n in
                         s.execute(select(CatalogueItem.version, CatalogueItem.code, CatalogueItem.name_zh))}
            elif dim == "enterprise_size":
                table = SIZE_ZH
            elif dim == "green_type":
                table = GREEN_ZH
            elif dim == "institution_type":
                table = INST_TYPE_ZH
            else:
                table = {}
            self._cache[dim] = table
        return self._cache[dim]

    def name(self, dim: str, value: Any) -> str:
        if value in ("", None):
            return "（未填/不适用）" if dim.startswith("level") else "（空）"
        return self._table(dim).get(str(value), str(value))


def drill(session: Session, who: Principal, settings, query: Query, cell: dict[str, str], t: str,
          measure: str = "balance_cny", page: int = 1, page_size: int = 50) -> tuple[list[dict[str, Any]], int]:
    if who.org_type in AGGREGATE_ONLY and not who.is_system:
        raise Forbidden("政府部门可查看汇总统计，不能查看逐笔贷款", "government users see aggregates, not single loans")
    from lvrongtong.kit.pagination import check_page

    check_page(page, page_size)
    query.institutions = scope(who)
    kind = "flow" if MEASURES.get(measure) and MEASURES[measure].kind == "flow" else "stock"
    rows_sql, count_sql = drill_sql(query, cell, t, kind, page_size, (page - 1) * page_size)
    files = current_files(session, settings, query.institutions)
    with DuckEngine(files) as engine:
        total = engine.scalar(count_sql)
        columns, rows = engine.rows(rows_sql)
    return [{c: (v.isoformat() if hasattr(v, "isoformat") else _plain(v)) for c, v in zip(columns, row, strict=True)}
            for row in rows], int(total)


def dimension_catalogue() -> list[dict[str, str]]:
    return [{"name": d.name, "zh": d.zh, "en": d.en} for d in DIMENSIONS.values()]


def cube_xlsx(cube: Cube) -> bytes:
    from lvrongtong.kit.xlsx import write_xlsx

    heads, keys = [], []
    for dim in cube.query.by:
        d = DIMENSIONS[dim]
        heads += [f"{d.zh} {d.en}", f"{d.zh}名称"]
        keys += [dim, f"{dim}_name"]
    heads += ["时间 period", "快照月 snapshot"]
    keys += ["t", "snapshot"]
    for m in MEASURES.values():
        heads.append(f"{m.zh} ({m.unit})")
        keys.append(m.name)

    def value(cell, k):
        v = cell.get(k)
        if k in MEASURES and isinstance(v, str):
            return Decimal(v)
        return v

    notes = [(m.name, f"{m.zh} / {m.en}: {m.formula} ({m.kind})") for m in MEASURES.values()]
    notes.append(("scope", "仅含各机构在用（最新被接受）的报送 / only the accepted submissions in force"))
    return write_xlsx("统计 Cube", heads, ([value(c, k) for k in keys] for c in cube.cells), notes)
