"""Who may see and change a carbon account — the one place these rules live.

| caller                                | sees                                             | may change |
|---------------------------------------|--------------------------------------------------|------------|
| the enterprise itself (by USCC)       | its whole account                                | yes (operator / admin role) |
| bank, insurer, securities fund        | only under a live consent (not withdrawn, not expired), only the consented items (the union over all its live consents) | no |
| regulator, government                 | aggregates (counts, totals by industry and colour), no single account | no |
| system (CLI, jobs)                    | everything                                       | yes |

Anything else is "not found", never "forbidden", so an account's existence does not leak.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lvrongtong.accounts.models import CONSENT_ITEMS, AccountConsent, CarbonAccount
from lvrongtong.kit.errors import Forbidden, NotFound
from lvrongtong.kit.principal import Principal

CONSENT_READERS = {"bank", "insurer", "securities_fund"}
AGGREGATE_READERS = {"regulator", "government"}


@dataclass(frozen=True)
class Grant:
    """What the caller may see of one account, and why."""

    mode: str  # owner / system / consent
    items: frozenset[str]
    consent_id: int | None = None  # the newest live consent (mode "consent")
    consents: tuple[tuple[int, frozenset[str]], ...] = ()  # every live consent and its scope, newest first

    def allows(self, item: str) -> bool:
        return item in self.items

    def consent_for(self, item: str) -> int | None:
        """The newest live consent whose scope covers ``item``: the one a read of it is recorded under."""
        return next((cid for cid, scope in self.consents if item in scope), None)


def live_consents(session: Session, account_id: int, org_ids: frozenset[int], today: date) -> list[AccountConsent]:
    """Every live consent (granted, not withdrawn, not expired) of the account to one of ``org_ids``, newest first."""
    return list(session.scalars(select(AccountConsent).where(
        AccountConsent.account_id == account_id, AccountConsent.grantee_org_id.in_(sorted(org_ids)),
        AccountConsent.withdrawn_at.is_(None), AccountConsent.expires_on >= today,
    ).order_by(AccountConsent.id.desc())))


def grant_for(session: Session, who: Principal, account: CarbonAccount, uscc: str, today: date) -> Grant:
    if who.is_system:
        return Grant("system", frozenset(CONSENT_ITEMS))
    if who.org_type == "enterprise" and who.org_uscc == uscc:
        return Grant("owner", frozenset(CONSENT_ITEMS))
    if who.org_type in CONSENT_READERS and who.org_ids:
        # several live consents add up: the caller sees the union of their scopes
        live = live_consents(session, account.id, who.org_ids, today)
        if live:
            scopes = tuple((c.id, frozenset(c.scope or [])) for c in live)
            return Grant("consent", frozenset().union(*(scope for _, scope in scopes)), live[0].id, scopes)
    raise NotFound("碳账户", "carbon account")


def require_owner_write(who: Principal, uscc: str) -> None:
    """Only the enterprise (operator / admin) or the system changes an account."""
    if who.is_system:
        return
    if who.org_type != "enterprise" or who.org_uscc != uscc:
        raise NotFound("碳账户", "carbon account")
    if not who.can_write():
        raise Forbidden("需要“操作员”或“管理员”角色", "the operator or admin role is required")


def require_aggregate_reader(who: Principal) -> None:
    if not (who.is_system or who.org_type in AGGREGATE_READERS):
        raise Forbidden("仅监管和政府部门可查看汇总", "only regulators and government departments see aggregates")


def live_consent_for(session: Session, account_id: int, org_ids: frozenset[int], today: date,
                     item: str) -> AccountConsent | None:
    """The newest live consent to one of ``org_ids`` whose scope includes ``item`` (e.g. supply_chain)."""
    return next((c for c in live_consents(session, account_id, org_ids, today) if item in (c.scope or [])), None)
