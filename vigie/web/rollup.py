"""Pre-aggregated mention counts (per organisation day, watch, channel and sentiment) so the overview
answers in milliseconds over millions of mentions. See docs/web.md"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from vigie.store import schema
from vigie.web import tables as T
from vigie.web.i18n import zone

log = logging.getLogger(__name__)
EPOCH = date(1970, 1, 1)
R, S = T.mention_rollup, T.rollup_state
_locks: dict[int, threading.Lock] = {}
Key = tuple[int, int, str, str]  # watch_id, day, channel, sentiment


def has_sentiment() -> bool:
    """Whether the mentions table carries the sentiment column (vigie.enrich.sentiment)."""
    return "sentiment" in schema.mentions.c


def day_number(value: date) -> int:
    return (value - EPOCH).days


def day_date(number: int) -> date:
    return EPOCH + timedelta(days=number)


class _DayOf:
    """UTC timestamp -> local day number, with the zone offset cached per UTC hour (zone rules change
    at most hourly), so a million rows cost a few integer operations each."""

    def __init__(self, timezone: str) -> None:
        self.tz = zone(timezone)
        self.offsets: dict[tuple[int, int], int] = {}
        self.days: dict[str, int] = {}

    def __call__(self, value: Any) -> int:
        if isinstance(value, str):  # SQLite: "YYYY-MM-DD HH:MM:SS.ffffff", UTC
            day = self.days.get(value[:10])
            if day is None:
                day = self.days[value[:10]] = day_number(date.fromisoformat(value[:10]))
            hour, minute = int(value[11:13] or 0), int(value[14:16] or 0)
        else:
            value = value.astimezone(UTC) if value.tzinfo else value
            day, hour, minute = day_number(value.date()), value.hour, value.minute
        offset = self.offsets.get((day, hour))
        if offset is None:
            moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(days=day, hours=hour)
            delta = moment.astimezone(self.tz).utcoffset() or timedelta()
            offset = self.offsets[(day, hour)] = int(delta.total_seconds() // 60)
        return (day * 1440 + hour * 60 + minute + offset) // 1440


def _aggregate(conn: Any, workspace_id: int, timezone: str, lo: int, hi: int) -> Counter[Key]:
    """Counts for this workspace's mentions with lo < id <= hi."""
    sentiment = "coalesce(m.sentiment, '')" if has_sentiment() else "''"
    mark = "?" if conn.dialect.name == "sqlite" else "%s"
    day_of = _DayOf(timezone)
    counts: Counter[Key] = Counter()
    when = "coalesce(m.published_at, m.collected_at)"
    rows = conn.exec_driver_sql(
        f"SELECT {when}, m.channel, {sentiment} FROM mentions m "
        f"WHERE m.workspace_id = {mark} AND m.id > {mark} AND m.id <= {mark}", (workspace_id, lo, hi))
    for at, channel, feeling in rows:
        counts[(0, day_of(at), channel, feeling)] += 1
    rows = conn.exec_driver_sql(
        f"SELECT mm.watch_id, {when}, m.channel, {sentiment} FROM mention_matches mm "
        f"JOIN mentions m ON m.id = mm.mention_id "
        f"WHERE m.workspace_id = {mark} AND mm.mention_id > {mark} AND mm.mention_id <= {mark}",
        (workspace_id, lo, hi))
    for watch_id, at, channel, feeling in rows:
        counts[(int(watch_id), day_of(at), channel, feeling)] += 1
    return counts


def _apply(conn: Any, workspace_id: int, counts: Counter[Key], sign: int = 1) -> None:
    if not counts:
        return
    rows = [{"workspace_id": workspace_id, "watch_id": w, "day": d, "channel": c, "sentiment": s, "n": n * sign}
            for (w, d, c, s), n in counts.items()]
    dialect = sqlite if conn.dialect.name == "sqlite" else postgresql
    stmt = dialect.insert(R)
    stmt = stmt.on_conflict_do_update(index_elements=[R.c.workspace_id, R.c.watch_id, R.c.day, R.c.channel,
                                                      R.c.sentiment], set_={"n": R.c.n + stmt.excluded.n})
    for start in range(0, len(rows), 500):
        conn.execute(stmt, rows[start:start + 500])


def _top_id(conn: Any) -> int:
    return int(conn.execute(select(func.coalesce(func.max(schema.mentions.c.id), 0))).scalar_one())


def refresh(store: Any, workspace: dict[str, Any]) -> int:
    """Count the mentions added since the last refresh; returns how many rows of counts changed.

    Two processes may refresh at once: the watermark moves with a compare-and-set, so only one of
    them commits its counts and nothing is counted twice.
    """
    ws_id, timezone = int(workspace["id"]), str(workspace["timezone"])
    lock = _locks.setdefault(ws_id, threading.Lock())
    with lock:
        with store.engine.connect() as conn:
            state = conn.execute(select(S).where(S.c.workspace_id == ws_id)).mappings().first()
            top = _top_id(conn)
        if state is None or state["timezone"] != timezone:
            return rebuild(store, workspace)
        low = int(state["watermark"])
        if top <= low:
            return 0
        with store.engine.connect() as conn:
            counts = _aggregate(conn, ws_id, timezone, low, top)
        with store.engine.begin() as conn:
            moved = conn.execute(update(S).where(S.c.workspace_id == ws_id, S.c.watermark == low).values(
                watermark=top, refreshed_at=datetime.now(UTC))).rowcount
            if moved != 1:
                return 0  # another process counted these first; nothing was written here
            _apply(conn, ws_id, counts)
        return len(counts)


