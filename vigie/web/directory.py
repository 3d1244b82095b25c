"""Members, teams and shares of a workspace, plus watch edits and the query preview. See docs/access.md"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update

from vigie.exceptions import QuerySyntaxError
from vigie.store import schema
from vigie.web import tables as T
from vigie.web.access import SHAREABLE
from vigie.web.auth import TEAM_KINDS
from vigie.web.errors import NotFound, Problem

WATCH_KINDS: tuple[str, ...] = ("brand", "competitor", "topic")


def _now() -> datetime:
    return datetime.now(UTC)


def members(store: Any, workspace_id: int) -> list[dict[str, Any]]:
    u, m, tm, t = T.users, T.memberships, T.team_members, T.teams
    with store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(select(u.c.id, u.c.email, u.c.name, u.c.active, u.c.last_login_at,
                                                     m.c.role).join(m, m.c.user_id == u.c.id)
                                              .where(m.c.workspace_id == workspace_id).order_by(u.c.name)).mappings()]
        teams_of: dict[int, list[str]] = {}
        for user_id, name in conn.execute(select(tm.c.user_id, t.c.name).join(t, t.c.id == tm.c.team_id).where(
                t.c.workspace_id == workspace_id)):
            teams_of.setdefault(user_id, []).append(name)
    for row in rows:
        row["teams"] = teams_of.get(row["id"], [])
    return rows


def teams(store: Any, workspace_id: int) -> list[dict[str, Any]]:
    t, tm, s = T.teams, T.team_members, T.shares
    with store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(select(t).where(t.c.workspace_id == workspace_id)
                                              .order_by(t.c.name)).mappings()]
        sizes = dict(conn.execute(select(tm.c.team_id, func.count()).where(tm.c.workspace_id == workspace_id)
                                  .group_by(tm.c.team_id)).all())
        shared = dict(conn.execute(select(s.c.team_id, func.count()).where(s.c.workspace_id == workspace_id)
                                   .group_by(s.c.team_id)).all())
    for row in rows:
        row["members"], row["shares"] = sizes.get(row["id"], 0), shared.get(row["id"], 0)
    return rows


def get_team(store: Any, workspace_id: int, team_id: int) -> dict[str, Any]:
    t, tm, s = T.teams, T.team_members, T.shares
    with store.engine.connect() as conn:
        row = conn.execute(select(t).where(t.c.id == team_id, t.c.workspace_id == workspace_id)).mappings().first()
        if row is None:
            raise NotFound("error.not_found")
        team = dict(row)
        team["member_ids"] = set(conn.execute(select(tm.c.user_id).where(tm.c.team_id == team_id)).scalars())
        team["shares"] = {(k, int(i)) for k, i in conn.execute(select(s.c.object_type, s.c.object_id).where(
            s.c.team_id == team_id))}
    return team


def create_team(store: Any, workspace_id: int, name: str, kind: str) -> int:
    if kind not in TEAM_KINDS:
        raise Problem("error.bad_team_kind")
    name = " ".join(name.split())[:200]
    if not name:
        raise Problem("error.name_required")
    with store.engine.begin() as conn:
        if conn.execute(select(T.teams.c.id).where(T.teams.c.workspace_id == workspace_id,
                                                    T.teams.c.name == name)).first():
            raise Problem("error.team_exists")
        return int(conn.execute(insert(T.teams).values(workspace_id=workspace_id, name=name, kind=kind,
                                                       created_at=_now()).returning(T.teams.c.id)).scalar_one())


def delete_team(store: Any, workspace_id: int, team_id: int) -> None:
    get_team(store, workspace_id, team_id)
    with store.engine.begin() as conn:
        conn.execute(delete(T.teams).where(T.teams.c.id == team_id))


def set_team_members(store: Any, workspace_id: int, team_id: int, user_ids: set[int]) -> None:
    """Replace the team's members. Agency members must be editors or viewers: an administrator in
    an agency would see everything anyway, which is not what sharing promises."""
    team = get_team(store, workspace_id, team_id)
    m = T.memberships
    with store.engine.begin() as conn:
        roles = dict(conn.execute(select(m.c.user_id, m.c.role).where(
            m.c.workspace_id == workspace_id, m.c.user_id.in_(sorted(user_ids)))).all())
        if set(roles) != user_ids:
            raise Problem("error.not_member")
        if team["kind"] == "agency" and any(r in ("admin", "owner") for r in roles.values()):
            raise Problem("error.agency_role")
        conn.execute(delete(T.team_members).where(T.team_members.c.team_id == team_id))
        if user_ids:
            conn.execute(insert(T.team_members), [{"team_id": team_id, "user_id": u, "workspace_id": workspace_id,
                                                   "created_at": _now()} for u in sorted(user_ids)])


def set_team_shares(store: Any, workspace_id: int, team_id: int, object_type: str, ids: set[int],
                    valid_ids: set[int], by: int | None) -> None:
    """Replace what of one kind is shared with a team; ids must exist in this workspace."""
    if object_type not in SHAREABLE:
        raise Problem("error.bad_share")
    if not ids <= valid_ids:
        raise NotFound("error.not_found")
    get_team(store, workspace_id, team_id)
    s = T.shares
    with store.engine.begin() as conn:
        conn.execute(delete(s).where(s.c.team_id == team_id, s.c.object_type == object_type))
        if ids:
            conn.execute(insert(s), [{"team_id": team_id, "object_type": object_type, "object_id": i,
                                      "workspace_id": workspace_id, "created_by": by, "created_at": _now()}
                                     for i in sorted(ids)])


def shared_with(store: Any, workspace_id: int, object_type: str, object_id: int) -> list[str]:
    t, s = T.teams, T.shares
    with store.engine.connect() as conn:
        return list(conn.execute(select(t.c.name).join(s, s.c.team_id == t.c.id).where(
            s.c.workspace_id == workspace_id, s.c.object_type == object_type, s.c.object_id == object_id)
            .order_by(t.c.name)).scalars())


# -- watches ---------------------------------------------------------------------------------
def update_watch(store: Any, workspace_id: int, watch_id: int, **values: Any) -> dict[str, Any]:
    """Edit a watch. NOTE: mentions are matched when they arrive; a new query applies from now on."""
    from vigie.query import parse

    w = schema.watches
    allowed = {"name", "query", "kind", "active", "languages", "channels"}
    if set(values) - allowed:
        raise ValueError(f"cannot change {sorted(set(values) - allowed)}")
    if "query" in values:
        parse(values["query"])
    if values.get("kind", "brand") not in WATCH_KINDS:
        raise Problem("error.bad_watch_kind")
    with store.engine.begin() as conn:
        found = conn.execute(update(w).where(w.c.id == watch_id, w.c.workspace_id == workspace_id)
                             .values(**values)).rowcount
    if not found:
        raise NotFound("error.not_found")
    return store.get_watch(watch_id)


def preview(store: Any, workspace_id: int, query: str, *, scan: int = 5000, limit: int = 20,
            budget_s: float = 0.5) -> dict[str, Any]:
    """Which of the most recent mentions a query would match: at most ``scan`` mentions or
    ``budget_s`` seconds, so a preview never ties up the server."""
    from vigie.query import Doc, compile_query

    try:
        compiled = compile_query(query)
    except QuerySyntaxError as exc:
        return {"error": exc.message, "position": exc.position, "pointer": exc.pointer(), "hits": [],
                "scanned": 0, "matched": 0}
    m = schema.mentions
    started = time.monotonic()
    hits: list[dict[str, Any]] = []
    scanned = matched = 0
    exhausted = False
    cols = (m.c.id, m.c.title, m.c.text, m.c.url, m.c.author_handle, m.c.author_name, m.c.language,
            m.c.published_at, m.c.channel)
    last: tuple[Any, int] | None = None
    with store.engine.connect() as conn:
        while scanned < scan and time.monotonic() - started < budget_s:
            q = select(*cols).where(m.c.workspace_id == workspace_id, m.c.published_at.is_not(None))
            if last is not None:
                q = q.where(m.c.published_at <= last[0], (m.c.published_at < last[0]) | (m.c.id < last[1]))
            rows = conn.execute(q.order_by(m.c.published_at.desc(), m.c.id.desc()).limit(500)).mappings().all()
            if len(rows) < 500:
                exhausted = True
            if not rows:
                break
            last = (rows[-1]["published_at"], rows[-1]["id"])
            for row in rows:
                scanned += 1
                body = f"{row['title']}\n{row['text']}" if row["title"] and row["text"] else (row["title"] or row["text"] or "")
                doc = Doc.build(body, url=row["url"], author=row["author_handle"], author_name=row["author_name"],
                                language=row["language"])
                if compiled.matches(doc):
                    matched += 1
                    if len(hits) < limit:
                        hits.append(dict(row))
            if exhausted:
                break
    return {"error": None, "hits": hits, "scanned": scanned, "matched": matched, "complete": exhausted}
