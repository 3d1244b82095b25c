"""Instagram professional account connector (Meta Graph API): tags, mentions, own media and their comments. See docs/sources-meta-search.md"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any, ClassVar

from vigie import hookimpl
from vigie.items import Mention, Rejection
from vigie.sources.base import Item, Option, SourceContext, as_int, parse_time, read_options
from vigie.sources.facebook import GRAPH_API_BASE, GraphApi

MEDIA_FIELDS = "id,caption,comments_count,like_count,media_type,permalink,timestamp,username"
COMMENT_FIELDS = "id,text,timestamp,username,like_count"


class InstagramSource:
    """Media the account is tagged or @mentioned in, and comments under the account's own media."""

    name: ClassVar[str] = "instagram"
    channel: ClassVar[str] = "social"
    options: ClassVar[tuple[Option, ...]] = (
        Option("ig_user_id", "the Instagram professional account's id (not the @username)", required=True),
        Option("access_token", "a token with instagram_basic and instagram_manage_comments", required=True, secret=True),
        Option("api_base", "Graph API base URL, version included", default=GRAPH_API_BASE),
        Option("include_comments", "also read the comments under the account's own media", default=True),
        Option("comments_days", "re-read comments on media this many days old, so late comments are caught (0: all media fetched)", default=7),
        Option("mentioned_media_ids", "media ids from @mention webhooks, read through mentioned_media", default=()),
        Option("mentioned_comment_ids", "comment ids from @mention webhooks, read through mentioned_comment", default=()),
        Option("max_pages", "pages of results to follow per edge and run", default=5),
    )

    def __init__(self, config: dict[str, Any], ctx: SourceContext) -> None:
        opts = read_options(self.name, self.options, config)
        self.ctx = ctx
        self.user_id = str(opts["ig_user_id"])
        self.include_comments = bool(opts["include_comments"])
        self.comments_days = as_int(opts["comments_days"]) or 0
        self.max_pages = as_int(opts["max_pages"]) or 1
        self.mentioned_media = [str(i) for i in opts["mentioned_media_ids"] or ()]
        self.mentioned_comments = [str(i) for i in opts["mentioned_comment_ids"] or ()]
        self.graph = GraphApi(self.name, ctx, str(opts["api_base"]), str(opts["access_token"]))

    def fetch(self, cursor: dict[str, Any]) -> Iterator[Item]:
        since = cursor.setdefault("since", {})
        yield from self._tags(since)
        yield from self._mentions()
        yield from self._media(since)

    def _tags(self, since: dict[str, int]) -> Iterator[Item]:
        # The tags edge has no time filter: it lists newest first, so stop at the first page
        # holding nothing newer than what the last run saw.
        seen_until = as_int(since.get("tags"))
        newest = seen_until
        params = {"fields": MEDIA_FIELDS, "limit": 50}
        for page in self.graph.pages(f"{self.user_id}/tags", params, self.max_pages):
            page_had_new = False
            for media in page:
                item = self._media_mention(media)
                if isinstance(item, Rejection):
                    yield item
                    continue
                created = _stamp(item)
                if seen_until is None or created is None or created > seen_until:
                    page_had_new = True
                    yield item
                if created is not None:
                    newest = created if newest is None else max(newest, created)
            if not page_had_new:
                break
        if newest is not None:
            since["tags"] = newest

    def _mentions(self) -> Iterator[Item]:
        """Mentions in captions and comments are only reachable by id, which Meta sends by
        webhook; ids listed in the options are read on every run (the store drops repeats)."""
        for media_id in self.mentioned_media:
            fields = f"mentioned_media.media_id({media_id}){{{MEDIA_FIELDS}}}"
            payload = self.graph.get(self.user_id, {"fields": fields})
            yield self._media_mention(payload.get("mentioned_media"))
        for comment_id in self.mentioned_comments:
            fields = f"mentioned_comment.comment_id({comment_id}){{{COMMENT_FIELDS}}}"
            payload = self.graph.get(self.user_id, {"fields": fields})
            yield self._comment_mention(payload.get("mentioned_comment"), None)

    def _media(self, since: dict[str, int]) -> Iterator[Item]:
        seen_until = as_int(since.get("media"))
        with_comments = self.include_comments
        window_start = int(time.time()) - self.comments_days * 86400 if with_comments and self.comments_days else None
        params: dict[str, Any] = {"fields": MEDIA_FIELDS, "limit": 25}
        if seen_until is not None:
            # The media edge filters by time; keep the comment window in range too.
            params["since"] = min(seen_until, window_start) if window_start is not None else seen_until
        newest = seen_until
        for media in self.graph.edge(f"{self.user_id}/media", params, self.max_pages):
            item = self._media_mention(media)
            if isinstance(item, Rejection):
                yield item
                continue
            created = _stamp(item)
            if seen_until is None or created is None or created > seen_until:
                yield item
            if created is not None:
                newest = created if newest is None else max(newest, created)
            in_window = window_start is None or (created or 0) >= window_start
            if with_comments and in_window and item.engagement.get("comments", 1) > 0:
                yield from self._comments(item)
        if newest is not None:
            since["media"] = newest

    def _comments(self, media: Mention) -> Iterator[Item]:
        params = {"fields": COMMENT_FIELDS, "limit": 50}
        for comment in self.graph.edge(f"{media.external_id}/comments", params, self.max_pages):
            yield self._comment_mention(comment, media.url)

    def _media_mention(self, media: Any) -> Mention | Rejection:
        if not isinstance(media, dict) or not isinstance(media.get("id"), str):
            return Rejection("missing-id", "Instagram media without an id", repr(media)[:500])
        engagement = {"likes": as_int(media.get("like_count")), "comments": as_int(media.get("comments_count"))}
        return Mention(
            source=self.name, channel=self.channel, external_id=media["id"],
            url=media.get("permalink"), text=str(media.get("caption") or ""),
            author_handle=media.get("username"), published_at=parse_time(media.get("timestamp")),
            engagement={k: v for k, v in engagement.items() if v is not None}, raw=media,
        )

    def _comment_mention(self, comment: Any, media_url: str | None) -> Mention | Rejection:
        if not isinstance(comment, dict) or not isinstance(comment.get("id"), str):
            return Rejection("missing-id", "Instagram comment without an id", repr(comment)[:500])
        likes = as_int(comment.get("like_count"))
        return Mention(
            source=self.name, channel=self.channel, external_id=comment["id"],
            # Comments have no permalink of their own: point at the media they sit under.
            url=media_url, text=str(comment.get("text") or ""),
            author_handle=comment.get("username"), published_at=parse_time(comment.get("timestamp")),
            engagement={"likes": likes} if likes is not None else {}, raw=comment,
        )


def _stamp(item: Mention) -> int | None:
    return int(item.published_at.timestamp()) if item.published_at else None


@hookimpl
def register_sources() -> list[type]:
    return [InstagramSource]
