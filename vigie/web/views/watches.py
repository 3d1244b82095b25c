"""Watches: the list with match counts, one watch, adding and editing with a live query preview.
See docs/web.md"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, Response

from vigie.exceptions import QuerySyntaxError
from vigie.items import Channel
from vigie.web import directory, rollup
from vigie.web.context import Ctx, PageCtx
from vigie.web.directory import WATCH_KINDS
from vigie.web.errors import NotFound, Problem
from vigie.web.nav import Nav, NavItem

router = APIRouter(include_in_schema=False)


def register(nav: Nav) -> None:
    nav.add(NavItem("watches", "nav.watches", "/watches", "listen", order=30))


def visible_watches(ctx: Ctx) -> list[dict[str, Any]]:
    rollup.refresh(ctx.store, ctx.workspace)
    totals = rollup.watch_totals(ctx.store, ctx.scope.workspace_id)
    rows = [w for w in ctx.store.list_watches(ctx.scope.workspace_id) if ctx.scope.can_see("watch", w["id"])]
    for w in rows:
        w["matches"] = totals.get(w["id"], 0)
    return rows


def get_watch(ctx: Ctx, watch_id: int) -> dict[str, Any]:
    ctx.scope.check("watch", watch_id)
    try:
        watch = ctx.store.get_watch(watch_id)
    except Exception:  # the store raises BadRequest for an unknown id
        raise NotFound("error.not_found") from None
    if watch["workspace_id"] != ctx.scope.workspace_id:
        raise NotFound("error.not_found")
    return watch


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.replace(";", ",").split(",") if v.strip()]


def _form_values(name: str, query: str, kind: str, languages: str, channels: str) -> dict[str, Any]:
    if not name.strip():
        raise Problem("error.name_required")
    if kind not in WATCH_KINDS:
        raise Problem("error.bad_watch_kind")
    try:
        channel_list = [Channel.parse(c).value for c in _split(channels)]
    except ValueError:
        raise Problem("error.bad_channel", known=", ".join(c.value for c in Channel)) from None
    return {"name": name.strip()[:200], "query": query.strip(), "kind": kind,
            "languages": [x.lower()[:8] for x in _split(languages)], "channels": channel_list}


@router.get("/watches", response_class=HTMLResponse)
def watch_list(ctx: PageCtx) -> HTMLResponse:
    return ctx.render("watches.html", watches=visible_watches(ctx), kinds=WATCH_KINDS,
                      can_edit=ctx.scope.allows("write") and not ctx.scope.restricted)


@router.get("/watches/new", response_class=HTMLResponse)
def new_watch(ctx: PageCtx) -> HTMLResponse:
    ctx.scope.require("write")
    ctx.scope.require_unrestricted()
    return ctx.render("watch_form.html", watch=None, kinds=WATCH_KINDS, error=None)


@router.post("/watches")
def create_watch(name: str = Form(""), query: str = Form(""), kind: str = Form("brand"),
                 languages: str = Form(""), channels: str = Form(""), *, ctx: PageCtx) -> Response:
    ctx.scope.require("write")
    ctx.scope.require_unrestricted()
    values = _form_values(name, query, kind, languages, channels)
    try:
        row = ctx.store.add_watch(ctx.scope.workspace_id, values["name"], values["query"], values["languages"],
                                  values["channels"], values["kind"])
    except QuerySyntaxError as exc:
        return ctx.render("watch_form.html", status=400, watch=values, kinds=WATCH_KINDS, error=exc)
    except Exception as exc:  # the name is taken (unique constraint)
        if "unique" not in str(exc).lower():
            raise
        raise Problem("error.watch_exists") from None
    ctx.audit("watch.create", "watch", row["id"], {"name": row["name"], "query": row["query"]})
    return ctx.redirect(f"/watches/{row['id']}", done="watch_saved")


@router.post("/watches/preview", response_class=HTMLResponse)
def watch_preview(query: str = Form(""), *, ctx: PageCtx) -> HTMLResponse:
    """The mentions a query would have matched among the most recent ones (HTMX fragment or page)."""
    ctx.scope.require_unrestricted()
    result = directory.preview(ctx.store, ctx.scope.workspace_id, query) if query.strip() else None
    template = "_watch_preview.html" if ctx.htmx else "watch_preview.html"
    return ctx.render(template, preview=result, query=query)


@router.get("/watches/{watch_id}", response_class=HTMLResponse)
def watch_page(watch_id: int, *, ctx: PageCtx) -> HTMLResponse:
    watch = get_watch(ctx, watch_id)
    watch["matches"] = rollup.watch_totals(ctx.store, ctx.scope.workspace_id).get(watch_id, 0)
    shared = [] if ctx.scope.restricted else directory.shared_with(ctx.store, ctx.scope.workspace_id, "watch", watch_id)
    return ctx.render("watch.html", watch=watch, kinds=WATCH_KINDS, shared=shared, error=None,
                      can_edit=ctx.scope.allows("write") and not ctx.scope.restricted)


@router.post("/watches/{watch_id}")
def edit_watch(watch_id: int, name: str = Form(""), query: str = Form(""), kind: str = Form("brand"),
               languages: str = Form(""), channels: str = Form(""), active: str = Form(""),
               *, ctx: PageCtx) -> Response:
    ctx.scope.require("write")
    ctx.scope.require_unrestricted()
    get_watch(ctx, watch_id)
    values = _form_values(name, query, kind, languages, channels)
    try:
        directory.update_watch(ctx.store, ctx.scope.workspace_id, watch_id, active=bool(active), **values)
    except QuerySyntaxError as exc:
        watch = {**get_watch(ctx, watch_id), **values, "matches": 0}
        return ctx.render("watch.html", status=400, watch=watch, kinds=WATCH_KINDS, shared=[], error=exc,
                          can_edit=True)
    ctx.audit("watch.update", "watch", watch_id, values)
    return ctx.redirect(f"/watches/{watch_id}", done="watch_saved")
