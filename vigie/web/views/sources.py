"""Sources and their health: last success, last error, counters, recent runs and rejected items.
See docs/web.md"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from vigie.store import schema
from vigie.store.mentions import as_utc
from vigie.web.context import Ctx, PageCtx
from vigie.web.errors import NotFound
from vigie.web.nav import Nav, NavItem

router = APIRouter(include_in_schema=False)


def register(nav: Nav) -> None:
    nav.add(NavItem("sources", "nav.sources", "/sources", "listen", order=40, unrestricted=True))


def health(source: dict[str, Any], default_interval: float) -> str:
    """ok, late (no success for three intervals), error, disabled or new."""
    if not source["enabled"] or source["status"] == "disabled":
        return "disabled"
    if source["status"] == "error":
        return "error"
    last = as_utc(source["last_success_at"])
    if last is None:
        return "new"
    every = float(source["interval_s"] or default_interval)
    return "late" if datetime.now(UTC) - last > timedelta(seconds=3 * every) else "ok"


def list_sources(ctx: Ctx) -> list[dict[str, Any]]:
    ctx.scope.require_unrestricted()
    interval = float(ctx.web.vigie.settings["fetch_interval"])
    rows = ctx.store.list_sources(ctx.scope.workspace_id)
    for row in rows:
        row["health"] = health(row, interval)
        for key in ("last_run_at", "last_success_at", "last_error_at"):
            row[key] = as_utc(row[key])
        row.pop("config", None)  # may hold references to secrets; never sent to the browser
        row.pop("cursor", None)
    return rows


def get_source(ctx: Ctx, source_id: int) -> dict[str, Any]:
    for row in list_sources(ctx):
        if row["id"] == source_id:
            return row
    raise NotFound("error.not_found")


@router.get("/sources", response_class=HTMLResponse)
def source_list(ctx: PageCtx) -> HTMLResponse:
    return ctx.render("sources.html", sources=list_sources(ctx))


@router.get("/sources/{source_id}", response_class=HTMLResponse)
def source_page(source_id: int, *, ctx: PageCtx) -> HTMLResponse:
    source = get_source(ctx, source_id)
    r = schema.fetch_runs
    with ctx.store.engine.connect() as conn:
        runs = [dict(x) for x in conn.execute(select(r).where(r.c.source_id == source_id)
                                              .order_by(r.c.id.desc()).limit(20)).mappings()]
    for run in runs:
        run["started_at"], run["finished_at"] = as_utc(run["started_at"]), as_utc(run["finished_at"])
    rejections = ctx.store.list_rejections(ctx.scope.workspace_id, source_id=source_id, limit=20)
    for rej in rejections:
        rej["created_at"] = as_utc(rej["created_at"])
    return ctx.render("source.html", source=source, runs=runs, rejections=rejections,
                      can_admin=ctx.scope.allows("admin"))


@router.post("/sources/{source_id}/enabled")
def toggle_source(source_id: int, enabled: str = Form(""), *, ctx: PageCtx) -> Response:
    ctx.scope.require("admin")
    get_source(ctx, source_id)
    ctx.store.update_source(source_id, enabled=bool(enabled))
    ctx.audit("source.enable" if enabled else "source.disable", "source", source_id)
    return ctx.redirect(f"/sources/{source_id}", done="source_saved")
