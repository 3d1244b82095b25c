"""Missed-deadline reminders sent through the alert channels, once per deadline. See docs/crisis-room.md"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update

from vigie.crisis import incidents, tables
from vigie.i18n import t
from vigie.signals import tables as T
from vigie.signals.alerts import AlertBook, Job
from vigie.store import schema

log = logging.getLogger(__name__)
KIND = "incident_reminder"
# The signals' scale is info / warning / critical: a missed crisis deadline is worth waking someone
# for, and only critical alerts skip quiet hours.
SEVERITY = "critical"


def _deadline_name(kind: str, language: str) -> str:
    name = t(f"incident.deadline.{kind}", language)
    return kind if name == f"incident.deadline.{kind}" else name


def _record(store: Any, book: AlertBook, deadline: dict[str, Any], now: datetime) -> list[Job] | None:
    """Claim the deadline and record its reminder in one transaction: the alert, its outbox rows and
    the timeline event. None when another process (or an earlier run) claimed it first."""
    D = tables.incident_deadlines
    language = book.language
    minutes = max(1, round(deadline["late_s"] / 60))
    name = _deadline_name(deadline["kind"], language)
    title = t("incident.reminder_alert", language, id=deadline["incident_id"], title=deadline["title"],
              deadline=name, minutes=minutes)
    explanation = {"incident_id": deadline["incident_id"], "incident_title": deadline["title"],
                   "deadline": deadline["kind"], "due_at": deadline["due_at"].isoformat(), "late_s": deadline["late_s"]}
    with store.engine.begin() as conn:
        # The conditional update is the claim: reminded_at is set once, by one transaction, ever.
        won = conn.execute(update(D).where(D.c.id == deadline["id"], D.c.reminded_at.is_(None),
                                           D.c.met_at.is_(None)).values(reminded_at=now)).rowcount
        if not won:
            return None
        alert_id = int(conn.execute(insert(T.alerts).values(
            uid=str(uuid.uuid4()), workspace_id=book.workspace_id, kind=KIND, severity=SEVERITY, title=title,
            explanation=explanation, group_key=f"incident:{deadline['incident_id']}:{deadline['kind']}",
            status="open", created_at=now, updated_at=now,
        ).returning(T.alerts.c.id)).scalar_one())
        # Linked like the alerts an incident was opened from: acknowledging the incident stops its retries.
        conn.execute(insert(tables.incident_alerts).values(
            incident_id=deadline["incident_id"], alert_id=alert_id, workspace_id=book.workspace_id, linked_at=now))
        jobs = book.queue(conn, alert_id, [], now)  # every enabled channel, due now
        incidents.add_event(conn, {"id": deadline["incident_id"], "workspace_id": book.workspace_id}, "reminder", now,
                            None, t("incident.reminder_sent", language, deadline=name, channels=len(jobs)),
                            {"deadline": deadline["kind"], "alert_id": alert_id, "channels": len(jobs)})
    log.info("incident %s: %s reminder recorded as alert %s (%d channels)", deadline["incident_id"],
             deadline["kind"], alert_id, len(jobs))
    return jobs


def send_due_reminders(store: Any, workspace_id: int, settings: Any = None, now: datetime | None = None,
                       dispatcher: Any = None) -> int:
    """Send one reminder per missed deadline of an open incident not reminded yet; returns how many
    were recorded. Delivery, its log and its retries are the alert outbox's (vigie.signals)."""
    now = now or datetime.now(UTC)
    due = [d for d in incidents.overdue(store, workspace_id, now) if d["reminded_at"] is None]
    if not due:
        return 0
    with store.engine.connect() as conn:
        workspace = dict(conn.execute(select(schema.workspaces).where(
            schema.workspaces.c.id == workspace_id)).mappings().one())
    book = AlertBook(store, workspace, settings)
    jobs: list[Job] = []
    sent = 0
    for deadline in due:
        claimed = _record(store, book, deadline, now)
        if claimed is not None:
            sent += 1
            jobs += claimed
    if jobs:
        from vigie.signals.channels.delivery import Dispatcher

        # Sent inline: a failed attempt is left pending in the outbox, and the alert engine's tick
        # (or any dispatcher's run_due) retries it with the usual backoff.
        own = dispatcher is None
        sender = dispatcher or Dispatcher(store, settings, background=False)
        try:
            sender.submit(jobs)
        finally:
            if own:
                sender.close(0)
    return sent
