"""Reverse identification: unfinanced green projects are listed; financed ones are not; coverage counts."""

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from lvrongtong.identification.prospects import find
from lvrongtong.kit.principal import CLI
from lvrongtong.registry import service
from lvrongtong.registry.models import Enterprise, Instrument
from lvrongtong.registry.schemas import ProjectCreate


def test_prospects_and_coverage(rt, world, client, as_user):
    with rt.transaction() as s:
        service.create_project(s, CLI, ProjectCreate(
            name="永川区污水处理厂提标扩建项目", enterprise_uscc=world.other_uscc, region_code="500106",
            industry_code="4620", total_investment_cny=Decimal("50000000"),
            description_zh="新建及改造污水处理设施，处理规模5万吨/日，出水执行一级A标准。", approved_on=date(2025, 11, 2)))
        s.scalar(select(Enterprise).where(Enterprise.uscc == world.other_uscc)).ets_covered = True
    with rt.transaction() as s:
        found = find(s, CLI, date(2026, 1, 1))
    names = [p["project"] for p in found.projects]
    assert "永川区污水处理厂提标扩建项目" in names  # green, no financing
    assert "渝北区8MW分布式光伏项目" not in names  # financed by loan A, declared green
    assert found.coverage["ets"] == {"total": 1, "with_green_or_transition_financing": 0}
    assert [e["uscc"] for e in found.enterprises] == [world.other_uscc]
    with rt.transaction() as s:  # once its loan is declared green, the enterprise is covered
        s.get(Instrument, world.loan_b_id).declared_green = True
    with rt.transaction() as s:
        assert find(s, CLI, date(2026, 1, 1)).coverage["ets"]["with_green_or_transition_financing"] == 1
    r = client.get("/api/v1/identification/prospects", headers=as_user("a_officer"))
    assert r.status_code == 200 and r.json()["projects_total"] >= 1
    client.post("/login", data={"username": "a_officer", "password": "correct-horse-battery"})
    assert "永川区污水处理厂提标扩建项目" in client.get("/identification/prospects").text
    assert client.get("/identification/prospects.xlsx").status_code == 200
