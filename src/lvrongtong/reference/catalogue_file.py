"""Catalogue files: parse and validate (pure — bytes in, items and problems out; no database).

Format (``docs/catalogue-format.md``): UTF-8 JSON Lines. Line 1 is the header
``{"catalogue": {"version", "title_zh", "issuer", "document_no", "valid_from", "valid_to", "source",
"levels", "expected_counts"}}``; every further line is one item with the keys in ``ITEM_KEYS``.
A CSV with the same item columns (``industry_classes`` as ``4416 太阳能发电; 4415 风力发电``) and
the header fields given separately is accepted too.

Validation (every problem is reported, nothing is loaded if there is one): the encoding, unknown
keys / columns, required fields, level in 1…levels, unique codes, level 1 without parent, every
other parent present and exactly one level up, dotted codes that extend their parent's code
("1.1" under "1"), and item counts per level against the counts the official text states.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

HEADER_KEYS = {"version", "title_zh", "title_en", "issuer", "document_no", "valid_from", "valid_to", "source",
               "levels", "expected_counts"}
ITEM_KEYS = {"code", "level", "parent_code", "name_zh", "name_en", "scope_zh", "remarks_zh", "industry_classes",
             "ghg_contribution", "source", "verification", "note"}
REQUIRED = ("code", "level", "name_zh", "source", "verification")
VERIFICATION = ("official", "secondary", "unverified")


@dataclass(frozen=True)
class Problem:
    line: int  # 0 = the file as a whole
    field: str
    rule: str
    message_zh: str
    message_en: str


@dataclass
class ParsedCatalogue:
    header: dict[str, Any]
    items: list[dict[str, Any]]
    problems: list[Problem] = field(default_factory=list)

    def counts(self) -> dict[int, int]:
        out: dict[int, int] = {}
        for item in self.items:
            if isinstance(item.get("level"), int):
                out[item["level"]] = out.get(item["level"], 0) + 1
        return dict(sorted(out.items()))


def _p(line: int, fld: str, rule: str, zh: str, en: str) -> Problem:
    return Problem(line, fld, rule, zh, en)


def _decode(content: bytes) -> tuple[str | None, list[Problem]]:
    try:
        return content.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        return None, [_p(0, "file", "encoding_utf8", f"文件不是UTF-8编码（第{exc.start}字节）",
                         f"the file is not UTF-8 (byte {exc.start})")]


def parse_industry_classes(text: str) -> list[dict[str, str]]:
    """``"4416 太阳能发电; 4415 风力发电"`` → [{"code": "4416", "name_zh": "太阳能发电"}, …]."""
    out = []
    for part in [p.strip() for p in text.replace("；", ";").split(";") if p.strip()]:
        code, _, name = part.partition(" ")
        out.append({"code": code.strip(), "name_zh": name.strip()})
    return out


def parse(content: bytes, filename: str = "catalogue.jsonl", header: dict[str, Any] | None = None) -> ParsedCatalogue:
    text, problems = _decode(content)
    if text is None:
        return ParsedCatalogue(header or {}, [], problems)
    if filename.lower().endswith(".csv"):
        parsed = _parse_csv(text, header or {})
    else:
        parsed = _parse_jsonl(text, header)
    parsed.problems.extend(validate(parsed))
    return parsed


def _parse_jsonl(text: str, header: dict[str, Any] | None) -> ParsedCatalogue:
    items: list[dict[str, Any]] = []
    problems: list[Problem] = []
    head = dict(header or {})
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(_p(number, "line", "json_syntax", f"JSON格式错误：{exc.msg}", f"invalid JSON: {exc.msg}"))
            continue
        if not isinstance(obj, dict):
            problems.append(_p(number, "line", "json_object", "每行应为一个JSON对象", "each line must be a JSON object"))
            continue
        if "catalogue" in obj:
            head.update(obj["catalogue"] or {})
            continue
        obj["_line"] = number
        items.append(obj)
    return ParsedCatalogue(head, items, problems)


def _parse_csv(text: str, header: dict[str, Any]) -> ParsedCatalogue:
    reader = csv.DictReader(io.StringIO(text))
    items = []
    problems = []
    unknown = sorted(set(reader.fieldnames or []) - ITEM_KEYS)
    if unknown:
        problems.append(_p(1, ",".join(unknown), "unknown_key", f"未知的列：{', '.join(unknown)}",
                           f"unknown columns: {', '.join(unknown)}"))
    for number, row in enumerate(reader, start=2):
        item: dict[str, Any] = {k: v for k, v in row.items() if k in ITEM_KEYS and v not in (None, "")}
        if None in row:
            item["__extra_cells"] = row[None]
        if "level" in item:
            item["level"] = int(item["level"]) if str(item["level"]).isdigit() else item["level"]
        if "industry_classes" in item:
            item["industry_classes"] = parse_industry_classes(item["industry_classes"])
        item["_line"] = number
        items.append(item)
    return ParsedCatalogue(dict(header), items, problems)


def _header_problems(head: dict[str, Any]) -> list[Problem]:
    problems = []
    unknown = sorted(set(head) - HEADER_KEYS)
    if unknown:
        problems.append(_p(1, ",".join(unknown), "unknown_key", f"未知的目录头字段：{', '.join(unknown)}",
                           f"unknown header keys: {', '.join(unknown)}"))
    for key in ("version", "title_zh", "source"):
        if not head.get(key):
            problems.append(_p(1, key, "required", f"目录头缺少{key}", f"the header needs {key}"))
    for key in ("valid_from", "valid_to"):
        if head.get(key):
            try:
                date.fromisoformat(str(head[key]))
            except ValueError:
                problems.append(_p(1, key, "date_format", f"{key}应为YYYY-MM-DD", f"{key} must be YYYY-MM-DD"))
    return problems


def _item_problems(item: dict[str, Any], levels: int) -> list[Problem]:
    line = item["_line"]
    problems = []
    unknown = sorted(k for k in item if k not in ITEM_KEYS and not k.startswith("_"))
    if unknown or "__extra_cells" in item:
        names = ", ".join(unknown) or "(cells beyond the header)"
        problems.append(_p(line, names, "unknown_key", f"未知的字段/列：{names}", f"unknown keys / columns: {names}"))
    for key in REQUIRED:
        if item.get(key) in (None, ""):
            problems.append(_p(line, key, "required", f"缺少{key}", f"{key} is required"))
    level = item.get("level")
    if level is not None and not (isinstance(level, int) and 1 <= level <= levels):
        problems.append(_p(line, "level", "level_range", f"层级应为1到{levels}的整数", f"level must be 1…{levels}"))
    if item.get("verification") and item["verification"] not in VERIFICATION:
        problems.append(_p(line, "verification", "verification_known", "核验状态应为 official / secondary / unverified",
                           "verification must be official, secondary or unverified"))
    for cls in item.get("industry_classes") or []:
        if not (isinstance(cls, dict) and str(cls.get("code", "")).isdigit() and len(str(cls["code"])) == 4):
            problems.append(_p(line, "industry_classes", "industry_class_format",
                               f"行业小类代码应为4位数字：{cls}", f"industry classes are 4-digit codes: {cls}"))
    return problems


def validate(parsed: ParsedCatalogue) -> list[Problem]:
    head = parsed.header
    problems = _header_problems(head)
    levels = int(head.get("levels") or 4)
    by_code: dict[str, dict[str, Any]] = {}
    for item in parsed.items:
        problems.extend(_item_problems(item, levels))
        code = str(item.get("code", ""))
        if code in by_code:
            problems.append(_p(item["_line"], "code", "code_unique", f"代码{code}重复（第{by_code[code]['_line']}行）",
                               f"code {code} repeats line {by_code[code]['_line']}"))
        elif code:
            by_code[code] = item
    for item in parsed.items:
        problems.extend(_tree_problems(item, by_code))
    stated = {int(k): v for k, v in (head.get("expected_counts") or {}).items()}
    counts = parsed.counts()
    for level, expected in sorted(stated.items()):
        if counts.get(level, 0) != expected:
            problems.append(_p(0, f"level {level}", "count_matches_stated",
                               f"第{level}级有{counts.get(level, 0)}项，官方文本为{expected}项（请在expected_counts中说明或补全）",
                               f"level {level} has {counts.get(level, 0)} items; the official text states {expected}"))
    return problems


def _tree_problems(item: dict[str, Any], by_code: dict[str, dict[str, Any]]) -> list[Problem]:
    line, code, level, parent = item["_line"], str(item.get("code", "")), item.get("level"), item.get("parent_code")
    if not isinstance(level, int):
        return []
    if level == 1:
        if parent:
            return [_p(line, "parent_code", "level1_no_parent", "一级条目不应有上级", "a level-1 item has no parent")]
        return []
    if not parent:
        return [_p(line, "parent_code", "parent_required", f"{level}级条目须有上级", f"a level-{level} item needs a parent")]
    up = by_code.get(str(parent))
    if up is None:
        return [_p(line, "parent_code", "parent_exists", f"上级{parent}不存在（孤立条目）",
                   f"parent {parent} does not exist (orphan)")]
    problems = []
    if up.get("level") != level - 1:
        problems.append(_p(line, "level", "level_step", f"上级{parent}为第{up.get('level')}级，本条应为其下一级",
                           f"parent {parent} is level {up.get('level')}; a child is exactly one level below"))
    if "." in code and not code.startswith(f"{parent}."):
        problems.append(_p(line, "code", "code_extends_parent", f"代码{code}应以上级代码{parent}.开头",
                           f"code {code} should extend its parent's code {parent}."))
    return problems
