"""RSS, Atom, RDF and JSON Feed connector: press, blogs, podcasts, YouTube channel feeds. See docs/sources-feeds.md"""

from __future__ import annotations

import calendar
import codecs
import hashlib
import io
import json
import re
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from vigie import hookimpl
from vigie.exceptions import FetchError, NotConfigured
from vigie.items import Channel, Mention, Rejection, utcnow
from vigie.sanitize import clean_html, html_to_text
from vigie.sources.base import Item, Option, SourceContext, as_int, parse_time, read_options
from vigie.sources.fulltext import FullTextFetcher

SEEN_LIMIT = 500  # external ids remembered per feed: more than any feed keeps at once
# Entries published this long before the newest one already seen are old news re-surfacing
# (a feed that keeps more items than SEEN_LIMIT), not late arrivals.
LATE_GRACE = timedelta(days=2)
_HTML_TYPES = ("text/html", "application/xhtml+xml", "html", "xhtml")
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
# The XML declaration's encoding, after a BOM or what is left of one once NULs are stripped.
_XML_ENCODING = re.compile(rb"^[^<]{0,4}<\?[^>]*?encoding\s*=\s*['\"]([A-Za-z0-9._:-]{1,40})['\"]")
_EBCDIC_XML = b"\x4c\x6f\xa7\x94"  # "<?xm" in cp037, which feedparser also sniffs


def declares_entities(data: bytes, http_charset: str = "") -> bool:
    """True when a DOCTYPE declares entities (billion laughs, external entities).

    feedparser decodes with the HTTP charset, the XML declaration or a BOM, so each of those
    readings is checked: ``<!ENTITY`` can hide as UTF-16, cp037, UTF-7 or ``unicode_escape``.
    """
    views = [data]
    if b"\x00" in data[:1024]:
        views.append(data.replace(b"\x00", b""))  # UTF-16/32: ASCII markup padded with NULs
    encodings = {http_charset.strip().lower()}
    for view in views[:]:
        if found := _XML_ENCODING.match(view):
            encodings.add(found.group(1).decode("ascii").lower())
    if data.startswith(_EBCDIC_XML):
        encodings.add("cp037")
        if found := _XML_ENCODING.match(data.decode("cp037", "ignore").encode("ascii", "ignore")):
            encodings.add(found.group(1).decode("ascii").lower())
    for encoding in sorted(e for e in encodings if e):
        try:
            views.append(data.decode(encoding, "ignore").encode("utf-8", "ignore"))
        except (LookupError, ValueError, TypeError):
            continue  # not a text codec: feedparser cannot use it either
    for view in views:
        doctype = _DOCTYPE.search(view)
        if doctype and _ENTITY.search(view, doctype.end()):
            return True
    return False


def feedparser_headers(response_headers: Mapping[str, str], url: str) -> dict[str, str]:
    """The response headers as feedparser should see them: lower-case names, an absolute
    Content-Location to resolve relative links against, and RFC 7303 charset rules."""
    headers = {k.lower(): v for k, v in response_headers.items()}
    headers.pop("content-encoding", None)  # httpx already decoded the body
    headers.pop("content-length", None)
    base = urljoin(url, headers.get("content-location", "").strip())
    headers["content-location"] = base if http_url(base) else url
    content_type, _, params = headers.get("content-type", "").partition(";")
    content_type = content_type.strip().lower()
    if content_type.startswith("text/") and content_type.endswith("xml") and "charset" not in params.lower():
        # RFC 7303 replaced RFC 3023's "text/xml means us-ascii" (which feedparser still
        # applies, breaking UTF-16 feeds) with "BOM, then XML declaration", as for application/xml.
        headers["content-type"] = "application/xml"
    return headers


def jsonable(value: Any, depth: int = 0) -> Any:
    """A JSON-able copy of a feedparser value: struct_time as ISO strings, the rest dropped."""
    if depth > 20:
        return None
    if isinstance(value, time.struct_time):
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", value)
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else None
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            converted = jsonable(item, depth + 1)
            if converted is not None or item is None:
                out[str(key)] = converted
        return out
    if isinstance(value, list | tuple):
        return [jsonable(item, depth + 1) for item in value]
    return None


