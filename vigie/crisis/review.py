"""Incident figures from the store: volume, reach and sentiment snapshots, and the post-incident review
(time to detect, acknowledge, first statement; peak volume; sentiment before, during, after). See docs/crisis-room.md"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, exists, func, select

from vigie.crisis import tables
from vigie.store import schema
from vigie.store.mentions import as_utc

M, IM = schema.mentions, tables.incident_mentions
# Before and after are read over the same span on either side of the incident.
SIDE_WINDOW = timedelta(days=7)


def has_sentiment() -> bool:
    """True once mentions carry a `sentiment_score` (-1..1), which the sentiment analyzer fills."""
    return "sentiment_score" in M.c


def _seconds(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round((as_utc(end) - as_utc(start)).total_seconds(), 1)  # type: ignore[operator]


def linked_stats(store: Any, incident_id: int, now: datetime) -> dict[str, Any]:
    """Totals of the linked mentions and the last hour's volume, for a timeline snapshot."""
    when = func.coalesce(M.c.published_at, M.c.collected_at)
    linked = select(IM.c.mention_id).where(IM.c.incident_id == incident_id)
    columns: list[Any] = [func.count(), func.coalesce(func.sum(M.c.reach), 0),
               func.sum(case((when >= now - timedelta(hours=1), 1), else_=0))]
    if has_sentiment():
        columns.append(func.avg(M.c.sentiment_score))
    with store.engine.connect() as conn:
        row = conn.execute(select(*columns).where(M.c.id.in_(linked))).one()
    out: dict[str, Any] = {"mentions": int(row[0]), "reach": int(row[1] or 0), "last_hour": int(row[2] or 0)}
    out["sentiment"] = round(float(row[3]), 3) if has_sentiment() and row[3] is not None else None
    return out


def _times(store: Any, incident_id: int) -> tuple[list[datetime], datetime | None]:
    """Publication times of the linked mentions, and the onset: the first mention an alert or a
    person pointed at, else the first linked mention."""
    when = func.coalesce(M.c.published_at, M.c.collected_at)
    with store.engine.connect() as conn:
        rows = conn.execute(select(when, IM.c.how).join(IM, IM.c.mention_id == M.c.id).where(
            IM.c.incident_id == incident_id)).all()
    dated = [(as_utc(r[0]), r[1]) for r in rows if r[0] is not None]
    times = sorted(when for when, _ in dated if when is not None)
    pointed = [when for when, how in dated if when is not None and how in ("alert", "manual")]
    return times, min(pointed) if pointed else (times[0] if times else None)


def _avg_sentiment(store: Any, incident: dict[str, Any], start: datetime, end: datetime,
                   linked_only: bool) -> float | None:
    """Mean sentiment of the incident's watch mentions (or its linked mentions) published in [start, end)."""
    when = func.coalesce(M.c.published_at, M.c.collected_at)
    query = select(func.avg(M.c.sentiment_score)).where(M.c.workspace_id == incident["workspace_id"],
                                                   when >= start, when < end, M.c.sentiment_score.is_not(None))
    if linked_only:
        query = query.where(M.c.id.in_(select(IM.c.mention_id).where(IM.c.incident_id == incident["id"])))
    elif incident["watch_ids"]:
        mm = schema.mention_matches
        query = query.where(exists().where(and_(mm.c.mention_id == M.c.id, mm.c.watch_id.in_(incident["watch_ids"]))))
    else:
        return None
    with store.engine.connect() as conn:
        value = conn.execute(query).scalar()
    return round(float(value), 3) if value is not None else None


def review_figures(store: Any, incident: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The post-incident figures. The onset is the first linked mention; detection is when the first
    alert fired (or the incident was opened by hand)."""
    times, onset = _times(store, incident["id"])
    detected = as_utc(incident["detected_at"])
    per_hour = Counter(t.replace(minute=0, second=0, microsecond=0) for t in times)
    peak_hour, peak = max(per_hour.items(), key=lambda kv: (kv[1], kv[0]), default=(None, 0))
    end = as_utc(incident.get("closed_at")) or now
    figures: dict[str, Any] = {
        "onset_at": onset, "detected_at": detected,
        "time_to_detect_s": max(_seconds(onset, detected) or 0.0, 0.0) if onset else None,
        "time_to_acknowledge_s": _seconds(detected, incident.get("acknowledged_at")),
        "time_to_first_statement_s": _seconds(detected, incident.get("first_statement_at")),
        "mentions": len(times), "peak_volume_per_hour": peak, "peak_hour": peak_hour,
        "sentiment": None,
    }
    start = onset or detected
    if has_sentiment() and start is not None:
        figures["sentiment"] = {
            "before": _avg_sentiment(store, incident, start - SIDE_WINDOW, start, linked_only=False),
            "during": _avg_sentiment(store, incident, start, end, linked_only=True),
            "after": _avg_sentiment(store, incident, end, end + SIDE_WINDOW, linked_only=False),
        }
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in figures.items()}
