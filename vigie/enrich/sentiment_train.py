"""`vigie train sentiment`: the reproducible training of the built-in sentiment model (needs the `train`
extra, scikit-learn). Selection on UMSAB val only; Allociné is never read here. See docs/sentiment.md"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from vigie.enrich.sentiment_model import LABELS, LinearHead, SentimentModel, dense_block
from vigie.enrich.textfeatures import FEATURE_VERSION, Parsed, features
from vigie.exceptions import NotConfigured

log = logging.getLogger(__name__)

LANGUAGES = {"french": "fr", "english": "en"}
# Small grids on purpose: val has 324 tweets per language, so a wide search would fit its noise.
# The lexicon signals are never switched off (no dense 0): UMSAB's French tweets are mostly about
# ecology, and only a lexicon gives the model word knowledge beyond the topics of its 1,839 tweets.
# English down-weights the extra tweets (SemEval 2017, another period and topic mix): at weight 1 they
# drowned UMSAB's own 1,839 tweets; at 0.1-0.25 they still add vocabulary (+2.3 to +3.4 points of
# macro-F1 on English val, estimated by 2-fold cross-fitting: see docs/sentiment.md).
GRIDS: dict[str, tuple[dict[str, float], ...]] = {
    "french": tuple({"C": c, "dense": d} for c in (3.0, 10.0, 30.0) for d in (0.5, 1.0)),
    "english": tuple({"C": c, "dense": d, "extra_weight": w}
                     for w in (0.1, 0.25) for c in (1.0, 3.0) for d in (0.5, 1.0)),
}
NEAR_DUPLICATE = 0.5  # word-set Jaccard above which an extra tweet counts as a copy of a val tweet
CORRECTION_WEIGHT = 2.0  # a user's correction says more about their domain than a benchmark tweet
TOL = 1e-4  # looser tolerances stopped lbfgs early and cost about a point of macro-F1 on French val
_WORD = re.compile(r"\w+")


@dataclass
class Example:
    text: str
    label: int
    language: str | None
    weight: float = 1.0
    kind: str = "umsab"  # umsab, extra, correction


def read_lines(path: Path) -> list[str]:
    """Lines of a UMSAB-style file, which has no trailing newline (so `wc -l` under-counts by one)."""
    return path.read_text(encoding="utf-8").split("\n") if path.stat().st_size else []


def read_split(directory: Path, language: str, split: str) -> tuple[list[str], list[int]]:
    texts = read_lines(directory / language / f"{split}_text.txt")
    labels = [int(x) for x in read_lines(directory / language / f"{split}_labels.txt") if x.strip()]
    if len(texts) == len(labels) + 1 and texts[-1] == "":
        texts.pop()  # a copy saved with a final newline: that last "line" is not a tweet
    if len(texts) != len(labels):
        raise ValueError(f"{directory / language}: {len(texts)} texts but {len(labels)} labels in {split}")
    return texts, labels


def read_extra(directory: Path) -> tuple[list[str], list[int]]:
    texts = read_lines(directory / "train_text.txt")
    labels = [int(x) for x in read_lines(directory / "train_labels.txt")]
    if len(texts) != len(labels):
        raise ValueError(f"{directory}: {len(texts)} texts but {len(labels)} labels")
    return texts, labels


def drop_near_copies(texts: Sequence[str], labels: Sequence[int], against: Iterable[str]) -> tuple[list[str], list[int]]:
    """Remove texts whose word set overlaps one of ``against`` by NEAR_DUPLICATE or more.
    NOTE: the extra English tweets contain all of UMSAB's English val; without this, val is memorised."""
    targets = [set(_WORD.findall(t.lower())) for t in against]
    index: dict[str, list[int]] = {}
    for i, words in enumerate(targets):
        for w in words:
            index.setdefault(w, []).append(i)
    kept_texts, kept_labels = [], []
    for text, label in zip(texts, labels, strict=True):
        words = set(_WORD.findall(text.lower()))
        shared: dict[int, int] = {}
        for w in words:
            for i in index.get(w, ()):
                shared[i] = shared.get(i, 0) + 1
        if any(n / len(words | targets[i]) >= NEAR_DUPLICATE for i, n in shared.items()):
            continue
        kept_texts.append(text)
        kept_labels.append(label)
    return kept_texts, kept_labels


def _sklearn() -> tuple[Any, Any]:
    try:
        import scipy.sparse as sparse
        from sklearn.linear_model import LogisticRegression
    except ImportError as exc:
        raise NotConfigured("training needs scikit-learn: pip install 'vigie[train]'") from exc
    return sparse, LogisticRegression


