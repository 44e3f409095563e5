"""HTTP routes for reference data (public: codes and their sources)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy import select
from sqlalchemy.orm import Session

from lvrongtong.kit.web import get_session
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
