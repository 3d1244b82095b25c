"""The crisis room, from vigie.crisis: incidents with their checklist, statements and timeline;
playbooks; readiness with its gaps; drills. An agency sees only the incidents shared with it.
See docs/web.md"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from vigie.exceptions import BadRequest
from vigie.web.context import Ctx, PageCtx
from vigie.web.errors import NotFound, Problem
from vigie.web.nav import Nav, NavItem

router = APIRouter(include_in_schema=False)


def register(nav: Nav) -> None:
    nav.add(NavItem("incidents", "nav.incidents", "/crisis/incidents", "crisis", order=0))
    nav.add(NavItem("playbooks", "nav.playbooks", "/crisis/playbooks", "crisis", order=10))
    nav.add(NavItem("readiness", "nav.readiness", "/crisis/readiness", "crisis", order=20, unrestricted=True))
    nav.add(NavItem("drills", "nav.drills", "/crisis/drills", "crisis", order=30, unrestricted=True))


def severities() -> tuple[str, ...]:
    from vigie.crisis import SEVERITIES

    return SEVERITIES


def scenario_choices(ctx: Ctx) -> list[tuple[str, str]]:
    """(playbook id, title in the user's language) for the "open an incident" forms."""
    from vigie.crisis.playbooks import list_playbooks

    return [(p["id"], p["title"]) for p in list_playbooks(ctx.store, ctx.scope.workspace_id, ctx.tr.language)]


def incident_choices(ctx: Ctx) -> list[tuple[int, str]] | None:
    """(id, title) of every incident, for sharing with agency teams."""
    from vigie.crisis.incidents import list_incidents

    return [(i["id"], i["title"]) for i in list_incidents(ctx.store, ctx.scope.workspace_id)]


def incidents_of_alert(ctx: Ctx, alert_id: int) -> list[dict[str, Any]]:
    from vigie.crisis import tables

    i, ia = tables.incidents, tables.incident_alerts
    with ctx.store.engine.connect() as conn:
        rows = conn.execute(select(i.c.id, i.c.title, i.c.status).join(ia, ia.c.incident_id == i.c.id).where(
            ia.c.alert_id == alert_id, i.c.workspace_id == ctx.scope.workspace_id)).mappings()
        return [dict(r) for r in rows if ctx.scope.can_see("incident", r["id"])]


def _incident(ctx: Ctx, incident_id: int) -> dict[str, Any]:
    from vigie.crisis.incidents import details

    ctx.scope.check("incident", incident_id)
    try:
        return details(ctx.store, incident_id, ctx.scope.workspace_id)
    except BadRequest:
        raise NotFound("error.not_found") from None


def _act(ctx: Ctx, incident_id: int) -> dict[str, Any]:
    """Checks before any change to an incident: editor, and the incident visible."""
    ctx.scope.require("write")
    return _incident(ctx, incident_id)


@router.get("/crisis/incidents", response_class=HTMLResponse)
def incident_list(ctx: PageCtx) -> HTMLResponse:
    from vigie.crisis import incidents as inc

    status = ctx.request.query_params.get("status") or "open"
    rows = inc.list_incidents(ctx.store, ctx.scope.workspace_id, open_only=status == "open",
                              status="closed" if status == "closed" else None)
    rows = [r for r in rows if ctx.scope.can_see("incident", r["id"])]
    overdue = [d for d in inc.overdue(ctx.store, ctx.scope.workspace_id) if ctx.scope.can_see("incident", d["incident_id"])]
    return ctx.render("crisis/incidents.html", incidents=rows, selected=status, overdue=overdue,
                      scenarios=scenario_choices(ctx), severities=severities(),
                      can_open=ctx.scope.allows("write") and not ctx.scope.restricted)


@router.post("/crisis/incidents")
def open_incident(title: str = Form(""), scenario: str = Form(""), severity: str = Form("moderate"),
                  alert_id: str = Form(""), *, ctx: PageCtx) -> Response:
    """Open an incident by hand or from an alert; choosing a scenario applies its playbook (the
    checklist, the roles and the approved holding statements)."""
    from vigie.crisis import incidents as inc
    from vigie.web.views.alerts import get_alert

    ctx.scope.require("write")
    ctx.scope.require_unrestricted()
    alert_ids = []
    if alert_id.isdigit():
        alert = get_alert(ctx, int(alert_id))
        alert_ids = [alert["id"]]
        title = title.strip() or alert["title"]
    if not title.strip():
        raise Problem("error.name_required")
    row = inc.open_incident(ctx.store, ctx.scope.workspace_id, title, scenario=scenario or None,
                            severity=severity, alert_ids=alert_ids, by=ctx.scope.actor)
    ctx.audit("incident.open", "incident", row["id"], {"title": row["title"], "scenario": scenario or None,
                                                       "alerts": alert_ids})
    return ctx.redirect(f"/crisis/incidents/{row['id']}", done="incident_saved")


@router.get("/crisis/incidents/{incident_id}", response_class=HTMLResponse)
def incident_page(incident_id: int, *, ctx: PageCtx) -> HTMLResponse:
    from vigie.crisis import ROLES
    from vigie.crisis.incidents import REVIEW_FIELDS, TRANSITIONS
    from vigie.crisis.statements import FORMATS, offered

    incident = _incident(ctx, incident_id)
    try:
        offers = offered(ctx.store, incident, ctx.tr.language)
    except BadRequest:  # the scenario's playbook was removed
        offers = []
    return ctx.render("crisis/incident.html", incident=incident, moves=TRANSITIONS[incident["status"]],
                      offers=offers, formats=list(FORMATS), roles=ROLES, review_fields=REVIEW_FIELDS,
                      can_write=ctx.scope.allows("write"))


@router.post("/crisis/incidents/{incident_id}/status")
async def move(incident_id: int, *, ctx: PageCtx) -> Response:
    from vigie.crisis import incidents as inc

    incident = _act(ctx, incident_id)
    form = await ctx.request.form()
    status = str(form.get("status") or "")
    if status == "assessing" and incident["status"] == "detected":
        inc.acknowledge(ctx.store, incident_id, ctx.scope.actor)
    elif status == "closed":
        review = {k: str(form.get(k) or "") for k in inc.REVIEW_FIELDS}
        inc.close_incident(ctx.store, incident_id, review, by=ctx.scope.actor)
    else:
        inc.transition(ctx.store, incident_id, status, by=ctx.scope.actor)
    ctx.audit("incident.status", "incident", incident_id, {"from": incident["status"], "to": status})
    return ctx.redirect(f"/crisis/incidents/{incident_id}", done="incident_saved")


@router.post("/crisis/incidents/{incident_id}/steps/{position}")
def complete_step(incident_id: int, position: int, *, ctx: PageCtx) -> Response:
    from vigie.crisis.incidents import complete_step as done

    _act(ctx, incident_id)
    done(ctx.store, incident_id, position, ctx.scope.actor)
    ctx.audit("incident.step", "incident", incident_id, {"step": position})
    return ctx.redirect(f"/crisis/incidents/{incident_id}", done="incident_saved")


@router.post("/crisis/incidents/{incident_id}/notes")
def add_note(incident_id: int, text: str = Form(""), kind: str = Form("note"), *, ctx: PageCtx) -> Response:
    from vigie.crisis.incidents import add_note as note

    _act(ctx, incident_id)
    note(ctx.store, incident_id, text, ctx.user["name"] or ctx.scope.actor, kind=kind)
    ctx.audit("incident.note", "incident", incident_id, {"kind": kind})
    return ctx.redirect(f"/crisis/incidents/{incident_id}", done="incident_saved")


@router.post("/crisis/incidents/{incident_id}/roles")
def assign_role(incident_id: int, role: str = Form(...), person: str = Form(""), contact: str = Form(""),
                *, ctx: PageCtx) -> Response:
    from vigie.crisis.incidents import assign_role as assign

    _act(ctx, incident_id)
    if not person.strip():
        raise Problem("error.name_required")
    assign(ctx.store, incident_id, role, person.strip(), contact.strip() or None, by=ctx.scope.actor)
    ctx.audit("incident.role", "incident", incident_id, {"role": role, "person": person})
    return ctx.redirect(f"/crisis/incidents/{incident_id}", done="incident_saved")


@router.post("/crisis/incidents/{incident_id}/statements")
def prepare_statement(incident_id: int, format: str = Form(...), language: str = Form("fr"),
                      text: str = Form(""), *, ctx: PageCtx) -> Response:
    from vigie.crisis.statements import prepare

    incident = _act(ctx, incident_id)
    row = prepare(ctx.store, incident, format, language, text=text.strip() or None)
    ctx.audit("statement.prepare", "incident", incident_id, {"statement": row["id"], "format": format})
    return ctx.redirect(f"/crisis/incidents/{incident_id}", done="incident_saved")


@router.post("/crisis/incidents/{incident_id}/statements/{statement_id}/{action}")
def statement_action(incident_id: int, statement_id: int, action: str, *, ctx: PageCtx) -> Response:
    from vigie.crisis import statements as st

    incident = _act(ctx, incident_id)
    if statement_id not in {s["id"] for s in incident["statements"]}:
        raise NotFound("error.not_found")
    if action == "approve":
        ctx.scope.require("admin")  # approving the organisation's words is an administrator's call
        st.approve(ctx.store, statement_id, ctx.scope.actor)
    elif action == "publish":
        st.publish(ctx.store, statement_id, ctx.scope.actor)
    else:
        raise Problem("error.bad_action")
    ctx.audit(f"statement.{action}", "incident", incident_id, {"statement": statement_id})
    return ctx.redirect(f"/crisis/incidents/{incident_id}", done="incident_saved")


@router.get("/crisis/playbooks", response_class=HTMLResponse)
def playbook_list(ctx: PageCtx) -> HTMLResponse:
    from vigie.crisis.playbooks import list_playbooks

    return ctx.render("crisis/playbooks.html",
                      playbooks=list_playbooks(ctx.store, ctx.scope.workspace_id, ctx.tr.language))


@router.get("/crisis/playbooks/{slug}", response_class=HTMLResponse)
def playbook_page(slug: str, *, ctx: PageCtx) -> HTMLResponse:
    from vigie.crisis.playbooks import get_playbook

    try:
        playbook = get_playbook(ctx.store, ctx.scope.workspace_id, slug)
    except BadRequest:
        raise NotFound("error.not_found") from None
    return ctx.render("crisis/playbook.html", playbook=playbook, can_approve=ctx.scope.allows("admin")
                      and not ctx.scope.restricted)


@router.post("/crisis/playbooks/{slug}/approve")
def approve(slug: str, format: str = Form(...), language: str = Form(...), *, ctx: PageCtx) -> Response:
    from vigie.crisis.playbooks import approve_statement

    ctx.scope.require("admin")
    ctx.scope.require_unrestricted()
    approve_statement(ctx.store, ctx.scope.workspace_id, slug, format, language, ctx.scope.actor)
    ctx.audit("playbook.approve", "playbook", slug, {"format": format, "language": language})
    return ctx.redirect(f"/crisis/playbooks/{slug}", done="playbook_approved")


@router.get("/crisis/readiness", response_class=HTMLResponse)
def readiness_page(ctx: PageCtx) -> HTMLResponse:
    from vigie.crisis.readiness import readiness

    ctx.scope.require_unrestricted()
    data = readiness(ctx.store, ctx.scope.workspace_id, ctx.web.vigie.settings)
    return ctx.render("crisis/readiness.html", r=data)


@router.get("/crisis/drills", response_class=HTMLResponse)
def drills_page(ctx: PageCtx) -> HTMLResponse:
    from vigie.crisis import SCENARIOS, tables
    from vigie.store.mentions import as_utc

    ctx.scope.require_unrestricted()
    d = tables.drills
    with ctx.store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(select(d).where(d.c.workspace_id == ctx.scope.workspace_id)
                                              .order_by(d.c.id.desc()).limit(50)).mappings()]
    for row in rows:
        row["started_at"], row["finished_at"] = as_utc(row["started_at"]), as_utc(row["finished_at"])
    return ctx.render("crisis/drills.html", drills=rows, scenarios=SCENARIOS)
