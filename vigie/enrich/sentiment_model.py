"""The built-in sentiment model: one linear head per language over sparse text features and lexicon
signals, stored as numpy arrays plus a JSON vocabulary, scored in numpy. See docs/sentiment.md"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
from defusedxml import ElementTree

from vigie.enrich.textfeatures import FEATURE_VERSION, Parsed, fold, lexicon_features, word_features
from vigie.exceptions import NotConfigured

log = logging.getLogger(__name__)

LABELS = ("negative", "neutral", "positive")
MODEL_DIR = Path(__file__).parent / "models"
MODEL_STEM = "sentiment"  # models/sentiment.npz + models/sentiment.json
_ARRAYS = ("idf", "weights", "dense_weights", "bias")


def _package_file(distribution: str, path: str) -> str | None:
    """Text of a data file inside an installed package, found without importing the package."""
    try:
        located = Path(str(metadata.distribution(distribution).locate_file(path)))
        return located.read_text(encoding="utf-8")
    except (metadata.PackageNotFoundError, OSError):
        log.warning("%s is not installed: sentiment runs without its lexicon signals", distribution)
        return None


@cache
def vader_lexicon() -> tuple[dict[str, float], dict[str, float]]:
    """English word -> valence and emoji -> valence from the vaderSentiment package (MIT), read from
    the installed wheel's own files: nothing is copied into Vigie and nothing is downloaded."""
    words: dict[str, float] = {}
    for line in (_package_file("vaderSentiment", "vaderSentiment/vader_lexicon.txt") or "").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            words[parts[0].lower()] = float(parts[1])
    emoji: dict[str, float] = {}
    for line in (_package_file("vaderSentiment", "vaderSentiment/emoji_utf8_lexicon.txt") or "").splitlines():
        parts = line.split("\t")
        if len(parts) == 2:
            # An emoji's valence is that of the words describing it ("smiling face with heart-eyes").
            values = [words[w] for w in parts[1].lower().split() if w in words]
            if values:
                emoji[parts[0]] = sum(values)
    return words, emoji


@cache
def french_lexicon() -> dict[str, float]:
    """French adjective -> polarity from the textblob-fr package (MIT; the lexicon comes from Pattern,
    BSD), averaged over senses and put on VADER's -4..4 scale; keys folded like the model's words."""
    text = _package_file("textblob-fr", "textblob_fr/fr-sentiment.xml")
    if not text:
        return {}
    senses: dict[str, list[float]] = {}
    for node in ElementTree.fromstring(text).iter("word"):
        form, polarity = node.get("form"), node.get("polarity")
        if form and polarity:
            senses.setdefault(fold(form.lower()), []).append(float(polarity))
    return {word: 4 * sum(values) / len(values) for word, values in senses.items()}


