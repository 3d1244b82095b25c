"""Text folding and tokenising shared by watches, dedup and search: case- and accent-insensitive. See docs/queries.md"""

from __future__ import annotations

import re
import unicodedata

_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# Letters NFKD does not decompose but people type without their accent.
_EXTRA = str.maketrans({"ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ł": "l", "Ł": "l", "ß": "ss",
                        "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "’": "'", "ı": "i"})
TOKEN = re.compile(r"\w+")


_EXTRA_CHARS = re.compile("[" + re.escape("".join(chr(c) for c in _EXTRA)) + "]")
_EXTRA_MAP = {chr(k): v for k, v in _EXTRA.items()}


def fold(text: str) -> str:
    """Lower-case and strip accents: "HYDRO-QUÉBEC" -> "hydro-quebec"."""
    if text.isascii():
        return text.lower()
    # translate() costs ~50 ns a character even when nothing changes; substitute only the hits.
    text = _EXTRA_CHARS.sub(lambda m: str(_EXTRA_MAP[m.group()]), text)
    text = unicodedata.normalize("NFKD", text)
    return _COMBINING.sub("", text).lower()


def _latin_byte(code: int) -> int:
    """What a Latin-1 character becomes in word_text(): its one folded ASCII letter or digit, a
    space when it folds to no word character (punctuation, « », no-break space), else 255."""
    folded = fold(chr(code))
    if not TOKEN.search(folded):
        return 32
    return ord(folded) if len(folded) == 1 and folded.isascii() else 255


# Latin-1 text folds character by character (none of it is a mark, Σ or a sequence NFKD reorders),
# so one bytes.translate() does fold() and the split into words at once.
_LATIN_WORDS = bytes(_latin_byte(c) for c in range(256))


# Characters outside Latin-1 that French text is full of: ’ and œ replaced as fold() does, and
# punctuation that is no part of a word as a space. Each decomposes to no mark and keeps its place
# in fold(), as a non-word character; with no Σ left (the table checks) lower() needs no context.
_FRENCH_EXTRA = (("’", "'"), ("œ", "oe"), ("Œ", "oe"), ("“", " "), ("”", " "), ("‘", " "), ("–", " "),
                 ("—", " "), ("…", " "), ("\u202f", " "), ("\u2009", " "))


def word_text(text: str) -> str | None:
    """The folded text with every non-word character a space, when the table can tell, else None.

    ``word_text(text).split() == tokens(text)``, in a few C passes, for ASCII and Latin-1 text once
    ’ œ “ ” — are replaced: nearly all French and English. Emoji and other scripts give None.
    """
    if text.isascii():
        return text.encode("ascii").translate(_LATIN_WORDS).decode("ascii")
    latin = text.encode("latin-1", "ignore")
    if len(latin) != len(text):
        for char, replacement in _FRENCH_EXTRA:
            if char in text:
                text = text.replace(char, replacement)
        latin = text.encode("latin-1", "ignore")
        if len(latin) != len(text):
            return None
    words = latin.translate(_LATIN_WORDS)
    return words.decode("ascii") if words.isascii() else None  # 255: ß æ ½... fold to several characters


def title_and_text(title: str | None, text: str | None) -> str:
    """What a mention says: its title and text on two lines, or whichever it has."""
    return f"{title}\n{text}" if title and text else (title or text or "")


def tokens(text: str) -> list[str]:
    """Folded word tokens; punctuation and hyphens separate words."""
    words = word_text(text)
    return words.split() if words is not None else TOKEN.findall(fold(text))
