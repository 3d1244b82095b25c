"""GDELT DOC 2.0 connector: keyless worldwide news search, newest articles first. See docs/sources-meta-search.md"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from vigie import hookimpl
from vigie.exceptions import FetchError, NotConfigured
from vigie.items import Mention, Rejection
from vigie.sources.base import Item, Option, SourceContext, as_int, parse_time, read_options

GDELT_API_BASE = "https://api.gdeltproject.org/api/v2/doc/doc"

# GDELT names languages in English; the rest of Vigie speaks ISO 639-1. Unknown names give None
# rather than a guess (the first two letters of "Swedish" would read as Swahili).
LANGUAGES = {
    "afrikaans": "af", "albanian": "sq", "arabic": "ar", "armenian": "hy", "bengali": "bn",
    "bulgarian": "bg", "catalan": "ca", "chinese": "zh", "croatian": "hr", "czech": "cs",
    "danish": "da", "dutch": "nl", "english": "en", "estonian": "et", "finnish": "fi",
    "french": "fr", "german": "de", "greek": "el", "hebrew": "he", "hindi": "hi",
    "hungarian": "hu", "indonesian": "id", "italian": "it", "japanese": "ja", "korean": "ko",
    "latvian": "lv", "lithuanian": "lt", "malay": "ms", "norwegian": "no", "persian": "fa",
    "polish": "pl", "portuguese": "pt", "romanian": "ro", "russian": "ru", "serbian": "sr",
    "slovak": "sk", "slovenian": "sl", "spanish": "es", "swedish": "sv", "tamil": "ta",
    "thai": "th", "turkish": "tr", "ukrainian": "uk", "urdu": "ur", "vietnamese": "vi",
}

_TOKENS = re.compile(r'-?"[^"]*"|[()]|[^\s()]+')
_OPERATORS = {"AND", "OR", "NOT", "ET", "OU", "SAUF"}
# GDELT only searches the last three months; an older start date is clamped to that.
_MAX_LOOKBACK = timedelta(days=89)


def query_from_watches(watches: list[dict[str, Any]]) -> str:
    """One GDELT query recalling every watch: their phrases and words joined with OR.

    Watch queries can say more (AND, NOT, fields, wildcards) than GDELT understands; the ingest
    pipeline re-applies each watch's full query to what comes back, so GDELT only has to recall.
    """
    terms: list[str] = []
    seen: set[str] = set()
    for watch in watches:
        tokens = _TOKENS.findall(str(watch.get("query") or ""))
        skip_next = False
        for token in tokens:
            if token.upper() in _OPERATORS or token in "()":
                skip_next = token.upper() in {"NOT", "SAUF"}
                continue
            if skip_next or token.startswith("-") or (":" in token and not token.startswith('"')):
                skip_next = False
                continue
            # GDELT has no wildcards: keep the stem. Phrases and hyphenated words stay quoted.
            bare = token.replace("*", "").strip('"').strip()
            term = f'"{bare}"' if token.startswith('"') or "-" in bare else bare
            if bare and term.lower() not in seen:
                seen.add(term.lower())
                terms.append(term)
    if len(terms) > 1:
        # GDELT requires OR'd terms inside parentheses.
        return "(" + " OR ".join(terms) + ")"
    return terms[0] if terms else ""


class GdeltSource:
    """Articles GDELT has seen for the watches' terms, newest first, 250 at most per run."""

    name: ClassVar[str] = "gdelt"
    channel: ClassVar[str] = "online_press"
    options: ClassVar[tuple[Option, ...]] = (
        Option("query", "GDELT query (default: the watches' phrases and words joined with OR)"),
        Option("api_base", "DOC 2.0 API URL", default=GDELT_API_BASE),
        Option("timespan", "how far back the first run looks (GDELT syntax: 15min, 24h, 7d, 3m)", default="1d"),
        Option("max_records", "articles per request (GDELT caps this at 250)", default=250),
    )

    def __init__(self, config: dict[str, Any], ctx: SourceContext) -> None:
        opts = read_options(self.name, self.options, config)
        self.ctx = ctx
        self.api_base = str(opts["api_base"])
        self.timespan = str(opts["timespan"])
        self.max_records = min(as_int(opts["max_records"]) or 250, 250)
        self.query = str(opts["query"] or query_from_watches(ctx.watches))
        if not self.query:
            raise NotConfigured(f"{self.name}: set 'query' or add a watch with search terms")

    def fetch(self, cursor: dict[str, Any]) -> Iterator[Item]:
        params: dict[str, Any] = {
            "query": self.query, "mode": "artlist", "format": "json",
            "maxrecords": self.max_records, "sort": "datedesc",
        }
        last_seen = parse_time(cursor.get("seendate"))
        if last_seen is not None:
            start = max(last_seen, datetime.now(UTC) - _MAX_LOOKBACK)
            params["startdatetime"] = start.strftime("%Y%m%d%H%M%S")
        else:
            params["timespan"] = self.timespan
        response = self.ctx.http.get(self.api_base, params=params)
        articles = self._articles(response.text)
        newest = last_seen
        for article in articles:
            item = self._mention(article)
            if isinstance(item, Mention) and item.published_at:
                newest = item.published_at if newest is None else max(newest, item.published_at)
            yield item
        if newest is not None:
            cursor["seendate"] = newest.strftime("%Y%m%dT%H%M%SZ")

    def _articles(self, body: str) -> list[Any]:
        try:
            # strict=False: GDELT titles sometimes carry raw control characters.
            payload = json.loads(body, strict=False) if body.strip() else {}
        except ValueError:
            # Bad queries get a plain-text explanation with status 200.
            raise FetchError(f"{self.name}: GDELT refused the query {self.query!r}: {body.strip()[:300]}") from None
        if not isinstance(payload, dict):
            raise FetchError(f"{self.name}: expected a JSON object, got {type(payload).__name__}")
        articles = payload.get("articles", [])  # no match gives {}
        if not isinstance(articles, list):
            raise FetchError(f"{self.name}: 'articles' is not a list")
        return articles

    def _mention(self, article: Any) -> Mention | Rejection:
        if not isinstance(article, dict) or not isinstance(article.get("url"), str) or not article["url"]:
            return Rejection("missing-url", "GDELT article without a url", repr(article)[:500])
        language = str(article.get("language") or "").strip().lower()
        return Mention(
            source=self.name, channel=self.channel, external_id=article["url"], url=article["url"],
            title=article.get("title") or None, outlet=article.get("domain") or None,
            published_at=parse_time(article.get("seendate")),
            language=LANGUAGES.get(language), raw=article,
        )


@hookimpl
def register_sources() -> list[type]:
    return [GdeltSource]