def rebuild(store: Any, workspace: dict[str, Any]) -> int:
    """Recount everything (first use, time-zone change, or after mentions were deleted or re-analysed)."""
    ws_id, timezone = int(workspace["id"]), str(workspace["timezone"])
    with store.engine.connect() as conn:
        top = _top_id(conn)
        counts = _aggregate(conn, ws_id, timezone, 0, top)
    with store.engine.begin() as conn:
        conn.execute(delete(S).where(S.c.workspace_id == ws_id))
        conn.execute(insert(S).values(workspace_id=ws_id, watermark=top, timezone=timezone,
                                      refreshed_at=datetime.now(UTC)))
        conn.execute(delete(R).where(R.c.workspace_id == ws_id))
        _apply(conn, ws_id, counts)
    log.info("rollup rebuilt for workspace %s: %s rows up to mention %s", ws_id, len(counts), top)
    return len(counts)


def verify(store: Any, workspace: dict[str, Any]) -> bool:
    """Compare the counts with the mentions table (totals per sentiment); rebuild when they differ.
    Catches deletions and re-analysis that happened behind the rollup's back. Returns True if sound."""
    ws_id = int(workspace["id"])
    m = schema.mentions
    feeling = func.coalesce(m.c.sentiment, "") if has_sentiment() else None
    with store.engine.connect() as conn:
        state = conn.execute(select(S).where(S.c.workspace_id == ws_id)).mappings().first()
        if state is None:
            rebuild(store, workspace)
            return False
        if feeling is not None:
            actual = dict(conn.execute(select(feeling, func.count()).where(
                m.c.workspace_id == ws_id, m.c.id <= state["watermark"]).group_by(feeling)).all())
        else:
            actual = {"": conn.execute(select(func.count()).where(
                m.c.workspace_id == ws_id, m.c.id <= state["watermark"])).scalar_one()}
        counted = dict(conn.execute(select(R.c.sentiment, func.sum(R.c.n)).where(
            R.c.workspace_id == ws_id, R.c.watch_id == 0).group_by(R.c.sentiment)).all())
    if {k: int(v) for k, v in actual.items() if v} == {k: int(v) for k, v in counted.items() if v}:
        return True
    log.warning("rollup for workspace %s drifted from the mentions table; rebuilding", ws_id)
    rebuild(store, workspace)
    return False


def move_sentiment(conn: Any, workspace: dict[str, Any], mention: dict[str, Any], old: str | None,
                   new: str | None) -> None:
    """Keep the counts right when a person corrects a mention's sentiment (same transaction)."""
    if (old or "") == (new or ""):
        return
    ws_id = int(workspace["id"])
    mark = conn.execute(select(S.c.watermark).where(S.c.workspace_id == ws_id)).scalar()
    if mark is None or int(mention["id"]) > int(mark):
        return  # not counted yet: the next refresh reads the corrected value
    day = _DayOf(str(workspace["timezone"]))(mention["published_at"] or mention["collected_at"])
    watches = [0, *(mention.get("watch_ids") or [])]
    _apply(conn, ws_id, Counter({(w, day, mention["channel"], old or ""): 1 for w in watches}), sign=-1)
    _apply(conn, ws_id, Counter({(w, day, mention["channel"], new or ""): 1 for w in watches}))


def totals(store: Any, workspace_id: int, first_day: int, last_day: int, group: tuple[str, ...],
           watch_ids: list[int] | None = None) -> list[tuple[Any, ...]]:
    """Sums of the counts between two day numbers, grouped by some of watch_id, day, channel and
    sentiment; ``watch_ids`` None means every mention once (the watch 0 rows). The database does
    the grouping: a year is tens of thousands of count rows but only hundreds of sums."""
    columns = [R.c[name] for name in group]
    query = select(*columns, func.sum(R.c.n)).where(
        R.c.workspace_id == workspace_id, R.c.day >= first_day, R.c.day <= last_day)
    query = query.where(R.c.watch_id.in_(watch_ids)) if watch_ids is not None else query.where(R.c.watch_id == 0)
    with store.engine.connect() as conn:
        return [(*row[:-1], int(row[-1])) for row in conn.execute(query.group_by(*columns))]


def watch_totals(store: Any, workspace_id: int) -> dict[int, int]:
    """All-time match count per watch (the watches page), from the counts rather than the matches."""
    with store.engine.connect() as conn:
        rows = conn.execute(select(R.c.watch_id, func.sum(R.c.n)).where(
            R.c.workspace_id == workspace_id, R.c.watch_id != 0).group_by(R.c.watch_id)).all()
    return {int(w): int(n) for w, n in rows}
