"""API: alerts and alert rules (vigie.signals); incidents, playbooks and readiness (vigie.crisis).
See docs/api.md"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from vigie.exceptions import BadRequest
from vigie.web.context import ApiCtx
from vigie.web.errors import NotFound, Problem
from vigie.web.views import alerts as alert_views
from vigie.web.views import crisis as crisis_views

router = APIRouter(tags=["alerts and crisis room"])


class IncidentIn(BaseModel):
    title: str = Field("", description="defaults to the alert's title when alert_id is given")
    scenario: str | None = Field(None, description="a playbook id: its checklist, roles and statements apply")
    severity: Literal["low", "moderate", "high", "critical"] = "moderate"
    alert_id: int | None = None


class StatusIn(BaseModel):
    status: Literal["assessing", "responding", "monitoring", "closed"]
    review: dict[str, str] = Field(default_factory=dict, description="review_summary, review_went_well, "
                                                                     "review_to_improve (to close)")


class NoteIn(BaseModel):
    text: str = Field(min_length=1)
    kind: Literal["note", "decision"] = "note"


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "document"}


@router.get("/alerts", summary="Alerts, newest first (an agency sees those about its shared watches)")
def alerts(status: str | None = None, watch: int | None = None, before: int | None = None,
           *, ctx: ApiCtx) -> list[dict[str, Any]]:
    ctx.scope.require("read")
    return alert_views.list_alerts(ctx, status, watch, before)


@router.get("/alerts/rules", summary="Alert rules")
def rules(ctx: ApiCtx) -> list[dict[str, Any]]:
    from vigie.signals.rules import list_rules

    ctx.scope.require("read")
    ctx.scope.require_unrestricted()
    return [r.as_dict() for r in list_rules(ctx.store, ctx.scope.workspace_id)]


@router.get("/alerts/{alert_id}", summary="One alert with its explanation")
def alert(alert_id: int, *, ctx: ApiCtx) -> dict[str, Any]:
    ctx.scope.require("read")
    row = alert_views.get_alert(ctx, alert_id)
    return {**row, "explanation_lines": alert_views.explanation(ctx, row)}


@router.post("/alerts/{alert_id}/acknowledge")
def acknowledge(alert_id: int, *, ctx: ApiCtx) -> dict[str, Any]:
    from vigie.signals.alerts import AlertBook

    ctx.scope.require("write")
    alert_views.get_alert(ctx, alert_id)
    row = AlertBook(ctx.store, ctx.workspace).acknowledge(alert_id, ctx.scope.actor)
    ctx.audit("alert.acknowledge", "alert", alert_id)
    return row


@router.get("/incidents", summary="Incidents (an agency sees those shared with it)")
def incidents(status: str | None = None, *, ctx: ApiCtx) -> list[dict[str, Any]]:
    from vigie.crisis.incidents import list_incidents

    ctx.scope.require("read")
    rows = list_incidents(ctx.store, ctx.scope.workspace_id, status=status if status != "open" else None,
                          open_only=status == "open")
    return [r for r in rows if ctx.scope.can_see("incident", r["id"])]


@router.get("/incidents/{incident_id}", summary="One incident: roles, checklist, deadlines, statements, timeline")
def incident(incident_id: int, *, ctx: ApiCtx) -> dict[str, Any]:
    ctx.scope.require("read")
    return crisis_views._incident(ctx, incident_id)


@router.post("/incidents", status_code=201, summary="Open an incident, by hand or from an alert")
def open_incident(body: IncidentIn, *, ctx: ApiCtx) -> dict[str, Any]:
    from vigie.crisis.incidents import open_incident as open_

    ctx.scope.require("write")
    ctx.scope.require_unrestricted()
    alert_ids, title = [], body.title.strip()
    if body.alert_id is not None:
        row = alert_views.get_alert(ctx, body.alert_id)
        alert_ids, title = [row["id"]], title or row["title"]
    if not title:
        raise Problem("error.name_required")
    created = open_(ctx.store, ctx.scope.workspace_id, title, scenario=body.scenario, severity=body.severity,
                    alert_ids=alert_ids, by=ctx.scope.actor)
    ctx.audit("incident.open", "incident", created["id"], {"title": title, "scenario": body.scenario,
                                                           "alerts": alert_ids})
    return crisis_views._incident(ctx, created["id"])


@router.post("/incidents/{incident_id}/status")
def move(incident_id: int, body: StatusIn, *, ctx: ApiCtx) -> dict[str, Any]:
    from vigie.crisis import incidents as inc

    current = crisis_views._act(ctx, incident_id)
    if body.status == "assessing" and current["status"] == "detected":
        inc.acknowledge(ctx.store, incident_id, ctx.scope.actor)
    elif body.status == "closed":
        inc.close_incident(ctx.store, incident_id, body.review, by=ctx.scope.actor)
    else:
        inc.transition(ctx.store, incident_id, body.status, by=ctx.scope.actor)
    ctx.audit("incident.status", "incident", incident_id, {"from": current["status"], "to": body.status})
    return crisis_views._incident(ctx, incident_id)


@router.post("/incidents/{incident_id}/notes", status_code=201)
def note(incident_id: int, body: NoteIn, *, ctx: ApiCtx) -> dict[str, Any]:
    from vigie.crisis.incidents import add_note

    crisis_views._act(ctx, incident_id)
    add_note(ctx.store, incident_id, body.text, ctx.user["name"] or ctx.scope.actor, kind=body.kind)
    ctx.audit("incident.note", "incident", incident_id, {"kind": body.kind})
    return {"ok": True}


@router.post("/incidents/{incident_id}/steps/{position}", summary="Tick a checklist step")
def step(incident_id: int, position: int, *, ctx: ApiCtx) -> dict[str, Any]:
    from vigie.crisis.incidents import complete_step

    crisis_views._act(ctx, incident_id)
    complete_step(ctx.store, incident_id, position, ctx.scope.actor)
    ctx.audit("incident.step", "incident", incident_id, {"step": position})
    return {"ok": True}


@router.get("/playbooks", summary="Playbooks with their statement approvals")
def playbooks(ctx: ApiCtx) -> list[dict[str, Any]]:
    from vigie.crisis.playbooks import list_playbooks

    ctx.scope.require("read")
    return list_playbooks(ctx.store, ctx.scope.workspace_id, ctx.tr.language)


@router.get("/playbooks/{slug}")
def playbook(slug: str, *, ctx: ApiCtx) -> dict[str, Any]:
    from vigie.crisis.playbooks import get_playbook

    ctx.scope.require("read")
    try:
        return _jsonable(get_playbook(ctx.store, ctx.scope.workspace_id, slug))
    except BadRequest:
        raise NotFound("error.not_found") from None


@router.get("/readiness", summary="Readiness score and its gaps (not for agencies)")
def readiness(ctx: ApiCtx) -> dict[str, Any]:
    from vigie.crisis.readiness import readiness as compute

    ctx.scope.require("read")
    ctx.scope.require_unrestricted()
    return compute(ctx.store, ctx.scope.workspace_id, ctx.web.vigie.settings)
