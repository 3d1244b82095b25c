"""Compile a watch-query tree into a predicate over a Doc: closures, regexes built once. See docs/queries.md"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable

from vigie.query.doc import Doc
from vigie.query.nodes import And, Field, Near, Node, Not, Or, Term, walk
from vigie.query.parser import parse
from vigie.text import tokens

Predicate = Callable[[Doc], bool]
Span = tuple[int, int]  # first and last word position, inclusive
Spans = Callable[[Doc], list[Span]]


def is_wild(part: str) -> bool:
    return "*" in part or "?" in part


def wildcard_pattern(part: str) -> str:
    """A regex for one wildcard word that cannot backtrack badly on long tokens.

    ``qu?bec*`` -> ``qu\\wbec\\w*``. Each piece between two ``*`` is taken at its leftmost
    place, inside an atomic group: a glob matches iff that greedy choice does, so the engine
    never tries the other places (which made ``a*a*a*b`` polynomial in the token length).
    """
    pieces = [
        "".join(r"\w" if c == "?" else re.escape(c) for c in piece)
        for piece in re.sub(r"\*+", "*", part).split("*")
    ]
    if len(pieces) == 1:
        return pieces[0]
    middle = "".join(rf"(?>\w*?{piece})" for piece in pieces[1:-1] if piece)
    return rf"{pieces[0]}{middle}\w*{pieces[-1]}"


class Query:
    """A parsed, compiled watch query. ``terms`` are the folded literal words it looks for."""

    __slots__ = ("text", "node", "terms", "predicate")

    def __init__(self, text: str, node: Node) -> None:
        self.text = text
        self.node = node
        self.terms: frozenset[str] = frozenset(
            part for n, negated in walk(node) if isinstance(n, Term) and not negated
            for part in n.parts if not is_wild(part))
        self.predicate: Predicate = compile_node(node)

    def matches(self, doc: Doc) -> bool:
        return self.predicate(doc)

    def __repr__(self) -> str:
        return f"Query({self.text!r})"


def compile_query(query: str) -> Query:
    """Parse and compile; raises QuerySyntaxError."""
    return Query(query, parse(query))


def compile_node(node: Node) -> Predicate:
    if isinstance(node, Term):
        return _term_predicate(node)
    if isinstance(node, Field):
        return _field_predicate(node)
    if isinstance(node, Not):
        inner = compile_node(node.child)
        return lambda doc: not inner(doc)
    if isinstance(node, Near):
        return _near_predicate(node)
    # Cheap tests first: a bare word costs one set lookup, a phrase or NEAR needs positions.
    preds = [compile_node(c) for c in sorted(node.children, key=_cost)]
    if isinstance(node, And):
        if len(preds) == 2:
            a, b = preds
            return lambda doc: a(doc) and b(doc)
        return lambda doc: all(p(doc) for p in preds)
    if isinstance(node, Or):
        if len(preds) == 2:
            a, b = preds
            return lambda doc: a(doc) or b(doc)
        return lambda doc: any(p(doc) for p in preds)
    raise TypeError(f"not a query node: {node!r}")


def _cost(node: Node) -> int:
    if isinstance(node, Term):
        return 1 if len(node.parts) == 1 and not is_wild(node.parts[0]) else 4
    if isinstance(node, Field):
        return 2
    if isinstance(node, Not):
        return _cost(node.child)
    if isinstance(node, Near):
        return 8
    return sum(_cost(c) for c in node.children)


def _longest_literal(part: str) -> str:
    """The longest run of plain letters in a wildcard word: any word it matches contains it."""
    return max(re.split(r"[*?]", part), key=len)


def _term_predicate(term: Term) -> Predicate:
    parts = term.parts
    literals = frozenset(p for p in parts if not is_wild(p))
    if len(parts) == 1:
        if literals:
            word = parts[0]
            return lambda doc: word in doc.words
        search = re.compile(r"\b" + wildcard_pattern(parts[0]) + r"\b").search
        need = _longest_literal(parts[0])

        def wild(doc: Doc) -> bool:
            # A regex that starts with \b scans every position; a substring test rules most texts out first.
            text = doc.folded
            return need in text and search(text) is not None
        return wild
    spans = _term_spans(term)
    # Reject on the word set before building positions: most documents lack some word.
    return lambda doc: literals <= doc.words and bool(spans(doc))


def _term_spans(term: Term) -> Spans:
    parts = term.parts
    size = len(parts)
    checks: list[tuple[int, Callable[[str], object]]] = []
    anchor, anchor_at = None, 0
    wild_words: Callable[[Doc], set[str]] | None = None
    wild_at = 0
    for offset, part in enumerate(parts):
        if is_wild(part):
            checks.append((offset, re.compile(wildcard_pattern(part)).fullmatch))
            if wild_words is None:
                wild_words, wild_at = _matching_words(part), offset
        elif anchor is None or len(part) > len(anchor):
            if anchor is not None:
                checks.append((anchor_at, anchor.__eq__))
            anchor, anchor_at = part, offset
        else:
            checks.append((offset, part.__eq__))

    def spans(doc: Doc) -> list[Span]:
        toks = doc.tokens
        if anchor is not None:
            starts = [i - anchor_at for i in doc.where(anchor)]
        else:  # wildcards only: start where the first one matches a word, not at every word
            assert wild_words is not None
            starts = sorted(i - wild_at for word in wild_words(doc) for i in doc.where(word))
        last = len(toks) - size
        return [(s, s + size - 1) for s in starts
                if 0 <= s <= last and all(check(toks[s + off]) for off, check in checks)]
    return spans


def _matching_words(part: str) -> Callable[[Doc], set[str]]:
    """The document's distinct words one wildcard word matches, found by one regex scan."""
    findall = re.compile(r"\b(" + wildcard_pattern(part) + r")\b").findall
    need = _longest_literal(part)

    def words(doc: Doc) -> set[str]:
        text = doc.folded
        return set(findall(text)) if need in text else set()
    return words


