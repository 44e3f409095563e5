"""Which catalogue version judges an instrument (pure).

Transition rule (《绿色金融支持项目目录(2025年版)》, effective 2025-10-01; shared domain facts §1.4,
two reposts): loans approved, and bonds registered, before 2025-10-01 keep the old standard; later
ones are judged by the 2025 catalogue.

Which "old standard": for bonds the 《绿色债券支持项目目录(2021年版)》 (银发〔2021〕96号, in force
2021-07-01). For loans the platform uses the 《绿色产业指导目录(2019年版)》, the catalogue that
green-loan statistics are classified by (facts §1.5: loans reported by the six 2019 level-1
categories) — the platform's reading, since the PBoC statistics rules are not public.
"""

from __future__ import annotations

from datetime import date

TRANSITION_DATE = date(2025, 10, 1)
OLD_STANDARD = {"loan": "2019", "bond": "2021"}
CURRENT = "2025"


def version_for(kind: str, on: date) -> str:
    """``kind`` is "loan" (``on`` = approval date) or "bond" (``on`` = registration date)."""
    if kind not in OLD_STANDARD:
        raise ValueError(f"kind must be one of {sorted(OLD_STANDARD)}, got {kind!r}")
    return OLD_STANDARD[kind] if on < TRANSITION_DATE else CURRENT


def normalise_name(name: str) -> str:
    """For matching names across versions: no spaces, full-width brackets, no trailing 业/产业 noise."""
    return name.replace(" ", "").replace("(", "（").replace(")", "）").strip()


# Catalogues the platform is meant to carry, so that the UI can say which are still missing.
KNOWN_CATALOGUES = [
    ("2025", "绿色金融支持项目目录(2025年版)", "Green finance support projects catalogue (2025)"),
    ("2024", "绿色低碳转型产业指导目录(2024年版)", "Green and low-carbon transition industry catalogue (2024)"),
    ("2021", "绿色债券支持项目目录(2021年版)", "Green bond endorsed projects catalogue (2021)"),
    ("2019", "绿色产业指导目录(2019年版)", "Green industry guidance catalogue (2019)"),
    ("cq-transition", "重庆市转型金融支持项目目录", "Chongqing transition-finance support catalogue"),
]
