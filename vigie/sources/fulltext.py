"""Optional full-text fetch of a feed entry's article with trafilatura, honouring robots.txt. See docs/sources-feeds.md"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from vigie.exceptions import FetchError

log = logging.getLogger(__name__)

MIN_TEXT_CHARS = 200  # shorter extractions are usually cookie banners or paywall teasers
_CLIENT_ERRORS = tuple(range(400, 500))
_DISALLOW_ALL = ["User-agent: *", "Disallow: /"]


class FullTextFetcher:
    """Article text for a URL, or None; never raises, so a failure leaves the entry's summary.

    robots.txt is fetched through the context's HttpClient (same guard, size cap and politeness)
    once per scheme+host and kept for the life of the fetcher, that is one connector run.
    """

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.user_agent = str(ctx.settings.get("user_agent") or "Vigie")
        self._robots: dict[str, RobotFileParser] = {}

    def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return False
        host = f"{parts.scheme}://{parts.netloc}"
        if host not in self._robots:
            self._robots[host] = self._load_robots(host)
        return self._robots[host].can_fetch(self.user_agent, url)

    def _load_robots(self, host: str) -> RobotFileParser:
        robots = RobotFileParser(f"{host}/robots.txt")
        try:
            response = self.ctx.http.get(f"{host}/robots.txt", ok_statuses=_CLIENT_ERRORS)
        except FetchError as exc:
            # RFC 9309: an unreachable robots.txt (5xx, network) means "disallow everything".
            log.info("robots.txt of %s unreachable (%s): not fetching its pages", host, exc)
            robots.parse(_DISALLOW_ALL)
            return robots
        if response.status_code in (401, 403):
            robots.parse(_DISALLOW_ALL)
        elif response.status_code >= 400:
            robots.parse([])  # no robots.txt: no restriction
        else:
            robots.parse(response.content.decode("utf-8", "replace").splitlines())
        return robots

    def text_of(self, url: str) -> str | None:
        """Main text of the article at ``url`` when robots.txt allows it and extraction works."""
        try:
            if not self.allowed(url):
                log.debug("robots.txt disallows %s", url)
                return None
            response = self.ctx.http.get(url)
            content_type = response.headers.get("content-type", "text/html").lower()
            if "html" not in content_type:
                return None
            import trafilatura  # slow to import: only when full text is on

            text = trafilatura.extract(response.content, url=str(response.url),
                                       include_comments=False, include_tables=False)
        except ImportError as exc:  # a broken install, not a bad page: say so loudly
            log.warning("full text disabled: trafilatura cannot be imported: %s", exc)
            return None
        except Exception as exc:  # any failure just keeps the summary
            log.info("full text of %s not fetched: %s", url.split("?")[0], exc)
            return None
        text = (text or "").strip()
        return text if len(text) >= MIN_TEXT_CHARS else None
