"""The dispatcher: sends queued alerts, logs every attempt before and after it, retries with backoff
until a 2xx or the retry limit, and never sends a delivered alert again. See docs/alerts.md"""

from __future__ import annotations

import logging
import queue
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, insert, or_, select, update

from vigie.net import HttpClient
from vigie.signals import tables as T
from vigie.signals.alerts import Job
from vigie.signals.channels import SendResult, build_channel
from vigie.signals.explain import render_text
from vigie.store.mentions import as_utc

log = logging.getLogger(__name__)
S, D = T.alert_sends, T.alert_deliveries
STALE_S = 300.0  # a send claimed this long ago by a process that died is claimed again
MAX_DELAY_S = 3600.0


def payload(alert: dict[str, Any], workspace: dict[str, Any], language: str) -> dict[str, Any]:
    """What every channel renders from: the alert row, public fields only."""
    created = as_utc(alert["created_at"])
    out = {"id": alert["id"], "uid": alert["uid"], "workspace": workspace.get("slug"),
           "workspace_name": workspace.get("name"), "kind": alert["kind"], "severity": alert["severity"],
           "title": alert["title"], "watch_id": alert["watch_id"], "story_id": alert["story_id"],
           "status": alert["status"], "created_at": created.isoformat() if created else None,
           "explanation": alert["explanation"] or {}}
    out["text"] = render_text(out, language)
    return out