def http_url(value: Any) -> str | None:
    """Only http(s) links become Mention.url: it is rendered as a link."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    return value if urlsplit(value).scheme.lower() in ("http", "https") else None


def _safe(url: str) -> str:
    """The URL without its query string, which may carry a private feed's token."""
    return url.split("?", 1)[0] + ("?…" if "?" in url else "")


def _language(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    code = value.strip()[:2].lower()
    return code if len(code) == 2 and code.isalpha() else None


def _struct_to_utc(value: Any) -> datetime | None:
    # feedparser's *_parsed values are already normalised to UTC.
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC) if value else None
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _external_id(candidate: Any, link: Any, title: str | None, text: str) -> str:
    value = str(candidate).strip() if candidate not in (None, "") else ""
    value = value or (link.strip() if isinstance(link, str) else "")
    if not value or len(value) > 500:
        basis = value or f"{title or ''}\n{text}"
        value = "sha1:" + hashlib.sha1(basis.encode("utf-8", "replace")).hexdigest()
    return value


def _body(entry: dict[str, Any]) -> tuple[str, str | None]:
    """(plain text, sanitised HTML or None) of an entry's content, else its summary."""
    details = [c for c in entry.get("content") or [] if isinstance(c, dict) and c.get("value")]
    details.sort(key=lambda c: c.get("type") not in _HTML_TYPES)  # prefer an HTML rendition
    if not details and entry.get("summary"):
        details = [entry.get("summary_detail") or {"type": "text/html", "value": entry["summary"]}]
    if not details:
        return "", None
    value, kind = str(details[0].get("value") or ""), details[0].get("type") or "text/html"
    if kind in _HTML_TYPES:
        return html_to_text(value), clean_html(value) or None
    return html_to_text(value), None  # plain text: nothing to display as HTML


def _sample(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False)[:500]
    except (TypeError, ValueError):
        return repr(value)[:500]


