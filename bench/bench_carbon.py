"""Benchmarks for the carbon engine (issue: carbon and environmental-benefit engine).

1. Financed emissions for 1,000,000 positions with the vectorised engine (``carbon/portfolio.py``:
   EVIC or equity + debt, negative equity → 0, attribution ≤ 1, missing data counted, weighted data
   quality) against the plain NumPy formula Σ balance ÷ (equity + debt) × emissions in the same run.
   Goal: within 2× of the baseline; peak memory (tracemalloc) recorded. Measured on clean data (the
   engine's fast path) and with 5 % of positions missing their data (the masked path).
2. Benefits of the 100k-loan demo book end to end (``carbon/benefits.py``: every project with inputs
   computed with its trace, every financing instrument's share registered as a claim), against
   reading the same instrument rows with one SQL query in the same run (the floor).

Run:  .venv/bin/python bench/bench_carbon.py [--positions 1000000] [--repeat 9]
Results are printed as Markdown; copy them into bench/RESULTS.md with the command line.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


def _book(n: int, missing: float, seed: int = 7):
    from lvrongtong.carbon.portfolio import Book

    rng = np.random.default_rng(seed)
    equity, debt = rng.uniform(1e7, 5e9, n), rng.uniform(1e7, 5e9, n)
    balance = np.minimum(rng.uniform(1e5, 5e7, n), (equity + debt) * 0.5)
    emissions = rng.uniform(100, 1e6, n)
    score = rng.integers(1, 6, n).astype(np.float64)
    if missing:
        emissions[rng.random(n) < missing] = np.nan
    return Book(balance, emissions, equity, debt, np.full(n, np.nan), np.zeros(n, bool), score)


def _timed(fn, repeat: int) -> tuple[float, float]:
    """Median seconds of ``repeat`` runs after one warm-up, and peak traced memory of one run (MiB)."""
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return statistics.median(times), peak


def bench_financed(n: int, repeat: int) -> list[str]:
    from lvrongtong.carbon.portfolio import financed_emissions, plain_numpy

    lines = ["| data | engine ms | baseline ms | ratio | engine peak MiB | baseline peak MiB |", "|---|---|---|---|---|---|"]
    for label, missing in (("clean", 0.0), ("5 % missing", 0.05)):
        book = _book(n, missing)
        clean_emissions = np.nan_to_num(book.emissions)
        engine, engine_mem = _timed(lambda b=book: financed_emissions(b), repeat)
        base, base_mem = _timed(lambda b=book, e=clean_emissions: plain_numpy(b.balance, b.equity, b.debt, e), repeat)
        lines.append(f"| {label} | {engine * 1000:.2f} | {base * 1000:.2f} | **{engine / base:.2f}** | "
                     f"{engine_mem:.1f} | {base_mem:.1f} |")
    return lines


def bench_benefits(data_dir: Path) -> list[str]:
    from sqlalchemy import select

    from lvrongtong.carbon.benefits import compute_book
    from lvrongtong.kit.principal import SYSTEM
    from lvrongtong.kit.runtime import Runtime
    from lvrongtong.kit.settings import Settings
    from lvrongtong.registry.models import Instrument, Project

    if not (data_dir / "lvrongtong.sqlite3").exists():
        shutil.rmtree(data_dir, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "lvrongtong", "demo", "--data-dir", str(data_dir)], check=True,
                       capture_output=True)
    rt = Runtime.from_settings(Settings(data_dir=data_dir))

    def engine():
        with rt.transaction() as s:
            return compute_book(s, SYSTEM, 2024)

    def floor():
        with rt.transaction() as s:
            list(s.scalars(select(Project)))
            return s.execute(select(Instrument.id, Instrument.project_id, Instrument.balance_cny,
                                    Instrument.holder_org_id).where(Instrument.project_id.is_not(None))).all()

    report = engine()
    t_engine, m_engine = _timed(engine, 3)
    t_floor, m_floor = _timed(floor, 3)
    return ["| | s | peak MiB |", "|---|---|---|",
            f"| benefits of the book (projects {report.projects_with_inputs} with inputs, instruments "
            f"{report.instruments}: {report.accepted} accepted, {report.flagged} flagged) | {t_engine:.3f} | {m_engine:.1f} |",
            f"| read the same rows (baseline) | {t_floor:.3f} | {m_floor:.1f} |",
            f"| ratio | **{t_engine / t_floor:.2f}** | |"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--positions", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=9)
    ap.add_argument("--data-dir", type=Path, default=OUT / "data")
    args = ap.parse_args()
    print(f"Python {platform.python_version()}, NumPy {np.__version__}, {platform.machine()}")
    print(f"\n### Financed emissions, {args.positions:,} positions (median of {args.repeat})\n")
    print("\n".join(bench_financed(args.positions, args.repeat)))
    print("\n### Benefits of the 100k-loan demo book (median of 3)\n")
    print("\n".join(bench_benefits(args.data_dir)))


if __name__ == "__main__":
    main()
