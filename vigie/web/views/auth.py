"""Signing in and out, the language switch and the workspace switch. See docs/access.md"""

from __future__ import annotations

import hmac
import secrets

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from vigie.web import audit
from vigie.web.context import (
    LANG_COOKIE,
    SESSION_COOKIE,
    PageCtx,
    WebState,
    anonymous_translator,
    client_ip,
    render,
    safe_next,
)
from vigie.web.errors import Forbidden, Problem
from vigie.web.i18n import LOCALES

router = APIRouter(include_in_schema=False)
LOGIN_CSRF = "vigie_login_csrf"
YEAR = 365 * 24 * 3600


def _cookie(response: Response, web: WebState, name: str, value: str, max_age: int | None = None,
            http_only: bool = True) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=http_only, samesite="lax",
                        secure=web.secure_cookies, path="/")


def _login_page(request: Request, error: str | None = None, email: str = "", status: int = 200) -> HTMLResponse:
    web: WebState = request.app.state.web
    tr = anonymous_translator(request)
    # Login CSRF: a double-submit token, since there is no session yet to hold one.
    token = request.cookies.get(LOGIN_CSRF) or secrets.token_urlsafe(24)
    html = render(web, "login.html", tr=tr, error=error, email=email, login_csrf=token,
                  next=safe_next(request.query_params.get("next"), "/"))
    response = HTMLResponse(html, status_code=status)
    _cookie(response, web, LOGIN_CSRF, token, max_age=3600)
    if request.query_params.get("lang") in LOCALES:
        _cookie(response, web, LANG_COOKIE, request.query_params["lang"], max_age=YEAR)
    return response


@router.get("/login")
def login_form(request: Request) -> Response:
    web: WebState = request.app.state.web
    if web.accounts.load_session(request.cookies.get(SESSION_COOKIE)):
        return RedirectResponse(safe_next(request.query_params.get("next"), "/"), status_code=303)
    return _login_page(request)


@router.post("/login")
def login(request: Request, email: str = Form(""), password: str = Form(""),
          csrf_token: str = Form(""), next: str = Form("/")) -> Response:
    web: WebState = request.app.state.web
    tr = anonymous_translator(request)
    expected = request.cookies.get(LOGIN_CSRF) or ""
    if not expected or not hmac.compare_digest(expected, csrf_token):
        return _login_page(request, tr("error.csrf"), email, status=403)
    ip = client_ip(request)
    try:
        user = web.accounts.authenticate(email, password, ip)
    except Problem as exc:
        audit.record(web.store.engine, None, "login.failed", "user", None, {"email": email[:254]}, ip)
        return _login_page(request, exc.text(tr.language), email, status=exc.status if exc.status == 429 else 401)
    workspaces = web.accounts.workspaces_of(user["id"])
    if not workspaces:
        return _login_page(request, tr("login.no_workspace"), email, status=403)
    token, session = web.accounts.create_session(user["id"], workspaces[0]["id"], ip,
                                                 request.headers.get("user-agent"))
    from vigie.web.access import load_scope

    audit.record(web.store.engine, load_scope(web.store.engine, user["id"], session.workspace_id, user["email"]),
                 "login", "user", user["id"], None, ip)
    response = RedirectResponse(safe_next(next, "/"), status_code=303)
    _cookie(response, web, SESSION_COOKIE, token, max_age=int(web.accounts.session_hours * 3600))
    response.delete_cookie(LOGIN_CSRF, path="/")
    if user.get("language"):
        _cookie(response, web, LANG_COOKIE, user["language"], max_age=YEAR)
    return response


@router.post("/logout")
def logout(ctx: PageCtx) -> Response:
    assert ctx.session is not None
    ctx.audit("logout", "user", ctx.user["id"])
    ctx.web.accounts.end_session(ctx.session.token_hash)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/language")
def set_language(language: str = Form(...), *, ctx: PageCtx) -> Response:
    if language not in LOCALES:
        raise Problem("error.bad_language")
    ctx.web.accounts.update_user(ctx.user["id"], language=language)
    response = ctx.redirect("/")
    _cookie(response, ctx.web, LANG_COOKIE, language, max_age=YEAR)
    return response


@router.post("/workspace")
def switch_workspace(workspace_id: int = Form(...), *, ctx: PageCtx) -> Response:
    assert ctx.session is not None
    if ctx.web.accounts.role(ctx.user["id"], workspace_id) is None:
        raise Forbidden("error.forbidden")
    ctx.web.accounts.switch_workspace(ctx.session.token_hash, workspace_id)
    return RedirectResponse("/", status_code=303)