class FeedReader:
    """Fetches one feed URL and turns its entries into Mentions, incrementally.

    Shared by the RSS and Google News connectors; ``adjust`` lets a connector fix up each
    Mention with the feedparser entry at hand (Google News moves the outlet out of the title).
    """

    def __init__(
        self,
        ctx: SourceContext,
        *,
        source: str,
        channel: str,
        full_text: bool = False,
        outlet: str | None = None,
        adjust: Callable[[Mention, dict[str, Any]], Mention] | None = None,
    ) -> None:
        self.ctx = ctx
        self.source = source
        self.channel = channel
        self.outlet = outlet
        self.adjust = adjust
        self.full_text = FullTextFetcher(ctx) if full_text else None

    def read(self, url: str, cursor: dict[str, Any]) -> Iterator[Item]:
        if cursor.get("url") not in (None, url):
            cursor.pop("http", None)  # validators belong to the old URL
        # NOTE: a copy, saved only once every entry is yielded: storing a new ETag early would
        # make a run killed half-way get 304 next time and lose the rest of the feed.
        http_state = dict(cursor.get("http") or {})
        response = self.ctx.http.get_conditional(url, http_state)
        if response is None:
            return
        yield from self._read_response(url, response, cursor)
        cursor["http"] = http_state
        cursor["url"] = url

    def _read_response(self, url: str, response: Any, cursor: dict[str, Any]) -> Iterator[Item]:
        data: bytes = response.content
        headers = feedparser_headers(response.headers, str(response.url))
        content_type, _, params = headers.get("content-type", "").partition(";")
        head = data[:256].lstrip(codecs.BOM_UTF8 + b" \t\r\n")
        if head.startswith(b"{") or ("json" in content_type and not head.startswith(b"<")):
            items = self._json_feed(url, data)
        else:
            charset = re.search(r"charset\s*=\s*['\"]?([^'\";\s]+)", params, re.IGNORECASE)
            if declares_entities(data, charset.group(1) if charset else ""):
                yield Rejection("xml-entity-declaration", f"{_safe(url)}: the DOCTYPE declares entities",
                                data[:500].decode("utf-8", "replace"))
                return
            items = self._xml_feed(data, headers)
        yield from self._new_items(items, cursor)

    def _xml_feed(self, data: bytes, headers: dict[str, str]) -> Iterator[Mention | Rejection]:
        # NOTE: wrapped in BytesIO because feedparser.parse(bytes) first tries to open() the
        # bytes as a local file name: a feed body like b"/etc/passwd" would read that file.
        parsed = feedparser.parse(io.BytesIO(data), response_headers=headers,
                                  sanitize_html=True, resolve_relative_uris=True)
        feed = parsed.get("feed") or {}
        if parsed.get("bozo") and not parsed.get("entries") and not feed.get("title"):
            problem = parsed.get("bozo_exception")
            yield Rejection("malformed-feed", str(problem) or type(problem).__name__,
                            data[:500].decode("utf-8", "replace"))
            return
        outlet = self.outlet or html_to_text(feed.get("title")) or None
        for entry in parsed.get("entries") or []:
            yield self._xml_entry(entry, feed, outlet)

    def _xml_entry(self, entry: dict[str, Any], feed: dict[str, Any], outlet: str | None) -> Mention | Rejection:
        raw = jsonable(entry)
        title = html_to_text(entry.get("title")) or None
        text, html = _body(entry)
        link = http_url(entry.get("link"))
        if not (link or title or text):
            return Rejection("empty-entry", "entry has no link, title or text", _sample(raw))
        author = entry.get("author_detail") or {}
        published = None
        for key in ("published_parsed", "updated_parsed", "created_parsed"):
            # dict.get: FeedParserDict maps updated_parsed to published_parsed with a warning.
            published = published or _struct_to_utc(dict.get(entry, key))
        language = None
        for detail in (entry.get("title_detail"), entry.get("summary_detail"), *(entry.get("content") or [])):
            language = language or _language((detail or {}).get("language"))
        engagement = {
            key: number for key, number in (
                ("views", as_int((entry.get("media_statistics") or {}).get("views"))),
                ("likes", as_int((entry.get("media_starrating") or {}).get("count"))),
            ) if number is not None
        }
        mention = Mention(
            source=self.source,
            channel=self.channel,
            external_id=_external_id(entry.get("id"), entry.get("link"), title, text),
            url=link,
            title=title,
            text=text,
            html=html,
            author_name=html_to_text(author.get("name") or entry.get("author")) or None,
            outlet=outlet,
            published_at=published,
            language=language or _language(feed.get("language")),
            engagement=engagement,
            raw=raw,
        )
        return self.adjust(mention, entry) if self.adjust else mention

    def _json_feed(self, url: str, data: bytes) -> Iterator[Mention | Rejection]:
        try:
            feed = json.loads(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise FetchError(f"{_safe(url)}: invalid JSON Feed: {exc}") from exc
        version = feed.get("version") if isinstance(feed, dict) else None
        if not (isinstance(version, str) and version.startswith("https://jsonfeed.org/version/")):
            raise FetchError(f"{_safe(url)}: JSON document is not a JSON Feed (no jsonfeed.org version)")
        items = feed.get("items")
        if not isinstance(items, list):
            raise FetchError(f"{_safe(url)}: JSON Feed has no items list")
        outlet = self.outlet or (html_to_text(feed["title"]) if isinstance(feed.get("title"), str) else None)
        for item in items:
            if not isinstance(item, dict):
                yield Rejection("malformed-item", "JSON Feed item is not an object", _sample(item))
            else:
                yield self._json_item(item, feed, outlet)

    def _json_item(self, item: dict[str, Any], feed: dict[str, Any], outlet: str | None) -> Mention | Rejection:
        def text_of(key: str) -> str:
            value = item.get(key)
            return value if isinstance(value, str) else ""

        title = html_to_text(text_of("title")) or None
        html = clean_html(text_of("content_html")) or None
        text = html_to_text(text_of("content_html")) or html_to_text(text_of("content_text") or text_of("summary"))
        link = http_url(item.get("url")) or http_url(item.get("external_url"))
        if not (link or title or text):
            return Rejection("empty-entry", "item has no url, title or text", _sample(item))
        authors = [a for a in [*(item.get("authors") or []), item.get("author"),
                               *(feed.get("authors") or []), feed.get("author")] if isinstance(a, dict)]
        author = next((a["name"] for a in authors if isinstance(a.get("name"), str)), None)
        return Mention(
            source=self.source,
            channel=self.channel,
            external_id=_external_id(item.get("id"), item.get("url"), title, text),
            url=link,
            title=title,
            text=text,
            html=html,
            author_name=html_to_text(author) or None,
            outlet=outlet,
            published_at=parse_time(item.get("date_published") or item.get("date_modified")),
            language=_language(item.get("language")) or _language(feed.get("language")),
            raw=jsonable(item),
        )

    def _new_items(self, items: Iterator[Mention | Rejection], cursor: dict[str, Any]) -> Iterator[Item]:
        seen: list[str] = [str(s) for s in cursor.get("seen") or []]
        known = set(seen)
        newest = parse_time(cursor.get("newest"))
        for item in items:
            if isinstance(item, Rejection):
                yield item
                continue
            if item.external_id in known:
                continue
            if newest and item.published_at and item.published_at < newest - LATE_GRACE:
                continue
            if self.full_text and item.url:
                item.text = self.full_text.text_of(item.url) or item.text
            yield item
            known.add(item.external_id)
            seen.append(item.external_id)
            del seen[:-SEEN_LIMIT]
            cursor["seen"] = list(seen)
            # Clamped to now: one entry dated 2099 must not hide every later entry as "old".
            stamp = min(item.published_at, utcnow()) if item.published_at else None
            latest = parse_time(cursor.get("newest"))
            if stamp and (latest is None or stamp > latest):
                cursor["newest"] = stamp.isoformat()


def full_text_option(value: Any, ctx: SourceContext) -> bool:
    """The connector's full_text option, else the full_text setting."""
    if value is None:
        value = ctx.settings.get("full_text", False)
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on", "oui"}
    return bool(value)


def channel_option(value: Any, name: str) -> str:
    try:
        return Channel.parse(str(value)).value
    except ValueError as exc:
        raise NotConfigured(f"{name}: {exc}") from None


class RssSource:
    """One feed: RSS 0.9x/1.0/2.0, Atom, RDF, CDF or JSON Feed 1.0/1.1."""

    name = "rss"
    channel = Channel.ONLINE_PRESS.value
    options = (
        Option("url", "Feed address (RSS, Atom, RDF or JSON Feed)", required=True),
        Option("channel", "Channel of the entries: online_press, blog, broadcast (podcasts, YouTube)...",
               default=Channel.ONLINE_PRESS.value),
        Option("outlet", "Outlet name to record instead of the feed's title"),
        Option("full_text", "Fetch each linked article's full text (default: the full_text setting)"),
    )

    def __init__(self, config: dict[str, Any], ctx: SourceContext) -> None:
        values = read_options(self.name, self.options, config)
        self.url = str(values["url"]).strip()
        if not http_url(self.url):
            raise NotConfigured(f"{self.name}: url must be an http(s) address, got {self.url!r}")
        self.channel = channel_option(values["channel"], self.name)
        self.reader = FeedReader(ctx, source=self.name, channel=self.channel,
                                 full_text=full_text_option(values["full_text"], ctx),
                                 outlet=values["outlet"] or None)

    def fetch(self, cursor: dict[str, Any]) -> Iterator[Item]:
        yield from self.reader.read(self.url, cursor)


@hookimpl
def register_sources() -> list[type]:
    return [RssSource]
