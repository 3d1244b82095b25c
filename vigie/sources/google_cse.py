"""Google Programmable Search (Custom Search JSON API) connector: ranked result snapshots per query. See docs/sources-meta-search.md"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from vigie import hookimpl
from vigie.exceptions import FetchError
from vigie.items import SearchResult, SearchSnapshot
from vigie.sources.base import Item, Option, SourceContext, as_int, read_options
from vigie.sources.searxng import configured_queries

CSE_API_BASE = "https://www.googleapis.com/customsearch/v1"


class GoogleCseSource:
    """One SearchSnapshot per query per run (10 or 20 results); costs one or two API queries each."""

    name: ClassVar[str] = "google_cse"
    channel: ClassVar[str] = "search_result"
    options: ClassVar[tuple[Option, ...]] = (
        Option("api_key", "a Google Cloud API key with the Custom Search API enabled", required=True, secret=True),
        Option("cx", "the Programmable Search Engine id (set it to search the entire web)", required=True),
        Option("queries", "searches to follow (default: the workspace name)", default=()),
        Option("pages", "result pages per query: 1 (top 10) or 2 (top 20, twice the quota)", default=1),
        Option("language", "restrict to a language and use its interface, e.g. fr"),
        Option("country", "country to search from, e.g. ca (the gl parameter)"),
        Option("api_base", "Custom Search JSON API URL", default=CSE_API_BASE),
    )

    def __init__(self, config: dict[str, Any], ctx: SourceContext) -> None:
        opts = read_options(self.name, self.options, config)
        self.ctx = ctx
        self.api_key = str(opts["api_key"])
        self.cx = str(opts["cx"])
        self.api_base = str(opts["api_base"])
        self.pages = 2 if (as_int(opts["pages"]) or 1) >= 2 else 1
        self.language = opts["language"]
        self.country = opts["country"]
        self.queries = configured_queries(self.name, opts["queries"], ctx)

    def fetch(self, cursor: dict[str, Any]) -> Iterator[Item]:
        # No conditional GET and no cursor: each run is a new snapshot of the ranking.
        for query in self.queries:
            results: list[SearchResult] = []
            raw: list[Any] = []
            start = 1
            for _ in range(self.pages):
                payload = self._page(query, start)
                raw.append(payload)
                items = payload.get("items") or []  # absent when nothing matched
                if not isinstance(items, list):
                    raise FetchError(f"{self.name}: 'items' is not a list")
                for item in items:
                    if isinstance(item, dict) and isinstance(item.get("link"), str) and item["link"]:
                        results.append(SearchResult(
                            rank=len(results) + 1, url=item["link"],
                            title=str(item.get("title") or ""), snippet=str(item.get("snippet") or ""),
                        ))
                next_page = (payload.get("queries") or {}).get("nextPage")
                if not next_page or not isinstance(next_page, list):
                    break
                start = as_int(next_page[0].get("startIndex")) or start + 10
            yield SearchSnapshot(engine=self.name, query=query, results=results, raw=raw[0] if len(raw) == 1 else raw)

    def _page(self, query: str, start: int) -> dict[str, Any]:
        params: dict[str, Any] = {"cx": self.cx, "q": query, "num": 10}
        if start > 1:
            params["start"] = start
        if self.language:
            params["lr"] = f"lang_{self.language}"
            params["hl"] = str(self.language)
        if self.country:
            params["gl"] = str(self.country)
        # The key goes in Google's X-Goog-Api-Key header rather than ?key=: URLs reach logs.
        # 429 is the daily quota here: retrying within the run cannot help.
        response = self.ctx.http.get(
            self.api_base, params=params, headers={"X-Goog-Api-Key": self.api_key},
            ok_statuses=(400, 401, 403, 404, 429),
        )
        try:
            payload = response.json()
        except ValueError:
            raise FetchError(f"{self.name}: response is not JSON: {response.text[:200]!r}") from None
        if not isinstance(payload, dict):
            raise FetchError(f"{self.name}: expected a JSON object, got {type(payload).__name__}")
        error = payload.get("error")
        if error or response.status_code >= 400:
            message = error.get("message", "") if isinstance(error, dict) else ""
            status = error.get("status", "") if isinstance(error, dict) else ""
            text = f"{self.name}: HTTP {response.status_code} {status}: {message}".replace(self.api_key, "***")
            raise FetchError(text)
        return payload


@hookimpl
def register_sources() -> list[type]:
    return [GoogleCseSource]
