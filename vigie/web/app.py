"""The FastAPI application: pages, the REST API under /api/, vendored static files, one error
handler for HTML and JSON, and strict security headers. See docs/web.md"""

from __future__ import annotations

import hashlib
import importlib
import logging
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException

from vigie import __version__
from vigie.exceptions import BadRequest
from vigie.web import tables as T
from vigie.web.auth import Accounts
from vigie.web.context import (
    WebState,
    anonymous_translator,
    hidden_csrf,
    login_redirect,
    problem_text,
    render,
)
from vigie.web.errors import NotSignedIn, Problem
from vigie.web.nav import default_nav

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
TEMPLATES, STATIC = HERE / "templates", HERE / "static"
# One line per view module; each has `router` and `register(nav)`. Later features add theirs here.
VIEW_MODULES: tuple[str, ...] = (
    "vigie.web.views.auth",
    "vigie.web.views.overview",
    "vigie.web.views.mentions",
    "vigie.web.views.watches",
    "vigie.web.views.sources",
    "vigie.web.views.alerts",
    "vigie.web.views.crisis",
    "vigie.web.views.settings",
    "vigie.web.views.people",
    "vigie.web.views.apidocs",
)
API_MODULES: tuple[str, ...] = (
    "vigie.web.api.core",
    "vigie.web.api.mentions",
    "vigie.web.api.admin",
    "vigie.web.api.signals",
)
# NOTE: no 'unsafe-inline' anywhere: injected markup cannot run script or restyle the page even if
# something slipped past escaping. SVG charts use presentation attributes and classes only.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


class SecurityHeaders:
    """Pure ASGI middleware (no per-request task overhead) adding the headers above."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS
            await send(message)

        await self.app(scope, receive, with_headers)


def ensure_tables(store: Any) -> None:
    """Create the web tables and indexes missing from a store made before the web existed
    (create_all skips what exists, so this is cheap on every start)."""
    T.metadata.create_all(store.engine, tables=list(T.WEB_TABLES), checkfirst=True)
    for index in T.MENTION_INDEXES:
        index.create(store.engine, checkfirst=True)


def _static_version() -> str:
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(STATIC.rglob("*")):
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def safe_url(value: str | None) -> str:
    """Outsiders' links only if they are http(s): autoescaping does not stop `javascript:` URLs."""
    if value and value.strip().lower().startswith(("http://", "https://")):
        return value.strip()
    return ""


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html", "svg"]),
                      trim_blocks=True, lstrip_blocks=True)
    version = _static_version()
    env.globals.update(static=lambda path: f"/static/{path}?v={version}", csrf_field=hidden_csrf,
                       version=__version__)
    env.filters["safe_url"] = safe_url
    return env


def create_app(vigie: Any = None, *, secure_cookies: bool | None = None) -> FastAPI:
    """The web app over a Vigie instance (settings + store); builds one from the settings if None."""
    if vigie is None:
        from vigie.app import Vigie

        vigie = Vigie()
    settings = vigie.settings
    ensure_tables(vigie.store)
    accounts = Accounts(vigie.store, session_hours=float(settings.get("web_session_hours", 12)),
                        max_attempts=int(settings.get("web_login_attempts", 5)))
    web = WebState(vigie, accounts, _environment(), default_nav(),
                   secure_cookies=bool(settings.get("web_secure_cookies", False)
                                       if secure_cookies is None else secure_cookies))
    app = FastAPI(title="Vigie API", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json",
                  description="Vigie's REST API. Authenticate with `Authorization: Bearer <token>` "
                              "(create tokens under Settings → API tokens). See docs/api.md.")
    app.state.web = web
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    for name in VIEW_MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "register"):
            module.register(web.nav)
        app.include_router(module.router)
    for name in API_MODULES:
        app.include_router(importlib.import_module(name).router, prefix="/api")
    _handlers(app, web)
    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _handlers(app: FastAPI, web: WebState) -> None:
    def error_page(request: Request, status: int, text: str) -> Response:
        tr = getattr(request.state, "tr", None) or anonymous_translator(request)
        if _wants_json(request):
            return JSONResponse({"error": text}, status_code=status)
        if request.headers.get("HX-Request") == "true":
            return HTMLResponse(render(web, "_error.html", tr=tr, status=status, message=text), status_code=status)
        return HTMLResponse(render(web, "error.html", tr=tr, status=status, message=text), status_code=status)

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        if _wants_json(request):
            return JSONResponse({"error": exc.key, "message": str(exc)}, status_code=401,
                                headers={"WWW-Authenticate": "Bearer"})
        if request.headers.get("HX-Request") == "true":
            return Response(status_code=401, headers={"HX-Redirect": "/login"})
        return login_redirect(request)

    @app.exception_handler(Problem)
    async def problem(request: Request, exc: Problem) -> Response:
        tr = getattr(request.state, "tr", None) or anonymous_translator(request)
        headers = {"Retry-After": str(exc.retry_after)} if hasattr(exc, "retry_after") else None
        if _wants_json(request):
            return JSONResponse({"error": exc.key, "message": exc.text(tr.language)}, status_code=exc.status,
                                headers=headers)
        response = error_page(request, exc.status, problem_text(exc, tr))
        if headers:
            response.headers.update(headers)
        return response

    @app.exception_handler(BadRequest)
    async def bad_request(request: Request, exc: BadRequest) -> Response:
        return error_page(request, 400, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if _wants_json(request):
            return JSONResponse({"error": "invalid", "detail": exc.errors()}, status_code=422)
        tr = anonymous_translator(request)
        fields = ", ".join(str(e.get("loc", ["?"])[-1]) for e in exc.errors())
        return error_page(request, 400, tr("error.invalid_fields", fields=fields))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        tr = anonymous_translator(request)
        text = tr("error.not_found") if exc.status_code == 404 else str(exc.detail)
        return error_page(request, exc.status_code, text)
