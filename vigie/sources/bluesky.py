"""Bluesky connector: post search through an app-password session on the AT Protocol. See docs/sources-social.md"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx

from vigie import hookimpl
from vigie.exceptions import FetchError, NotConfigured
from vigie.items import Mention, Rejection
from vigie.sources.base import Item, Option, SourceContext, as_int, parse_time, read_options
from vigie.sources.base import obj as _obj
from vigie.sources.base import sample as _sample

# Errors after which a fresh session is worth one retry (access tokens live about two hours).
_SESSION_ERRORS = {"ExpiredToken", "InvalidToken"}


class BlueskySource:
    name = "bluesky"
    channel = "social"
    options = (
        Option("handle", "Account handle (e.g. vigie.bsky.social) that signs in to search", required=True),
        Option("app_password", "App password (Settings > Privacy and security > App passwords)",
               required=True, secret=True),
        Option("query", "Search query (Bluesky search syntax)", required=True),
        Option("service", "PDS base URL", default="https://bsky.social"),
        Option("max_pages", "Pages of 100 posts to read in one run", default=3),
    )

    def __init__(self, config: dict[str, Any], ctx: SourceContext) -> None:
        values = read_options(self.name, self.options, config)
        self.http = ctx.http
        self.channel = values.get("channel", self.channel)
        self.handle = str(values["handle"]).strip().lstrip("@")
        self.app_password = str(values["app_password"])
        self.query = str(values["query"]).strip()
        self.service = str(values["service"]).rstrip("/")
        self.max_pages = max(1, as_int(values["max_pages"]) or 1)
        # NOTE: the session token lives in memory only: never in the cursor, never in a message.
        self._access_jwt: str | None = None

    def fetch(self, cursor: dict[str, Any]) -> Iterator[Item]:
        since = cursor.get("since")
        seen = set(cursor.get("seen", []))
        since_at = parse_time(since)
        newest_at, newest_uris = since_at, set(seen)
        params: dict[str, Any] = {"q": self.query, "sort": "latest", "limit": 100}
        if since:
            params["since"] = since
        for _ in range(self.max_pages):
            body = self._search(params)
            posts = body.get("posts")
            if not isinstance(posts, list):
                raise FetchError("bluesky: searchPosts did not return a 'posts' list")
            reached_known = False
            for post in posts:
                item = self._item(post)
                if isinstance(item, Rejection):
                    yield item
                    continue
                at = _sort_at(post)
                if since_at and at and (at < since_at or (at == since_at and item.external_id in seen)):
                    reached_known = True
                    continue
                yield item
                if at and (newest_at is None or at > newest_at):
                    newest_at, newest_uris = at, {item.external_id}
                elif at and at == newest_at:
                    newest_uris.add(item.external_id)
            next_page = body.get("cursor")
            if not posts or reached_known or not next_page:
                break
            params["cursor"] = next_page
        if newest_at and (newest_at != since_at or newest_uris != seen):
            cursor["since"] = _iso(newest_at)
            cursor["seen"] = sorted(newest_uris)

    def _search(self, params: dict[str, Any]) -> dict[str, Any]:
        url = f"{self.service}/xrpc/app.bsky.feed.searchPosts"
        for attempt in (1, 2):
            headers = {"Authorization": f"Bearer {self._session()}"}
            response = self.http.get(url, params=params, headers=headers, ok_statuses=(400, 401, 403))
            body = _json(response, "searchPosts")
            if response.status_code == 200:
                if not isinstance(body, dict):
                    raise FetchError("bluesky: searchPosts did not return a JSON object")
                return body
            error, message = _error(body)
            if error in _SESSION_ERRORS and attempt == 1:
                self._access_jwt = None
                continue
            raise FetchError(f"bluesky: searchPosts failed (HTTP {response.status_code} {error}: {message})")
        raise AssertionError("unreachable")

    def _session(self) -> str:
        if self._access_jwt:
            return self._access_jwt
        response = self.http.request(
            "POST", f"{self.service}/xrpc/com.atproto.server.createSession",
            json={"identifier": self.handle, "password": self.app_password}, ok_statuses=(400, 401),
        )
        body = _json(response, "createSession")
        if response.status_code != 200:
            error, message = _error(body)
            message = message.replace(self.app_password, "***")  # in case a server echoes it
            raise NotConfigured(
                f"bluesky: sign-in as {self.handle} refused (HTTP {response.status_code} {error}: "
                f"{message}); check handle and app password"
            )
        token = body.get("accessJwt") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise FetchError("bluesky: createSession answered without an access token")
        self._access_jwt = token
        return token

    def _item(self, post: Any) -> Mention | Rejection:
        if not isinstance(post, dict):
            return Rejection("not-an-object", "bluesky post is not a JSON object", str(post)[:500])
        uri, record = post.get("uri"), post.get("record")
        if not isinstance(uri, str) or not uri.startswith("at://"):
            return Rejection("missing-id", "bluesky post has no at:// uri", _sample(post))
        if not isinstance(record, dict):
            return Rejection("missing-record", "bluesky post has no record", _sample(post))
        author = _obj(post.get("author"))
        handle = author.get("handle")
        # Posts from accounts whose handle no longer verifies are still reachable by DID.
        profile = handle if handle and handle != "handle.invalid" else author.get("did") or uri.split("/")[2]
        langs = record.get("langs")
        return Mention(
            source=self.name,
            channel=self.channel,
            external_id=uri,
            url=f"https://bsky.app/profile/{profile}/post/{uri.rsplit('/', 1)[-1]}",
            text=str(record.get("text") or ""),
            author_handle=handle,
            author_name=author.get("displayName") or None,
            author_followers=as_int(author.get("followersCount")),
            published_at=parse_time(record.get("createdAt")) or parse_time(post.get("indexedAt")),
            language=langs[0] if isinstance(langs, list) and langs and isinstance(langs[0], str) else None,
            engagement=_engagement(post),
            raw=post,
        )


def _engagement(post: dict[str, Any]) -> dict[str, int]:
    pairs = (("likes", "likeCount"), ("shares", "repostCount"), ("comments", "replyCount"), ("quotes", "quoteCount"))
    return {key: n for key, field in pairs if (n := as_int(post.get(field))) is not None}


def _sort_at(post: dict[str, Any]) -> datetime | None:
    """The search index sorts (and filters `since`) on the earlier of createdAt and indexedAt."""
    record = _obj(post.get("record"))
    times = [t for t in (parse_time(record.get("createdAt")), parse_time(post.get("indexedAt"))) if t]
    return min(times) if times else None


def _iso(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if value else None


def _json(response: httpx.Response, what: str) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise FetchError(f"bluesky: {what} did not return JSON (HTTP {response.status_code})") from exc


def _error(body: Any) -> tuple[str, str]:
    if isinstance(body, dict):
        return str(body.get("error") or "error"), str(body.get("message") or "")[:200]
    return "error", ""




@hookimpl
def register_sources() -> list[type]:
    return [BlueskySource]
