"""Fault test and long run of the MQTT ingester as a real process (``lvrongtong iot ingest --mqtt``).

``crash``: publishers send ``--readings`` readings with QoS 1 (each publish waits for the broker's
PUBACK, so every reading counted as sent was delivered to the broker). The ingester subprocess is
killed with SIGKILL mid-stream (after ``--kill-after`` of the readings have landed), restarted with the
same client id (persistent session: the broker keeps what it had not acknowledged and what arrived
meanwhile), and the script checks that every reading is in the database exactly once:
sent = stored + quarantined, no (device, time) stored twice, no quarantined reading recorded twice,
and the stored set is exactly the set of good readings sent.

``soak``: one publisher at ``--rate`` readings/s for ``--minutes``; the ingester subprocess's RSS
(/proc/<pid>/status VmRSS) is sampled every minute; zero loss checked at the end.

The broker: a ``mosquitto`` started by this script on a free port (``max_queued_messages 0``) unless
``--broker host:port`` is given. The database: a fresh SQLite file unless ``--database-url``.

Run:  .venv/bin/python bench/crash_iot.py crash [--readings 100000]
      .venv/bin/python bench/crash_iot.py soak --minutes 10 [--rate 1000]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_iot import _publisher, _setup, _start_broker  # noqa: E402


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _ingester(work: Path, url: str, port: int, prefix: str, client_id: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LVRONGTONG_")}
    log = open(work / "ingester.log", "ab")  # noqa: SIM115 - the child keeps it
    proc = subprocess.Popen([sys.executable, "-m", "lvrongtong", "iot", "ingest", "--mqtt", "--host", "127.0.0.1",
                             "--port", str(port), "--prefix", prefix, "--client-id", client_id,
                             "--data-dir", str(work), "--database-url", url], env=env, stdout=log, stderr=log)
    return proc


def _counts(rt) -> dict[str, int]:
    from sqlalchemy import String, cast, func, select

    from lvrongtong.iot.models import QuarantinedReading, Reading

    with rt.transaction() as s:
        stored = s.scalar(select(func.count()).select_from(Reading)) or 0
        quarantined = s.scalar(select(func.count()).select_from(QuarantinedReading)) or 0
        dup_stored = s.scalar(select(func.count()).select_from(
            select(Reading.device_id, Reading.measured_at).group_by(Reading.device_id, Reading.measured_at)
            .having(func.count() > 1).subquery())) or 0
        q = QuarantinedReading
        q_cols = [q.device_identifier, q.reason, cast(q.payload, String)]  # a reading = its device + payload
        dup_quarantined = s.scalar(select(func.count()).select_from(
            select(*q_cols).group_by(*q_cols).having(func.count() > 1).subquery())) or 0
    return {"stored": stored, "quarantined": quarantined, "landed": stored + quarantined,
            "stored_twice": dup_stored, "quarantined_twice": dup_quarantined}


def _wait(rt, total: int, seconds: float) -> dict[str, int]:
    deadline = time.monotonic() + seconds
    c = _counts(rt)
    while c["landed"] < total and time.monotonic() < deadline:
        time.sleep(0.5)
        c = _counts(rt)
    time.sleep(2)  # anything still arriving would be a duplicate: let it show
    return _counts(rt)


def _expected_good(keys, per_device: int, bad_every: int) -> int:
    return sum(1 for _ in keys for i in range(per_device) if not (bad_every and i % bad_every == 0))


def crash(args) -> None:
    work = Path(tempfile.mkdtemp(prefix="crash-iot-"))
    url = args.database_url or f"sqlite:///{work / 'crash.sqlite3'}"
    rt, keys = _setup(url, work, args.devices)
    broker, port = (None, int(args.broker.split(":")[1])) if args.broker else _start_broker(work)
    prefix, client_id = f"crash/{uuid.uuid4().hex[:8]}", f"crash-ingester-{uuid.uuid4().hex[:6]}"
    proc = _ingester(work, url, port, prefix, client_id)
    time.sleep(3)  # connect and subscribe (persistent session from the first connect on)
    per_device = args.readings // len(keys)
    total = per_device * len(keys)
    groups = [keys[i::args.publishers] for i in range(args.publishers)]
    pubs = [mp.Process(target=_publisher, args=(port, prefix, g, per_device, args.per_message, args.bad_every))
            for g in groups if g]
    start = time.perf_counter()
    for p in pubs:
        p.start()
    while _counts(rt)["landed"] < total * args.kill_after:
        time.sleep(0.05)
    at_kill = _counts(rt)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    down_for = args.down_seconds
    time.sleep(down_for)  # publishers go on: the broker queues for the dead session
    proc = _ingester(work, url, port, prefix, client_id)
    for p in pubs:
        p.join(300)
    sent_ok = all(p.exitcode == 0 for p in pubs)
    final = _wait(rt, total, 300)
    seconds = time.perf_counter() - start
    proc.send_signal(signal.SIGTERM)
    proc.wait(30)
    if broker is not None:
        broker.terminate()
        broker.wait(10)
    good = _expected_good(keys, per_device, args.bad_every)
    ok = (final["landed"] == total and final["stored"] == good and not final["stored_twice"]
          and not final["quarantined_twice"] and sent_ok)
    print(f"\n### crash_iot crash — {datetime.now(UTC).date()} — {rt.engine.dialect.name}, {platform.machine()}, "
          f"{os.cpu_count()} cores\n")
    print(f"sent (PUBACK from the broker) {total:,} readings from {len(keys)} devices in {len(pubs)} processes; "
          f"ingester killed with SIGKILL at {at_kill['landed']:,} landed, down {down_for:.0f} s, restarted with the "
          f"same client id; {seconds:.1f} s in all.\n")
    print(f"| check | value |\n|---|---|\n| sent | {total:,} |\n| stored | {final['stored']:,} (good readings sent: "
          f"{good:,}) |\n| quarantined | {final['quarantined']:,} |\n| sent − (stored + quarantined) | "
          f"{total - final['landed']:,} |\n| (device, time) stored twice | {final['stored_twice']} |\n"
          f"| quarantined reading recorded twice | {final['quarantined_twice']} |\n| result | "
          f"{'PASS' if ok else 'FAIL'} |")
    if not ok:
        sys.exit(1)


def _steady_publisher(port: int, prefix: str, devices: list, rate: int, seconds: float, per_message: int) -> None:
    import json

    import paho.mqtt.client as mqtt

    c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"soakpub-{uuid.uuid4().hex[:8]}",
                    protocol=mqtt.MQTTv5)
    c.max_inflight_messages_set(1000)
    c.max_queued_messages_set(0)
    c.connect("127.0.0.1", port)
    c.loop_start()
    t0, sent, tick = datetime(2025, 1, 1, tzinfo=UTC), 0, 0
    per_tick = max(per_message, rate // 2)  # two ticks a second
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        infos = []
        for k in range(0, per_tick, per_message):
            _id, identifier, key = devices[(tick + k // per_message) % len(devices)]
            readings = [{"t": (t0 + timedelta(seconds=sent + i)).isoformat(), "v": 1.25} for i in range(per_message)]
            sent += per_message
            infos.append(c.publish(f"{prefix}/{identifier}/readings", json.dumps({"key": key, "readings": readings}),
                                   qos=1))
        for info in infos:
            info.wait_for_publish(60)
        tick += 1
        time.sleep(max(0.0, start + tick * 0.5 - time.monotonic()))
    c.disconnect()
    c.loop_stop()
    Path(os.environ["SOAK_SENT_FILE"]).write_text(str(sent))


def soak(args) -> None:
    work = Path(tempfile.mkdtemp(prefix="soak-iot-"))
    url = args.database_url or f"sqlite:///{work / 'soak.sqlite3'}"
    rt, keys = _setup(url, work, args.devices)
    broker, port = (None, int(args.broker.split(":")[1])) if args.broker else _start_broker(work)
    prefix, client_id = f"soak/{uuid.uuid4().hex[:8]}", f"soak-ingester-{uuid.uuid4().hex[:6]}"
    proc = _ingester(work, url, port, prefix, client_id)
    time.sleep(3)
    samples = [(0, _rss_mib(proc.pid))]
    os.environ["SOAK_SENT_FILE"] = str(work / "sent.txt")
    pub = mp.Process(target=_steady_publisher, args=(port, prefix, keys, args.rate, args.minutes * 60,
                                                     args.per_message))
    start = time.monotonic()
    pub.start()
    while pub.is_alive():
        pub.join(60)
        samples.append((round((time.monotonic() - start) / 60, 1), _rss_mib(proc.pid)))
    sent = int((work / "sent.txt").read_text())
    final = _wait(rt, sent, 300)
    samples.append((round((time.monotonic() - start) / 60, 1), _rss_mib(proc.pid)))
    proc.send_signal(signal.SIGTERM)
    proc.wait(30)
    if broker is not None:
        broker.terminate()
        broker.wait(10)
    print(f"\n### crash_iot soak — {datetime.now(UTC).date()} — {rt.engine.dialect.name}, {platform.machine()}, "
          f"{os.cpu_count()} cores\n")
    print(f"{args.minutes} min at {args.rate:,} readings/s target ({len(keys)} devices, {args.per_message} "
          f"readings/message): sent {sent:,}, stored {final['stored']:,}, quarantined {final['quarantined']:,}, "
          f"loss {sent - final['landed']:,}, stored twice {final['stored_twice']}.\n")
    print("ingester RSS (MiB) by minute: " + ", ".join(f"{m}: {r:.0f}" for m, r in samples))
    print(f"\nRSS start {samples[0][1]:.0f} MiB → end {samples[-1][1]:.0f} MiB")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["crash", "soak"])
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--broker", default=None, help="host:port of an existing broker (default: start one)")
    ap.add_argument("--devices", type=int, default=10)
    ap.add_argument("--publishers", type=int, default=2)
    ap.add_argument("--per-message", type=int, default=50)
    ap.add_argument("--readings", type=int, default=100_000)
    ap.add_argument("--bad-every", type=int, default=500)
    ap.add_argument("--kill-after", type=float, default=0.3, help="kill when this share has landed")
    ap.add_argument("--down-seconds", type=float, default=3.0)
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--rate", type=int, default=1000)
    args = ap.parse_args()
    crash(args) if args.mode == "crash" else soak(args)


if __name__ == "__main__":
    main()
