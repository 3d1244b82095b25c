"""Event topics in the store: loading a workspace's active topics, writing a batch's assignments in the
ingest transaction, clearing a range for re-runs, and the listings the CLI and web read. See docs/topics.md"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, desc, func, select, update

from vigie.enrich.tables import topic_versions as V
from vigie.enrich.tables import topics as T
from vigie.enrich.topics import Topic, TopicState
from vigie.enrich.topics_terms import MAX_TERMS, make_label, surface_rank, vectorize
from vigie.store import schema
from vigie.store.mentions import as_utc

M = schema.mentions
CHUNK = 900
_ENCODE = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


def _mark(conn: Any) -> str:
    return "?" if conn.dialect.name == "sqlite" else "%s"


# -- the version check ------------------------------------------------------------------------------
def read_version(conn: Any, workspace_id: int, lock: bool = False) -> int:
    """The workspace's topics version; with ``lock``, inside the writing transaction so no other
    writer can move it before this batch commits (SQLite: the batch already holds the write lock)."""
    query = select(V.c.version).where(V.c.workspace_id == workspace_id)
    if lock and conn.dialect.name != "sqlite":
        query = query.with_for_update()
    found = conn.execute(query).scalar()
    return int(found or 0)


def bump_version(conn: Any, store: Any, workspace_id: int) -> int:
    """+1 in the writing transaction (the row lock orders concurrent writers); returns the new version."""
    m = _mark(conn)
    return int(conn.exec_driver_sql(
        f"INSERT INTO topic_versions (workspace_id, version, updated_at) VALUES ({m}, 1, {m}) "
        "ON CONFLICT (workspace_id) DO UPDATE SET version = topic_versions.version + 1, "
        "updated_at = excluded.updated_at RETURNING version",
        (workspace_id, store.db_value(datetime.now(UTC)))).scalar_one())


# -- loading ------------------------------------------------------------------------------------------
def _topic(row: Any) -> Topic:
    size = int(row["size"])
    # Both times are written with every topic; "now" only stands in for a row edited by hand.
    last = as_utc(row["last_seen"]) or datetime.now(UTC)
    first = as_utc(row["first_seen"]) or last
    return Topic(int(row["id"]), {str(k): float(v) for k, v in (row["terms"] or {}).items()},
                 dict(row["surfaces"] or {}), dict(row["languages"] or {}), first, last,
                 size=size, label=row["label"] or "", labelled_at=size)


def _load(conn: Any, state: TopicState, *conditions: Any) -> None:
    query = select(T.c.id, T.c.terms, T.c.surfaces, T.c.languages, T.c.first_seen, T.c.last_seen, T.c.size,
                   T.c.label).where(T.c.workspace_id == state.workspace_id, *conditions).order_by(T.c.id)
    loaded = [_topic(r) for r in conn.execute(query).mappings() if int(r["id"]) not in state.topics]
    for topic in loaded:
        state.add(topic)
        # Names as this process would have learnt them: the forms written with a capital or a #.
        state.name_keys.update(t for t, shown in topic.surfaces.items() if surface_rank(shown)[0])
    log_n = state.log_n()
    for topic in loaded:
        state._refresh(topic, log_n)


def cover(conn: Any, state: TopicState, times: list[datetime], window: timedelta) -> None:
    """Make sure every stored topic a mention at one of ``times`` could join is in memory: the recent
    ones once, older ones (a backfill, a late item) for the batch that needs them."""
    if state.covered_from is None:
        start = max(times) - 2 * window
        _load(conn, state, T.c.last_seen >= start)
        state.covered_from = start
    need = [t for t in times if t - window < state.covered_from]
    if need:
        _load(conn, state, T.c.last_seen >= min(need) - window, T.c.last_seen < state.covered_from,
              T.c.first_seen <= max(need) + window)


def story_topics(conn: Any, store: Any, state: TopicState, rows: list[dict[str, Any]]) -> dict[int, int]:
    """mention id -> near-duplicate story id for the batch; the topics of those stories' earlier members
    go into ``state.story_topic``."""
    story_of = {r["id"]: r["story_id"] for r in rows if r.get("story_id") is not None}
    unknown = sorted({s for s in story_of.values() if s not in state.story_topic})
    if unknown:
        m = _mark(conn)
        for chunk in _chunks(unknown):
            for story, topic_id in conn.exec_driver_sql(
                    f"SELECT story_id, topic_id FROM mentions WHERE topic_id IS NOT NULL "
                    f"AND story_id IN ({', '.join([m] * len(chunk))})", tuple(chunk)).fetchall():
                topic = state.topics.get(topic_id)
                if topic is not None:
                    state.story_topic.setdefault(story, topic)
    return story_of


# -- writing ------------------------------------------------------------------------------------------
def _new_ids(conn: Any, store: Any, n: int, taken: set[int]) -> list[int]:
    if n == 0:
        return []
    if conn.dialect.name == "sqlite":
        # The batch's mention insert holds SQLite's single write lock, so max()+1 is safe here.
        top = int(conn.execute(select(func.coalesce(func.max(T.c.id), 0))).scalar_one())
        top = max(top, max(taken, default=0))
        return list(range(top + 1, top + 1 + n))
    return [int(x) for x in conn.exec_driver_sql(
        "SELECT nextval(pg_get_serial_sequence('topics', 'id')) FROM generate_series(1, %s)", (n,)).scalars()]


def write_batch(conn: Any, store: Any, state: TopicState, written: int, members: dict[int, Topic],
                reuse: dict[int, int], free_ids: set[int]) -> None:
    """New topics (stored ids given now), grown topics, and every mention's topic_id, in ``conn``."""
    fresh = [t for t in state.topics.values() if t.id < 0]
    fresh.sort(key=lambda t: -t.id)  # creation order
    plan: list[int | None] = []
    for topic in fresh:
        old = reuse.get(topic.seed) if topic.seed is not None else None
        plan.append(old if old is not None and old in free_ids and old not in plan else None)
    ids = iter(_new_ids(conn, store, plan.count(None), free_ids))
    for topic, chosen in zip(fresh, plan, strict=True):
        if chosen is not None:
            free_ids.discard(chosen)
        state.rekey(topic, chosen if chosen is not None else next(ids))
    now = datetime.now(UTC)
    value = store.db_value
    inserts, updates = [], []
    for topic in fresh:
        inserts.append((topic.id, state.workspace_id, topic.label, _ENCODE(topic.terms), _ENCODE(topic.surfaces),
                        _ENCODE(topic.languages), value(topic.first_seen), value(topic.last_seen), topic.size,
                        value(now), value(now)))
    made = {id(t) for t in fresh}
    for topic in {id(t): t for t in members.values()}.values():
        if topic.dirty and id(topic) not in made:
            updates.append((topic.added, topic.label, _ENCODE(topic.terms), _ENCODE(topic.surfaces),
                            _ENCODE(topic.languages), value(topic.first_seen), value(topic.last_seen), value(now),
                            topic.id))
    m = _mark(conn)
    if inserts:
        conn.exec_driver_sql(
            "INSERT INTO topics (id, workspace_id, label, terms, surfaces, languages, first_seen, last_seen, size, "
            f"created_at, updated_at) VALUES ({', '.join([m] * 11)})", inserts)
    if updates:
        # The size grows by what this batch added: a concurrent writer's members are not overwritten.
        conn.exec_driver_sql(
            f"UPDATE topics SET size = size + {m}, label = {m}, terms = {m}, surfaces = {m}, languages = {m}, "
            f"first_seen = {m}, last_seen = {m}, updated_at = {m} WHERE id = {m}", updates)
    conn.exec_driver_sql(f"UPDATE mentions SET topic_id = {m} WHERE id = {m}",
                         [(topic.id, mid) for mid, topic in members.items()])
    for topic in members.values():
        topic.added, topic.dirty = 0, False
    version = bump_version(conn, store, state.workspace_id)
    # Another writer in between: reload before the next batch rather than trust this copy.
    state.version = version if version == written + 1 else -1


