"""Alerts (with their explanation, acknowledgement, and opening an incident) and alert rules, from
vigie.signals. See docs/web.md"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from vigie.web.context import Ctx, PageCtx
from vigie.web.errors import NotFound, Problem
from vigie.web.nav import Nav, NavItem

router = APIRouter(include_in_schema=False)
STATUSES = ("open", "acknowledged", "digest", "suppressed")
PAGE = 50


def register(nav: Nav) -> None:
    nav.add(NavItem("alerts", "nav.alerts", "/alerts", "warn", order=0))
    nav.add(NavItem("rules", "nav.rules", "/alerts/rules", "warn", order=10, unrestricted=True))


def _table() -> Any:
    from vigie.signals.tables import alerts

    return alerts


def list_alerts(ctx: Ctx, status: str | None = None, watch_id: int | None = None,
                before: int | None = None, limit: int = PAGE) -> list[dict[str, Any]]:
    """Newest first, keyset by id. An agency sees the alerts about its shared watches only."""
    from vigie.store.mentions import as_utc

    a = _table()
    query = select(a).where(a.c.workspace_id == ctx.scope.workspace_id, ctx.scope.clause("watch", a.c.watch_id))
    if status:
        if status not in STATUSES:
            raise Problem("error.bad_status")
        query = query.where(a.c.status == status)
    if watch_id is not None:
        query = query.where(a.c.watch_id == watch_id)
    if before is not None:
        query = query.where(a.c.id < before)
    with ctx.store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(query.order_by(a.c.id.desc()).limit(limit)).mappings()]
    for row in rows:
        for key in ("created_at", "updated_at", "acknowledged_at"):
            row[key] = as_utc(row.get(key))
    return rows


def get_alert(ctx: Ctx, alert_id: int) -> dict[str, Any]:
    from vigie.signals.alerts import AlertBook

    try:
        alert = AlertBook(ctx.store, ctx.workspace).get(alert_id)
    except Exception:  # BadRequest for an unknown id or another workspace's
        raise NotFound("error.not_found") from None
    if alert.get("watch_id") is None and ctx.scope.restricted:
        raise NotFound("error.not_found")
    if alert.get("watch_id") is not None:
        ctx.scope.check("watch", alert["watch_id"])
    return alert


def explanation(ctx: Ctx, alert: dict[str, Any]) -> list[str]:
    from vigie.signals.explain import render_lines

    return render_lines(alert, ctx.tr.language)


@router.get("/alerts", response_class=HTMLResponse)
def alert_list(ctx: PageCtx) -> HTMLResponse:
    params = ctx.request.query_params
    status = params.get("status") or None
    before = params.get("before")
    rows = list_alerts(ctx, status, before=int(before) if before and before.isdigit() else None)
    watches = {w["id"]: w["name"] for w in ctx.store.list_watches(ctx.scope.workspace_id)}
    return ctx.render("alerts.html", alerts=rows, selected=status, statuses=STATUSES, watch_names=watches,
                      next_before=rows[-1]["id"] if len(rows) == PAGE else None)


@router.get("/alerts/rules", response_class=HTMLResponse)
def rule_list(ctx: PageCtx) -> HTMLResponse:
    from vigie.signals.rules import KINDS, SEVERITIES, list_rules

    ctx.scope.require_unrestricted()
    watches = ctx.store.list_watches(ctx.scope.workspace_id)
    return ctx.render("alert_rules.html", rules=list_rules(ctx.store, ctx.scope.workspace_id), kinds=list(KINDS),
                      severities=SEVERITIES, watches=watches, watch_names={w["id"]: w["name"] for w in watches},
                      can_edit=ctx.scope.allows("admin"))


@router.post("/alerts/rules")
def add_rule(name: str = Form(""), kind: str = Form(...), watch_id: str = Form(""), severity: str = Form("warning"),
             *, ctx: PageCtx) -> Response:
    from vigie.signals.rules import add_rule as add

    ctx.scope.require("admin")
    ctx.scope.require_unrestricted()
    if not name.strip():
        raise Problem("error.name_required")
    watch = int(watch_id) if watch_id.isdigit() else None
    if watch is not None and watch not in {w["id"] for w in ctx.store.list_watches(ctx.scope.workspace_id)}:
        raise NotFound("error.not_found")
    rule = add(ctx.store, ctx.scope.workspace_id, name.strip()[:200], kind, watch_id=watch, severity=severity)
    ctx.audit("rule.create", "alert_rule", rule.id, {"name": rule.name, "kind": kind, "watch_id": watch})
    return ctx.redirect("/alerts/rules", done="rule_saved")


@router.post("/alerts/rules/{rule_id}/enabled")
def toggle_rule(rule_id: int, enabled: str = Form(""), *, ctx: PageCtx) -> Response:
    from vigie.signals.rules import list_rules, set_rule_enabled

    ctx.scope.require("admin")
    ctx.scope.require_unrestricted()
    if rule_id not in {r.id for r in list_rules(ctx.store, ctx.scope.workspace_id)}:
        raise NotFound("error.not_found")
    set_rule_enabled(ctx.store, rule_id, bool(enabled))
    ctx.audit("rule.enable" if enabled else "rule.disable", "alert_rule", rule_id)
    return ctx.redirect("/alerts/rules", done="rule_saved")


@router.get("/alerts/{alert_id}", response_class=HTMLResponse)
def alert_page(alert_id: int, *, ctx: PageCtx) -> HTMLResponse:
    from vigie.web.views import crisis

    alert = get_alert(ctx, alert_id)
    watches = {w["id"]: w["name"] for w in ctx.store.list_watches(ctx.scope.workspace_id)}
    return ctx.render("alert.html", alert=alert, lines=explanation(ctx, alert), watch_names=watches,
                      scenarios=crisis.scenario_choices(ctx), severities=crisis.severities(),
                      incidents=crisis.incidents_of_alert(ctx, alert_id),
                      can_open=ctx.scope.allows("write") and not ctx.scope.restricted)


@router.post("/alerts/{alert_id}/acknowledge")
def acknowledge(alert_id: int, *, ctx: PageCtx) -> Response:
    from vigie.signals.alerts import AlertBook

    ctx.scope.require("write")
    get_alert(ctx, alert_id)
    AlertBook(ctx.store, ctx.workspace).acknowledge(alert_id, ctx.scope.actor)
    ctx.audit("alert.acknowledge", "alert", alert_id)
    return ctx.redirect(f"/alerts/{alert_id}", done="alert_acknowledged")
