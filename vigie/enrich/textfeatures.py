"""Text normalisation and the sparse features of the built-in sentiment model (training and inference share
this code, so what the model saw is exactly what it gets). See docs/sentiment.md"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from collections.abc import Mapping

# Bump when features() or the lexicon signals change: a model trained on other features must be retrained.
FEATURE_VERSION = 2
# Tweets in some corpora keep JSON escapes ("\u2019") and CSV doubled quotes; real text does not.
_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_URL = re.compile(r"https?://\S+|\bwww\.\S+|\bhttp\b")
_USER = re.compile(r"@\w+")
_REPEAT = re.compile(r"(\w)\1{2,}")
_SHOUT = re.compile(r"\b[A-ZÀ-Ý]{3,}\b")
EMOTICON = re.compile(
    r"(?:[:;=8xX][\-o*']?[)\](\[dDpP/\\|@3]+|[)\](\[]+[\-o*']?[:;=]|<3+|\^\^|\^_\^|-_-|:'\()")
_HASHTAG = re.compile(r"#(\w+)")
_TOKEN = re.compile(r"#?\w+(?:['’]\w+)?|[!?]+|[^\w\s]")
NEGATORS = frozenset({
    "not", "no", "never", "nothing", "nobody", "none", "nor", "cannot", "dont", "don't", "doesn't",
    "didn't", "isn't", "wasn't", "aren't", "won't", "can't", "couldn't", "shouldn't", "wouldn't", "ain't",
    "ne", "n", "pas", "jamais", "rien", "aucun", "aucune", "personne", "sans", "ni",
})
CLAUSE_END = frozenset(".,;:!?")
# Valence of the emoji that carry most tone on social media, assigned by hand for Vigie (-2..2):
# on their own (a post that is only emoji) they decide; in text they are one more signal.
EMOJI_VALENCE = {
    **dict.fromkeys("😍🥰😘❤💕💖💗💙💚💛💜🧡😊☺😁😀😃😄😆🤩🎉🥳👏🙌🙏👍💪✨🌟⭐💯🔥😎🤗😻🏆🥇👌✌", 2.0),
    **dict.fromkeys("😂🤣😅😉😋😜😛🙂😌", 1.0),
    **dict.fromkeys("😐😑😶🤔🤷😮😯😲😬", 0.0),
    **dict.fromkeys("😕🙁☹😟😒🙄😏😪😓😥😰", -1.0),
    **dict.fromkeys("😡🤬😠👎😤💩😞😢😭😔🤮🤢😱😩😫💔😣😖😨😧🖕", -2.0),
}
_FOLD_CACHE: dict[str, str] = {}


def normalize(text: str) -> str:
    """Undo corpus escapes, unescape HTML, and replace links and handles by placeholders."""
    if "\\u" in text:
        text = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    if "&" in text:
        text = html.unescape(text)
    text = text.replace('""', '"')
    return _USER.sub(" @user ", _URL.sub(" http ", text))


def fold(word: str) -> str:
    """Lower-case word without accents ("Été" -> "ete"): spelling of accents varies a lot on social media."""
    found = _FOLD_CACHE.get(word)
    if found is None:
        found = "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")
        if len(_FOLD_CACHE) < 200_000:
            _FOLD_CACHE[word] = found
    return found


class Parsed:
    """One pass over a text: what both the sparse features and the lexicon signals read."""

    __slots__ = ("text", "raw", "words", "extras")

    def __init__(self, text: str) -> None:
        text = normalize(text)
        self.text = text
        self.raw: list[str] = []  # lower-case tokens, repeats cut to two ("sooo" -> "soo"), no "#"
        self.words: list[str] = []  # the same, folded (no accents)
        for token in _TOKEN.findall(_REPEAT.sub(r"\1\1", text.lower())):
            if token[0] == "#" and len(token) > 1:
                token = token[1:]
            word = fold(token)
            if word:
                self.raw.append(token)
                self.words.append(word)
        extras = ["E:" + m for m in EMOTICON.findall(text)]
        if _REPEAT.search(text):
            extras.append("S:elongated")
        if _SHOUT.search(text):
            extras.append("S:caps")
        if "!" in text:
            extras.append("S:!")
        if "?" in text:
            extras.append("S:?")
        if "#" in text:
            extras += ["H:" + fold(h.lower()) for h in _HASHTAG.findall(text)]
        words = self.words
        extras += ["B:" + a + " " + b for a, b in zip(words, words[1:], strict=False)]
        self.extras = extras


def word_features(word: str) -> list[str]:
    """The features one word brings wherever it appears: itself and its letter 3-5-grams."""
    feats = ["W:" + word]
    if len(word) >= 3 and word[0].isalnum():
        padded = "<" + word + ">"
        size = len(padded)
        for n in (3, 4, 5):
            feats += ["C:" + padded[i:i + n] for i in range(size - n + 1)]
    return feats


def features(text: str | Parsed) -> list[str]:
    """Sparse feature names of one text: words, word pairs, letter 3-5-grams, hashtags, emoticons,
    emoji and a few style signals (a multiset: repeats count)."""
    parsed = text if isinstance(text, Parsed) else Parsed(text)
    feats = list(parsed.extras)
    for word in parsed.words:
        feats += word_features(word)
    return feats


def lexicon_features(text: str | Parsed, lexicon: Mapping[str, float], emoji: Mapping[str, float]) -> list[float]:
    """Dense signals from a valence lexicon, with negation flipping the next three words:
    log positive mass, log negative mass, their difference, any positive, any negative, emoji valence."""
    parsed = text if isinstance(text, Parsed) else Parsed(text)
    pos = neg = 0.0
    npos = nneg = 0
    negating = 0
    for token, word in zip(parsed.raw, parsed.words, strict=True):
        if word in CLAUSE_END:
            negating = 0
        value = lexicon.get(token)
        if value is None:
            value = lexicon.get(word)
        if value is not None:
            if negating:
                value *= -0.74  # VADER's own damping of negated valence
            if value > 0:
                pos, npos = pos + value, npos + 1
            elif value < 0:
                neg, nneg = neg - value, nneg + 1
        if word in NEGATORS or word.endswith("n't"):
            negating = 3
        elif negating:
            negating -= 1
    mood = sum(EMOJI_VALENCE.get(c, emoji.get(c, 0.0)) for c in parsed.text if ord(c) >= 0x2190)
    lp, ln = math.log1p(pos), math.log1p(neg)
    return [lp, ln, lp - ln, float(npos > 0), float(nneg > 0), math.copysign(math.log1p(abs(mood)), mood)]
