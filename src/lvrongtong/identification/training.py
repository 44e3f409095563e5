"""Training of the statistical layer (``model-1``) — needs scikit-learn; inference (model.py) does not.

Training data, and nothing else:

* the catalogue texts: for every leaf item of every catalogue version, its name and scope text (one
  example of that item, and of "green" for no model — the decision model learns from descriptions only);
* the **dev** half of the labelled evaluation set (``data/eval_set.csv``, split by sha256(id) % 2): its
  agreed decisions train the decision model, its agreed 2025 items join the item centroids;
* reviewed decisions from the database (review.training_rows): accept / reassign add the text to the
  item's centroid and a "green" example; reject adds a "not green" example.

The held-out half is never read here except by ``heldout_rows`` for the before / after report.
Hyperparameters (clause cut, item scale, rule weight, decision C) and the calibration are chosen on
5-fold cross-validation over the dev half only.
"""

from __future__ import annotations

import csv
import hashlib
import math
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from lvrongtong.identification.features import clause, terms
from lvrongtong.identification.model import FAMILY, SHIPPED, Head, TextModel
from lvrongtong.identification.rules import RuleIndex, candidates

EVAL_SET = Path(__file__).resolve().parent / "data" / "eval_set.csv"
CLASSES = ("green", "transition", "not_eligible")
SCALES = (5.0, 10.0, 20.0, 30.0, 50.0)
RULE_WEIGHTS = (0.0, 1.0, 2.0, 4.0, 8.0)
DECISION_C = (1.0, 10.0, 100.0)
FOLDS = 5
VERSIONS = ("2019", "2021", "2025")  # the catalogues identification chooses between (catalogue_rules.version_for)


def labelled_rows(split: str) -> list[dict]:
    """Rows of the evaluation set with an agreed decision in one split (dev / heldout)."""
    rows = list(csv.DictReader(EVAL_SET.read_text(encoding="utf-8").splitlines()))
    return [r for r in rows if r["decision"] in CLASSES and r["split"] == split]


def split_of(row_id: str) -> str:
    return "heldout" if int(hashlib.sha256(row_id.encode()).hexdigest(), 16) % 2 == 0 else "dev"


def catalogue_examples(items_by_version: dict[str, list[dict]]) -> dict[str, list[tuple[str, str]]]:
    """(item code, name + scope text) for the leaves of each catalogue version."""
    out = {}
    for version, items in items_by_version.items():
        deepest = max(i["level"] for i in items)
        out[version] = [(i["code"], f"{i['name_zh']}。{i.get('scope_zh') or ''}") for i in items
                        if i["level"] == deepest and i["name_zh"] and not i["name_zh"].startswith("（")]
    return out


class _Data:
    """Everything one fit needs: item examples per version, decision examples (text, green?)."""

    def __init__(self, catalogue: dict[str, list[tuple[str, str]]], dev: list[dict], reviews: list[dict], cut: bool):
        prep = clause if cut else (lambda t: t)
        self.items = {v: list(ex) for v, ex in catalogue.items()}
        self.decisions: list[tuple[str, bool]] = []
        for r in dev:
            self.decisions.append((prep(r["text"]), r["decision"] == "green"))
            if r["decision"] == "green" and r["code"] and "2025" in self.items:
                self.items["2025"].append((r["code"], prep(r["text"])))
        for r in reviews:
            green = r["decision"] == "green"
            self.decisions.append((prep(r["text"]), green))
            if green and r["code"] and r["catalogue"] in self.items:
                self.items[r["catalogue"]].append((r["code"], prep(r["text"])))


