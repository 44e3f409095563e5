"""Reference tables: administrative divisions (GB/T 2260), industries (GB/T 4754-2017), dataset versions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from lvrongtong.kit.db import AwareDateTime, Base


class ReferenceDataset(Base):
    """One loaded reference file: what, which version, from where, with which content hash."""

    __tablename__ = "reference_dataset"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    standard: Mapped[str] = mapped_column(String(128))
    version: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(512))
    sha256: Mapped[str] = mapped_column(String(64))
    row_count: Mapped[int] = mapped_column(Integer)
    loaded_at: Mapped[datetime] = mapped_column(AwareDateTime())


class Region(Base):
    __tablename__ = "region"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(128), default="")
    level: Mapped[str] = mapped_column(String(16))  # province / prefecture / county
    kind: Mapped[str] = mapped_column(String(16))  # province / prefecture / district / county
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"), nullable=True)
    source: Mapped[str] = mapped_column(String(256))
    verification: Mapped[str] = mapped_column(String(16))  # official / secondary / unverified


class Industry(Base):
    __tablename__ = "industry"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    level: Mapped[str] = mapped_column(String(16))  # section / division / group / class
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("industry.code"), nullable=True, index=True)
    section: Mapped[str] = mapped_column(String(1), index=True)
    name_zh: Mapped[str] = mapped_column(String(128))
    source: Mapped[str] = mapped_column(String(256))
    verification: Mapped[str] = mapped_column(String(16))