class Dispatcher:
    """One per store and process. ``background=True`` sends from a daemon thread (ingest never waits
    for a receiver); ``False`` sends inline, which tests and `vigie alerts test` use."""

    POLL_S = 1.0

    def __init__(self, store: Any, settings: Any = None, *, http: HttpClient | None = None,
                 background: bool = True) -> None:
        get = settings.get if settings is not None else (lambda _k, d=None: d)
        self.store = store
        self.retries = int(get("alert_retries", 8) if get("alert_retries", 8) is not None else 8)
        self.backoff = float(get("alert_backoff", 5.0) or 0.0)
        # Retries are ours (each one logged), so the client itself never retries nor waits.
        self.http = http or (HttpClient.from_settings(settings, retries=0, politeness_delay=0.0) if settings
                             else HttpClient(retries=0, politeness_delay=0.0))
        self.background = background
        self._queue: queue.Queue[Job] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._prepared: dict[int, tuple[dict[str, Any], dict[str, Any], dict[str, Any]]] = {}
        self.sent = 0

    # -- entry points ------------------------------------------------------------------------
    def submit(self, jobs: list[Job]) -> None:
        if not jobs:
            return
        if not self.background:
            for job in jobs:
                self.attempt(job)
            return
        for job in jobs:
            # Read the rows here, in the caller's thread: the sender thread then only posts, which
            # matters when it competes with ingest for the interpreter.
            try:
                self._prepared[job.delivery_id] = self._load(job)
            except Exception:  # noqa: BLE001 - the sender reads them itself
                pass
            self._queue.put(job)
        self._ensure_thread()

    def run_due(self, now: datetime | None = None) -> int:
        """Claim and send every delivery whose time has come (retries, quiet hours that ended,
        sends orphaned by a process that stopped). Returns the number of attempts made."""
        jobs = self.claim_due(now or datetime.now(UTC))
        for job in jobs:
            self.attempt(job)
        return len(jobs)

    # -- claiming -----------------------------------------------------------------------------
    def claim_due(self, now: datetime, limit: int = 100) -> list[Job]:
        stale = now - timedelta(seconds=STALE_S)
        with self.store.engine.connect() as conn:
            rows = conn.execute(select(S).where(or_(
                and_(S.c.status == "pending", S.c.next_attempt_at <= now),
                and_(S.c.status == "sending", S.c.claimed_at < stale),
            )).order_by(S.c.next_attempt_at).limit(limit)).mappings().all()
        jobs = []
        for row in rows:
            with self.store.engine.begin() as conn:
                # Compare-and-set on the row as read: another process claiming it first wins.
                won = conn.execute(update(S).where(
                    S.c.id == row["id"], S.c.status == row["status"], S.c.attempts == row["attempts"],
                ).values(status="sending", attempts=row["attempts"] + 1, claimed_at=now)).rowcount
                if not won:
                    continue
                attempt = int(row["attempts"]) + 1
                delivery_id = int(conn.execute(insert(D).values(
                    workspace_id=row["workspace_id"], send_id=row["id"], alert_id=row["alert_id"],
                    channel_id=row["channel_id"], attempt=attempt, status="sending", started_at=now,
                ).returning(D.c.id)).scalar_one())
            jobs.append(Job(int(row["id"]), delivery_id, int(row["alert_id"]), int(row["channel_id"]), attempt))
        return jobs

    # -- one attempt ----------------------------------------------------------------------------
    def attempt(self, job: Job) -> SendResult:
        try:
            prepared = self._prepared.pop(job.delivery_id, None)
            alert, channel_row, workspace = prepared if prepared is not None else self._load(job)
            language = workspace.get("language") or "fr"
            channel = build_channel(channel_row, self.http, language)
            result = channel.send(payload(alert, workspace, language))
        except Exception as exc:  # noqa: BLE001 - a broken channel config must not stop the others
            result = SendResult(False, None, f"{type(exc).__name__}: {exc}"[:500])
        self.record(job, result)
        return result

    def _load(self, job: Job) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        from vigie.store import schema

        with self.store.engine.connect() as conn:
            alert = dict(conn.execute(select(T.alerts).where(T.alerts.c.id == job.alert_id)).mappings().one())
            channel = dict(conn.execute(select(T.alert_channels).where(
                T.alert_channels.c.id == job.channel_id)).mappings().one())
            workspace = dict(conn.execute(select(schema.workspaces).where(
                schema.workspaces.c.id == alert["workspace_id"])).mappings().one())
        return alert, channel, workspace

    def record(self, job: Job, result: SendResult, now: datetime | None = None) -> None:
        """Write the attempt's outcome; after a 2xx the send is `delivered` and never claimed again."""
        now = now or datetime.now(UTC)
        with self.store.engine.begin() as conn:
            conn.execute(update(D).where(D.c.id == job.delivery_id).values(
                status="ok" if result.ok else "error", response_status=result.status,
                error=(result.error or None) and result.error[:1000], finished_at=now))
            if result.ok:
                conn.execute(update(S).where(S.c.id == job.send_id).values(status="delivered", delivered_at=now))
            elif job.attempt > self.retries:
                conn.execute(update(S).where(S.c.id == job.send_id).values(status="failed"))
            else:
                delay = min(self.backoff * 2 ** (job.attempt - 1), MAX_DELAY_S)
                conn.execute(update(S).where(S.c.id == job.send_id, S.c.status == "sending").values(
                    status="pending", next_attempt_at=now + timedelta(seconds=delay), claimed_at=None))
        if result.ok:
            self.sent += 1
            log.info("alert %s delivered to channel %s (attempt %d)", job.alert_id, job.channel_id, job.attempt)
        else:
            log.warning("alert %s to channel %s, attempt %d failed: %s", job.alert_id, job.channel_id,
                        job.attempt, result.error)
            if job.attempt <= self.retries and self.background:
                self._ensure_thread()

    # -- the background thread ----------------------------------------------------------------------
    def _ensure_thread(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._stop.clear()
                self._thread = threading.Thread(target=self._loop, name="vigie-alerts", daemon=True)
                self._thread.start()

    def _loop(self) -> None:
        last_poll = 0.0
        while not self._stop.is_set() or not self._queue.empty():
            try:
                job = self._queue.get(timeout=self.POLL_S)
            except queue.Empty:
                job = None
            if job is not None:
                self.attempt(job)
                self._queue.task_done()
            if time.monotonic() - last_poll >= self.POLL_S and not self._stop.is_set():
                last_poll = time.monotonic()
                try:
                    self.run_due()
                except Exception:  # noqa: BLE001 - the store may be closing; the next pass retries
                    log.exception("alert delivery pass failed")

    def close(self, timeout: float = 10.0) -> None:
        """Send what is queued (up to ``timeout`` seconds), then stop the thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self.http.close()
