"""Submissions on real SQLite and PostgreSQL: receipts, rejection as a whole, corrections with history,
the Parquet store, access, bad files."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest
from sqlalchemy import select

from lvrongtong.audit.models import AuditEntry
from lvrongtong.kit.errors import AppError, ValidationFailed
from lvrongtong.kit.principal import CLI
from lvrongtong.reporting import service, store
from lvrongtong.reporting.models import ReportSubmission
from tests.reporting.helpers import book, csv_bytes, loan_row


def _submit(rt, world, rows, period="2026-10", who=CLI, **kw):
    with rt.transaction() as s:
        out = service.submit_file(s, who, rt.settings, world.bank_a_id, period, "loans.csv", csv_bytes(rows, **kw))
        return service.receipt(out.submission, s, out.findings)


def test_accepted_submission_lands_in_parquet_with_receipt(rt, world):
    r = _submit(rt, world, book(world, 3))
    assert r["status"] == "accepted" and r["current"] and r["counts"]["rows_total"] == 3
    assert r["counts"]["errors"] == 0 and len(r["sha256"]) == 64 and r["ruleset_version"].startswith("drr-")
    assert r["totals"]["balance_cny"] == "24000000.00" and r["totals"]["green_loans"] == "3"
    with rt.transaction() as s:
        files = service.current_files(s, rt.settings)
    assert len(files) == 1 and "period=2026-10/institution=" in files[0]
    table = pq.read_table(files[0])
    assert table.num_rows == 3 and table.schema == store.SCHEMA
    got = table.to_pylist()[0]
    assert got["level1"] == "2019:1" and got["level3"] == "2019:1.1.1" and got["green_type"] == "green"
    assert str(got["balance_cny"]) == "8000000.00"


def test_one_error_rejects_everything_and_names_row_field_rule(rt, world):
    rows = book(world, 3)
    rows[1]["balance_cny"] = "20000000.00"  # above the amount
    rows[2]["borrower_uscc"] = world.ent_uscc[:-1] + ("0" if world.ent_uscc[-1] != "0" else "1")
    r = _submit(rt, world, rows, total=False)
    assert r["status"] == "rejected" and not r["current"]
    found = {(f["row"], f["field"], f["rule"]) for f in r["findings"]}
    assert (3, "balance_cny", "DRR-007") in found and (4, "borrower_uscc", "DRR-003") in found
    assert (0, "loan_id", "DRR-022") in found  # no aggregate line: a warning
    with rt.transaction() as s:
        assert service.current_files(s, rt.settings) == []
        sub = service.get_submission(s, CLI, r["receipt"])
        items, total = service.list_findings(s, sub, severity="error")
        assert total == 2 and {i["rule"] for i in items} == {"DRR-007", "DRR-003"}
    assert not list((rt.settings.data_dir / "warehouse").rglob(f"{r['receipt']}*"))


def test_correction_supersedes_and_keeps_history(rt, world):
    first = _submit(rt, world, book(world, 3))
    rows = book(world, 3)
    rows[0]["balance_cny"] = "7000000.00"
    rows = rows[:2] + [loan_row(world, 9)]
    second = _submit(rt, world, rows)
    assert second["status"] == "accepted" and second["supersedes"] == first["receipt"]
    assert second["changes"] == {"added": 1, "removed": 1, "changed": 1}
    with rt.transaction() as s:
        old = service.get_submission(s, CLI, first["receipt"])
        assert old.status == "accepted" and not old.current  # kept, no longer in force
        changes, _ = service.list_changes(s, service.get_submission(s, CLI, second["receipt"]))
        changed = next(c for c in changes if c["change"] == "changed")
        assert changed["loan_id"] == "A-00001" and changed["fields"]["balance_cny"] == ["8000000.00", "7000000.00"]
        files = service.current_files(s, rt.settings)
        assert len(files) == 1 and second["receipt"] in files[0]
        assert (rt.settings.data_dir / "warehouse" / old.parquet_path).exists()  # never overwritten
        actions = s.scalars(select(AuditEntry.action).where(AuditEntry.action == "report.submit")).all()
        assert len(actions) == 2


def test_identical_resubmission_is_refused(rt, world):
    _submit(rt, world, book(world, 2))
    with pytest.raises(AppError) as e:
        _submit(rt, world, book(world, 2))
    assert e.value.status == 409 and e.value.code == "duplicate_submission"


def test_gbk_file_and_english_headers(rt, world):
    r = _submit(rt, world, book(world, 2), encoding="gbk")
    assert r["status"] == "accepted"
    r2 = _submit(rt, world, book(world, 2), period="2026-09", chinese_headers=False)
    assert r2["status"] == "accepted"


def test_missing_columns_and_garbage_refuse_the_file(rt, world):
    rows = [{k: v for k, v in r.items() if k != "balance_cny"} for r in book(world, 2)]
    with pytest.raises(ValidationFailed) as e:
        _submit(rt, world, rows, total=False)
    assert any(d.field == "balance_cny" and d.rule == "column_missing" for d in e.value.details)
    with rt.transaction() as s, pytest.raises(ValidationFailed):
        service.submit_file(s, CLI, rt.settings, world.bank_a_id, "2026-10", "x.pdf", b"%PDF-1.4")
    with rt.transaction() as s:
        assert s.scalar(select(ReportSubmission.id)) is None  # nothing recorded, nothing half-written


def test_control_totals_must_reconcile(rt, world):
    with rt.transaction() as s:
        out = service.submit_json(s, CLI, rt.settings, world.bank_a_id, "2026-10", book(world, 2),
                                  {"loan_count": 2, "amount_cny": "20000000.00", "balance_cny": "1.00"})
        assert out.submission.status == "rejected"
        assert out.submission.by_rule.get("DRR-021") == 1


def test_cannot_submit_for_another_institution(rt, world):
    from lvrongtong.auth import service as auth

    with rt.transaction() as s:
        from lvrongtong.auth.models import User

        user = s.scalar(select(User).where(User.username == "b_officer"))
        who = auth.principal_for_user(s, user)
    with pytest.raises(AppError) as e:
        _submit(rt, world, book(world, 1), who=who)
    assert e.value.status == 403
