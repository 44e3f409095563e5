"""Audit use cases: record an action in the caller's transaction; verify the chain."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from lvrongtong.audit.chain import GENESIS, HASHED_FIELDS, changed_fields, digest, entry_hash
from lvrongtong.audit.models import AuditEntry, AuditHead
from lvrongtong.kit.principal import Principal


def ensure_head(session: Session) -> None:
    if session.get(AuditHead, 1) is None:
        session.add(AuditHead(id=1, seq=0, hash=GENESIS))
        session.flush()


def _fields_of(entry: AuditEntry) -> dict[str, Any]:
    values = {name: getattr(entry, name) for name in HASHED_FIELDS}
    values["at"] = entry.at.astimezone(UTC).isoformat()
    return values


def record(
    session: Session,
    who: Principal,
    action: str,
    subject_type: str,
    subject_id: Any,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    """Append one entry to the chain inside the caller's transaction.

    The UPDATE of the single head row comes first: it takes the write lock (a row lock on
    PostgreSQL, the database write lock on SQLite), so concurrent appends serialise and the
    chain never forks.
    """
    ensure_head(session)
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + 1))
    head = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).one()
    entry = AuditEntry(
        seq=head.seq,
        at=datetime.now(UTC),
        actor=who.actor,
        user_id=who.user_id,
        organisation_id=who.organisation_id,
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        before_digest=digest(before),
        after_digest=digest(after),
        changed_fields=changed_fields(before, after),
        prev_hash=head.hash,
    )
    entry.hash = entry_hash(_fields_of(entry), entry.prev_hash)
    session.add(entry)
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(hash=entry.hash))
    session.flush()
    return entry


@dataclass
class ChainProblem:
    seq: int
    problem: str  # edited / deleted / broken_link / head_mismatch
    detail: str


@dataclass
class VerifyReport:
    entries_checked: int = 0
    problems: list[ChainProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _iter_entries(session: Session, chunk: int = 5000) -> Iterator[AuditEntry]:
    last = 0
    while True:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.seq > last).order_by(AuditEntry.seq).limit(chunk)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq
        session.expunge_all()


def verify(session: Session) -> VerifyReport:
    """Walk the chain; name each entry that was edited, and each gap where entries were deleted."""
    report = VerifyReport()
    expected_seq, prev_hash = 1, GENESIS
    for entry in _iter_entries(session):
        report.entries_checked += 1
        if entry.seq != expected_seq:
            missing = f"{expected_seq}" if entry.seq == expected_seq + 1 else f"{expected_seq}–{entry.seq - 1}"
            report.problems.append(ChainProblem(expected_seq, "deleted", f"entries {missing} are missing"))
        elif entry.prev_hash != prev_hash:
            report.problems.append(ChainProblem(entry.seq, "broken_link", "prev_hash does not match entry before"))
        recomputed = entry_hash(_fields_of(entry), entry.prev_hash)
        if recomputed != entry.hash:
            report.problems.append(ChainProblem(entry.seq, "edited", "content does not match its hash"))
        expected_seq, prev_hash = entry.seq + 1, entry.hash
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq != expected_seq - 1 or head.hash != prev_hash):
        report.problems.append(ChainProblem(
            head.seq, "head_mismatch",
            f"head says entry {head.seq}, chain ends at {expected_seq - 1}: entries at the end were deleted",
        ))
    return report


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry)) or 0
