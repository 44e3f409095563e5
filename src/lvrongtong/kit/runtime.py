"""The process-wide runtime: settings, engine and session factory, built once from settings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from lvrongtong.kit.db import make_engine, make_session_factory, transaction
from lvrongtong.kit.settings import Settings


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]

    @classmethod
    def from_settings(cls, settings: Settings) -> Runtime:
        engine = make_engine(settings.resolved_database_url)
        return cls(settings, engine, make_session_factory(engine))

    def transaction(self):
        return transaction(self.sessions)

    def upgrade(self) -> dict[str, int]:
        """Migrate the schema to head, then load changed reference data. Idempotent."""
        from lvrongtong.audit.service import ensure_head
        from lvrongtong.kit.migrate import upgrade
        from lvrongtong.reference.service import sync_reference_data

        upgrade(self.engine)
        from lvrongtong.reference.catalogues import sync_shipped

        with self.transaction() as session:
            ensure_head(session)
            loaded = sync_reference_data(session)
            loaded.update(sync_shipped(session))
            from lvrongtong.carbon.factors import sync_factors

            loaded.update(sync_factors(session))
            return loaded
