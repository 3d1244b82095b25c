"""Mention persistence: the batched write path used by ingest, and the read side (filters, full-text search).
See docs/store.md"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, case, func, insert, literal_column, select, text, update

from vigie.store import schema
from vigie.text import title_and_text, tokens

if TYPE_CHECKING:
    from sqlalchemy import Engine

M = schema.mentions
# Dates need the driver's form; JSON columns arrive already encoded by the ingest runner.
_CONVERTED = frozenset({"published_at", "collected_at"})
CHUNK = 900  # stays under SQLite's bound-parameter limit with room to spare


def _chunks(values: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything Vigie stores is UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class MentionStore:
    engine: Engine
    dialect: str

    # -- write path (one connection, one transaction per batch; see vigie/ingest.py) ------
    def existing_keys(self, conn: Connection, workspace_id: int, source_id: int,
                      external_ids: Sequence[str], canonical_urls: Sequence[str]) -> tuple[set[str], set[str]]:
        """Which of these external ids (for this source) and canonical URLs (in the workspace) are stored."""
        found_ids: set[str] = set(self._select_in(
            conn, "SELECT external_id FROM mentions WHERE source_id = {m} AND external_id IN ({marks})",
            (source_id,), external_ids, scalar=True))
        found_urls: set[str] = set(self._select_in(
            conn, "SELECT canonical_url FROM mentions WHERE workspace_id = {m} AND canonical_url IN ({marks})",
            (workspace_id,), canonical_urls, scalar=True))
        return found_ids, found_urls

    def _select_in(self, conn: Connection, sql: str, before: tuple[Any, ...], values: Sequence[Any],
                   after: tuple[Any, ...] = (), scalar: bool = False) -> list[Any]:
        """Run ``sql`` (with ``{m}`` for one placeholder and ``{marks}`` for the IN list) per chunk of
        values, straight to the driver: SQLAlchemy's expanding IN costs more to compile than to run."""
        mark = "?" if self.dialect == "sqlite" else "%s"
        out: list[Any] = []
        for chunk in _chunks(values):
            statement = sql.format(m=mark, marks=", ".join([mark] * len(chunk)))
            result = conn.exec_driver_sql(statement, (*before, *chunk, *after))
            out.extend(result.scalars() if scalar else result.fetchall())
        return out

    def _bulk(self, conn: Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """executemany straight to the driver: the ingest hot path skips SQLAlchemy's per-row
        parameter processing, so values must already be in the driver's form (see db_value)."""
        if not rows:
            return
        mark = "?" if self.dialect == "sqlite" else "%s"
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
        # The DB-API cursor of the same connection (same transaction): it takes rows as lists, which
        # numpy produces in one call, where SQLAlchemy's exec_driver_sql insists on tuples. Errors
        # are then the driver's own (sqlite3 / psycopg), not wrapped in sqlalchemy.exc; ingest
        # treats any exception of a batch alike (rollback, run recorded as failed).
        cursor = conn.connection.cursor()
        try:
            cursor.executemany(sql, rows)
        finally:
            cursor.close()

    def db_value(self, value: Any) -> Any:
        if isinstance(value, datetime):
            if self.dialect == "sqlite":  # the text form SQLAlchemy's SQLite DateTime reads back
                if value.tzinfo is UTC and value.year >= 1000:  # the usual case, with no copy made
                    return value.isoformat(" ", "microseconds")[:26]  # without its "+00:00"
                if value.tzinfo is not UTC:
                    value = value.astimezone(UTC)
                if value.year >= 1000:  # isoformat is several times cheaper than strftime, same text
                    return value.replace(tzinfo=None).isoformat(" ", "microseconds")
                return value.strftime("%Y-%m-%d %H:%M:%S.%f")
            return value
        if isinstance(value, dict | list):
            return json.dumps(value, ensure_ascii=False)
        return value

    def insert_mentions(self, conn: Connection, source_id: int, rows: list[dict[str, Any]]) -> dict[str, int]:
        """Insert new rows (all with the same keys); return external_id -> id."""
        if not rows:
            return {}
        # Dates go last: each row is then one C-level itemgetter call plus its converted dates.
        dates = [c for c in rows[0] if c in _CONVERTED]
        columns = [c for c in rows[0] if c not in _CONVERTED] + dates
        names = columns[:len(columns) - len(dates)]
        plain: Callable[[dict[str, Any]], tuple[Any, ...]] = (
            operator.itemgetter(*names) if len(names) > 1 else lambda row: tuple(row[c] for c in names))
        convert = self.db_value
        converted: list[list[Any]] = []
        for c in dates:
            column = [row[c] for row in rows]
            if c == "collected_at":  # one ingest batch shares its collection time: converted once
                memo = {v: convert(v) for v in set(column) if v is not None}
                converted.append([None if v is None else memo[v] for v in column])
            else:
                converted.append([None if v is None else convert(v) for v in column])
        values = [(*plain(row), *extra) for row, extra in zip(rows, zip(*converted, strict=True), strict=True)] if dates \
            else [(*plain(row),) for row in rows]
        self._bulk(conn, "mentions", columns, values)
        if self.dialect == "sqlite" and "id" not in columns:
            # One executemany under SQLite's single write lock: rowids are max+1 each time (no
            # AUTOINCREMENT, nobody else can insert), so the last one gives them all.
            last = conn.exec_driver_sql("SELECT last_insert_rowid()").scalar_one()
            first = int(last) - len(rows) + 1
            return {r["external_id"]: first + i for i, r in enumerate(rows)}
        return dict(self._select_in(
            conn, "SELECT external_id, id FROM mentions WHERE source_id = {m} AND external_id IN ({marks})",
            (source_id,), [r["external_id"] for r in rows]))

    def insert_matches(self, conn: Connection, pairs: list[tuple[int, int]]) -> None:
        """(mention_id, watch_id) pairs."""
        self._bulk(conn, "mention_matches", ("mention_id", "watch_id"), pairs)

    def lsh_candidates(self, conn: Connection, workspace_id: int, wanted: Mapping[int, Sequence[int]],
                       day_lo: int, day_hi: int) -> list[tuple[int, int, int]]:
        """(bucket, mention_id, day) rows already indexed for these period -> buckets, within the days."""
        out: list[tuple[int, int, int]] = []
        for period, buckets in sorted(wanted.items()):
            out += self._select_in(
                conn, "SELECT bucket, mention_id, day FROM lsh_buckets WHERE workspace_id = {m} AND period = {m} "
                      "AND bucket IN ({marks}) AND day BETWEEN {m} AND {m}",
                (workspace_id, period), buckets, (day_lo, day_hi))
        return out

    def insert_buckets(self, conn: Connection, rows: Sequence[Sequence[int]]) -> None:
        """(workspace_id, period, bucket, day, mention_id) rows."""
        self._bulk(conn, "lsh_buckets", ("workspace_id", "period", "bucket", "day", "mention_id"), rows)

    def texts_for(self, conn: Connection, ids: Iterable[int]) -> dict[int, tuple[str, int | None]]:
        """id -> (title + text, story_id) for near-duplicate verification."""
        out: dict[int, tuple[str, int | None]] = {}
        for mid, title, body_text, story_id in self._select_in(
                conn, "SELECT id, title, text, story_id FROM mentions WHERE id IN ({marks})", (), list(set(ids))):
            out[mid] = (title_and_text(title, body_text), story_id)
        return out

    def new_story_ids(self, conn: Connection, n: int) -> list[int]:
        """Reserve n story ids inside the current write transaction."""
        if n == 0:
            return []
        if self.dialect == "sqlite":
            # The batch's mention insert already holds SQLite's single write lock, so max()+1 is safe.
            top = conn.execute(select(func.coalesce(func.max(schema.stories.c.id), 0))).scalar_one()
            return list(range(int(top) + 1, int(top) + 1 + n))
        return list(conn.exec_driver_sql(
            "SELECT nextval(pg_get_serial_sequence('stories', 'id')) FROM generate_series(1, %s)", (n,)).scalars())

    def insert_stories(self, conn: Connection, rows: list[dict[str, Any]]) -> None:
        if rows:
            columns = list(rows[0])
            self._bulk(conn, "stories", columns, [tuple(self.db_value(r[c]) for c in columns) for r in rows])

    def set_story_ids(self, conn: Connection, links: list[tuple[int, int]]) -> None:
        """(story_id, mention_id) pairs."""
        if links:
            mark = "?" if self.dialect == "sqlite" else "%s"
            conn.exec_driver_sql(f"UPDATE mentions SET story_id = {mark} WHERE id = {mark}", links)

    def grow_stories(self, conn: Connection, growth: dict[int, tuple[int, datetime | None]]) -> None:
        """story_id -> (mentions added, newest publication time among them)."""
        st = schema.stories
        for story, (count, last) in growth.items():
            values: dict[str, Any] = {"size": st.c.size + count}
            if last is not None:
                values["last_seen"] = case((st.c.last_seen.is_(None), last), (st.c.last_seen < last, last),
                                           else_=st.c.last_seen)
            conn.execute(update(st).where(st.c.id == story).values(**values))

    def add_rejections(self, conn: Connection, rows: list[dict[str, Any]]) -> None:
        if rows:
            conn.execute(insert(schema.rejections), rows)

    def add_snapshot(self, conn: Connection, workspace_id: int, source_id: int, snapshot: Any) -> int:
        from vigie.urls import canonical_url

        snapshot_id = conn.execute(insert(schema.search_snapshots).values(
            workspace_id=workspace_id, source_id=source_id, engine=snapshot.engine, query=snapshot.query,
            captured_at=snapshot.captured_at, raw=snapshot.raw,
        ).returning(schema.search_snapshots.c.id)).scalar_one()
        if snapshot.results:
            conn.execute(insert(schema.search_results), [
                {"snapshot_id": snapshot_id, "rank": r.rank, "url": r.url, "canonical_url": canonical_url(r.url),
                 "title": r.title, "snippet": r.snippet} for r in snapshot.results])
        return int(snapshot_id)

    def save_progress(self, conn: Connection, source_id: int, cursor: dict[str, Any],
                      counts: dict[str, int], run_id: int | None) -> None:
        """Cursor and health counters, in the same transaction as the items they account for."""
        s = schema.sources
        conn.execute(update(s).where(s.c.id == source_id).values(
            cursor=cursor,
            items_seen=s.c.items_seen + counts.get("seen", 0),
            items_new=s.c.items_new + counts.get("new", 0),
            items_duplicate=s.c.items_duplicate + counts.get("duplicate", 0),
            items_rejected=s.c.items_rejected + counts.get("rejected", 0),
        ))
        if run_id is not None:
            r = schema.fetch_runs
            conn.execute(update(r).where(r.c.id == run_id).values(
                seen=r.c.seen + counts.get("seen", 0), new=r.c.new + counts.get("new", 0),
                duplicate=r.c.duplicate + counts.get("duplicate", 0),
                rejected=r.c.rejected + counts.get("rejected", 0),
            ))

    def start_run(self, source_id: int) -> int:
        with self.engine.begin() as conn:
            return int(conn.execute(insert(schema.fetch_runs).values(
                source_id=source_id, started_at=datetime.now(UTC)).returning(schema.fetch_runs.c.id)).scalar_one())

    def finish_run(self, run_id: int, source_id: int, status: str, error: str | None = None) -> None:
        now = datetime.now(UTC)
        s = schema.sources
        values: dict[str, Any] = {"last_run_at": now, "status": status}
        if status == "ok":
            values.update(last_success_at=now, status_message=None)
        else:
            values.update(last_error_at=now, last_error=error, status_message=error)
        with self.engine.begin() as conn:
            conn.execute(update(schema.fetch_runs).where(schema.fetch_runs.c.id == run_id).values(
                finished_at=now, status=status, error=error))
            conn.execute(update(s).where(s.c.id == source_id).values(**values))

    # -- read side -----------------------------------------------------------------------
    def list_mentions(self, workspace_id: int, *, watch_id: int | None = None, since: datetime | None = None,
                      channel: str | None = None, q: str | None = None, source_id: int | None = None,
                      story_id: int | None = None, topic_id: int | None = None, limit: int = 50,
                      offset: int = 0) -> list[dict[str, Any]]:
        """Newest first. ``q`` is full-text search (accent- and case-insensitive)."""
        query = select(M).where(M.c.workspace_id == workspace_id)
        if watch_id is not None:
            mm = schema.mention_matches
            query = query.where(M.c.id.in_(select(mm.c.mention_id).where(mm.c.watch_id == watch_id)))
        if since is not None:
            query = query.where(M.c.published_at >= since)
        if channel:
            query = query.where(M.c.channel == channel)
        if source_id is not None:
            query = query.where(M.c.source_id == source_id)
        if story_id is not None:
            query = query.where(M.c.story_id == story_id)
        if topic_id is not None:
            query = query.where(M.c.topic_id == topic_id)
        if q:
            query = self._full_text(query, q)
        query = query.order_by(M.c.published_at.desc().nulls_last(), M.c.id.desc()).limit(limit).offset(offset)
        with self.engine.connect() as conn:
            return [self._row(r) for r in conn.execute(query).mappings()]

    def _full_text(self, query: Any, q: str) -> Any:
        words = tokens(q)
        if not words:
            return query.where(literal_column("1") == 0)
        if self.dialect == "sqlite":
            # Each word quoted so FTS5 operators typed by a user are plain words; last word is a prefix.
            match = " ".join(f'"{w}"' for w in words[:-1]) + f' "{words[-1]}"*'
            fts: Any = select(literal_column("rowid")).select_from(text("mentions_fts")).where(
                text("mentions_fts MATCH :match")).params(match=match.strip())
            return query.where(M.c.id.in_(fts))
        tsquery = " & ".join(f"{w}:*" if i == len(words) - 1 else w for i, w in enumerate(words))
        return query.where(literal_column("mentions.tsv").op("@@")(func.to_tsquery("simple", tsquery)))

    def search(self, workspace_id: int, q: str, limit: int = 50) -> list[dict[str, Any]]:
        return self.list_mentions(workspace_id, q=q, limit=limit)

    def get_mention(self, mention_id: int) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(M).where(M.c.id == mention_id)).mappings().first()
            if row is None:
                return None
            out = self._row(row)
            out["watch_ids"] = list(conn.execute(select(schema.mention_matches.c.watch_id).where(
                schema.mention_matches.c.mention_id == mention_id)).scalars())
        return out

    def count_mentions(self, workspace_id: int) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(M).where(
                M.c.workspace_id == workspace_id)).scalar_one())

    def match_counts(self, workspace_id: int) -> dict[int, int]:
        mm, w = schema.mention_matches, schema.watches
        with self.engine.connect() as conn:
            rows = conn.execute(select(mm.c.watch_id, func.count()).join(w, w.c.id == mm.c.watch_id).where(
                w.c.workspace_id == workspace_id).group_by(mm.c.watch_id)).all()
            return {int(k): int(v) for k, v in rows}

    def list_rejections(self, workspace_id: int, source_id: int | None = None, limit: int = 100) -> list[dict[str, Any]]:
        r = schema.rejections
        query = select(r).where(r.c.workspace_id == workspace_id)
        if source_id is not None:
            query = query.where(r.c.source_id == source_id)
        with self.engine.connect() as conn:
            return [dict(x) for x in conn.execute(query.order_by(r.c.id.desc()).limit(limit)).mappings()]

    def list_snapshots(self, workspace_id: int, query_text: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
        s, res = schema.search_snapshots, schema.search_results
        query = select(s.c.id, s.c.engine, s.c.query, s.c.captured_at).where(s.c.workspace_id == workspace_id)
        if query_text:
            query = query.where(s.c.query == query_text)
        with self.engine.connect() as conn:
            snaps = [dict(x) for x in conn.execute(query.order_by(s.c.captured_at.desc()).limit(limit)).mappings()]
            for snap in snaps:
                snap["captured_at"] = as_utc(snap["captured_at"])
                snap["results"] = [dict(x) for x in conn.execute(select(res).where(
                    res.c.snapshot_id == snap["id"]).order_by(res.c.rank)).mappings()]
        return snaps

    def story_count(self, workspace_id: int, min_size: int = 2) -> int:
        st = schema.stories
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(st).where(
                and_(st.c.workspace_id == workspace_id, st.c.size >= min_size))).scalar_one())

    @staticmethod
    def _row(row: Any) -> dict[str, Any]:
        out = dict(row)
        out.pop("tsv", None)
        for key in ("published_at", "collected_at"):
            out[key] = as_utc(out.get(key))
        return out
