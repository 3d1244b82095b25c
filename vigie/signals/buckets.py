"""5-minute buckets and what goes into them: bucket edges, the local clock, a mention's time, sentiment
and reach, and the counts a bucket keeps. See docs/alerts.md"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from vigie.text import fold

BUCKET_S = 300
TOTAL = "*"  # the channel key of the all-channels series
METRICS = ("volume", "negative", "share", "reach")
NEGATIVE_SCORE = -0.25  # a numeric sentiment at or below this is negative (scores run -1 .. 1)
FUTURE_SLACK_S = 300.0  # clocks drift: a publication time this far ahead is still believed


def to_epoch(when: datetime) -> float:
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


def bucket_of(when: datetime | float) -> int:
    """Start of the 5-minute bucket, in epoch seconds.

    Every time zone in use today is offset from UTC by a multiple of 15 minutes, so UTC bucket
    edges are also the workspace's local :00, :05, :10 … edges; storing UTC keeps buckets
    unambiguous when a DST change repeats a local hour.
    """
    t = to_epoch(when) if isinstance(when, datetime) else when
    return int(t // BUCKET_S) * BUCKET_S


def as_datetime(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def local_seconds(epoch: float, tz: ZoneInfo) -> float:
    """The workspace's wall-clock time as seconds: what the detector's time-of-day profile uses,
    so the daily cycle follows local habits across DST changes."""
    offset = as_datetime(epoch).astimezone(tz).utcoffset()
    return epoch + (offset.total_seconds() if offset else 0.0)


def event_time(row: dict[str, Any], now: datetime) -> datetime:
    """When a mention happened: its publication time, unless missing or implausibly in the future."""
    published, collected = row.get("published_at"), row.get("collected_at") or now
    if published is None:
        return collected
    published = published if published.tzinfo else published.replace(tzinfo=UTC)
    if to_epoch(published) > to_epoch(collected) + FUTURE_SLACK_S:
        return collected
    return published


def is_negative(sentiment: Any) -> bool | None:
    """True/False when the sentiment is known, None when it is not (missing is never negative).

    Accepts a label ("negative", "négatif", "neg"), a score in -1 .. 1, or {"label": ...}.
    """
    if isinstance(sentiment, dict):
        sentiment = sentiment.get("label", sentiment.get("score"))
    if sentiment is None or isinstance(sentiment, bool):
        return None
    if isinstance(sentiment, int | float):
        return float(sentiment) <= NEGATIVE_SCORE if math.isfinite(sentiment) else None
    label = fold(str(sentiment).strip())
    if not label:
        return None
    try:
        return float(label) <= NEGATIVE_SCORE
    except ValueError:
        return label.startswith("neg")


def mention_reach(row: dict[str, Any]) -> int:
    """A mention weighs its audience; one whose audience is unknown still counts as one reader."""
    reach = row.get("reach") or row.get("author_followers") or row.get("outlet_audience")
    return max(int(reach or 0), 1)


@dataclass(slots=True)
class Counts:
    n: int = 0
    negative: int = 0
    known: int = 0
    reach: int = 0

    def add(self, other: Counts) -> None:
        self.n += other.n
        self.negative += other.negative
        self.known += other.known
        self.reach += other.reach

    def value(self, metric: str) -> float | None:
        if metric == "volume":
            return float(self.n)
        if metric == "negative":
            return float(self.negative)
        if metric == "reach":
            return float(self.reach)
        if metric == "share":
            return self.negative / self.known if self.known else None  # unknown share is missing
        raise ValueError(f"unknown metric {metric!r}")

    @classmethod
    def of(cls, row: dict[str, Any]) -> Counts:
        polarity = is_negative(row.get("sentiment"))
        return cls(1, int(polarity is True), int(polarity is not None), mention_reach(row))


@dataclass(frozen=True, slots=True)
class Reading:
    """A series' most unusual pending bucket, as its detector scores it right now."""

    watch_id: int
    channel: str
    metric: str
    bucket: datetime
    score: float
    observed: float | None
    baseline: float | None
    counts: Counts
    partial: bool  # the bucket is still open: observed so far plus the expected remainder
