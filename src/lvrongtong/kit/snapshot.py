"""A record's column values as a plain dict — what the audit trail digests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect


def snapshot(obj: Any, exclude: tuple[str, ...] = ("created_at", "updated_at")) -> dict[str, Any]:
    mapper = inspect(obj).mapper
    return {attr.key: getattr(obj, attr.key) for attr in mapper.column_attrs if attr.key not in exclude}
