"""Language identification: ISO 639-1 code of a mention, or "und" when the text does not say. See docs/enrichment.md"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from vigie import hookimpl
from vigie.items import Mention

log = logging.getLogger(__name__)

UND = "und"
MIN_LETTERS = 10  # below this ("ok", "merci !", "lol") no identifier can tell; we say so instead of guessing
MIN_CONFIDENCE = 0.3  # probability over py3langid's 97 languages; lower means the text is ambiguous
CHUNK = 600  # characters per window of a long text
MAX_CHUNKS = 8  # windows read in a long article, spread over it: enough to find its languages, bounded cost
# Handles, links, hashtag signs and numbers say nothing about the language and mislead n-gram models.
_NOISE = re.compile(r"@\w+|https?://\S+|www\.\S+|\bhttp\b|[#\d_]+")
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    language: str  # ISO 639-1 code, or "und"
    confidence: float  # 0..1; 0 for "und" by length
    mixed: tuple[str, ...] = ()  # other languages holding at least a quarter of a long text


@cache
def _identifier() -> Any:
    # Loaded once per process (4.5 MB model shipped inside the py3langid wheel): nothing downloaded.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@cache
def model_name() -> str:
    try:
        return f"py3langid {version('py3langid')}"
    except PackageNotFoundError:  # pragma: no cover - the package is a dependency
        return "py3langid"


def clean(text: str) -> str:
    """The words of a text, without handles, links, hashtag signs or digits."""
    return " ".join(_NOISE.sub(" ", unicodedata.normalize("NFC", text)).split())


def _classify(text: str) -> tuple[str, float]:
    if len(_LETTER.findall(text)) < MIN_LETTERS:
        return UND, 0.0
    language, confidence = _identifier().classify(text)
    if confidence < MIN_CONFIDENCE:
        return UND, float(confidence)
    return str(language), float(confidence)


def _windows(text: str) -> list[str]:
    """Cut a long text at spaces into windows of about CHUNK characters; keep MAX_CHUNKS of them
    evenly spread, so a language that only appears at the end still counts."""
    out, start = [], 0
    while start < len(text):
        end = min(len(text), start + CHUNK)
        if end < len(text):
            space = text.rfind(" ", start + CHUNK // 2, end)
            end = space if space > 0 else end
        out.append(text[start:end])
        start = end + 1
    if len(out) > MAX_CHUNKS:
        step = len(out) / MAX_CHUNKS
        out = [out[int(i * step)] for i in range(MAX_CHUNKS)]
    return out


def detect(text: str) -> LanguageGuess:
    """Language of a text. Long texts are read in windows and the language holding the most
    letters wins; the others that hold a quarter or more are listed as ``mixed``."""
    words = clean(text or "")
    if len(words) <= CHUNK * 1.5:
        language, confidence = _classify(words)
        return LanguageGuess(language, confidence)
    weight: dict[str, float] = {}
    best: dict[str, float] = {}
    for window in _windows(words):
        language, confidence = _classify(window)
        if language == UND:
            continue
        weight[language] = weight.get(language, 0.0) + len(window)
        best[language] = max(best.get(language, 0.0), confidence)
    if not weight:
        return LanguageGuess(UND, 0.0)
    total = sum(weight.values())
    ranked = sorted(weight, key=weight.__getitem__, reverse=True)
    mixed = tuple(lang for lang in ranked[1:] if weight[lang] >= total / 4)
    return LanguageGuess(ranked[0], best[ranked[0]], mixed)


class LanguageAnalyzer:
    """Sets ``mention.language``. A language declared by the platform is kept when the text
    itself is too short or too ambiguous to tell; otherwise the text decides."""

    name = "language"

    def __init__(self, settings: Any = None) -> None:
        self.model = model_name()

    def process(self, mention: Mention) -> Mention:
        guess = detect(mention.body)
        if guess.language == UND and mention.language:
            return mention  # the platform's own tag is better than nothing, and is not ours to erase
        mention.language = guess.language
        mention.language_model = self.model
        return mention

    def process_batch(self, mentions: list[Mention]) -> list[Mention]:
        return [self.process(m) for m in mentions]


@hookimpl
def register_analyzers() -> list[type]:
    return [LanguageAnalyzer]
