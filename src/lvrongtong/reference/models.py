"""Reference tables: administrative divisions (GB/T 2260), industries (GB/T 4754-2017), dataset versions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
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


class Catalogue(Base):
    """One version of a green / transition taxonomy (e.g. 2025 《绿色金融支持项目目录》)."""

    __tablename__ = "catalogue"

    version: Mapped[str] = mapped_column(String(16), primary_key=True)
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    issuer: Mapped[str] = mapped_column(String(200), default="")
    document_no: Mapped[str] = mapped_column(String(64), default="")
    valid_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    valid_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    source: Mapped[str] = mapped_column(String(500), default="")
    levels: Mapped[int] = mapped_column(Integer, default=3)
    expected_counts: Mapped[dict] = mapped_column(JSON, default=dict)  # {"1": 9, "2": 38, "3": 271} as stated
    sha256: Mapped[str] = mapped_column(String(64), default="")
    loaded_at: Mapped[datetime] = mapped_column(AwareDateTime())
    origin: Mapped[str] = mapped_column(String(16), default="shipped")  # shipped / imported


class CatalogueItem(Base):
    __tablename__ = "catalogue_item"
    __table_args__ = (UniqueConstraint("version", "code", name="version_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[str] = mapped_column(ForeignKey("catalogue.version", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    level: Mapped[int] = mapped_column(Integer)
    parent_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    position: Mapped[int] = mapped_column(Integer)  # order in the official text
    name_zh: Mapped[str] = mapped_column(String(300), index=True)
    name_en: Mapped[str] = mapped_column(String(300), default="")
    scope_zh: Mapped[str] = mapped_column(Text, default="")  # 内涵 / 说明 / 条件 as printed
    remarks_zh: Mapped[str] = mapped_column(Text, default="")
    industry_classes: Mapped[list] = mapped_column(JSON, default=list)  # [{"code": "4416", "name_zh": "…"}]
    ghg_contribution: Mapped[str] = mapped_column(String(64), default="")
    source: Mapped[str] = mapped_column(String(500))
    verification: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
