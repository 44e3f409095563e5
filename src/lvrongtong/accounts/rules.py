"""Pure rules of carbon accounts: periods, intensity indicators, the benchmark rule, ratings.

No session, no settings, no clock. Units: emissions in tCO2e, money in CNY (intensities are per
万元 = 10 000 CNY, the unit the Quzhou and Huzhou schemes use), products in the enterprise's unit.
"""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from lvrongtong.kit.errors import field_error

TEN_THOUSAND = Decimal(10_000)


# ---------------------------------------------------------------- periods

@dataclass(frozen=True)
class Period:
    label: str  # 2025 / 2025Q1 / 2025-03
    kind: str  # year / quarter / month
    starts_on: date
    ends_on: date

    @property
    def year(self) -> int:
        return self.starts_on.year


def parse_period(label: str) -> Period:
    """``2025`` (year), ``2025Q1`` (quarter) or ``2025-03`` (month) → its first and last day.

    >>> parse_period("2025Q2").ends_on
    datetime.date(2025, 6, 30)
    """
    text = (label or "").strip().upper()
    try:
        if len(text) == 4 and text.isdigit():
            year = int(text)
            return _checked(Period(text, "year", date(year, 1, 1), date(year, 12, 31)))
        if len(text) == 6 and text[4] == "Q" and text[:4].isdigit() and text[5] in "1234":
            year, q = int(text[:4]), int(text[5])
            last = 3 * q
            return _checked(Period(text, "quarter", date(year, last - 2, 1),
                                   date(year, last, calendar.monthrange(year, last)[1])))
        if len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit():
            year, month = int(text[:4]), int(text[5:])
            return _checked(Period(text, "month", date(year, month, 1),
                                   date(year, month, calendar.monthrange(year, month)[1])))
    except ValueError:
        pass
    raise field_error("period", "period_format", "报告期应为 2025、2025Q1 或 2025-03 形式",
                      "period must look like 2025, 2025Q1 or 2025-03")


def _checked(p: Period) -> Period:
    if not 1990 <= p.year <= 2100:
        raise ValueError
    return p


def months_of(period: Period) -> list[Period]:
    out, d = [], period.starts_on
    while d <= period.ends_on:
        out.append(parse_period(f"{d.year}-{d.month:02d}"))
        d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return out


# ---------------------------------------------------------------- indicators

def per_10k(emissions: Decimal | None, money_cny: Decimal | None) -> Decimal | None:
    """Intensity in tCO2e per 万元: E ÷ (money ÷ 10 000). None when either is missing or money ≤ 0.

    Worked example: 1 200 tCO2e, output value 30 000 000 CNY (3 000 万元) → 0.4 tCO2e/万元."""
    if emissions is None or money_cny is None or money_cny <= 0:
        return None
    return emissions / (money_cny / TEN_THOUSAND)


def per_unit(emissions: Decimal | None, quantity: Decimal | None) -> Decimal | None:
    if emissions is None or quantity is None or quantity <= 0:
        return None
    return emissions / quantity


def indicators(total: Decimal | None, output_value: Decimal | None, value_added: Decimal | None,
               tax: Decimal | None, product_quantity: Decimal | None) -> dict[str, Decimal | None]:
    return {"intensity_output_t_per_10k_cny": per_10k(total, output_value),
            "intensity_value_added_t_per_10k_cny": per_10k(total, value_added),
            "intensity_tax_t_per_10k_cny": per_10k(total, tax),
            "intensity_product_t_per_unit": per_unit(total, product_quantity)}


# ---------------------------------------------------------------- benchmark

@dataclass
class Benchmark:
    """An industry benchmark with the rule that produced it and whether it may be used."""

    basis: str  # output / value_added
    level: str  # class / division / none
    code: str
    sample: int
    value: Decimal | None
    median: Decimal | None
    usable: bool
    reasons: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"basis": self.basis, "level": self.level, "code": self.code, "sample": self.sample,
                "value": _text(self.value), "median": _text(self.median), "usable": self.usable,
                "reasons": self.reasons}


def benchmark(basis: str, class_code: str, class_peers: list[tuple[Decimal, Decimal]],
              division_peers: list[tuple[Decimal, Decimal]], min_sample: int) -> Benchmark:
    """Aggregate intensity Σ emissions ÷ Σ (denominator ÷ 10 000) over peers ``(emissions_t, denominator_cny)``.

    Rule (the platform's own, docs/methodology.md): use the GB/T 4754 class when it has at least
    ``min_sample`` firms, else its division (first two digits) when that has enough, else the
    benchmark is flagged and not used. Peers include the firm itself."""
    reasons = []
    for level, code, peers in (("class", class_code, class_peers), ("division", class_code[:2], division_peers)):
        peers = [(e, d) for e, d in peers if d and d > 0]
        if len(peers) >= min_sample:
            value = sum(e for e, _ in peers) / (sum(d for _, d in peers) / TEN_THOUSAND)
            ratios = sorted(e / (d / TEN_THOUSAND) for e, d in peers)
            mid = len(ratios) // 2
            median = ratios[mid] if len(ratios) % 2 else (ratios[mid - 1] + ratios[mid]) / 2
            reasons.append(_reason("benchmark_level", f"{level} {code}：{len(peers)} 家（≥ {min_sample}）",
                                   f"{level} {code}: {len(peers)} firms (≥ {min_sample})"))
            return Benchmark(basis, level, code, len(peers), value, median, True, reasons)
        reasons.append(_reason("benchmark_sample_small", f"{level} {code} 仅 {len(peers)} 家（< {min_sample}），不可用",
                               f"{level} {code} has only {len(peers)} firms (< {min_sample}); not used"))
    return Benchmark(basis, "none", class_code, 0, None, None, False, reasons)