# -- re-runs --------------------------------------------------------------------------------------------
def clear_range(conn: Any, store: Any, workspace_id: int, since: datetime | None) -> tuple[dict[int, int], set[int]]:
    """Unassign the workspace's mentions (published since ``since``, or all): topics left empty are
    deleted, topics that keep older members are rebuilt from them. Returns mention -> old topic id and
    the freed ids, so a re-run that forms the same topics gives them the same ids."""
    in_range = [M.c.workspace_id == workspace_id, M.c.topic_id.is_not(None)]
    if since is not None:
        in_range.append(M.c.published_at >= since)
    previous = {int(a): int(b) for a, b in conn.execute(select(M.c.id, M.c.topic_id).where(*in_range)).all()}
    conn.execute(update(M).where(*in_range).values(topic_id=None))
    touched = sorted(set(previous.values()))
    if since is None:
        conn.execute(delete(T).where(T.c.workspace_id == workspace_id))
        bump_version(conn, store, workspace_id)
        return previous, set(touched)
    kept: set[int] = set()
    for chunk in _chunks(touched):
        kept |= {int(x) for x in conn.execute(select(M.c.topic_id).where(M.c.topic_id.in_(chunk)).distinct()).scalars()}
    freed = set(touched) - kept
    for chunk in _chunks(sorted(freed)):
        conn.execute(delete(T).where(T.c.id.in_(chunk)))
    rebuild(conn, store, sorted(kept))
    bump_version(conn, store, workspace_id)
    return previous, freed


