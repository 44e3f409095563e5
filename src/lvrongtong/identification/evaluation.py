"""Scores of the engine on labelled rows (the evaluation set's held-out half, or dev) — shared by
``bench/eval_identification.py`` and ``lvrongtong identify-retrain``.

Gold: the agreed decision (green / transition / not_eligible) and, for green rows, the agreed 2025 item.
Each text is judged as of 2025-11-01 (the 2025 catalogue) without an industry code.

* coverage = share decided (not sent to review); decision accuracy on the decided rows;
* macro-F1 over green / transition / not_eligible, a review counting as a miss;
* level-1, level-2 and item accuracy of the top candidate on gold-green rows with an agreed item;
* reliability of the top candidate's confidence, read as "the text is green under this item": over every
  scored row with a usable gold (gold green with an agreed item, or gold not green), binned, mean
  confidence against the share where the text is green and the top item is the gold item;
* reliability of P(green) (with the model only) against the share of gold-green rows.
"""

from __future__ import annotations

from datetime import date

CLASSES = ("green", "transition", "not_eligible")
BINS = ((0.0, 0.1), (0.1, 0.3), (0.3, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.01))


def _bins(pairs: list[tuple[float, bool]]) -> list[dict]:
    out = []
    for lo, hi in BINS:
        inside = [(p, ok) for p, ok in pairs if lo <= p < hi]
        out.append({"bin": f"{lo:.1f}–{min(hi, 1.0):.1f}", "rows": len(inside),
                    "mean_confidence": sum(p for p, _ in inside) / len(inside) if inside else None,
                    "observed": sum(ok for _, ok in inside) / len(inside) if inside else None})
    return out


def expected_calibration_error(bins: list[dict]) -> float:
    n = sum(b["rows"] for b in bins)
    return sum(b["rows"] * abs(b["mean_confidence"] - b["observed"]) for b in bins if b["rows"]) / n if n else 0.0


def evaluate(index, rows: list[dict], title: str = "2025", model=None) -> dict:
    from lvrongtong.identification.engine import Request, decide

    outcomes = []
    for r in rows:
        out = decide(index, Request(r["text"], None, date(2025, 11, 1)), title, model)
        top = out["candidates"][0] if out["candidates"] else {}
        outcomes.append((r, out["decision"], top.get("code", ""), top.get("confidence", 0.0), out["green_probability"]))
    decided = [o for o in outcomes if o[1] != "needs_review"]
    f1s = []
    for c in CLASSES:
        tp = sum(1 for r, d, *_ in outcomes if d == c and r["decision"] == c)
        fp = sum(1 for r, d, *_ in outcomes if d == c and r["decision"] != c)
        fn = sum(1 for r, d, *_ in outcomes if d != c and r["decision"] == c)
        p = tp / (tp + fp) if tp + fp else 0.0
        rc = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * p * rc / (p + rc) if p + rc else 0.0)
    with_item = [o for o in outcomes if o[0]["decision"] == "green" and o[0]["code"]]

    def share(level):  # top candidate right at a level: 1 = level 1, 2 = level 2, 3 = item
        return sum(o[2].split(".")[:level] == o[0]["code"].split(".")[:level] for o in with_item) / len(with_item) \
            if with_item else 0.0

    usable = [o for o in outcomes if o[0]["decision"] != "green" or o[0]["code"]]
    reliability = _bins([(o[3], o[0]["decision"] == "green" and o[2] == o[0]["code"]) for o in usable])
    green_bins = _bins([(o[4], o[0]["decision"] == "green") for o in outcomes]) if model is not None else []
    return {
        "rows": len(outcomes), "engine": model.version if model is not None else "rules only",
        "coverage": len(decided) / len(outcomes) if outcomes else 0.0,
        "review_share": 1 - (len(decided) / len(outcomes) if outcomes else 0.0),
        "decision_accuracy_decided": sum(r["decision"] == d for r, d, *_ in decided) / len(decided) if decided else 0.0,
        "macro_f1": sum(f1s) / len(f1s),
        "f1": dict(zip(CLASSES, f1s, strict=True)),
        "level1_accuracy_green": share(1), "level2_accuracy_green": share(2), "item_accuracy_green": share(3),
        "green_rows": sum(o[0]["decision"] == "green" for o in outcomes), "green_rows_with_item": len(with_item),
        "reliability": reliability, "calibration_error": expected_calibration_error(reliability),
        "green_reliability": green_bins,
        "green_calibration_error": expected_calibration_error(green_bins) if green_bins else None,
    }


METRICS = ("coverage", "review_share", "decision_accuracy_decided", "macro_f1", "level1_accuracy_green",
           "level2_accuracy_green", "item_accuracy_green", "calibration_error")


def table(named: dict[str, dict]) -> str:
    """Markdown: metrics side by side, then the reliability tables."""
    names = list(named)
    lines = ["| metric | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for key in METRICS:
        lines.append(f"| {key} | " + " | ".join(f"{named[n][key]:.3f}" for n in names) + " |")
    lines.append("| F1 per class (green / transition / not_eligible) | " + " | ".join(
        " / ".join(f"{v:.3f}" for v in named[n]["f1"].values()) for n in names) + " |")
    for n in names:
        for key, what in (("reliability", "top candidate's confidence vs green under the top item"),
                          ("green_reliability", "P(green) vs gold green")):
            if not named[n][key]:
                continue
            lines += ["", f"{n} — {what}:", "", "| bin | rows | mean confidence | observed |", "|---|---|---|---|"]
            for b in named[n][key]:
                mc, ob = b["mean_confidence"], b["observed"]
                lines.append(f"| {b['bin']} | {b['rows']} | {'—' if mc is None else f'{mc:.2f}'} | "
                             f"{'—' if ob is None else f'{ob:.2f}'} |")
    return "\n".join(lines)
