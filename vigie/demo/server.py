"""A tiny threaded HTTP server on 127.0.0.1 that plays the demo's feeds and API-shaped JSON to the real
connectors, with ETag support. See docs/demo.md"""

from __future__ import annotations

import hashlib
import json
import threading
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

CONTENT_TYPES = {".xml": "application/rss+xml; charset=utf-8", ".atom": "application/atom+xml; charset=utf-8",
                 ".json": "application/json; charset=utf-8", ".csv": "text/csv; charset=utf-8"}
TOKEN = {"access_token": "demo-simulation-token", "token_type": "bearer", "expires_in": 86400, "scope": "*"}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    root: Path
    cache: dict[Path, Any]
    lock: threading.Lock

    def load(self, relative: str) -> Any:
        """A JSON file of the root, parsed once: pages of the same timeline reuse it."""
        path = self.root / relative
        with self.lock:
            if path not in self.cache:
                self.cache[path] = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
            return self.cache[path]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's signature
        pass  # the demo build reports progress itself; per-request lines would drown it

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        path = parts.path
        if path.startswith("/api/v1/timelines/tag/"):
            self._timeline(path.rsplit("/", 1)[-1], query)
        elif path.startswith("/r/") and path.rstrip("/").endswith(("/new", "/search")):
            self._listing(path.split("/")[2], query)
        elif path == "/search":
            if query.get("format") != "json":
                self._send(403, b"json format only", "text/plain")  # as a default SearXNG answers
            else:
                self._json(self.server.load("searxng/search.json"))
        else:
            self._static(path)

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if urlsplit(self.path).path == "/api/v1/access_token":
            self._json(TOKEN)
        else:
            self._send(404, b"not found", "text/plain")

    # -- the API shapes --------------------------------------------------------------------------
    def _timeline(self, tag: str, query: dict[str, str]) -> None:
        """Mastodon's hashtag timeline: newest first, max_id/since_id/min_id, Link header to older pages."""
        statuses = self.server.load(f"mastodon/{tag.lower()}.json")
        if statuses is None:
            return self._json([])
        limit = max(1, min(int(query.get("limit") or 20), 40))
        rows = statuses
        if query.get("max_id"):
            rows = [s for s in rows if int(s["id"]) < int(query["max_id"])]
        for key in ("since_id", "min_id"):
            if query.get(key):
                rows = [s for s in rows if int(s["id"]) > int(query[key])]
        page = rows[:limit]
        links = []
        base = f"http://{self.headers.get('Host')}{urlsplit(self.path).path}"
        if len(rows) > limit:
            links.append(f'<{base}?{urlencode({"limit": limit, "max_id": page[-1]["id"]})}>; rel="next"')
        if page:
            links.append(f'<{base}?{urlencode({"limit": limit, "min_id": page[0]["id"]})}>; rel="prev"')
        self._json(page, {"Link": ", ".join(links)} if links else None)

    def _listing(self, subreddit: str, query: dict[str, str]) -> None:
        """Reddit's Listing: newest first, pages chained by the ``after`` fullname."""
        children = self.server.load(f"reddit/{subreddit.lower()}.json") or []
        limit = max(1, min(int(query.get("limit") or 25), 100))
        start = 0
        if query.get("after"):
            names = [c["data"]["name"] for c in children]
            start = names.index(query["after"]) + 1 if query["after"] in names else len(children)
        page = children[start:start + limit]
        after = page[-1]["data"]["name"] if page and start + limit < len(children) else None
        self._json({"kind": "Listing", "data": {"after": after, "before": None, "dist": len(page),
                                                "children": page}})

    # -- plumbing ----------------------------------------------------------------------------------
    def _static(self, path: str) -> None:
        root = self.server.root.resolve()
        target = (root / path.lstrip("/")).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            return self._send(404, b"not found", "text/plain")
        body = target.read_bytes()
        modified = formatdate(target.stat().st_mtime, usegmt=True)
        kind = CONTENT_TYPES.get(target.suffix, "application/octet-stream")
        self._send(200, body, kind, {"Last-Modified": modified})

    def _json(self, data: Any, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        self._send(200, body, CONTENT_TYPES[".json"], headers)

    def _send(self, status: int, body: bytes, kind: str, headers: dict[str, str] | None = None) -> None:
        extra = dict(headers or {})
        if status == 200:
            etag = '"' + hashlib.sha1(body).hexdigest()[:24] + '"'
            extra["ETag"] = etag
            if etag in [t.strip() for t in (self.headers.get("If-None-Match") or "").split(",")]:
                status, body = 304, b""
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)


class DemoServer:
    """Serves ``root`` on an ephemeral loopback port until stopped; use as a context manager."""

    def __init__(self, root: Path, host: str = "127.0.0.1") -> None:
        self.root = Path(root)
        self.host = host
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the demo server is not running")
        return f"http://{self.host}:{self._server.server_address[1]}"

    def start(self) -> str:
        server = _Server((self.host, 0), _Handler)
        server.root, server.cache, server.lock = self.root, {}, threading.Lock()
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="vigie-demo-server", daemon=True)
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> DemoServer:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()
