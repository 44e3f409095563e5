"""Carbon-account use cases. Each is a named, audited action; services flush, the caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Session

from lvrongtong.accounts import access, activity, rules
from lvrongtong.accounts.models import (
    CONSENT_ITEMS,
    SUPPLY_CHAIN_ITEM,
    AccountConsent,
    AccountPeriod,
    CarbonAccount,
)
from lvrongtong.audit.service import record as audit_record
from lvrongtong.carbon import service as carbon
from lvrongtong.kit.errors import FieldError, NotFound, ValidationFailed, field_error
from lvrongtong.kit.principal import SYSTEM, Principal
from lvrongtong.registry import service as registry
from lvrongtong.registry.models import Enterprise


def _today() -> date:
    return datetime.now(UTC).date()


@dataclass
class Opened:
    account: CarbonAccount
    enterprise: Enterprise


def _load(session: Session, uscc: str) -> Opened:
    ent = registry.get_enterprise(session, SYSTEM, uscc)  # visibility is decided by accounts.access, not registry
    account = session.scalar(select(CarbonAccount).where(CarbonAccount.enterprise_id == ent.id))
    if account is None:
        raise NotFound("碳账户", "carbon account")
    return Opened(account, ent)


def open_account(session: Session, who: Principal, uscc: str, *, synthetic: bool = False) -> CarbonAccount:
    """Open the enterprise's account (idempotent: an existing account is returned unchanged)."""
    access.require_owner_write(who, uscc.upper())
    ent = registry.get_enterprise(session, SYSTEM, uscc)
    existing = session.scalar(select(CarbonAccount).where(CarbonAccount.enterprise_id == ent.id))
    if existing is not None:
        return existing
    account = CarbonAccount(enterprise_id=ent.id, synthetic=synthetic, opened_by_org_id=who.organisation_id)
    session.add(account)
    session.flush()
    audit_record(session, who, "account.open", "carbon_account", account.id, None,
                 {"uscc": ent.uscc, "synthetic": synthetic})
    return account


def for_read(session: Session, who: Principal, uscc: str, item: str | None = None) -> tuple[Opened, access.Grant]:
    """The account and what the caller may see of it; "not found" without access (or without ``item``)."""
    opened = _load(session, uscc)
    grant = access.grant_for(session, who, opened.account, opened.enterprise.uscc, _today())
    if item is not None and not grant.allows(item):
        raise NotFound("碳账户", "carbon account")
    return opened, grant


def for_write(session: Session, who: Principal, uscc: str) -> Opened:
    access.require_owner_write(who, uscc.upper())
    return _load(session, uscc)


def add_activity(session: Session, who: Principal, uscc: str, item: activity.ActivityIn):
    opened = for_write(session, who, uscc)
    return activity.add(session, who, opened.account, opened.enterprise.region_code, item)


def import_activity(session: Session, who: Principal, uscc: str, filename: str, content: bytes) -> dict:
    opened = for_write(session, who, uscc)
    return activity.import_rows(session, who, opened.account, opened.enterprise.region_code, filename, content)


DENOMINATORS = ("output_value_cny", "value_added_cny", "tax_cny", "product_quantity", "product_unit")


def _period_row(session: Session, opened: Opened, period: rules.Period) -> AccountPeriod:
    row = session.scalar(select(AccountPeriod).where(AccountPeriod.account_id == opened.account.id,
                                                     AccountPeriod.label == period.label))
    if row is None:
        row = AccountPeriod(account_id=opened.account.id, label=period.label, kind=period.kind,
                            starts_on=period.starts_on, ends_on=period.ends_on,
                            industry_code=opened.enterprise.industry_code, product_unit="", inventory={})
        session.add(row)
    return row


def set_denominators(session: Session, who: Principal, uscc: str, label: str, values: dict) -> AccountPeriod:
    """Record the period's output value, value added, tax (CNY) and product output."""
    opened = for_write(session, who, uscc)
    period = rules.parse_period(label)
    bad = [FieldError(k, "non_negative", f"{k} 不能为负", f"{k} must not be negative")
           for k in DENOMINATORS[:4] if values.get(k) is not None and Decimal(str(values[k])) < 0]
    if bad:
        raise ValidationFailed(bad)
    row = _period_row(session, opened, period)
    before = {k: _plain(getattr(row, k, None)) for k in DENOMINATORS}
    for key in DENOMINATORS:
        if key in values and values[key] is not None:
            setattr(row, key, values[key] if key == "product_unit" else Decimal(str(values[key])))
    session.flush()
    audit_record(session, who, "account.period.set", "account_period", row.id, before,
                 {k: _plain(getattr(row, k)) for k in DENOMINATORS})
    return row


