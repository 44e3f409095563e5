"""Carbon assets of an account: allowances and CCER / certified reductions, their transactions, the report.

Same access as the account (``access.py``): the enterprise manages its own; a bank reads under a live
consent whose scope includes ``assets``; the regulator sees no single enterprise's assets."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from lvrongtong.accounts import asset_rules as ar
from lvrongtong.accounts import service
from lvrongtong.accounts.models import CarbonAsset, CarbonAssetTransaction
from lvrongtong.audit.service import record as audit_record
from lvrongtong.kit.errors import Conflict, FieldError, NotFound, ValidationFailed
from lvrongtong.kit.principal import Principal


@dataclass
class AssetIn:
    kind: str
    code: str
    name: str = ""
    market: str = ""
    compliance_period: str = ""
    vintage: int | None = None
    project_ref: str = ""


@dataclass
class TransactionIn:
    occurred_on: date
    kind: str
    quantity_tco2e: Decimal
    price_cny: Decimal | None = None
    counterparty: str = ""
    reference: str = ""
    note: str = ""


def add_asset(session: Session, who: Principal, uscc: str, item: AssetIn, *, synthetic: bool = False) -> CarbonAsset:
    opened = service.for_write(session, who, uscc)
    problems = ar.check_asset(item.kind, item.code, item.compliance_period, item.vintage)
    if problems:
        raise ValidationFailed(problems)
    code = item.code.strip()
    if session.scalar(select(CarbonAsset.id).where(CarbonAsset.account_id == opened.account.id,
                                                   CarbonAsset.kind == item.kind, CarbonAsset.code == code)):
        raise Conflict("code", "asset_code_unique", f"该账户已有代码为 {code} 的{ar.KIND_ZH[item.kind]}",
                       f"this account already holds a {item.kind} with code {code}")
    asset = CarbonAsset(account_id=opened.account.id, kind=item.kind, code=code, name=item.name,
                        market=item.market, compliance_period=item.compliance_period.strip(),
                        vintage=item.vintage, project_ref=item.project_ref, synthetic=synthetic,
                        created_by=who.user_id)
    session.add(asset)
    session.flush()
    audit_record(session, who, "account.asset.add", "carbon_asset", asset.id, None, asset_dict(asset))
    return asset


def _asset(session: Session, account_id: int, asset_id: int) -> CarbonAsset:
    asset = session.get(CarbonAsset, asset_id)
    if asset is None or asset.account_id != account_id:
        raise NotFound("碳资产", "carbon asset")
    return asset


def _moves(session: Session, asset_id: int) -> list[tuple[CarbonAssetTransaction, ar.Move]]:
    rows = session.scalars(select(CarbonAssetTransaction).where(CarbonAssetTransaction.asset_id == asset_id)
                           .order_by(CarbonAssetTransaction.occurred_on, CarbonAssetTransaction.id))
    return [(r, _move(r)) for r in rows]


def _move(r: CarbonAssetTransaction) -> ar.Move:
    return ar.Move(r.occurred_on, r.kind, Decimal(r.quantity_tco2e),
                   None if r.price_cny is None else Decimal(r.price_cny), r.counterparty, r.reference, r.id)


def add_transaction(session: Session, who: Principal, uscc: str, asset_id: int,
                    item: TransactionIn) -> CarbonAssetTransaction:
    """Record a movement; every rule is checked at once and reported with its field."""
    opened = service.for_write(session, who, uscc)
    asset = _asset(session, opened.account.id, asset_id)
    existing = _moves(session, asset.id)
    new = ar.Move(item.occurred_on, item.kind, item.quantity_tco2e, item.price_cny, item.counterparty,
                  item.reference.strip(), order=1 << 62)
    problems = ar.check_move(asset.kind, new, service._today())
    if new.reference and any(m.reference == new.reference for _, m in existing):
        problems.append(FieldError("reference", "reference_unique", f"流水号/凭证号 {new.reference} 已登记",
                                   f"reference {new.reference} is already recorded for this asset"))
    if not problems:
        problems = ar.check_balance(asset.kind, [m for _, m in existing], new)
    if problems:
        raise ValidationFailed(problems)
    row = CarbonAssetTransaction(asset_id=asset.id, occurred_on=item.occurred_on, kind=item.kind,
                                 quantity_tco2e=item.quantity_tco2e, price_cny=item.price_cny,
                                 counterparty=item.counterparty.strip(), reference=new.reference, note=item.note,
                                 created_by=who.user_id)
    session.add(row)
    session.flush()
    audit_record(session, who, "account.asset.transaction", "carbon_asset_txn", row.id, None,
                 {"asset_id": asset.id, **transaction_dict(row)})
    return row


def holdings(session: Session, who: Principal, uscc: str) -> dict:
    """Every asset with its transactions (and the balance after each), totals per kind: the asset report."""
    opened, grant = service.for_read(session, who, uscc, "assets")
    assets = session.scalars(select(CarbonAsset).where(CarbonAsset.account_id == opened.account.id)
                             .order_by(CarbonAsset.kind, CarbonAsset.code)).all()
    items, by_kind = [], {}
    for a in assets:
        moves = _moves(session, a.id)
        after = {id(m): bal for m, bal in ar.replay(a.kind, [m for _, m in moves])}
        summ = {k: _plain(v) for k, v in ar.summary(a.kind, [m for _, m in moves]).items()}
        items.append({**asset_dict(a), "summary": summ,
                      "transactions": [{**transaction_dict(r), "balance_after_tco2e": _plain(after[id(m)])}
                                       for r, m in moves]})
        k = by_kind.setdefault(a.kind, {"kind": a.kind, "kind_zh": ar.KIND_ZH[a.kind], "assets": 0,
                                        "balance_tco2e": Decimal(0)})
        k["assets"] += 1
        k["balance_tco2e"] += Decimal(summ["balance_tco2e"])
    ent = opened.enterprise
    if grant.mode == "consent":
        audit_record(session, who, "account.assets.read_under_consent", "carbon_account", opened.account.id, None,
                     {"uscc": ent.uscc, "consent_id": grant.consent_for("assets")})
    return {"uscc": ent.uscc, "name": ent.name, "synthetic": opened.account.synthetic, "access": grant.mode,
            "assets": items, "by_kind": [{**v, "balance_tco2e": _plain(v["balance_tco2e"])} for v in by_kind.values()],
            "note_zh": "余额由交易流水逐笔回放得出；平台不对资产按市价估值（无可核实的价格来源），金额仅为本账户成交记录。",
            "note_en": "Balances are replayed from the transactions; the platform does not mark assets to market "
                       "(no verifiable price source): amounts are this account's own trades only."}


def _plain(v):
    return service._plain(v)


def asset_dict(a: CarbonAsset) -> dict:
    return {"id": a.id, "kind": a.kind, "kind_zh": ar.KIND_ZH.get(a.kind, a.kind), "code": a.code, "name": a.name,
            "market": a.market, "compliance_period": a.compliance_period, "vintage": a.vintage,
            "project_ref": a.project_ref, "synthetic": a.synthetic}


def transaction_dict(r: CarbonAssetTransaction) -> dict:
    return {"id": r.id, "occurred_on": r.occurred_on.isoformat(), "kind": r.kind,
            "kind_zh": ar.KIND_ZH.get(r.kind, r.kind), "quantity_tco2e": _plain(Decimal(r.quantity_tco2e)),
            "price_cny": None if r.price_cny is None else _plain(Decimal(r.price_cny)),
            "counterparty": r.counterparty, "reference": r.reference, "note": r.note}


XLSX_COLUMNS = [("code", "资产代码"), ("kind_zh", "资产类型"), ("market", "市场/登记簿"),
                ("compliance_period", "履约期"), ("vintage", "减排年份"), ("occurred_on", "日期"),
                ("move_zh", "交易类型"), ("quantity_tco2e", "数量 tCO2e"), ("price_cny", "价格 元/tCO2e"),
                ("counterparty", "交易对手"), ("reference", "流水号/凭证号"), ("balance_after_tco2e", "交易后余额 tCO2e")]


def report_xlsx(report: dict) -> bytes:
    """The asset report as a workbook: a summary sheet (one row per asset) and every transaction."""
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    head = book.add_format({"bold": True, "bg_color": "#e6f2eb"})
    summary = book.add_worksheet("资产汇总 summary")
    cols = ["资产代码", "资产类型", "履约期/年份", "余额 tCO2e", "买入支付 元", "卖出收入 元", "平均买入价 元/tCO2e"]
    summary.write_row(0, 0, cols, head)
    for i, a in enumerate(report["assets"], start=1):
        s = a["summary"]
        summary.write_row(i, 0, [a["code"], a["kind_zh"], a["compliance_period"] or (a["vintage"] or ""),
                                 _num(s["balance_tco2e"]), _num(s["paid_cny"]), _num(s["received_cny"]),
                                 _num(s["average_purchase_price_cny"])])
    note_row = len(report["assets"]) + 2
    summary.write(note_row, 0, report["note_zh"])
    if report["synthetic"]:
        summary.write(note_row + 1, 0, "演示数据（合成），非真实交易 — synthetic demo data")
    moves = book.add_worksheet("交易流水 transactions")
    moves.write_row(0, 0, [zh for _, zh in XLSX_COLUMNS], head)
    r = 1
    for a in report["assets"]:
        for t in a["transactions"]:
            row = {**a, **t, "move_zh": t["kind_zh"], "kind_zh": a["kind_zh"]}
            moves.write_row(r, 0, [_num(row[k]) if k in ("quantity_tco2e", "price_cny", "balance_after_tco2e")
                                   else (row[k] if row[k] is not None else "") for k, _ in XLSX_COLUMNS])
            r += 1
    book.close()
    return buf.getvalue()


def _num(v):
    return "" if v is None else float(v)
