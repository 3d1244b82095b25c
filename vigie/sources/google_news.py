"""Google News RSS search built from the workspace's watches. See docs/sources-feeds.md"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from vigie import hookimpl
from vigie.exceptions import NotConfigured
from vigie.items import Channel, Mention
from vigie.sources.base import Item, Option, SourceContext, read_options
from vigie.sources.rss import FeedReader, channel_option, full_text_option, http_url

DEFAULT_BASE_URL = "https://news.google.com/rss/search"
# Watch-query fields Google News can express, and the ones it cannot (dropped, which only widens
# the search: every mention is matched against the full watch query again at ingest).
_FIELDS = {"title": "intitle:", "titre": "intitle:", "intitle": "intitle:",
           "site": "site:", "domain": "site:", "domaine": "site:"}
_UNSUPPORTED_FIELDS = {"lang", "language", "langue", "channel", "canal", "author", "auteur", "source",
                       "from", "since", "until", "country", "pays", "sentiment", "url", "handle"}
_TOKEN = re.compile(r'\s*(?:(?P<open>\()|(?P<close>\))|(?P<phrase>"[^"]*"?|«[^»]*»?)'
                    r'|(?P<word>[^\s()"«]+))')
_NEAR = re.compile(r"^(?:NEAR|AROUND)(?:/\d+|\(\d+\))?$")

Node = tuple[Any, ...]


def _tokens(query: str) -> list[tuple[str, str]]:
    found = []
    for match in _TOKEN.finditer(query):
        kind = match.lastgroup
        if kind:
            found.append((kind, match.group(kind)))
    return found


class _Parser:
    """Recursive descent over the watch syntax: phrases, AND/OR/NOT, -term, (groups), field:value,
    NEAR/n and trailing * wildcards. Lenient: a watch query was validated when it was saved."""

    def __init__(self, query: str) -> None:
        self.tokens = _tokens(query)
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def kind(self) -> str | None:
        return self.tokens[self.pos][0] if self.pos < len(self.tokens) else None

    def parse(self) -> Node:
        node = self.parse_or()
        while self.peek():  # stray ")": skip it and keep what follows
            self.pos += 1
            node = ("and", [node, self.parse_or()])
        return node

    def parse_or(self) -> Node:
        parts = [self.parse_and()]
        while self.peek() == ("word", "OR"):
            self.pos += 1
            parts.append(self.parse_and())
        return parts[0] if len(parts) == 1 else ("or", parts)

    def parse_and(self) -> Node:
        parts: list[Node] = []
        while (token := self.peek()) and token[0] != "close" and token != ("word", "OR"):
            if token[0] == "word" and (token[1] == "AND" or _NEAR.match(token[1])):
                self.pos += 1
                continue
            parts.append(self.parse_unary())
        if not parts:
            return ("any",)
        return parts[0] if len(parts) == 1 else ("and", parts)

    def parse_unary(self) -> Node:
        kind, value = self.tokens[self.pos]
        if (kind, value) == ("word", "NOT"):
            self.pos += 1
            return ("not", self.parse_unary()) if self.kind() not in (None, "close") else ("any",)
        if kind == "word" and value.startswith("-") and len(value) > 1:
            self.tokens[self.pos] = ("word", value[1:])
            return ("not", self.parse_unary())
        if kind == "word" and value == "-" and self.pos + 1 < len(self.tokens):
            self.pos += 1  # "-(" or '-"phrase"' arrive as two tokens
            return ("not", self.parse_unary())
        self.pos += 1
        if kind == "open":
            node = self.parse_or()
            if self.kind() == "close":
                self.pos += 1
            return node
        if kind == "phrase":
            return _phrase(value)
        return _word(value.lstrip("+"), self)


def _phrase(value: str) -> Node:
    inner = value.strip('"«»').strip()
    return ("term", f'"{inner}"') if inner else ("any",)


def _word(value: str, parser: _Parser) -> Node:
    field, colon, rest = value.partition(":")
    key = field.lower()
    if colon and (key in _FIELDS or key in _UNSUPPORTED_FIELDS):
        if not rest and parser.kind() == "phrase":  # title:"a phrase"
            rest = parser.tokens[parser.pos][1]
            parser.pos += 1
        if key in _UNSUPPORTED_FIELDS or not rest.strip('"«»*'):
            return ("any",)
        target = _phrase(rest) if rest.startswith(('"', "«")) else _word(rest, parser)
        return ("term", _FIELDS[key] + target[1]) if target[0] == "term" else ("any",)
    # Google has no suffix wildcard; the stem is the closest query (it stems words itself).
    value = value.rstrip("*?")
    return ("term", value) if value.strip("+-") else ("any",)


def _emit(node: Node, inside_and: bool = False) -> str | None:
    """Google syntax for a node; None means "anything" (the node cannot be expressed)."""
    kind = node[0]
    if kind == "term":
        return node[1]
    if kind == "and":
        parts = [p for p in (_emit(child, inside_and=True) for child in node[1]) if p]
        return " ".join(parts) or None
    if kind == "or":
        alternatives = [_emit(child) for child in node[1]]
        if any(a is None for a in alternatives):
            return None  # "x OR anything" is anything
        joined = " OR ".join(str(a) for a in alternatives)
        return f"({joined})" if inside_and else joined
    if kind == "not":
        child = node[1]
        if child[0] == "term":
            return "-" + child[1]
        if child[0] == "not":
            return _emit(child[1], inside_and)
        if child[0] == "or" and all(c[0] == "term" for c in child[1]):
            return " ".join("-" + c[1] for c in child[1])  # NOT (a OR b) = -a -b
    return None  # NOT of a conjunction, or of something unsupported: leave it to ingest


def google_query(query: str) -> str | None:
    """A watch query in Google News search syntax: phrases, OR and -term kept, unsupported parts
    dropped (which only widens the search). None when nothing searchable is left."""
    return _emit(_Parser(query or "").parse())


def decode_article_url(link: str | None) -> str | None:
    """The publisher's URL inside a news.google.com/rss/articles/<id> link, when the id still
    carries it in clear (base64 protobuf, field 4); newer encrypted ids give None."""
    parts = urlsplit(link or "")
    if parts.hostname != "news.google.com" or "/articles/" not in parts.path:
        return None
    token = parts.path.rsplit("/", 1)[-1]
    try:
        data = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (ValueError, binascii.Error):
        return None
    pos = 0
    while pos < len(data):
        tag, pos = _varint(data, pos)
        if tag & 7 == 0:
            _, pos = _varint(data, pos)
        elif tag & 7 == 2:
            size, pos = _varint(data, pos)
            chunk = data[pos:pos + size]
            pos += size
            if chunk.startswith((b"http://", b"https://")):
                return http_url(chunk.decode("utf-8", "replace"))
        else:
            return None
    return None


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while pos < len(data):
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            break
    return value, pos


def _adjust(mention: Mention, entry: dict[str, Any]) -> Mention:
    """Google News titles end with " - Outlet"; the outlet is in <source>, the link is Google's."""
    outlet = (entry.get("source") or {}).get("title")
    if outlet:
        mention.outlet = outlet
        if mention.title and mention.title.endswith(f" - {outlet}"):
            mention.title = mention.title[: -len(outlet) - 3].strip()
    mention.url = decode_article_url(mention.url) or mention.url
    return mention