class Vectorizer:
    """Sublinear TF-IDF over textfeatures.features, fitted on the training texts (min_df 2)."""

    def __init__(self, feature_lists: Sequence[list[str]], min_df: int = 2) -> None:
        df: dict[str, int] = {}
        for feats in feature_lists:
            for f in set(feats):
                df[f] = df.get(f, 0) + 1
        terms = sorted(f for f, n in df.items() if n >= min_df)
        self.vocab = {t: i for i, t in enumerate(terms)}
        n = len(feature_lists)
        self.idf = np.array([np.log((1 + n) / (1 + df[t])) + 1.0 for t in terms], dtype=np.float32)


@dataclass
class Design:
    """Examples turned into matrices once, reused by every grid point (only weights and scale vary)."""

    vectorizer: Vectorizer
    sparse: Any
    dense: np.ndarray
    labels: np.ndarray

    @classmethod
    def build(cls, examples: Sequence[Example]) -> Design:
        sparse, _ = _sklearn()
        parsed = [Parsed(ex.text) for ex in examples]
        vectorizer = Vectorizer([features(p) for p in parsed])
        head = LinearHead(vectorizer.vocab, vectorizer.idf, np.zeros((0, 3)), np.zeros((0, 3)), np.zeros(3))
        # The very code that scores at run time builds the training matrix: no train/serve skew.
        rows, cols, vals = head.tfidf(parsed)
        matrix = sparse.csr_matrix((vals, (rows, cols)), shape=(len(examples), len(vectorizer.vocab)),
                                   dtype=np.float32)
        dense = np.array([dense_block(p) for p in parsed], dtype=np.float32)
        return cls(vectorizer, matrix, dense, np.array([ex.label for ex in examples]))


def _fit(design: Design, weights: np.ndarray, params: dict[str, Any]) -> LinearHead:
    sparse, LogisticRegression = _sklearn()
    matrix = sparse.hstack([design.sparse, sparse.csr_matrix(design.dense * params["dense"])]).tocsr()
    labels = design.labels
    # Balanced classes: UMSAB's test split is balanced while the extra English tweets are half neutral.
    counts = np.bincount(labels, weights=weights, minlength=3)
    weights = weights * (weights.sum() / (3 * np.maximum(counts, 1e-9)))[labels]
    clf = LogisticRegression(C=params["C"], max_iter=1000, tol=TOL)
    clf.fit(matrix, labels, sample_weight=weights)
    n_sparse = len(design.vectorizer.vocab)
    coef = clf.coef_.T.astype(np.float32)  # (features, 3)
    # The dense scale is folded into the weights, so scoring needs no extra parameter.
    return LinearHead(dict(design.vectorizer.vocab), design.vectorizer.idf, coef[:n_sparse],
                      coef[n_sparse:] * params["dense"], clf.intercept_.astype(np.float32))


def _weights(examples: Sequence[Example], extra_weight: float) -> np.ndarray:
    return np.array([extra_weight if ex.kind == "extra" else ex.weight for ex in examples])


def _prune(head: LinearHead, keep: float = 1e-3) -> LinearHead:
    """Drop features whose three weights are all negligible: a smaller file, the same predictions."""
    index = np.flatnonzero(np.abs(head.weights).max(axis=1) >= keep)
    terms = sorted(head.vocab, key=head.vocab.__getitem__)
    return LinearHead({terms[i]: j for j, i in enumerate(index)}, head.idf[index], head.weights[index],
                      head.dense_weights, head.bias)


def predict(head: LinearHead, examples: Sequence[Example]) -> list[int]:
    parsed = [Parsed(ex.text) for ex in examples]
    dense = np.array([dense_block(p) for p in parsed], dtype=np.float32)
    return np.argmax(head.logits(parsed, dense)[0], axis=1).tolist()


def macro_f1(gold: Sequence[int], pred: Sequence[int], classes: int = 3) -> float:
    """Mean F1 over the classes, in percent, as sklearn's f1_score(average="macro") computes it (a class
    never gold nor predicted scores 0); in numpy so `vigie eval` needs no scikit-learn."""
    g, p = np.asarray(gold), np.asarray(pred)
    scores = []
    for c in range(classes):
        tp = float(np.sum((g == c) & (p == c)))
        denominator = float(np.sum(g == c) + np.sum(p == c))
        scores.append(2 * tp / denominator if denominator else 0.0)
    return round(100 * sum(scores) / classes, 2)


