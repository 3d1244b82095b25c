"""A mention prepared once for matching: folded tokens, lazily their positions, host, author and language. See docs/queries.md"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from vigie.text import fold, tokens, word_text

_HOST = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//(?:[^/?#@]*@)?(\[[^\]]*\]|[^/?#:]*)|^([^/?#:]*)")
_EMPTY: frozenset[str] = frozenset()
# Text whose folded form is not ASCII (Greek, Cyrillic, CJK...) is folded chunk by chunk: NFKD and
# accent stripping run per character, and the same space-separated chunks recur between mentions.
_CHUNKS: dict[str, tuple[str, ...]] = {}
CHUNK_CACHE_SIZE = 100_000  # about 20 MB at most
CHUNK_MAX_LENGTH = 40  # longer chunks (links, hashes) rarely recur


def fast_tokens(text: str) -> list[str]:
    """Exactly vigie.text.tokens(text): in a few C passes when the folded text is ASCII (see
    vigie.text.word_text), else folding each distinct whitespace-separated chunk once."""
    words = word_text(text)
    if words is not None:
        return words.split()
    return _chunk_tokens(text)


def _chunk_tokens(text: str) -> list[str]:
    """Splitting first is safe: no whitespace character folds into a letter or into nothing, NFKD
    never reorders marks across a space, and lower-casing (final sigma) looks no further than one."""
    cache = _CHUNKS
    out: list[str] = []
    for chunk in text.split():
        found = cache.get(chunk)
        if found is None:
            found = tuple(tokens(chunk))
            if len(chunk) <= CHUNK_MAX_LENGTH:
                if len(cache) >= CHUNK_CACHE_SIZE:
                    cache.clear()  # crude, but a refill is cheap and memory stays bounded
                cache[chunk] = found
        out += found
    return out


class Doc:
    """The matching view of one mention. Build it with ``Doc.build`` and share it between all watches.

    Only the token set is computed up front: most mentions match no watch and are rejected on
    it alone. Positions (for phrases and NEAR), the folded text (for prefixes and wildcards) and the
    host/author/language keys are computed on first use.
    """

    __slots__ = ("tokens", "words", "url", "author", "author_name", "language",
                 "_positions", "_at", "_joined", "_folded", "_hosts", "_authors", "_langs")

    def __init__(self, tokens: list[str], url: str | None = None, author: str | None = None,
                 author_name: str | None = None, language: str | None = None) -> None:
        self.tokens = tokens
        self.words = frozenset(tokens)
        self.url = url
        self.author = author
        self.author_name = author_name
        self.language = language
        self._positions: dict[str, list[int]] | None = None
        self._at: dict[str, list[int]] | None = None
        self._joined: str | None = None
        self._folded: str | None = None
        self._hosts: frozenset[str] | None = None
        self._authors: frozenset[str] | None = None
        self._langs: frozenset[str] | None = None

    @classmethod
    def build(cls, text: str, url: str | None = None, author: str | None = None,
              author_name: str | None = None, language: str | None = None) -> Doc:
        """Tokenise ``text`` once (pass title and body together) and keep the metadata for fields."""
        words = word_text(text) if text else None
        if words is None:
            return cls(_chunk_tokens(text) if text else [], url, author, author_name, language)
        doc = cls(words.split(), url, author, author_name, language)
        doc._folded = " " + words  # the tokeniser's own string: no join needed for prefixes and wildcards
        return doc

    @classmethod
    def from_mention(cls, mention: Any) -> Doc:
        """Build from a vigie.items.Mention: title and text, url, author handle and name, language."""
        text = f"{mention.title}\n{mention.text}" if mention.title else mention.text or ""
        return cls.build(text, mention.url, mention.author_handle, mention.author_name, mention.language)

    @property
    def positions(self) -> dict[str, list[int]]:
        """Each word's positions in the text, ascending."""
        if self._positions is None:
            positions: dict[str, list[int]] = {}
            for i, word in enumerate(self.tokens):
                found = positions.get(word)
                if found is None:
                    positions[word] = [i]
                else:
                    found.append(i)
            self._positions = positions
        return self._positions

    def where(self, word: str) -> list[int]:
        """The positions of one word, ascending (empty when absent): what a phrase needs of its
        rarest word, found by C scans of the token list instead of indexing every word."""
        at = self._at
        if at is None:
            at = self._at = {}
        found = at.get(word)
        if found is None:
            found = at[word] = []
            if word in self.words:
                index, i = self.tokens.index, -1
                try:
                    while True:
                        i = index(word, i + 1)
                        found.append(i)
                except ValueError:
                    pass
        return found

    @property
    def folded(self) -> str:
        """The words in text order, each after a space (runs of separators possible): " hyd" in it
        tells whether a word starts with "hyd", and a wildcard regex searches all words at once."""
        if self._folded is None:
            self._folded = " " + " ".join(self.tokens)
        return self._folded

    @property
    def joined(self) -> str:
        """The distinct words separated by spaces, so one regex search tests a wildcard against all."""
        if self._joined is None:
            self._joined = " ".join(self.words)
        return self._joined

    @property
    def hosts(self) -> frozenset[str]:
        """The URL host and each parent domain: www.lapresse.ca -> {www.lapresse.ca, lapresse.ca, ca}."""
        if self._hosts is None:
            self._hosts = _host_suffixes(self.url)
        return self._hosts

    @property
    def authors(self) -> frozenset[str]:
        """Folded forms an author: value may equal: handle without @, its local part, the name's words."""
        if self._authors is None:
            self._authors = _author_keys(self.author, self.author_name)
        return self._authors

    @property
    def langs(self) -> frozenset[str]:
        """The language tag and its primary subtag: fr-CA -> {fr-ca, fr}."""
        if self._langs is None:
            self._langs = _lang_keys(self.language) if self.language else _EMPTY
        return self._langs

    def __repr__(self) -> str:
        return f"Doc({' '.join(self.tokens[:12])!r}{'...' if len(self.tokens) > 12 else ''}, url={self.url!r})"


def _host_suffixes(url: str | None) -> frozenset[str]:
    if not url:
        return _EMPTY
    found = _HOST.match(url.strip().lower())
    host = (found.group(1) or found.group(2) or "") if found else ""
    return _domains(host) if host else _EMPTY


@lru_cache(maxsize=4096)
def _domains(host: str) -> frozenset[str]:
    host = fold(host).strip(".")
    if not host:
        return _EMPTY
    labels = host.split(".")
    return frozenset(".".join(labels[i:]) for i in range(len(labels)))


@lru_cache(maxsize=256)
def _lang_keys(language: str) -> frozenset[str]:
    tag = language.strip().lower().replace("_", "-")
    return frozenset({tag, tag.split("-", 1)[0]}) - {""}


@lru_cache(maxsize=65536)  # authors recur; their keys cost two folds
def _author_keys(handle: str | None, name: str | None) -> frozenset[str]:
    keys: set[str] = set()
    if handle:
        folded = " ".join(fold(handle).strip().lstrip("@").split())
        if folded:
            keys.add(folded)
            keys.add(" ".join(tokens(folded)))
            # Fediverse user@instance and Bluesky user.bsky.social answer to their local part too.
            keys.add(folded.split("@", 1)[0])
            keys.add(folded.removesuffix(".bsky.social"))
    if name:
        keys.add(" ".join(fold(name).split()))
        keys.add(" ".join(tokens(name)))
    keys.discard("")
    return frozenset(keys)
