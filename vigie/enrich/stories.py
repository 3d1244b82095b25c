"""Near-duplicate stories: each new mention joins the story of a copy published within a few days,
found through the LSH index kept in the database. See docs/dedup.md"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from vigie.enrich.dedup import PERIOD_DAYS, Shingles, jaccard
from vigie.store.mentions import as_utc
from vigie.text import title_and_text, tokens

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NONE: set[int] = set()  # a stored candidate too short to compare (its text was edited since)


class StoryGrouper:
    """One workspace's near-duplicate grouping, run by ingest inside each batch's transaction,
    after the batch's mentions are inserted (it needs their ids)."""

    def __init__(self, store: Any, workspace_id: int, threshold: float, window_days: int) -> None:
        self.store = store
        self.workspace_id = workspace_id
        self.threshold = threshold
        self.window_days = window_days

    def group(self, conn: Any, fresh: list[dict[str, Any]], token_lists: list[list[str]]) -> int:
        """Attach each new (inserted) row to the story of a near-duplicate published within the
        window, index the rows; returns how many joined a story."""
        if not fresh:
            return 0
        batch = Shingles(token_lists)
        if not batch.owners:
            return 0
        keys = batch.band_keys()
        rows = [fresh[i] for i in batch.owners]
        ids = np.fromiter((r["id"] for r in rows), dtype=np.int64, count=len(rows))
        days = np.fromiter((self._day(r) for r in rows), dtype=np.int64, count=len(rows))
        distinct, counts = np.unique(keys, return_counts=True)
        found = self.store.lsh_candidates(conn, self.workspace_id, self._wanted(keys, days, distinct),
                                          int(days.min()) - self.window_days, int(days.max()) + self.window_days)
        # Only a mention with a key already stored, or shared with another mention of the batch, can
        # have a near-duplicate: that is a few percent of them, the only ones the Python loop visits.
        hot = distinct[counts > 1]
        if found:
            hot = np.union1d(hot, np.fromiter((b for b, _, _ in found), dtype=np.int64, count=len(found)))
        hot_rows = np.flatnonzero(np.isin(keys, hot).any(axis=1)).tolist() if len(hot) else []
        grouped = self._link_candidates(conn, fresh, batch, keys, days, found, hot_rows) if hot_rows else 0
        # The index rows: (workspace, period, bucket, day, mention) for every comparable mention,
        # sorted so the b-tree inserts walk the index in order.
        table = np.empty((keys.size, 5), dtype=np.int64)
        table[:, 0] = self.workspace_id
        table[:, 1] = np.repeat(days // PERIOD_DAYS, keys.shape[1])
        table[:, 2] = keys.ravel()
        table[:, 3] = np.repeat(days, keys.shape[1])
        table[:, 4] = np.repeat(ids, keys.shape[1])
        table = table[np.lexsort((table[:, 2], table[:, 1]))]
        self.store.insert_buckets(conn, table.tolist())  # lists of ints: the driver binds them as rows
        return grouped

    def _wanted(self, keys: np.ndarray, days: np.ndarray, distinct: np.ndarray) -> dict[int, list[int]]:
        """Period -> the distinct bucket keys to look up there: each mention's window of
        +- near_duplicate_days covers one or two periods."""
        first = (days - self.window_days) // PERIOD_DAYS
        last = (days + self.window_days) // PERIOD_DAYS
        wanted: dict[int, list[int]] = {}
        if int(first.min()) == int(first.max()) and int(last.min()) == int(last.max()):
            # The usual batch: every mention's window covers the same period(s).
            every = distinct.tolist()
            return {period: every for period in range(int(first[0]), int(last[0]) + 1)}
        for period in range(int(first.min()), int(last.max()) + 1):
            rows = (first <= period) & (last >= period)
            if rows.any():
                wanted[period] = np.unique(keys[rows]).tolist()
        return wanted

    def _link_candidates(self, conn: Any, fresh: list[dict[str, Any]], batch: Shingles, keys: np.ndarray,
                         days: np.ndarray, found: list[tuple[int, int, int]], hot_rows: list[int]) -> int:
        by_bucket: dict[int, list[tuple[int, int]]] = {}  # bucket -> [(mention id, day)]
        for bucket, mention_id, day in found:
            by_bucket.setdefault(bucket, []).append((mention_id, day))
        stored = self.store.texts_for(conn, {mid for _, mid, _ in found}) if found else {}
        stored_ids = list(stored)
        stored_batch = Shingles([tokens(stored[mid][0]) for mid in stored_ids])  # one pass for all
        stored_sets = {stored_ids[i]: stored_batch.of(i) for i in stored_batch.owners}
        story_of = {mid: sid for mid, (_, sid) in stored.items() if sid is not None}
        local: dict[int, int] = {}  # mention id -> index in fresh
        new_stories: dict[int, list[int]] = {}  # first mention id -> mentions joining it
        first_of: dict[int, int] = {}  # mention id -> first mention of its new story
        grown: dict[int, list[int]] = {}  # existing story id -> mentions joining it
        window, threshold, grouped = self.window_days, self.threshold, 0
        for row_index in hot_rows:
            index = batch.owners[row_index]
            row = fresh[index]
            mid, day = row["id"], int(days[row_index])
            ks = keys[row_index].tolist()
            mine = batch.of(index)
            best, best_score = None, threshold
            candidates = {c for k in ks for c, d in by_bucket.get(k, ()) if abs(d - day) <= window}
            for cand in candidates:
                other = stored_sets.get(cand, _NONE) if cand not in local else batch.of(local[cand])
                score = jaccard(mine, other)
                if score >= best_score:
                    best, best_score = cand, score
            if best is not None:
                story = story_of.get(best)
                if story is not None:
                    grown.setdefault(story, []).append(mid)
                    story_of[mid] = story
                else:
                    # A story created in this batch is keyed by its first mention until written.
                    first = first_of.setdefault(best, best)
                    new_stories.setdefault(first, []).append(mid)
                    first_of[mid] = first
                grouped += 1
            local[mid] = index
            for k in ks:
                by_bucket.setdefault(k, []).append((mid, day))
        self._write_stories(conn, new_stories, grown, stored, fresh, local)
        return grouped

    def _write_stories(self, conn: Any, new_stories: dict[int, list[int]], grown: dict[int, list[int]],
                       stored: dict[int, tuple[str, int | None]], fresh: list[dict[str, Any]],
                       local: dict[int, int]) -> None:
        if not (new_stories or grown):
            return
        rows_by_id = {mid: fresh[i] for mid, i in local.items()}
        published = {mid: r["published_at"] or r["collected_at"] for mid, r in rows_by_id.items()}
        ids = self.store.new_story_ids(conn, len(new_stories))
        rows, links = [], []
        for story_id, (first, members) in zip(ids, new_stories.items(), strict=True):
            times = [t for t in (published.get(m) for m in members) if t is not None]
            rows.append({"id": story_id, "workspace_id": self.workspace_id,
                         "label": self._label(first, stored, fresh, local), "first_mention_id": first,
                         "first_seen": published.get(first) or min(times, default=None),
                         "last_seen": max(times, default=None), "size": len(members) + 1})
            links += [(story_id, m) for m in (first, *members)]
        links += [(story_id, m) for story_id, members in grown.items() for m in members]
        self.store.insert_stories(conn, rows)
        self.store.set_story_ids(conn, links)
        for story_id, mid in links:  # later stages of the batch (topics, alerts) see the story
            if mid in rows_by_id:
                rows_by_id[mid]["story_id"] = story_id
        self.store.grow_stories(conn, {
            story_id: (len(members), max((published[m] for m in members), default=None))
            for story_id, members in grown.items()})

    @staticmethod
    def _label(mention_id: int, stored: dict[int, tuple[str, int | None]], fresh: list[dict[str, Any]],
               local: dict[int, int]) -> str:
        if mention_id in stored:
            body = stored[mention_id][0]
        else:
            row = fresh[local[mention_id]]
            body = row["title"] or row["text"] or ""
        return body.split("\n", 1)[0][:200]

    @staticmethod
    def _day(row: dict[str, Any]) -> int:
        when = row["published_at"] or row["collected_at"]
        return (when - _EPOCH).days


def reindex_recent(conn: Any, days: int = 2 * PERIOD_DAYS, chunk: int = 5000) -> int:
    """Rebuild the near-duplicate index from the stored texts of each workspace's mentions published
    within ``days`` of its newest one, or of today when that is later (older ones fall outside any
    lookup window anyway), e.g. after the key scheme changed (Alembic 0003). Existing index rows are
    removed. Returns the rows written."""
    import sqlalchemy as sa

    m = sa.table("mentions", sa.column("id", sa.Integer), sa.column("workspace_id", sa.Integer),
                 sa.column("title", sa.Text), sa.column("text", sa.Text),
                 sa.column("published_at", sa.DateTime(timezone=True)),
                 sa.column("collected_at", sa.DateTime(timezone=True)))
    when = sa.func.coalesce(m.c.published_at, m.c.collected_at)
    mark = "?" if conn.dialect.name == "sqlite" else "%s"
    insert = f"INSERT INTO lsh_buckets (workspace_id, period, bucket, day, mention_id) VALUES ({', '.join([mark] * 5)})"
    conn.exec_driver_sql("TRUNCATE lsh_buckets" if conn.dialect.name == "postgresql" else "DELETE FROM lsh_buckets")
    now = datetime.now(UTC)
    written = 0
    for workspace_id, newest in conn.execute(sa.select(m.c.workspace_id, sa.func.max(when)).group_by(m.c.workspace_id)):
        if newest is None:
            continue
        newest = newest.replace(tzinfo=UTC) if newest.tzinfo is None else newest
        # A mention dated in the future (a wrong year) must not move the window away from today's.
        since, after = min(newest, now) - timedelta(days=days), 0
        while True:  # by id, a chunk at a time: a large store is never held in memory
            rows = conn.execute(sa.select(m.c.id, m.c.title, m.c.text, m.c.published_at, m.c.collected_at)
                                .where(m.c.workspace_id == workspace_id, m.c.id > after, when >= since)
                                .order_by(m.c.id).limit(chunk)).all()
            if not rows:
                break
            after = rows[-1].id
            batch = Shingles([tokens(title_and_text(r.title, r.text)) for r in rows])
            if not batch.owners:
                continue
            keys = batch.band_keys()
            day_of = [StoryGrouper._day({"published_at": as_utc(rows[i].published_at),
                                         "collected_at": as_utc(rows[i].collected_at)}) for i in batch.owners]
            values = [(int(workspace_id), day // PERIOD_DAYS, bucket, day, rows[i].id)
                      for i, day, row_keys in zip(batch.owners, day_of, keys.tolist(), strict=True)
                      for bucket in row_keys]
            conn.exec_driver_sql(insert, values)
            written += len(values)
    return written
