"""Rows of a loan-level report for the test world (bank A lends to the demo PV enterprise)."""

from __future__ import annotations

from typing import Any


def loan_row(world, n: int = 1, **over: Any) -> dict[str, Any]:
    row = {
        "loan_id": f"A-{n:05d}", "borrower_uscc": world.ent_uscc, "borrower_name": "重庆示例光伏有限公司",
        "enterprise_size": "中型", "industry_code": "4416", "district_code": "500112",
        "amount_cny": "10000000.00", "balance_cny": "8000000.00", "rate_pct": "3.10",
        "approved_on": "2024-03-05", "disbursed_on": "2024-03-10", "matures_on": "2029-03-10",
        "green": "是", "transition": "否", "catalogue_code": "1.1.1", "carbon_reduction_tool": "否",
        "co2e_reduction_t": "", "energy_saving_tce": "",
    }
    row.update(over)
    return row


def book(world, n: int, **over: Any) -> list[dict[str, Any]]:
    return [loan_row(world, i, **over) for i in range(1, n + 1)]


def csv_bytes(rows: list[dict[str, Any]], encoding: str = "utf-8", chinese_headers: bool = True,
              total: bool = True) -> bytes:
    import csv
    import io
    from decimal import Decimal

    from lvrongtong.reporting.fields import BY_NAME

    names = list(rows[0])
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow([BY_NAME[n].header_zh if chinese_headers else n for n in names])
    for r in rows:
        w.writerow([r[n] for n in names])
    if total:
        line = {n: "" for n in names}
        line["loan_id"] = "合计"
        line["amount_cny"] = str(sum(Decimal(r["amount_cny"]) for r in rows))
        line["balance_cny"] = str(sum(Decimal(r["balance_cny"]) for r in rows))
        w.writerow([line[n] for n in names])
    return out.getvalue().encode(encoding)