def baseline(train: Sequence[Example], val: Sequence[Example]) -> dict[str, Any]:
    """Plain TF-IDF (word 1-2-grams) + logistic regression, C picked on val: the floor to beat."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    _, LogisticRegression = _sklearn()
    vec = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2))
    matrix = vec.fit_transform([ex.text for ex in train])
    val_matrix = vec.transform([ex.text for ex in val])
    best = (-1.0, 0.0)
    for c in (1.0, 3.0, 10.0):
        clf = LogisticRegression(C=c, max_iter=2000, class_weight="balanced").fit(matrix, [ex.label for ex in train])
        best = max(best, (macro_f1([ex.label for ex in val], clf.predict(val_matrix)), c))
    return {"macro_f1": best[0], "C": best[1]}


def train(umsab: Path, extra: Path | None, out: Path, corrections: Sequence[Example] = (),
          grids: dict[str, Sequence[dict[str, float]]] | None = None, refit: bool = True,
          progress: Callable[[str], None] = log.info) -> dict[str, Any]:
    """Per language: pick the setting with the best macro-F1 on UMSAB val, then (``refit``) retrain it
    on train + val. Writes one model file with a head per language to ``out`` and returns the report;
    val figures are those of the models before the refit."""
    chosen_grids: dict[str, Sequence[dict[str, float]]] = dict(grids or GRIDS)
    heads: dict[str, LinearHead] = {}
    report: dict[str, Any] = {"val": {}, "baseline_val": {}, "params": {}, "grid": {}}
    for language, code in LANGUAGES.items():
        texts, labels = read_split(umsab, language, "train")
        train_set = [Example(t, y, code) for t, y in zip(texts, labels, strict=True)]
        texts, labels = read_split(umsab, language, "val")
        val_set = [Example(t, y, code) for t, y in zip(texts, labels, strict=True)]
        extra_all: list[Example] = []
        extra_honest: list[Example] = []
        if code == "en" and extra:
            pair = read_extra(extra)
            extra_all = [Example(t, y, "en", 1.0, "extra") for t, y in zip(*pair, strict=True)]
            kept = drop_near_copies(*pair, [ex.text for ex in val_set])
            extra_honest = [Example(t, y, "en", 1.0, "extra") for t, y in zip(*kept, strict=True)]
            progress(f"extra tweets: {len(extra_all)}, {len(extra_honest)} after removing copies of val")
        mine = [ex for ex in corrections if ex.language in (code, None, "und")]
        selection = train_set + extra_honest + mine
        base = baseline(train_set + extra_honest, val_set)
        progress(f"{language}: baseline TF-IDF+LR on val {base}")
        design = Design.build(selection)
        progress(f"{language}: {len(selection)} examples, {len(design.vectorizer.vocab)} features")
        results = []
        for params in chosen_grids[language]:
            head = _fit(design, _weights(selection, params.get("extra_weight", 1.0)), params)
            score = macro_f1([ex.label for ex in val_set], predict(head, val_set))
            results.append((score, dict(params)))
            progress(f"{language}: {params} -> val macro-F1 {score}")
        score, chosen = max(results, key=lambda r: r[0])
        final_set = train_set + val_set + extra_all + mine if refit else selection
        final_design = Design.build(final_set) if refit else design
        heads[code] = _prune(_fit(final_design, _weights(final_set, chosen.get("extra_weight", 1.0)), chosen))
        report["val"][language], report["baseline_val"][language] = score, base
        report["params"][language] = chosen
        report["grid"][language] = [{"params": p, "val": s} for s, p in results]
    model = SentimentModel(heads, {
        "name": "vigie-sentiment-lr", "release": "1", "labels": list(LABELS), "feature_version": FEATURE_VERSION,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "trained_on": [x for x in ("umsab:train", "umsab:val" if refit else None,
                                   "tweeteval-sentiment-extra" if extra else None,
                                   f"corrections:{len(corrections)}" if corrections else None) if x],
        "val_macro_f1": report["val"], "val_baseline_tfidf_lr": report["baseline_val"],
        "params": report["params"], "refit_on_val": refit,
        "features": {code: len(head.vocab) for code, head in heads.items()},
    })
    meta = model.save(out)
    progress(f"model {meta['name']} {meta['version']} written to {out}")
    return {"model": model.name, **report, "refit_on_val": refit, "features": meta["features"], "out": str(out)}
