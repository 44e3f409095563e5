"""Supply chain: a buyer lists its suppliers (by USCC) and what it bought; with each supplier's consent
(scope ``supply_chain``, granted to the buyer's organisation) the supplier's account figures feed the
buyer's scope-3 category 1 (purchased goods and services) view.

Per supplier, in this order (the platform's choice, stated in the view):

``supplier_product_intensity``  the buyer recorded a quantity in the supplier's product unit, and the
                                supplier's account has emissions per unit of product for the year:
                                E = quantity × (supplier total ÷ supplier product output). This is the
                                supplier's whole-site emissions spread over its reported product — not a
                                product carbon footprint to ISO 14067 (the account holds none);
``supplier_output_intensity``   else E = purchased value (万元) × supplier total ÷ supplier output value (万元);
``missing``                     else nothing is estimated, with the reason.

Without a live consent the view shows only what the buyer itself entered (USCC, value) and
"not shared" — no name, figure or even whether the supplier has an account.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from lvrongtong.accounts import access, rules, service
from lvrongtong.accounts.models import SUPPLY_CHAIN_ITEM, AccountPeriod, AccountSupplier, CarbonAccount
from lvrongtong.audit.service import record as audit_record
from lvrongtong.kit.errors import FieldError, ValidationFailed
from lvrongtong.kit.principal import SYSTEM, Principal
from lvrongtong.reference.uscc import validate_uscc
from lvrongtong.registry.models import Enterprise, Organisation

TEN_THOUSAND = Decimal(10_000)


@dataclass
class PurchaseIn:
    supplier_uscc: str
    period: str
    purchased_value_cny: Decimal
    purchased_quantity: Decimal | None = None
    purchased_unit: str = ""
    goods: str = ""


def set_purchase(session: Session, who: Principal, uscc: str, item: PurchaseIn, *,
                 synthetic: bool = False) -> AccountSupplier:
    """Add or update what the buyer bought from one supplier in one year (the buyer's own data)."""
    opened = service.for_write(session, who, uscc)
    supplier = (item.supplier_uscc or "").strip().upper()
    problems = _check(item, supplier, opened.enterprise.uscc)
    if problems:
        raise ValidationFailed(problems)
    row = session.scalar(select(AccountSupplier).where(
        AccountSupplier.account_id == opened.account.id, AccountSupplier.supplier_uscc == supplier,
        AccountSupplier.period == item.period))
    before = None if row is None else purchase_dict(row)
    if row is None:
        row = AccountSupplier(account_id=opened.account.id, supplier_uscc=supplier, period=item.period,
                              synthetic=synthetic, created_by=who.user_id)
        session.add(row)
    row.purchased_value_cny, row.purchased_quantity = item.purchased_value_cny, item.purchased_quantity
    row.purchased_unit, row.goods = item.purchased_unit.strip(), item.goods
    session.flush()
    audit_record(session, who, "account.supplier.set", "account_supplier", row.id, before, purchase_dict(row))
    return row


def _check(item: PurchaseIn, supplier: str, buyer: str) -> list[FieldError]:
    problems = []
    problems += [FieldError("supplier_uscc", d.rule, d.message_zh, d.message_en)
                 for d in validate_uscc(supplier).problems]
    if supplier == buyer:
        problems.append(FieldError("supplier_uscc", "not_self", "供应商不能是本企业", "a supplier cannot be the buyer"))
    try:
        if rules.parse_period(item.period).kind != "year":
            raise ValueError
    except (ValidationFailed, ValueError):
        problems.append(FieldError("period", "year", "采购年份应为 4 位年份，如 2025", "period must be a year, e.g. 2025"))
    if item.purchased_value_cny is None or item.purchased_value_cny <= 0:
        problems.append(FieldError("purchased_value_cny", "positive", "采购金额（元）须大于 0",
                                   "purchased_value_cny must be greater than 0"))
    if item.purchased_quantity is not None and (item.purchased_quantity <= 0 or not item.purchased_unit.strip()):
        problems.append(FieldError("purchased_quantity", "quantity_with_unit", "采购数量须大于 0 并注明单位",
                                   "purchased_quantity must be greater than 0 and come with its unit"))
    return problems


def purchase_dict(r: AccountSupplier) -> dict:
    return {"id": r.id, "supplier_uscc": r.supplier_uscc, "period": r.period,
            "purchased_value_cny": service._plain(Decimal(r.purchased_value_cny)),
            "purchased_quantity": None if r.purchased_quantity is None else service._plain(Decimal(r.purchased_quantity)),
            "purchased_unit": r.purchased_unit, "goods": r.goods, "synthetic": r.synthetic}


def _shared(session: Session, buyer_org_ids: frozenset[int], supplier_uscc: str) -> tuple[Enterprise, CarbonAccount,
                                                                                          int] | None:
    ent = session.scalar(select(Enterprise).where(Enterprise.uscc == supplier_uscc))
    account = ent and session.scalar(select(CarbonAccount).where(CarbonAccount.enterprise_id == ent.id))
    if account is None or not buyer_org_ids:
        return None
    consent = access.live_consent_for(session, account.id, buyer_org_ids, service._today(), SUPPLY_CHAIN_ITEM)
    return (ent, account, consent.id) if consent is not None else None


def scope3_category1(session: Session, who: Principal, uscc: str, period: str) -> dict:
    """The buyer's scope-3 category 1 view for a year: one line per supplier, with where its figure came from."""
    opened, _ = service.for_read(session, who, uscc, SUPPLY_CHAIN_ITEM)
    year = rules.parse_period(period)
    buyer_orgs = frozenset(session.scalars(select(Organisation.id).where(Organisation.uscc == opened.enterprise.uscc)))
    lines, total, covered_value, all_value = [], Decimal(0), Decimal(0), Decimal(0)
    rows = session.scalars(select(AccountSupplier).where(AccountSupplier.account_id == opened.account.id,
                                                         AccountSupplier.period == year.label)
                           .order_by(AccountSupplier.supplier_uscc)).all()
    for row in rows:
        line = {**purchase_dict(row), "status": "not_shared", "method": "missing", "emissions_tco2e": None,
                "reason_zh": "供应商未授权共享（或无碳账户）", "reason_en": "the supplier has not shared its account"}
        all_value += Decimal(row.purchased_value_cny)
        shared = _shared(session, buyer_orgs, row.supplier_uscc)
        if shared is not None:
            ent, account, consent_id = shared
            line.update(_estimate(session, account.id, row, year.label), supplier_name=ent.name,
                        consent_id=consent_id)
            audit_record(session, SYSTEM if who.is_system else who, "account.supplier.read_under_consent",
                         "carbon_account", account.id, None,
                         {"buyer": opened.enterprise.uscc, "supplier": ent.uscc, "period": year.label,
                          "consent_id": consent_id})
        if line["emissions_tco2e"] is not None:
            total += Decimal(line["emissions_tco2e"])
            covered_value += Decimal(row.purchased_value_cny)
        lines.append(line)
    return {"uscc": opened.enterprise.uscc, "name": opened.enterprise.name, "period": year.label,
            "category": "scope3.category1", "suppliers": lines, "total_tco2e": service._plain(total),
            "coverage_by_value": None if not all_value else service._plain((covered_value / all_value).quantize(
                Decimal("0.0001"))),
            "note_zh": "仅含已授权共享账户数据的供应商；未授权或缺数据者不估算（不使用行业平均或支出因子）。方法为平台选择。",
            "note_en": "Only suppliers that shared their account are counted; others are not estimated (no industry "
                       "averages or spend factors). The method is the platform's choice."}


def _estimate(session: Session, supplier_account_id: int, row: AccountSupplier, label: str) -> dict:
    period = session.scalar(select(AccountPeriod).where(AccountPeriod.account_id == supplier_account_id,
                                                        AccountPeriod.label == label))
    if period is None or period.computed_at is None or period.total_tco2e is None:
        return {"status": "no_data", "reason_zh": f"供应商 {label} 年未核算排放", "reason_en": f"no inventory for {label}"}
    total = Decimal(period.total_tco2e)
    if (row.purchased_quantity is not None and period.product_quantity and Decimal(period.product_quantity) > 0
            and row.purchased_unit == period.product_unit):
        per_unit = total / Decimal(period.product_quantity)
        return {"status": "from_supplier_account", "method": "supplier_product_intensity",
                "supplier_intensity": service._plain(per_unit), "supplier_intensity_unit": f"tCO2e/{period.product_unit}",
                "emissions_tco2e": service._plain(per_unit * Decimal(row.purchased_quantity)),
                "reason_zh": "采购量 × 供应商单位产品排放（全厂排放按其报告产量分摊，非产品碳足迹）",
                "reason_en": "quantity × supplier emissions per unit of product (whole site over its reported "
                             "output; not a product footprint)"}
    if period.output_value_cny and Decimal(period.output_value_cny) > 0:
        per_10k = total / (Decimal(period.output_value_cny) / TEN_THOUSAND)
        return {"status": "from_supplier_account", "method": "supplier_output_intensity",
                "supplier_intensity": service._plain(per_10k), "supplier_intensity_unit": "tCO2e/万元",
                "emissions_tco2e": service._plain(per_10k * Decimal(row.purchased_value_cny) / TEN_THOUSAND),
                "reason_zh": "采购金额（万元）× 供应商单位产值排放", "reason_en": "purchased value × supplier intensity"}
    return {"status": "no_data", "reason_zh": f"供应商 {label} 年缺少产值和产量", "reason_en": "no output value or product"}
