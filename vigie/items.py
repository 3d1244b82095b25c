"""The typed records that flow between stages: Mention, SearchSnapshot, Rejection. See docs/mentions.md"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class Channel(StrEnum):
    """Where a mention was said. The set is closed: analytics and alert rules group by it."""

    SOCIAL = "social"
    ONLINE_PRESS = "online_press"
    PRINT_PRESS = "print_press"
    BROADCAST = "broadcast"
    BLOG = "blog"
    FORUM = "forum"
    REVIEW = "review"
    SEARCH_RESULT = "search_result"

    @classmethod
    def parse(cls, value: str) -> Channel:
        """Accept the canonical names plus common spellings from exports ("press", "tv", "radio")."""
        key = value.strip().lower().replace("-", "_").replace(" ", "_")
        aliases = {
            "press": "online_press", "news": "online_press", "web": "online_press",
            "print": "print_press", "newspaper": "print_press", "magazine": "print_press",
            "tv": "broadcast", "radio": "broadcast", "television": "broadcast", "podcast": "broadcast",
            "social_media": "social", "forums": "forum", "reviews": "review", "search": "search_result",
        }
        key = aliases.get(key, key)
        try:
            return cls(key)
        except ValueError:
            raise ValueError(f"unknown channel {value!r}; use one of {', '.join(c.value for c in cls)}") from None


ENGAGEMENT_KEYS = ("likes", "shares", "comments", "views", "reactions", "quotes")


def utcnow() -> datetime:
    return datetime.now(UTC)


class RawJSON(str):
    """A payload already in JSON text, exactly as the source sent it (an NDJSON line): stored as is,
    so the ingest hot path does not decode and re-encode what it only keeps."""

    __slots__ = ()


@dataclass(slots=True)
class Mention:
    """One thing said about the organisation, whatever the channel.

    Connectors fill what they know; the ingest pipeline fills ``canonical_url``,
    ``collected_at``, ``matches`` and ``story_id``. ``published_at`` is always UTC.
    """

    source: str
    channel: str
    external_id: str
    url: str | None = None
    title: str | None = None
    text: str = ""
    html: str | None = None
    author_handle: str | None = None
    author_name: str | None = None
    author_followers: int | None = None
    outlet: str | None = None
    outlet_audience: int | None = None
    published_at: datetime | None = None
    language: str | None = None
    engagement: dict[str, int] = field(default_factory=dict)
    reach: int | None = None
    reach_kind: str | None = None  # "measured" (followers, audience) or "estimated"
    raw: Any = None  # the item as received: a JSON-able value, or RawJSON text
    # Filled by the analyzers (vigie/enrich/); each judgement names the model and version behind it.
    language_model: str | None = None
    sentiment: str | None = None  # negative, neutral, positive; None with sentiment_model set = not applicable
    sentiment_score: float | None = None  # -1 (negative) .. 1 (positive)
    sentiment_model: str | None = None
    # Filled by the pipeline.
    canonical_url: str | None = None
    collected_at: datetime | None = None
    id: int | None = None
    story_id: int | None = None
    matches: list[int] = field(default_factory=list)
    # Filled by the glossary/entities and keyphrases analyzers (appended last: positional callers keep working).
    entities: list | None = None  # [{"text", "kind", "source": glossary|rules|spacy, "term"?}]
    keyphrases: list | None = None  # up to 5 phrases, best first

    @property
    def body(self) -> str:
        """Title and text together: what watches and full-text search look at."""
        if self.title and self.text:
            return f"{self.title}\n{self.text}"
        return self.title or self.text or ""


@dataclass(slots=True)
class SearchResult:
    rank: int
    url: str
    title: str = ""
    snippet: str = ""


@dataclass(slots=True)
class SearchSnapshot:
    """The ranked first page a search engine gave for a query at one moment."""

    engine: str
    query: str
    results: list[SearchResult]
    captured_at: datetime = field(default_factory=utcnow)
    raw: Any = None


@dataclass(slots=True)
class Rejection:
    """An input item that could not be read. Stored with its reason; the run goes on."""

    reason: str
    detail: str = ""
    sample: str = ""  # first bytes of the offending item, for the operator