def rebuild(conn: Any, store: Any, topic_ids: list[int]) -> None:
    """Recompute topics from their remaining members (centroid, size, dates, languages, label)."""
    for chunk in _chunks(topic_ids):
        query = select(M.c.id, M.c.topic_id, M.c.title, M.c.text, M.c.language, M.c.published_at,
                       M.c.collected_at, M.c.entities, M.c.keyphrases).where(M.c.topic_id.in_(chunk)).order_by(M.c.id)
        built: dict[int, Topic] = {}
        for row in conn.execute(query).mappings():
            vec = vectorize(dict(row))
            if vec is None:
                continue
            topic = built.get(row["topic_id"])
            if topic is None:
                topic = built[row["topic_id"]] = Topic(row["topic_id"], {}, {}, {}, vec.when, vec.when, size=0)
            for term, w in vec.weights.items():
                topic.terms[term] = topic.terms.get(term, 0.0) + w
                topic.surfaces.setdefault(term, vec.surfaces.get(term, term))
            topic.size += 1
            topic.languages[vec.language or ""] = topic.languages.get(vec.language or "", 0) + 1
            topic.first_seen, topic.last_seen = min(topic.first_seen, vec.when), max(topic.last_seen, vec.when)
        for topic in built.values():
            top = sorted(topic.terms, key=lambda t: -topic.terms[t])[:MAX_TERMS]
            terms = {t: topic.terms[t] for t in top}
            surfaces = {t: topic.surfaces[t] for t in top}
            conn.execute(update(T).where(T.c.id == topic.id).values(
                terms=terms, surfaces=surfaces, languages=topic.languages, size=topic.size,
                first_seen=topic.first_seen, last_seen=topic.last_seen, label=make_label(terms, surfaces),
                updated_at=datetime.now(UTC)))


# -- reading ----------------------------------------------------------------------------------------------
def list_topics(store: Any, workspace_id: int, since: datetime | None = None, limit: int = 20,
                min_size: int = 1, mention_clause: Any = None) -> list[dict[str, Any]]:
    """Topics seen since ``since``, biggest first. ``mention_clause`` (an agency's scope) keeps only the
    topics with a mention it may see, and counts and labels them from those mentions only."""
    query = select(T.c.id, T.c.label, T.c.size, T.c.first_seen, T.c.last_seen, T.c.languages).where(
        T.c.workspace_id == workspace_id, T.c.size >= min_size)
    if since is not None:
        query = query.where(T.c.last_seen >= since)
    if mention_clause is not None:
        visible = select(M.c.topic_id, func.count().label("n")).where(
            M.c.workspace_id == workspace_id, M.c.topic_id.is_not(None), mention_clause).group_by(M.c.topic_id)
        if since is not None:
            visible = visible.where(M.c.published_at >= since)
        sub = visible.subquery()
        query = select(T.c.id, T.c.label, sub.c.n.label("size"), T.c.first_seen, T.c.last_seen, T.c.languages).join(
            sub, sub.c.topic_id == T.c.id).where(and_(T.c.workspace_id == workspace_id, sub.c.n >= min_size))
        if since is not None:
            query = query.where(T.c.last_seen >= since)
        order = desc(sub.c.n)
    else:
        order = desc(T.c.size)
    with store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(query.order_by(order, desc(T.c.last_seen), T.c.id).limit(limit)).mappings()]
    for row in rows:
        row["first_seen"], row["last_seen"] = as_utc(row["first_seen"]), as_utc(row["last_seen"])
        row["languages"] = sorted((row["languages"] or {}), key=lambda k: -(row["languages"] or {})[k])
        row["languages"] = [x for x in row["languages"] if x]
    return rows
