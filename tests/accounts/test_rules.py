"""Pure account rules: periods, intensities, the benchmark minimum-sample rule, the rating bands and reasons."""

from datetime import date
from decimal import Decimal as D

import pytest

from lvrongtong.accounts import rules
from lvrongtong.kit.errors import ValidationFailed


@pytest.mark.parametrize("label,kind,start,end", [
    ("2025", "year", date(2025, 1, 1), date(2025, 12, 31)),
    ("2024Q1", "quarter", date(2024, 1, 1), date(2024, 3, 31)),
    ("2024q4", "quarter", date(2024, 10, 1), date(2024, 12, 31)),
    ("2024-02", "month", date(2024, 2, 1), date(2024, 2, 29)),
])
def test_period_labels(label, kind, start, end):
    p = rules.parse_period(label)
    assert (p.kind, p.starts_on, p.ends_on) == (kind, start, end)


@pytest.mark.parametrize("bad", ["25", "2025Q5", "2025-13", "abcd", "", "1800"])
def test_bad_period_is_refused(bad):
    with pytest.raises(ValidationFailed):
        rules.parse_period(bad)


def test_months_of_a_quarter():
    assert [m.label for m in rules.months_of(rules.parse_period("2025Q2"))] == ["2025-04", "2025-05", "2025-06"]


def test_intensity_worked_example():
    # 1 200 tCO2e over an output value of 30 000 000 CNY (3 000 万元) → 0.4 tCO2e/万元
    assert rules.per_10k(D(1200), D(30_000_000)) == D("0.4")
    assert rules.per_10k(D(1200), D(0)) is None and rules.per_10k(None, D(1)) is None


def test_benchmark_uses_class_then_division_then_flags():
    five = [(D(100), D(1_000_000))] * 5
    b = rules.benchmark("output", "3011", five, five, 5)
    assert b.usable and b.level == "class" and b.value == D(1)  # 500 t ÷ 500 万元
    b = rules.benchmark("output", "3011", five[:2], five + five[:1], 5)
    assert b.usable and b.level == "division" and b.code == "30" and b.sample == 6
    b = rules.benchmark("output", "3011", five[:2], five[:4], 5)
    assert not b.usable and b.value is None
    assert [r["code"] for r in b.reasons] == ["benchmark_sample_small", "benchmark_sample_small"]


def test_benchmark_is_aggregate_intensity_not_mean_of_ratios():
    peers = [(D(100), D(1_000_000)), (D(300), D(1_000_000)), (D(100), D(2_000_000)), (D(0), D(1_000_000)),
             (D(500), D(5_000_000))]
    b = rules.benchmark("output", "3011", peers, peers, 5)
    assert b.value == D(1000) / D(1000)  # Σ 1 000 t ÷ Σ 1 000 万元
    assert b.median == D("1")


SCHEMES = rules.load_schemes()


def _bench(value):
    return rules.Benchmark("output", "class", "3011", 6, D(value), D(value), True, [])


@pytest.mark.parametrize("intensity,colour,score", [
    ("0.4", "深绿", "100"), ("0.8", "深绿", "80"), ("0.81", "浅绿", "79.5"), ("1", "浅绿", "70"),
    ("1.2", "浅绿", "60"), ("2.0", "黄", "20"), ("2.01", "红", "19.5"), ("3", "红", "0"),
])
def test_platform_rating_bands_and_score(intensity, colour, score):
    r = rules.platform_rating(D(intensity), _bench("1"), SCHEMES["platform"])
    assert r["status"] == "rated" and r["colour"] == colour and D(r["score"]) == D(score)
    assert r["owner"] == "platform" and any(x["code"] == "k" for x in r["reasons"])


def test_no_rating_without_a_usable_benchmark():
    flagged = rules.Benchmark("output", "none", "3011", 0, None, None, False,
                              [{"code": "benchmark_sample_small", "zh": "", "en": ""}])
    r = rules.platform_rating(D(1), flagged, SCHEMES["platform"])
    assert r["status"] == "unrated" and r["colour"] is None
    assert [x["code"] for x in r["reasons"]] == ["benchmark_sample_small", "no_benchmark"]


@pytest.mark.parametrize("l_value,grade,l_class", [("0.3", 1, "低碳"), ("0.7", 2, "中碳"), ("1.0", 3, "中碳"),
                                                   ("1.5", 4, "中碳"), ("2.5", 5, "高碳")])
def test_huzhou_grades_from_sourced_thresholds(l_value, grade, l_class):
    # industry-average L = 1, so K = L: read against the K table of facts §8.2
    huzhou = next(s for s in SCHEMES["portable"] if s["id"] == "huzhou-carbon-efficiency-code")
    r = rules.huzhou_grade(D(l_value), _bench("1"), huzhou)
    assert r["grade"] == grade and r["l_class"] == l_class


def test_unsourced_city_scales_say_so():
    out = rules.portable_ratings(None, _bench("1"), SCHEMES)
    by_id = {p["scheme"]: p for p in out}
    assert by_id["quzhou-four-colour"]["status"] == "not_sourced"
    assert by_id["guangzhou-a-e"]["status"] == "not_sourced"
    assert by_id["huzhou-carbon-efficiency-code"]["status"] == "unrated"  # no value added given
