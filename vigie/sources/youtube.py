"""YouTube Data API v3 connector: video search and, optionally, their comment threads. See docs/sources-social.md"""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from vigie import hookimpl
from vigie.exceptions import FetchError, NotConfigured
from vigie.items import Mention, Rejection
from vigie.sanitize import clean_html, html_to_text
from vigie.sources.base import Item, Option, SourceContext, as_int, parse_time, read_options
from vigie.sources.base import obj as _obj
from vigie.sources.base import sample as _sample

WATCH = "https://www.youtube.com/watch?v="
# A video whose comments are off (or that vanished) must not fail the whole run.
_SKIPPABLE = frozenset({"commentsDisabled", "videoNotFound"})


class YouTubeSource:
    name = "youtube"
    channel = "social"
    options = (
        Option("api_key", "YouTube Data API v3 key (Google Cloud console > Credentials)",
               required=True, secret=True),
        Option("query", "Search query"),
        Option("channel_id", "Only videos of this channel (UC...)"),
        Option("include_comments", "Also read the comment threads of the videos found", default=False),
        Option("max_pages", "Pages of 50 results per run; each search page costs 100 quota units", default=2),
        Option("api_base", "API base URL", default="https://www.googleapis.com/youtube/v3"),
    )

    def __init__(self, config: dict[str, Any], ctx: SourceContext) -> None:
        values = read_options(self.name, self.options, config)
        self.http = ctx.http
        self.log = ctx.log
        self.channel = values.get("channel", self.channel)
        self.api_key = str(values["api_key"])
        self.query = (values["query"] or "").strip()
        self.channel_id = (values["channel_id"] or "").strip()
        flag = values["include_comments"]
        if isinstance(flag, str):
            flag = flag.strip().lower() in {"1", "true", "yes", "on", "oui"}
        self.include_comments = bool(flag)
        self.max_pages = max(1, as_int(values["max_pages"]) or 1)
        self.api_base = str(values["api_base"]).rstrip("/")
        if not self.query and not self.channel_id:
            raise NotConfigured("youtube: set 'query' or 'channel_id'")

    def fetch(self, cursor: dict[str, Any]) -> Iterator[Item]:
        since = cursor.get("published_after")
        seen = set(cursor.get("seen", []))
        since_at = parse_time(since)
        newest_at, newest_ids = since_at, set(seen)
        params: dict[str, Any] = {"part": "snippet", "type": "video", "order": "date", "maxResults": 50}
        if self.query:
            params["q"] = self.query
        if self.channel_id:
            params["channelId"] = self.channel_id
        if since:
            params["publishedAfter"] = since  # inclusive: `seen` drops the videos sitting on the boundary
        found_run: set[str] = set()
        for _ in range(self.max_pages):
            body = self._get("search", params)
            found: list[str] = []
            reached_known = False
            for item in map(self._video, _items(body, "search")):
                if isinstance(item, Rejection):
                    yield item
                    continue
                if item.external_id in found_run:
                    continue  # pages of a live search overlap by a result or two
                found_run.add(item.external_id)
                at = item.published_at
                if since_at and at and (at < since_at or (at == since_at and item.external_id in seen)):
                    reached_known = True
                    continue
                yield item
                found.append(item.external_id)
                if at and (newest_at is None or at > newest_at):
                    newest_at, newest_ids = at, {item.external_id}
                elif at and at == newest_at:
                    newest_ids.add(item.external_id)
            if self.include_comments:
                for video_id in found:
                    yield from self._comments(video_id, found_run)
            token = body.get("nextPageToken")
            if reached_known or not token:
                break
            params["pageToken"] = token
        if newest_at and (newest_at != since_at or newest_ids != seen):
            cursor["published_after"] = _rfc3339(newest_at)
            cursor["seen"] = sorted(newest_ids)

    def _comments(self, video_id: str, found_run: set[str]) -> Iterator[Item]:
        """Comment threads of one video, newest first; each top-level comment is its own mention."""
        params: dict[str, Any] = {"part": "snippet", "videoId": video_id, "maxResults": 100,
                                  "order": "time", "textFormat": "html"}
        for _ in range(self.max_pages):
            body = self._get("commentThreads", params, skip_reasons=_SKIPPABLE)
            if body is None:
                return
            for item in map(self._comment, _items(body, "commentThreads")):
                if isinstance(item, Mention):
                    if item.external_id in found_run:
                        continue
                    found_run.add(item.external_id)
                yield item
            token = body.get("nextPageToken")
            if not token:
                return
            params["pageToken"] = token

    def _get(self, endpoint: str, params: dict[str, Any], skip_reasons: frozenset[str] = frozenset()) -> Any:
        """One API call. The key travels in a header so it never shows in URLs, logs or errors."""
        response = self.http.get(
            f"{self.api_base}/{endpoint}", params=params,
            headers={"X-Goog-Api-Key": self.api_key}, ok_statuses=(400, 401, 403, 404),
        )
        try:
            body = response.json()
        except ValueError as exc:
            raise FetchError(f"youtube: {endpoint} did not return JSON (HTTP {response.status_code})") from exc
        if response.status_code != 200:
            message, reason = _api_error(body)
            if reason in skip_reasons:
                self.log.info("youtube: %s skipped for video %s: %s", endpoint, params.get("videoId"), reason)
                return None
            message = message.replace(self.api_key, "***")
            raise FetchError(f"youtube: {endpoint} failed (HTTP {response.status_code} {reason}: {message})")
        if not isinstance(body, dict):
            raise FetchError(f"youtube: {endpoint} did not return a JSON object")
        return body

    def _video(self, item: Any) -> Mention | Rejection:
        if not isinstance(item, dict) or not isinstance(item.get("snippet"), dict):
            return Rejection("not-an-object", "youtube search result without a snippet", _sample(item))
        ident = item.get("id")
        video_id = ident.get("videoId") if isinstance(ident, dict) else None
        if not isinstance(video_id, str) or not video_id:
            return Rejection("missing-id", "youtube search result has no id.videoId", _sample(item))
        snippet = item["snippet"]
        # Search snippets come HTML-escaped ("&#39;"), unlike other endpoints.
        return Mention(
            source=self.name,
            channel=self.channel,
            external_id=video_id,
            url=WATCH + video_id,
            title=html.unescape(snippet.get("title") or "") or None,
            text=html.unescape(snippet.get("description") or ""),
            author_handle=snippet.get("channelId") or None,
            author_name=html.unescape(snippet.get("channelTitle") or "") or None,
            published_at=parse_time(snippet.get("publishedAt")),
            raw=item,
        )

    def _comment(self, thread: Any) -> Mention | Rejection:
        snippet = _obj(_obj(thread).get("snippet"))
        top = _obj(snippet.get("topLevelComment"))
        comment = top.get("snippet")
        if not isinstance(comment, dict):
            return Rejection("not-an-object", "youtube thread has no top-level comment", _sample(thread))
        comment_id = top.get("id") or _obj(thread).get("id")
        video_id = comment.get("videoId") or snippet.get("videoId")
        if not isinstance(comment_id, str) or not comment_id:
            return Rejection("missing-id", "youtube comment has no id", _sample(thread))
        channel = comment.get("authorChannelId")
        display = comment.get("textDisplay") or comment.get("textOriginal") or ""
        counts = (("likes", comment.get("likeCount")), ("comments", snippet.get("totalReplyCount")))
        engagement = {key: n for key, value in counts if (n := as_int(value)) is not None}
        return Mention(
            source=self.name,
            channel=self.channel,
            external_id=comment_id,
            url=f"{WATCH}{video_id}&lc={comment_id}" if video_id else None,
            text=html_to_text(display),
            html=clean_html(display) or None,
            author_handle=channel.get("value") if isinstance(channel, dict) else None,
            author_name=comment.get("authorDisplayName") or None,
            published_at=parse_time(comment.get("publishedAt")),
            engagement=engagement,
            raw=thread,
        )


def _items(body: dict[str, Any], endpoint: str) -> list[Any]:
    items = body.get("items", [])
    if not isinstance(items, list):
        raise FetchError(f"youtube: {endpoint} answer has no 'items' list")
    return items


def _api_error(body: Any) -> tuple[str, str]:
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return "unknown error", "error"
    details = error.get("errors")
    reasons = [d.get("reason") for d in details if isinstance(d, dict)] if isinstance(details, list) else []
    reason = next((r for r in reasons if r), None)
    return str(error.get("message") or "error")[:200], str(reason or error.get("status") or "error")


def _rfc3339(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if not value.microsecond else value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")




@hookimpl
def register_sources() -> list[type]:
    return [YouTubeSource]