def _plain(v):
    """Decimals as plain text, rounded to 6 places (tCO2e to the gram; intensities to 10⁻⁶)."""
    return format(round(v, 6).normalize(), "f") if isinstance(v, Decimal) else v


def inventory_of(session: Session, opened: Opened, period: rules.Period) -> dict:
    """Lines per (kind, carrier, unit, source): summed activity → carbon engine, with the full trace."""
    records = activity.records_in(session, opened.account.id, period.starts_on, period.ends_on)
    groups: dict[tuple, list] = {}
    for r in records:
        groups.setdefault((r.kind, r.carrier, r.unit, r.source), []).append(r)
    lines, scopes = [], {"1": Decimal(0), "2": Decimal(0)}
    for (kind, carrier, unit, source), rows in groups.items():
        quantity = sum((Decimal(r.quantity) for r in rows), Decimal(0))
        inputs = activity.method_inputs(kind, carrier, quantity, unit, opened.enterprise.region_code, period.year)
        result = carbon.calculate(session, activity.METHOD_OF[kind], inputs).as_dict()
        emissions = Decimal(result["results"]["emissions"]["value"])
        scopes[activity.SCOPE_OF[kind]] += emissions
        lines.append({"kind": kind, "carrier": carrier, "quantity": _plain(quantity), "unit": unit, "source": source,
                      "scope": activity.SCOPE_OF[kind], "records": [r.id for r in rows],
                      "emissions_tco2e": _plain(emissions), "method_id": result["method_id"],
                      "engine_version": result["engine_version"], "trace": result["trace"]})
    months = rules.months_of(period)
    covered = sum(1 for m in months if any(r.starts_on <= m.ends_on and r.ends_on >= m.starts_on for r in records))
    total = scopes["1"] + scopes["2"]
    return {"period": period.label, "scope1_tco2e": scopes["1"], "scope2_tco2e": scopes["2"], "total_tco2e": total,
            "lines": lines, "records": len(records),
            "completeness": {"months_with_data": covered, "months": len(months),
                             "by_source": _count_by(records, "source")},
            "note_zh": "范围一燃烧排放仅计 CO2（CH4、N2O 未计）；范围二为基于位置的电网因子。",
            "note_en": "Scope-1 combustion counts CO2 only (no CH4 / N2O); scope 2 is location-based."}


