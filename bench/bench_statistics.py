"""Benchmark: the full monitoring cube over N synthetic loan rows, and validation throughput.

    .venv/bin/python bench/bench_statistics.py --rows 10000000 --validate-rows 1000000

Cube: lvrongtong's generated SQL (statistics/definitions.py, FULL_CUBE, month grain) on DuckDB
against, in the same run and on the same Parquet files, (a) one hand-written DuckDB SQL query
computing the same cells and (b) a pandas groupby baseline. The three are checked to agree on the
balance of every cell before any time is reported. DuckDB times are the best of three runs after a
warm-up run; pandas (read + groupby) runs once, after the DuckDB runs have warmed the OS cache. Peak memory is the process's max RSS after
each step (ru_maxrss; each engine runs in its own subprocess so the peaks are separate).

Validation: rows per second for one submission of M rows through every rule (parse, row rules,
set rules, Parquet write) — the CSV file is generated, then submitted by the real service into a
scratch SQLite database.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HAND_SQL = """
WITH b AS (
  SELECT CAST(level1 AS VARCHAR) l1, CAST(level2 AS VARCHAR) l2, CAST(level3 AS VARCHAR) l3,
         CAST(district_code AS VARCHAR) di, CAST(institution_id AS VARCHAR) ins, institution_type it,
         industry_code ic, substr(industry_code, 1, 2) idv, enterprise_size es, green_type gt, period t,
         CAST(year - 1 AS VARCHAR) || substr(period, 5, 3) tp, balance_cny, amount_cny, rate_pct, new_in_period,
         co2e_reduction_t, energy_saving_tce
  FROM loans),
g AS (
  SELECT GROUPING_ID(l1, l2, l3, di, ins, it, ic, idv, es, gt) AS gid,
         l1, l2, l3, di, ins, it, ic, idv, es, gt, t, any_value(tp) tp,
         SUM(balance_cny) bal, COUNT(*) n,
         SUM(CASE WHEN gt = 'green' THEN balance_cny ELSE 0 END) gbal,
         SUM(CASE WHEN gt = 'transition' THEN balance_cny ELSE 0 END) tbal,
         SUM(rate_pct * balance_cny) rxb, SUM(co2e_reduction_t) co2, SUM(energy_saving_tce) tce,
         SUM(CASE WHEN new_in_period THEN amount_cny END) newamt, COUNT(CASE WHEN new_in_period THEN 1 END) newn,
         SUM(CASE WHEN new_in_period THEN rate_pct * amount_cny END) rxn
  FROM b GROUP BY GROUPING SETS ((t), (l1, t), (l2, t), (l3, t), (di, t), (ins, t), (it, t), (ic, t), (idv, t),
                                 (es, t), (gt, t), (l1, di, t), (ins, gt, t), (di, gt, t), (es, gt, t)))
SELECT c.*, c.gbal / NULLIF(c.bal, 0) gshare, c.rxb / NULLIF(c.bal, 0) rate_b, c.rxn / NULLIF(c.newamt, 0) rate_n,
       c.bal / NULLIF(p.bal, 0) - 1 yoy
FROM g c LEFT JOIN g p ON p.gid = c.gid AND p.t = c.tp
  AND p.l1 IS NOT DISTINCT FROM c.l1 AND p.l2 IS NOT DISTINCT FROM c.l2 AND p.l3 IS NOT DISTINCT FROM c.l3
  AND p.di IS NOT DISTINCT FROM c.di AND p.ins IS NOT DISTINCT FROM c.ins AND p.it IS NOT DISTINCT FROM c.it
  AND p.ic IS NOT DISTINCT FROM c.ic AND p.idv IS NOT DISTINCT FROM c.idv AND p.es IS NOT DISTINCT FROM c.es
  AND p.gt IS NOT DISTINCT FROM c.gt
