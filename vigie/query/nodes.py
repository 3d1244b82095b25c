"""The watch-query syntax tree; str(node) renders it back as a query that parses to the same tree. See docs/queries.md"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from vigie.text import fold

# Words the parser reads as operators; a term spelled like one must be quoted.
KEYWORDS = frozenset({"and", "or", "not", "et", "ou", "sauf"})


@dataclass(frozen=True, slots=True)
class Term:
    """A word or a phrase: folded word patterns that must follow each other.

    A part may hold ``*`` (any run of letters/digits) and ``?`` (exactly one).
    ``Hydro-Québec`` and ``"hydro quebec"`` are both ``Term(("hydro", "quebec"))``.
    """

    parts: tuple[str, ...]

    def __str__(self) -> str:
        if len(self.parts) == 1 and fold(self.parts[0]) not in KEYWORDS:
            return self.parts[0]
        return '"' + " ".join(self.parts) + '"'


@dataclass(frozen=True, slots=True)
class Field:
    """``site:``, ``author:`` or ``lang:`` with its normalised value."""

    name: str
    value: str

    def __str__(self) -> str:
        value = self.value
        if value and not any(c.isspace() or c in '()"“«' for c in value):
            return f"{self.name}:{value}"
        # A quoted value cannot hold its own closing quote, so one of these always fits.
        opening, closing = next((o, c) for o, c in ('""', "«»", "“”") if c not in value)
        return f"{self.name}:{opening}{value}{closing}"


@dataclass(frozen=True, slots=True)
class Not:
    child: Node

    def __str__(self) -> str:
        return f"NOT {_wrap(self.child, (Term, Field))}"


@dataclass(frozen=True, slots=True)
class Near:
    """Both sides within ``distance`` words of each other (``ordered``: left before right).

    The distance counts the words between the two: ``NEAR/0`` means side by side.
    """

    left: Node
    right: Node
    distance: int
    ordered: bool = False

    def __str__(self) -> str:
        op = f"ONEAR/{self.distance}" if self.ordered else f"NEAR/{self.distance}"
        # NEAR chains to the left, so only a NEAR on the right needs brackets.
        return f"{_wrap(self.left, (Term, Near))} {op} {_wrap(self.right, (Term,))}"


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]

    def __str__(self) -> str:
        return " AND ".join(_wrap(c, (Term, Field, Not, Near)) for c in self.children)


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]

    def __str__(self) -> str:
        return " OR ".join(_wrap(c, (Term, Field, Not, Near, And)) for c in self.children)


Node = Term | Field | Not | Near | And | Or


def _wrap(node: Node, bare: tuple[type, ...]) -> str:
    return str(node) if isinstance(node, bare) else f"({node})"


def walk(node: Node, negated: bool = False) -> Iterator[tuple[Node, bool]]:
    """Yield (node, negated) for every node, depth first; ``negated`` is true under an odd number of NOTs."""
    yield node, negated
    if isinstance(node, Not):
        yield from walk(node.child, not negated)
    elif isinstance(node, Near):
        yield from walk(node.left, negated)
        yield from walk(node.right, negated)
    elif isinstance(node, And | Or):
        for child in node.children:
            yield from walk(child, negated)