def _count_by(records, attr: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in records:
        out[getattr(r, attr)] = out.get(getattr(r, attr), 0) + 1
    return out


def compute_period(session: Session, who: Principal, uscc: str, label: str, *, with_months: bool = True,
                   audit: bool = True) -> AccountPeriod:
    """Compute and store the period's inventory (and, for a year or quarter, its months)."""
    opened = for_write(session, who, uscc)
    period = rules.parse_period(label)
    row = _store(session, opened, period)
    if with_months and period.kind != "month":
        for month in rules.months_of(period):
            _store(session, opened, month)
    session.flush()
    if audit:
        audit_record(session, who, "account.inventory.compute", "account_period", row.id, None,
                     {"uscc": opened.enterprise.uscc, "period": label, "total_tco2e": _plain(row.total_tco2e)})
    return row


def _store(session: Session, opened: Opened, period: rules.Period) -> AccountPeriod:
    inv = inventory_of(session, opened, period)
    row = _period_row(session, opened, period)
    row.industry_code = opened.enterprise.industry_code
    row.scope1_tco2e, row.scope2_tco2e, row.total_tco2e = inv["scope1_tco2e"], inv["scope2_tco2e"], inv["total_tco2e"]
    row.intensity_output = rules.per_10k(row.total_tco2e, row.output_value_cny)
    row.intensity_value_added = rules.per_10k(row.total_tco2e, row.value_added_cny)
    row.inventory = _jsonable(inv)
    row.computed_at = datetime.now(UTC)
    return row


def _jsonable(inv: dict) -> dict:
    return {k: _plain(v) for k, v in inv.items()}


# ---------------------------------------------------------------- benchmark, rating, the full view

def _peers(session: Session, label: str, column, class_code: str) -> tuple[list, list]:
    stmt = (select(AccountPeriod.industry_code, AccountPeriod.total_tco2e, column)
            .where(AccountPeriod.label == label, AccountPeriod.total_tco2e.is_not(None), column.is_not(None),
                   AccountPeriod.industry_code.startswith(class_code[:2])))
    rows = session.execute(stmt).all()
    division = [(Decimal(t), Decimal(d)) for _, t, d in rows]
    same_class = [(Decimal(t), Decimal(d)) for code, t, d in rows if code == class_code]
    return same_class, division


def benchmarks(session: Session, label: str, class_code: str, min_sample: int) -> dict[str, rules.Benchmark]:
    out = {}
    for basis, column in (("output", AccountPeriod.output_value_cny), ("value_added", AccountPeriod.value_added_cny)):
        same_class, division = _peers(session, label, column, class_code)
        out[basis] = rules.benchmark(basis, class_code, same_class, division, min_sample)
    return out


def view(session: Session, who: Principal, uscc: str, label: str, *, min_sample: int = 5,
         schemes_file: Path | None = None) -> dict:
    """Inventory, indicators, benchmark, rating with its reasons, portable ratings — as the caller may see them.

    A stored snapshot is used when present; otherwise the inventory is computed now (not stored)."""
    opened, grant = for_read(session, who, uscc)
    period = rules.parse_period(label)
    row = session.scalar(select(AccountPeriod).where(AccountPeriod.account_id == opened.account.id,
                                                     AccountPeriod.label == period.label))
    inv = row.inventory if row is not None and row.computed_at is not None else _jsonable(
        inventory_of(session, opened, period))
    total = Decimal(inv["total_tco2e"])
    den = {k: (getattr(row, k) if row is not None else None) for k in DENOMINATORS}
    ind = rules.indicators(total, den["output_value_cny"], den["value_added_cny"], den["tax_cny"],
                           den["product_quantity"])
    benches = benchmarks(session, period.label, opened.enterprise.industry_code, min_sample)
    schemes = rules.load_schemes(schemes_file)
    rating = rules.platform_rating(ind["intensity_output_t_per_10k_cny"], benches["output"], schemes["platform"])
    portable = rules.portable_ratings(ind["intensity_value_added_t_per_10k_cny"], benches["value_added"], schemes)
    ent = opened.enterprise
    out = {"uscc": ent.uscc, "name": ent.name, "industry_code": ent.industry_code, "region_code": ent.region_code,
           "ets_covered": ent.ets_covered, "synthetic": opened.account.synthetic, "period": period.label,
           "access": grant.mode, "stored": row is not None and row.computed_at is not None}
    if grant.allows("inventory"):
        out["inventory"] = inv
    if grant.allows("indicators"):
        out["denominators"] = {k: _plain(v) for k, v in den.items()}
        out["indicators"] = {k: _plain(v) for k, v in ind.items()}
        out["benchmark"] = {k: b.as_dict() for k, b in benches.items()}
    if grant.allows("rating"):
        out["rating"] = rating
        out["portable_ratings"] = portable
    if grant.mode == "consent":  # every read of an enterprise's data by a third party is on the record
        audit_record(session, who, "account.read_under_consent", "carbon_account", opened.account.id, None,
                     {"uscc": ent.uscc, "period": period.label, "consent_id": grant.consent_id,
                      "consent_ids": [cid for cid, _ in grant.consents]})
    return out


# ---------------------------------------------------------------- consent

def grant_consent(session: Session, who: Principal, uscc: str, grantee_org_id: int, scope: list[str],
                  expires_on: date, purpose: str = "") -> AccountConsent:
    opened = for_write(session, who, uscc)
    problems = []
    if not scope or any(s not in CONSENT_ITEMS for s in scope):
        problems.append(FieldError("scope", "scope_known", f"授权范围应取自 {'、'.join(CONSENT_ITEMS)}",
                                   f"scope items must be among {', '.join(CONSENT_ITEMS)}"))
    if expires_on <= _today():
        problems.append(FieldError("expires_on", "future", "到期日须晚于今天", "expires_on must be after today"))
    org = registry.get_organisation(session, SYSTEM, grantee_org_id)
    if org.type == "enterprise" and set(scope) != {SUPPLY_CHAIN_ITEM}:
        problems.append(FieldError("scope", "supply_chain_only", "对企业（采购方）只能授权 supply_chain（供应链共享）",
                                   "an enterprise (a buyer) can be granted supply_chain only"))
    elif org.type != "enterprise" and SUPPLY_CHAIN_ITEM in scope:
        problems.append(FieldError("scope", "supply_chain_to_buyer", "supply_chain（供应链共享）只能授权给采购方企业",
                                   "supply_chain can be granted to a buying enterprise only"))
    if org.type not in access.CONSENT_READERS and org.type != "enterprise":
        problems.append(FieldError("grantee_org_id", "grantee_type", "只能授权给银行、保险、基金机构或采购方企业",
                                   "consent can be granted to a bank, insurer, fund or a buying enterprise only"))
    if problems:
        raise ValidationFailed(problems)
    consent = AccountConsent(account_id=opened.account.id, grantee_org_id=grantee_org_id, scope=sorted(set(scope)),
                             purpose=purpose, expires_on=expires_on, granted_by=who.user_id)
    session.add(consent)
    session.flush()
    audit_record(session, who, "account.consent.grant", "account_consent", consent.id, None, consent_dict(consent))
    return consent


def withdraw_consent(session: Session, who: Principal, uscc: str, consent_id: int) -> AccountConsent:
    opened = for_write(session, who, uscc)
    consent = session.get(AccountConsent, consent_id)
    if consent is None or consent.account_id != opened.account.id:
        raise NotFound("授权", "consent")
    if consent.withdrawn_at is not None:
        raise field_error("consent_id", "already_withdrawn", "该授权已撤回", "this consent was already withdrawn")
    before = consent_dict(consent)
    consent.withdrawn_at, consent.withdrawn_by = datetime.now(UTC), who.user_id
    session.flush()
    audit_record(session, who, "account.consent.withdraw", "account_consent", consent.id, before,
                 consent_dict(consent))
    return consent


def consents(session: Session, who: Principal, uscc: str) -> list[AccountConsent]:
    opened = for_write(session, who, uscc) if not who.is_system else _load(session, uscc)
    return list(session.scalars(select(AccountConsent).where(AccountConsent.account_id == opened.account.id)
                                .order_by(AccountConsent.id.desc())))


def consent_dict(c: AccountConsent) -> dict:
    live = c.withdrawn_at is None and c.expires_on >= _today()
    return {"id": c.id, "grantee_org_id": c.grantee_org_id, "scope": c.scope, "purpose": c.purpose,
            "expires_on": c.expires_on.isoformat(), "granted_at": c.granted_at.isoformat() if c.granted_at else None,
            "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None, "live": live}


# ---------------------------------------------------------------- lists and aggregates

def visible_accounts(session: Session, who: Principal) -> list[dict]:
    """Accounts the caller may open: its own (enterprise), those under live consent (bank), all (system)."""
    stmt = select(CarbonAccount, Enterprise).join(Enterprise, Enterprise.id == CarbonAccount.enterprise_id)
    if who.is_system:
        pass
    elif who.org_type == "enterprise" and who.org_uscc:
        stmt = stmt.where(Enterprise.uscc == who.org_uscc)
    elif who.org_type in access.CONSENT_READERS and who.org_ids:
        stmt = stmt.where(CarbonAccount.id.in_(select(AccountConsent.account_id).where(
            AccountConsent.grantee_org_id.in_(sorted(who.org_ids)), AccountConsent.withdrawn_at.is_(None),
            AccountConsent.expires_on >= _today())))
    else:
        return []
    return [{"uscc": e.uscc, "name": e.name, "industry_code": e.industry_code, "synthetic": a.synthetic}
            for a, e in session.execute(stmt.order_by(Enterprise.name).limit(500))]


def aggregates(session: Session, who: Principal, label: str, *, min_sample: int = 5) -> dict:
    """Totals by GB/T 4754 division for a period — no single account is identifiable: divisions with fewer
    than ``min_sample`` accounts are merged into "other"."""
    access.require_aggregate_reader(who)
    period = rules.parse_period(label)
    division = func.substr(AccountPeriod.industry_code, literal_column("1"), literal_column("2"))
    rows = session.execute(select(division, func.count(),
                                  func.sum(AccountPeriod.scope1_tco2e), func.sum(AccountPeriod.scope2_tco2e),
                                  func.sum(AccountPeriod.output_value_cny))
                           .where(AccountPeriod.label == period.label, AccountPeriod.computed_at.is_not(None))
                           .group_by(division)).all()
    groups: dict[str, list] = {}
    for division, n, s1, s2, out_value in rows:
        key = division if n >= min_sample else "other"
        g = groups.setdefault(key, [0, Decimal(0), Decimal(0), Decimal(0)])
        g[0] += n
        g[1] += Decimal(s1 or 0)
        g[2] += Decimal(s2 or 0)
        g[3] += Decimal(out_value or 0)
    by_division = [{"division": k, "accounts": g[0], "scope1_tco2e": _plain(g[1]), "scope2_tco2e": _plain(g[2]),
                    "intensity_output_t_per_10k_cny": _plain(rules.per_10k(g[1] + g[2], g[3]))}
                   for k, g in sorted(groups.items())]
    audit_record(session, who, "account.aggregates.read", "account_period", period.label, None,
                 {"period": period.label, "groups": len(by_division)})
    return {"period": period.label, "min_group_size": min_sample, "by_division": by_division,
            "accounts": sum(g["accounts"] for g in by_division)}


def record_device_rollup(session: Session, who: Principal, uscc: str, device_identifier: str, kind: str,
                         carrier: str, unit: str, months: list) -> int:
    """Device monthly totals become activity (source=device); the iot roll-up audits the whole run."""
    opened = for_write(session, who, uscc)
    return activity.replace_device_rollup(session, opened.account.id, device_identifier, kind, carrier, unit, months)