class GoogleNewsSource:
    """One Google News RSS search per watch (and per watch language)."""

    name = "google_news"
    channel = Channel.ONLINE_PRESS.value
    options = (
        Option("language", "Interface/search language (hl); default: the workspace's language"),
        Option("country", "Edition country (gl and ceid)", default="CA"),
        Option("base_url", "Search feed address (tests point it at a local server)", default=DEFAULT_BASE_URL),
        Option("channel", "Channel of the entries", default=Channel.ONLINE_PRESS.value),
        Option("full_text", "Fetch each article's full text (default: the full_text setting)"),
    )

    def __init__(self, config: dict[str, Any], ctx: SourceContext) -> None:
        values = read_options(self.name, self.options, config)
        self.ctx = ctx
        self.language = str(values["language"] or ctx.workspace.get("language") or "fr").lower()
        self.country = str(values["country"] or "CA").upper()
        self.base_url = str(values["base_url"]).strip()
        if not http_url(self.base_url):
            raise NotConfigured(f"{self.name}: base_url must be an http(s) address")
        self.channel = channel_option(values["channel"], self.name)
        self.reader = FeedReader(ctx, source=self.name, channel=self.channel,
                                 full_text=full_text_option(values["full_text"], ctx), adjust=_adjust)

    def search_url(self, query: str, language: str) -> str:
        params = {"q": query, "hl": language, "gl": self.country, "ceid": f"{self.country}:{language}"}
        return f"{self.base_url}?{urlencode(params, quote_via=quote, safe=':')}"

    def fetch(self, cursor: dict[str, Any]) -> Iterator[Item]:
        feeds = cursor.setdefault("feeds", {})
        for watch in self.ctx.watches:
            query = google_query(str(watch.get("query") or ""))
            if not query:
                self.ctx.log.warning("google_news: watch %r has nothing Google can search", watch.get("name"))
                continue
            for language in watch.get("languages") or [self.language]:
                language = str(language).lower()
                state = feeds.setdefault(f"{watch.get('id')}:{language}", {})
                for item in self.reader.read(self.search_url(query, language), state):
                    if isinstance(item, Mention) and not item.language:
                        item.language = language[:2]
                    yield item


@hookimpl
def register_sources() -> list[type]:
    return [GoogleNewsSource]
