"""Transition assessment (platform's own method): sectors with sources, checks with reasons, bad input named."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lvrongtong.cli import app as cli
from lvrongtong.kit.errors import ValidationFailed
from lvrongtong.reference import transition

PLAN = json.loads((Path(__file__).parent.parent / "data" / "transition_plan_cement.json").read_text(encoding="utf-8"))


def test_shipped_sectors_and_benchmarks_carry_sources():
    assert {s["sector"] for s in transition.sectors()} >= {"coal_power", "steel", "building_materials", "agriculture"}
    assert all(s["source"] and s["verification"] for s in transition.sectors())
    assert all(b["source"] and b["verification"] == "unverified" for b in transition.benchmarks())
    assert transition.sector_for("3011")["sector"] == "building_materials"
    assert transition.sector_for("4411")["sector"] == "coal_power"
    assert transition.sector_for("3670") is None


def test_cement_plan_is_transition_with_every_check_explained():
    result = transition.assess(transition.plan_from_dict(PLAN)).as_dict()
    checks = {c["id"]: c["result"] for c in result["checks"]}
    # target 99 ≤ 基准 117 and ≤ 标杆 100; straight path 118 → 99 over 6 years: 2025 108.5, 2026 105.33, 2027 102.17;
    # measures 1 − 0.94 × 0.96 × 0.97 = 12.47 % ≥ (1 − 99/112) = 11.61 %
    assert checks == {"sector_in_scope": "pass", "reaches_baseline": "pass", "reaches_benchmark": "pass",
                      "path_consistent": "pass", "measures_cover_gap": "pass", "no_lock_in": "pass", "dnsh": "pass"}
    assert result["decision"] == "transition" and "平台自有方法" in result["label_zh"]
    # (99/118)^(1/6) = 0.97117… → 2.88 % a year
    assert result["required_annual_cut_pct"] == "2.88"


@pytest.mark.parametrize("change, failing", [
    ({"milestones": {"2025": 110}}, "path_consistent"),
    ({"measures": [{"name": "新建燃煤自备电厂", "reduction_pct": 20, "year": 2025, "adds_fossil_capacity": True}]},
     "no_lock_in"),
    ({"target_value": 118, "milestones": {"2025": 118}}, "reaches_baseline"),
    ({"dnsh_confirmed": False}, "dnsh"),
    ({"measures": [{"name": "照明改造", "reduction_pct": 1, "year": 2025}]}, "measures_cover_gap"),
])
def test_each_failed_check_gives_needs_improvement(change, failing):
    result = transition.assess(transition.plan_from_dict({**PLAN, **change})).as_dict()
    assert result["decision"] == "needs_improvement"
    assert {c["id"] for c in result["checks"] if c["result"] == "fail"} == {failing}


def test_sector_out_of_scope():
    result = transition.assess(transition.plan_from_dict({**PLAN, "industry_code": "3670", "benchmark_id": None}))
    assert result.decision == "not_in_scope"


def test_bad_plan_names_every_field():
    with pytest.raises(ValidationFailed) as e:
        transition.plan_from_dict({**PLAN, "target_year": 2020, "baseline_value": "x", "colour": "green"})
    fields = {(d.field, d.rule) for d in e.value.details}
    assert ("baseline_value", "number") in fields and ("colour", "unknown_field") in fields
    with pytest.raises(ValidationFailed) as e:
        transition.assess(transition.plan_from_dict({**PLAN, "target_year": 2020}))
    assert {d.rule for d in e.value.details} >= {"after_baseline", "within_plan_years"}
    with pytest.raises(ValidationFailed) as e:
        transition.assess(transition.plan_from_dict({**PLAN, "unit": "kWh/t"}))
    assert e.value.details[0].rule == "unit_matches_benchmark"


def test_user_benchmark_needs_source():
    with pytest.raises(ValidationFailed):
        transition.assess(transition.plan_from_dict({**PLAN, "benchmark_id": None, "benchmark_level": 95,
                                                     "baseline_level": 110}))
    r = transition.assess(transition.plan_from_dict({**PLAN, "benchmark_id": None, "benchmark_level": 95,
                                                     "baseline_level": 110, "benchmark_source": "企业所在地地方标准"}))
    assert r.benchmark["benchmark_id"] == "user" and {c.id: c.result for c in r.checks}["reaches_benchmark"] == "warn"
    assert Decimal(r.benchmark["baseline_level"]) == 110


def test_api_and_cli(client, rt, tmp_path):
    r = client.post("/api/v1/reference/transition/assess", json=PLAN)
    assert r.status_code == 200 and r.json()["decision"] == "transition"
    r = client.post("/api/v1/reference/transition/assess", json={**PLAN, "industry_code": "9999"})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["rule"] == "industry_unknown"
    assert client.get("/api/v1/reference/transition/sectors").json()["method"] == "platform.transition.v1"
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(PLAN, ensure_ascii=False), encoding="utf-8")
    url = rt.engine.url.render_as_string(hide_password=False)
    out = CliRunner().invoke(cli, ["taxonomy", "transition-assess", "--input", str(plan), "--json",
                                   "--database-url", url])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["decision"] == "transition"


def test_transition_page_assesses_the_form(client, world):
    client.post("/login", data={"username": "a_officer", "password": "correct-horse-battery"})
    page = client.get("/reference/transition").text
    assert "平台自有方法" in page and "cement_clinker_2021" in page
    r = client.post("/reference/transition", data={
        "industry_code": "3011", "unit": "kgce/t", "baseline_year": "2022", "baseline_value": "118",
        "current_value": "112", "target_year": "2028", "target_value": "99", "milestones": "2025:108, 2026:104",
        "measures": "余热发电改造 | 6 | 2025 | 否\n新建燃煤锅炉 | 10 | 2026 | 是", "benchmark_id": "cement_clinker_2021",
        "dnsh_confirmed": "1"})
    assert r.status_code == 200 and "需改进" in r.text and "新建燃煤锅炉" in r.text
    bad = client.post("/reference/transition", data={"industry_code": "9999", "unit": "kgce/t"})
    assert bad.status_code == 422 and "baseline_year" in bad.text
    assert "/reference/transition" in client.get("/reference/catalogues").text
