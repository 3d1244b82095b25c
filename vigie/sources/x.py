"""X (Twitter) API v2 connector: recent search with an app-only bearer token (paid tiers only). See docs/sources-social.md"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from vigie import hookimpl
from vigie.exceptions import FetchError, NotConfigured
from vigie.items import Mention, Rejection
from vigie.sources.base import Item, Option, SourceContext, as_int, parse_time, read_options
from vigie.sources.base import obj as _obj
from vigie.sources.base import sample as _sample

TWEET_FIELDS = "created_at,lang,public_metrics,author_id"
USER_FIELDS = "username,name,public_metrics"
PAID_TIER = "X's recent search needs a paid API tier (Basic or above); the free tier cannot search"


class XSource:
    name = "x"
    channel = "social"
    options = (
        Option("bearer_token", f"App-only bearer token from the X developer portal. {PAID_TIER}",
               required=True, secret=True),
        Option("query", "Recent-search query (X search operators, e.g. '\"Hydro-Québec\" -is:retweet')",
               required=True),
        Option("max_pages", "Pages of 100 posts per run; every post read counts against the monthly cap",
               default=1),
        Option("api_base", "API base URL", default="https://api.x.com"),
    )

    def __init__(self, config: dict[str, Any], ctx: SourceContext) -> None:
        values = read_options(self.name, self.options, config)
        self.http = ctx.http
        self.log = ctx.log
        self.channel = values.get("channel", self.channel)
        self.token = str(values["bearer_token"])
        self.query = str(values["query"]).strip()
        self.max_pages = max(1, as_int(values["max_pages"]) or 1)
        self.api_base = str(values["api_base"]).rstrip("/")

    def fetch(self, cursor: dict[str, Any]) -> Iterator[Item]:
        known = cursor.get("since_id")
        newest = known
        params: dict[str, Any] = {
            "query": self.query, "max_results": 100, "tweet.fields": TWEET_FIELDS,
            "expansions": "author_id", "user.fields": USER_FIELDS,
        }
        if known:
            params["since_id"] = known
        for _ in range(self.max_pages):
            body = self._get(params)
            tweets = body.get("data", [])  # absent when nothing matched
            if not isinstance(tweets, list):
                raise FetchError("x: recent search 'data' is not a list")
            listed = _obj(body.get("includes")).get("users") or []
            users = {str(u.get("id")): u for u in listed if isinstance(u, dict)}
            for tweet in tweets:
                item = self._item(tweet, users)
                if isinstance(item, Mention):
                    if known and int(item.external_id) <= int(known):
                        continue  # since_id is exclusive on X's side too; a replay must not duplicate
                    if newest is None or int(item.external_id) > int(newest):
                        newest = item.external_id
                yield item
            token = _obj(body.get("meta")).get("next_token")
            if not tweets or not token:
                break
            params["next_token"] = token
        if newest and newest != known:
            cursor["since_id"] = newest

    def _get(self, params: dict[str, Any]) -> dict[str, Any]:
        response = self.http.get(
            f"{self.api_base}/2/tweets/search/recent", params=params,
            headers={"Authorization": f"Bearer {self.token}"}, ok_statuses=(400, 401, 402, 403),
        )
        try:
            body = response.json()
        except ValueError as exc:
            raise FetchError(f"x: recent search did not return JSON (HTTP {response.status_code})") from exc
        status = response.status_code
        problem = _problem(body).replace(self.token, "***")
        if status == 401:
            raise NotConfigured(f"x: X rejected the bearer token ({problem}); check 'bearer_token'")
        if status in (402, 403):
            raise NotConfigured(f"x: X refused recent search (HTTP {status}: {problem}). {PAID_TIER}")
        if status != 200 or not isinstance(body, dict):
            raise FetchError(f"x: recent search failed (HTTP {status}: {problem})")
        if body.get("errors") and "data" not in body and "meta" not in body:
            raise FetchError(f"x: recent search failed ({problem})")
        return body

    def _item(self, tweet: Any, users: dict[str, dict[str, Any]]) -> Item:
        if not isinstance(tweet, dict):
            return Rejection("not-an-object", "x post is not a JSON object", str(tweet)[:500])
        tweet_id = tweet.get("id")
        if not isinstance(tweet_id, str) or not tweet_id.isdigit():
            return Rejection("missing-id", "x post has no numeric id", _sample(tweet))
        user = users.get(str(tweet.get("author_id")), {})
        username = user.get("username")
        metrics = _obj(tweet.get("public_metrics"))
        user_metrics = _obj(user.get("public_metrics"))
        lang = tweet.get("lang")
        return Mention(
            source=self.name,
            channel=self.channel,
            external_id=tweet_id,
            url=f"https://x.com/{username or 'i/web'}/status/{tweet_id}",
            text=str(tweet.get("text") or ""),
            author_handle=username,
            author_name=user.get("name") or None,
            author_followers=as_int(user_metrics.get("followers_count")),
            published_at=parse_time(tweet.get("created_at")),
            language=lang if lang and lang not in ("und", "qme", "qht", "zxx") else None,
            engagement=_engagement(metrics),
            raw=tweet,
        )


def _engagement(metrics: dict[str, Any]) -> dict[str, int]:
    pairs = (("likes", "like_count"), ("shares", "retweet_count"), ("comments", "reply_count"),
             ("quotes", "quote_count"), ("views", "impression_count"))
    return {key: n for key, field in pairs if (n := as_int(metrics.get(field))) is not None}


def _problem(body: Any) -> str:
    """X answers errors as RFC 7807 problems ({title, detail}) or as an `errors` list."""
    if not isinstance(body, dict):
        return "unreadable error"
    if body.get("detail") or body.get("title"):
        return str(body.get("detail") or body.get("title"))[:200]
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return str(errors[0].get("message") or errors[0].get("detail") or errors[0])[:200]
    return "error"




@hookimpl
def register_sources() -> list[type]:
    return [XSource]
