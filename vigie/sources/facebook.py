"""Facebook Page connector (Meta Graph API): the Page's feed, posts it is tagged in, and comments. See docs/sources-meta-search.md"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit

from vigie import hookimpl
from vigie.exceptions import FetchError
from vigie.items import Mention, Rejection
from vigie.sources.base import Item, Option, SourceContext, as_int, parse_time, read_options

GRAPH_API_BASE = "https://graph.facebook.com/v19.0"

POST_FIELDS = (
    "id,message,story,created_time,permalink_url,from{id,name},shares,status_type,"
    "attachments{title,description,url},comments.summary(true).limit(0),reactions.summary(true).limit(0)"
)
COMMENT_FIELDS = "id,message,created_time,like_count,comment_count,permalink_url,from{id,name},parent{id}"


class GraphApi:
    """Graph API calls for one access token: bearer header, paging rebased onto ``api_base``,
    error payloads turned into FetchError without the token."""

    def __init__(self, name: str, ctx: SourceContext, api_base: str, token: str) -> None:
        self.name = name
        self.ctx = ctx
        self.api_base = api_base.rstrip("/")
        self.token = token

    def get(self, path_or_url: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        url = path_or_url if "://" in path_or_url else f"{self.api_base}/{path_or_url.lstrip('/')}"
        if params:
            url = f"{url}?{urlencode(params)}"
        # The token travels in a header, never in the URL: URLs end up in logs (httpx logs every
        # request line at INFO) and in error messages.
        response = self.ctx.http.request(
            "GET", url, headers={"Authorization": f"Bearer {self.token}"}, ok_statuses=(400, 401, 403, 404),
        )
        try:
            payload = response.json()
        except ValueError:
            raise FetchError(self._scrub(f"{self.name}: {_path(url)}: response is not JSON: {response.text[:200]!r}")) from None
        if not isinstance(payload, dict):
            raise FetchError(f"{self.name}: {_path(url)}: expected a JSON object, got {type(payload).__name__}")
        error = payload.get("error")
        if error or response.status_code >= 400:
            raise FetchError(self._scrub(f"{self.name}: {_path(url)}: {_describe_error(error, response.status_code)}"))
        return payload

    def edge(self, path: str, params: dict[str, Any], max_pages: int) -> Iterator[Any]:
        """Every object of a list edge, following ``paging.next`` for at most ``max_pages`` pages."""
        for page in self.pages(path, params, max_pages):
            yield from page

    def pages(self, path: str, params: dict[str, Any], max_pages: int) -> Iterator[list[Any]]:
        """The ``data`` lists of a list edge, page by page; stop iterating to stop fetching."""
        url: str = path
        query: dict[str, Any] | None = params
        for count in range(1, max(1, max_pages) + 1):
            payload = self.get(url, query)
            data = payload.get("data")
            if not isinstance(data, list):
                raise FetchError(f"{self.name}: {_path(url)}: expected a 'data' list in the response")
            yield data
            paging = payload.get("paging")
            next_url = paging.get("next") if isinstance(paging, dict) else None
            if not data or not isinstance(next_url, str) or count >= max_pages:
                return
            url, query = self.rebase(next_url), None

    def rebase(self, next_url: str) -> str:
        """A ``paging.next`` URL moved onto ``api_base`` (same host and version as the first call),
        without the access_token the API copies into it."""
        parts = urlsplit(next_url)
        segments = parts.path.lstrip("/").split("/")
        # Drop the API version segment ("v10.0"): api_base carries the version to use.
        if segments and segments[0].startswith("v") and segments[0][1:].replace(".", "").isdigit():
            segments = segments[1:]
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "access_token"]
        rebased = f"{self.api_base}/{'/'.join(segments)}"
        return f"{rebased}?{urlencode(query)}" if query else rebased

    def _scrub(self, message: str) -> str:
        return message.replace(self.token, "***") if self.token else message


def _describe_error(error: Any, status: int) -> str:
    if isinstance(error, dict):
        code = error.get("code")
        kind = error.get("type") or "error"
        hint = " (the access token is invalid or expired: generate a new one)" if code == 190 else ""
        return f"{kind} {code}: {error.get('message', '')}{hint}"
    return f"HTTP {status}"


def _path(url: str) -> str:
    return urlsplit(url).path


def summary_count(obj: dict[str, Any], key: str) -> int | None:
    """``obj[key].summary.total_count``, the shape Graph uses for comments and reactions."""
    value = obj.get(key)
    if isinstance(value, dict) and isinstance(value.get("summary"), dict):
        return as_int(value["summary"].get("total_count"))
    return None


def comment_id_from_permalink(permalink: Any) -> str | None:
    """Graph comment ids are ``{post}_{comment}``; rebuild one from a permalink when ``id`` is
    missing (``.../posts/{post}/?comment_id=..&reply_comment_id=..``)."""
    if not isinstance(permalink, str):
        return None
    parts = urlsplit(permalink)
    query = dict(parse_qsl(parts.query))
    comment = query.get("reply_comment_id") or query.get("comment_id")
    segments = [s for s in parts.path.split("/") if s]
    if not comment or "posts" not in segments[:-1]:
        return None
    return f"{segments[segments.index('posts') + 1]}_{comment}"


class FacebookSource:
    """Posts of the organisation's own Page, posts that tag it, and the comments under its posts."""

    name: ClassVar[str] = "facebook"
    channel: ClassVar[str] = "social"
    options: ClassVar[tuple[Option, ...]] = (
        Option("page_id", "the Page's numeric id", required=True),
        Option("access_token", "a Page access token (pages_read_engagement, pages_read_user_content)", required=True, secret=True),
        Option("api_base", "Graph API base URL, version included", default=GRAPH_API_BASE),
        Option("include_comments", "also read the comments under the Page's posts", default=True),
        Option("comments_days", "re-read comments on posts this many days old, so late comments are caught (0: all posts fetched)", default=7),
        Option("max_pages", "pages of results to follow per edge and run", default=5),
    )

    def __init__(self, config: dict[str, Any], ctx: SourceContext) -> None:
        opts = read_options(self.name, self.options, config)
        self.ctx = ctx
        self.page_id = str(opts["page_id"])
        self.include_comments = bool(opts["include_comments"])
        self.comments_days = as_int(opts["comments_days"]) or 0
        self.max_pages = as_int(opts["max_pages"]) or 1
        self.graph = GraphApi(self.name, ctx, str(opts["api_base"]), str(opts["access_token"]))

    def fetch(self, cursor: dict[str, Any]) -> Iterator[Item]:
        since = cursor.setdefault("since", {})
        yield from self._edge("feed", since, with_comments=self.include_comments)
        yield from self._edge("tagged", since, with_comments=False)

    def _edge(self, edge: str, since: dict[str, int], with_comments: bool) -> Iterator[Item]:
        seen_until = as_int(since.get(edge))
        window_start = int(time.time()) - self.comments_days * 86400 if with_comments and self.comments_days else None
        params: dict[str, Any] = {"fields": POST_FIELDS, "limit": 25}
        if seen_until is not None:
            # Ask again for the comment window too: new comments land on posts already seen.
            params["since"] = min(seen_until, window_start) if window_start is not None else seen_until
        newest = seen_until
        for post in self.graph.edge(f"{self.page_id}/{edge}", params, self.max_pages):
            item = self._post(post)
            if isinstance(item, Rejection):
                yield item
                continue
            created = int(item.published_at.timestamp()) if item.published_at else None
            if seen_until is None or created is None or created > seen_until:
                yield item
            if created is not None:
                newest = created if newest is None else max(newest, created)
            if with_comments and (window_start is None or (created or 0) >= window_start):
                yield from self._comments(item.external_id, item.url)
        if newest is not None:
            since[edge] = newest

    def _post(self, post: Any) -> Mention | Rejection:
        if not isinstance(post, dict) or not isinstance(post.get("id"), str):
            return Rejection("missing-id", "Facebook post without an id", repr(post)[:500])
        author = _author(post)
        text = post.get("message") or post.get("story") or _attachment_text(post)
        engagement = {
            "reactions": summary_count(post, "reactions"),
            "comments": summary_count(post, "comments"),
            "likes": summary_count(post, "like"),
            "shares": as_int(post["shares"].get("count")) if isinstance(post.get("shares"), dict) else None,
        }
        return Mention(
            source=self.name, channel=self.channel, external_id=post["id"],
            url=post.get("permalink_url"), text=str(text or ""),
            author_handle=author.get("id"), author_name=author.get("name"),
            published_at=parse_time(post.get("created_time")),
            engagement={k: v for k, v in engagement.items() if v is not None}, raw=post,
        )

    def _comments(self, post_id: str, post_url: str | None) -> Iterator[Item]:
        params = {"fields": COMMENT_FIELDS, "filter": "stream", "limit": 100}
        for comment in self.graph.edge(f"{post_id}/comments", params, self.max_pages):
            if not isinstance(comment, dict):
                yield Rejection("not-an-object", f"comment on {post_id}", repr(comment)[:500])
                continue
            comment_id = comment.get("id") or comment_id_from_permalink(comment.get("permalink_url"))
            if not isinstance(comment_id, str):
                yield Rejection("missing-id", f"comment on {post_id} without id or permalink", repr(comment)[:500])
                continue
            author = _author(comment)
            engagement = {"likes": as_int(comment.get("like_count")), "comments": as_int(comment.get("comment_count"))}
            yield Mention(
                source=self.name, channel=self.channel, external_id=comment_id,
                url=comment.get("permalink_url") or post_url, text=str(comment.get("message") or ""),
                author_handle=author.get("id"), author_name=author.get("name"),
                published_at=parse_time(comment.get("created_time")),
                engagement={k: v for k, v in engagement.items() if v is not None}, raw=comment,
            )


def _author(obj: dict[str, Any]) -> dict[str, Any]:
    author = obj.get("from")
    return author if isinstance(author, dict) else {}


def _attachment_text(post: dict[str, Any]) -> str:
    attachments = post.get("attachments")
    data = attachments.get("data") if isinstance(attachments, dict) else None
    if isinstance(data, list) and data and isinstance(data[0], dict):
        return " ".join(str(data[0][k]) for k in ("title", "description") if data[0].get(k))
    return ""


@hookimpl
def register_sources() -> list[type]:
    return [FacebookSource]
