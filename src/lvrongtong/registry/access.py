"""Who may see and change which master data — the one place these rules live.

| org type                      | enterprises | projects     | loans / bonds                  |
|-------------------------------|-------------|--------------|--------------------------------|
| regulator                     | all         | all          | all (read only)                |
| bank, insurer, securities_fund| all (read)  | all (read)   | those it holds (its branches)  |
| government, verifier          | all (read)  | all (read)   | none                           |
| enterprise                    | itself      | its own      | those it borrowed / issued     |

Writes need the operator or admin role in addition. A record outside the caller's scope
is reported as "not found", never as forbidden, so its existence does not leak.
"""

from __future__ import annotations

from sqlalchemy import Select, false

from lvrongtong.kit.errors import Forbidden
from lvrongtong.kit.principal import Principal
from lvrongtong.registry.models import Enterprise, Instrument, Project

HOLDER_TYPES = {"bank", "insurer", "securities_fund"}
READ_ALL_MASTER = {"regulator", "bank", "insurer", "securities_fund", "government", "verifier"}


def require_write(who: Principal) -> None:
    if not who.can_write():
        raise Forbidden("需要“操作员”或“管理员”角色", "the operator or admin role is required")


def scope_enterprises(stmt: Select, who: Principal) -> Select:
    if who.is_system or who.org_type in READ_ALL_MASTER:
        return stmt
    if who.org_type == "enterprise" and who.org_uscc:
        return stmt.where(Enterprise.uscc == who.org_uscc)
    return stmt.where(false())


def scope_projects(stmt: Select, who: Principal) -> Select:
    if who.is_system or who.org_type in READ_ALL_MASTER:
        return stmt
    if who.org_type == "enterprise" and who.org_uscc:
        return stmt.where(Project.enterprise_id.in_(
            Enterprise.__table__.select().with_only_columns(Enterprise.id).where(Enterprise.uscc == who.org_uscc)
        ))
    return stmt.where(false())


def can_list_instruments(who: Principal) -> bool:
    return who.is_system or who.org_type in HOLDER_TYPES | {"regulator", "enterprise"}


def scope_instruments(stmt: Select, who: Principal) -> Select:
    """Restrict a statement over ``instrument`` (or a subclass) to what the caller may read."""
    if who.is_system or who.org_type == "regulator":
        return stmt
    if who.org_type in HOLDER_TYPES:
        return stmt.where(Instrument.holder_org_id.in_(sorted(who.org_ids)))
    if who.org_type == "enterprise" and who.org_uscc:
        return stmt.where(Instrument.counterparty_enterprise_id.in_(
            Enterprise.__table__.select().with_only_columns(Enterprise.id).where(Enterprise.uscc == who.org_uscc)
        ))
    return stmt.where(false())


def require_instrument_list(who: Principal) -> None:
    if not can_list_instruments(who):
        raise Forbidden("本机构类型无权查看逐笔金融工具数据", "your organisation type cannot see instrument-level data")


def can_hold(who: Principal, holder_org_id: int) -> bool:
    return who.is_system or (who.org_type in HOLDER_TYPES and holder_org_id in who.org_ids)


def can_edit_enterprise(who: Principal, ent: Enterprise) -> bool:
    if who.is_system or who.org_type == "regulator":
        return True
    if who.org_type == "enterprise":
        return who.org_uscc == ent.uscc
    return ent.created_by_org_id is not None and ent.created_by_org_id in who.org_ids


def can_edit_project(who: Principal, project: Project, owner_uscc: str) -> bool:
    if who.is_system or who.org_type == "regulator":
        return True
    if who.org_type == "enterprise":
        return who.org_uscc == owner_uscc
    return project.created_by_org_id is not None and project.created_by_org_id in who.org_ids


def can_create_enterprise(who: Principal, uscc: str) -> bool:
    if who.is_system or who.org_type in {"regulator", "government"} | HOLDER_TYPES:
        return True
    return who.org_type == "enterprise" and who.org_uscc == uscc
