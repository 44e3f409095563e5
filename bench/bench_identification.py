"""Benchmarks for the identification engine (rule layer ``rules-1`` + text model ``model-1``).

1. Throughput on one core: descriptions per second through the full engine (rules: match, score,
   exclusions; model: clause cut, n-gram TF-IDF, item centroids, decision model, calibration; decision,
   explanation), through the rule layer alone, and a trivial baseline in the same run — segmenting the
   same texts with jieba. Goal: ≥ 2,000 descriptions/s/core for the full engine.
2. The whole demo book (100,300 loans and bonds) identified by ``lvrongtong identify --book``: wall time
   and peak RSS. Goal: under a minute, under 2 GiB.

Run:  .venv/bin/python bench/bench_identification.py [--data-dir bench/out/data]
"""

from __future__ import annotations

import argparse
import logging
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


def texts(rt) -> list[tuple[str, str]]:
    from sqlalchemy import select

    from lvrongtong.registry.models import Project

    with rt.transaction() as s:
        return [(f"{p.name} {p.description_zh}", p.industry_code) for p in s.scalars(select(Project))]


def throughput(rt, sample: list[tuple[str, str]]) -> tuple[float, float, float]:
    import jieba

    from lvrongtong.identification import model as text_model
    from lvrongtong.identification.engine import Request, decide, index_for

    jieba.setLogLevel(logging.WARNING)
    with rt.transaction() as s:
        index = index_for(s, "2025")
    t = time.perf_counter()
    model = text_model.current(rt.settings.data_dir)
    print(f"model {model.version} loaded in {time.perf_counter() - t:.2f} s")
    requests = [Request(t, code, date(2025, 11, 1)) for t, code in sample]
    decide(index, requests[0], "2025", model)
    jieba.lcut(sample[0][0])
    t = time.perf_counter()
    for r in requests:
        decide(index, r, "2025", model)
    engine = len(requests) / (time.perf_counter() - t)
    t = time.perf_counter()
    for r in requests:
        decide(index, r, "2025")
    rules = len(requests) / (time.perf_counter() - t)
    t = time.perf_counter()
    for text, _ in sample:
        jieba.lcut(text, HMM=False)
    baseline = len(sample) / (time.perf_counter() - t)
    return engine, rules, baseline


def book(data_dir: Path) -> tuple[float, float, str]:
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "lvrongtong", "identify", "--book", "--data-dir", str(data_dir)],
                         check=True, capture_output=True, text=True)
    wall = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return wall, peak, " ".join(out.stdout.split())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", type=Path, default=OUT / "data")
    args = ap.parse_args()
    if not (args.data_dir / "lvrongtong.sqlite3").exists():
        subprocess.run([sys.executable, "-m", "lvrongtong", "demo", "--data-dir", str(args.data_dir)], check=True,
                       capture_output=True)
    from lvrongtong.kit.runtime import Runtime
    from lvrongtong.kit.settings import Settings

    rt = Runtime.from_settings(Settings(data_dir=args.data_dir))
    sample = texts(rt)
    engine, rules, baseline = throughput(rt, sample)
    print(f"| {len(sample):,} demo project descriptions | full engine (rules + model) | rule layer alone | "
          "jieba segmentation alone (baseline) | full / baseline |")
    print("|---|---|---|---|---|")
    print(f"| descriptions/s on one core | {engine:,.0f} | {rules:,.0f} | {baseline:,.0f} | {engine / baseline:.2f} |")
    wall, peak, summary = book(args.data_dir)
    print(f"\nWhole book: {wall:.1f} s wall, peak RSS {peak:.0f} MiB — {summary}")


if __name__ == "__main__":
    main()
