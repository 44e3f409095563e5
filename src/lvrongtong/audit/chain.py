"""Pure hashing for the audit chain (no I/O).

entry hash = SHA-256( canonical JSON of {seq, at, actor, user_id, organisation_id, action,
subject_type, subject_id, before_digest, after_digest, changed_fields, prev_hash} )

Canonical JSON: keys sorted, no whitespace, UTF-8, Decimals / dates as their ISO strings.
Changing any field of any entry, or removing one, breaks the chain at that entry.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

GENESIS = "0" * 64


def _default(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, set | frozenset):
        return json.dumps(sorted(value))
    return str(value)


def canonical_json(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default)


def digest(obj: Any) -> str | None:
    """SHA-256 of the canonical JSON of a record state; ``None`` stays ``None`` (no state)."""
    if obj is None:
        return None
    return hashlib.sha256(canonical_json(obj).encode()).hexdigest()


def entry_hash(fields: dict[str, Any], prev_hash: str) -> str:
    payload = dict(fields)
    payload["prev_hash"] = prev_hash
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


HASHED_FIELDS = (
    "seq", "at", "actor", "user_id", "organisation_id", "action",
    "subject_type", "subject_id", "before_digest", "after_digest", "changed_fields",
)


def changed_fields(before: dict | None, after: dict | None) -> list[str]:
    if before is None or after is None:
        return sorted((before or after or {}).keys()) if (before or after) else []
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
