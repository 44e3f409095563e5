"""Evaluate the identification engine on the labelled evaluation set (tests/data/identification/eval_set.csv).

Gold labels: two independent labellings against the 2025 catalogue; only rows where both agree on the
decision are scored (``disputed`` and ``unclear`` rows are left out); the item code is gold only where
both chose the same item. Each text is judged as of 2025-11-01 (the 2025 catalogue), with no industry
code (the sources give none). ``--split heldout`` scores only the held-out half that no training may
see; ``dev`` the other half; ``all`` both.

Reports: coverage (share decided, i.e. not sent to review), decision accuracy on the decided rows,
macro-F1 over green / transition / not_eligible (a review counts as a miss), level-1 and item accuracy
of the top candidate on gold-green rows, and a reliability table (top-candidate confidence bins against
the share whose top item is the gold item, on gold-green rows with a gold item).

Run:  .venv/bin/python bench/eval_identification.py [--split heldout|dev|all] [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import csv
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "tests" / "data" / "identification" / "eval_set.csv"
CLASSES = ("green", "transition", "not_eligible")


def load(split: str) -> list[dict]:
    rows = list(csv.DictReader(EVAL.read_text(encoding="utf-8").splitlines()))
    return [r for r in rows if r["decision"] in CLASSES and (split == "all" or r["split"] == split)]


def evaluate(index, rows: list[dict], title: str = "2025") -> dict:
    from lvrongtong.identification.engine import Request, decide

    outcomes = []
    for r in rows:
        out = decide(index, Request(r["text"], None, date(2025, 11, 1)), title)
        top = out["candidates"][0] if out["candidates"] else {}
        outcomes.append((r, out["decision"], top.get("code", ""), top.get("level1_code", ""), top.get("confidence", 0.0)))
    decided = [o for o in outcomes if o[1] != "needs_review"]
    f1s = []
    for c in CLASSES:
        tp = sum(1 for r, d, *_ in outcomes if d == c and r["decision"] == c)
        fp = sum(1 for r, d, *_ in outcomes if d == c and r["decision"] != c)
        fn = sum(1 for r, d, *_ in outcomes if d != c and r["decision"] == c)
        p = tp / (tp + fp) if tp + fp else 0.0
        rc = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * p * rc / (p + rc) if p + rc else 0.0)
    green = [o for o in outcomes if o[0]["decision"] == "green"]
    with_item = [o for o in green if o[0]["code"]]
    bins = []
    for lo, hi in ((0.0, 0.5), (0.5, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01)):
        inside = [o for o in with_item if lo <= o[4] < hi]
        bins.append((lo, min(hi, 1.0), len(inside),
                     sum(o[2] == o[0]["code"] for o in inside) / len(inside) if inside else None,
                     sum(o[4] for o in inside) / len(inside) if inside else None))
    return {
        "rows": len(outcomes),
        "coverage": len(decided) / len(outcomes) if outcomes else 0.0,
        "review_share": 1 - (len(decided) / len(outcomes) if outcomes else 0.0),
        "decision_accuracy_decided": sum(r["decision"] == d for r, d, *_ in decided) / len(decided) if decided else 0.0,
        "macro_f1": sum(f1s) / len(f1s),
        "f1": dict(zip(CLASSES, f1s, strict=True)),
        "level1_accuracy_green": sum(o[3] == o[0]["code"].split(".")[0] for o in with_item) / len(with_item)
        if with_item else 0.0,
        "item_accuracy_green": sum(o[2] == o[0]["code"] for o in with_item) / len(with_item) if with_item else 0.0,
        "green_rows": len(green), "green_rows_with_item": len(with_item), "reliability": bins,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="heldout", choices=("heldout", "dev", "all"))
    ap.add_argument("--data-dir", type=Path, default=ROOT / "bench" / "out" / "eval")
    args = ap.parse_args()
    from lvrongtong.identification.engine import index_for
    from lvrongtong.kit.runtime import Runtime
    from lvrongtong.kit.settings import Settings

    rt = Runtime.from_settings(Settings(data_dir=args.data_dir))
    rt.upgrade()
    with rt.transaction() as s:
        index = index_for(s, "2025")
    m = evaluate(index, load(args.split))
    print(f"split {args.split}: {m['rows']} rows with an agreed decision ({m['green_rows']} green, "
          f"{m['green_rows_with_item']} with an agreed item)\n")
    print("| metric | value |\n|---|---|")
    for key in ("coverage", "review_share", "decision_accuracy_decided", "macro_f1", "level1_accuracy_green",
                "item_accuracy_green"):
        print(f"| {key} | {m[key]:.3f} |")
    print("| F1 per class | " + ", ".join(f"{k} {v:.3f}" for k, v in m["f1"].items()) + " |")
    print("\n| confidence bin | rows | top item correct | mean confidence |\n|---|---|---|---|")
    for lo, hi, n, acc, conf in m["reliability"]:
        print(f"| {lo:.1f}–{hi:.1f} | {n} | {'—' if acc is None else f'{acc:.2f}'} | "
              f"{'—' if conf is None else f'{conf:.2f}'} |")


if __name__ == "__main__":
    main()
