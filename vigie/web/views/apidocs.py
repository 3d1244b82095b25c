"""/api: a readable reference of the REST API, rendered from its own OpenAPI description (the usual
Swagger page would load scripts from a CDN). See docs/api.md"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from vigie.web.context import PageCtx

router = APIRouter(include_in_schema=False)
METHODS = ("get", "post", "put", "patch", "delete")


def operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for path, item in sorted(spec.get("paths", {}).items()):
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = [{"name": p["name"], "in": p["in"], "required": p.get("required", False),
                       "description": p.get("description", "")} for p in op.get("parameters", [])]
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            out.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                        "tag": (op.get("tags") or [""])[0], "params": params,
                        "body": body.get("$ref", "").rsplit("/", 1)[-1]})
    return out


@router.get("/api", response_class=HTMLResponse)
def api_reference(ctx: PageCtx) -> HTMLResponse:
    spec = ctx.request.app.openapi()
    return ctx.render("api.html", ops=operations(spec), schemas=spec.get("components", {}).get("schemas", {}))