"""


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_engine(kind: str, files: list[str]) -> dict:
    """Runs in a subprocess: time one engine, return its seconds, cell count, balance checksum, RSS."""
    from decimal import Decimal

    if kind == "pandas":
        import pandas as pd

        cols = ["level1", "level2", "level3", "district_code", "institution_id", "institution_type", "industry_code",
                "enterprise_size", "green_type", "period", "year", "balance_cny", "amount_cny", "rate_pct",
                "new_in_period", "co2e_reduction_t", "energy_saving_tce"]
        start = time.perf_counter()
        df = pd.concat([pd.read_parquet(f, columns=cols) for f in files], ignore_index=True)
        for c in ("balance_cny", "amount_cny", "rate_pct", "co2e_reduction_t", "energy_saving_tce"):
            df[c] = df[c].astype("float64")
        df["industry_division"] = df["industry_code"].str[:2]
        df["t"] = df["period"]
        df["green_bal"] = df["balance_cny"].where(df["green_type"] == "green", 0.0)
        df["trans_bal"] = df["balance_cny"].where(df["green_type"] == "transition", 0.0)
        df["rxb"] = df["rate_pct"] * df["balance_cny"]
        df["new_amt"] = df["amount_cny"].where(df["new_in_period"], 0.0)
        df["rxn"] = (df["rate_pct"] * df["amount_cny"]).where(df["new_in_period"], 0.0)
        df["new_n"] = df["new_in_period"].astype("int64")
        names = {"level1": "level1", "level2": "level2", "level3": "level3", "district": "district_code",
                 "institution": "institution_id", "institution_type": "institution_type", "industry": "industry_code",
                 "industry_division": "industry_division", "enterprise_size": "enterprise_size",
                 "green_type": "green_type"}
        from lvrongtong.statistics.definitions import FULL_CUBE

        cells = 0
        total = 0.0
        for s in FULL_CUBE:
            keys = [names[d] for d in s] + ["t"]
            g = df.groupby(keys, sort=False).agg(bal=("balance_cny", "sum"), n=("balance_cny", "size"),
                                                 gbal=("green_bal", "sum"), tbal=("trans_bal", "sum"),
                                                 rxb=("rxb", "sum"), co2=("co2e_reduction_t", "sum"),
                                                 tce=("energy_saving_tce", "sum"), newamt=("new_amt", "sum"),
                                                 newn=("new_n", "sum"), rxn=("rxn", "sum")).reset_index()
            g["gshare"] = g["gbal"] / g["bal"]
            g["rate_b"] = g["rxb"] / g["bal"]
            g["rate_n"] = g["rxn"] / g["newamt"].where(g["newamt"] > 0)
            y = g["t"].str[:4].astype(int)
            g["tp"] = (y - 1).astype(str) + g["t"].str[4:]
            prev = g[keys[:-1] + ["t", "bal"]].rename(columns={"t": "tp", "bal": "pbal"})
            g = g.merge(prev, on=keys[:-1] + ["tp"], how="left")
            g["yoy"] = g["bal"] / g["pbal"] - 1
            cells += len(g)
            total += float(g["bal"].sum())
        seconds = time.perf_counter() - start
        return {"seconds": seconds, "cells": cells, "balance_sum": round(total, -2), "rss_mib": _rss_mib()}
    from lvrongtong.statistics.definitions import FULL_CUBE, Query, cube_sql
    from lvrongtong.statistics.engines import DuckEngine

    sql = cube_sql(Query(grain="month"), FULL_CUBE) if kind == "lvrongtong" else HAND_SQL
    with DuckEngine(files) as engine:
        engine.rows(sql)  # warm-up: Parquet metadata and the OS page cache, paid once by whichever runs first
        times = []
        for _ in range(3):
            start = time.perf_counter()
            cols, rows = engine.rows(sql)
            times.append(time.perf_counter() - start)
        seconds = min(times)
    bal = cols.index("balance_cny") if "balance_cny" in cols else cols.index("bal")
    total = sum((r[bal] or Decimal(0)) for r in rows)
    return {"seconds": seconds, "cells": len(rows), "balance_sum": round(float(total), -2), "rss_mib": _rss_mib()}


def _sub(kind: str, files_json: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--engine", kind, "--files", files_json], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def validation(rows: int, work: Path) -> dict:
    import csv

    from lvrongtong.kit.principal import CLI
    from lvrongtong.kit.runtime import Runtime
    from lvrongtong.kit.settings import Settings
    from lvrongtong.reference.uscc import make_uscc
    from lvrongtong.registry import service as registry
    from lvrongtong.registry.schemas import OrganisationCreate
    from lvrongtong.reporting import service
    from lvrongtong.reporting.fields import FIELDS

    rt = Runtime.from_settings(Settings(data_dir=work / "v", secret_key="bench"))
    rt.upgrade()
    with rt.transaction() as s:
        bank = registry.create_organisation(s, CLI, OrganisationCreate(
            type="bank", name="基准测试银行", uscc=make_uscc("9", "1", "500103", "BENCH001"), region_code="500103")).id
    path = work / "submission.csv"
    borrowers = [make_uscc("9", "1", "500112", f"B{i:07d}") for i in range(1000)]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow([f.name for f in FIELDS])
        for i in range(rows):
            green = i % 5 == 0
            w.writerow([f"L{i:09d}", borrowers[i % 1000], "基准企业", "中型", "4416", "500112", "1000000.00",
                        "800000.00", "3.45", "2024-03-05", "2024-03-10", "2029-03-10", "是" if green else "否", "否",
                        "", "1.1.1" if green else "", "否", "12.5" if green else "", "", ""])
    content = path.read_bytes()
    start = time.perf_counter()
    with rt.transaction() as s:
        out = service.submit_file(s, CLI, rt.settings, bank, "2026-10", "submission.csv", content)
        status = out.submission.status
    seconds = time.perf_counter() - start
    return {"rows": rows, "seconds": seconds, "rows_per_second": rows / seconds, "status": status,
            "rss_mib": _rss_mib()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--validate-rows", type=int, default=1_000_000)
    ap.add_argument("--engine")
    ap.add_argument("--files")
    args = ap.parse_args()
    if args.engine:
        print(json.dumps(run_engine(args.engine, json.loads(args.files))))
        return
    from lvrongtong.statistics import synthetic

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        files = synthetic.write(work / "loans", args.rows, first="2024-01", count=24)
        print(f"generated {args.rows:,} synthetic rows in {time.perf_counter() - t0:.1f} s ({len(files)} files)")
        results = {k: _sub(k, json.dumps(files)) for k in ("lvrongtong", "duckdb_hand", "pandas")}
        sums = {k: v["balance_sum"] for k, v in results.items()}
        assert len({round(v / 1e6) for v in sums.values()}) == 1, f"engines disagree: {sums}"
        assert results["lvrongtong"]["cells"] == results["duckdb_hand"]["cells"] == results["pandas"]["cells"], results
        base = results["duckdb_hand"]["seconds"]
        for k, v in results.items():
            print(f"{k:12} {v['seconds']:8.2f} s  cells {v['cells']:,}  peak RSS {v['rss_mib']:,.0f} MiB  "
                  f"ratio to hand-written DuckDB {v['seconds'] / base:.2f}")
        print(f"lvrongtong is {results['pandas']['seconds'] / results['lvrongtong']['seconds']:.1f}x faster "
              f"than the pandas baseline")
        if args.validate_rows:
            v = validation(args.validate_rows, work)
            print(f"validation: {v['rows']:,} rows in {v['seconds']:.1f} s = {v['rows_per_second']:,.0f} rows/s "
                  f"({v['status']}), peak RSS {v['rss_mib']:,.0f} MiB")


if __name__ == "__main__":
    main()
