"""Text folding and tokenising shared by watches, dedup and search: case- and accent-insensitive. See docs/queries.md"""

from __future__ import annotations

import re
import unicodedata

_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# Letters NFKD does not decompose but people type without their accent.
_EXTRA = str.maketrans({"ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ł": "l", "Ł": "l", "ß": "ss",
                        "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "’": "'", "ı": "i"})
TOKEN = re.compile(r"\w+")


def fold(text: str) -> str:
    """Lower-case and strip accents: "HYDRO-QUÉBEC" -> "hydro-quebec"."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text.translate(_EXTRA))
    return _COMBINING.sub("", text).lower()


def tokens(text: str) -> list[str]:
    """Folded word tokens; punctuation and hyphens separate words."""
    return TOKEN.findall(fold(text))
