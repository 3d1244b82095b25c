"""The mention stream, full-text search, one mention, and triage: tags, assignment, sentiment
corrections and bulk actions. See docs/web.md"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from vigie.web import mentions as mq
from vigie.web import overview as ov
from vigie.web import tables as T
from vigie.web.context import Ctx, PageCtx
from vigie.web.errors import Problem
from vigie.web.nav import Nav, NavItem

router = APIRouter(include_in_schema=False)
BULK_ACTIONS = ("tag", "untag", "assign", "unassign", "done", "sentiment")


def register(nav: Nav) -> None:
    nav.add(NavItem("mentions", "nav.mentions", "/mentions", "listen", order=10))
    nav.add(NavItem("search", "nav.search", "/search", "listen", order=20))


def _int(value: str | None) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise Problem("error.bad_number", value=value) from None


def parse_filter(ctx: Ctx, params: Any) -> mq.MentionFilter:
    """Query-string filters shared by the page, the search page and the API."""
    since = None
    if params.get("since"):
        try:
            day = date.fromisoformat(str(params["since"])[:10])
        except ValueError:
            raise Problem("error.bad_since") from None
        since = datetime.combine(day, time.min, tzinfo=ctx.tr.tz)  # the user's midnight
    channel = params.get("channel") or None
    if channel and channel not in mq.CHANNELS:
        raise Problem("error.bad_channel", known=", ".join(mq.CHANNELS))
    sentiment = params.get("sentiment") or None
    if sentiment and sentiment not in (*mq.SENTIMENTS, "none"):
        raise Problem("error.bad_sentiment", known=", ".join(mq.SENTIMENTS))
    assignee = params.get("assignee") or None
    return mq.MentionFilter(
        watch_id=_int(params.get("watch")), channel=channel, since=since, language=params.get("language") or None,
        sentiment=sentiment, q=(params.get("q") or "").strip()[:200] or None, tag=params.get("tag") or None,
        assignee=ctx.user["id"] if assignee == "me" else _int(assignee), source_id=_int(params.get("source_id")),
        story_id=_int(params.get("story_id")), topic_id=_int(params.get("topic_id")),
        cursor=params.get("cursor") or None)


def lookups(ctx: Ctx) -> dict[str, Any]:
    """Names the mention rows refer to by id: watches, members; plus the workspace's tags."""
    watches = [w for w in ctx.store.list_watches(ctx.scope.workspace_id) if ctx.scope.can_see("watch", w["id"])]
    m, u = T.memberships, T.users
    with ctx.store.engine.connect() as conn:
        members = [dict(r) for r in conn.execute(select(u.c.id, u.c.name).join(m, m.c.user_id == u.c.id).where(
            m.c.workspace_id == ctx.scope.workspace_id).order_by(u.c.name)).mappings()]
    tags = mq.list_tags(ctx.store, ctx.scope.workspace_id)
    _ = ctx.tr
    options = {
        "watches": [(w["id"], w["name"]) for w in watches],
        "channels": [(c, _(f"channel.{c}")) for c in mq.CHANNELS],
        "sentiments": [(s, _(f"sentiment.{s}")) for s in (*mq.SENTIMENTS, "none")],
        "tags": [(t, t) for t in tags],
        "members": [("me", _("filter.me"))] + [(x["id"], x["name"]) for x in members],
    }
    return {"watches": watches, "watch_names": {w["id"]: w["name"] for w in watches}, "members": members,
            "member_names": {x["id"]: x["name"] for x in members}, "tags": tags, "options": options,
            "sentiments": mq.SENTIMENTS, "can_write": ctx.scope.allows("write")}


def _list_response(ctx: Ctx, template: str, path: str) -> HTMLResponse:
    f = parse_filter(ctx, ctx.request.query_params)
    page = mq.list_mentions(ctx.store, ctx.scope, f) if (path != "/search" or f.q) else mq.MentionPage([], None, f)
    values = {"page": page, "f": f, "path": path, **lookups(ctx)}
    if ctx.htmx and ctx.request.headers.get("HX-Target") == "results":
        return ctx.render("_mention_list.html", **values)
    return ctx.render(template, **values)


@router.get("/mentions", response_class=HTMLResponse)
def mention_stream(ctx: PageCtx) -> HTMLResponse:
    return _list_response(ctx, "mentions.html", "/mentions")


