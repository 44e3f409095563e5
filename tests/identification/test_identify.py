"""Identification rule layer: the catalogue version follows the date, evidence explains the decision, bad
input gives a clear result or a 422 naming the field — never a crash, never a silent green."""

import csv
import json
from datetime import date

import pytest
from typer.testing import CliRunner

from lvrongtong.cli import app as cli
from lvrongtong.identification.engine import Request, identify
from lvrongtong.kit.errors import ValidationFailed

PV = "利用工业厂房屋顶建设装机容量8MW的分布式光伏电站，年均发电量约900万千瓦时"


def test_green_with_evidence_and_2025_catalogue(rt):
    with rt.transaction() as s:
        r = identify(s, Request(PV, "4416", date(2025, 11, 1)))
    assert r["catalogue"] == "2025" and r["decision"] == "green" and r["calibrated"] is True
    top = r["candidates"][0]
    assert top["level1_code"] == "4" and top["evidence"]["industry_fit"] == "same_class" and top["evidence"]["phrases"]
    assert 0 <= top["confidence"] <= 1
    assert "依据《绿色金融支持项目目录(2025年版)》" in r["explanation_zh"] and "结论：绿色" in r["explanation_zh"]


def test_rule_layer_alone_says_it_is_uncalibrated(rt):
    from lvrongtong.identification.engine import decide, index_for

    with rt.transaction() as s:
        r = decide(index_for(s, "2025"), Request(PV, "4416", date(2025, 11, 1)), "2025")
    assert r["calibrated"] is False and r["model"] is None and r["engine"] == "rules-1" and r["decision"] == "green"
    assert r["green_probability"] is None and "尚未经标注样本校准" in r["explanation_zh"]


def test_old_standard_before_transition_date(rt):
    with rt.transaction() as s:
        loan = identify(s, Request(PV, None, date(2024, 5, 1)))
        bond = identify(s, Request(PV, None, date(2024, 5, 1), "bond"))
    assert loan["catalogue"] == "2019" and bond["catalogue"] == "2021"


def test_coal_is_excluded_and_coal_power_goes_to_transition(rt):
    with rt.transaction() as s:
        coal_power = identify(s, Request("新建2×660MW燃煤发电机组", "4411", date(2025, 11, 1)))
        coal_other = identify(s, Request("新建燃煤锅炉房供热", "3670", date(2025, 11, 1)))
        replaced = identify(s, Request("将4台燃煤工业锅炉改造为天然气锅炉", "4430", date(2025, 11, 1)))
    assert coal_power["decision"] == "transition" and coal_power["transition_sector"] == "coal_power"
    assert coal_power["candidates"][0]["evidence"]["exclusions"]
    assert coal_other["decision"] == "not_eligible" and "煤" in coal_other["reason_zh"]
    assert replaced["decision"] != "not_eligible" and not replaced["candidates"][0]["evidence"]["exclusions"]


def test_unmet_qualifier_blocks_green(rt):
    with rt.transaction() as s:
        r = identify(s, Request("新增3条自动化零部件生产线及配套厂房", "3670", date(2025, 11, 1)))
    assert r["decision"] != "green"
    nev = next(c for c in r["candidates"] if c["code"] == "1.2.1")
    assert any("新能源" in x for x in nev["evidence"]["criteria_not_met"])


@pytest.mark.parametrize("text", ["", "   ", "abc xyz", "😀😀😀", "光" * 5000])
def test_garbage_and_long_text_never_green_never_crash(rt, text):
    with rt.transaction() as s:
        r = identify(s, Request(text, None, date(2025, 11, 1)))
    assert r["decision"] in ("needs_review", "not_eligible")
    if len(text) > 2000:
        assert r["notes"]


def test_unknown_industry_is_named(rt):
    with rt.transaction() as s, pytest.raises(ValidationFailed) as e:
        identify(s, Request(PV, "9999", date(2025, 11, 1)))
    assert e.value.details[0].field == "industry_code" and e.value.details[0].rule == "industry_unknown"


def test_api_page_and_cli(client, world, rt, tmp_path):
    r = client.post("/api/v1/identification/identify", headers=_token(client),
                    json={"text": PV, "industry_code": "4416", "approved_on": "2025-11-01"})
    assert r.status_code == 200 and r.json()["decision"] == "green"
    bad = client.post("/api/v1/identification/identify", headers=_token(client),
                      json={"text": PV, "industry_code": "12345"})
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "industry_code"
    client.post("/login", data={"username": "a_officer", "password": "correct-horse-battery"})
    page = client.post("/identification", data={"text": PV, "industry_code": "4416", "approved_on": "2025-11-01"})
    assert page.status_code == 200 and "结论" in page.text and "能源绿色低碳转型" in page.text
    url = rt.engine.url.render_as_string(hide_password=False)
    out = CliRunner().invoke(cli, ["identify", "--text", PV, "--industry", "4416", "--approved-on", "2025-11-01",
                                   "--json", "--database-url", url])
    assert out.exit_code == 0, out.output
    body = json.loads(out.stdout)
    assert body["decision"] == "green" and {"code", "name", "level1_code", "level1_name", "confidence", "evidence"} <= set(
        body["candidates"][0])
    source = tmp_path / "in.csv"
    source.write_text("id,text,industry_code,approved_on\n1," + PV + ",4416,2025-11-01\n2,abc,,\n3,光伏,99999,\n",
                      encoding="utf-8")
    result = tmp_path / "out.csv"
    out = CliRunner().invoke(cli, ["identify", "--input", str(source), "--output", str(result), "--database-url", url])
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(result.read_text(encoding="utf-8-sig").splitlines()))
    assert [r["decision"] for r in rows] == ["green", "needs_review", "error"] and "行业代码" in rows[2]["error"]


def _token(client):
    r = client.post("/api/v1/auth/token", json={"username": "a_officer", "password": "correct-horse-battery"})
    return {"Authorization": f"Bearer {r.json()['access_token']}"}
