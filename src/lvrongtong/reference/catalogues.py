"""Catalogue use cases: load shipped files, import a corrected file, browse, diff, crosswalk."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib import resources
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from lvrongtong.audit import service as audit
from lvrongtong.kit.errors import AppError, FieldError, Forbidden, NotFound
from lvrongtong.kit.principal import Principal
from lvrongtong.reference.catalogue_file import ParsedCatalogue, Problem, parse
from lvrongtong.reference.catalogue_rules import normalise_name
from lvrongtong.reference.models import Catalogue, CatalogueItem

ITEM_COLUMNS = ("code", "level", "parent_code", "name_zh", "name_en", "scope_zh", "remarks_zh", "industry_classes",
                "ghg_contribution", "source", "verification", "note")


def _refusal(problems: list[Problem]) -> AppError:
    details = [FieldError(f"line {p.line}: {p.field}" if p.line else p.field, p.rule, p.message_zh, p.message_en)
               for p in problems]
    return AppError("catalogue_invalid", f"目录文件未通过校验，共{len(problems)}个问题，未做任何更改",
                    f"the catalogue file failed validation with {len(problems)} problem(s); nothing was changed",
                    422, details)


def _store(session: Session, parsed: ParsedCatalogue, sha: str, origin: str) -> Catalogue:
    head = parsed.header
    version = str(head["version"])
    session.execute(delete(CatalogueItem).where(CatalogueItem.version == version))
    cat = session.get(Catalogue, version) or Catalogue(version=version)
    cat.title_zh, cat.title_en = head["title_zh"], head.get("title_en", "")
    cat.issuer, cat.document_no = head.get("issuer", ""), head.get("document_no", "")
    cat.valid_from = date.fromisoformat(head["valid_from"]) if head.get("valid_from") else None
    cat.valid_to = date.fromisoformat(head["valid_to"]) if head.get("valid_to") else None
    cat.source, cat.levels = head["source"], int(head.get("levels") or 4)
    cat.expected_counts = {str(k): v for k, v in (head.get("expected_counts") or {}).items()}
    cat.sha256, cat.loaded_at, cat.origin = sha, datetime.now(UTC), origin
    session.add(cat)
    session.flush()
    rows = []
    for position, item in enumerate(parsed.items, start=1):
        row = {k: item.get(k) for k in ITEM_COLUMNS}
        row.update(version=version, position=position, code=str(row["code"]),
                   parent_code=str(row["parent_code"]) if row.get("parent_code") else None)
        for key in ("name_en", "scope_zh", "remarks_zh", "ghg_contribution", "note"):
            row[key] = row[key] or ""
        row["industry_classes"] = row["industry_classes"] or []
        rows.append(row)
    if rows:
        session.execute(insert(CatalogueItem), rows)
    session.flush()
    return cat


def shipped_files() -> list[tuple[str, bytes]]:
    folder = resources.files("lvrongtong.reference").joinpath("data", "catalogues")
    if not folder.is_dir():
        return []
    return sorted((f.name, f.read_bytes()) for f in folder.iterdir() if f.name.endswith(".jsonl"))


def sync_shipped(session: Session) -> dict[str, int]:
    """Load every shipped catalogue whose file changed. A shipped file must validate (tests enforce it)."""
    loaded = {}
    for name, content in shipped_files():
        sha = hashlib.sha256(content).hexdigest()
        parsed = parse(content, name)
        if parsed.problems:
            raise _refusal(parsed.problems)
        current = session.get(Catalogue, str(parsed.header["version"]))
        if current is not None and (current.sha256 == sha or current.origin == "imported"):
            continue  # unchanged, or corrected locally by an import that must not be overwritten
        _store(session, parsed, sha, "shipped")
        loaded[f"catalogue_{parsed.header['version']}"] = len(parsed.items)
    return loaded


@dataclass
class ImportReport:
    version: str
    items: int
    counts: dict[int, int]


def import_catalogue(session: Session, who: Principal, filename: str, content: bytes,
                     header: dict[str, Any] | None = None) -> ImportReport:
    """Validate the whole file; store it only if every check passes (the loaded version stays otherwise)."""
    if not (who.is_system or (who.org_type == "regulator" and who.is_admin())):
        raise Forbidden("只有监管机构管理员或运维命令行可以导入目录", "only a regulator's admin or the CLI can import catalogues")
    parsed = parse(content, filename, header)
    if parsed.problems:
        raise _refusal(parsed.problems)
    version = str(parsed.header["version"])
    before = session.get(Catalogue, version)
    before_state = {"sha256": before.sha256, "origin": before.origin} if before else None
    sha = hashlib.sha256(content).hexdigest()
    _store(session, parsed, sha, "imported")
    audit.record(session, who, "catalogue.import", "catalogue", version, before_state,
                 {"sha256": sha, "items": len(parsed.items), "counts": parsed.counts()})
    return ImportReport(version, len(parsed.items), parsed.counts())


def catalogues(session: Session) -> list[tuple[Catalogue, dict[int, int], dict[str, int]]]:
    """Each catalogue with its item counts per level and per verification status."""
    out = []
    for cat in session.scalars(select(Catalogue).order_by(Catalogue.version.desc())):
        levels = dict(session.execute(select(CatalogueItem.level, func.count()).where(
            CatalogueItem.version == cat.version).group_by(CatalogueItem.level)).tuples().all())
        status = dict(session.execute(select(CatalogueItem.verification, func.count()).where(
            CatalogueItem.version == cat.version).group_by(CatalogueItem.verification)).tuples().all())
        out.append((cat, dict(sorted(levels.items())), status))
    return out


def get_catalogue(session: Session, version: str) -> Catalogue:
    cat = session.get(Catalogue, version)
    if cat is None:
        raise NotFound("目录版本", "catalogue version")
    return cat


def list_items(session: Session, version: str, *, level: int | None = None, parent: str | None = None,
               q: str | None = None) -> list[CatalogueItem]:
    get_catalogue(session, version)
    stmt = select(CatalogueItem).where(CatalogueItem.version == version).order_by(CatalogueItem.position)
    if level is not None:
        stmt = stmt.where(CatalogueItem.level == level)
    if parent is not None:
        stmt = stmt.where(CatalogueItem.parent_code == parent)
    if q:
        stmt = stmt.where(CatalogueItem.name_zh.contains(q) | CatalogueItem.scope_zh.contains(q)
                          | (CatalogueItem.code == q))
    return list(session.scalars(stmt))


def get_item(session: Session, version: str, code: str) -> tuple[CatalogueItem, list[CatalogueItem],
                                                                   list[CatalogueItem]]:
    """The item, its ancestors (root first) and its children."""
    items = {i.code: i for i in list_items(session, version)}
    item = items.get(code)
    if item is None:
        raise NotFound("目录条目", "catalogue item")
    chain, parent = [], item.parent_code
    while parent and parent in items:
        chain.insert(0, items[parent])
        parent = items[parent].parent_code
    children = [i for i in items.values() if i.parent_code == code]
    return item, chain, children


@dataclass
class Diff:
    added: list[CatalogueItem]
    removed: list[CatalogueItem]
    renamed: list[tuple[CatalogueItem, CatalogueItem]]
    recoded: list[tuple[CatalogueItem, CatalogueItem]]  # same name, different code


def diff(session: Session, old: str, new: str) -> Diff:
    a = {i.code: i for i in list_items(session, old)}
    b = {i.code: i for i in list_items(session, new)}
    renamed = [(a[c], b[c]) for c in a.keys() & b.keys() if normalise_name(a[c].name_zh) != normalise_name(b[c].name_zh)]
    b_by_name = {normalise_name(i.name_zh): i for i in b.values()}
    recoded = [(i, b_by_name[normalise_name(i.name_zh)]) for i in a.values()
               if normalise_name(i.name_zh) in b_by_name and b_by_name[normalise_name(i.name_zh)].code != i.code]
    return Diff(added=[b[c] for c in b if c not in a], removed=[a[c] for c in a if c not in b],
                renamed=sorted(renamed, key=lambda p: p[0].position), recoded=recoded)


def crosswalk(session: Session, old: str, new: str) -> list[dict[str, Any]]:
    """Each item of ``old`` with its counterpart in ``new`` found by exact (normalised) name.

    The method is stated on every row; items without a match are listed with ``new_code`` None so a
    reviewer sees the gap. A reviewed crosswalk file can replace this when an official one exists."""
    b_by_name: dict[str, CatalogueItem] = {}
    for item in list_items(session, new):
        b_by_name.setdefault(normalise_name(item.name_zh), item)
    rows = []
    for item in list_items(session, old):
        match = b_by_name.get(normalise_name(item.name_zh))
        rows.append({"old_code": item.code, "old_name": item.name_zh, "level": item.level,
                     "new_code": match.code if match else None, "new_name": match.name_zh if match else None,
                     "method": "name_match" if match else "none"})
    return rows

