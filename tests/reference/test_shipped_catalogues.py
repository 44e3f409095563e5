"""The shipped catalogues validate, load on upgrade with the counts their texts state, and keep provenance."""

import pytest

from lvrongtong.reference import catalogues
from lvrongtong.reference.catalogue_file import parse


@pytest.mark.parametrize("name", [n for n, _ in catalogues.shipped_files()])
def test_shipped_file_validates(name):
    content = dict(catalogues.shipped_files())[name]
    parsed = parse(content, name)
    assert parsed.problems == []
    assert all(i["source"] and i["verification"] in ("official", "secondary", "unverified") for i in parsed.items)


def test_loaded_with_counts_and_provenance(rt):
    with rt.transaction() as s:
        rows = {c.version: (levels, c, status) for c, levels, status in catalogues.catalogues(s)}
        assert rows["2025"][0] == {1: 9, 2: 38, 3: 271} and rows["2025"][1].valid_from.isoformat() == "2025-10-01"
        assert rows["2019"][0] == {1: 6, 2: 30, 3: 211}
        assert rows["2024"][0] == {1: 7} and rows["2024"][1].levels == 3  # level 1 only, facts.md §1.2
        assert rows["2021"][0] == {1: 6, 2: 25, 3: 47, 4: 203} and rows["2021"][1].valid_from.isoformat() == "2021-07-01"
        assert rows["2021"][2] == {"secondary": 254, "unverified": 27}  # 25 level-2 and 2 level-3 names missing
        bond_l1 = [i.name_zh for i in catalogues.list_items(s, "2021", level=1)]
        assert bond_l1 == ["节能环保产业", "清洁生产产业", "清洁能源产业", "生态环境产业", "基础设施绿色升级",
                           "绿色服务"]  # facts.md §1.3
        level1 = [i.name_zh for i in catalogues.list_items(s, "2025", level=1)]
        assert level1 == ["节能降碳产业", "环境保护产业", "资源循环利用产业", "能源绿色低碳转型", "生态保护修复和利用",
                          "基础设施绿色升级", "绿色服务", "绿色贸易", "绿色消费"]  # facts.md §1.4
        hydrogen, chain, _ = catalogues.get_item(s, "2025", "4.1.9")
        assert len(hydrogen.industry_classes) == 13  # facts.md §1.7: matches the China Hydrogen Alliance page
        assert [c.code for c in chain] == ["4", "4.1"]
        level1_2019 = [i.name_zh for i in catalogues.list_items(s, "2019", level=1)]
        assert level1_2019 == ["节能环保产业", "清洁生产产业", "清洁能源产业", "生态环境产业", "基础设施绿色升级", "绿色服务"]


def test_diff_2021_2025_runs_on_four_level_bond_catalogue(rt):
    with rt.transaction() as s:
        d = catalogues.diff(s, "2021", "2025")
        assert {i.code for i in d.added} >= {"8", "9"}  # 绿色贸易, 绿色消费 are new in 2025
        assert any(i.level == 4 for i in d.removed)  # the 2025 catalogue has no fourth level


def test_diff_2019_2025_names_new_sections(rt):
    with rt.transaction() as s:
        d = catalogues.diff(s, "2019", "2025")
        added = {i.code: i.name_zh for i in d.added}
        assert added["8"] == "绿色贸易" and added["9"] == "绿色消费"
        assert ("1", "节能降碳产业") in [(a.code, b.name_zh) for a, b in d.renamed]


def test_catalogue_page_names_missing_catalogues_and_loan_shows_its_version(client, world):
    client.post("/login", data={"username": "reg_admin", "password": "correct-horse-battery"})
    page = client.get("/reference/catalogues").text
    assert "绿色债券支持项目目录(2021年版)" in page and "尚未加载" in page
    assert "未转录" in page  # 2024: levels 2 and 3 are marked as not transcribed
    loan = client.get(f"/loans/{world.loan_a_id}").text  # approved 2024-03-05
    assert 'href="/reference/catalogues/2019"' in loan
