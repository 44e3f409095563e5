"""Financed emissions of a whole book, vectorised (PCAF Part A; see ``methods/financed.py`` for one position).

Per position i (a loan or bond with its counterparty's data for the year):

    denominator_i = EVIC_i                      when the counterparty is listed and EVIC is known
                  = max(equity_i, 0) + debt_i    otherwise (business loans, unlisted equity, private bonds)
    AF_i = balance_i ÷ denominator_i            (refused when denominator ≤ 0 or AF > 1)
    FE_i = AF_i × emissions_i                   (scope 1 + 2 of the counterparty, tCO2e)

Portfolio: total FE = Σ FE_i; intensity = total FE ÷ (Σ balance_i of covered positions ÷ 10⁶)
(tCO2e per million CNY); weighted data quality = Σ score_i × balance_i ÷ Σ balance_i (weighting by
outstanding amount is the platform's choice); coverage = covered balance ÷ all balance. Positions
without counterparty data or with a refused denominator are counted and listed, never estimated.

Floats inside NumPy (CONVENTIONS: vectorised analytics may use floats); figures are rounded only
when reported. ``plain_numpy`` is the bare formula, the benchmark's baseline.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lvrongtong.carbon.methods.financed import DATA_QUALITY

STATUS = ("ok", "no_data", "denominator_not_positive", "attribution_above_one")


@dataclass
class Book:
    """Column arrays of one book; NaN marks a missing number, option code −1 a missing option."""

    balance: np.ndarray
    emissions: np.ndarray
    equity: np.ndarray
    debt: np.ndarray
    evic: np.ndarray
    listed: np.ndarray  # bool
    score: np.ndarray  # PCAF data-quality score per position (float), NaN when the option is unknown

    @staticmethod
    def scores_for(options: list[str | None]) -> np.ndarray:
        return np.array([DATA_QUALITY.get(o or "", np.nan) for o in options], dtype=np.float64)


@dataclass
class Financed:
    attribution: np.ndarray
    financed: np.ndarray
    status: np.ndarray  # int8 index into STATUS
    total_tco2e: float
    covered_balance: float
    total_balance: float
    intensity_t_per_million: float
    weighted_score: float
    counts: dict[str, int]

    def summary(self) -> dict:
        def num(x: float, digits: int) -> float | None:
            return None if x != x else round(x, digits)  # NaN (nothing covered) → null

        return {"financed_emissions_tco2e": round(self.total_tco2e, 3),
                "intensity_tco2e_per_million_cny": num(self.intensity_t_per_million, 4),
                "weighted_data_quality": num(self.weighted_score, 3),
                "coverage_by_balance": round(self.covered_balance / self.total_balance, 4) if self.total_balance else 0.0,
                "covered_balance_cny": round(self.covered_balance, 2), "total_balance_cny": round(self.total_balance, 2),
                "positions": self.counts}


def _denominator(book: Book) -> np.ndarray:
    den = book.debt + (book.equity if book.equity.min() >= 0 else np.maximum(book.equity, 0.0))
    if book.listed.any():
        use_evic = book.listed & ~np.isnan(book.evic)
        np.copyto(den, book.evic, where=use_evic)
    return den


def financed_emissions(book: Book) -> Financed:
    den = _denominator(book)
    attribution = book.balance / den
    financed = attribution * book.emissions
    total = float(financed.sum())
    n = len(book.balance)
    score_sum = float(np.dot(book.score, book.balance)) if n else 0.0
    if n and den.min() > 0 and attribution.max() <= 1.0 and total == total and score_sum == score_sum:
        # every position usable: no masks needed (the common case, and the benchmark's fast path)
        covered = float(book.balance.sum())
        return _result(attribution, financed, np.zeros(n, dtype=np.int8), total, covered, covered, score_sum,
                       {"ok": n, **{name: 0 for name in STATUS[1:]}})
    return _masked(book, den, attribution, financed)


def _masked(book: Book, den: np.ndarray, attribution: np.ndarray, financed: np.ndarray) -> Financed:
    # NaN compares False, so missing numbers fall out of ``ok`` without separate isnan passes
    has_data = (financed == financed) & (book.score == book.score)
    positive = den > 0
    ok = has_data & positive & (attribution <= 1.0)
    status = np.zeros(len(ok), dtype=np.int8)
    if not ok.all():
        status[~has_data] = 1
        status[has_data & ~positive] = 2
        status[has_data & positive & ~ok] = 3
    np.copyto(attribution, np.nan, where=~ok)
    np.copyto(financed, 0.0, where=~ok)
    covered_balance = np.where(ok, book.balance, 0.0)
    covered = float(covered_balance.sum())
    score_sum = float(np.dot(np.where(ok, book.score, 0.0), covered_balance))
    counts = {name: int(c) for name, c in zip(STATUS, np.bincount(status, minlength=len(STATUS)), strict=True)}
    return _result(attribution, financed, status, float(financed.sum()), covered, float(book.balance.sum()),
                   score_sum, counts)


def _result(attribution, financed, status, total: float, covered: float, all_balance: float, score_sum: float,
            counts: dict[str, int]) -> Financed:
    return Financed(attribution, financed, status, total, covered, all_balance,
                    total / (covered / 1e6) if covered else float("nan"),
                    score_sum / covered if covered else float("nan"), counts)


def plain_numpy(balance: np.ndarray, equity: np.ndarray, debt: np.ndarray, emissions: np.ndarray) -> float:
    """The bare formula Σ balance ÷ (equity + debt) × emissions — the benchmark's baseline, no checks."""
    return float((balance / (equity + debt) * emissions).sum())
