"""Users, teams (departments and agencies) with what is shared with them, and the audit log.
See docs/access.md"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, Response

from vigie.web import audit, directory
from vigie.web.access import SHAREABLE
from vigie.web.auth import ROLES, TEAM_KINDS, generate_password
from vigie.web.context import Ctx, PageCtx
from vigie.web.errors import Forbidden, NotFound, Problem
from vigie.web.nav import Nav, NavItem

router = APIRouter(include_in_schema=False)


def register(nav: Nav) -> None:
    nav.add(NavItem("users", "nav.users", "/settings/users", "admin", order=10, action="admin"))
    nav.add(NavItem("teams", "nav.teams", "/settings/teams", "admin", order=20, action="admin"))
    nav.add(NavItem("audit", "nav.audit", "/settings/audit", "admin", order=50, action="admin"))


def _admin(ctx: Ctx) -> None:
    ctx.scope.require("admin")
    ctx.scope.require_unrestricted()


def _guard_role(ctx: Ctx, current: str | None, wanted: str | None) -> None:
    """Only an owner makes, changes or removes an owner."""
    if "owner" in (current, wanted) and ctx.scope.role != "owner":
        raise Forbidden("error.owner_only")


@router.get("/settings/users", response_class=HTMLResponse)
def users_page(ctx: PageCtx) -> HTMLResponse:
    _admin(ctx)
    return ctx.render("users.html", members=directory.members(ctx.store, ctx.scope.workspace_id), roles=ROLES,
                      password=None, for_email=None)


@router.post("/settings/users", response_class=HTMLResponse)
def add_user(email: str = Form(""), name: str = Form(""), role: str = Form("viewer"),
             *, ctx: PageCtx) -> HTMLResponse:
    """Add a member: an existing account joins this workspace; a new one gets a password shown once."""
    _admin(ctx)
    _guard_role(ctx, None, role)
    accounts = ctx.web.accounts
    user = accounts.find_user(email)
    password = None
    if user is None:
        password = generate_password()
        user = accounts.create_user(email, name or email, password)
    elif accounts.role(user["id"], ctx.scope.workspace_id) is not None:
        raise Problem("error.already_member")
    accounts.set_membership(user["id"], ctx.scope.workspace_id, role)
    ctx.audit("member.add", "user", user["id"], {"email": user["email"], "role": role, "new_account": bool(password)})
    return ctx.render("users.html", members=directory.members(ctx.store, ctx.scope.workspace_id), roles=ROLES,
                      password=password, for_email=user["email"])


def _member(ctx: Ctx, user_id: int) -> dict[str, Any]:
    for member in directory.members(ctx.store, ctx.scope.workspace_id):
        if member["id"] == user_id:
            return member
    raise NotFound("error.not_found")


@router.post("/settings/users/{user_id}", response_class=HTMLResponse)
def change_user(user_id: int, action: str = Form(...), role: str = Form(""),
                *, ctx: PageCtx) -> Response:
    _admin(ctx)
    member = _member(ctx, user_id)
    accounts = ctx.web.accounts
    if action == "role":
        _guard_role(ctx, member["role"], role)
        accounts.set_membership(user_id, ctx.scope.workspace_id, role)
        ctx.audit("member.role", "user", user_id, {"from": member["role"], "to": role})
    elif action in ("disable", "enable"):
        _guard_role(ctx, member["role"], None)
        _guard_account(ctx, user_id)
        if user_id == ctx.user["id"]:
            raise Problem("error.not_yourself")
        accounts.update_user(user_id, active=action == "enable")
        ctx.audit(f"user.{action}", "user", user_id)
    elif action == "remove":
        _guard_role(ctx, member["role"], None)
        accounts.remove_membership(user_id, ctx.scope.workspace_id)
        ctx.audit("member.remove", "user", user_id, {"email": member["email"]})
    elif action == "reset":
        _guard_role(ctx, member["role"], None)
        _guard_account(ctx, user_id)
        password = generate_password()
        accounts.set_password(user_id, password)
        ctx.audit("user.password_reset", "user", user_id)
        return ctx.render("users.html", members=directory.members(ctx.store, ctx.scope.workspace_id), roles=ROLES,
                          password=password, for_email=member["email"])
    else:
        raise Problem("error.bad_action")
    return ctx.redirect("/settings/users", done="member_saved")


def _guard_account(ctx: PageCtx, user_id: int) -> None:
    """A password and the active flag belong to the account, not to this workspace's membership:
    an admin here may not reset or disable someone who is also a member of another workspace."""
    others = [w for w in ctx.web.accounts.workspaces_of(user_id) if w["id"] != ctx.scope.workspace_id]
    if others:
        raise Forbidden("error.account_elsewhere")


@router.get("/settings/teams", response_class=HTMLResponse)
def teams_page(ctx: PageCtx) -> HTMLResponse:
    _admin(ctx)
    return ctx.render("teams.html", teams=directory.teams(ctx.store, ctx.scope.workspace_id), kinds=TEAM_KINDS)


@router.post("/settings/teams")
def create_team(name: str = Form(""), kind: str = Form("department"), *, ctx: PageCtx) -> Response:
    _admin(ctx)
    team_id = directory.create_team(ctx.store, ctx.scope.workspace_id, name, kind)
    ctx.audit("team.create", "team", team_id, {"name": name, "kind": kind})
    return ctx.redirect(f"/settings/teams/{team_id}", done="team_saved")


def shareable_objects(ctx: Ctx) -> dict[str, list[tuple[int, str]]]:
    """(id, label) of each kind of object that can be shared, from the features installed."""
    out: dict[str, list[tuple[int, str]]] = {
        "watch": [(w["id"], w["name"]) for w in ctx.store.list_watches(ctx.scope.workspace_id)]}
    from vigie.web.views import crisis

    incidents = crisis.incident_choices(ctx)
    if incidents is not None:
        out["incident"] = incidents
    return out


@router.get("/settings/teams/{team_id}", response_class=HTMLResponse)
def team_page(team_id: int, *, ctx: PageCtx) -> HTMLResponse:
    _admin(ctx)
    team = directory.get_team(ctx.store, ctx.scope.workspace_id, team_id)
    return ctx.render("team.html", team=team, members=directory.members(ctx.store, ctx.scope.workspace_id),
                      objects=shareable_objects(ctx))


@router.post("/settings/teams/{team_id}/members")
async def team_members(team_id: int, *, ctx: PageCtx) -> Response:
    _admin(ctx)
    form = await ctx.request.form()
    ids = {int(str(v)) for v in form.getlist("user_ids") if str(v).isdigit()}
    directory.set_team_members(ctx.store, ctx.scope.workspace_id, team_id, ids)
    ctx.audit("team.members", "team", team_id, {"user_ids": sorted(ids)})
    return ctx.redirect(f"/settings/teams/{team_id}", done="team_saved")


@router.post("/settings/teams/{team_id}/shares")
async def team_shares(team_id: int, *, ctx: PageCtx) -> Response:
    _admin(ctx)
    form = await ctx.request.form()
    objects = shareable_objects(ctx)
    for kind in SHAREABLE:
        if kind not in objects:
            continue
        ids = {int(str(v)) for v in form.getlist(kind) if str(v).isdigit()}
        directory.set_team_shares(ctx.store, ctx.scope.workspace_id, team_id, kind, ids,
                                  {i for i, _ in objects[kind]}, ctx.user["id"])
        ctx.audit("team.shares", "team", team_id, {"kind": kind, "ids": sorted(ids)})
    return ctx.redirect(f"/settings/teams/{team_id}", done="team_saved")


@router.post("/settings/teams/{team_id}/delete")
def delete_team(team_id: int, *, ctx: PageCtx) -> Response:
    _admin(ctx)
    directory.delete_team(ctx.store, ctx.scope.workspace_id, team_id)
    ctx.audit("team.delete", "team", team_id)
    return ctx.redirect("/settings/teams", done="team_deleted")


@router.get("/settings/audit", response_class=HTMLResponse)
def audit_page(ctx: PageCtx) -> HTMLResponse:
    _admin(ctx)
    before = ctx.request.query_params.get("before")
    rows = audit.entries(ctx.store.engine, ctx.scope.workspace_id,
                         before=int(before) if before and before.isdigit() else None, limit=100)
    return ctx.render("audit.html", entries=rows, next_before=rows[-1]["id"] if len(rows) == 100 else None)
