"""Sentiment: negative / neutral / positive with a score in [-1, 1], from the built-in model or an optional
Hugging Face transformer; "not applicable" when a text carries no signal. See docs/sentiment.md"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from vigie import hookimpl
from vigie.enrich.sentiment_model import LABELS, MODEL_STEM, SentimentModel, shipped_model
from vigie.enrich.textfeatures import EMOJI_VALENCE
from vigie.exceptions import NotConfigured
from vigie.items import Mention

log = logging.getLogger(__name__)

SUPPORTED = frozenset({"fr", "en"})
CHUNK = 800  # characters per window of a long text (a few sentences: the model was trained on tweets)
MAX_CHUNKS = 16  # windows scored in one very long article, spread over its length
_SIGNAL = re.compile(r"[^\W\d_]{2,}")  # at least one real word
_WORD = re.compile(r"[^\W\d_]")


@dataclass(frozen=True, slots=True)
class SentimentResult:
    label: str | None  # negative, neutral, positive; None = not applicable
    score: float | None  # P(positive) - P(negative), in [-1, 1]
    probabilities: tuple[float, float, float] | None  # negative, neutral, positive
    model: str
    reason: str | None = None  # why it is not applicable: empty, no-signal, unsupported-language:xx

    @classmethod
    def not_applicable(cls, model: str, reason: str) -> SentimentResult:
        return cls(None, None, None, model, reason)


def windows(text: str, size: int = CHUNK, limit: int = MAX_CHUNKS) -> list[str]:
    """Cut a text at spaces into windows of about ``size`` characters; keep at most ``limit``,
    evenly spread, so the end of a long article counts as much as its start."""
    if len(text) <= size * 1.5:
        return [text]
    out, start = [], 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            space = text.rfind(" ", start + size // 2, end)
            end = space if space > 0 else end
        out.append(text[start:end])
        start = end + 1
    if len(out) > limit:
        step = len(out) / limit
        out = [out[int(i * step)] for i in range(limit)]
    return out


def emoji_probabilities(text: str) -> np.ndarray | None:
    """For a post with no word at all: probabilities from the emoji valence table, or None when none
    of its emoji is in the table. s = clip(valence / 3, -1, 1) gives (max(0, -s), 1 - |s|, max(0, s)),
    so the score is s and one clearly toned emoji is enough for a label."""
    values = [EMOJI_VALENCE[c] for c in text if c in EMOJI_VALENCE]
    if not values:
        return None
    s = max(-1.0, min(1.0, sum(values) / 3))
    return np.array([max(0.0, -s), 1 - abs(s), max(0.0, s)])


class BuiltinBackend:
    """The model shipped in vigie/enrich/models/ (or retrained into $VIGIE_HOME/models), in numpy."""

    languages = SUPPORTED

    def __init__(self, model: SentimentModel | None = None) -> None:
        self.model = model or shipped_model()
        self.name = self.model.name

    def batch(self, items: list[tuple[str, str | None]]) -> list[np.ndarray | None]:
        """Class probabilities per text: the mean over its windows weighted by length; None when no
        window holds a feature or lexicon signal the model knows (e.g. unknown emoji only)."""
        out: list[np.ndarray | None] = [None] * len(items)
        pieces: list[tuple[str, str | None]] = []
        owners: list[int] = []
        for i, (text, language) in enumerate(items):
            if not _WORD.search(text):
                # Emoji-only posts are rare in the training tweets; the hand-made table knows them better.
                out[i] = emoji_probabilities(text)
                if out[i] is not None:
                    continue
            for window in windows(text):
                pieces.append((window, language))
                owners.append(i)
        if not pieces:
            return out
        probs, known = self.model.probabilities(pieces)
        lengths = np.array([len(text) for text, _ in pieces], dtype=np.float64) * known
        owner = np.array(owners)
        totals = np.bincount(owner, weights=lengths, minlength=len(items))
        mean = np.stack([np.bincount(owner, weights=probs[:, k] * lengths, minlength=len(items))
                         for k in range(3)], axis=1)
        for i in set(owners):
            if totals[i] > 0:
                out[i] = mean[i] / totals[i]
        return out


class SentimentAnalyzer:
    """Sets ``mention.sentiment``, ``sentiment_score`` and ``sentiment_model``. Run it after the
    language analyzer: French and English texts use their language's head, texts of unknown language
    ("und", short posts) the mean of both, and other languages are "not applicable" unless the
    backend declares it reads every language (``languages = None``, the transformers backend)."""

    name = "sentiment"

    def __init__(self, settings: Any = None, backend: Any = None) -> None:
        if backend is None:
            backend = make_backend(settings)
        self.backend = backend
        self.model = backend.name
        self.languages: frozenset[str] | None = getattr(backend, "languages", SUPPORTED)

    def analyze(self, text: str, language: str | None = None) -> SentimentResult:
        return self.analyze_batch([(text, language)])[0]

    def analyze_batch(self, items: list[tuple[str, str | None]]) -> list[SentimentResult]:
        results: list[SentimentResult | None] = []
        todo: list[int] = []
        for i, (text, language) in enumerate(items):
            reason = self._inapplicable(text, language, self.languages)
            results.append(SentimentResult.not_applicable(self.model, reason) if reason else None)
            if not reason:
                todo.append(i)
        scored = self.backend.batch([items[i] for i in todo]) if todo else []
        for i, probs in zip(todo, scored, strict=True):
            if probs is None:
                results[i] = SentimentResult.not_applicable(self.model, "no-signal")
                continue
            p = tuple(round(float(x), 4) for x in probs)
            results[i] = SentimentResult(LABELS[int(np.argmax(probs))], round(p[2] - p[0], 4),
                                         (p[0], p[1], p[2]), self.model)
        return [r for r in results if r is not None]

    @staticmethod
    def _inapplicable(text: str, language: str | None, languages: frozenset[str] | None) -> str | None:
        if not text or not text.strip():
            return "empty"
        if language and language != "und" and languages is not None and language not in languages:
            return f"unsupported-language:{language}"
        if not _SIGNAL.search(text) and not any(ord(c) >= 0x2190 for c in text) and not re.search(r"[:;=<]", text):
            return "no-signal"
        return None

    def process(self, mention: Mention) -> Mention:
        return self.process_batch([mention])[0]

    def process_batch(self, mentions: list[Mention]) -> list[Mention]:
        results = self.analyze_batch([(m.body, m.language) for m in mentions])
        for mention, result in zip(mentions, results, strict=True):
            mention.sentiment = result.label
            mention.sentiment_score = result.score
            mention.sentiment_model = result.model
            if result.reason:
                log.debug("sentiment not applicable to %s: %s", mention.external_id, result.reason)
        return mentions


def make_backend(settings: Any = None) -> Any:
    """The backend named by the ``sentiment_backend`` setting ("builtin" or "transformers")."""
    kind = (settings.get("sentiment_backend", "builtin") if settings is not None else "builtin") or "builtin"
    if kind == "builtin":
        # A model retrained with this installation's corrections (`vigie train sentiment`) wins.
        local = getattr(settings, "home", None)
        if local is not None and (local / "models" / f"{MODEL_STEM}.json").exists():
            return BuiltinBackend(SentimentModel.load(local / "models"))
        return BuiltinBackend()
    if kind == "transformers":
        from vigie.enrich.sentiment_hf import TransformersBackend

        model = settings.get("sentiment_model", "") if settings is not None else ""
        if not model:
            raise NotConfigured("sentiment_backend is transformers: set sentiment_model to a model id or path")
        return TransformersBackend(model)
    raise NotConfigured(f"unknown sentiment_backend {kind!r}; use builtin or transformers")


@hookimpl
def register_analyzers() -> list[type]:
    return [SentimentAnalyzer]
