"""The `manual` connector: one mention typed in by hand (`vigie mention add`). See docs/imports.md"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from vigie import hookimpl
from vigie.exceptions import NotConfigured
from vigie.items import Channel, Mention
from vigie.sources.base import Item, Option, SourceContext, read_options
from vigie.sources.mapping import (
    ENGAGEMENT_FIELDS,
    NUMERIC_FIELDS,
    parse_date,
    parse_language,
    parse_number,
)

_TEXT_FIELDS = ("external_id", "url", "title", "text", "author_handle", "author_name", "outlet")


class ManualSource:
    """The config is the mention: its fields are the options below."""

    name: ClassVar[str] = "manual"
    channel: ClassVar[str] = "online_press"
    options: ClassVar[tuple[Option, ...]] = (
        Option("url", "Address of the article, post or broadcast page"),
        Option("title", "Headline"),
        Option("text", "Text or summary"),
        Option("outlet", "Outlet, e.g. Radio-Canada"),
        Option("channel", "One of social, online_press, print_press, broadcast, blog, forum, review",
               default="online_press"),
        Option("published_at", "When it was published, e.g. 2024-03-12 07:30 (workspace time zone)"),
        Option("language", "Language code, e.g. fr"),
        Option("author_name", "Journalist or author"),
        Option("author_handle", "Author's handle on a platform"),
        Option("author_followers", "Author's follower count"),
        Option("outlet_audience", "Outlet's audience (circulation, listeners, viewers)"),
        Option("reach", "Measured reach of this mention"),
        *(Option(k, f"Number of {k}") for k in ENGAGEMENT_FIELDS),
        Option("external_id", "Your own id for it; default: a hash of url and text"),
    )

    def __init__(self, config: dict[str, Any], ctx: SourceContext) -> None:
        opts = read_options(self.name, self.options, config)
        values = {k: (str(opts[k]).strip() or None) if opts[k] is not None else None for k in _TEXT_FIELDS}
        if not (values["text"] or values["title"] or values["url"]):
            raise NotConfigured("manual: give at least a text, a title or a url")
        numbers: dict[str, int | None] = {}
        for name in NUMERIC_FIELDS:
            try:
                numbers[name] = parse_number(opts[name])
            except ValueError:
                raise NotConfigured(f"manual: {name} must be a number, got {opts[name]!r}") from None
        try:
            channel = Channel.parse(str(opts["channel"] or self.channel)).value
        except ValueError as exc:
            raise NotConfigured(f"manual: channel: {exc}") from None
        try:
            tz = ZoneInfo(ctx.workspace.get("timezone") or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            tz = ZoneInfo("UTC")
        # French workspaces write 12/03/2024 for 12 March.
        published = parse_date(opts["published_at"], tz=tz, dayfirst=ctx.workspace.get("language") == "fr")
        if opts["published_at"] and published is None:
            raise NotConfigured(f"manual: cannot read published_at {opts['published_at']!r}; use 2024-03-12 07:30")
        url, text = values["url"] or "", values["text"] or values["title"] or ""
        reach = numbers["reach"]
        self.mention = Mention(
            source=self.name, channel=channel,
            external_id=values["external_id"] or hashlib.sha256(f"{url}\n{text}".encode()).hexdigest(),
            url=values["url"], title=values["title"], text=values["text"] or "",
            author_handle=values["author_handle"], author_name=values["author_name"],
            author_followers=numbers["author_followers"], outlet=values["outlet"],
            outlet_audience=numbers["outlet_audience"], published_at=published,
            language=parse_language(opts["language"]),
            engagement={k: v for k in ENGAGEMENT_FIELDS if (v := numbers[k]) is not None},
            reach=reach, reach_kind="measured" if reach is not None else None,
            raw={k: v for k, v in config.items() if v not in (None, "")},
        )

    def fetch(self, cursor: dict[str, Any]) -> Iterator[Item]:
        if cursor.get("done") == self.mention.external_id:
            return  # already handed over; a re-run adds nothing
        yield self.mention
        cursor["done"] = self.mention.external_id


@hookimpl
def register_sources() -> list[type]:
    return [ManualSource]
