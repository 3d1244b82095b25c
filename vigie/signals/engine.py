"""The alert engine of one workspace: called by ingest after every committed batch, it updates the
series, runs the rules and hands new alerts to the dispatcher; `tick` runs the time-driven rules.
See docs/alerts.md"""

from __future__ import annotations

import atexit
import logging
import threading
import weakref
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any

from vigie.query import Doc
from vigie.signals import rules as R
from vigie.signals.alerts import AlertBook, Job
from vigie.signals.channels.delivery import Dispatcher
from vigie.signals.series import DetectorFactory, SeriesBook, default_detector, to_epoch

log = logging.getLogger(__name__)
TICK_S = 60.0  # time-driven rules (silence, search results, digest) run at most this often from ingest


class AlertEngine:
    def __init__(self, store: Any, workspace: dict[str, Any], settings: Any = None, *,
                 dispatcher: Dispatcher | None = None, background: bool = True,
                 detector_factory: DetectorFactory = default_detector) -> None:
        self.store = store
        self.workspace = workspace
        self.settings = settings
        self.series = SeriesBook(store, workspace, settings, detector_factory=detector_factory)
        self.alerts = AlertBook(store, workspace, settings)
        self.dispatcher = dispatcher or Dispatcher(store, settings, background=background)
        self.default_interval = float(settings.get("fetch_interval", 900) if settings is not None else 900)
        self._last_tick = 0.0
        self._lock = threading.Lock()  # one batch at a time per workspace and process

    def rules(self) -> list[R.Rule]:
        # Read on every batch: rules edited from the CLI in another process apply at once.
        return R.list_rules(self.store, int(self.workspace["id"]), enabled_only=True)

    # -- ingest --------------------------------------------------------------------------------
    def observe(self, pairs: Sequence[tuple[dict[str, Any], Sequence[int]]], now: datetime | None = None) -> list[int]:
        """A committed batch: (row, watch ids) for each new mention. Returns the new alerts' ids."""
        now = now or datetime.now(UTC)
        with self._lock:
            touched = self.series.record(pairs, now)
            rules = self.rules()
            candidates = self._series_candidates(rules, touched, now)
            candidates += self._mention_candidates(rules, pairs)
            searched = any(row.get("channel") == "search_result" for row, _ in pairs)
            if searched:  # a new snapshot came in: compare it now rather than at the next tick
                candidates += self._periodic(rules, now, kinds={"search"})
            due = to_epoch(now) - self._last_tick >= TICK_S
            if due:
                self._last_tick = to_epoch(now)
                candidates += self._periodic(rules, now, kinds={"silence"} if searched else None)
            ids, jobs = self._submit(candidates, now)
            if due:
                digest_id, digest_jobs = self.alerts.digest(now)
                jobs += digest_jobs
                ids += [digest_id] if digest_id else []
        self.dispatcher.submit(jobs)
        return ids

    def tick(self, now: datetime | None = None) -> list[int]:
        """Time-driven work for a scheduler: learn closed buckets, silence and search rules, the
        daily digest, deliveries whose retry time has come."""
        now = now or datetime.now(UTC)
        with self._lock:
            rules = self.rules()
            self.series.advance(now, R.wanted_series(rules), partial(R.accepts, rules))
            self._last_tick = to_epoch(now)
            ids, jobs = self._submit(self._periodic(rules, now), now)
            digest_id, digest_jobs = self.alerts.digest(now)
        self.dispatcher.submit(jobs + digest_jobs)
        self.dispatcher.run_due(now)
        return ids + ([digest_id] if digest_id else [])

    def evaluate(self, now: datetime | None = None) -> list[int]:
        """Every rule now, on every watch (what `vigie alerts test` runs)."""
        now = now or datetime.now(UTC)
        with self._lock:
            rules = self.rules()
            watches = {w["id"] for w in self.store.list_watches(int(self.workspace["id"]), active_only=True)}
            candidates = self._series_candidates(rules, watches, now) + self._periodic(rules, now)
            ids, jobs = self._submit(candidates, now)
        self.dispatcher.submit(jobs)
        return ids

    # -- candidates -------------------------------------------------------------------------------
    def _series_candidates(self, rules: list[R.Rule], watch_ids: set[int], now: datetime) -> list[R.Candidate]:
        series_rules = [r for r in rules if r.kind in R.SERIES_KINDS]
        scoped = {w for w in watch_ids if any(r.covers(w) for r in series_rules)}
        if not scoped:
            return []
        # Only alarms a rule accepts hold the detector back (see SpikeDetector.confirm_alarm).
        readings = self.series.readings(scoped, R.wanted_series(series_rules), now, partial(R.accepts, series_rules))
        return [c for rule in series_rules for c in R.series_candidates(rule, readings)]

    def _mention_candidates(self, rules: list[R.Rule], pairs: Sequence[tuple[dict[str, Any], Sequence[int]]]) -> list[R.Candidate]:
        mention_rules = [r for r in rules if r.kind in R.MENTION_KINDS]
        if not mention_rules:
            return []
        compiled = {r.id: R.keyword_query(r.params) for r in mention_rules if r.kind == "keyword"}
        window = float(self.settings.get("near_duplicate_days", 3) if self.settings is not None else 3) * 86400
        out = []
        for row, watch_ids in pairs:
            if not watch_ids:
                continue
            doc = None
            if compiled:
                body = f"{row.get('title') or ''}\n{row.get('text') or ''}"
                doc = Doc.build(body, url=row.get("url"), author=row.get("author_handle"),
                                author_name=row.get("author_name"), language=row.get("language"))
            for rule in mention_rules:
                cand = R.mention_candidate(rule, row, list(watch_ids), doc, compiled.get(rule.id), window)
                if cand is not None:
                    out.append(cand)
        return out

    def _periodic(self, rules: list[R.Rule], now: datetime, kinds: set[str] | None = None) -> list[R.Candidate]:
        out: list[R.Candidate] = []
        for rule in rules:
            if rule.kind not in R.PERIODIC_KINDS or (kinds and rule.kind not in kinds):
                continue
            if rule.kind == "search":
                out += R.search_candidates(self.store, rule, self.workspace)
            else:
                out += R.silence_candidates(self.store, rule, self.workspace, now, self.default_interval)
        return out

    def _submit(self, candidates: list[R.Candidate], now: datetime) -> tuple[list[int], list[Job]]:
        ids, jobs = [], []
        for cand in candidates:
            alert_id, new_jobs = self.alerts.submit(cand, now)
            if alert_id is not None:
                ids.append(alert_id)
                jobs += new_jobs
        return ids, jobs

    def close(self) -> None:
        with self._lock:
            try:
                self.series.close()
            except Exception:  # noqa: BLE001 - the store may already be gone at exit; replay covers it
                log.warning("could not snapshot the detectors of workspace %s", self.workspace.get("slug"))
        self.dispatcher.close()


