"""Benchmarks for the platform foundation (issue: platform foundation).

1. Loan list vs health: requests/s and p50/p99 latency of a paginated, filtered loan list on the
   100k-loan demo, against the trivial /health endpoint of the same server in the same run.
   Goal: the list keeps >= 30 % of the health endpoint's throughput. Measured twice: with the
   answer cache on (the default; repeated identical requests are answered from it until a write
   commits) and off (every request queries the database).
2. ``lvrongtong demo``: wall time and peak RSS, against the in-memory generation of the same dataset
   (the floor: what it costs to make the rows without storing them).

Run:  .venv/bin/python bench/bench_platform.py [--seconds 10] [--connections 8] [--database-url URL]
Results are printed and appended to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
LIST_PATH = "/api/v1/loans?region_code=500112&declared_green=true&page=3&page_size=20&sort=-amount_cny"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cli(*args: str, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lvrongtong", *args], check=True, capture_output=True, env=env)


def bench_demo(data_dir: Path, extra: list[str]) -> dict:
    shutil.rmtree(data_dir, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    _cli("demo", "--data-dir", str(data_dir), *extra)
    demo_s = time.perf_counter() - t0
    demo_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    code = ("import time,resource;from lvrongtong.demo import generator as g;from lvrongtong.kit.runtime import Runtime;"
            "from lvrongtong.kit.settings import load_settings;from lvrongtong.reference.models import Region,Industry;"
            "from sqlalchemy import select;"
            f"rt=Runtime.from_settings(load_settings(data_dir={str(data_dir)!r}));s=rt.sessions();"
            "r=[(x.code,x.name_zh) for x in s.scalars(select(Region).where(Region.level=='county'))];"
            "c=[g.IndustryInfo(i.code,i.name_zh,i.code[:2]) for i in s.scalars(select(Industry).where(Industry.level=='class'))];"
            "t=time.perf_counter();d=g.generate(20240808,r,c);print(time.perf_counter()-t,"
            "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.split()
    gen_s, gen_rss = float(out[0]), int(out[1])
    return {"demo_seconds": round(demo_s, 1), "demo_peak_rss_mib": round(max(demo_rss, before) / 1024, 1),
            "generate_only_seconds": round(gen_s, 1), "generate_only_peak_rss_mib": round(gen_rss / 1024, 1),
            "time_ratio": round(demo_s / gen_s, 2), "memory_ratio": round(demo_rss / gen_rss, 2)}


def _load(port: int, path: str, headers: dict, seconds: float, connections: int) -> dict:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker():
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, bad = [], 0
        while time.perf_counter() < stop:
            t = time.perf_counter()
            conn.request("GET", path, headers=headers)
            resp = conn.getresponse()
            resp.read()
            if resp.status != 200:
                bad += 1
            mine.append(time.perf_counter() - t)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors += bad

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {"requests": len(latencies), "errors": errors, "rps": round(len(latencies) / elapsed, 1),
            "p50_ms": round(statistics.median(latencies) * 1000, 2),
            "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 2)}


def bench_list(data_dir: Path, seconds: float, connections: int, database_url: str | None,
               cache: bool = True) -> dict:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LVRONGTONG_")}
    env["LVRONGTONG_ANSWER_CACHE_SIZE"] = "1024" if cache else "0"
    args = [sys.executable, "-m", "lvrongtong", "serve", "--data-dir", str(data_dir), "--port", str(port)]
    if database_url:
        args += ["--database-url", database_url]
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/auth/token", method="POST",
                                     data=json.dumps({"username": "pbc_admin", "password": "demo-pbc-admin"}).encode(),
                                     headers={"content-type": "application/json"})
        token = json.load(urllib.request.urlopen(req))["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        _load(port, LIST_PATH, auth, 1.0, connections)  # warm-up
        health = _load(port, "/health", {}, seconds, connections)
        listing = _load(port, LIST_PATH, auth, seconds, connections)
    finally:
        proc.terminate()
        proc.wait(10)
    return {"health": health, "loan_list": listing, "throughput_ratio": round(listing["rps"] / health["rps"], 3)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--database-url", default=None, help="serve from PostgreSQL (demo must be built there)")
    parser.add_argument("--skip-demo", action="store_true", help="reuse bench/out/data")
    args = parser.parse_args()
    data_dir = OUT / "data"
    results: dict = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "python": platform.python_version(),
                     "cores": os.cpu_count()}
    if not args.skip_demo or not data_dir.exists():
        results["demo"] = bench_demo(data_dir, ["--database-url", args.database_url] if args.database_url else [])
    results["list_cache_on"] = bench_list(data_dir, args.seconds, args.connections, args.database_url, cache=True)
    results["list_cache_off"] = bench_list(data_dir, args.seconds, args.connections, args.database_url, cache=False)
    print(json.dumps(results, indent=1, ensure_ascii=False))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "last.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
