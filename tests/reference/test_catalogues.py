"""Catalogue files: validation refuses bad files whole; import, browse, diff, crosswalk; the version rule."""

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from lvrongtong.cli import app as cli
from lvrongtong.kit.errors import AppError
from lvrongtong.kit.principal import CLI
from lvrongtong.reference import catalogues
from lvrongtong.reference.catalogue_file import parse
from lvrongtong.reference.catalogue_rules import version_for

SRC = "test fixture (not a real catalogue)"


def _file(version, items, expected=None, **head):
    header = {"version": version, "title_zh": f"测试目录{version}", "source": SRC, "levels": 3, **head}
    if expected:
        header["expected_counts"] = expected
    lines = [json.dumps({"catalogue": header}, ensure_ascii=False)]
    for code, level, parent, name in items:
        lines.append(json.dumps({"code": code, "level": level, "parent_code": parent, "name_zh": name,
                                 "source": SRC, "verification": "unverified",
                                 "industry_classes": [{"code": "4416", "name_zh": "太阳能发电"}] if level == 3 else []},
                                ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode()


OLD = [("1", 1, None, "节能环保产业"), ("1.1", 2, "1", "高效节能装备制造"), ("1.1.1", 3, "1.1", "节能锅炉制造"),
       ("1.1.2", 3, "1.1", "煤炭清洁利用"), ("3", 1, None, "清洁能源产业"), ("3.2", 2, "3", "清洁能源设施建设和运营"),
       ("3.2.1", 3, "3.2", "太阳能利用设施建设和运营")]
NEW = [("1", 1, None, "节能降碳产业"), ("1.1", 2, "1", "高效节能装备制造"), ("1.1.1", 3, "1.1", "节能锅炉制造"),
       ("4", 1, None, "能源绿色低碳转型"), ("4.2", 2, "4", "清洁能源设施建设和运营"),
       ("4.2.1", 3, "4.2", "太阳能利用设施建设和运营"), ("4.2.2", 3, "4.2", "氢能基础设施建设和运营")]


def _rules(content, name="c.jsonl"):
    return {(p.line, p.rule) for p in parse(content, name).problems}


def test_valid_file_has_no_problems_and_counts():
    parsed = parse(_file("T1", OLD, {"1": 2, "2": 2, "3": 3}))
    assert parsed.problems == [] and parsed.counts() == {1: 2, 2: 2, 3: 3}


def test_duplicates_orphans_skipped_levels_and_unknown_keys_are_all_listed():
    bad = OLD + [("1.1.1", 3, "1.1", "重复"), ("9.9.9", 3, "9.9", "孤儿"), ("3.5", 3, "3", "跳级")]
    content = _file("T1", bad).replace(b'"name_zh": "\xe5\xad\xa4\xe5\x84\xbf"', b'"name_zh": "x", "colour": "red"')
    rules = {r for _, r in _rules(content)}
    assert {"code_unique", "parent_exists", "level_step"} <= rules
    assert "unknown_key" in {r for _, r in _rules(_file("T1", OLD).replace(b'"level": 1,', b'"level": 1, "x": 1,', 1))}


def test_level_one_with_parent_and_code_not_extending_parent():
    rules = {r for _, r in _rules(_file("T1", [("1", 1, "0", "a"), ("2", 1, None, "b"), ("3.1", 2, "2", "c")]))}
    assert {"level1_no_parent", "code_extends_parent"} <= rules


def test_wrong_encoding_is_refused():
    content = _file("T1", OLD).decode().encode("gb18030")
    assert (0, "encoding_utf8") in _rules(content)


def test_count_against_stated_count():
    assert (0, "count_matches_stated") in _rules(_file("T1", OLD, {"3": 271}))


def test_csv_format_with_unknown_column():
    csv_ok = ("code,level,parent_code,name_zh,industry_classes,source,verification\n"
              "1,1,,节能,,s,secondary\n1.1,2,1,装备,,s,secondary\n1.1.1,3,1.1,锅炉,3411 锅炉及辅助设备制造,s,secondary\n")
    parsed = parse(csv_ok.encode(), "c.csv", {"version": "C", "title_zh": "t", "source": "s", "levels": 3})
    assert parsed.problems == [] and parsed.items[2]["industry_classes"] == [{"code": "3411", "name_zh": "锅炉及辅助设备制造"}]
    bad = csv_ok.replace("verification\n", "verification,colour\n", 1)
    assert "unknown_key" in {p.rule for p in parse(bad.encode(), "c.csv", {"version": "C", "title_zh": "t",
                                                                            "source": "s"}).problems}


@pytest.mark.parametrize("kind, on, expected", [
    ("loan", date(2025, 9, 30), "2019"), ("loan", date(2025, 10, 1), "2025"),
    ("bond", date(2021, 7, 1), "2021"), ("bond", date(2025, 10, 1), "2025"), ("bond", date(2026, 3, 1), "2025"),
])
def test_version_rule(kind, on, expected):
    assert version_for(kind, on) == expected


def test_version_rule_refuses_unknown_kind():
    with pytest.raises(ValueError):
        version_for("equity", date(2025, 1, 1))


def test_import_diff_crosswalk(rt):
    with rt.transaction() as s:
        catalogues.import_catalogue(s, CLI, "old.jsonl", _file("T1", OLD))
        catalogues.import_catalogue(s, CLI, "new.jsonl", _file("T2", NEW))
    with rt.transaction() as s:
        d = catalogues.diff(s, "T1", "T2")
        assert {i.code for i in d.added} == {"4", "4.2", "4.2.1", "4.2.2"}
        assert {i.code for i in d.removed} == {"1.1.2", "3", "3.2", "3.2.1"}
        assert [(a.code, b.name_zh) for a, b in d.renamed] == [("1", "节能降碳产业")]
        assert {(a.code, b.code) for a, b in d.recoded} == {("3.2", "4.2"), ("3.2.1", "4.2.1")}
        walk = {r["old_code"]: r for r in catalogues.crosswalk(s, "T1", "T2")}
        assert walk["3.2.1"]["new_code"] == "4.2.1" and walk["1.1.2"]["method"] == "none"
        item, chain, kids = catalogues.get_item(s, "T2", "4.2.1")
        assert [c.code for c in chain] == ["4", "4.2"] and kids == [] and item.industry_classes[0]["code"] == "4416"


def test_refused_import_leaves_loaded_version_unchanged(rt):
    with rt.transaction() as s:
        catalogues.import_catalogue(s, CLI, "old.jsonl", _file("T1", OLD))
    broken = _file("T1", OLD + [("1.1.1", 3, "1.1", "重复")])
    with pytest.raises(AppError) as info, rt.transaction() as s:
        catalogues.import_catalogue(s, CLI, "broken.jsonl", broken)
    assert info.value.status == 422 and any(d.rule == "code_unique" for d in info.value.details)
    with rt.transaction() as s:
        assert [i.name_zh for i in catalogues.list_items(s, "T1", level=1)] == ["节能环保产业", "清洁能源产业"]
        assert len(catalogues.list_items(s, "T1")) == len(OLD)


def test_cli_list_show_diff_import(rt, tmp_path):
    args = ["--data-dir", str(rt.settings.data_dir), "--database-url",
            rt.engine.url.render_as_string(hide_password=False)]
    runner = CliRunner()
    (tmp_path / "t1.jsonl").write_bytes(_file("T1", OLD))
    (tmp_path / "t2.jsonl").write_bytes(_file("T2", NEW))
    (tmp_path / "bad.jsonl").write_bytes(_file("T1", OLD + [("7.7.7", 3, "7.7", "孤儿")]))
    assert runner.invoke(cli, ["taxonomy", "import", str(tmp_path / "t1.jsonl"), *args]).exit_code == 0
    assert runner.invoke(cli, ["taxonomy", "import", str(tmp_path / "t2.jsonl"), *args]).exit_code == 0
    bad = runner.invoke(cli, ["taxonomy", "import", str(tmp_path / "bad.jsonl"), *args])
    assert bad.exit_code == 1 and "parent_exists" in bad.output
    out = runner.invoke(cli, ["taxonomy", "list", "--version", "T2", "--level", "1", "--json", *args])
    assert [i["code"] for i in json.loads(out.output)] == ["1", "4"]
    assert set(json.loads(out.output)[0]) == {"code", "name", "parent", "level", "source", "verification"}
    show = json.loads(runner.invoke(cli, ["taxonomy", "show", "4.2.2", "--version", "T2", "--json", *args]).output)
    assert show["parent"] == "4.2" and show["path"][0]["code"] == "4"
    diff = runner.invoke(cli, ["taxonomy", "diff", "T1", "T2", *args])
    assert "~ 1 节能环保产业 → 节能降碳产业" in diff.output and "+ 4.2.2" in diff.output
    missing = runner.invoke(cli, ["taxonomy", "list", "--version", "NOPE", *args])
    assert missing.exit_code == 2


def test_api_and_pages(client, world, as_user, rt):
    with rt.transaction() as s:
        catalogues.import_catalogue(s, CLI, "new.jsonl", _file("T2", NEW))
    assert client.get("/api/v1/reference/catalogues/T2/items", params={"level": 1}).json()[1]["code"] == "4"
    assert client.get("/api/v1/reference/catalogues/T2/items/4.2.2").json()["path"][1]["code"] == "4.2"
    assert client.get("/api/v1/reference/catalogues/version-for",
                      params={"kind": "loan", "on": "2025-09-30"}).json()["version"] == "2019"
    r = client.post("/api/v1/reference/catalogues/import", files={"file": ("x.jsonl", _file("T3", OLD))},
                    headers=as_user("a_officer"))
    assert r.status_code == 403
    r = client.post("/api/v1/reference/catalogues/import", files={"file": ("x.jsonl", _file("T3", OLD))},
                    headers=as_user("reg_admin"))
    assert r.status_code == 200 and r.json()["counts"] == {"1": 2, "2": 2, "3": 3}
    client.post("/login", data={"username": "gov_viewer", "password": "correct-horse-battery"})
    assert "T2" in client.get("/reference/catalogues").text
    assert "氢能基础设施建设和运营" in client.get("/reference/catalogues/T2").text
    page = client.get("/reference/catalogues/T2/4.2.2").text
    assert "太阳能发电" in page and SRC in page
    assert "氢能" in client.get("/reference/catalogues/T2", params={"q": "氢能"}).text
