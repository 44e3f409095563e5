"""Evaluate the identification engine on the labelled evaluation set (tests/data/identification/eval_set.csv).

Gold labels: two independent labellings against the 2025 catalogue; only rows where both agree on the
decision are scored (``disputed`` and ``unclear`` rows are left out); the item code is gold only where
both chose the same item. Each text is judged as of 2025-11-01 (the 2025 catalogue), with no industry
code (the sources give none). ``--split heldout`` scores only the held-out half that no training or
choice of hyperparameters may see; ``dev`` the half the model is trained on (optimistic); ``all`` both.

Scores the rule layer alone and the rules + the model in use (the newest in ``--data-dir``, else the
shipped one) side by side; the metrics are defined in src/lvrongtong/identification/evaluation.py.

Run:  .venv/bin/python bench/eval_identification.py [--split heldout|dev|all] [--data-dir DIR] [--json]
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "tests" / "data" / "identification" / "eval_set.csv"
CLASSES = ("green", "transition", "not_eligible")


def load(split: str) -> list[dict]:
    rows = list(csv.DictReader(EVAL.read_text(encoding="utf-8").splitlines()))
    return [r for r in rows if r["decision"] in CLASSES and (split == "all" or r["split"] == split)]


def evaluate(index, rows: list[dict], title: str = "2025", model=None) -> dict:
    from lvrongtong.identification import evaluation

    return evaluation.evaluate(index, rows, title, model)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="heldout", choices=("heldout", "dev", "all"))
    ap.add_argument("--data-dir", type=Path, default=ROOT / "bench" / "out" / "eval")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    from lvrongtong.identification import evaluation
    from lvrongtong.identification import model as text_model
    from lvrongtong.identification.engine import index_for
    from lvrongtong.kit.runtime import Runtime
    from lvrongtong.kit.settings import Settings

    rt = Runtime.from_settings(Settings(data_dir=args.data_dir))
    rt.upgrade()
    with rt.transaction() as s:
        index = index_for(s, "2025")
    rows = load(args.split)
    model = text_model.current(args.data_dir)
    results = {"rules-1 alone": evaluate(index, rows), f"rules-1 + {model.version}": evaluate(index, rows, model=model)}
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
        return
    m = next(iter(results.values()))
    print(f"split {args.split}: {m['rows']} rows with an agreed decision ({m['green_rows']} green, "
          f"{m['green_rows_with_item']} with an agreed item)\n")
    print(evaluation.table(results))


if __name__ == "__main__":
    main()
