"""Settings: the user's profile, language, time zone and password; the workspace; API tokens.
See docs/web.md"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import update

from vigie.store import schema
from vigie.web.auth import TOKEN_SCOPES, InvalidLogin
from vigie.web.context import Ctx, PageCtx, client_ip
from vigie.web.errors import NotFound, Problem
from vigie.web.i18n import LOCALES, zone
from vigie.web.nav import Nav, NavItem

router = APIRouter(include_in_schema=False)
# Offered first in the time-zone field; any IANA name is accepted.
COMMON_ZONES = ("America/Toronto", "America/Montreal", "America/Halifax", "America/St_Johns", "America/Moncton",
                "America/Winnipeg", "America/Regina", "America/Edmonton", "America/Vancouver", "Europe/Paris",
                "Europe/Brussels", "Europe/Zurich", "UTC")


def register(nav: Nav) -> None:
    nav.add(NavItem("settings", "nav.settings", "/settings", "admin", order=0))
    nav.add(NavItem("tokens", "nav.tokens", "/settings/tokens", "admin", order=40))


def _valid_zone(name: str) -> str:
    name = name.strip()
    if not name:
        return ""
    if zone(name).key != name:
        raise Problem("error.bad_timezone", zone=name)
    return name


@router.get("/settings", response_class=HTMLResponse)
def settings_page(ctx: PageCtx) -> HTMLResponse:
    return ctx.render("settings.html", zones=COMMON_ZONES, can_admin=ctx.scope.allows("admin"))


@router.post("/settings/profile")
def save_profile(name: str = Form(""), language: str = Form(""), timezone: str = Form(""),
                 *, ctx: PageCtx) -> Response:
    if language and language not in LOCALES:
        raise Problem("error.bad_language")
    values = {"name": name.strip()[:200] or ctx.user["name"], "language": language or None,
              "timezone": _valid_zone(timezone) or None}
    ctx.web.accounts.update_user(ctx.user["id"], **values)
    ctx.audit("user.profile", "user", ctx.user["id"], values)
    return ctx.redirect("/settings", done="profile_saved")


@router.post("/settings/password")
def change_password(current: str = Form(""), new: str = Form(""), confirm: str = Form(""),
                    *, ctx: PageCtx) -> Response:
    if new != confirm:
        raise Problem("error.password_mismatch")
    try:
        ctx.web.accounts.authenticate(ctx.user["email"], current, client_ip(ctx.request))
    except InvalidLogin:
        raise Problem("error.password_wrong") from None
    ctx.web.accounts.set_password(ctx.user["id"], new)
    ctx.audit("user.password", "user", ctx.user["id"])
    # Changing the password ends every session, this one included: sign in again with the new one.
    return ctx.redirect("/login")


@router.post("/settings/workspace")
def save_workspace(name: str = Form(""), language: str = Form("fr"), timezone: str = Form(""),
                   *, ctx: PageCtx) -> Response:
    ctx.scope.require("admin")
    if language not in LOCALES:
        raise Problem("error.bad_language")
    values = {"name": name.strip()[:200] or ctx.workspace["name"], "language": language,
              "timezone": _valid_zone(timezone) or ctx.workspace["timezone"]}
    w = schema.workspaces
    with ctx.store.engine.begin() as conn:
        conn.execute(update(w).where(w.c.id == ctx.scope.workspace_id).values(**values))
    ctx.web.extras.pop("slugs", None)
    ctx.audit("workspace.update", "workspace", ctx.scope.workspace_id, values)
    return ctx.redirect("/settings", done="workspace_saved")


# -- API tokens -------------------------------------------------------------------------------
def _tokens(ctx: Ctx) -> list[dict[str, Any]]:
    everyone = ctx.scope.allows("admin")
    rows = ctx.web.accounts.list_tokens(ctx.scope.workspace_id, None if everyone else ctx.user["id"])
    return rows


@router.get("/settings/tokens", response_class=HTMLResponse)
def tokens_page(ctx: PageCtx) -> HTMLResponse:
    return ctx.render("tokens.html", tokens=_tokens(ctx), scopes=TOKEN_SCOPES, created=None)


@router.post("/settings/tokens", response_class=HTMLResponse)
async def create_token(ctx: PageCtx) -> HTMLResponse:
    form = await ctx.request.form()
    scopes = [str(s) for s in form.getlist("scopes")]
    # A token never carries more than its owner's role allows, whatever scopes were ticked.
    for scope in scopes:
        ctx.scope.require(scope if scope in TOKEN_SCOPES else "admin")
    days = str(form.get("expires_days") or "").strip()
    raw, row = ctx.web.accounts.create_token(ctx.scope.workspace_id, ctx.user["id"], str(form.get("name") or ""),
                                             scopes, int(days) if days.isdigit() and int(days) > 0 else None)
    ctx.audit("token.create", "token", row["id"], {"name": row["name"], "scopes": row["scopes"]})
    return ctx.render("tokens.html", tokens=_tokens(ctx), scopes=TOKEN_SCOPES, created=raw)


@router.post("/settings/tokens/{token_id}/revoke")
def revoke_token(token_id: int, *, ctx: PageCtx) -> Response:
    mine = {t["id"]: t for t in _tokens(ctx)}
    if token_id not in mine:
        raise NotFound("error.not_found")
    ctx.web.accounts.revoke_token(token_id)
    ctx.audit("token.revoke", "token", token_id)
    return ctx.redirect("/settings/tokens", done="token_revoked")
