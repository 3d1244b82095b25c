"""SearXNG connector: the first results page of a self-hosted metasearch instance, as ranked snapshots. See docs/sources-meta-search.md"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from vigie import hookimpl
from vigie.exceptions import FetchError, NotConfigured
from vigie.items import SearchResult, SearchSnapshot
from vigie.sources.base import Item, Option, SourceContext, read_options


def configured_queries(name: str, value: Any, ctx: SourceContext) -> list[str]:
    """The ``queries`` option as a list; by default the workspace's name (what people search for)."""
    if isinstance(value, str):
        value = [value]
    queries = [str(q).strip() for q in value or () if str(q).strip()]
    if not queries and str(ctx.workspace.get("name") or "").strip():
        queries = [str(ctx.workspace["name"]).strip()]
    if not queries:
        raise NotConfigured(f"{name}: set 'queries': the searches to follow, e.g. the organisation's name")
    return queries


class SearxngSource:
    """One SearchSnapshot per query per run; the pipeline keeps the history and turns results into mentions."""

    name: ClassVar[str] = "searxng"
    channel: ClassVar[str] = "search_result"
    options: ClassVar[tuple[Option, ...]] = (
        Option("base_url", "the SearXNG instance, e.g. http://searxng:8080 (its settings.yml must allow the json format)", required=True),
        Option("queries", "searches to follow (default: the workspace name)", default=()),
        Option("language", "search language code, e.g. fr or fr-CA (default: the instance's)"),
        Option("categories", "SearXNG categories to search", default="general"),
    )

    def __init__(self, config: dict[str, Any], ctx: SourceContext) -> None:
        opts = read_options(self.name, self.options, config)
        self.ctx = ctx
        self.url = str(opts["base_url"]).rstrip("/") + "/search"
        self.language = opts["language"]
        self.categories = str(opts["categories"])
        self.queries = configured_queries(self.name, opts["queries"], ctx)

    def fetch(self, cursor: dict[str, Any]) -> Iterator[Item]:
        # No conditional GET and no cursor: each run is a new snapshot of the ranking.
        for query in self.queries:
            yield self._snapshot(query)

    def _snapshot(self, query: str) -> SearchSnapshot:
        params = {"q": query, "format": "json", "categories": self.categories}
        if self.language:
            params["language"] = str(self.language)
        response = self.ctx.http.get(self.url, params=params, ok_statuses=(403, 429))
        if response.status_code in (403, 429):
            raise FetchError(
                f"{self.name}: HTTP {response.status_code} from {self.url}: enable the json format in "
                "SearXNG's settings.yml (search: formats: [html, json]); if its limiter is on, "
                "add Vigie's address to botdetection pass_ip"
            )
        try:
            payload = response.json()
        except ValueError:
            raise FetchError(f"{self.name}: {self.url} did not answer JSON: {response.text[:200]!r}") from None
        rows = payload.get("results") if isinstance(payload, dict) else None
        if not isinstance(rows, list):
            raise FetchError(f"{self.name}: {self.url}: expected a 'results' list")
        results: list[SearchResult] = []
        for row in rows:
            if not isinstance(row, dict) or not isinstance(row.get("url"), str) or not row["url"]:
                self.ctx.log.warning("%s: result without url skipped for %r", self.name, query)
                continue
            results.append(SearchResult(
                rank=len(results) + 1, url=row["url"],
                title=str(row.get("title") or ""), snippet=str(row.get("content") or ""),
            ))
        return SearchSnapshot(engine=self.name, query=query, results=results, raw=payload)


@hookimpl
def register_sources() -> list[type]:
    return [SearxngSource]
