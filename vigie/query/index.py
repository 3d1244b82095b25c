"""WatchIndex: match one Doc against many watches, skipping those whose required words are absent. See docs/queries.md"""

from __future__ import annotations

from collections.abc import Iterable

from vigie.exceptions import QuerySyntaxError
from vigie.query.doc import Doc
from vigie.query.matcher import Predicate, Query, compile_query, is_wild
from vigie.query.nodes import And, Field, Near, Node, Or, Term
from vigie.text import tokens

# An anchor is something a document must show for a watch to have a chance:
# ("w", word), ("p", first three letters of a wildcard word), ("s", domain), ("a", author), ("l", lang).
Anchor = tuple[str, str]
PREFIX = 3

# Words so common that indexing a watch under them saves little; used only to pick the best anchor.
_COMMON = frozenset("""a au aux avec ce ces dans de des du elle en est et il je la le les leur mais
ne on ou par pas pour qu que qui sa se ses son sur un une vous nous the of and to in is it for on
that with as at by be this are was from or an not have has""".split())


def requirement(node: Node) -> frozenset[Anchor] | None:
    """Anchors of which any match shows at least one, or None when a match may show none (NOT, lone wildcards)."""
    if isinstance(node, Term):
        literals = [p for p in node.parts if not is_wild(p)]
        if literals:
            return frozenset({("w", max(literals, key=_rarity))})
        prefixes = [_prefix(p) for p in node.parts]
        best = max((p for p in prefixes if p), key=len, default=None)
        return frozenset({("p", best[:PREFIX])}) if best else None
    if isinstance(node, Field):
        if node.name == "author":
            return frozenset({("a", node.value), ("a", " ".join(tokens(node.value)))} - {("a", "")})
        return frozenset({(node.name[0], node.value)})
    if isinstance(node, Near):
        return _cheapest([requirement(node.left), requirement(node.right)])
    if isinstance(node, And):
        return _cheapest([requirement(c) for c in node.children])
    if isinstance(node, Or):
        branches = [requirement(c) for c in node.children]
        if any(b is None for b in branches):
            return None
        return frozenset().union(*branches)  # type: ignore[arg-type]
    return None  # NOT: absence cannot be looked up


def _prefix(part: str) -> str:
    """Letters before the first wildcard, if enough to narrow the search."""
    cut = min((i for i in (part.find("*"), part.find("?")) if i >= 0), default=len(part))
    return part[:cut] if cut >= PREFIX else ""


def _rarity(word: str) -> tuple[bool, int]:
    return (word not in _COMMON, len(word))


def _weight(anchor: Anchor) -> float:
    """Rough share of mentions showing the anchor; lower is better."""
    kind, key = anchor
    if kind == "w":
        return 1.0 if key in _COMMON else 0.5 ** min(len(key), 6)
    return {"p": 0.1, "s": 0.05, "a": 0.01, "l": 1.0}[kind]


def _cheapest(options: list[frozenset[Anchor] | None]) -> frozenset[Anchor] | None:
    known = [o for o in options if o is not None]
    return min(known, key=lambda o: sum(_weight(a) for a in o), default=None)


class WatchIndex:
    """Many watches, matched together. Build it once per change of watches; ``match`` is the hot path.

    Each watch is filed under the anchors of its cheapest requirement; ``match`` looks up the
    document's words (and host, author, language) among those keys and evaluates only the
    watches found, plus those without a requirement (``NOT spam``, ``*quebec``).
    """

    def __init__(self, watches: Iterable[tuple[int, str]], skip_invalid: bool = False) -> None:
        self.queries: dict[int, Query] = {}
        self.errors: dict[int, QuerySyntaxError] = {}  # filled only with skip_invalid=True
        self._slots: list[tuple[int, Predicate]] = []
        self._always: list[int] = []
        self._keys: dict[str, dict[str, list[int]]] = {k: {} for k in "wpsal"}
        for watch_id, text in watches:
            try:
                query = compile_query(text)
            except QuerySyntaxError as exc:
                if not skip_invalid:
                    raise
                self.errors[watch_id] = exc
                continue
            self.queries[watch_id] = query
            slot = len(self._slots)
            self._slots.append((watch_id, query.predicate))
            anchors = requirement(query.node)
            if anchors is None:
                self._always.append(slot)
            for kind, key in anchors or ():
                self._keys[kind].setdefault(key, []).append(slot)
        self._unique = len(self.queries) == len(self._slots)
        self._words = self._keys["w"]
        self._word_keys = frozenset(self._words)
        # " hyd" in " hydro panne ..." is a C substring search; a stray hit only costs an evaluation.
        self._prefixes = [(" " + key, slots) for key, slots in self._keys["p"].items()]
        self._fields = [(attr, frozenset(self._keys[kind]), self._keys[kind])
                        for kind, attr in (("s", "hosts"), ("a", "authors"), ("l", "langs"))
                        if self._keys[kind]]

    def __len__(self) -> int:
        return len(self._slots)

    def match(self, doc: Doc) -> list[int]:
        """Ids of the watches the document matches, ascending."""
        words = self._words
        candidates = set(self._always)
        for word in self._word_keys.intersection(doc.words):
            candidates.update(words[word])
        if self._prefixes:
            text = doc.folded  # each word after a space: " hyd" in it iff a word starts with "hyd"
            for key, prefixed in self._prefixes:
                if key in text:
                    candidates.update(prefixed)
        for attr, key_set, keys in self._fields:
            for key in key_set.intersection(getattr(doc, attr)):
                candidates.update(keys[key])
        if not candidates:
            return []
        slots = self._slots
        found = [watch_id for watch_id, matches in (slots[i] for i in candidates) if matches(doc)]
        found.sort()
        return found if self._unique else sorted(set(found))
