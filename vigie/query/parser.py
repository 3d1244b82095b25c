"""Lexer and recursive-descent parser for watch queries (Brandwatch/Talkwalker style). See docs/queries.md"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from vigie.exceptions import QuerySyntaxError
from vigie.query.nodes import And, Field, Near, Node, Not, Or, Term
from vigie.text import fold

_OPERATORS = {"and": "AND", "et": "AND", "or": "OR", "ou": "OR", "not": "NOT", "sauf": "NOT"}
_FIELD_ALIASES = {"site": "site", "author": "author", "auteur": "author", "lang": "lang", "langue": "lang"}
_NEAR = re.compile(r"(O?)NEAR/(\d{1,4})(F?)", re.IGNORECASE)
_NEARISH = re.compile(r"O?NEAR(/.*)?", re.IGNORECASE)
_FIELD = re.compile(r"([A-Za-z]+):(.*)", re.DOTALL)
_PARTS = re.compile(r"[\w*?]+")
_HAS_WORD = re.compile(r"\w")
_LANG = re.compile(r"[a-z]{2,3}(-[a-z0-9]{1,8})*")
_HOST = re.compile(r"[\w.-]+")
# French keyboards and word processors produce « » and “ ” as often as straight quotes.
_QUOTES = {'"': '"', "“": "”", "«": "»"}
_STOP = frozenset("()") | frozenset(_QUOTES)
MAX_DEPTH = 40  # brackets and NEAR chains; keeps evaluation far from Python's recursion limit


@dataclass(slots=True)
class _Token:
    kind: str  # WORD, PHRASE, FIELD, AND, OR, NOT, NEAR, LPAREN, RPAREN, END
    pos: int
    text: str = ""
    value: Any = None  # NEAR: (distance, ordered); FIELD: its value


def parse(query: str) -> Node:
    """Parse a watch query into its syntax tree; raise QuerySyntaxError with the faulty position."""
    return _Parser(query).parse()


def _error(message: str, position: int, query: str) -> QuerySyntaxError:
    return QuerySyntaxError(message, max(0, min(position, len(query))), query)


def _lex(query: str) -> list[_Token]:
    out: list[_Token] = []
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
        elif c in "()":
            out.append(_Token("LPAREN" if c == "(" else "RPAREN", i, c))
            i += 1
        elif c in _QUOTES:
            text, end = _quoted(query, i)
            out.append(_Token("PHRASE", i, text))
            i = end
        elif c == "-" and i + 1 < n and not query[i + 1].isspace():
            out.append(_Token("NOT", i, "-"))  # -word excludes, as in Google and Talkwalker
            i += 1
        else:
            start = i
            while i < n and not query[i].isspace() and query[i] not in _STOP:
                i += 1
            last = _classify(query, start, query[start:i])
            out.append(last)
            if last.kind == "FIELD":
                if last.value == "" and i < n and query[i] in _QUOTES:
                    last.value, i = _quoted(query, i)  # author:"Jean Tremblay"
                last.value = _field_value(last.text, last.value, last.pos, query)
    out.append(_Token("END", n))
    return out


def _quoted(query: str, start: int) -> tuple[str, int]:
    """The text between the quote at ``start`` and its closing mate, and the index after it."""
    end = query.find(_QUOTES[query[start]], start + 1)
    if end < 0:
        raise _error("unclosed quote", start, query)
    return query[start + 1:end], end + 1


def _classify(query: str, start: int, run: str) -> _Token:
    op = _OPERATORS.get(run.lower())
    if op:
        return _Token(op, start, run)
    near = _NEAR.fullmatch(run)
    if near:
        ordered = bool(near.group(1) or near.group(3))
        return _Token("NEAR", start, run, (int(near.group(2)), ordered))
    if _NEARISH.fullmatch(run) and ("/" in run or run.isupper()):
        # Upper-case NEAR is the operator; a bare lower-case "near" stays an ordinary word.
        raise _error(f"{run.split('/')[0].upper()} needs a distance in words, e.g. NEAR/3", start, query)
    field = _FIELD.fullmatch(run)
    if field:
        name = _FIELD_ALIASES.get(field.group(1).lower())
        if name is None:
            raise _error(f"unknown field {field.group(1)}: (use site:, author: or lang:, "
                         "or quote the text to search for it)", start, query)
        return _Token("FIELD", start, name, field.group(2))
    return _Token("WORD", start, run)


def _field_value(name: str, raw: str, pos: int, query: str) -> str:
    value = fold(raw).strip()
    if name == "site":
        value = re.sub(r"^[a-z][a-z0-9+.-]*://", "", value).strip("/").strip(".")
        for prefix in ("*.", "www."):
            value = value.removeprefix(prefix)
        if value and not _HOST.fullmatch(value):
            raise _error("site: takes a domain name without a path, e.g. site:lapresse.ca", pos, query)
    elif name == "author":
        value = " ".join(value.lstrip("@").split())
        if "*" in value or "?" in value:
            raise _error("author: takes a handle or a name, without wildcards", pos, query)
    else:
        value = value.replace("_", "-")
        if value and not _LANG.fullmatch(value):
            raise _error("lang: takes a language code, e.g. lang:fr or lang:fr-ca", pos, query)
    if not value:
        raise _error(f"{name}: needs a value", pos, query)
    return value


def _term(text: str, pos: int, query: str, quoted: bool) -> Term:
    parts = _PARTS.findall(fold(text))
    if not parts:
        if quoted:
            raise _error("empty phrase" if not text.strip() else f'phrase "{text}" has no letters or digits',
                         pos, query)
        raise _error(f"{text!r} has no letters or digits to search for", pos, query)
    for part in parts:
        if not _HAS_WORD.search(part):
            raise _error("a wildcard needs at least one letter or digit next to it", pos, query)
    return Term(tuple(parts))


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.toks = _lex(query)
        self.i = 0
        self.depth = 0

    def peek(self) -> _Token:
        return self.toks[self.i]

    def take(self) -> _Token:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def error(self, message: str, position: int) -> QuerySyntaxError:
        return _error(message, position, self.query)

    def parse(self) -> Node:
        if self.peek().kind == "END":
            raise self.error("empty query", 0)
        node = self.parse_or()
        tok = self.peek()
        if tok.kind == "RPAREN":
            raise self.error("closing parenthesis without an opening one", tok.pos)
        if tok.kind != "END":  # unreachable in practice: every other token starts or joins a term
            raise self.error(f"unexpected {tok.text!r}", tok.pos)
        return node

    def parse_or(self) -> Node:
        children = [self.parse_and()]
        while self.peek().kind == "OR":
            op = self.take()
            self.expect_operand(op)
            children.append(self.parse_and())
        return _flat(Or, children)

    def parse_and(self) -> Node:
        children = [self.parse_near()]
        while True:
            tok = self.peek()
            if tok.kind == "AND":
                self.take()
                self.expect_operand(tok)
            elif tok.kind not in ("WORD", "PHRASE", "FIELD", "NOT", "LPAREN"):
                break  # juxtaposed terms are an implicit AND
            children.append(self.parse_near())
        return _flat(And, children)

    def parse_near(self) -> Node:
        start = self.peek().pos
        left = self.parse_unary()
        chain = 0
        while self.peek().kind == "NEAR":
            op = self.take()
            self.expect_operand(op)
            right_start = self.peek().pos
            right = self.parse_unary()
            self.check_near_side(left, start, op)
            self.check_near_side(right, right_start, op)
            left = Near(left, right, *op.value)
            chain += 1  # each link nests the tree one level deeper
            if self.depth + chain > MAX_DEPTH:
                raise self.error("query is nested too deeply", op.pos)
        return left

    def check_near_side(self, node: Node, pos: int, op: _Token) -> None:
        if isinstance(node, Term | Near):
            return
        if isinstance(node, Or):
            for child in node.children:
                self.check_near_side(child, pos, op)
            return
        what = {Not: "NOT (write NOT (a NEAR/3 b) to exclude a pair)", Field: "a field like site:",
                And: "AND inside brackets (only OR-alternatives may be grouped)"}[type(node)]
        raise self.error(f"{op.text.upper()} takes words, phrases or (a OR b) groups, not {what}", pos)

    def parse_unary(self) -> Node:
        negated = False
        while self.peek().kind == "NOT":
            op = self.take()
            self.expect_operand(op)
            negated = not negated  # NOT NOT a is a; folding it keeps deep chains off the stack
        node = self.parse_primary()
        return Not(node) if negated else node

    def parse_primary(self) -> Node:
        tok = self.take()
        if tok.kind == "WORD":
            return _term(tok.text, tok.pos, self.query, quoted=False)
        if tok.kind == "PHRASE":
            return _term(tok.text, tok.pos, self.query, quoted=True)
        if tok.kind == "FIELD":
            return Field(tok.text, str(tok.value))
        if tok.kind == "LPAREN":
            if self.peek().kind == "RPAREN":
                raise self.error("empty parentheses", tok.pos)
            if self.peek().kind == "END":
                raise self.error("parenthesis is never closed", tok.pos)
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise self.error("query is nested too deeply", tok.pos)
            node = self.parse_or()
            self.depth -= 1
            if self.peek().kind != "RPAREN":
                raise self.error("parenthesis is never closed", tok.pos)
            self.take()
            return node
        self.i -= 1
        raise self.expected_term(tok)

    def expect_operand(self, op: _Token) -> None:
        """After an operator, the next token must start a term."""
        tok = self.peek()
        if tok.kind in ("WORD", "PHRASE", "FIELD", "LPAREN", "NOT"):
            return
        if tok.kind in ("END", "RPAREN"):
            raise self.error(f"{op.text.upper()} needs a term after it", op.pos)
        raise self.error(f"{op.text.upper()} is followed by another operator, {tok.text.upper()}", tok.pos)

    def expected_term(self, tok: _Token) -> QuerySyntaxError:
        if tok.kind == "RPAREN":
            return self.error("closing parenthesis without an opening one", tok.pos)
        if tok.kind == "END":
            return self.error("query ends where a term was expected", tok.pos)
        return self.error(f"{tok.text.upper()} needs a term before it", tok.pos)


def _flat(kind: type[And] | type[Or], children: list[Node]) -> Node:
    if len(children) == 1:
        return children[0]
    flat: list[Node] = []
    for child in children:
        flat.extend(child.children if isinstance(child, kind) else (child,))
    return kind(tuple(flat))
