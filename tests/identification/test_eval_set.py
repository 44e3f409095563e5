"""The labelled evaluation set is well formed: unique ids, known decisions, real 2025 codes, a fixed split."""

import csv
import hashlib
from pathlib import Path

from lvrongtong.reference import catalogues
from lvrongtong.reference.catalogue_file import parse

EVAL = Path(__file__).resolve().parents[1] / "data" / "identification" / "eval_set.csv"


def test_eval_set_is_well_formed():
    rows = list(csv.DictReader(EVAL.read_text(encoding="utf-8").splitlines()))
    assert len(rows) == 201 and len({r["id"] for r in rows}) == 201
    assert {r["decision"] for r in rows} <= {"green", "transition", "not_eligible", "unclear", "disputed"}
    items = {i["code"] for i in parse(dict(catalogues.shipped_files())["green_finance_2025.jsonl"], "x").items
             if i["level"] == 3}
    assert all(r["code"] in items for r in rows if r["code"])
    assert all(r["code"] for r in rows if r["decision"] == "green" and r["label_a"] == r["label_b"])
    for r in rows:  # the split is a pure function of the id: it cannot drift between runs
        assert r["split"] == ("heldout" if int(hashlib.sha256(r["id"].encode()).hexdigest(), 16) % 2 == 0 else "dev")
        agree = r["label_a"].split(":")[0] == r["label_b"].split(":")[0]
        assert (r["decision"] == "disputed") == (not agree)


def test_evaluation_runs_on_the_heldout_split(rt):
    import sys

    sys.path.insert(0, str(EVAL.parents[3] / "bench"))
    import eval_identification

    from lvrongtong.identification.engine import index_for

    with rt.transaction() as s:
        m = eval_identification.evaluate(index_for(s, "2025"), eval_identification.load("heldout"))
    assert m["rows"] > 80 and 0 <= m["macro_f1"] <= 1 and 0 <= m["coverage"] <= 1
