"""Marks which demo dataset a database holds, so ``lvrongtong demo`` is idempotent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from lvrongtong.kit.db import AwareDateTime, Base


class DemoDataset(Base):
    __tablename__ = "demo_dataset"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[str] = mapped_column(String(16))
    seed: Mapped[int] = mapped_column(Integer)
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    logins: Mapped[list] = mapped_column(JSON, default=list)
    built_at: Mapped[datetime] = mapped_column(AwareDateTime())
