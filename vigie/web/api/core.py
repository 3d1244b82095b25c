"""API: who am I, the overview numbers, watches (with preview) and sources. See docs/api.md"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from vigie.exceptions import QuerySyntaxError
from vigie.web import directory
from vigie.web.context import ApiCtx
from vigie.web.directory import WATCH_KINDS
from vigie.web.errors import Problem
from vigie.web.overview import PERIODS, overview
from vigie.web.views.sources import get_source, list_sources
from vigie.web.views.watches import get_watch, visible_watches

router = APIRouter(tags=["core"])


class Me(BaseModel):
    user_id: int
    email: str
    name: str
    workspace_id: int
    workspace: str
    role: str
    restricted: bool = Field(description="True for an agency member: only shared objects are visible")
    token_scopes: list[str] | None = None


class Watch(BaseModel):
    id: int
    name: str
    query: str
    kind: str
    languages: list[str]
    channels: list[str]
    active: bool
    matches: int = 0


class WatchIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    query: str = Field(min_length=1)
    kind: str = Field("brand", description="brand, competitor or topic")
    languages: list[str] = []
    channels: list[str] = []


class Preview(BaseModel):
    query: str


class Overview(BaseModel):
    period_days: int
    days: list[date]
    total: int
    negative: int
    analysed: int
    volume: list[int]
    sentiment: dict[str, list[int]] = Field(description='per sentiment ("" = not analysed), per day')
    channels: dict[str, int]
    share_of_voice: list[dict[str, Any]]
    top_stories: list[dict[str, Any]]
    reputation: dict[str, Any] | None


class Source(BaseModel):
    id: int
    name: str
    connector: str
    enabled: bool
    status: str
    health: str
    status_message: str | None
    last_success_at: datetime | None
    last_error_at: datetime | None
    items_seen: int
    items_new: int
    items_duplicate: int
    items_rejected: int


def _watch(row: dict[str, Any]) -> Watch:
    return Watch.model_validate({**row, "matches": row.get("matches", 0)})


@router.get("/me", response_model=Me, summary="The caller: user, workspace, role and restrictions")
def me(ctx: ApiCtx) -> Me:
    return Me(user_id=ctx.user["id"], email=ctx.user["email"], name=ctx.user["name"],
              workspace_id=ctx.scope.workspace_id, workspace=ctx.workspace["slug"], role=ctx.scope.role,
              restricted=ctx.scope.restricted,
              token_scopes=sorted(ctx.scope.token_scopes) if ctx.scope.token_scopes is not None else None)


@router.get("/overview", response_model=Overview, summary="Volume, sentiment, share of voice, channels, stories")
def get_overview(days: int = Query(30, description=f"one of {PERIODS}"), watch: int | None = None,
                 *, ctx: ApiCtx) -> Overview:
    ctx.scope.require("read")
    if days not in PERIODS:
        raise Problem("error.bad_period", known=", ".join(map(str, PERIODS)))
    data = overview(ctx.store, ctx.scope, ctx.workspace, days=days, watch_id=watch)
    return Overview(
        period_days=days, days=data["days"], total=data["total"], negative=data["negative"],
        analysed=data["analysed"], volume=data["volume"], sentiment=data["sentiment"],
        channels=dict(data["channels"]),
        share_of_voice=[{"watch_id": w["id"], "name": w["name"], "kind": w["kind"], "mentions": n}
                        for w, n, _days in data["voice"]],
        top_stories=[{k: s[k] for k in ("id", "label", "size", "first_seen", "last_seen")} for s in data["stories"]],
        reputation=data["reputation"])


@router.get("/watches", response_model=list[Watch], summary="Watches the caller may see, with match counts")
def watches(ctx: ApiCtx) -> list[Watch]:
    ctx.scope.require("read")
    return [_watch(w) for w in visible_watches(ctx)]


@router.get("/watches/{watch_id}", response_model=Watch)
def watch(watch_id: int, *, ctx: ApiCtx) -> Watch:
    ctx.scope.require("read")
    return _watch(get_watch(ctx, watch_id))


@router.post("/watches", response_model=Watch, status_code=201, summary="Add a watch (editors)")
def add_watch(body: WatchIn, *, ctx: ApiCtx) -> Watch:
    ctx.scope.require("write")
    ctx.scope.require_unrestricted()
    if body.kind not in WATCH_KINDS:
        raise Problem("error.bad_watch_kind")
    try:
        row = ctx.store.add_watch(ctx.scope.workspace_id, body.name, body.query, body.languages, body.channels,
                                  body.kind)
    except QuerySyntaxError as exc:
        raise Problem("error.bad_query", message=exc.message, position=exc.position + 1) from None
    ctx.audit("watch.create", "watch", row["id"], {"name": row["name"], "query": row["query"]})
    return _watch(row)


@router.post("/watches/preview", summary="Which recent mentions a query would match")
def preview(body: Preview, *, ctx: ApiCtx) -> dict[str, Any]:
    ctx.scope.require("read")
    ctx.scope.require_unrestricted()
    result = directory.preview(ctx.store, ctx.scope.workspace_id, body.query)
    result["hits"] = [{k: h[k] for k in ("id", "title", "url", "published_at", "channel")} for h in result["hits"]]
    return result


@router.get("/sources", response_model=list[Source], summary="Sources and their health (not for agencies)")
def sources(ctx: ApiCtx) -> list[Source]:
    ctx.scope.require("read")
    return [Source(**s) for s in list_sources(ctx)]


@router.get("/sources/{source_id}", response_model=Source)
def source(source_id: int, *, ctx: ApiCtx) -> Source:
    ctx.scope.require("read")
    return Source(**get_source(ctx, source_id))
