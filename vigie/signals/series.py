"""Per-watch series in 5-minute buckets (volume, negative volume, share of negative, reach-weighted volume,
overall and per channel kind), kept in the store and fed to one streaming detector each. See docs/alerts.md"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, insert, or_, select, update

from vigie.signals import tables as T
from vigie.signals.buckets import (  # noqa: F401 - re-exported: the series' vocabulary
    BUCKET_S,
    METRICS,
    NEGATIVE_SCORE,
    TOTAL,
    Counts,
    Reading,
    as_datetime,
    bucket_of,
    event_time,
    is_negative,
    local_seconds,
    mention_reach,
    to_epoch,
)
from vigie.signals.detectors import SpikeDetector
from vigie.signals.state import clone, dump_state, load_state
from vigie.store import schema
from vigie.store.mentions import as_utc

log = logging.getLogger(__name__)

BASELINE_ALPHA = 1.0 - 0.5 ** (1.0 / 12)  # EWMA of closed buckets, half-life one hour
SAVE_EVERY_S = 1800.0  # detector snapshots; the buckets after a snapshot are replayed on restart

DetectorFactory = Callable[[str], Any]
# Whether some alert rule would act on a reading; only such alarms start a detector's refractory
# period (an alarm refused for too few mentions must not silence the larger buckets that follow).
Accept = Callable[[Reading], bool]


def default_detector(metric: str) -> SpikeDetector:
    """Volume-like series alert on rises only; the 5-minute step is fixed, not guessed from gaps."""
    return SpikeDetector(step=float(BUCKET_S), direction="up")



@dataclass
class _Series:
    through: int  # epoch of the first bucket the detectors have not learnt
    detectors: dict[str, Any]
    baseline: dict[str, float | None]
    dirty: bool = False  # learnt since the last snapshot


def wants(channel: str, wanted: set[tuple[str, str]] | None) -> bool:
    """Whether a series of this channel is read by one of the wanted (channel, metric) pairs."""
    if wanted is None:
        return True
    return any(c == channel or (c == "each" and channel != TOTAL) for c, _ in wanted)


class SeriesBook:
    """The series of one workspace: counts in the store (the truth, shared by every process that
    ingests), detectors in memory, snapshotted to the store and replayed from the counts."""

    def __init__(self, store: Any, workspace: dict[str, Any], settings: Any = None, *,
                 detector_factory: DetectorFactory = default_detector) -> None:
        get = settings.get if settings is not None else (lambda _k, d=None: d)
        self.store = store
        self.workspace_id = int(workspace["id"])
        self.tz = ZoneInfo(workspace.get("timezone") or "UTC")
        self.grace = float(get("signal_grace", 1200) or 0)
        self.outage = float(get("signal_outage", 3600) or 3600)
        self.history = float(get("signal_history_days", 28) or 28) * 86400
        self.factory = detector_factory
        self.series: dict[tuple[int, str], _Series] = {}
        self.known_watches: set[int] = set()
        self.gaps: list[tuple[float, float]] = []
        self.last_flush: float | None = None
        self._saved_at = time.monotonic()
        self._load()

    # -- loading ----------------------------------------------------------------------------
    def _load(self) -> None:
        ws = self.workspace_id
        with self.store.engine.connect() as conn:
            row = conn.execute(select(T.signal_workspaces.c.last_flush_at).where(
                T.signal_workspaces.c.workspace_id == ws)).first()
            self.last_flush = to_epoch(row[0]) if row and row[0] else None
            self.gaps = [(to_epoch(a), to_epoch(b)) for a, b in conn.execute(select(
                T.signal_gaps.c.start_at, T.signal_gaps.c.end_at).where(T.signal_gaps.c.workspace_id == ws))]
            d = T.signal_detectors
            for r in conn.execute(select(d).where(d.c.workspace_id == ws)).mappings():
                self._restore(dict(r))
            b = T.signal_buckets
            lo = as_datetime(time.time() - self.history)
            for watch_id, channel, first in conn.execute(select(b.c.watch_id, b.c.channel, func.min(b.c.bucket_start))
                                                         .where(b.c.workspace_id == ws, b.c.bucket_start >= lo)
                                                         .group_by(b.c.watch_id, b.c.channel)):
                self.known_watches.add(int(watch_id))
                if (int(watch_id), channel) not in self.series:
                    self.series[(int(watch_id), channel)] = self._new_series(to_epoch(first))
        self.known_watches.update(w for w, _ in self.series)

    def _restore(self, r: dict[str, Any]) -> None:
        key = (int(r["watch_id"]), str(r["channel"]))
        series = self.series.setdefault(key, self._new_series(to_epoch(r["through"])))
        series.through = min(series.through, int(to_epoch(r["through"])))
        metric = str(r["metric"])
        try:
            series.detectors[metric] = load_state(r["state"], partial(self.factory, metric))
            series.baseline[metric] = r["baseline"]
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            log.warning("detector state of watch %s/%s/%s unreadable (%s): it starts afresh",
                        key[0], key[1], metric, exc)

    def _adopt(self, key: tuple[int, str], first: int, now_e: float) -> None:
        """A series this process meets for the first time: take over the snapshot and history
        another process may have stored for it, else start at its first bucket."""
        d, b = T.signal_detectors, T.signal_buckets
        with self.store.engine.connect() as conn:
            rows = [dict(r) for r in conn.execute(select(d).where(d.c.watch_id == key[0], d.c.channel == key[1]))
                    .mappings()]
            earliest = conn.execute(select(func.min(b.c.bucket_start)).where(
                b.c.watch_id == key[0], b.c.channel == key[1],
                b.c.bucket_start >= as_datetime(now_e - self.history))).scalar()
        for r in rows:
            self._restore(r)
        if not rows:
            start = min(first, int(to_epoch(earliest))) if earliest is not None else first
            self.series[key] = self._new_series(max(start, now_e - self.history))

    def _new_series(self, through: float) -> _Series:
        return _Series(bucket_of(through), {m: self.factory(m) for m in METRICS}, {m: None for m in METRICS})

    # -- writing -------------------------------------------------------------------------------
    def record(self, pairs: Sequence[tuple[dict[str, Any], Sequence[int]]], now: datetime) -> set[int]:
        """Add a committed batch (rows and their watch ids); returns the watches whose series moved."""
        deltas: dict[tuple[int, str, int], Counts] = {}
        batch_ids: set[int] = set()
        for row, watch_ids in pairs:
            if not watch_ids:
                continue
            if row.get("id") is not None:
                batch_ids.add(int(row["id"]))
            bucket = bucket_of(event_time(row, now))
            one = Counts.of(row)
            for watch_id in watch_ids:
                for channel in (row["channel"], TOTAL):
                    slot = (int(watch_id), channel, bucket)
                    known = deltas.get(slot)
                    if known is None:
                        deltas[slot] = Counts(one.n, one.negative, one.known, one.reach)
                    else:
                        known.add(one)
        touched = {w for w, _, _ in deltas}
        for watch_id in touched - self.known_watches:
            self._backfill(watch_id, batch_ids, to_epoch(now))
        now_e = to_epoch(now)
        with self.store.engine.begin() as conn:
            self._add_counts(conn, deltas)
            self._heartbeat(conn, now_e)
        firsts: dict[tuple[int, str], int] = {}
        for watch_id, channel, bucket in deltas:
            firsts[(watch_id, channel)] = min(bucket, firsts.get((watch_id, channel), bucket))
        for key, first in firsts.items():
            if key not in self.series:
                self._adopt(key, first, now_e)
            # A bucket older than `through` (a very late mention) stays in the history, never scored.
        return touched

    def seed(self, watch_id: int, channel: str, buckets: Iterable[tuple[datetime, Counts]]) -> None:
        """Write past bucket counts directly (history from elsewhere, benchmarks, tests); the
        detectors learn them on the next advance."""
        deltas: dict[tuple[int, str, int], Counts] = {}
        for when, counts in buckets:
            deltas.setdefault((watch_id, channel, bucket_of(when)), Counts()).add(counts)
        self.seed_many(deltas)

    def _add_counts(self, conn: Any, deltas: dict[tuple[int, str, int], Counts]) -> None:
        if not deltas:
            return
        # Straight to the driver (one executemany, values already in its form): SQLAlchemy's per-row
        # parameter processing cost more than the upsert itself on large batches.
        to_db, workspace_id = self.store.db_value, self.workspace_id
        stamps = {b: to_db(as_datetime(b)) for b in {b for _, _, b in deltas}}  # buckets repeat per watch
        rows = [(workspace_id, w, c, stamps[b], k.n, k.negative, k.known, k.reach)
                for (w, c, b), k in sorted(deltas.items())]  # sorted: concurrent writers lock in one order
        mark = "?" if self.store.dialect == "sqlite" else "%s"
        conn.exec_driver_sql(
            "INSERT INTO signal_buckets (workspace_id, watch_id, channel, bucket_start, n, negative, known, reach) "
            f"VALUES ({', '.join([mark] * 8)}) ON CONFLICT (watch_id, channel, bucket_start) DO UPDATE SET "
            "n = signal_buckets.n + excluded.n, negative = signal_buckets.negative + excluded.negative, "
            "known = signal_buckets.known + excluded.known, reach = signal_buckets.reach + excluded.reach", rows)

    def _heartbeat(self, conn: Any, now_e: float) -> None:
        w = T.signal_workspaces
        if self.last_flush is not None and now_e - self.last_flush > self.outage:
            conn.execute(insert(T.signal_gaps).values(workspace_id=self.workspace_id,
                                                      start_at=as_datetime(self.last_flush), end_at=as_datetime(now_e)))
            self.gaps.append((self.last_flush, now_e))
        stamp = as_datetime(now_e)
        if self.last_flush is None:
            stmt = _dialect_insert(self.store.dialect, w).values(workspace_id=self.workspace_id, last_flush_at=stamp)
            conn.execute(stmt.on_conflict_do_update(index_elements=["workspace_id"], set_={"last_flush_at": stamp}))
        else:
            conn.execute(update(w).where(w.c.workspace_id == self.workspace_id).values(last_flush_at=stamp))
        self.last_flush = max(self.last_flush or 0.0, now_e)

    def _backfill(self, watch_id: int, skip: set[int], now_e: float) -> None:
        """A watch seen for the first time: build its series from the mentions already stored, so
        its detectors start with the history instead of a day of silence."""
        self.known_watches.add(watch_id)
        b = T.signal_buckets
        with self.store.engine.connect() as conn:
            if conn.execute(select(b.c.watch_id).where(b.c.watch_id == watch_id).limit(1)).first():
                return
            m, mm = schema.mentions, schema.mention_matches
            lo = as_datetime(now_e - self.history)
            cols = [m.c.id, m.c.channel, m.c.published_at, m.c.collected_at, m.c.reach,
                    m.c.author_followers, m.c.outlet_audience]
            if "sentiment" in m.c:  # added by the sentiment analyzer; absent before it
                cols.append(m.c.sentiment)
            query = select(*cols).join(mm, mm.c.mention_id == m.c.id).where(
                mm.c.watch_id == watch_id,
                or_(m.c.published_at >= lo, and_(m.c.published_at.is_(None), m.c.collected_at >= lo)))
            deltas: dict[tuple[int, str, int], Counts] = {}
            now = as_datetime(now_e)
            for r in conn.execute(query).mappings():
                if r["id"] in skip:
                    continue
                row = dict(r)
                row["published_at"], row["collected_at"] = as_utc(row["published_at"]), as_utc(row["collected_at"])
                bucket = bucket_of(event_time(row, now))
                one = Counts.of(row)
                for channel in (row["channel"], TOTAL):
                    deltas.setdefault((watch_id, channel, bucket), Counts()).add(one)
        if deltas:
            log.info("watch %s: series rebuilt from %d stored buckets", watch_id, len(deltas))
            self.seed_many(deltas)

    def seed_many(self, deltas: dict[tuple[int, str, int], Counts]) -> None:
        """Add counts keyed by (watch id, channel, bucket epoch); series start at their first bucket."""
        with self.store.engine.begin() as conn:
            self._add_counts(conn, deltas)
        firsts: dict[tuple[int, str], int] = {}
        for watch_id, channel, bucket in deltas:
            self.known_watches.add(watch_id)
            firsts[(watch_id, channel)] = min(bucket, firsts.get((watch_id, channel), bucket))
        for key, first in firsts.items():
            # An existing series keeps its place: re-learning buckets would count them twice.
            self.series.setdefault(key, self._new_series(first))

    # -- learning -------------------------------------------------------------------------------
    def _missing(self, bucket: int) -> bool:
        """A bucket with no mention is zero, unless Vigie ingested nothing at all around it."""
        return any(start <= bucket and bucket + BUCKET_S <= end for start, end in self.gaps)

    def _counts(self, watch_ids: Iterable[int], lo: int, hi: int,
                channels: set[str] | None = None) -> dict[tuple[int, str], dict[int, Counts]]:
        b = T.signal_buckets
        ids = sorted(set(watch_ids))
        out: dict[tuple[int, str], dict[int, Counts]] = {}
        if not ids or lo >= hi:
            return out
        with self.store.engine.connect() as conn:
            for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
                rows = conn.execute(select(b.c.watch_id, b.c.channel, b.c.bucket_start, b.c.n, b.c.negative,
                                           b.c.known, b.c.reach).where(
                    b.c.workspace_id == self.workspace_id, b.c.watch_id.in_(chunk),
                    b.c.bucket_start >= as_datetime(lo), b.c.bucket_start < as_datetime(hi),
                    *([b.c.channel.in_(sorted(channels))] if channels is not None else [])))
                for watch_id, channel, start, n, neg, known, reach in rows:
                    out.setdefault((int(watch_id), channel), {})[bucket_of(start)] = Counts(
                        int(n), int(neg), int(known), int(reach))
        return out

    def advance(self, now: datetime, wanted: set[tuple[str, str]] | None = None, accept: Accept | None = None) -> int:
        """Teach the detectors every bucket closed for longer than the grace period (late mentions
        still land in a bucket until then). Only series some rule reads (``wanted``) learn: the
        others keep their counts and catch up from them the first time a rule needs them.
        ``accept``: which alarms start a detector's refractory period (None: every alarm at the
        detector's threshold). Returns the number of buckets learnt."""
        end = bucket_of(to_epoch(now) - self.grace)
        due = {key: s for key, s in self.series.items() if s.through < end and wants(key[1], wanted)}
        if not due:
            return 0
        counts = self._counts({w for w, _ in due}, min(s.through for s in due.values()), end)
        learnt = 0
        for key, series in due.items():
            mine = counts.get(key, {})
            for bucket in range(series.through, end, BUCKET_S):
                found = mine.get(bucket)
                self._learn(key, series, bucket, found if found is not None else (None if self._missing(bucket) else Counts()),
                            accept)
                learnt += 1
            series.through = end
            series.dirty = True
        if time.monotonic() - self._saved_at > SAVE_EVERY_S:
            self.save()
        return learnt

    def _learn(self, key: tuple[int, str], series: _Series, bucket: int, counts: Counts | None,
               accept: Accept | None = None) -> None:
        t = local_seconds(bucket, self.tz)
        for metric in METRICS:
            value = counts.value(metric) if counts is not None else None
            base = series.baseline[metric]
            def reading(score: float, m: str = metric, v: float | None = value, b: float | None = base) -> Reading:
                return Reading(key[0], key[1], m, as_datetime(bucket), score, v, b, counts or Counts(), False)

            _score(series.detectors[metric], value, t, accept, reading)
            if value is not None:
                series.baseline[metric] = value if base is None else base + BASELINE_ALPHA * (value - base)

    def save(self) -> None:
        """Snapshot every detector (cheap enough every half hour; replay covers the rest)."""
        now = datetime.now(UTC)
        dirty = [(key, s) for key, s in sorted(self.series.items()) if s.dirty]
        rows = [{"workspace_id": self.workspace_id, "watch_id": w, "channel": c, "metric": m,
                 "through": as_datetime(s.through), "baseline": s.baseline[m], "state": dump_state(det),
                 "updated_at": now}
                for (w, c), s in dirty for m, det in s.detectors.items()]
        if rows:
            table = T.signal_detectors
            stmt = _dialect_insert(self.store.dialect, table)
            stmt = stmt.on_conflict_do_update(
                index_elements=["watch_id", "channel", "metric"],
                set_={c: stmt.excluded[c] for c in ("through", "baseline", "state", "updated_at")},
                # Another process may have learnt further: a snapshot only ever moves forward.
                where=table.c.through <= stmt.excluded.through)
            with self.store.engine.begin() as conn:
                conn.execute(stmt, rows)
        for _, series in dirty:
            series.dirty = False
        self._saved_at = time.monotonic()

    # -- scoring ------------------------------------------------------------------------------
    def readings(self, watch_ids: Iterable[int], wanted: set[tuple[str, str]], now: datetime,
                 accept: Accept | None = None) -> list[Reading]:
        """Score the pending buckets (learnt by copies of the detectors, which are then dropped).

        ``wanted`` holds (channel, metric) pairs; channel "each" means every channel kind. The
        open bucket counts as what it holds so far plus the baseline's share of the time left,
        which lets a burst raise an alarm seconds after it starts instead of when the bucket closes.
        Each series gives its highest-scoring pending bucket, one that ``accept`` accepts first.
        """
        if not wanted:
            return []
        self.advance(now, wanted, accept)
        now_e = to_epoch(now)
        open_bucket = bucket_of(now_e)
        watch_set = set(watch_ids)
        keys = [k for k in self.series if k[0] in watch_set and wants(k[1], wanted)]
        if not keys:
            return []
        lo = min(self.series[k].through for k in keys)
        every_kind = any(c == "each" for c, _ in wanted)
        counts = self._counts(watch_set, lo, open_bucket + BUCKET_S, None if every_kind else {c for c, _ in wanted})
        out = []
        for key in keys:
            series = self.series[key]
            for channel, metric in wanted:
                if channel == key[1] or (channel == "each" and key[1] != TOTAL):
                    reading = self._peek(key, series, metric, counts.get(key, {}), open_bucket, now_e, accept)
                    if reading is not None:
                        out.append(reading)
        return out

    def _peek(self, key: tuple[int, str], series: _Series, metric: str, counts: dict[int, Counts],
              open_bucket: int, now_e: float, accept: Accept | None = None) -> Reading | None:
        detector = clone(series.detectors[metric])
        baseline = series.baseline[metric]
        best: Reading | None = None
        best_ok = False
        for bucket in range(series.through, open_bucket + BUCKET_S, BUCKET_S):
            found = counts.get(bucket)
            if found is None and self._missing(bucket):
                continue
            found = found or Counts()
            value = found.value(metric)
            partial = bucket == open_bucket
            if partial and value is not None and metric != "share":
                left = max(0.0, 1.0 - (now_e - bucket) / BUCKET_S)
                value += (baseline or 0.0) * left

            def reading(score: float, b: int = bucket, v: float | None = value, c: Counts = found,
                        p: bool = partial) -> Reading:
                return Reading(key[0], key[1], metric, as_datetime(b), score, v, baseline, c, p)

            score, ok = _score(detector, value, local_seconds(bucket, self.tz), accept, reading)
            # A bucket a rule accepts beats a higher score no rule accepts (an early, too-small one).
            if best is None or (ok, score) >= (best_ok, best.score):
                best, best_ok = reading(score), ok
        return best

    def close(self) -> None:
        self.save()


def _score(detector: Any, value: float | None, t: float, accept: Accept | None,
           reading: Callable[[float], Reading]) -> tuple[float, bool]:
    """Feed one bucket to a detector: (score, whether ``accept`` accepts its reading; True without
    ``accept``). With ``accept``, only an accepted alarm starts the detector's refractory period;
    detectors without `confirm_alarm` arm themselves at their own threshold, as before."""
    confirm = getattr(detector, "confirm_alarm", None)
    if accept is None or confirm is None:
        score = detector.update(value, t)
        return score, accept is None or (score > 0 and accept(reading(score)))
    score = detector.update(value, t, arm=False)
    ok = score > 0 and accept(reading(score))
    if ok:
        confirm()
    return score, ok


def _dialect_insert(dialect: str, table: Any) -> Any:
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)
