"""Imports: valid rows stored, invalid rows reported by row/field/rule, nothing half-written."""

import csv
import io

import openpyxl
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from lvrongtong.cli import app as cli
from lvrongtong.registry import importing
from lvrongtong.registry.models import Enterprise, ImportJob, Loan
from tests.conftest import uscc


def _csv(rows, encoding="utf-8"):
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue().encode(encoding)


def _xlsx(rows):
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


ENT_HEADER = ["uscc", "name", "region_code", "industry_code", "size_class", "listed", "ets_covered"]


def _enterprise_rows():
    return [
        ENT_HEADER,
        [uscc("500101", "MPRTAA01"), "重庆导入一有限公司", "500101", "4416", "small", "否", "是"],  # row 2 ok
        ["9144030071526726XA", "坏代码公司", "500101", "4416", "small", "", ""],  # row 3 bad check character
        [uscc("500101", "MPRTAA02"), "重庆导入二有限公司", "500199", "4416", "small", "", ""],  # row 4 bad region
        [uscc("500101", "MPRTAA03"), "重庆导入三有限公司", "500101", "3670", "giant", "", ""],  # row 5 bad size
        [uscc("500101", "MPRTAA01"), "重复行公司", "500101", "4416", "small", "", ""],  # row 6 duplicate of row 2
        [uscc("500101", "MPRTAA04"), "重庆导入四有限公司", "500101", "3670", "micro", "true", "false"],  # row 7 ok
    ]


