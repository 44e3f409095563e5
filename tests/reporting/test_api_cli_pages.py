"""Reporting and statistics over HTTP (JSON, file upload, pages, Excel) and from the CLI."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from lvrongtong.cli import app as cli_app
from tests.reporting.helpers import book, csv_bytes, loan_row


def test_json_submission_receipt_scope_and_statistics(client, world, as_user):
    a = as_user("a_officer")
    r = client.post("/api/v1/reporting/submissions", headers=a, json={
        "institution_id": world.bank_a_id, "period": "2026-10", "loans": book(world, 3),
        "control_totals": {"loan_count": 3, "amount_cny": "30000000.00", "balance_cny": "24000000.00"}})
    assert r.status_code == 201, r.text
    receipt = r.json()
    assert receipt["status"] == "accepted" and receipt["counts"]["errors"] == 0 and receipt["findings"] == []
    # bank B neither sees it nor may submit for bank A
    b = as_user("b_officer")
    assert client.get(f"/api/v1/reporting/submissions/{receipt['receipt']}", headers=b).status_code == 404
    assert client.post("/api/v1/reporting/submissions", headers=b, json={
        "institution_id": world.bank_a_id, "period": "2026-10", "loans": book(world, 1)}).status_code == 403
    # the regulator sees it and the cube counts it
    reg = as_user("reg_admin")
    listed = client.get("/api/v1/reporting/submissions?period=2026-10", headers=reg).json()
    assert listed["total"] == 1
    assert client.get("/api/v1/reporting/submissions.xlsx", headers=reg).content[:2] == b"PK"
    cube = client.get("/api/v1/statistics/cube?by=district&grain=month", headers=reg).json()
    assert cube["cells"][0]["balance_cny"] == "24000000.00" and cube["cells"][0]["district_name"]
    x = client.get("/api/v1/statistics/cube.xlsx?by=level1", headers=reg)
    assert x.status_code == 200 and x.content[:2] == b"PK"
    d = client.get("/api/v1/statistics/drill?by=district&t=2026-10&cell_district=500112", headers=reg).json()
    assert d["total"] == 3
    dx = client.get("/api/v1/statistics/drill.xlsx?by=district&t=2026-10&cell_district=500112", headers=reg)
    assert dx.status_code == 200 and dx.content[:2] == b"PK"
    gov = as_user("gov_viewer")
    assert client.get("/api/v1/statistics/drill?t=2026-10", headers=gov).status_code == 403
    assert client.get("/api/v1/statistics/cube", headers=gov).status_code == 200
    bad = client.get("/api/v1/statistics/cube?by=colour", headers=reg)
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "by"


def test_file_upload_rejected_then_corrected(client, world, as_user):
    a = as_user("a_officer")
    rows = book(world, 2)
    rows[0]["catalogue_code"] = "99.9.9"
    r = client.post("/api/v1/reporting/submissions/file", headers=a,
                    data={"institution_id": str(world.bank_a_id), "period": "2026-10"},
                    files={"file": ("loans.csv", csv_bytes(rows, encoding="gbk"), "text/csv")})
    assert r.status_code == 201 and r.json()["status"] == "rejected"
    f = r.json()["findings"][0]
    assert (f["row"], f["field"], f["rule"]) == (2, "catalogue_code", "DRR-013") and f["message_zh"]
    ok = client.post("/api/v1/reporting/submissions/file", headers=a,
                     data={"institution_id": str(world.bank_a_id), "period": "2026-10"},
                     files={"file": ("loans.csv", csv_bytes(book(world, 2)), "text/csv")})
    assert ok.json()["status"] == "accepted" and ok.json()["sequence"] == 2
    key = r.json()["receipt"]
    assert client.get(f"/api/v1/reporting/submissions/{key}/findings?severity=error", headers=a).json()["total"] == 1
    assert client.get(f"/api/v1/reporting/submissions/{key}/findings.xlsx", headers=a).content[:2] == b"PK"
    assert client.get("/api/v1/reporting/template.xlsx", headers=a).content[:2] == b"PK"


def test_pages_render(client, world):
    client.post("/login", data={"username": "a_officer", "password": "correct-horse-battery"})
    page = client.get("/reporting")
    assert page.status_code == 200 and "submit-form" in page.text
    up = client.post("/reporting", data={"institution_id": str(world.bank_a_id), "period": "2026-10"},
                     files={"file": ("loans.csv", csv_bytes(book(world, 2)), "text/csv")}, follow_redirects=True)
    assert up.status_code == 200 and 'id="status"' in up.text and "findings" in up.text
    stats = client.get("/statistics")
    assert stats.status_code == 200 and "chart-trend" in stats.text
    assert client.get("/statistics/cube?by=district,green_type").status_code == 200
    assert client.get("/statistics/drill?by=district&t=2026-10&cell_district=500112").status_code == 200
    assert client.get("/statistics/cube?by=bogus").status_code == 422


def test_cli_submit_rules_and_cube(rt, world, tmp_path):
    runner = CliRunner()
    env = {"LVRONGTONG_DATA_DIR": str(rt.settings.data_dir), "LVRONGTONG_DATABASE_URL": rt.settings.database_url}
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(book(world, 2)))
    r = runner.invoke(cli_app, ["report", "submit", str(good), "--institution", str(world.bank_a_id),
                                "--period", "2026-10", "--json"], env=env)
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["status"] == "accepted"
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([loan_row(world, 1, rate_pct="-1")]))
    r = runner.invoke(cli_app, ["report", "submit", str(bad), "--institution", str(world.bank_a_id),
                                "--period", "2026-10", "--json"], env=env)
    assert r.exit_code == 1 and json.loads(r.stdout)["findings"][0]["rule"] == "DRR-008"
    rules = json.loads(runner.invoke(cli_app, ["report", "rules", "--json"]).stdout)
    assert len(rules["rules"]) >= 20 and all(x["message_zh"] and x["message_en"] for x in rules["rules"])
    cube = runner.invoke(cli_app, ["stats", "cube", "--by", "green_type,district", "--period", "2026-10", "--json"],
                         env=env)
    assert cube.exit_code == 0, cube.output
    cells = json.loads(cube.stdout)["cells"]
    assert cells and all(c["t"] == "2026-10" for c in cells)
