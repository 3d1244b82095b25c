"""Per-request context for pages and API routes: who is asking (session or token), in which workspace,
in which language, with the CSRF check on every change. See docs/access.md"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup

from vigie.web import audit
from vigie.web.access import Scope, load_scope
from vigie.web.auth import Accounts, Session
from vigie.web.errors import Forbidden, NotSignedIn, Problem
from vigie.web.i18n import Translator, accept_language, pick_language

SESSION_COOKIE = "vigie_session"
LANG_COOKIE = "vigie_lang"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass
class WebState:
    """What every request shares: the Vigie app, accounts, templates, navigation."""

    vigie: Any
    accounts: Accounts
    templates: Any
    nav: Any
    secure_cookies: bool = False
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def store(self) -> Any:
        return self.vigie.store


@dataclass
class Ctx:
    request: Request
    web: WebState
    scope: Scope
    workspace: dict[str, Any]
    user: dict[str, Any]
    tr: Translator
    session: Session | None = None

    @property
    def store(self) -> Any:
        return self.web.store

    @property
    def csrf(self) -> str:
        return self.session.csrf_token if self.session else ""

    @property
    def htmx(self) -> bool:
        """An HTMX request that wants a fragment (not a boosted full-page navigation)."""
        headers = self.request.headers
        return (headers.get("HX-Request") == "true" and headers.get("HX-Boosted") != "true"
                and headers.get("HX-History-Restore-Request") != "true")

    def render(self, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        return HTMLResponse(render(self.web, template, ctx=self, request=self.request, tr=self.tr, **values),
                            status_code=status)

    def redirect(self, fallback: str, **params: str) -> RedirectResponse:
        """After a form: back where the user came from (a local path only), with a notice."""
        target = safe_next(self.request.query_params.get("next"), fallback)
        if params:
            target += ("&" if "?" in target else "?") + "&".join(f"{k}={quote(v)}" for k, v in params.items())
        return RedirectResponse(target, status_code=303)

    def audit(self, action: str, object_type: str | None = None, object_id: Any = None,
              detail: dict[str, Any] | None = None) -> None:
        audit.record(self.store.engine, self.scope, action, object_type, object_id, detail, client_ip(self.request))


def render(web: WebState, template: str, **values: Any) -> str:
    tr: Translator = values["tr"]
    values.setdefault("ctx", None)
    values["_"] = tr
    values["nav"] = web.nav
    return str(web.templates.get_template(template).render(**values))


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def safe_next(value: str | None, fallback: str = "/") -> str:
    """Only local paths: an open redirect would let a phishing link bounce through Vigie."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return fallback


def anonymous_translator(request: Request) -> Translator:
    return Translator(pick_language(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE),
                                    accept_language(request.headers.get("accept-language"))))


def _translator(user: dict[str, Any], workspace: dict[str, Any]) -> Translator:
    return Translator(pick_language(user.get("language"), workspace.get("language")),
                      user.get("timezone") or workspace.get("timezone"))


async def _check_csrf(request: Request, expected: str) -> None:
    sent = request.headers.get("X-CSRF-Token")
    if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        sent = str((await request.form()).get("csrf_token") or "")
    if not sent or not hmac.compare_digest(sent, expected):
        raise Forbidden("error.csrf")


def _session_ctx(request: Request, web: WebState) -> Ctx:
    session = web.accounts.load_session(request.cookies.get(SESSION_COOKIE))
    if session is None:
        raise NotSignedIn("error.not_signed_in")
    scope = load_scope(web.store.engine, session.user["id"], session.workspace_id, session.user["email"])
    if scope is None:  # membership removed while signed in
        web.accounts.end_session(session.token_hash)
        raise NotSignedIn("error.not_signed_in")
    workspace = web.store.get_workspace(_slug(web, session.workspace_id))
    tr = request.state.tr = _translator(session.user, workspace)
    return Ctx(request, web, scope, workspace, session.user, tr, session)


def _slug(web: WebState, workspace_id: int) -> str:
    cache = web.extras.setdefault("slugs", {})
    if workspace_id not in cache:
        cache.clear()
        cache.update({w["id"]: w["slug"] for w in web.store.list_workspaces()})
    return str(cache[workspace_id])


async def page_ctx(request: Request) -> Ctx:
    """Dependency of every signed-in page: a session, and the CSRF token on any change."""
    web: WebState = request.app.state.web
    ctx = _session_ctx(request, web)
    if request.method in UNSAFE:
        await _check_csrf(request, ctx.csrf)
    return ctx


async def api_ctx(request: Request) -> Ctx:
    """Dependency of every API route: a bearer token (scoped), or the browser session plus the
    X-CSRF-Token header for changes."""
    web: WebState = request.app.state.web
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        token = web.accounts.load_token(header[7:].strip())
        if token is None:
            raise NotSignedIn("error.bad_token")
        scope = load_scope(web.store.engine, token["user_id"], token["workspace_id"],
                           f"{token['email']} (token {token['prefix']})", token_scopes=list(token["scopes"]))
        if scope is None:
            raise NotSignedIn("error.bad_token")
        workspace = web.store.get_workspace(_slug(web, token["workspace_id"]))
        user = {k: token[k] for k in ("email", "name", "language", "timezone")} | {"id": token["user_id"]}
        tr = request.state.tr = _translator(user, workspace)
        return Ctx(request, web, scope, workspace, user, tr)
    ctx = _session_ctx(request, web)
    if request.method in UNSAFE:
        await _check_csrf(request, ctx.csrf)
    return ctx


# What routes declare: `ctx: PageCtx` for pages, `ctx: ApiCtx` for the API.
PageCtx = Annotated[Ctx, Depends(page_ctx)]
ApiCtx = Annotated[Ctx, Depends(api_ctx)]


def login_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target)}", status_code=303)


def problem_text(exc: Exception, tr: Translator) -> str:
    if isinstance(exc, Problem):
        return exc.text(tr.language)
    return str(exc)


def hidden_csrf(ctx: Ctx | None) -> Markup:
    token = ctx.csrf if ctx else ""
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(token)
