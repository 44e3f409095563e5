"""Statistical layer of the identification engine (``model-1``): TF-IDF over character n-grams, a
nearest-centroid item model per catalogue version, a logistic-regression decision model, and the
calibration that turns both (with the rule layer's score) into probabilities.

For a description x (its project clause when the model was trained that way) with TF-IDF vector v(x):

* item similarity  cos_j = v(x) · c_j, where c_j is the L2-normalised sum of the TF-IDF vectors of item
  j's training texts (its catalogue name and scope text, labelled dev descriptions, reviewed decisions);
* P(item j | green) = softmax_j(scale · cos_j + rule_weight · r_j), r_j the rule layer's confidence for j
  (0 when the rules did not match j) — scale and rule_weight fitted on the dev half (log-loss);
* P(green) = σ(a · z + b · r_top + c · cos_max + d), z the decision model's logit (w · v(x) + w0), the
  stacking weights (a, b, c, d) fitted on out-of-fold predictions for the dev half (Platt scaling with
  two more inputs);
* a candidate's confidence = P(green) · P(item j | green): the probability that the text is green *under
  that item*.

The artefact is JSON (vocabulary, parameters) + NPZ (arrays, loaded with ``allow_pickle=False``): loading
executes no code. Inference uses NumPy only (scikit-learn is needed for training, not here).
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from threading import Lock

import numpy as np

from lvrongtong.identification.features import clause, terms

FAMILY = "model-1"
SHIPPED = Path(__file__).resolve().parent / "data" / FAMILY
DATA_SUBDIR = Path("models") / "identification"


@dataclass
class Head:
    """Item centroids of one catalogue version, stored feature-major (CSR: feature → items)."""

    classes: list[str]
    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray

    def similarities(self, idx: np.ndarray, val: np.ndarray) -> np.ndarray:
        starts, lens = self.indptr[idx], self.indptr[idx + 1] - self.indptr[idx]
        total = int(lens.sum())
        if not total:
            return np.zeros(len(self.classes))
        pos = np.repeat(starts - np.cumsum(lens) + lens, lens) + np.arange(total)
        return np.bincount(self.indices[pos], weights=self.data[pos] * np.repeat(val, lens),
                           minlength=len(self.classes))


@dataclass
class TextModel:
    version: str
    vocabulary: dict[str, int]
    idf: np.ndarray
    decision_coef: np.ndarray
    decision_intercept: float
    heads: dict[str, Head]
    params: dict  # clause, item_scale, rule_weight, calibration [a, b, c, d]
    path: Path | None = None
    position: dict[str, dict[str, int]] = field(default_factory=dict)

    def __post_init__(self):
        self.position = {v: {c: k for k, c in enumerate(h.classes)} for v, h in self.heads.items()}

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """TF-IDF (sublinear tf, L2) of the text as (feature indices, values); both empty for no known term."""
        vocab = self.vocabulary
        counts: dict[int, int] = {}
        for term in terms(clause(text) if self.params["clause"] else text):
            i = vocab.get(term)
            if i is not None:
                counts[i] = counts.get(i, 0) + 1
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        n = len(counts)
        idx = np.fromiter(counts.keys(), np.int64, n)
        val = (1.0 + np.log(np.fromiter(counts.values(), np.float64, n))) * self.idf[idx]
        return idx, val / math.sqrt(float(val @ val))

    def score(self, text: str, version: str, rule_confidence: dict[str, float],
              top: int = 5) -> tuple[float, list[tuple[str, float]]]:
        """(P(green), the ``top`` items by P(item | green) with that probability). A version without a head
        gives P(green) from the decision model and the rules only, and no items."""
        idx, val = self.vector(text)
        z = float(self.decision_coef[idx] @ val) + self.decision_intercept
        head = self.heads.get(version)
        cos = head.similarities(idx, val) if head is not None else np.zeros(0)
        a, b, c, d = self.params["calibration"]
        r_top = max(rule_confidence.values(), default=0.0)
        p_green = 1.0 / (1.0 + math.exp(-(a * z + b * r_top + c * (float(cos.max()) if cos.size else 0.0) + d)))
        if head is None:
            return p_green, []
        logits = self.params["item_scale"] * cos
        where = self.position[version]
        for code, conf in rule_confidence.items():
            k = where.get(code)
            if k is not None:
                logits[k] += self.params["rule_weight"] * conf
        p = np.exp(logits - logits.max())
        p /= p.sum()
        k = min(top, p.size)
        best = np.argpartition(-p, k - 1)[:k]
        best = best[np.argsort(-p[best], kind="stable")]
        return p_green, [(head.classes[i], float(p[i])) for i in best]

    # -- persistence: JSON + NPZ, nothing executed on load ------------------------------------------
    def save(self, directory: Path, manifest: dict) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        terms_in_order = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        arrays = {"idf": self.idf.astype(np.float32), "decision_coef": self.decision_coef.astype(np.float32)}
        for v, h in self.heads.items():
            arrays |= {f"{v}_indptr": h.indptr.astype(np.int32), f"{v}_indices": h.indices.astype(np.int32),
                       f"{v}_data": h.data.astype(np.float32)}
        np.savez_compressed(directory / "weights.npz", **arrays)
        meta = {"version": self.version, "family": FAMILY, "params": self.params,
                "decision_intercept": self.decision_intercept, "heads": {v: h.classes for v, h in self.heads.items()},
                "vocabulary": terms_in_order}
        (directory / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        # model.json last: a directory with a model.json is complete
        (directory / "model.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        return directory


def load(directory: Path) -> TextModel:
    meta = json.loads((directory / "model.json").read_text(encoding="utf-8"))
    with np.load(directory / "weights.npz", allow_pickle=False) as w:
        arrays = {k: w[k] for k in w.files}
    heads = {v: Head(classes, arrays[f"{v}_indptr"].astype(np.int64), arrays[f"{v}_indices"].astype(np.int64),
                     arrays[f"{v}_data"].astype(np.float64)) for v, classes in meta["heads"].items()}
    return TextModel(meta["version"], {t: k for k, t in enumerate(meta["vocabulary"])},
                     arrays["idf"].astype(np.float64), arrays["decision_coef"].astype(np.float64),
                     float(meta["decision_intercept"]), heads, meta["params"], directory)


_CACHE: dict[tuple[str, float], TextModel] = {}
_LOCK = Lock()


def newest_dir(data_dir: Path | None) -> Path:
    """The newest complete retrained model in ``data_dir/models/identification``, else the shipped one."""
    if data_dir is not None:
        root = Path(data_dir) / DATA_SUBDIR
        if root.is_dir():
            done = sorted(p for p in root.iterdir() if (p / "model.json").is_file())
            if done:
                return done[-1]
    return SHIPPED


def current(data_dir: Path | None = None) -> TextModel | None:
    """The model in use (cached per directory and modification time); None when none is installed."""
    directory = newest_dir(data_dir)
    marker = directory / "model.json"
    try:
        key = (str(directory), os.stat(marker).st_mtime)
    except FileNotFoundError:
        return None
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = load(directory)
        return _CACHE[key]