def _problems_by_row(body):
    return {(p["row"], p["field"], p["rule"]) for p in body["problems"]}


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "csv-gbk"])
def test_enterprise_import_reports_each_bad_row(client, world, as_user, fmt):
    rows = _enterprise_rows()
    content = _xlsx(rows) if fmt == "xlsx" else _csv(rows, "gb18030" if fmt == "csv-gbk" else "utf-8")
    name = "e.xlsx" if fmt == "xlsx" else "e.csv"
    r = client.post("/api/v1/imports/enterprises", files={"file": (name, content)}, headers=as_user("a_officer"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["rows_total"], body["rows_accepted"], body["rows_rejected"]) == (6, 2, 4)
    assert _problems_by_row(body) >= {(3, "uscc", "uscc_check_character"), (4, "region_code", "region_unknown"),
                                      (5, "size_class", "literal_error"), (6, "uscc", "duplicate_in_file")}
    listed = client.get("/api/v1/enterprises", params={"q": "重庆导入"}, headers=as_user("a_officer")).json()
    assert sorted(e["name"] for e in listed["items"]) == ["重庆导入一有限公司", "重庆导入四有限公司"]
    ets = client.get(f"/api/v1/enterprises/{uscc('500101', 'MPRTAA01')}", headers=as_user("a_officer")).json()
    assert ets["ets_covered"] is True and ets["listed"] is False


def test_chinese_headers_are_accepted(client, world, as_user):
    rows = [["统一社会信用代码", "企业名称", "行政区划代码", "行业代码", "企业规模"],
            [uscc("500101", "CNHEAD01"), "重庆中文列名有限公司", "500101", "4416", "large"]]
    r = client.post("/api/v1/imports/enterprises", files={"file": ("e.csv", _csv(rows))}, headers=as_user("a_officer"))
    assert r.json()["rows_accepted"] == 1


def test_loan_import_with_row_rules(client, world, as_user):
    header = ["contract_no", "borrower_uscc", "amount_cny", "balance_cny", "approved_on", "disbursed_on",
              "matures_on", "declared_green"]
    rows = [header,
            ["IMP-1", world.ent_uscc, "1000000", "900000", "2024-01-01", "2024-01-02", "2026-01-02", "是"],
            ["IMP-2", world.ent_uscc, "1000000", "1900000", "2024-01-01", "", "2026-01-02", ""],
            ["IMP-3", world.ent_uscc, "1000000", "100", "2024-01-01", "2024-02-01", "2024-01-15", ""],
            ["IMP-4", uscc("500101", "UNKNWN01"), "1000", "100", "2024-01-01", "", "2025-01-01", ""],
            ["IMP-5", world.ent_uscc, "abc", "100", "2024-01-01", "", "2025-01-01", ""]]
    r = client.post("/api/v1/imports/loans", files={"file": ("l.xlsx", _xlsx(rows))}, headers=as_user("a_officer"))
    body = r.json()
    assert body["rows_accepted"] == 1 and body["rows_rejected"] == 4
    assert _problems_by_row(body) >= {(3, "balance_cny", "balance_le_amount"),
                                      (4, "matures_on", "maturity_after_disbursement"),
                                      (5, "borrower_uscc", "enterprise_exists"), (6, "amount_cny", "decimal_parsing")}
    loans = client.get("/api/v1/loans", params={"q": "IMP-1"}, headers=as_user("a_officer")).json()
    assert loans["total"] == 1 and loans["items"][0]["declared_green"] is True


def test_unreadable_file_stores_nothing_and_is_recorded(client, world, as_user, rt):
    with rt.transaction() as s:
        before = s.scalar(select(func.count(Enterprise.id)))
    r = client.post("/api/v1/imports/enterprises", files={"file": ("e.xlsx", b"not an excel file")},
                    headers=as_user("a_officer"))
    assert r.status_code == 422 and r.json()["error"]["details"][0]["rule"] == "file_readable"
    r = client.post("/api/v1/imports/enterprises", files={"file": ("e.pdf", b"%PDF")}, headers=as_user("a_officer"))
    assert r.json()["error"]["details"][0]["rule"] == "file_type"
    with rt.transaction() as s:
        assert s.scalar(select(func.count(Enterprise.id))) == before
        assert s.scalars(select(ImportJob.status)).all() == ["failed", "failed"]


def test_unexpected_failure_mid_import_leaves_nothing(client, world, as_user, rt, monkeypatch):
    calls = {"n": 0}
    original = importing.LOANS.create

    def flaky(session, who, data, ref):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        return original(session, who, data, ref)

    monkeypatch.setattr(importing, "LOANS", importing.ImportSpec(**{**importing.LOANS.__dict__, "create": flaky}))
    monkeypatch.setitem(importing.SPECS, "loans", importing.LOANS)
    header = ["contract_no", "borrower_uscc", "amount_cny", "balance_cny", "approved_on", "matures_on"]
    rows = [header] + [[f"F-{i}", world.ent_uscc, "1000", "100", "2024-01-01", "2025-01-01"] for i in range(5)]
    with rt.transaction() as s:
        before = s.scalar(select(func.count(Loan.id)))
    with pytest.raises(RuntimeError):
        client.post("/api/v1/imports/loans", files={"file": ("l.csv", _csv(rows))}, headers=as_user("a_officer"))
    with rt.transaction() as s:
        assert s.scalar(select(func.count(Loan.id))) == before


def test_dry_run_stores_nothing(client, world, as_user, rt):
    r = client.post("/api/v1/imports/enterprises", files={"file": ("e.csv", _csv(_enterprise_rows()))},
                    data={"dry_run": "true"}, headers=as_user("a_officer"))
    assert r.json()["rows_accepted"] == 2 and r.json()["dry_run"] is True
    assert client.get("/api/v1/enterprises", params={"q": "重庆导入"}, headers=as_user("a_officer")).json()["total"] == 0


@pytest.mark.parametrize("entity", ["enterprises", "projects", "loans"])
def test_templates_download_and_name_every_column(client, entity):
    r = client.get(f"/api/v1/imports/templates/{entity}.xlsx")
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    header = [c.value for c in wb.worksheets[0][1]]
    assert header == [c.name for c in importing.SPECS[entity].columns]
    assert len(wb.worksheets) == 2  # notes sheet
    assert client.get(f"/api/v1/imports/templates/{entity}.csv").status_code == 200


def test_template_example_row_imports_cleanly(client, world, as_user):
    content = client.get("/api/v1/imports/templates/enterprises.csv").content
    r = client.post("/api/v1/imports/enterprises", files={"file": ("t.csv", content)}, headers=as_user("a_officer"))
    assert r.json()["rows_accepted"] == 1, r.json()


def test_cli_import_reports_and_exit_code(rt, world, tmp_path):
    path = tmp_path / "e.csv"
    path.write_bytes(_csv(_enterprise_rows()))
    report = tmp_path / "report.xlsx"
    result = CliRunner().invoke(cli, ["import", "enterprises", str(path), "--as-user", "a_officer",
                                      "--report", str(report), "--data-dir", str(rt.settings.data_dir),
                                      "--database-url", rt.engine.url.render_as_string(hide_password=False)])
    assert result.exit_code == 1, result.output
    assert "2 accepted" in result.output and "row 3" in result.output
    ws = openpyxl.load_workbook(report).active
    assert ws.max_row == 5  # header + 4 problems


def test_web_upload_shows_row_report(client, world):
    client.post("/login", data={"username": "a_officer", "password": "correct-horse-battery"})
    r = client.post("/imports", data={"entity": "enterprises"}, files={"file": ("e.csv", _csv(_enterprise_rows()))})
    assert r.status_code == 200
    assert "uscc_check_character" in r.text and "region_unknown" in r.text