def fit(data: _Data, decision_c: float, params: dict, version: str) -> TextModel:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    corpus = [t for ex in data.items.values() for _, t in ex] + [t for t, _ in data.decisions]
    vec = TfidfVectorizer(analyzer=terms, sublinear_tf=True).fit(corpus)
    heads = {}
    for v, examples in data.items.items():
        classes = sorted({c for c, _ in examples})
        pos = {c: k for k, c in enumerate(classes)}
        x = vec.transform([t for _, t in examples])
        rows = np.array([pos[c] for c, _ in examples])
        from scipy.sparse import csr_matrix

        member = csr_matrix((np.ones(len(rows)), (rows, np.arange(len(rows)))), shape=(len(classes), len(rows)))
        centroids = (member @ x).tocsr()
        norms = np.sqrt(np.asarray(centroids.multiply(centroids).sum(axis=1)).ravel())
        centroids = csr_matrix(centroids.multiply(1.0 / np.maximum(norms, 1e-12)[:, None])).T.tocsr()
        centroids.sort_indices()
        heads[v] = Head(classes, centroids.indptr.astype(np.int64), centroids.indices.astype(np.int64),
                        centroids.data.astype(np.float64))
    labels = [g for _, g in data.decisions]
    coef, intercept = np.zeros(len(vec.vocabulary_)), 0.0
    if len(set(labels)) == 2:
        clf = LogisticRegression(C=decision_c, class_weight="balanced", max_iter=1000)
        clf.fit(vec.transform([t for t, _ in data.decisions]), labels)
        sign = 1.0 if clf.classes_[1] else -1.0
        coef, intercept = sign * clf.coef_[0], sign * float(clf.intercept_[0])
    return TextModel(version, {t: int(k) for t, k in vec.vocabulary_.items()}, vec.idf_.astype(np.float64),
                     coef, intercept, heads, params)


def _oof(catalogue, dev, reviews, cut: bool, decision_c: float, indexes: dict[str, RuleIndex]) -> list[dict]:
    """Out-of-fold raw scores for every dev row: decision logit, rule confidences, item cosines."""
    from sklearn.model_selection import StratifiedKFold

    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=0)
    out: list[dict] = [{} for _ in dev]
    for train, test in folds.split(dev, [r["decision"] for r in dev]):
        m = fit(_Data({"2025": catalogue["2025"]}, [dev[k] for k in train], reviews, cut), decision_c,
                {"clause": cut, "item_scale": 1.0, "rule_weight": 0.0, "calibration": [0, 0, 0, 0]}, "cv")
        for k in test:
            text = dev[k]["text"]
            idx, val = m.vector(text)
            head = m.heads["2025"]
            rules = {c.item.code: c.confidence for c in candidates(indexes["2025"], text[:2000], None, 20)}
            out[k] = {"z": float(m.decision_coef[idx] @ val) + m.decision_intercept, "rules": rules,
                      "cos": dict(zip(head.classes, head.similarities(idx, val).tolist(), strict=True))}
    return out


def _item_loss(dev, oof, scale: float, weight: float) -> tuple[float, float]:
    """Mean −log P(gold item | green) and top-1 accuracy over dev rows with an agreed item."""
    loss = hits = n = 0
    for r, o in zip(dev, oof, strict=True):
        if r["decision"] != "green" or not r["code"] or r["code"] not in o["cos"]:
            continue
        logits = {c: scale * s + weight * o["rules"].get(c, 0.0) for c, s in o["cos"].items()}
        top = max(logits.values())
        norm = top + math.log(sum(math.exp(v - top) for v in logits.values()))
        loss += norm - logits[r["code"]]
        hits += max(logits, key=logits.get) == r["code"]
        n += 1
    return (loss / n, hits / n) if n else (0.0, 0.0)


def _green_features(o: dict) -> list[float]:
    return [o["z"], max(o["rules"].values(), default=0.0), max(o["cos"].values(), default=0.0)]


