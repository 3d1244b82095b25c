"""Vigie = settings + store + plugins, and the fetch of one source through the ingest runner. See docs/architecture.md"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from vigie.exceptions import FetchError, NotConfigured, VigieError
from vigie.ingest import Ingestor, RunStats
from vigie.net import HttpClient
from vigie.plugins import build_analyzers, source_classes
from vigie.settings import Settings
from vigie.sources.base import SourceContext
from vigie.store import Store

log = logging.getLogger("vigie")


@dataclass
class FetchOutcome:
    source: str
    status: str  # ok, error, disabled
    stats: RunStats
    message: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "status": self.status, "message": self.message, **self.stats.as_dict()}


class Vigie:
    def __init__(self, settings: Settings | None = None, store: Store | None = None,
                 http: HttpClient | None = None) -> None:
        self.settings = settings or Settings()
        self.store = store or Store.from_settings(self.settings)
        self.http = http or HttpClient.from_settings(self.settings)

    @cached_property
    def analyzers(self) -> list[Any]:
        """Built once per process: models load in about a second and are shared by every fetch."""
        return build_analyzers(self.settings)

    def workspace(self, slug: str | None = None) -> dict[str, Any]:
        return self.store.get_workspace(slug)

    def context(self, workspace: dict[str, Any]) -> SourceContext:
        return SourceContext(http=self.http, settings=self.settings, workspace=workspace,
                             watches=self.store.list_watches(workspace["id"], active_only=True),
                             log=logging.getLogger("vigie.sources"))

    def build_source(self, source: dict[str, Any], workspace: dict[str, Any]) -> Any:
        classes = source_classes()
        cls = classes.get(source["connector"])
        if cls is None:
            raise NotConfigured(f"unknown connector {source['connector']!r}; known: {', '.join(sorted(classes))}")
        return cls(dict(source["config"] or {}), self.context(workspace))

    def fetch(self, source: dict[str, Any], progress: Callable[[RunStats], None] | None = None) -> FetchOutcome:
        """Run one source: a missing credential disables it with the reason; any other failure is
        recorded on the source and the batches already committed stay committed."""
        workspace = self.store.workspace_by_id(source["workspace_id"])
        stats = RunStats()
        try:
            connector = self.build_source(source, workspace)
        except NotConfigured as exc:
            self.store.set_source_status(source["id"], "disabled", str(exc), error=True)
            log.warning("source %s disabled: %s", source["name"], exc)
            return FetchOutcome(source["name"], "disabled", stats, str(exc))
        run_id = self.store.start_run(source["id"])
        cursor = dict(source["cursor"] or {})
        ingestor = Ingestor(self.store, workspace, source, self.settings, analyzers=self.analyzers)
        try:
            stats = ingestor.run(connector.fetch(cursor), cursor, run_id=run_id, progress=progress)
        except (FetchError, VigieError, OSError, ValueError) as exc:
            message = f"{type(exc).__name__}: {exc}"
            self.store.finish_run(run_id, source["id"], "error", message)
            log.error("source %s failed: %s", source["name"], message)
            return FetchOutcome(source["name"], "error", stats, message)
        self.store.finish_run(run_id, source["id"], "ok")
        if stats.new:
            self._attach_to_incidents(source["workspace_id"])
        return FetchOutcome(source["name"], "ok", stats)

    def _attach_to_incidents(self, workspace_id: int) -> None:
        """New mentions matching an open incident's watches join its timeline as they arrive."""
        from vigie.crisis.incidents import attach_new_mentions

        try:
            attach_new_mentions(self.store, workspace_id,
                                lookback_hours=float(self.settings["crisis_lookback_hours"]))
        except Exception:  # the fetch succeeded; a crisis-room hiccup must not turn it into a failure
            log.exception("could not attach new mentions to open incidents")

    def fetch_all(self, workspace_id: int, only: str | None = None,
                  progress: Callable[[str, RunStats], None] | None = None) -> list[FetchOutcome]:
        outcomes = []
        for source in self.store.list_sources(workspace_id):
            if only and only not in (source["name"], str(source["id"])):
                continue
            if not source["enabled"]:
                continue
            callback = (lambda s, name=source["name"]: progress(name, s)) if progress else None
            outcomes.append(self.fetch(source, progress=callback))
        return outcomes

    def close(self) -> None:
        self.http.close()
        self.store.close()
