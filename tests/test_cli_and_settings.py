"""CLI commands and settings: demo idempotence, schema guard, uscc check, data-dir and env handling."""

from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from lvrongtong.app import create_app
from lvrongtong.cli import app as cli
from lvrongtong.kit.migrate import SchemaNotCurrent
from lvrongtong.kit.runtime import Runtime
from lvrongtong.kit.settings import load_settings
from lvrongtong.registry.models import Enterprise, Loan, Organisation

runner = CliRunner()


def _db_args(rt):
    return ["--data-dir", str(rt.settings.data_dir),
            "--database-url", rt.engine.url.render_as_string(hide_password=False)]


def test_check_uscc_exit_codes():
    ok = runner.invoke(cli, ["check", "uscc", "9144030071526726XG"])
    assert ok.exit_code == 0 and "valid" in ok.output
    bad = runner.invoke(cli, ["check", "uscc", "9144030071526726XA"])
    assert bad.exit_code == 1 and "uscc_check_character" in bad.output
    short = runner.invoke(cli, ["check", "uscc", "123"])
    assert short.exit_code == 1 and "uscc_length" in short.output


def test_help_explains_every_command():
    out = runner.invoke(cli, ["--help"]).output
    for command in ("serve", "demo", "db", "import", "export", "users", "audit", "check"):
        assert command in out


def test_demo_is_deterministic_and_idempotent(rt):
    args = ["demo", "--enterprises", "300", "--loans", "2000", "--projects", "200", "--bonds", "20", *_db_args(rt)]
    first = runner.invoke(cli, args)
    assert first.exit_code == 0, first.output
    with rt.transaction() as s:
        counts = (s.scalar(select(func.count(Enterprise.id))), s.scalar(select(func.count(Loan.id))))
        regions = set(s.scalars(select(Enterprise.region_code).distinct()))
        orgs = s.scalar(select(func.count(Organisation.id)).where(Organisation.type.in_(
            ["bank", "insurer", "securities_fund"])))
        checksum = s.scalar(select(func.sum(Loan.id * 7)).where(Loan.declared_green.is_(True)))
    assert counts == (300, 2000) and len(regions) >= 30 and orgs >= 40
    second = runner.invoke(cli, args)
    assert second.exit_code == 0
    with rt.transaction() as s:
        assert (s.scalar(select(func.count(Enterprise.id))), s.scalar(select(func.count(Loan.id)))) == counts
        assert s.scalar(select(func.sum(Loan.id * 7)).where(Loan.declared_green.is_(True))) == checksum
    assert "pbc_admin" in second.output


def test_demo_users_can_log_in(rt):
    runner.invoke(cli, ["demo", "--enterprises", "200", "--loans", "500", "--projects", "50", "--bonds", "5",
                        *_db_args(rt)])
    from fastapi.testclient import TestClient

    with TestClient(create_app(rt)) as client:
        r = client.post("/api/v1/auth/token", json={"username": "icbc_officer", "password": "demo-icbc-officer"})
        assert r.status_code == 200
        headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
        loans = client.get("/api/v1/loans", headers=headers).json()
        assert loans["total"] > 0 and {x["lender_name"] for x in loans["items"]} == {"中国工商银行重庆市分行"}


def test_server_refuses_unmigrated_database(tmp_path):
    rt = Runtime.from_settings(load_settings(data_dir=tmp_path))
    with pytest.raises(SchemaNotCurrent, match="lvrongtong db upgrade"):
        create_app(rt)
    result = runner.invoke(cli, ["serve", "--data-dir", str(tmp_path)])
    assert result.exit_code == 3 and "db upgrade" in result.output


def test_settings_from_env_and_config_file(tmp_path, monkeypatch):
    (tmp_path / "lvrongtong.toml").write_text('[lvrongtong]\ntoken_ttl_hours = 3\ndefault_language = "en"\n')
    monkeypatch.setenv("LVRONGTONG_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LVRONGTONG_TOKEN_TTL_HOURS", "5")
    s = load_settings()
    assert s.data_dir == Path(tmp_path) and s.default_language == "en" and s.token_ttl_hours == 5
    assert s.resolved_database_url == f"sqlite:///{(tmp_path / 'lvrongtong.sqlite3').resolve()}"
    explicit = load_settings(data_dir=tmp_path / "other")
    assert explicit.data_dir == tmp_path / "other"


def test_export_cli_writes_xlsx(rt, world, tmp_path):
    import openpyxl

    out = tmp_path / "loans.xlsx"
    result = runner.invoke(cli, ["export", "loans", "-o", str(out), "--as-user", "b_officer", *_db_args(rt)])
    assert result.exit_code == 0, result.output
    rows = list(openpyxl.load_workbook(out).active.iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in rows] == ["B-0001"]


def test_users_create_cli(rt, world):
    result = runner.invoke(cli, ["users", "create", "new_person", "--org-id", str(world.bank_a_id), "--role", "viewer",
                                 "--password", "long-enough-pass", *_db_args(rt)])
    assert result.exit_code == 0, result.output
    weak = runner.invoke(cli, ["users", "create", "weak", "--org-id", str(world.bank_a_id), "--role", "viewer",
                               "--password", "short", *_db_args(rt)])
    assert weak.exit_code == 2 and "10" in weak.output