def dense_block(text: str | Parsed) -> list[float]:
    """Lexicon signals: six from the English lexicon (and emoji), six from the French one."""
    parsed = text if isinstance(text, Parsed) else Parsed(text)
    words, emoji = vader_lexicon()
    return lexicon_features(parsed, words, emoji) + lexicon_features(parsed, french_lexicon(), {})[:5]


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax of a (n, classes) array."""
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


@dataclass
class LinearHead:
    """Sublinear TF-IDF (L2-normalised) sparse features plus scaled lexicon signals -> 3 logits."""

    vocab: dict[str, int]
    idf: np.ndarray  # (n_features,)
    weights: np.ndarray  # (n_features, 3)
    dense_weights: np.ndarray  # (n_dense, 3), the dense scale already folded in
    bias: np.ndarray  # (3,)

    # Per-word feature indices: words repeat (Zipf), so a word's 3-5-grams are looked up once.
    _words: dict[str, list[int]] = field(default_factory=dict, repr=False, compare=False)

    def indices(self, parsed: Parsed) -> list[int]:
        """Vocabulary indices of a text's known features, repeats included: the same multiset as
        textfeatures.features(), which training counts."""
        vocab, cache = self.vocab, self._words
        found = [i for i in map(vocab.get, parsed.extras) if i is not None]
        for word in parsed.words:
            known = cache.get(word)
            if known is None:
                known = [i for i in map(vocab.get, word_features(word)) if i is not None]
                if len(cache) < 200_000:
                    cache[word] = known
            found += known
        return found

    def tfidf(self, texts: Sequence[Parsed]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Sublinear TF-IDF, L2-normalised per text, of a batch as (row, column, value) triplets.
        One sort for the whole batch instead of a Counter and a dozen numpy calls per text."""
        rows: list[int] = []
        cols: list[int] = []
        for r, parsed in enumerate(texts):
            found = self.indices(parsed)
            rows += [r] * len(found)
            cols += found
        if not cols:
            empty = np.empty(0, dtype=np.int64)
            return empty, empty, np.empty(0, dtype=np.float32)
        size = np.int64(len(self.vocab))
        keys, counts = np.unique(np.array(rows, np.int64) * size + np.array(cols, np.int64), return_counts=True)
        row, col = keys // size, keys % size
        values = (1.0 + np.log(counts.astype(np.float32))) * self.idf[col]
        norms = np.sqrt(np.bincount(row, weights=values * values, minlength=len(texts)))
        return row, col, (values / norms[row]).astype(np.float32)

    def logits(self, texts: Sequence[Parsed], dense: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Class logits (n, 3) of a batch, and how many sparse features each text had in the vocabulary."""
        n = len(texts)
        row, col, values = self.tfidf(texts)
        out = dense @ self.dense_weights + self.bias
        if len(row):
            contrib = self.weights[col] * values[:, None]
            for k in range(out.shape[1]):
                out[:, k] += np.bincount(row, weights=contrib[:, k], minlength=n)
        return out, np.bincount(row, minlength=n)


@dataclass
class SentimentModel:
    """One head per language (``fr``, ``en``); text of unknown language gets the mean of the heads."""

    heads: dict[str, LinearHead]
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """Model name and version, as stored next to each score."""
        return f"{self.meta.get('name', 'vigie-sentiment')} {self.meta.get('version', '0')}"

    def probabilities(self, items: Sequence[tuple[str, str | None]]) -> tuple[np.ndarray, np.ndarray]:
        """Class probabilities (n, 3) of (text, language) pairs, and whether each text held any
        signal the model knows. French and English use their head; other texts the mean of all."""
        parsed = [Parsed(text) for text, _ in items]
        dense = np.array([dense_block(p) for p in parsed], dtype=np.float32).reshape(len(items), -1)
        probs = np.zeros((len(items), 3))
        known = np.zeros(len(items), bool)
        if dense.size:
            known |= np.asarray(dense.any(axis=1), bool)
        shared = [i for i, (_, language) in enumerate(items) if language not in self.heads]
        for language, head in self.heads.items():
            rows = [i for i, (_, lang) in enumerate(items) if lang == language] + shared
            if not rows:
                continue
            logits, found = head.logits([parsed[i] for i in rows], dense[rows])
            share = np.where(np.isin(rows, shared), 1 / len(self.heads), 1.0)[:, None]
            probs[rows] += softmax(logits) * share
            known[rows] |= found > 0
        return probs, known

    # -- storage -----------------------------------------------------------------------
    def save(self, directory: Path, stem: str = MODEL_STEM) -> dict[str, Any]:
        """Write <stem>.npz (arrays, per head) and <stem>.json (vocabularies in index order + metadata).
        The version ends with a hash of both, so two different models never share a name."""
        directory.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, np.ndarray] = {}
        vocabularies: dict[str, list[str]] = {}
        digest = hashlib.sha256()
        for language, head in sorted(self.heads.items()):
            terms = [""] * len(head.vocab)
            for term, index in head.vocab.items():
                terms[index] = term
            vocabularies[language] = terms
            arrays.update({f"{language}.idf": head.idf.astype(np.float32),
                           f"{language}.weights": head.weights.astype(np.float16),  # halves the file
                           f"{language}.dense_weights": head.dense_weights.astype(np.float32),
                           f"{language}.bias": head.bias.astype(np.float32)})
            digest.update(json.dumps(terms, ensure_ascii=False).encode())
        for key in sorted(arrays):
            digest.update(arrays[key].tobytes())
        self.meta["version"] = f"{self.meta.get('release', '1')}+{digest.hexdigest()[:8]}"
        np.savez_compressed(directory / f"{stem}.npz", **arrays)  # type: ignore[arg-type]
        doc = {"meta": self.meta, "vocabularies": vocabularies}
        (directory / f"{stem}.json").write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")),
                                                encoding="utf-8")
        return self.meta

    @classmethod
    def load(cls, directory: Path = MODEL_DIR, stem: str = MODEL_STEM) -> SentimentModel:
        doc = json.loads((directory / f"{stem}.json").read_text(encoding="utf-8"))
        if doc["meta"].get("feature_version") != FEATURE_VERSION:
            raise NotConfigured(f"the sentiment model in {directory} was trained on features version "
                                f"{doc['meta'].get('feature_version')}, this Vigie computes version "
                                f"{FEATURE_VERSION}: run `vigie train sentiment` again")
        heads = {}
        with np.load(directory / f"{stem}.npz", allow_pickle=False) as arrays:
            for language, terms in doc["vocabularies"].items():
                parts = {name: arrays[f"{language}.{name}"].astype(np.float32) for name in _ARRAYS}
                heads[language] = LinearHead(vocab={t: i for i, t in enumerate(terms)}, **parts)
        return cls(heads, doc["meta"])


@cache
def shipped_model() -> SentimentModel:
    """The model shipped in the package (loaded once per process)."""
    return SentimentModel.load()
