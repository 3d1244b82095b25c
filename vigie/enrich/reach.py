"""Reach: the audience a mention could have had. Measured when the platform gives followers or an outlet's
audience; otherwise estimated from its engagement and labelled "estimated". See docs/enrichment.md"""

from __future__ import annotations

from typing import Any

from vigie import hookimpl
from vigie.items import Mention

# Interactions per person reached is commonly 1-5 % on social posts; 30 people reached per interaction
# (about 3.3 %) sits in the middle. It is a convention for ranking, not a measurement: the setting
# `reach_engagement_multiple` changes it and the label "estimated" always travels with the number.
DEFAULT_MULTIPLE = 30.0
INTERACTIONS = ("likes", "shares", "comments", "reactions", "quotes")


def _count(value: Any) -> int:
    try:
        return max(0, int(value or 0))
    except (TypeError, ValueError):
        return 0  # exports sometimes carry "1.2k" or "": no figure rather than a wrong one


def estimate(engagement: dict[str, Any] | None, multiple: float = DEFAULT_MULTIPLE) -> int | None:
    """Views when the platform counts them (each view is someone reached, though one person may view
    twice), else interactions x ``multiple``; None when there is nothing to go on."""
    engagement = engagement or {}
    views = _count(engagement.get("views"))
    if views:
        return views
    interactions = sum(_count(engagement.get(k)) for k in INTERACTIONS)
    return round(interactions * multiple) if interactions else None


class ReachAnalyzer:
    """Sets ``reach`` and ``reach_kind``. A measured reach (given by the connector, or followers, or
    audience) is never replaced; an earlier estimate is recomputed, so `vigie enrich` applies a new
    multiple."""

    name = "reach"

    def __init__(self, settings: Any = None) -> None:
        value = settings.get("reach_engagement_multiple", DEFAULT_MULTIPLE) if settings is not None else None
        self.multiple = float(value if value is not None else DEFAULT_MULTIPLE)

    def process(self, mention: Mention) -> Mention:
        if mention.reach is not None and mention.reach_kind != "estimated":
            return mention
        measured = mention.author_followers or mention.outlet_audience
        if measured:
            mention.reach, mention.reach_kind = int(measured), "measured"
            return mention
        guess = estimate(mention.engagement, self.multiple)
        mention.reach, mention.reach_kind = guess, "estimated" if guess is not None else None
        return mention

    def process_batch(self, mentions: list[Mention]) -> list[Mention]:
        return [self.process(m) for m in mentions]


@hookimpl
def register_analyzers() -> list[type]:
    return [ReachAnalyzer]
