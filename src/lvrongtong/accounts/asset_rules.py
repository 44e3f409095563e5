"""Pure rules of carbon assets: which movements an asset may have, the balance replay, the checks.

No session, no settings, no clock (today is passed in). Quantities in tCO2e (one allowance = one
tCO2e, one CCER = one tCO2e), prices in CNY per tCO2e, amounts in CNY.

Direction of each movement::

    allowance (配额)                allocated (+, free or auctioned allocation), purchased (+), sold (−),
                                   surrendered (−, 清缴履约)
    ccer / certified_reduction     issued (+, 签发 to the project owner), purchased (+), sold (−),
                                   surrendered (−, used to offset a compliance obligation),
                                   retired (−, voluntary cancellation / 自愿注销)

Balance after each movement, replayed in date order (ties by entry order), must never be negative:
a sale or a surrender larger than what is held at that date is refused. These are bookkeeping rules
of the platform, not market rules: offset limits, allowance validity across compliance periods or
banking rules of a particular ETS are not checked (not sourced).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from lvrongtong.kit.errors import FieldError

ASSET_KINDS = ("allowance", "ccer", "certified_reduction")
MOVES = {
    "allowance": {"allocated": 1, "purchased": 1, "sold": -1, "surrendered": -1},
    "ccer": {"issued": 1, "purchased": 1, "sold": -1, "surrendered": -1, "retired": -1},
    "certified_reduction": {"issued": 1, "purchased": 1, "sold": -1, "surrendered": -1, "retired": -1},
}
TRADES = ("purchased", "sold")
KIND_ZH = {"allowance": "碳排放配额", "ccer": "国家核证自愿减排量（CCER）", "certified_reduction": "其他核证减排量",
           "allocated": "分配", "issued": "签发", "purchased": "买入", "sold": "卖出", "surrendered": "清缴/抵销",
           "retired": "自愿注销"}


@dataclass(frozen=True)
class Move:
    occurred_on: date
    kind: str
    quantity_tco2e: Decimal
    price_cny: Decimal | None = None
    counterparty: str = ""
    reference: str = ""
    order: int = 0  # entry order, breaks ties on the same date


def check_asset(kind: str, code: str, compliance_period: str, vintage: int | None) -> list[FieldError]:
    problems = []
    if kind not in ASSET_KINDS:
        problems.append(FieldError("kind", "asset_kind_known", f"资产类型应为 {'、'.join(ASSET_KINDS)}",
                                   f"kind must be one of {', '.join(ASSET_KINDS)}"))
    if not code.strip():
        problems.append(FieldError("code", "required", "资产代码不能为空", "code is required"))
    if kind == "allowance" and not _years(compliance_period):
        problems.append(FieldError("compliance_period", "compliance_period_format",
                                   "配额须注明履约期，形如 2023 或 2023-2024",
                                   "an allowance needs its compliance period, e.g. 2023 or 2023-2024"))
    if kind != "allowance" and vintage is not None and not 1990 <= vintage <= 2100:
        problems.append(FieldError("vintage", "vintage_year", "减排量年份应为 1990–2100",
                                   "vintage must be a year between 1990 and 2100"))
    return problems


def _years(text: str) -> tuple[int, int] | None:
    parts = (text or "").strip().split("-")
    if not 1 <= len(parts) <= 2 or not all(p.isdigit() and len(p) == 4 for p in parts):
        return None
    first, last = int(parts[0]), int(parts[-1])
    return (first, last) if 1990 <= first <= last <= 2100 else None


def check_move(asset_kind: str, move: Move, today: date) -> list[FieldError]:
    """The movement on its own: kind allowed for this asset, quantity > 0, price, counterparty, date."""
    problems = []
    allowed = MOVES.get(asset_kind, {})
    if move.kind not in allowed:
        problems.append(FieldError("kind", "move_kind_allowed",
                                   f"{KIND_ZH.get(asset_kind, asset_kind)}的交易类型应为 {'、'.join(allowed)}",
                                   f"a {asset_kind} transaction must be one of {', '.join(allowed)}"))
    if move.quantity_tco2e is None or move.quantity_tco2e <= 0:
        problems.append(FieldError("quantity_tco2e", "positive", "数量（tCO2e）须大于 0",
                                   "quantity_tco2e must be greater than 0"))
    if move.price_cny is not None and move.price_cny < 0:
        problems.append(FieldError("price_cny", "non_negative", "价格（元/tCO2e）不能为负",
                                   "price_cny must not be negative"))
    if move.kind in TRADES and move.price_cny is None:
        problems.append(FieldError("price_cny", "price_required", "买入、卖出须填写成交价格（元/tCO2e）",
                                   "a purchase or sale needs its price (CNY per tCO2e)"))
    if move.kind in TRADES and not move.counterparty.strip():
        problems.append(FieldError("counterparty", "counterparty_required", "买入、卖出须填写交易对手",
                                   "a purchase or sale needs its counterparty"))
    if move.occurred_on > today:
        problems.append(FieldError("occurred_on", "not_future", "交易日期不能晚于今天",
                                   "occurred_on must not be in the future"))
    return problems


def replay(asset_kind: str, moves: list[Move]) -> list[tuple[Move, Decimal]]:
    """Each movement with the balance after it, in date order (ties by entry order)."""
    sign = MOVES[asset_kind]
    balance, out = Decimal(0), []
    for m in sorted(moves, key=lambda m: (m.occurred_on, m.order)):
        balance += sign.get(m.kind, 0) * m.quantity_tco2e
        out.append((m, balance))
    return out


def check_balance(asset_kind: str, existing: list[Move], new: Move) -> list[FieldError]:
    """Adding ``new`` must leave every balance ≥ 0 — also the balances of later movements (a back-dated sale)."""
    for m, balance in replay(asset_kind, [*existing, new]):
        if balance < 0:
            held = balance + m.quantity_tco2e
            if m is new and new.kind == "surrendered":
                return [FieldError("quantity_tco2e", "surrender_within_holdings",
                                   f"清缴/抵销量 {new.quantity_tco2e} 超过 {new.occurred_on} 的持有量 {held}",
                                   f"surrendered {new.quantity_tco2e} exceeds the {held} held on {new.occurred_on}")]
            if m is new:
                return [FieldError("quantity_tco2e", "no_negative_balance",
                                   f"{KIND_ZH.get(new.kind, new.kind)}量 {new.quantity_tco2e} 超过 "
                                   f"{new.occurred_on} 的持有量 {held}",
                                   f"{new.kind} {new.quantity_tco2e} exceeds the {held} held on {new.occurred_on}")]
            return [FieldError("occurred_on", "no_negative_balance",
                               f"按此日期记入后，{m.occurred_on} 的{KIND_ZH.get(m.kind, m.kind)}将使余额为负",
                               f"dated so, the {m.kind} on {m.occurred_on} would leave a negative balance")]
    return []


def summary(asset_kind: str, moves: list[Move]) -> dict[str, Decimal | None]:
    """Balance, totals per movement kind, money paid and received, average purchase price (own trades only)."""
    totals = {k: Decimal(0) for k in MOVES[asset_kind]}
    paid = received = Decimal(0)
    bought = Decimal(0)
    for m in moves:
        totals[m.kind] = totals.get(m.kind, Decimal(0)) + m.quantity_tco2e
        if m.kind == "purchased" and m.price_cny is not None:
            paid += m.quantity_tco2e * m.price_cny
            bought += m.quantity_tco2e
        if m.kind == "sold" and m.price_cny is not None:
            received += m.quantity_tco2e * m.price_cny
    balance = sum((MOVES[asset_kind][k] * v for k, v in totals.items()), Decimal(0))
    return {"balance_tco2e": balance, **{f"{k}_tco2e": v for k, v in totals.items()},
            "paid_cny": paid, "received_cny": received,
            "average_purchase_price_cny": (paid / bought) if bought else None}