# -- one engine per store, workspace and process ---------------------------------------------------
_ENGINES: weakref.WeakKeyDictionary[Any, dict[int, AlertEngine]] = weakref.WeakKeyDictionary()
_REGISTRY_LOCK = threading.Lock()


def engine_for(store: Any, workspace_id: int, settings: Any = None, **kwargs: Any) -> AlertEngine:
    """The workspace's engine in this process, created on first use (settings from VIGIE_HOME when
    none are given; `vigie bench alert` and tests register theirs first)."""
    with _REGISTRY_LOCK:
        engines = _ENGINES.setdefault(store, {})
        engine = engines.get(workspace_id)
        if engine is None:
            if settings is None:
                from vigie.settings import Settings

                settings = Settings()
            workspace = next(w for w in store.list_workspaces() if w["id"] == workspace_id)
            engine = engines[workspace_id] = AlertEngine(store, workspace, settings, **kwargs)
        return engine


def forget(store: Any) -> None:
    """Close and drop a store's engines (tests, benchmarks, shutdown)."""
    with _REGISTRY_LOCK:
        engines = _ENGINES.pop(store, {})
    for engine in engines.values():
        engine.close()


def release(store: Any, workspace_id: int) -> bool:
    """Close and drop one workspace's engine (a finished drill's sandbox); True if there was one."""
    with _REGISTRY_LOCK:
        engine = _ENGINES.get(store, {}).pop(workspace_id, None)
    if engine is None:
        return False
    engine.close()
    return True


def observe(store: Any, workspace_id: int, pairs: Sequence[tuple[dict[str, Any], Sequence[int]]]) -> None:
    """The ingest hook. Alerting never breaks ingest: any failure is logged and the batch stands."""
    try:
        engine_for(store, workspace_id).observe(pairs)
    except Exception:  # noqa: BLE001
        log.exception("early-warning update failed for a batch of %d mentions", len(pairs))


@atexit.register
def _close_all() -> None:
    for store in list(_ENGINES.keys()):
        forget(store)
