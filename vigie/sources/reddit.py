"""Reddit connector: subreddit search (or newest posts) through an app-only OAuth token. See docs/sources-social.md"""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx

from vigie import hookimpl
from vigie.exceptions import FetchError, NotConfigured
from vigie.items import Mention, Rejection
from vigie.sanitize import clean_html
from vigie.sources.base import Item, Option, SourceContext, as_int, parse_time, read_options
from vigie.sources.base import sample as _sample

WEB = "https://www.reddit.com"  # permalinks always point at the public site, whatever the API base


class RedditSource:
    name = "reddit"
    channel = "forum"
    options = (
        Option("client_id", "Client id of a Reddit 'script' app (reddit.com/prefs/apps)", required=True, secret=True),
        Option("client_secret", "Secret of that app", required=True, secret=True),
        Option("query", "Search query; without one, the subreddit's newest posts are read"),
        Option("subreddit", "Subreddit to search, without 'r/'; 'all' searches everywhere", default="all"),
        Option("user_agent", "User-Agent Reddit asks for, e.g. 'server:vigie:1.0 (by /u/yourname)'"),
        Option("max_pages", "Pages of 100 posts to read in one run", default=3),
        Option("auth_base", "Where access tokens are issued", default=WEB),
        Option("api_base", "OAuth API base URL", default="https://oauth.reddit.com"),
    )

    def __init__(self, config: dict[str, Any], ctx: SourceContext) -> None:
        values = read_options(self.name, self.options, config)
        self.http = ctx.http
        self.channel = values.get("channel", self.channel)
        self.client_id = str(values["client_id"])
        self.client_secret = str(values["client_secret"])
        self.query = (values["query"] or "").strip()
        self.subreddit = str(values["subreddit"] or "all").strip().removeprefix("/").removeprefix("r/").strip("/")
        self.user_agent = values["user_agent"] or str(ctx.settings["user_agent"])
        self.max_pages = max(1, as_int(values["max_pages"]) or 1)
        self.auth_base = str(values["auth_base"]).rstrip("/")
        self.api_base = str(values["api_base"]).rstrip("/")
        if not self.query and self.subreddit.lower() == "all":
            raise NotConfigured("reddit: set 'query' (or a 'subreddit' to read its newest posts)")
        # NOTE: the token lives in memory only: never in the cursor, never in a message.
        self._token: str | None = None
        self._token_expires = 0.0

    def fetch(self, cursor: dict[str, Any]) -> Iterator[Item]:
        since = cursor.get("since_utc")
        seen = set(cursor.get("seen", []))
        newest, newest_names = since, set(seen)
        sub = quote(self.subreddit, safe="+")
        if self.query:
            url = f"{self.api_base}/r/{sub}/search"
            params: dict[str, Any] = {
                "q": self.query, "sort": "new", "type": "link", "limit": 100, "raw_json": 1,
                "restrict_sr": "false" if self.subreddit.lower() == "all" else "true",
            }
        else:
            url, params = f"{self.api_base}/r/{sub}/new", {"limit": 100, "raw_json": 1}
        for _ in range(self.max_pages):
            listing = self._get(url, params)
            children = listing.get("children")
            if not isinstance(children, list):
                raise FetchError("reddit: listing has no 'children' list")
            reached_known = False
            for child in children:
                item = self._item(child)
                if isinstance(item, Rejection):
                    yield item
                    continue
                created = float(item.raw["created_utc"])
                # Reddit has no "since" parameter: results come newest first, stop at the last run's.
                if since is not None and (created < since or (created == since and item.external_id in seen)):
                    reached_known = True
                    continue
                yield item
                if newest is None or created > newest:
                    newest, newest_names = created, {item.external_id}
                elif created == newest:
                    newest_names.add(item.external_id)
            after = listing.get("after")
            if not children or reached_known or not after:
                break
            params["after"] = after
        if newest is not None and (newest != since or newest_names != seen):
            cursor["since_utc"] = newest
            cursor["seen"] = sorted(newest_names)

    def _get(self, url: str, params: dict[str, Any]) -> dict[str, Any]:
        for attempt in (1, 2):
            headers = {"Authorization": f"bearer {self._access_token()}", "User-Agent": self.user_agent}
            response = self.http.get(url, params=params, headers=headers, ok_statuses=(401, 403, 404))
            if response.status_code == 401 and attempt == 1:
                self._token = None  # expired or revoked: one fresh token, then give up
                continue
            if response.status_code != 200:
                raise FetchError(f"reddit: {_path(url)} answered HTTP {response.status_code}: {_message(response)}")
            body = _json(response, _path(url))
            if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
                raise FetchError(f"reddit: {_path(url)} did not return a Listing")
            return body["data"]
        raise FetchError(f"reddit: {_path(url)} refused a fresh access token")

    def _access_token(self) -> str:
        if self._token and time.monotonic() < self._token_expires:
            return self._token
        basic = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        response = self.http.request(
            "POST", f"{self.auth_base}/api/v1/access_token",
            data={"grant_type": "client_credentials"},
            headers={"Authorization": f"Basic {basic}", "User-Agent": self.user_agent},
            ok_statuses=(400, 401, 403),
        )
        if response.status_code != 200:
            raise NotConfigured(
                f"reddit: token request refused (HTTP {response.status_code}: {_message(response)}); "
                "check 'client_id' and 'client_secret'"
            )
        body = _json(response, "access_token")
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            error = body.get("error") if isinstance(body, dict) else None
            raise NotConfigured(f"reddit: no access token issued ({error or 'empty answer'}); "
                                "check 'client_id' and 'client_secret'")
        self._token = token
        # Renew a minute early so a long run never sends an expired token.
        self._token_expires = time.monotonic() + max((as_int(body.get("expires_in")) or 3600) - 60, 60)
        return token

    def _item(self, child: Any) -> Mention | Rejection:
        if not isinstance(child, dict) or not isinstance(child.get("data"), dict):
            return Rejection("not-an-object", "reddit listing child is not a Thing", str(child)[:500])
        post = child["data"]
        if child.get("kind") != "t3":
            return Rejection("unexpected-kind", f"expected a t3 post, got {child.get('kind')!r}", _sample(child))
        name = post.get("name") or (f"t3_{post['id']}" if post.get("id") else None)
        if not isinstance(name, str) or parse_time(post.get("created_utc")) is None:
            return Rejection("missing-id", "reddit post lacks name/id or created_utc", _sample(child))
        author = post.get("author") if post.get("author") not in (None, "[deleted]") else None
        subreddit = post.get("subreddit")
        permalink = str(post.get("permalink") or "").split("?")[0]  # search adds ?ref=search_posts
        link = post.get("url") if not post.get("is_self") else None
        return Mention(
            source=self.name,
            channel=self.channel,
            external_id=name,
            url=f"{WEB}{permalink}" if permalink else link,
            title=post.get("title") or None,
            # raw_json=1 makes selftext plain markdown; a link post's target is its content.
            text=post.get("selftext") or link or "",
            html=clean_html(post.get("selftext_html")) or None,
            author_handle=author,
            outlet=f"r/{subreddit}" if subreddit else None,
            outlet_audience=as_int(post.get("subreddit_subscribers")),
            published_at=parse_time(post.get("created_utc")),
            engagement=_engagement(post),
            raw=post,
        )


def _engagement(post: dict[str, Any]) -> dict[str, int]:
    pairs = (("likes", "score"), ("comments", "num_comments"))
    return {key: n for key, field in pairs if (n := as_int(post.get(field))) is not None}


def _json(response: httpx.Response, what: str) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise FetchError(f"reddit: {what} did not return JSON (HTTP {response.status_code})") from exc


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.reason_phrase or "error"
    if isinstance(body, dict):
        return str(body.get("message") or body.get("error") or body)[:200]
    return str(body)[:200]


def _path(url: str) -> str:
    return httpx.URL(url).path



@hookimpl
def register_sources() -> list[type]:
    return [RedditSource]
