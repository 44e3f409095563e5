"""Benchmark: device readings through a real Mosquitto into the database, against raw bulk INSERTs.

1. Baseline: the same number of reading rows inserted with plain SQLAlchemy Core executemany
   (chunks of 2 000, one transaction) into ``iot_reading`` — the floor for any ingestion path.
2. MQTT: ``--devices`` simulated meters in ``--publishers`` separate processes publish
   ``--readings`` readings in messages of ``--per-message`` readings (QoS 1) to a broker; the
   ingester (``iot/mqtt.py``, in this process) checks, stores, commits, then acknowledges.
   Timed from the first publish until every reading is in the database (stored + quarantined).
   Zero loss is checked: readings published = stored + duplicates + quarantined. A few bad readings
   (negative values) are mixed in so that the quarantine path is exercised. Ingester RSS is read
   from /proc at start and end.

The broker: by default this script starts its own ``mosquitto`` on a free port with
``max_queued_messages 0`` (unbounded queue — Mosquitto's default of 1 000 queued QoS 1 messages per
client would drop messages whenever publishers outrun the ingester), and stops it at the end.
``--broker host:port`` uses an existing broker instead.

Run:  .venv/bin/python bench/bench_iot.py [--database-url URL] [--readings 200000]
Results are printed as Markdown; copy them into bench/RESULTS.md with the command line.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def _start_broker(workdir: Path) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    conf = workdir / "mosquitto.conf"
    conf.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
                    "max_queued_messages 0\nmax_inflight_messages 0\n")
    proc = subprocess.Popen(["mosquitto", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, port
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("mosquitto did not start")


def _setup(url: str, data_dir: Path, devices: int):
    from lvrongtong.iot import service as iot
    from lvrongtong.kit.principal import CLI
    from lvrongtong.kit.runtime import Runtime
    from lvrongtong.kit.settings import Settings
    from lvrongtong.reference.uscc import make_uscc
    from lvrongtong.registry import service as registry
    from lvrongtong.registry.schemas import EnterpriseCreate

    rt = Runtime.from_settings(Settings(data_dir=data_dir, database_url=url, secret_key="bench"))
    rt.upgrade()
    body = uuid.uuid4().hex[:8].upper().replace("O", "0").replace("I", "1").replace("S", "5").replace("V", "U") \
        .replace("Z", "2")
    uscc = make_uscc("9", "1", "500112", body)
    keys = []
    with rt.transaction() as s:
        registry.create_enterprise(s, CLI, EnterpriseCreate(uscc=uscc, name=f"基准测试企业{body}", region_code="500112",
                                                            industry_code="3011", size_class="large"))
        for i in range(devices):
            d, key = iot.register_device(s, CLI, uscc, f"B-{i:04d}", "electricity", interval_seconds=60)
            keys.append((d.id, d.identifier, key))
    return rt, keys


def _baseline(rt, device_id: int, n: int) -> float:
    from sqlalchemy import delete, insert

    from lvrongtong.iot.models import Reading

    t0 = datetime(2020, 1, 1, tzinfo=UTC)
    now = datetime.now(UTC)
    rows = [{"device_id": device_id, "measured_at": t0 + timedelta(minutes=i), "value": Decimal("1.5"),
             "received_at": now, "channel": "http"} for i in range(n)]
    start = time.perf_counter()
    with rt.transaction() as s:
        for i in range(0, n, 2000):
            s.execute(insert(Reading.__table__), rows[i:i + 2000])
    seconds = time.perf_counter() - start
    with rt.transaction() as s:
        s.execute(delete(Reading.__table__).where(Reading.device_id == device_id))
    return n / seconds


def _publisher(port: int, prefix: str, devices: list, per_device: int, per_message: int, bad_every: int) -> None:
    import paho.mqtt.client as mqtt

    c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"benchpub-{uuid.uuid4().hex[:8]}",
                    protocol=mqtt.MQTTv5)
    c.max_inflight_messages_set(1000)
    c.max_queued_messages_set(0)
    c.connect("127.0.0.1", port)
    c.loop_start()
    t0 = datetime(2025, 1, 1, tzinfo=UTC)
    infos = []
    for start in range(0, per_device, per_message):
        for _id, identifier, key in devices:
            readings = [{"t": (t0 + timedelta(minutes=i)).isoformat(), "v": -1 if bad_every and i % bad_every == 0
                         else 1.25} for i in range(start, min(start + per_message, per_device))]
            infos.append(c.publish(f"{prefix}/{identifier}/readings", json.dumps({"key": key, "readings": readings}),
                                   qos=1))
    for info in infos:
        info.wait_for_publish(120)
    c.disconnect()
    c.loop_stop()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url", default=None, help="default: a fresh SQLite file in a temp dir")
    ap.add_argument("--readings", type=int, default=200_000)
    ap.add_argument("--devices", type=int, default=20)
    ap.add_argument("--publishers", type=int, default=4)
    ap.add_argument("--per-message", type=int, default=100)
    ap.add_argument("--bad-every", type=int, default=1000, help="every n-th reading is negative (quarantined)")
    ap.add_argument("--broker", default=None, help="host:port of an existing broker (default: start one)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-iot-"))
    url = args.database_url or f"sqlite:///{work / 'bench.sqlite3'}"
    rt, keys = _setup(url, work, args.devices + 1)
    baseline = _baseline(rt, keys[-1][0], args.readings)
    keys = keys[:-1]
    broker = None
    if args.broker:
        port = int(args.broker.split(":")[1])
    else:
        broker, port = _start_broker(work)
    from sqlalchemy import func, select

    from lvrongtong.iot.models import QuarantinedReading, Reading
    from lvrongtong.iot.mqtt import Ingester

    prefix = f"bench/{uuid.uuid4().hex[:8]}"
    ingester = Ingester(rt, host="127.0.0.1", port=port, prefix=prefix, client_id=f"benching-{uuid.uuid4().hex[:6]}",
                        clean_start=True, batch_size=200, flush_seconds=0.1)
    stop = threading.Event()
    runner = threading.Thread(target=ingester.run, args=(stop,), daemon=True)
    rss_start = _rss_mib()
    runner.start()
    ingester.subscribed.wait(10)
    per_device = args.readings // len(keys)
    total = per_device * len(keys)
    groups = [keys[i::args.publishers] for i in range(args.publishers)]
    start = time.perf_counter()
    procs = [mp.Process(target=_publisher, args=(port, prefix, g, per_device, args.per_message, args.bad_every))
             for g in groups if g]
    for p in procs:
        p.start()

    def landed() -> int:
        with rt.transaction() as s:
            return (s.scalar(select(func.count()).select_from(Reading)) or 0) + \
                (s.scalar(select(func.count()).select_from(QuarantinedReading)) or 0)

    deadline = time.monotonic() + 600
    while landed() < total and time.monotonic() < deadline:
        time.sleep(0.2)
    seconds = time.perf_counter() - start
    for p in procs:
        p.join(30)
    stop.set()
    runner.join(30)
    rss_end = _rss_mib()
    if broker is not None:
        broker.terminate()
        broker.wait(10)
    r = ingester.stats.result
    stored = landed()
    dialect = rt.engine.dialect.name
    print(f"\n### bench_iot — {datetime.now(UTC).date()} — {dialect}, {platform.machine()}, "
          f"{os.cpu_count()} cores\n")
    print("| path | readings | seconds | readings/s |\n|---|---|---|---|")
    print(f"| raw bulk INSERT (Core executemany, chunks of 2 000) | {args.readings:,} | "
          f"{args.readings / baseline:.2f} | {baseline:,.0f} |")
    print(f"| MQTT QoS 1 → ingester → {dialect} ({len(keys)} devices, {len(procs)} publisher processes, "
          f"{args.per_message} readings/message) | {total:,} | {seconds:.2f} | {total / seconds:,.0f} |")
    print(f"\nin {total:,} = stored {r.stored:,} + duplicates {r.duplicates:,} + quarantined "
          f"{sum(r.quarantined.values()):,} ({r.quarantined}); rows in the database {stored:,}; "
          f"loss {total - r.received:,}; messages {ingester.stats.messages:,} in {ingester.stats.batches:,} batches; "
          f"ingester process RSS {rss_start:.0f} → {rss_end:.0f} MiB")


if __name__ == "__main__":
    main()
