"""The carbon engine against the database: factors loaded with provenance, runs stored with their trace
and scoped by organisation, refused input stores nothing, batch workbooks row by row (SQLite and PostgreSQL)."""

import io
import json
from decimal import Decimal

import openpyxl
from sqlalchemy import func, select
from typer.testing import CliRunner

from lvrongtong.audit.models import AuditEntry
from lvrongtong.carbon.factors import DbFactors, ShippedFactors
from lvrongtong.carbon.models import CalculationRun, EmissionFactor
from lvrongtong.cli import app as cli

runner = CliRunner()


def _db_args(rt):
    return ["--database-url", rt.engine.url.render_as_string(hide_password=False)]


def test_factor_library_loaded_with_provenance_and_same_lookup_as_files(rt):
    with rt.transaction() as s:
        rows = list(s.scalars(select(EmissionFactor)))
        assert rows and all(r.source and r.document and r.verification in ("official", "secondary", "unverified")
                            for r in rows)
        for args in [("grid_co2", "average", "CN", 2023), ("grid_co2", "fossil_only", "CN", 2025),
                     ("grid_co2", "average", "grid:south", 2022)]:
            assert DbFactors(s).get(*args) == ShippedFactors().get(*args)


def test_calc_api_without_store_writes_nothing(client, world, as_user):
    headers = as_user("a_officer")
    r = client.post("/api/v1/carbon/calc/inventory.scope2.electricity", headers=headers,
                    json={"inputs": {"electricity": 1000, "region": "grid:central", "year": 2022}})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["results"]["emissions"] == {"value": "539.5", "unit": "tCO2"}
    factor = body["trace"]["factors"][0]
    assert factor["value"] == "0.5395" and factor["unit"] == "kgCO2/kWh" and factor["source"]
    assert client.get("/api/v1/carbon/runs", headers=headers).json()["total"] == 0


def test_stored_run_is_audited_and_scoped(client, world, as_user, rt):
    a, b, reg = as_user("a_officer"), as_user("b_officer"), as_user("reg_admin")
    r = client.post("/api/v1/carbon/calc/financed.listed_equity_bond", headers=a, json={
        "inputs": {"outstanding": 5e7, "evic": 2e9, "emissions": 120000, "data_option": "1b"}, "store": True})
    assert r.status_code == 200, r.text
    run_id = r.json()["id"]
    assert r.json()["results"]["financed_emissions"]["value"] == "3000"
    assert client.get(f"/api/v1/carbon/runs/{run_id}", headers=a).status_code == 200
    assert client.get(f"/api/v1/carbon/runs/{run_id}", headers=b).status_code == 404
    assert client.get("/api/v1/carbon/runs", headers=b).json()["total"] == 0
    assert client.get(f"/api/v1/carbon/runs/{run_id}", headers=reg).json()["trace"]["steps"]
    with rt.transaction() as s:
        assert s.scalar(select(func.count()).where(AuditEntry.action == "carbon.calculate")) == 1


def test_refused_input_is_422_naming_fields_and_stores_nothing(client, world, as_user, rt):
    r = client.post("/api/v1/carbon/calc/financed.listed_equity_bond", headers=as_user("a_officer"), json={
        "inputs": {"outstanding": -1, "evic": 0, "emissions": 1, "data_option": "9z"}, "store": True})
    assert r.status_code == 422
    fields = {(d["field"], d["rule"]) for d in r.json()["error"]["details"]}
    assert fields == {("outstanding", "non_negative"), ("evic", "greater_than"), ("data_option", "choice")}
    assert all(d["message_zh"] and d["message_en"] for d in r.json()["error"]["details"])
    with rt.transaction() as s:
        assert s.scalar(select(func.count()).select_from(CalculationRun)) == 0


def test_viewer_cannot_store_and_unknown_method_is_named(client, world, as_user):
    r = client.post("/api/v1/carbon/calc/benefit.loan_share", headers=as_user("b_viewer"), json={
        "inputs": {"loan_balance": 1, "project_investment": 2}, "store": True})
    assert r.status_code == 403
    r = client.post("/api/v1/carbon/calc/no.such", headers=as_user("b_viewer"), json={"inputs": {}})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "method"


def test_methods_and_factors_endpoints(client):
    methods = {m["id"]: m for m in client.get("/api/v1/carbon/methods").json()}
    assert {"inventory.scope2.electricity", "benefit.loan_share", "financed.listed_equity_bond"} <= set(methods)
    assert methods["inventory.scope2.electricity"]["inputs"][0] == {
        **methods["inventory.scope2.electricity"]["inputs"][0], "name": "electricity", "unit": "MWh"}
    page = client.get("/api/v1/carbon/factors", params={"q": "central", "page_size": 1}).json()
    assert page["total"] >= 2 and len(page["items"]) == 1


def test_cli_single_calc_json_and_errors(rt, tmp_path):
    good = tmp_path / "in.json"
    good.write_text(json.dumps({"electricity": {"value": 5, "unit": "GWh"}, "year": 2023}))
    r = runner.invoke(cli, ["carbon", "calc", "--method", "inventory.scope2.electricity", "--input", str(good),
                            "--json", *_db_args(rt)])
    assert r.exit_code == 0, r.output
    body = json.loads(r.stdout)
    assert body["results"]["emissions"]["value"] == "2653"  # 5 000 MWh × 0.5306
    assert body["trace"]["factors"][0]["factor_id"] == "grid_co2:average:CN:2023"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"electricity": "lots", "year": 2023}))
    r = runner.invoke(cli, ["carbon", "calc", "--method", "inventory.scope2.electricity", "--input", str(bad),
                            *_db_args(rt)])
    assert r.exit_code == 1 and "electricity" in r.output


def test_cli_batch_workbook_row_by_row(rt, tmp_path):
    template = tmp_path / "t.xlsx"
    assert runner.invoke(cli, ["carbon", "calc", "--template", str(template)]).exit_code == 0
    book = openpyxl.load_workbook(template)
    assert "financed.listed_equity_bond" in book.sheetnames
    ws = book["inventory.scope2.electricity"]
    ws["A1"] = "electricity [GWh]"
    ws.append([2, "CN", 2023, "average"])
    ws.append([-1, "CN", 2023, "average"])
    book.create_sheet("notes")
    src = tmp_path / "batch.xlsx"
    book.save(src)
    out = tmp_path / "out.xlsx"
    r = runner.invoke(cli, ["carbon", "calc", str(src), "--output", str(out), *_db_args(rt)])
    assert r.exit_code == 1  # some rows refused
    assert "row 4" in r.output and "notes" in r.output
    result = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
    rows = list(result["inventory.scope2.electricity"].iter_rows(values_only=True))
    header = rows[0]
    status = header.index("status 状态")
    assert [row[status] for row in rows[1:]] == ["ok", "ok", "refused"]
    assert Decimal(str(rows[2][header.index("emissions [tCO2]")])) == Decimal("1061.2")  # 2 GWh × 0.5306
    factors = [row[0] for row in result["factors"].iter_rows(min_row=2, values_only=True)]
    assert "grid_co2:average:CN:2023" in factors
