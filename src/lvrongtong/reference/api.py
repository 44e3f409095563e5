"""HTTP routes for reference data (public: codes and their sources)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Body, Depends, File, UploadFile
from sqlalchemy import select
from sqlalchemy.orm import Session

from lvrongtong.kit.principal import Principal
from lvrongtong.kit.web import current_principal, get_session
from lvrongtong.reference import service
from lvrongtong.reference.models import ReferenceDataset, Region
from lvrongtong.reference.uscc import validate_uscc

router = APIRouter(prefix="/api/v1/reference", tags=["reference"])


@router.get("/regions", summary="GB/T 2260 codes of Chongqing with source and verification status")
def regions(session: Session = Depends(get_session)):
    return [{"code": r.code, "name_zh": r.name_zh, "name_en": r.name_en, "level": r.level, "kind": r.kind,
             "parent_code": r.parent_code, "source": r.source, "verification": r.verification}
            for r in session.scalars(select(Region).order_by(Region.code))]


@router.get("/industries", summary="GB/T 4754-2017 codes (filter by level, parent, text)")
def industries(level: str | None = None, parent: str | None = None, q: str | None = None,
               session: Session = Depends(get_session)):
    return [{"code": i.code, "level": i.level, "parent_code": i.parent_code, "section": i.section,
             "name_zh": i.name_zh, "source": i.source, "verification": i.verification}
            for i in service.list_industries(session, level, parent, q)]


@router.get("/datasets", summary="Loaded reference datasets with version, source and content hash")
def datasets(session: Session = Depends(get_session)):
    return [{"name": d.name, "standard": d.standard, "version": d.version, "source": d.source, "sha256": d.sha256,
             "row_count": d.row_count, "loaded_at": d.loaded_at.isoformat()}
            for d in session.scalars(select(ReferenceDataset))]


@router.get("/uscc/{code}", summary="Check a unified social credit code (GB 32100-2015)")
def check_uscc(code: str):
    r = validate_uscc(code)
    return {"code": r.code, "valid": r.valid, "expected_check_character": r.expected_check,
            "problems": [p.__dict__ for p in r.problems], "notes": [n.__dict__ for n in r.notes]}


@router.get("/catalogues", summary="Catalogue versions with item counts per level and per verification status")
def list_catalogues(session: Session = Depends(get_session)):
    from lvrongtong.reference import catalogues

    return [{"version": c.version, "title_zh": c.title_zh, "issuer": c.issuer, "document_no": c.document_no,
             "valid_from": c.valid_from, "valid_to": c.valid_to, "source": c.source, "origin": c.origin,
             "counts": levels, "expected_counts": c.expected_counts, "verification": status}
            for c, levels, status in catalogues.catalogues(session)]


@router.get("/catalogues/version-for", summary="Which catalogue version judges a loan (approval) or bond (registration)")
def version_for(kind: str, on: date):
    from lvrongtong.kit.errors import field_error
    from lvrongtong.reference.catalogue_rules import TRANSITION_DATE, version_for

    try:
        version = version_for(kind, on)
    except ValueError:
        raise field_error("kind", "kind_known", "kind 应为 loan 或 bond", "kind must be loan or bond") from None
    return {"kind": kind, "on": on, "version": version, "transition_date": TRANSITION_DATE}


@router.get("/catalogues/{version}/items", summary="Items of a catalogue version (filter by level, parent, text)")
def catalogue_items(version: str, level: int | None = None, parent: str | None = None, q: str | None = None,
                    session: Session = Depends(get_session)):
    from lvrongtong.reference import catalogues

    return [_item(i) for i in catalogues.list_items(session, version, level=level, parent=parent, q=q)]


@router.get("/catalogues/{version}/items/{code}", summary="One item with its path and children")
def catalogue_item(version: str, code: str, session: Session = Depends(get_session)):
    from lvrongtong.reference import catalogues

    item, chain, children = catalogues.get_item(session, version, code)
    return {**_item(item), "path": [_item(c) for c in chain], "children": [_item(c) for c in children]}


@router.get("/catalogues/{old}/diff/{new}", summary="Added, removed, renamed and recoded items between versions")
def catalogue_diff(old: str, new: str, session: Session = Depends(get_session)):
    from lvrongtong.reference import catalogues

    d = catalogues.diff(session, old, new)
    return {"added": [_item(i) for i in d.added], "removed": [_item(i) for i in d.removed],
            "renamed": [{"code": a.code, "old_name": a.name_zh, "new_name": b.name_zh} for a, b in d.renamed],
            "recoded": [{"name": a.name_zh, "old_code": a.code, "new_code": b.code} for a, b in d.recoded]}


@router.get("/catalogues/{old}/crosswalk/{new}", summary="Each old item with its counterpart by name")
def catalogue_crosswalk(old: str, new: str, session: Session = Depends(get_session)):
    from lvrongtong.reference import catalogues

    return catalogues.crosswalk(session, old, new)


@router.post("/catalogues/import", summary="Import or correct a catalogue file (regulator admin)")
def catalogue_import(file: UploadFile = File(...), who: Principal = Depends(current_principal),
                     session: Session = Depends(get_session)):
    from lvrongtong.reference import catalogues

    report = catalogues.import_catalogue(session, who, file.filename or "catalogue.jsonl", file.file.read())
    session.commit()
    return {"version": report.version, "items": report.items, "counts": report.counts}


def _item(i) -> dict:
    return {"code": i.code, "level": i.level, "parent_code": i.parent_code, "name_zh": i.name_zh,
            "name_en": i.name_en, "scope_zh": i.scope_zh, "remarks_zh": i.remarks_zh,
            "industry_classes": i.industry_classes, "ghg_contribution": i.ghg_contribution, "source": i.source,
            "verification": i.verification, "note": i.note}


@router.get("/transition/sectors", summary="Transition sectors and intensity benchmarks, with sources (platform method)")
def transition_sectors():
    from lvrongtong.reference import transition

    return {"method": transition.METHOD_ID, "sectors": transition.sectors(), "benchmarks": transition.benchmarks()}


@router.post("/transition/assess", summary="Assess a transition plan (platform's own method; checks with reasons)")
def transition_assess(plan: dict = Body(...), session: Session = Depends(get_session)):
    from lvrongtong.reference import transition

    parsed = transition.plan_from_dict(plan)
    service.require_industry(session, parsed.industry_code)
    return transition.assess(parsed).as_dict()
