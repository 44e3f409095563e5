"""Synthetic demo carbon accounts and simulated meters for ``lvrongtong demo``.

Everything here is made up (seeded) so that the account pages, ratings and device alerts have
something to show: NOT statistics. Accounts are flagged ``synthetic`` and every page says so.

* ~40 accounts: up to 10 medium/large enterprises in each of the four GB/T 4754 classes with the most
  demo firms in energy-heavy divisions, plus the demo enterprise login's own enterprise;
* 2023–2025: monthly electricity bills, a yearly natural-gas figure for half of them, output value,
  value added, tax and product output chosen so that intensities spread around a made-up division norm;
* three simulated electricity meters (hourly readings for 2025 and the last two days): one healthy,
  one with a flat line, one with a sudden jump; their 2025 readings are rolled up into the accounts
  instead of bills.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import insert
from sqlalchemy.orm import Session

from lvrongtong.accounts import service
from lvrongtong.accounts.models import AccountPeriod, ActivityRecord, CarbonAccount
from lvrongtong.kit.principal import SYSTEM

YEARS = (2023, 2024, 2025)
DIVISIONS = ("30", "31", "26", "32", "44", "36", "13")
NORM_T_PER_10K = {"30": 1.6, "31": 1.3, "32": 1.0, "26": 0.7, "44": 0.5, "36": 0.15, "13": 0.2}  # made up
PER_CLASS = 10


def _pick(enterprises: list[dict], demo_uscc: str | None) -> list[dict]:
    """The demo login's class first (so its account has peers to be rated against), then the three classes
    with the most demo firms in energy-heavy divisions; larger firms first within a class."""
    by_class: dict[str, list[dict]] = {}
    for e in enterprises:
        by_class.setdefault(e["industry_code"], []).append(e)
    demo = next((e for e in enterprises if e["uscc"] == demo_uscc), None)
    heavy = [c for c in by_class if c[:2] in DIVISIONS]
    classes = sorted(heavy, key=lambda c: (-len(by_class[c]), c))[:3]
    if demo is not None:
        classes = [demo["industry_code"], *[c for c in classes if c != demo["industry_code"]][:3]]
    size_rank = {"large": 0, "medium": 1, "small": 2, "micro": 3}
    chosen = []
    for c in classes:
        firms = sorted(by_class[c], key=lambda e: (e["uscc"] != demo_uscc, size_rank[e["size_class"]], e["id"]))
        chosen += firms[:PER_CLASS]
    return chosen


def _month_range(year: int, month: int) -> tuple[date, date]:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return date(year, month, 1), nxt - timedelta(days=1)


def build(session: Session, seed: int, enterprises: list[dict], demo_uscc: str | None,
          now: datetime | None = None) -> dict[str, int]:
    rnd = random.Random(seed * 31 + 7)
    now = now or datetime.now(UTC)
    chosen = _pick(enterprises, demo_uscc)
    order = [e["uscc"] for e in chosen if e["uscc"] == demo_uscc] + [e["uscc"] for e in chosen]
    metered = set(list(dict.fromkeys(order))[:3])
    accounts = [{"enterprise_id": e["id"], "status": "active", "synthetic": True, "created_at": now} for e in chosen]
    session.execute(insert(CarbonAccount.__table__), accounts)
    ids = dict(session.execute(CarbonAccount.__table__.select().with_only_columns(
        CarbonAccount.enterprise_id, CarbonAccount.id)).all())
    activity, periods = [], []
    for e in chosen:
        account_id = ids[e["id"]]
        mwh = rnd.lognormvariate(7.0 if e["size_class"] == "large" else 5.5, 0.4)  # per month
        gas = rnd.random() < 0.5
        for year in YEARS:
            year_mwh = 0.0
            for month in range(1, 13):
                if e["uscc"] in metered and year == 2025:
                    continue  # the meter's roll-up is this year's source
                amount = mwh * rnd.uniform(0.85, 1.15) * (1.0 - 0.03 * (year - 2023))
                year_mwh += amount
                start, end = _month_range(year, month)
                activity.append({"account_id": account_id, "kind": "electricity", "carrier": "", "unit": "MWh",
                                 "quantity": Decimal(str(round(amount, 3))), "starts_on": start, "ends_on": end,
                                 "source": "bill", "source_ref": f"DEMO-{e['uscc'][-6:]}-{year}{month:02d}",
                                 "note": "合成演示数据", "created_at": now})
            if gas:
                activity.append({"account_id": account_id, "kind": "fuel", "carrier": "天然气", "unit": "万Nm3",
                                 "quantity": Decimal(str(round(mwh * rnd.uniform(0.02, 0.06), 3))),
                                 "starts_on": date(year, 1, 1), "ends_on": date(year, 12, 31), "source": "manual",
                                 "source_ref": "", "note": "合成演示数据", "created_at": now})
            tco2 = (year_mwh or mwh * 12) * 0.55  # rough, only to size the made-up output value
            intensity = NORM_T_PER_10K.get(e["division"], 0.3) * rnd.lognormvariate(0, 0.45)
            output = Decimal(str(round(tco2 / intensity * 10_000, -3)))
            periods.append({"account_id": account_id, "label": str(year), "kind": "year",
                            "starts_on": date(year, 1, 1), "ends_on": date(year, 12, 31),
                            "industry_code": e["industry_code"], "output_value_cny": output,
                            "value_added_cny": (output * Decimal(str(round(rnd.uniform(0.2, 0.35), 3)))).quantize(1),
                            "tax_cny": (output * Decimal(str(round(rnd.uniform(0.03, 0.08), 3)))).quantize(1),
                            "product_quantity": Decimal(str(round(float(output) / rnd.uniform(800, 3000), 1))),
                            "product_unit": "t", "inventory": {}, "updated_at": now})
    session.execute(insert(ActivityRecord.__table__), activity)
    session.execute(insert(AccountPeriod.__table__), periods)
    readings = _devices(session, rnd, [e for e in chosen if e["uscc"] in metered], now)
    for e in chosen:
        for year in YEARS:
            service.compute_period(session, SYSTEM, e["uscc"], str(year), with_months=year == YEARS[-1], audit=False)
    extras = _assets_and_suppliers(session, rnd, chosen, demo_uscc)
    return {**extras, "carbon_accounts": len(chosen), "account_activity": len(activity), "devices": len(metered),
            "device_readings": readings}


def _devices(session: Session, rnd: random.Random, metered: list[dict], now: datetime) -> int:
    from lvrongtong.iot import service as iot
    from lvrongtong.iot.models import Reading

    total = 0
    start = datetime(2024, 12, 31, 16, tzinfo=UTC)  # 2025-01-01 00:00 China time
    hours_2025 = 365 * 24
    recent_start = (now - timedelta(hours=48)).replace(minute=0, second=0, microsecond=0)
    for n, e in enumerate(metered):
        device, _key = iot.register_device(session, SYSTEM, e["uscc"], f"EM-{n + 1:04d}", "electricity",
                                           site="总配电房", name="演示电表（模拟）", interval_seconds=3600, synthetic=True)
        base = rnd.uniform(200, 900)  # kWh per hour
        times = [start + timedelta(hours=h + 1) for h in range(hours_2025)]
        times += [t for t in (recent_start + timedelta(hours=h + 1) for h in range(48)) if t > times[-1]]
        rows = []
        for i, t in enumerate(times):
            local_hour = (t.hour + 8) % 24
            value = base * (1.0 if 8 <= local_hour < 20 else 0.45) * rnd.uniform(0.9, 1.1)
            recent = i >= hours_2025
            if n == 1 and recent and i >= len(times) - 14:
                value = 321.0  # a stuck register: flat line
            if n == 2 and i == len(times) - 1:
                value = base * 9  # a sudden jump
            rows.append({"device_id": device.id, "measured_at": t, "value": Decimal(str(round(value, 2))),
                         "received_at": t, "channel": "mqtt"})
        session.execute(insert(Reading.__table__), rows)
        device.last_measured_at = device.last_received_at = times[-1]
        total += len(rows)
        iot.rollup(session, SYSTEM, e["uscc"], date(2025, 1, 1), date(2025, 12, 31))
    session.flush()
    return total


SYNTHETIC_NOTE = "合成演示数据：数量与价格均为虚构 (synthetic: made-up quantities and prices)"


def _assets_and_suppliers(session: Session, rnd: random.Random, chosen: list[dict], demo_uscc: str | None) -> dict:
    """Synthetic carbon assets for the first three accounts (the demo login's first) and, for the demo login's
    account, four suppliers among the other demo accounts — two of them share their account (consent)."""
    from sqlalchemy import select

    from lvrongtong.accounts import assets, supply_chain
    from lvrongtong.registry.models import Organisation

    order = list(dict.fromkeys([e["uscc"] for e in chosen if e["uscc"] == demo_uscc] + [e["uscc"] for e in chosen]))
    moves = 0
    for uscc in order[:3]:
        cea = assets.add_asset(session, SYSTEM, uscc, assets.AssetIn(
            "allowance", "CEA-2023-2024", "碳排放配额（演示）", "全国碳市场（演示）", "2023-2024"), synthetic=True)
        allocated = Decimal(rnd.randrange(20_000, 80_000))
        bought, sold = (allocated * Decimal("0.1")).quantize(1), (allocated * Decimal("0.05")).quantize(1)
        ccer = assets.add_asset(session, SYSTEM, uscc, assets.AssetIn(
            "ccer", f"CCER-DEMO-{uscc[-4:]}-2024", "CCER（演示）", "CCER（演示）", vintage=2024), synthetic=True)
        for asset_id, item in (
                (cea.id, assets.TransactionIn(date(2024, 3, 1), "allocated", allocated, reference="DEMO-ALLOC")),
                (cea.id, assets.TransactionIn(date(2024, 6, 12), "purchased", bought, Decimal("90"), "演示对手方甲",
                                              "DEMO-T1", SYNTHETIC_NOTE)),
                (cea.id, assets.TransactionIn(date(2024, 11, 5), "sold", sold, Decimal("100"), "演示对手方乙",
                                              "DEMO-T2", SYNTHETIC_NOTE)),
                (cea.id, assets.TransactionIn(date(2025, 12, 20), "surrendered", allocated, reference="DEMO-S1",
                                              note=SYNTHETIC_NOTE)),
                (ccer.id, assets.TransactionIn(date(2025, 4, 2), "purchased", Decimal(2000), Decimal("80"),
                                               "演示对手方丙", "DEMO-C1", SYNTHETIC_NOTE))):
            assets.add_transaction(session, SYSTEM, uscc, asset_id, item)
            moves += 1
    suppliers = 0
    buyer_org = session.scalar(select(Organisation.id).where(Organisation.uscc == demo_uscc)) if demo_uscc else None
    if buyer_org is not None and order and order[0] == demo_uscc:
        for n, supplier in enumerate(order[3:7]):
            supply_chain.set_purchase(session, SYSTEM, demo_uscc, supply_chain.PurchaseIn(
                supplier, "2025", Decimal(rnd.randrange(2, 20) * 500_000), goods="原材料（演示）"), synthetic=True)
            if n < 2:
                service.grant_consent(session, SYSTEM, supplier, buyer_org, ["supply_chain"],
                                      date.today() + timedelta(days=365), "供应链范围三（演示）")
            suppliers += 1
    return {"carbon_asset_transactions": moves, "account_suppliers": suppliers}
