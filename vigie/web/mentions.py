"""The mention stream for people: filters, keyset pages, full-text search, tags, assignment,
sentiment corrections and bulk actions, all through the caller's Scope. See docs/web.md"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    bindparam,
    delete,
    exists,
    func,
    insert,
    literal,
    literal_column,
    select,
    text,
    tuple_,
    update,
)

from vigie.items import Channel
from vigie.store import schema
from vigie.store.mentions import as_utc
from vigie.text import tokens
from vigie.web import rollup
from vigie.web import tables as T
from vigie.web.access import Scope
from vigie.web.errors import NotFound, Problem

M, MM = schema.mentions, schema.mention_matches
SENTIMENTS: tuple[str, ...] = ("positive", "neutral", "negative")
CHANNELS: tuple[str, ...] = tuple(c.value for c in Channel)
PAGE = 50
EXCERPT = 400  # characters of text sent to the list; the detail page shows the whole text
DENSE = 5000  # full-text matches from which walking the date index beats sorting the matches


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class MentionFilter:
    watch_id: int | None = None
    channel: str | None = None
    since: datetime | None = None
    language: str | None = None
    sentiment: str | None = None
    q: str | None = None
    tag: str | None = None
    assignee: int | None = None
    source_id: int | None = None
    story_id: int | None = None
    topic_id: int | None = None  # an event topic (vigie/enrich/topics.py)
    cursor: str | None = None  # "<published, µs since 1970 UTC, or ->.<id>" of the previous page's last row

    def as_params(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if v not in (None, "") and k != "cursor"}
        if self.since is not None:
            out["since"] = self.since.date().isoformat()
        return out


@dataclass
class MentionPage:
    rows: list[dict[str, Any]]
    next_cursor: str | None
    filters: MentionFilter = field(default_factory=MentionFilter)


def _columns() -> list[Any]:
    cols = [M.c.id, M.c.workspace_id, M.c.source_id, M.c.connector, M.c.channel, M.c.url, M.c.title,
            func.substr(M.c.text, 1, EXCERPT).label("text"), M.c.author_handle, M.c.author_name, M.c.outlet,
            M.c.published_at, M.c.collected_at, M.c.language, M.c.reach, M.c.story_id, M.c.topic_id]
    cols += [M.c.sentiment] if rollup.has_sentiment() else [literal(None).label("sentiment")]
    return cols


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _decode_cursor(cursor: str | None) -> tuple[datetime | None, int] | None:
    if not cursor:
        return None
    when, _, ident = cursor.partition(".")
    try:
        return (None if when == "-" else _EPOCH + timedelta(microseconds=int(when))), int(ident)
    except (ValueError, OverflowError):
        raise Problem("error.bad_cursor") from None


def _encode_cursor(row: dict[str, Any]) -> str:
    """URL-safe as it is (digits, a dot, a dash): nothing for a client to encode."""
    when = row["published_at"]
    return f"{(when - _EPOCH) // timedelta(microseconds=1) if when else '-'}.{row['id']}"


def _conditions(store: Any, scope: Scope, f: MentionFilter) -> list[Any]:
    cond: list[Any] = [M.c.workspace_id == scope.workspace_id, scope.mention_clause(M.c.id)]
    if f.watch_id is not None:
        scope.check("watch", f.watch_id)
        cond.append(exists(select(MM.c.mention_id).where(MM.c.mention_id == M.c.id, MM.c.watch_id == f.watch_id)))
    if f.channel:
        cond.append(M.c.channel == f.channel)
    if f.since is not None:
        cond.append(M.c.published_at >= f.since)
    if f.language:
        cond.append(M.c.language == f.language)
    if f.sentiment:
        if f.sentiment == "none":
            cond.append(M.c.sentiment.is_(None) if rollup.has_sentiment() else literal(True))
        elif rollup.has_sentiment():
            cond.append(M.c.sentiment == f.sentiment)
        else:
            cond.append(literal(False))
    if f.source_id is not None:
        cond.append(M.c.source_id == f.source_id)
    if f.story_id is not None:
        cond.append(M.c.story_id == f.story_id)
    if f.topic_id is not None:
        cond.append(M.c.topic_id == f.topic_id)
    if f.tag:
        mt, tg = T.mention_tags, T.tags
        # Tagged and assigned mentions are few: start from them (IN) rather than probing each row.
        cond.append(M.c.id.in_(select(mt.c.mention_id).join(tg, tg.c.id == mt.c.tag_id).where(
            tg.c.workspace_id == scope.workspace_id, tg.c.name == f.tag)))
    if f.assignee is not None:
        a = T.assignments
        cond.append(M.c.id.in_(select(a.c.mention_id).where(
            a.c.workspace_id == scope.workspace_id, a.c.user_id == f.assignee, a.c.status == "open")))
    if f.q:
        cond.append(_full_text(store, f.q))
    return cond


def _full_text(store: Any, q: str) -> Any:
    words = tokens(q)
    if not words:
        return literal(False)
    if store.dialect == "sqlite":
        # Each word quoted so FTS5 operators typed by a user are plain words; the last is a prefix.
        match = (" ".join(f'"{w}"' for w in words[:-1]) + f' "{words[-1]}"*').strip()
        fts = select(text("rowid")).select_from(text("mentions_fts")).where(
            text("mentions_fts MATCH :fts_match").bindparams(fts_match=match))
        # Two plans, picked by how many documents match (reading up to DENSE rowids costs < 1 ms):
        # few matches -> fetch them by id and sort; many -> walk the newest-first index and keep
        # the rows in the match set, which stops after one page. The unary + on the id stops
        # SQLite from choosing the first plan for a word found in a fifth of a million mentions.
        with store.engine.connect() as conn:
            found = conn.execute(select(func.count()).select_from(fts.limit(DENSE).subquery())).scalar_one()
        return (literal_column("+mentions.id") if found >= DENSE else M.c.id).in_(fts)
    tsquery = " & ".join(f"{w}:*" if i == len(words) - 1 else w for i, w in enumerate(words))
    return text("mentions.tsv @@ to_tsquery('simple', :tsq)").bindparams(tsq=tsquery)


def list_mentions(store: Any, scope: Scope, f: MentionFilter, limit: int = PAGE) -> MentionPage:
    """Newest first, ``limit`` per page; the cursor continues after the previous page's last row.

    Keyset pages cost the same at page 1 and page 10,000 (OFFSET would re-read every row before).
    Mentions without a publication date come after all dated ones, newest collected first.
    """
    cond = _conditions(store, scope, f)
    after = _decode_cursor(f.cursor)
    rows: list[dict[str, Any]] = []
    with store.engine.connect() as conn:
        if after is None or after[0] is not None:
            query = select(*_columns()).where(*cond, M.c.published_at.is_not(None))
            if after is not None:
                when = bindparam("after_when", after[0], type_=M.c.published_at.type)
                query = query.where(M.c.published_at <= when,
                                    tuple_(M.c.published_at, M.c.id) < tuple_(when, literal(after[1])))
            query = query.order_by(M.c.published_at.desc(), M.c.id.desc()).limit(limit + 1)
            rows = [dict(r) for r in conn.execute(query).mappings()]
        if len(rows) <= limit:
            query = select(*_columns()).where(*cond, M.c.published_at.is_(None))
            if after is not None and after[0] is None:
                query = query.where(M.c.id < after[1])
            query = query.order_by(M.c.id.desc()).limit(limit + 1 - len(rows))
            rows += [dict(r) for r in conn.execute(query).mappings()]
        more = len(rows) > limit
        rows = rows[:limit]
        for row in rows:
            row["published_at"] = as_utc(row["published_at"])
            row["collected_at"] = as_utc(row["collected_at"])
        _decorate(conn, scope, rows)
    return MentionPage(rows, _encode_cursor(rows[-1]) if more and rows else None, f)


def _decorate(conn: Any, scope: Scope, rows: list[dict[str, Any]]) -> None:
    """Tags, assignment and matching watches for one page of rows, in three queries."""
    ids = [r["id"] for r in rows]
    by_id = {r["id"]: r for r in rows}
    for r in rows:
        r.update(tags=[], watch_ids=[], assignee=None, assignment_status=None)
    if not ids:
        return
    mt, tg, a = T.mention_tags, T.tags, T.assignments
    for mention_id, name in conn.execute(select(mt.c.mention_id, tg.c.name).join(tg, tg.c.id == mt.c.tag_id)
                                         .where(mt.c.mention_id.in_(ids)).order_by(tg.c.name)):
        by_id[mention_id]["tags"].append(name)
    for mention_id, watch_id in conn.execute(select(MM.c.mention_id, MM.c.watch_id).where(MM.c.mention_id.in_(ids))):
        if scope.can_see("watch", watch_id):
            by_id[mention_id]["watch_ids"].append(watch_id)
    for mention_id, user_id, status in conn.execute(select(a.c.mention_id, a.c.user_id, a.c.status).where(
            a.c.mention_id.in_(ids))):
        by_id[mention_id].update(assignee=user_id, assignment_status=status)


def get_mention(store: Any, scope: Scope, mention_id: int) -> dict[str, Any]:
    """One mention with everything about it, or NotFound (also for another team's mention)."""
    mention = store.get_mention(mention_id)
    scope.check_mention(mention)
    assert mention is not None
    mention["watch_ids"] = [w for w in mention["watch_ids"] if scope.can_see("watch", w)]
    mention.setdefault("sentiment", None)
    with store.engine.connect() as conn:
        extra = {k: mention[k] for k in ("watch_ids",)}
        _decorate(conn, scope, [mention])
        mention.update(extra)
        c = corrections_table()
        mention["corrections"] = [dict(r) for r in conn.execute(select(c).where(
            c.c.mention_id == mention_id).order_by(c.c.id.desc()).limit(20)).mappings()]
    return mention


def corrections_table() -> Any:
    from vigie.enrich.tables import sentiment_corrections

    return sentiment_corrections


# -- triage ------------------------------------------------------------------------------------
def _tag_id(conn: Any, workspace_id: int, name: str) -> int:
    name = " ".join(name.split())[:64]
    if not name:
        raise Problem("error.tag_empty")
    found = conn.execute(select(T.tags.c.id).where(T.tags.c.workspace_id == workspace_id,
                                                    T.tags.c.name == name)).scalar()
    if found is not None:
        return int(found)
    return int(conn.execute(insert(T.tags).values(workspace_id=workspace_id, name=name, created_at=_now())
                            .returning(T.tags.c.id)).scalar_one())


def add_tag(store: Any, scope: Scope, mention_ids: list[int], name: str) -> int:
    scope.require("write")
    ids = _visible_ids(store, scope, mention_ids)
    with store.engine.begin() as conn:
        tag_id = _tag_id(conn, scope.workspace_id, name)
        have = set(conn.execute(select(T.mention_tags.c.mention_id).where(
            T.mention_tags.c.tag_id == tag_id, T.mention_tags.c.mention_id.in_(ids))).scalars())
        new = [{"mention_id": i, "tag_id": tag_id, "workspace_id": scope.workspace_id,
                "created_by": scope.user_id, "created_at": _now()} for i in ids if i not in have]
        if new:
            conn.execute(insert(T.mention_tags), new)
    return len(new)


def remove_tag(store: Any, scope: Scope, mention_ids: list[int], name: str) -> int:
    scope.require("write")
    ids = _visible_ids(store, scope, mention_ids)
    with store.engine.begin() as conn:
        tag_id = conn.execute(select(T.tags.c.id).where(T.tags.c.workspace_id == scope.workspace_id,
                                                         T.tags.c.name == name.strip())).scalar()
        if tag_id is None:
            return 0
        return int(conn.execute(delete(T.mention_tags).where(
            T.mention_tags.c.tag_id == tag_id, T.mention_tags.c.mention_id.in_(ids))).rowcount)


def assign(store: Any, scope: Scope, mention_ids: list[int], user_id: int | None, status: str = "open") -> int:
    """Assign mentions to a member (None clears); status "done" marks the follow-up finished."""
    scope.require("write")
    if status not in ("open", "done"):
        raise Problem("error.bad_status")
    ids = _visible_ids(store, scope, mention_ids)
    a = T.assignments
    with store.engine.begin() as conn:
        if user_id is not None and conn.execute(select(T.memberships.c.user_id).where(
                T.memberships.c.user_id == user_id, T.memberships.c.workspace_id == scope.workspace_id)).first() is None:
            raise Problem("error.not_member")
        conn.execute(delete(a).where(a.c.mention_id.in_(ids)))
        if user_id is not None:
            now = _now()
            conn.execute(insert(a), [{"mention_id": i, "workspace_id": scope.workspace_id, "user_id": user_id,
                                      "assigned_by": scope.user_id, "status": status, "created_at": now,
                                      "updated_at": now} for i in ids])
    return len(ids)


def finish(store: Any, scope: Scope, mention_ids: list[int]) -> int:
    """Mark the follow-up of assigned mentions as done (unassigned ones are left alone)."""
    scope.require("write")
    ids = _visible_ids(store, scope, mention_ids)
    a = T.assignments
    with store.engine.begin() as conn:
        return int(conn.execute(update(a).where(a.c.mention_id.in_(ids)).values(
            status="done", updated_at=_now())).rowcount)


def correct_sentiment(store: Any, scope: Scope, workspace: dict[str, Any], mention_ids: list[int],
                      sentiment: str) -> int:
    """Record a person's sentiment through vigie.enrich.corrections (it keeps what the model said,
    for retraining, and shows the person's label at once), then move the overview's counts."""
    from vigie.enrich.corrections import record_correction

    scope.require("write")
    if sentiment not in SENTIMENTS:
        raise Problem("error.bad_sentiment", known=", ".join(SENTIMENTS))
    changed = 0
    for mention_id in _visible_ids(store, scope, mention_ids):
        with store.engine.connect() as conn:
            row = dict(conn.execute(select(M.c.id, M.c.channel, M.c.published_at, M.c.collected_at, M.c.sentiment)
                                    .where(M.c.id == mention_id)).mappings().one())
            row["watch_ids"] = list(conn.execute(select(MM.c.watch_id).where(MM.c.mention_id == mention_id)).scalars())
        if row["sentiment"] == sentiment:
            continue
        record_correction(store, scope.workspace_id, mention_id, sentiment, user=scope.actor)
        # NOTE: a separate transaction from the correction; if the process dies in between, the
        # periodic check (rollup.verify) sees the totals disagree and recounts.
        with store.engine.begin() as conn:
            rollup.move_sentiment(conn, workspace, row, row["sentiment"], sentiment)
        changed += 1
    return changed


def _visible_ids(store: Any, scope: Scope, mention_ids: list[int]) -> list[int]:
    """The given ids that exist in this workspace and the scope may see; NotFound if none."""
    wanted = sorted({int(i) for i in mention_ids})[:1000]
    if not wanted:
        raise NotFound("error.not_found")
    with store.engine.connect() as conn:
        found = list(conn.execute(select(M.c.id).where(
            M.c.id.in_(wanted), M.c.workspace_id == scope.workspace_id, scope.mention_clause(M.c.id))).scalars())
    if len(found) != len(wanted):
        raise NotFound("error.not_found")
    return found


def list_tags(store: Any, workspace_id: int) -> list[str]:
    with store.engine.connect() as conn:
        return list(conn.execute(select(T.tags.c.name).where(T.tags.c.workspace_id == workspace_id)
                                 .order_by(T.tags.c.name)).scalars())
