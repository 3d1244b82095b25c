"""The one HTTP client connectors use: private-network guard, size cap, retries with backoff,
per-host politeness and conditional GET. See docs/sources.md"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx

from vigie.exceptions import FetchError, PayloadTooLarge
from vigie.urls import check_public_url

log = logging.getLogger(__name__)
# NOTE: httpx logs every request line with its full query string (API keys included) at INFO.
logging.getLogger("httpx").setLevel(logging.WARNING)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class HttpClient:
    """Wraps ``httpx.Client``. Tests pass ``transport=`` or point connectors at loopback servers
    with ``allow_private_networks=True``."""

    def __init__(
        self,
        *,
        allow_private_networks: bool = False,
        timeout: float = 20.0,
        retries: int = 3,
        backoff: float = 1.0,
        politeness_delay: float = 1.0,
        max_bytes: int = 20_000_000,
        user_agent: str = "Vigie",
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.allow_private_networks = allow_private_networks
        self.retries = retries
        self.backoff = backoff
        self.politeness_delay = politeness_delay
        self.max_bytes = max_bytes
        self.sleep = sleep
        self._last_request: dict[str, float] = {}
        self._lock = threading.Lock()
        self.client = httpx.Client(
            timeout=timeout,
            follow_redirects=True,
            max_redirects=5,
            headers={"User-Agent": user_agent},
            transport=transport,
            # Every hop, redirects included, goes through the guard.
            event_hooks={"request": [self._guard]},
        )

    @classmethod
    def from_settings(cls, settings: Any, **overrides: Any) -> HttpClient:
        kwargs: dict[str, Any] = dict(
            allow_private_networks=bool(settings["allow_private_networks"]),
            timeout=float(settings["http_timeout"]),
            retries=int(settings["http_retries"]),
            backoff=float(settings["http_backoff"]),
            politeness_delay=float(settings["politeness_delay"]),
            max_bytes=int(settings["max_response_bytes"]),
            user_agent=str(settings["user_agent"]),
        )
        kwargs.update(overrides)
        return cls(**kwargs)

    def _guard(self, request: httpx.Request) -> None:
        check_public_url(str(request.url), self.allow_private_networks)

    def _be_polite(self, url: str) -> None:
        host = urlsplit(url).netloc
        with self._lock:
            last = self._last_request.get(host)
            now = time.monotonic()
            wait = 0.0 if last is None else self.politeness_delay - (now - last)
            self._last_request[host] = now + max(wait, 0.0)
        if wait > 0:
            self.sleep(wait)

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        data: Any = None,
        json: Any = None,
        ok_statuses: tuple[int, ...] = (),
    ) -> httpx.Response:
        """Send with retries on time-outs, 429 and 5xx (honouring Retry-After); raise FetchError
        on a final failure or a non-2xx status not listed in ``ok_statuses``."""
        attempt = 0
        while True:
            self._be_polite(url)
            try:
                response = self._send(method, url, headers=headers, params=params, data=data, json=json)
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                if attempt >= self.retries:
                    raise FetchError(f"{method} {_safe(url)}: {type(exc).__name__}: {exc}") from exc
                delay = self.backoff * 2**attempt
            else:
                status = response.status_code
                if 200 <= status < 300 or status in ok_statuses:
                    return response
                if status not in RETRY_STATUSES or attempt >= self.retries:
                    raise FetchError(f"{method} {_safe(url)}: HTTP {status}: {response.text[:200]}")
                delay = _retry_after(response) or self.backoff * 2**attempt
            attempt += 1
            log.info("retrying %s in %.1fs (attempt %d)", _safe(url), delay, attempt)
            self.sleep(delay)

    def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        with self.client.stream(method, url, **kwargs) as response:
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > self.max_bytes:
                raise PayloadTooLarge(f"{_safe(url)}: {declared} bytes > cap {self.max_bytes}")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > self.max_bytes:
                    raise PayloadTooLarge(f"{_safe(url)}: more than {self.max_bytes} bytes")
                chunks.append(chunk)
            # Build a finished response whose .content is what we read.
            return httpx.Response(
                response.status_code,
                headers=response.headers,
                content=b"".join(chunks),
                request=response.request,
                extensions={"http_version": response.extensions.get("http_version", b"HTTP/1.1")},
            )

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def get_json(self, url: str, **kwargs: Any) -> Any:
        response = self.get(url, **kwargs)
        try:
            return response.json()
        except ValueError as exc:
            raise FetchError(f"GET {_safe(url)}: response is not JSON: {exc}") from exc

    def get_conditional(self, url: str, state: dict[str, str], **kwargs: Any) -> httpx.Response | None:
        """GET with If-None-Match / If-Modified-Since from ``state``; None when the server says 304.
        ``state`` is updated with the new validators (the caller stores it in its cursor)."""
        headers = dict(kwargs.pop("headers", None) or {})
        if state.get("etag"):
            headers["If-None-Match"] = state["etag"]
        if state.get("last_modified"):
            headers["If-Modified-Since"] = state["last_modified"]
        response = self.get(url, headers=headers, ok_statuses=(304,), **kwargs)
        if response.status_code == 304:
            return None
        for header, key in (("etag", "etag"), ("last-modified", "last_modified")):
            if response.headers.get(header):
                state[key] = response.headers[header]
        return response

    def close(self) -> None:
        self.client.close()


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    return min(float(value), 300.0) if value.isdigit() else None


def _safe(url: str) -> str:
    """The URL without its query string: keys and tokens travel there and must not reach logs."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}" + ("?…" if parts.query else "")
