"""The overview's numbers: volume and sentiment per day, share of voice, channel mix, top stories and
the search-results reputation, from the pre-aggregated counts. See docs/web.md"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, desc, exists, func, select

from vigie.store import schema
from vigie.store.mentions import as_utc
from vigie.web import rollup
from vigie.web.access import Scope
from vigie.web.i18n import zone

PERIODS: tuple[int, ...] = (7, 30, 90, 365)
SENTIMENT_ORDER: tuple[str, ...] = ("negative", "neutral", "positive", "")


def overview(store: Any, scope: Scope, workspace: dict[str, Any], days: int = 30,
             watch_id: int | None = None) -> dict[str, Any]:
    rollup.refresh(store, workspace)
    today = rollup.day_number(datetime.now(UTC).astimezone(zone(workspace["timezone"])).date())
    first = today - days + 1
    watches = [w for w in store.list_watches(scope.workspace_id) if scope.can_see("watch", w["id"])]
    if watch_id is not None:
        scope.check("watch", watch_id)
    visible_ids = [w["id"] for w in watches]
    # An agency's "all mentions" is the sum over its shared watches; row 0 would count others' too.
    scope_ids = [watch_id] if watch_id is not None else (visible_ids if scope.restricted else None)
    day_list = list(range(first, today + 1))
    volume = dict.fromkeys(day_list, 0)
    feeling: dict[str, dict[int, int]] = {s: dict.fromkeys(day_list, 0) for s in SENTIMENT_ORDER}
    for day, sentiment, n in rollup.totals(store, scope.workspace_id, first, today, ("day", "sentiment"), scope_ids):
        volume[day] += n
        if sentiment not in feeling:
            feeling[sentiment] = dict.fromkeys(day_list, 0)
        feeling[sentiment][day] += n
    channels = dict(rollup.totals(store, scope.workspace_id, first, today, ("channel",), scope_ids))
    voice_watches = [w for w in watches if w["kind"] in ("brand", "competitor")]
    voice: dict[int, int] = dict.fromkeys((w["id"] for w in voice_watches), 0)
    per_watch_day: dict[int, dict[int, int]] = {w["id"]: dict.fromkeys(day_list, 0) for w in voice_watches}
    if voice_watches:
        for wid, day, n in rollup.totals(store, scope.workspace_id, first, today, ("watch_id", "day"), list(voice)):
            voice[wid] += n
            per_watch_day[wid][day] += n
    # A year drawn day by day is noise: longer periods are shown per week (ending today).
    step = 7 if days > 90 else 1
    buckets = [day_list[max(0, end - step + 1):end + 1] for end in range(len(day_list) - 1, -1, -step)][::-1]

    def fold(series: dict[int, int]) -> list[int]:
        return [sum(series[d] for d in bucket) for bucket in buckets]

    total = sum(volume.values())
    negative = sum(feeling["negative"].values())
    analysed = total - sum(feeling[""].values())
    return {
        "days": [rollup.day_date(b[0]) for b in buckets], "step": step, "period": days, "watch_id": watch_id,
        "total": total, "negative": negative, "analysed": analysed,
        "negative_share": (negative / analysed) if analysed else None,
        "volume": fold(volume),
        "sentiment": {s: fold(feeling[s]) for s in feeling},
        "channels": sorted(channels.items(), key=lambda kv: -kv[1]),
        "voice": [(w, voice[w["id"]], fold(per_watch_day[w["id"]])) for w in voice_watches],
        "stories": top_stories(store, scope, datetime.now(UTC) - timedelta(days=days)),
        "topics": top_topics(store, scope, datetime.now(UTC) - timedelta(days=days)),
        "reputation": None if scope.restricted else reputation(store, scope.workspace_id),
        "watches": watches,
    }


def top_stories(store: Any, scope: Scope, since: datetime, limit: int = 5) -> list[dict[str, Any]]:
    """The biggest groups of near-duplicate mentions seen in the period."""
    st, m = schema.stories, schema.mentions
    query = select(st.c.id, st.c.label, st.c.size, st.c.first_seen, st.c.last_seen, st.c.first_mention_id).where(
        st.c.workspace_id == scope.workspace_id, st.c.last_seen >= since, st.c.size >= 2)
    if scope.restricted:
        query = query.where(exists(select(m.c.id).where(m.c.story_id == st.c.id, scope.mention_clause(m.c.id))))
    with store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(query.order_by(desc(st.c.size)).limit(limit)).mappings()]
        if scope.restricted:
            # The label may come from a mention the agency cannot see: show one of its own instead.
            for row in rows:
                row["label"] = conn.execute(select(m.c.title).where(
                    m.c.story_id == row["id"], scope.mention_clause(m.c.id)).limit(1)).scalar() or ""
    return rows


def top_topics(store: Any, scope: Scope, since: datetime, limit: int = 8) -> list[dict[str, Any]]:
    """The biggest event topics seen in the period. An agency sees only topics holding a mention it may
    read, counted from those, and labelled with one of their titles: a topic's own label is made of
    words from every member, some of which it may not see."""
    from vigie.enrich.topics_store import list_topics

    if not scope.restricted:
        return list_topics(store, scope.workspace_id, since, limit=limit, min_size=2)
    m = schema.mentions
    rows = list_topics(store, scope.workspace_id, since, limit=limit, min_size=2,
                       mention_clause=scope.mention_clause(m.c.id))
    with store.engine.connect() as conn:
        for row in rows:
            visible = and_(m.c.topic_id == row["id"], scope.mention_clause(m.c.id))
            first = conn.execute(select(m.c.title, m.c.text).where(visible).order_by(m.c.id).limit(1)).first()
            row["label"] = ((first[0] or first[1] or "").split("\n", 1)[0][:140]) if first else ""
            # Dates and languages from the mentions it may read, like the count.
            when = func.coalesce(m.c.published_at, m.c.collected_at)
            lo, hi = conn.execute(select(func.min(when), func.max(when)).where(visible)).one()
            row["first_seen"], row["last_seen"] = as_utc(lo) or row["first_seen"], as_utc(hi) or row["last_seen"]
            row["languages"] = sorted({lang for lang in conn.execute(
                select(m.c.language).where(visible).distinct()).scalars() if lang})
    return rows


def reputation(store: Any, workspace_id: int) -> dict[str, Any] | None:
    """The latest ranking captured for each search query, with each result's sentiment when the same
    page was collected as a mention and analysed; counts the negative ones among the first ten."""
    snaps = store.list_snapshots(workspace_id, limit=10)
    if not snaps:
        return None
    latest: dict[str, dict[str, Any]] = {}
    for snap in snaps:
        latest.setdefault(snap["query"], snap)
    m = schema.mentions
    out = []
    with store.engine.connect() as conn:
        for snap in latest.values():
            results = snap["results"][:10]
            urls = [r["canonical_url"] for r in results if r.get("canonical_url")]
            feelings: dict[str, str | None] = {}
            if urls and rollup.has_sentiment():
                feelings = dict(conn.execute(select(m.c.canonical_url, m.c.sentiment).where(
                    m.c.workspace_id == workspace_id, m.c.canonical_url.in_(urls))).all())
            for r in results:
                r["sentiment"] = feelings.get(r.get("canonical_url") or "")
            out.append({"query": snap["query"], "engine": snap["engine"], "captured_at": snap["captured_at"],
                        "results": results, "negative": sum(1 for r in results if r["sentiment"] == "negative"),
                        "analysed": sum(1 for r in results if r["sentiment"])})
    return {"snapshots": out, "sentiment_available": rollup.has_sentiment()}
