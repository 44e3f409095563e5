"""Tables of regulatory reporting: submissions (with their receipts), rule findings, changes.

The loan rows of an accepted submission live in the Parquet analytical store (one file per
submission, partitioned by period and institution); the database keeps what was submitted by
whom, how it was judged, and which submission is in force for each institution and month.
Nothing accepted is ever overwritten: a correction is a new submission that supersedes the
previous one, and both stay.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lvrongtong.kit.db import AwareDateTime, Base, utcnow


class ReportSubmission(Base):
    __tablename__ = "report_submission"
    __table_args__ = (Index("ix_report_submission_inst_period", "institution_id", "period", "sequence", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    receipt: Mapped[str] = mapped_column(String(32), unique=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    period: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM
    sequence: Mapped[int] = mapped_column(Integer)  # 1, 2, … per institution and period (every attempt)
    status: Mapped[str] = mapped_column(String(16))  # accepted / rejected
    current: Mapped[bool] = mapped_column(Boolean, default=False, index=True)  # the accepted one in force
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("report_submission.id"), nullable=True)
    ruleset_version: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(8))  # api / file / cli
    filename: Mapped[str] = mapped_column(String(200), default="")
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_with_errors: Mapped[int] = mapped_column(Integer, default=0)
    rows_with_warnings: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    by_rule: Mapped[dict] = mapped_column(JSON, default=dict)
    findings_stored: Mapped[int] = mapped_column(Integer, default=0)  # capped; counts above are complete
    control: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    totals: Mapped[dict] = mapped_column(JSON, default=dict)  # amount / balance / green balance …
    changes: Mapped[dict] = mapped_column(JSON, default=dict)  # {added, removed, changed} vs the superseded one
    parquet_path: Mapped[str | None] = mapped_column(String(300), nullable=True)
    actor: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)


class ReportFinding(Base):
    __tablename__ = "report_finding"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("report_submission.id", ondelete="CASCADE"), index=True)
    row: Mapped[int] = mapped_column(Integer)  # spreadsheet row (header = 1; JSON: index + 2), 0 = whole submission
    loan_id: Mapped[str] = mapped_column(String(64), default="")
    rule_id: Mapped[str] = mapped_column(String(16))
    severity: Mapped[str] = mapped_column(String(8))
    field: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(String(120), default="")


class ReportChange(Base):
    """One loan added, removed or changed by a correction, against the submission it supersedes."""

    __tablename__ = "report_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("report_submission.id", ondelete="CASCADE"), index=True)
    loan_id: Mapped[str] = mapped_column(String(64))
    change: Mapped[str] = mapped_column(String(8))  # added / removed / changed
    fields: Mapped[dict] = mapped_column(JSON, default=dict)  # {field: [before, after]}


def _track() -> None:
    from lvrongtong.kit.dataversion import track

    track("reporting", ReportSubmission)


_track()
