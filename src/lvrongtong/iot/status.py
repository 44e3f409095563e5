"""Pure device-status rules: online / stale / offline, and anomalies (sudden jumps, flat lines).

The thresholds are the platform's own operating rules (no published standard was found); they are
named here once and documented in docs/operations.md:

* online  — the last reading is at most 3 reporting intervals old;
* stale   — older than that, up to 24 hours;
* offline — older than 24 hours, or never reported;
* anomalous (overrides online/stale) — the latest reading is more than 5× the median of the readings
  before it (with a positive median: a sudden jump), or the last 12 readings are identical and
  positive (a flat line: a stuck meter or a replayed value).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

STALE_INTERVALS = 3
OFFLINE_AFTER = timedelta(hours=24)
JUMP_FACTOR = Decimal(5)
FLAT_RUN = 12


def _median(values: list[Decimal]) -> Decimal:
    s = sorted(values)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


def anomalies(recent: list[Decimal]) -> list[dict]:
    """``recent`` oldest → newest."""
    out = []
    if len(recent) >= 5:
        med = _median(recent[:-1])
        if med > 0 and recent[-1] > JUMP_FACTOR * med:
            out.append({"code": "jump", "zh": f"读数突增：最新 {recent[-1]} 超过此前中位数 {med} 的 {JUMP_FACTOR} 倍",
                        "en": f"sudden jump: latest {recent[-1]} is more than {JUMP_FACTOR}× the median {med}"})
    tail = recent[-FLAT_RUN:]
    if len(tail) == FLAT_RUN and len(set(tail)) == 1 and tail[0] > 0:
        out.append({"code": "flat_line", "zh": f"连续 {FLAT_RUN} 个读数完全相同（{tail[0]}）：疑似表计卡滞",
                    "en": f"flat line: the last {FLAT_RUN} readings are all {tail[0]} (stuck meter?)"})
    return out


def status(last_measured_at: datetime | None, interval_seconds: int, now: datetime,
           recent: list[Decimal]) -> tuple[str, list[dict]]:
    alerts = anomalies(recent)
    if last_measured_at is None:
        return "offline", [{"code": "never", "zh": "从未上报", "en": "never reported"}]
    age = now - last_measured_at
    if age > OFFLINE_AFTER:
        return "offline", [{"code": "offline", "zh": f"已离线：最后读数 {last_measured_at.isoformat()}",
                            "en": f"offline: last reading {last_measured_at.isoformat()}"}, *alerts]
    if alerts:
        return "anomalous", alerts
    if age > timedelta(seconds=STALE_INTERVALS * interval_seconds):
        return "stale", [{"code": "stale", "zh": f"数据滞后：最后读数 {last_measured_at.isoformat()}",
                          "en": f"stale: last reading {last_measured_at.isoformat()}"}]
    return "online", []
