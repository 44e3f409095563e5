"""Stored identification results (one per instrument and engine version) and background jobs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lvrongtong.kit.db import AwareDateTime, Base


class Job(Base):
    """A long task with its progress, run after the request that queued it committed; safe to run twice."""

    __tablename__ = "job"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(48))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16))  # queued / running / done / failed
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[dict] = mapped_column(JSON, default=dict)
    error: Mapped[str] = mapped_column(Text, default="")
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), nullable=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    started_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)


class IdentificationResult(Base):
    __tablename__ = "identification_result"
    __table_args__ = (UniqueConstraint("instrument_id", "engine_version", name="uq_identification_instrument_engine"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instrument.id"), index=True)
    engine_version: Mapped[str] = mapped_column(String(32))
    catalogue: Mapped[str] = mapped_column(String(16))
    decision: Mapped[str] = mapped_column(String(16), index=True)
    code: Mapped[str] = mapped_column(String(32), default="")
    name: Mapped[str] = mapped_column(String(200), default="")
    level1_code: Mapped[str] = mapped_column(String(8), default="")
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    candidates: Mapped[list] = mapped_column(JSON, default=list)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())


class IdentificationReview(Base):
    """A reviewer's decision on an identification result: accept, reject or reassign, always with a reason.
    Reviews are audited and are the training data of the statistical layer."""

    __tablename__ = "identification_review"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instrument.id"), index=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("identification_result.id"))
    action: Mapped[str] = mapped_column(String(16))  # accept / reject / reassign
    decision: Mapped[str] = mapped_column(String(16))  # the decision after review
    catalogue: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(32), default="")
    reason: Mapped[str] = mapped_column(Text)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
