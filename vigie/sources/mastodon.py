"""Mastodon connector: public hashtag timelines and token-authenticated status search. See docs/sources-social.md"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import httpx

from vigie import hookimpl
from vigie.exceptions import FetchError, NotConfigured
from vigie.items import Mention, Rejection
from vigie.sanitize import clean_html, html_to_text
from vigie.sources.base import Item, Option, SourceContext, as_int, parse_time, read_options
from vigie.sources.base import obj as _obj
from vigie.sources.base import sample as _sample

PAGE_SIZE = 40  # the largest page Mastodon serves for timelines and search


class MastodonSource:
    name = "mastodon"
    channel = "social"
    options = (
        Option("instance", "Base URL of the Mastodon server, e.g. https://mastodon.social", required=True),
        Option("hashtags", "Hashtags to follow, without '#' (public timelines, no token needed)", default=[]),
        Option("query", "Full-text status search; needs 'token'"),
        Option("token", "Access token with the read:search scope (Preferences > Development)", secret=True),
        Option("max_pages", "Pages of 40 statuses to read per timeline in one run", default=4),
    )

    def __init__(self, config: dict[str, Any], ctx: SourceContext) -> None:
        values = read_options(self.name, self.options, config)
        self.http = ctx.http
        self.log = ctx.log
        self.channel = values.get("channel", self.channel)
        self.instance = str(values["instance"]).rstrip("/")
        if urlsplit(self.instance).scheme not in ("http", "https"):
            raise NotConfigured(f"mastodon: 'instance' must be an http(s) URL, got {self.instance!r}")
        self.host = urlsplit(self.instance).netloc
        tags = values["hashtags"] or []
        if isinstance(tags, str):
            tags = tags.split(",")
        self.hashtags = [t.strip().lstrip("#") for t in tags if t and t.strip().lstrip("#")]
        self.query = (values["query"] or "").strip()
        self.token = values["token"] or ""
        self.max_pages = max(1, as_int(values["max_pages"]) or 1)
        if not self.hashtags and not self.query:
            raise NotConfigured("mastodon: set 'hashtags' or 'query' (nothing to follow)")
        if self.query and not self.token:
            raise NotConfigured(
                "mastodon: set 'token': status search needs an access token with the read:search "
                'scope (e.g. {"$env": "MASTODON_TOKEN"}); hashtags work without one'
            )

    def fetch(self, cursor: dict[str, Any]) -> Iterator[Item]:
        for tag in self.hashtags:
            url = f"{self.instance}/api/v1/timelines/tag/{quote(tag, safe='')}"
            yield from self._timeline(f"tag:{tag.lower()}", url, cursor)
        if self.query:
            yield from self._search(cursor)

    def _timeline(self, key: str, url: str, cursor: dict[str, Any]) -> Iterator[Item]:
        """Newest first, down to what the previous run saw; older pages through the Link header."""
        known = cursor.get("since_id", {}).get(key)
        base: dict[str, Any] = {"limit": PAGE_SIZE}
        if known:
            base["since_id"] = known
        newest, max_id = known, None
        for _ in range(self.max_pages):
            response = self._get(url, {**base, "max_id": max_id} if max_id else base)
            statuses = _json(response, url)
            if not isinstance(statuses, list):
                raise FetchError(f"mastodon: {_path(url)} did not return a list of statuses")
            reached_known = False
            for item in self._items(statuses):
                if isinstance(item, Rejection):
                    yield item
                    continue
                status_id = item.raw["id"]
                if known and not _newer(status_id, known):
                    reached_known = True  # the server ignored since_id: stop at what we have
                    continue
                yield item
                if newest is None or _newer(status_id, newest):
                    newest = status_id
            # Only the max_id is taken from the Link header: the URL itself is never followed,
            # so a hostile instance cannot send us elsewhere.
            max_id = _next_max_id(response)
            if not statuses or reached_known or not max_id:
                break
        if newest and newest != known:
            cursor.setdefault("since_id", {})[key] = newest

    def _search(self, cursor: dict[str, Any]) -> Iterator[Item]:
        """Search has no Link header: page with offset, and ask only for ids above the last run's."""
        key = f"search:{self.query}"
        url = f"{self.instance}/api/v2/search"
        known = cursor.get("since_id", {}).get(key)
        params: dict[str, Any] = {"q": self.query, "type": "statuses", "resolve": "false", "limit": PAGE_SIZE}
        if known:
            params["min_id"] = known
        newest = known
        for page in range(self.max_pages):
            body = _json(self._get(url, {**params, "offset": page * PAGE_SIZE} if page else params), url)
            statuses = body.get("statuses") if isinstance(body, dict) else None
            if not isinstance(statuses, list):
                raise FetchError(f"mastodon: {_path(url)} did not return a 'statuses' list")
            for item in self._items(statuses):
                if isinstance(item, Mention):
                    if known and not _newer(item.raw["id"], known):
                        continue
                    if newest is None or _newer(item.raw["id"], newest):
                        newest = item.raw["id"]
                yield item
            if len(statuses) < PAGE_SIZE:
                break
        if newest and newest != known:
            cursor.setdefault("since_id", {})[key] = newest

    def _get(self, url: str, params: dict[str, Any]) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else None
        response = self.http.get(url, params=params, headers=headers, ok_statuses=(401, 403, 422))
        if response.status_code != 200:
            detail = _api_error(response).replace(self.token, "***") if self.token else _api_error(response)
            hint = "check 'token'" if self.token else "this instance needs a 'token' even for hashtags"
            raise NotConfigured(
                f"mastodon: {self.host} refused {_path(url)} (HTTP {response.status_code}: {detail}); {hint}"
            )
        return response

    def _items(self, statuses: list[Any]) -> Iterator[Item]:
        for status in statuses:
            if not isinstance(status, dict):
                yield Rejection("not-an-object", "mastodon status is not a JSON object", str(status)[:500])
            elif not isinstance(status.get("id"), str | int) or status.get("id") in ("", None):
                yield Rejection("missing-id", "mastodon status has no id", _sample(status))
            else:
                status["id"] = str(status["id"])
                yield self._mention(status)

    def _mention(self, status: dict[str, Any]) -> Mention:
        account = _obj(status.get("account"))
        acct = account.get("acct") or account.get("username")
        if acct and "@" not in acct:
            acct = f"{acct}@{self.host}"  # local accounts come without a domain
        content = status.get("content") if isinstance(status.get("content"), str) else ""
        return Mention(
            source=self.name,
            channel=self.channel,
            # The ActivityPub URI is the same on every instance; the id is only local.
            external_id=status.get("uri") or f"{self.instance}/statuses/{status['id']}",
            url=status.get("url") or status.get("uri"),
            title=status.get("spoiler_text") or None,
            text=html_to_text(content),
            html=clean_html(content) or None,
            author_handle=acct,
            author_name=account.get("display_name") or None,
            author_followers=as_int(account.get("followers_count")),
            published_at=parse_time(status.get("created_at")),
            language=status.get("language") or None,
            engagement=_engagement(status),
            raw=status,
        )


def _engagement(status: dict[str, Any]) -> dict[str, int]:
    pairs = (("likes", "favourites_count"), ("shares", "reblogs_count"), ("comments", "replies_count"),
             ("quotes", "quotes_count"))
    return {key: n for key, field in pairs if (n := as_int(status.get(field))) is not None}


def _newer(a: str, b: str) -> bool:
    """Mastodon ids are numeric snowflakes; other servers use sortable strings of equal length."""
    if a.isdigit() and b.isdigit():
        return int(a) > int(b)
    return (len(a), a) > (len(b), b)


def _next_max_id(response: httpx.Response) -> str | None:
    link = response.links.get("next", {}).get("url")
    if not link:
        return None
    values = parse_qs(urlsplit(link).query).get("max_id")
    return values[0] if values else None


def _json(response: httpx.Response, url: str) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise FetchError(f"mastodon: {_path(url)} did not return JSON: {exc}") from exc


def _api_error(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.reason_phrase or "error"
    return str(body.get("error") or body) if isinstance(body, dict) else str(body)[:200]


def _path(url: str) -> str:
    return urlsplit(url).path




@hookimpl
def register_sources() -> list[type]:
    return [MastodonSource]
