"""API: members, teams and shares, API tokens, the audit log (administrators). See docs/api.md"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from vigie.web import audit, directory
from vigie.web.auth import generate_password
from vigie.web.context import ApiCtx, Ctx
from vigie.web.errors import Forbidden, NotFound, Problem

router = APIRouter(tags=["administration"])
Role = Literal["viewer", "editor", "admin", "owner"]


class Member(BaseModel):
    id: int
    email: str
    name: str
    role: str
    active: bool
    teams: list[str]


class MemberIn(BaseModel):
    email: str
    name: str = ""
    role: Role = "viewer"


class NewMember(BaseModel):
    member: Member
    password: str | None = Field(description="set only when a new account was created; shown once")


class RoleIn(BaseModel):
    role: Role


class Team(BaseModel):
    id: int
    name: str
    kind: str
    members: int
    shares: int


class TeamIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["department", "agency"]


class IdsIn(BaseModel):
    ids: list[int]


class Token(BaseModel):
    id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


class TokenIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    scopes: list[Literal["read", "write", "admin"]] = Field(min_length=1)
    expires_days: int | None = Field(None, ge=1)


class NewToken(BaseModel):
    token: str = Field(description="the secret; shown once, only its hash is stored")
    details: Token


def _admin(ctx: Ctx) -> None:
    ctx.scope.require("admin")
    ctx.scope.require_unrestricted()


def _member(ctx: Ctx, user_id: int) -> dict[str, Any]:
    for m in directory.members(ctx.store, ctx.scope.workspace_id):
        if m["id"] == user_id:
            return m
    raise NotFound("error.not_found")


@router.get("/members", response_model=list[Member])
def members(ctx: ApiCtx) -> list[Member]:
    _admin(ctx)
    return [Member(**m) for m in directory.members(ctx.store, ctx.scope.workspace_id)]


@router.post("/members", response_model=NewMember, status_code=201)
def add_member(body: MemberIn, *, ctx: ApiCtx) -> NewMember:
    _admin(ctx)
    if body.role == "owner" and ctx.scope.role != "owner":
        raise Forbidden("error.owner_only")
    accounts = ctx.web.accounts
    user, password = accounts.find_user(body.email), None
    if user is None:
        password = generate_password()
        user = accounts.create_user(body.email, body.name or body.email, password)
    elif accounts.role(user["id"], ctx.scope.workspace_id) is not None:
        raise Problem("error.already_member")
    accounts.set_membership(user["id"], ctx.scope.workspace_id, body.role)
    ctx.audit("member.add", "user", user["id"], {"email": user["email"], "role": body.role})
    return NewMember(member=Member(**_member(ctx, user["id"])), password=password)


@router.put("/members/{user_id}/role", response_model=Member)
def set_role(user_id: int, body: RoleIn, *, ctx: ApiCtx) -> Member:
    _admin(ctx)
    current = _member(ctx, user_id)
    if "owner" in (current["role"], body.role) and ctx.scope.role != "owner":
        raise Forbidden("error.owner_only")
    ctx.web.accounts.set_membership(user_id, ctx.scope.workspace_id, body.role)
    ctx.audit("member.role", "user", user_id, {"from": current["role"], "to": body.role})
    return Member(**_member(ctx, user_id))


@router.get("/teams", response_model=list[Team])
def teams(ctx: ApiCtx) -> list[Team]:
    _admin(ctx)
    return [Team(**{k: t[k] for k in Team.model_fields}) for t in directory.teams(ctx.store, ctx.scope.workspace_id)]


@router.post("/teams", response_model=Team, status_code=201)
def create_team(body: TeamIn, *, ctx: ApiCtx) -> Team:
    _admin(ctx)
    team_id = directory.create_team(ctx.store, ctx.scope.workspace_id, body.name, body.kind)
    ctx.audit("team.create", "team", team_id, body.model_dump())
    return Team(id=team_id, name=body.name, kind=body.kind, members=0, shares=0)


@router.put("/teams/{team_id}/members", response_model=Team)
def team_members(team_id: int, body: IdsIn, *, ctx: ApiCtx) -> Team:
    _admin(ctx)
    directory.set_team_members(ctx.store, ctx.scope.workspace_id, team_id, set(body.ids))
    ctx.audit("team.members", "team", team_id, {"user_ids": sorted(body.ids)})
    return _team(ctx, team_id)


@router.put("/teams/{team_id}/shares/{kind}", response_model=Team, summary="Replace what of a kind a team sees")
def team_shares(team_id: int, kind: Literal["watch", "incident", "campaign"], body: IdsIn,
                *, ctx: ApiCtx) -> Team:
    _admin(ctx)
    from vigie.web.views.people import shareable_objects

    objects = shareable_objects(ctx)
    if kind not in objects:
        raise Problem("error.bad_share")
    directory.set_team_shares(ctx.store, ctx.scope.workspace_id, team_id, kind, set(body.ids),
                              {i for i, _ in objects[kind]}, ctx.user["id"])
    ctx.audit("team.shares", "team", team_id, {"kind": kind, "ids": sorted(body.ids)})
    return _team(ctx, team_id)


def _team(ctx: Ctx, team_id: int) -> Team:
    for t in directory.teams(ctx.store, ctx.scope.workspace_id):
        if t["id"] == team_id:
            return Team(**{k: t[k] for k in Team.model_fields})
    raise NotFound("error.not_found")


@router.get("/tokens", response_model=list[Token], summary="The caller's tokens (all of them for admins)")
def tokens(ctx: ApiCtx) -> list[Token]:
    everyone = ctx.scope.allows("admin")
    return [Token(**t) for t in ctx.web.accounts.list_tokens(ctx.scope.workspace_id,
                                                              None if everyone else ctx.user["id"])]


@router.post("/tokens", response_model=NewToken, status_code=201)
def create_token(body: TokenIn, *, ctx: ApiCtx) -> NewToken:
    if ctx.session is None:  # a leaked token must not be able to mint others
        raise Forbidden("error.session_only")
    for scope in body.scopes:
        ctx.scope.require(scope)
    raw, row = ctx.web.accounts.create_token(ctx.scope.workspace_id, ctx.user["id"], body.name, list(body.scopes),
                                             body.expires_days)
    ctx.audit("token.create", "token", row["id"], {"name": row["name"], "scopes": row["scopes"]})
    return NewToken(token=raw, details=Token(**row))


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(token_id: int, *, ctx: ApiCtx) -> None:
    ctx.scope.require("write")
    visible = {t["id"] for t in ctx.web.accounts.list_tokens(
        ctx.scope.workspace_id, None if ctx.scope.allows("admin") else ctx.user["id"])}
    if token_id not in visible:
        raise NotFound("error.not_found")
    ctx.web.accounts.revoke_token(token_id)
    ctx.audit("token.revoke", "token", token_id)


@router.get("/audit", summary="The audit log, newest first")
def audit_log(before: int | None = None, action: str | None = None, *, ctx: ApiCtx) -> list[dict[str, Any]]:
    _admin(ctx)
    return audit.entries(ctx.store.engine, ctx.scope.workspace_id, before=before, action=action)
