"""Pagination and sorting for list endpoints: ``page`` (1-based), ``page_size`` (≤ 200), ``sort``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from lvrongtong.kit.errors import field_error

T = TypeVar("T")
MAX_PAGE_SIZE = 200


@dataclass
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def check_page(page: int, page_size: int) -> None:
    if page < 1:
        raise field_error("page", "page_min", "页码从1开始", "page starts at 1")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise field_error("page_size", "page_size_range", f"每页条数应在1到{MAX_PAGE_SIZE}之间",
                          f"page_size must be between 1 and {MAX_PAGE_SIZE}")


def apply_sort(stmt: Select, sort: str | None, allowed: dict[str, Any], default: str, tiebreak: Any) -> Select:
    """``sort`` is a comma list of field names, each optionally prefixed by ``-`` for descending."""
    spec = sort or default
    clauses = []
    first_desc = spec.strip().startswith("-")
    for part in [p.strip() for p in spec.split(",") if p.strip()]:
        desc = part.startswith("-")
        name = part.lstrip("-+")
        if name not in allowed:
            raise field_error("sort", "sort_field_unknown", f"不能按“{name}”排序，可选：{', '.join(allowed)}",
                              f"cannot sort by '{name}'; choose from: {', '.join(allowed)}")
        col = allowed[name]
        clauses.append(col.desc() if desc else col.asc())
    # the tie-break follows the first key's direction so that an index on that key serves both
    return stmt.order_by(*clauses, tiebreak.desc() if first_desc else tiebreak.asc())


def paginate(session: Session, stmt: Select, count_stmt: Select, page: int, page_size: int) -> tuple[list, int]:
    check_page(page, page_size)
    total = session.scalar(select(func.count()).select_from(count_stmt.order_by(None).subquery())) or 0
    rows = session.execute(stmt.limit(page_size).offset((page - 1) * page_size)).all()
    return rows, total