@router.get("/search", response_class=HTMLResponse)
def search_page(ctx: PageCtx) -> HTMLResponse:
    return _list_response(ctx, "search.html", "/search")


@router.get("/search/rankings", response_class=HTMLResponse)
def rankings(ctx: PageCtx) -> HTMLResponse:
    ctx.scope.require_unrestricted()
    return ctx.render("rankings.html", reputation=ov.reputation(ctx.store, ctx.scope.workspace_id))


@router.get("/mentions/{mention_id}", response_class=HTMLResponse)
def mention_page(mention_id: int, *, ctx: PageCtx) -> HTMLResponse:
    mention = mq.get_mention(ctx.store, ctx.scope, mention_id)
    return ctx.render("mention.html", m=mention, **lookups(ctx))


def _after_change(ctx: Ctx, mention_id: int, done: str) -> Response:
    """HTMX gets the refreshed row; a plain form post goes back where it came from."""
    if ctx.htmx:
        mention = mq.get_mention(ctx.store, ctx.scope, mention_id)
        return ctx.render("_mention_row.html", m=mention, **lookups(ctx))
    return ctx.redirect(f"/mentions/{mention_id}", done=done)


@router.post("/mentions/{mention_id}/sentiment")
def correct_sentiment(mention_id: int, sentiment: str = Form(...), *, ctx: PageCtx) -> Response:
    changed = mq.correct_sentiment(ctx.store, ctx.scope, ctx.workspace, [mention_id], sentiment)
    if changed:
        ctx.audit("mention.sentiment", "mention", mention_id, {"sentiment": sentiment})
    return _after_change(ctx, mention_id, "sentiment")


@router.post("/mentions/{mention_id}/tags")
def add_tag(mention_id: int, tag: str = Form(...), *, ctx: PageCtx) -> Response:
    mq.add_tag(ctx.store, ctx.scope, [mention_id], tag)
    ctx.audit("mention.tag", "mention", mention_id, {"tag": tag})
    return _after_change(ctx, mention_id, "tagged")


@router.post("/mentions/{mention_id}/tags/remove")
def remove_tag(mention_id: int, tag: str = Form(...), *, ctx: PageCtx) -> Response:
    mq.remove_tag(ctx.store, ctx.scope, [mention_id], tag)
    ctx.audit("mention.untag", "mention", mention_id, {"tag": tag})
    return _after_change(ctx, mention_id, "untagged")


@router.post("/mentions/{mention_id}/assign")
def assign(mention_id: int, user_id: str = Form(""), status: str = Form("open"),
           *, ctx: PageCtx) -> Response:
    mq.assign(ctx.store, ctx.scope, [mention_id], _int(user_id), status)
    ctx.audit("mention.assign", "mention", mention_id, {"user_id": _int(user_id), "status": status})
    return _after_change(ctx, mention_id, "assigned")


@router.post("/mentions/bulk")
async def bulk(ctx: PageCtx) -> Response:
    form = await ctx.request.form()
    ids = [i for i in (_int(str(v)) for v in form.getlist("ids")) if i is not None]
    action, value = str(form.get("action") or ""), str(form.get("value") or "").strip()
    if not ids:
        raise Problem("error.none_selected")
    if action not in BULK_ACTIONS:
        raise Problem("error.bad_action")
    n = apply_bulk(ctx, ids, action, value)
    ctx.audit(f"mention.bulk.{action}", "mention", None, {"ids": ids[:200], "value": value, "count": n})
    return ctx.redirect("/mentions", done="bulk")


def apply_bulk(ctx: Ctx, ids: list[int], action: str, value: str) -> int:
    """One action on many mentions (shared with the API)."""
    store, scope = ctx.store, ctx.scope
    if action == "tag":
        return mq.add_tag(store, scope, ids, value)
    if action == "untag":
        return mq.remove_tag(store, scope, ids, value)
    if action == "assign":
        return mq.assign(store, scope, ids, _int(value) if value != "me" else ctx.user["id"])
    if action == "unassign":
        return mq.assign(store, scope, ids, None)
    if action == "done":
        return mq.finish(store, scope, ids)
    return mq.correct_sentiment(store, scope, ctx.workspace, ids, value)
