"""Synthetic loan-level rows in the analytical store's schema, for benchmarks and engine-parity tests.

Every value is random (labelled synthetic); nothing here is a fact about any institution. Rows
are written one Parquet file per month, columns exactly as ``reporting/store.SCHEMA``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from lvrongtong.reporting.store import SCHEMA

DISTRICTS = [f"5001{n:02d}" for n in range(1, 39)]
INDUSTRIES = ["4411", "4416", "4415", "3311", "3011", "2614", "5411", "7820", "3670", "4610", "0511", "2211"]
INST_TYPES = ["policy_bank", "large_state_owned", "joint_stock", "city_commercial", "rural_commercial"]
SIZES = ["large", "medium", "small", "micro"]
LEVEL3 = [f"{a}.{b}.{c}" for a in range(1, 7) for b in range(1, 4) for c in range(1, 4)]


def months(first: str, count: int) -> list[str]:
    y, m = (int(p) for p in first.split("-"))
    out = []
    for _ in range(count):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _dec(values: np.ndarray, t: pa.DataType) -> pa.Array:
    return pa.array(values, pa.float64()).cast(t, safe=False)


def month_table(rng: np.random.Generator, period: str, n: int, institutions: int = 30) -> pa.Table:
    year, month = (int(p) for p in period.split("-"))
    inst = rng.integers(1, institutions + 1, n)
    green_draw = rng.random(n)
    green = green_draw < 0.18
    transition = (green_draw >= 0.18) & (green_draw < 0.24)
    amount = rng.integers(100_000, 50_000_000, n).astype(np.float64)
    balance = np.round(amount * rng.uniform(0.1, 1.0, n), 2)
    rate = np.round(rng.uniform(2.2, 6.5, n), 4)
    new = rng.random(n) < 0.04
    start = date(year, month, 1).toordinal()
    disbursed = np.where(new, start + rng.integers(0, 28, n), start - rng.integers(30, 2000, n))
    approved = disbursed - rng.integers(0, 30, n)
    matures = disbursed + rng.integers(400, 3650, n)
    epoch = date(1970, 1, 1).toordinal()
    codes = np.array(LEVEL3)[rng.integers(0, len(LEVEL3), n)]
    version = "2025" if (year, month) >= (2025, 10) else "2019"
    l3 = np.where(green, np.char.add(f"{version}:", codes), "")
    l2 = np.where(green, np.char.add(f"{version}:", np.array([c.rsplit(".", 1)[0] for c in codes])), "")
    l1 = np.where(green, np.char.add(f"{version}:", np.array([c.split(".", 1)[0] for c in codes])), "")
    co2 = np.where(green, np.round(rng.uniform(10, 5000, n), 4), np.nan)
    tce = np.where(green, np.round(rng.uniform(5, 2000, n), 4), np.nan)
    cols = {
        "loan_id": pa.array([f"S{period}-{i:08d}" for i in range(n)]),
        "borrower_uscc": pa.array(["91500000SYNTHETIC"] * n),
        "borrower_name": pa.array(["（合成数据）"] * n),
        "enterprise_size": pa.array(np.array(SIZES)[rng.integers(0, 4, n)]),
        "industry_code": pa.array(np.array(INDUSTRIES)[rng.integers(0, len(INDUSTRIES), n)]),
        "district_code": pa.array(np.array(DISTRICTS)[rng.integers(0, len(DISTRICTS), n)]),
        "amount_cny": _dec(amount, pa.decimal128(20, 2)),
        "balance_cny": _dec(balance, pa.decimal128(20, 2)),
        "rate_pct": _dec(rate, pa.decimal128(8, 4)),
        "approved_on": pa.array(approved - epoch, pa.int32()).cast(pa.date32()),
        "disbursed_on": pa.array(disbursed - epoch, pa.int32()).cast(pa.date32()),
        "matures_on": pa.array(matures - epoch, pa.int32()).cast(pa.date32()),
        "green": pa.array(green), "transition": pa.array(transition),
        "catalogue_version": pa.array(np.where(green, version, "")),
        "catalogue_code": pa.array(np.where(green, codes, "")),
        "carbon_reduction_tool": pa.array(green & (rng.random(n) < 0.1)),
        "co2e_reduction_t": pa.array(co2, pa.float64(), from_pandas=True).cast(pa.decimal128(20, 4), safe=False),
        "energy_saving_tce": pa.array(tce, pa.float64(), from_pandas=True).cast(pa.decimal128(20, 4), safe=False),
        "reporting_institution_uscc": pa.array([""] * n),
        "institution_id": pa.array(inst, pa.int32()),
        "institution_type": pa.array(np.array(INST_TYPES)[(inst - 1) % len(INST_TYPES)]),
        "period": pa.array([period] * n), "year": pa.array(np.full(n, year), pa.int16()),
        "quarter": pa.array(np.full(n, (month - 1) // 3 + 1), pa.int8()),
        "month": pa.array(np.full(n, month), pa.int8()), "new_in_period": pa.array(new),
        "green_type": pa.array(np.where(green, "green", np.where(transition, "transition", "other"))),
        "catalogue_applied": pa.array(np.where(green, version, "")),
        "level1": pa.array(l1), "level2": pa.array(l2), "level3": pa.array(l3),
        "receipt": pa.array([f"synthetic-{period}"] * n),
    }
    return pa.table(cols, schema=SCHEMA)


def write(root: Path, rows: int, first: str = "2024-01", count: int = 24, seed: int = 7) -> list[str]:
    """Write ``rows`` synthetic rows spread evenly over ``count`` months; return the file paths."""
    rng = np.random.default_rng(seed)
    root.mkdir(parents=True, exist_ok=True)
    files = []
    per = rows // count
    for i, period in enumerate(months(first, count)):
        n = per + (1 if i < rows - per * count else 0)
        path = root / f"synthetic-{period}.parquet"
        pq.write_table(month_table(rng, period, n), path, compression="zstd")
        files.append(str(path))
    return files
