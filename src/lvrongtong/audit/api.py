"""HTTP routes for the audit trail (regulator admins and the organisation's own admins)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from sqlalchemy import select
from sqlalchemy.orm import Session

from lvrongtong.audit import service
from lvrongtong.audit.models import AuditEntry
from lvrongtong.kit.errors import Forbidden
from lvrongtong.kit.pagination import paginate
from lvrongtong.kit.principal import Principal
from lvrongtong.kit.web import current_principal, get_session

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


def entries_query(who: Principal, action: str | None = None, subject_type: str | None = None,
                  subject_id: str | None = None):
    if not who.is_admin():
        raise Forbidden("查看审计日志需要管理员角色", "the admin role is required to read the audit trail")
    stmt = select(AuditEntry)
    if not (who.is_system or who.org_type == "regulator"):
        stmt = stmt.where(AuditEntry.organisation_id.in_(sorted(who.org_ids)))
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if subject_type:
        stmt = stmt.where(AuditEntry.subject_type == subject_type)
    if subject_id:
        stmt = stmt.where(AuditEntry.subject_id == subject_id)
    return stmt


def entry_dict(e: AuditEntry) -> dict:
    return {"seq": e.seq, "at": e.at.isoformat(), "actor": e.actor, "user_id": e.user_id,
            "organisation_id": e.organisation_id, "action": e.action, "subject_type": e.subject_type,
            "subject_id": e.subject_id, "before_digest": e.before_digest, "after_digest": e.after_digest,
            "changed_fields": e.changed_fields, "prev_hash": e.prev_hash, "hash": e.hash}


@router.get("/entries", summary="Audit entries visible to the caller, newest first")
def list_entries(action: str | None = None, subject_type: str | None = None, subject_id: str | None = None,
                 page: int = Query(1, ge=1), page_size: int = Query(50, ge=1, le=200),
                 who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    stmt = entries_query(who, action, subject_type, subject_id)
    rows, total = paginate(session, stmt.order_by(AuditEntry.seq.desc()), stmt, page, page_size)
    return {"items": [entry_dict(r[0]) for r in rows], "total": total, "page": page, "page_size": page_size}


@router.get("/verify", summary="Verify the whole hash chain (regulator admin)")
def verify(who: Principal = Depends(current_principal), session: Session = Depends(get_session)):
    if not (who.is_system or (who.org_type == "regulator" and who.is_admin())):
        raise Forbidden("只有监管机构管理员可以校验全链", "only a regulator's admin can verify the whole chain")
    report = service.verify(session)
    return {"ok": report.ok, "entries_checked": report.entries_checked,
            "problems": [p.__dict__ for p in report.problems]}