def choose(catalogue, dev, reviews, indexes) -> tuple[dict, float, dict]:
    """Pick clause cut, decision C, item scale and rule weight on dev cross-validation; fit the calibration."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss

    best = None
    report = {}
    y = np.array([r["decision"] == "green" for r in dev])
    for cut in (False, True):
        for c in DECISION_C:
            oof = _oof(catalogue, dev, reviews, cut, c, indexes)
            feats = np.array([_green_features(o) for o in oof])
            calib = LogisticRegression(C=1.0).fit(feats, y)
            green_loss = log_loss(y, calib.predict_proba(feats)[:, 1])
            (item_loss, item_acc), scale, weight = min(
                (_item_loss(dev, oof, s, w), s, w) for s in SCALES for w in RULE_WEIGHTS)
            total = green_loss + item_loss
            report[f"clause={cut},C={c}"] = {"green_log_loss": round(green_loss, 4), "item_log_loss": round(item_loss, 4),
                                             "item_accuracy": round(item_acc, 4), "item_scale": scale,
                                             "rule_weight": weight}
            if best is None or total < best[0]:
                params = {"clause": cut, "decision_c": c, "item_scale": scale, "rule_weight": weight,
                          "calibration": [*map(float, calib.coef_[0]), float(calib.intercept_[0])]}
                best = (total, params, c)
    return best[1], best[2], report


def train(items_by_version: dict[str, list[dict]], reviews: list[dict], version: str,
          indexes: dict[str, RuleIndex] | None = None, reuse: dict | None = None) -> tuple[TextModel, dict]:
    """Fit a model from the catalogues + dev half + reviews; returns it with its training manifest.
    ``reuse``: the params of a model in use — keep its hyperparameters and calibration, refit only the
    vocabulary, centroids and decision model (seconds instead of the cross-validation's minute)."""
    catalogue = catalogue_examples(items_by_version)
    dev = labelled_rows("dev")
    if reuse is not None:
        params, decision_c, cv = dict(reuse), reuse["decision_c"], {"reused_from_model_in_use": True}
    else:
        indexes = indexes or {v: RuleIndex(v, items) for v, items in items_by_version.items()}
        params, decision_c, cv = choose(catalogue, dev, reviews, indexes)
    model = fit(_Data(catalogue, dev, reviews, params["clause"]), decision_c, params, version)
    manifest = {
        "model": version, "family": FAMILY, "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "method": "TF-IDF of character 2-/3-grams; nearest-centroid items; logistic-regression decision; "
                  "stacked Platt calibration on 5-fold dev out-of-fold predictions",
        "catalogues": {v: {"items": len(ex), "sha256": hashlib.sha256(
            "\n".join(f"{c}\t{t}" for c, t in ex).encode()).hexdigest()} for v, ex in catalogue.items()},
        "eval_set_sha256": hashlib.sha256(EVAL_SET.read_bytes()).hexdigest(),
        "dev_ids": [r["id"] for r in dev], "reviews": [{"instrument_id": r["instrument_id"], "catalogue": r["catalogue"],
                                                        "decision": r["decision"], "code": r["code"]} for r in reviews],
        "decision_c": decision_c, "params": params, "cross_validation": cv,
        "vocabulary_size": len(model.vocabulary),
    }
    return model, manifest


def ship() -> Path:
    """Rebuild the shipped model from the shipped catalogues and the dev half (no reviews)."""
    from lvrongtong.reference import catalogues
    from lvrongtong.reference.catalogue_file import parse

    items = {}
    for name, data in catalogues.shipped_files():
        cat = parse(data, name)
        if cat.header["version"] in VERSIONS:
            items[cat.header["version"]] = [{k: i.get(k) for k in ("code", "level", "name_zh", "scope_zh",
                                                                      "industry_classes")} for i in cat.items]
    model, manifest = train(items, [], FAMILY)
    return model.save(SHIPPED, manifest)


def items_of(session, versions=VERSIONS) -> dict[str, list[dict]]:
    from lvrongtong.reference import catalogues

    return {v: [{"code": i.code, "level": i.level, "name_zh": i.name_zh, "scope_zh": i.scope_zh,
                 "industry_classes": i.industry_classes} for i in catalogues.list_items(session, v)] for v in versions}


def new_version() -> str:
    return f"{FAMILY}r{datetime.now(UTC):%Y%m%d%H%M%S}"


def heldout_rows() -> list[dict]:
    return labelled_rows("heldout")


if __name__ == "__main__":  # python -m lvrongtong.identification.training → rebuild the shipped model
    print(ship())
