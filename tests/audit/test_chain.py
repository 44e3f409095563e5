"""Hash chain: pure hashing, and verification against a real database that detects edits and deletions."""

from sqlalchemy import delete, update
from typer.testing import CliRunner

from lvrongtong.audit import service as audit
from lvrongtong.audit.chain import GENESIS, canonical_json, changed_fields, digest
from lvrongtong.audit.models import AuditEntry
from lvrongtong.cli import app as cli
from lvrongtong.kit.principal import CLI


def test_canonical_json_is_order_independent():
    assert canonical_json({"b": 1, "a": "绿"}) == canonical_json({"a": "绿", "b": 1}) == '{"a":"绿","b":1}'


def test_digest_none_stays_none_and_changes_with_content():
    assert digest(None) is None
    assert digest({"a": 1}) != digest({"a": 2})


def test_changed_fields():
    assert changed_fields({"a": 1, "b": 2}, {"a": 1, "b": 3}) == ["b"]
    assert changed_fields(None, {"x": 1}) == ["x"]


def _three_entries(rt):
    with rt.transaction() as s:
        for i in range(3):
            audit.record(s, CLI, "test.write", "thing", i, {"v": i}, {"v": i + 1})


def test_intact_chain_verifies(rt):
    _three_entries(rt)
    with rt.transaction() as s:
        report = audit.verify(s)
        entries = s.query(AuditEntry).order_by(AuditEntry.seq).all()
    assert report.ok and report.entries_checked == 3
    assert entries[0].prev_hash == GENESIS and entries[1].prev_hash == entries[0].hash


def test_edited_entry_is_named(rt):
    _three_entries(rt)
    with rt.transaction() as s:
        s.execute(update(AuditEntry).where(AuditEntry.seq == 2).values(actor="user:999"))
    with rt.transaction() as s:
        report = audit.verify(s)
    assert not report.ok
    assert [(p.seq, p.problem) for p in report.problems] == [(2, "edited")]


def test_deleted_entry_is_named(rt):
    _three_entries(rt)
    with rt.transaction() as s:
        s.execute(delete(AuditEntry).where(AuditEntry.seq == 2))
    with rt.transaction() as s:
        report = audit.verify(s)
    assert (2, "deleted") in [(p.seq, p.problem) for p in report.problems]


def test_deleted_tail_is_detected_by_head(rt):
    _three_entries(rt)
    with rt.transaction() as s:
        s.execute(delete(AuditEntry).where(AuditEntry.seq == 3))
    with rt.transaction() as s:
        report = audit.verify(s)
    assert [p.problem for p in report.problems] == ["head_mismatch"]


def test_every_api_write_is_audited(client, world, as_user):
    headers = as_user("a_officer")
    r = client.patch(f"/api/v1/loans/{world.loan_a_id}", json={"balance_cny": "7000000"}, headers=headers)
    assert r.status_code == 200, r.text
    reg = as_user("reg_admin")
    entries = client.get("/api/v1/audit/entries", params={"action": "loan.update"}, headers=reg).json()["items"]
    assert len(entries) == 1
    e = entries[0]
    assert e["subject_id"] == str(world.loan_a_id) and e["organisation_id"] == world.bank_a_id
    assert e["changed_fields"] == ["balance_cny"] and e["before_digest"] != e["after_digest"]
    assert client.get("/api/v1/audit/verify", headers=reg).json()["ok"] is True


def test_cli_verify_exit_codes(rt, world):
    args = ["audit", "verify", "--data-dir", str(rt.settings.data_dir),
            "--database-url", rt.engine.url.render_as_string(hide_password=False)]
    ok = CliRunner().invoke(cli, args)
    assert ok.exit_code == 0, ok.output
    with rt.transaction() as s:
        s.execute(update(AuditEntry).where(AuditEntry.seq == 4).values(subject_id="tampered"))
    bad = CliRunner().invoke(cli, args)
    assert bad.exit_code == 1
    assert "entry 4: edited" in bad.output