# ---------------------------------------------------------------- ratings

def load_schemes(path: Path | None = None) -> dict:
    """The rating schemes: the shipped file, or an operator's copy (setting ``accounts_rating_file``)."""
    if path is not None:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    raw = resources.files("lvrongtong.accounts").joinpath("data", "rating_schemes.json").read_text(encoding="utf-8")
    return json.loads(raw)


def _reason(code: str, zh: str, en: str) -> dict:
    return {"code": code, "zh": zh, "en": en}


def _text(value: Decimal | None, places: int = 6) -> str | None:
    if value is None:
        return None
    return format(round(value, places).normalize(), "f")


def _band(k: Decimal, bands: list[dict], key: str = "max_k") -> dict:
    for band in bands:
        if band[key] is None or k <= Decimal(band[key]):
            return band
    return bands[-1]


def platform_rating(intensity: Decimal | None, bench: Benchmark, scheme: dict) -> dict[str, Any]:
    """The platform's four-colour label and score from K = intensity ÷ benchmark (both tCO2e/万元产值)."""
    base = {"scheme": scheme["id"], "title_zh": scheme["title_zh"], "owner": scheme["owner"],
            "source_zh": scheme["source_zh"], "source_en": scheme["source_en"], "verification": scheme["verification"]}
    if intensity is None:
        return {**base, "status": "unrated", "colour": None, "score": None, "k": None, "reasons": [_reason(
            "no_intensity", "缺少排放或工业总产值，无法计算单位产值强度", "no emissions or output value: no intensity")]}
    if not bench.usable or not bench.value:
        return {**base, "status": "unrated", "colour": None, "score": None, "k": None,
                "reasons": [*bench.reasons, _reason("no_benchmark", "行业基准不可用，不评色", "no usable benchmark: no colour")]}
    k = intensity / bench.value
    band = _band(k, scheme["bands"])
    s = scheme["score"]
    score = max(Decimal(s["min"]), min(Decimal(s["max"]), Decimal(s["intercept"]) - Decimal(s["slope"]) * k))
    limit = f"K ≤ {band['max_k']}" if band["max_k"] is not None else "K > 2.0"
    reasons = [*bench.reasons,
               _reason("k", f"单位产值强度 {_text(intensity, 4)} ÷ 行业基准 {_text(bench.value, 4)} = K {_text(k, 3)}",
                       f"intensity {_text(intensity, 4)} ÷ benchmark {_text(bench.value, 4)} = K {_text(k, 3)}"),
               _reason("band", f"{limit} → {band['colour']}", f"{limit} → {band['colour_en']}"),
               _reason("score", f"{s['formula']} → {_text(score, 1)}", f"score {_text(score, 1)}")]
    return {**base, "status": "rated", "colour": band["colour"], "colour_en": band["colour_en"],
            "score": _text(score.quantize(Decimal("0.1"))), "k": _text(k, 4), "reasons": reasons}


def huzhou_grade(l_value: Decimal | None, bench: Benchmark, scheme: dict) -> dict[str, Any]:
    """Huzhou 碳效码 grade 1–5 from K = L ÷ industry-average L, and the L class (low/medium/high)."""
    base = {"scheme": scheme["id"], "title_zh": scheme["title_zh"], "source": scheme["source"],
            "verification": scheme["verification"], "caveat_zh": scheme["caveat_zh"]}
    if l_value is None:
        return {**base, "status": "unrated", "reasons": [_reason(
            "no_value_added", "缺少增加值，无法计算 L", "no value added: L cannot be computed")]}
    l_class = _band(l_value, scheme["l_classes"], "max_l")
    out = {**base, "l": _text(l_value, 4), "l_class": l_class["class_zh"]}
    if not bench.usable or not bench.value:
        return {**out, "status": "unrated", "grade": None,
                "reasons": [*bench.reasons, _reason("no_benchmark", "行业平均 L 不可用，不定级", "no industry L")]}
    k = l_value / bench.value
    grade = _band(k, scheme["grades"])["grade"]
    return {**out, "status": "rated", "grade": grade, "k": _text(k, 4),
            "reasons": [*bench.reasons, _reason("k", f"L {_text(l_value, 4)} ÷ 行业平均 {_text(bench.value, 4)} = "
                                                     f"K {_text(k, 3)} → {grade} 级",
                                                f"K {_text(k, 3)} → grade {grade}")]}


def portable_ratings(l_value: Decimal | None, bench_va: Benchmark, schemes: dict) -> list[dict]:
    out = []
    for s in schemes["portable"]:
        if s["id"] == "huzhou-carbon-efficiency-code":
            out.append(huzhou_grade(l_value, bench_va, s))
        else:
            out.append({"scheme": s["id"], "title_zh": s["title_zh"], "status": s["status"], "source": s["source"],
                        "verification": s["verification"],
                        "reasons": [_reason("rule_not_sourced", s["reason_zh"], s["reason_en"])]})
    return out