def _spans(node: Node) -> Spans:
    """Where a NEAR operand occurs; the parser only lets terms, NEARs and OR-groups of them through."""
    if isinstance(node, Term):
        return _term_spans(node)
    if isinstance(node, Near):
        return _near_spans(node)
    if isinstance(node, Or):
        parts = [_spans(c) for c in node.children]
        return lambda doc: sorted({s for p in parts for s in p(doc)})
    raise TypeError(f"{type(node).__name__} cannot be a NEAR operand")


def _near_spans(node: Near) -> Spans:
    left, right = _spans(node.left), _spans(node.right)
    distance, ordered = node.distance, node.ordered

    def spans(doc: Doc) -> list[Span]:
        a = left(doc)
        if not a:
            return []
        b = right(doc)
        if not b:
            return []
        found = _follow(a, b, distance)
        if not ordered:
            found += _follow(b, a, distance)
        return sorted(set(found))
    return spans


def _near_exists(node: Near) -> Predicate:
    """Whether any pair is close enough, stopping at the first: no spans are built."""
    left, right = _spans(node.left), _spans(node.right)
    distance, ordered = node.distance, node.ordered

    def exists(doc: Doc) -> bool:
        a = left(doc)
        if not a:
            return False
        b = right(doc)
        return bool(b) and (_close(a, b, distance) or (not ordered and _close(b, a, distance)))
    return exists


def _close(first: list[Span], second: list[Span], distance: int) -> bool:
    starts = [s for s, _ in second]
    for _, e1 in first:
        j = bisect_left(starts, e1 + 1)
        if j < len(starts) and starts[j] <= e1 + 1 + distance:
            return True
    return False


def _follow(first: list[Span], second: list[Span], distance: int) -> list[Span]:
    """Spans from a ``first`` span to a ``second`` span that starts at most ``distance`` words after it."""
    starts = [s for s, _ in second]
    out = []
    for s1, e1 in first:
        j = bisect_left(starts, e1 + 1)
        while j < len(second) and starts[j] <= e1 + 1 + distance:
            out.append((s1, second[j][1]))
            j += 1
    return out


def _near_predicate(node: Near) -> Predicate:
    spans = _near_exists(node)
    needed = [frozenset(p for p in n.parts if not is_wild(p)) for n in (node.left, node.right)
              if isinstance(n, Term)]
    if needed:
        words = frozenset().union(*needed)
        return lambda doc: words <= doc.words and spans(doc)
    return spans


def _field_predicate(field: Field) -> Predicate:
    value = field.value
    if field.name == "site":
        return lambda doc: value in doc.hosts
    if field.name == "lang":
        return lambda doc: value in doc.langs
    keys = frozenset({value, " ".join(tokens(value))}) - {""}
    return lambda doc: not keys.isdisjoint(doc.authors)
