"""A version number per data domain, bumped in the same transaction as any change to that domain.

Caches key their entries on it: a cached answer is used only while no write to its domain has
committed since (``kit/cache.py``). ORM changes bump automatically (``before_flush``); bulk Core
writes (demo build) call ``bump`` themselves.
"""

from __future__ import annotations

import time

from sqlalchemy import Integer, String, event, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from lvrongtong.kit.db import Base

_TRACKED: dict[type, str] = {}


class DataVersion(Base):
    __tablename__ = "data_version"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


def track(domain: str, *classes: type) -> None:
    """Declare that changes to these mapped classes change ``domain``."""
    for cls in classes:
        _TRACKED[cls] = domain


def bump(session: Session, domain: str) -> None:
    session.info.setdefault("bumped_domains", set()).add(domain)
    updated = session.execute(update(DataVersion).where(DataVersion.name == domain)
                              .values(version=DataVersion.version + 1))
    if updated.rowcount == 0:  # type: ignore[attr-defined]
        session.add(DataVersion(name=domain, version=1))


def current(session: Session, domain: str) -> int:
    return session.scalar(select(DataVersion.version).where(DataVersion.name == domain)) or 0


@event.listens_for(Session, "before_flush")
def _bump_on_change(session: Session, _context, _instances) -> None:
    domains = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        for cls in type(obj).__mro__:
            if cls in _TRACKED:
                domains.add(_TRACKED[cls])
                break
    for domain in sorted(domains):
        bump(session, domain)


class VersionClock:
    """The domains' versions as last read by this process, re-read at most every ``max_age`` seconds.

    A commit in this process that changed a domain makes the next read go to the database at once;
    a commit by another process (worker, CLI) is seen within ``max_age`` seconds. ``max_age = 0``
    reads the database every time.
    """

    def __init__(self, max_age: float = 1.0):
        self.max_age = max_age
        self._seen: dict[tuple[int, str], tuple[float, int]] = {}

    def current(self, session: Session, domain: str) -> int:
        key = (id(session.get_bind()), domain)  # one clock per database the process talks to
        now = time.monotonic()
        seen = self._seen.get(key)
        if seen is not None and now - seen[0] < self.max_age:
            return seen[1]
        version = current(session, domain)
        self._seen[key] = (now, version)
        return version

    def forget(self, domains) -> None:
        for key in [k for k in self._seen if k[1] in domains]:
            self._seen.pop(key, None)


clock = VersionClock()


@event.listens_for(Session, "after_commit")
def _forget_after_local_commit(session: Session) -> None:
    bumped = session.info.pop("bumped_domains", None)
    if bumped:
        clock.forget(bumped)


@event.listens_for(Session, "after_soft_rollback")
def _drop_marks(session: Session, _previous) -> None:
    if not session.in_transaction():
        session.info.pop("bumped_domains", None)
