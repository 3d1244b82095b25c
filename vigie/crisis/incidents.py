"""Incidents: opening (from alerts or by hand), validated status changes, deadlines and reminders, the
append-only timeline, linked alerts and mentions, closing with a review. See docs/crisis-room.md"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, exists, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from vigie.crisis import ROLES, SEVERITIES, STATUSES, tables
from vigie.crisis import alerts as alert_source
from vigie.exceptions import BadRequest
from vigie.i18n import t
from vigie.store import schema
from vigie.store.mentions import as_utc

INC, E = tables.incidents, tables.incident_events
D, IM = tables.incident_deadlines, tables.incident_mentions

# Where each status may go next. Closing is allowed early (a false alarm) but always needs the review.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "detected": ("assessing", "closed"),
    "assessing": ("responding", "monitoring", "closed"),
    "responding": ("monitoring",),
    "monitoring": ("responding", "closed"),
    "closed": (),
}
REVIEW_FIELDS = ("review_summary", "review_went_well", "review_to_improve")
OPEN = ("detected", "assessing", "responding", "monitoring")
# Ingest stamps collected_at when a run starts and commits later: re-reading a margin before the
# last check catches batches committed after it; linking twice is a no-op.
CHECK_MARGIN = timedelta(minutes=15)
_DATES = ("detected_at", "opened_at", "acknowledged_at", "assessed_at", "first_statement_at", "closed_at",
          "mentions_checked_at", "updated_at")


def _now() -> datetime:
    return datetime.now(UTC)


def _row(row: Any) -> dict[str, Any]:
    out = dict(row)
    for key in _DATES:
        if key in out:
            out[key] = as_utc(out[key])
    return out


def add_event(conn: Connection, incident: dict[str, Any], kind: str, at: datetime, author: str | None = None,
              text: str | None = None, data: dict[str, Any] | None = None) -> None:
    """One timeline row; rows are only ever inserted."""
    conn.execute(insert(E).values(workspace_id=incident["workspace_id"], incident_id=incident["id"], at=at,
                                  kind=kind, author=author, text=text, data=data))


def open_incident(store: Any, workspace_id: int, title: str, *, scenario: str | None = None,
                  severity: str = "moderate", owner: str | None = None, alert_ids: list[int] | None = None,
                  watch_ids: list[int] | None = None, mention_ids: list[int] | None = None,
                  placeholders: dict[str, str] | None = None, by: str | None = None,
                  detected_at: datetime | None = None, assessment_minutes: float = 30, statement_minutes: float = 60,
                  lookback_hours: float = 6, now: datetime | None = None) -> dict[str, Any]:
    """Open an incident, copying the scenario playbook's checklist and the crisis team's roles.

    ``detected_at`` is when the first linked alert fired (or now, by hand) unless given (a warning
    that came by phone before anyone opened the incident); the deadlines count from it.
    """
    from vigie.crisis import playbooks

    now = now or _now()
    if not title.strip():
        raise BadRequest(t("incident.title_required"))
    if severity not in SEVERITIES:
        raise BadRequest(t("incident.bad_severity", severity=severity, known=", ".join(SEVERITIES)))
    alert_ids = sorted(set(alert_ids or []))
    alerts = alert_source.fetch_alerts(store, workspace_id, alert_ids)
    if alerts is not None and len(alerts) != len(alert_ids):
        missing = sorted(set(alert_ids) - {a["id"] for a in alerts})
        raise BadRequest(t("incident.unknown_alerts", ids=", ".join(map(str, missing))))
    watches = list(dict.fromkeys([*(watch_ids or []), *(w for a in alerts or [] for w in alert_source.watch_ids(a))]))
    fired = [f for f in (alert_source.fired_at(a) for a in alerts or []) if f is not None]
    detected = detected_at or min(fired, default=now)
    playbook = playbooks.get_playbook(store, workspace_id, scenario) if scenario else None
    with store.engine.connect() as conn:
        team = {r.role: r for r in conn.execute(select(tables.crisis_contacts).where(
            tables.crisis_contacts.c.workspace_id == workspace_id))}
    with store.engine.begin() as conn:
        incident_id = conn.execute(insert(INC).values(
            workspace_id=workspace_id, title=title.strip(), scenario=scenario, severity=severity,
            status="detected", owner=owner, watch_ids=watches, placeholders=dict(placeholders or {}),
            detected_at=detected, opened_at=now,
            playbook_id=playbook["id"] if playbook else None, mentions_checked_at=now, updated_at=now,
        ).returning(INC.c.id)).scalar_one()
        incident = {"id": incident_id, "workspace_id": workspace_id}
        add_event(conn, incident, "status", now, by, None, {"to": "detected", "alerts": alert_ids})
        conn.execute(insert(D), [
            {"workspace_id": workspace_id, "incident_id": incident_id, "kind": kind,
             "due_at": detected + timedelta(minutes=minutes)}
            for kind, minutes in (("first_assessment", assessment_minutes), ("first_statement", statement_minutes))])
        if alert_ids:
            conn.execute(insert(tables.incident_alerts), [
                {"incident_id": incident_id, "alert_id": a, "workspace_id": workspace_id, "linked_at": now}
                for a in alert_ids])
        if playbook:
            conn.execute(insert(tables.incident_steps), [
                {"workspace_id": workspace_id, "incident_id": incident_id, "position": i + 1,
                 "text_fr": s["fr"], "text_en": s["en"]} for i, s in enumerate(playbook["steps"])])
        roles = [{"workspace_id": workspace_id, "incident_id": incident_id, "role": role,
                  "person": team[role].name, "contact": team[role].contact, "assigned_at": now}
                 for role in ROLES if role in team]
        if roles:
            conn.execute(insert(tables.incident_roles), roles)
        explicit = {*(mention_ids or []), *(m for a in alerts or [] for m in alert_source.mention_ids(a))}
        _link_mentions(store, conn, incident_id, workspace_id, sorted(explicit), "alert" if alerts else "manual", now)
        if watches:
            since = detected - timedelta(hours=lookback_hours)
            _link_watch_mentions(store, conn, incident_id, workspace_id, watches,
                                 schema.mentions.c.published_at >= since, now)
    snapshot(store, incident_id, now)
    return get_incident(store, incident_id)


def _insert_ignore(store: Any, table: Any) -> Any:
    dialect = postgresql if store.dialect == "postgresql" else sqlite
    return dialect.insert(table)


def _link_mentions(store: Any, conn: Connection, incident_id: int, workspace_id: int, ids: list[int],
                   how: str, now: datetime) -> int:
    if not ids:
        return 0
    m = schema.mentions
    valid = list(conn.execute(select(m.c.id).where(m.c.workspace_id == workspace_id, m.c.id.in_(ids))).scalars())
    if not valid:
        return 0
    stmt = _insert_ignore(store, IM).values([
        {"incident_id": incident_id, "mention_id": mid, "workspace_id": workspace_id, "how": how, "linked_at": now}
        for mid in valid]).on_conflict_do_nothing().returning(IM.c.mention_id)
    return len(conn.execute(stmt).all())  # RETURNING: rowcount is not reliable for this on every driver


def _link_watch_mentions(store: Any, conn: Connection, incident_id: int, workspace_id: int,
                         watch_ids: list[int], condition: Any, now: datetime) -> int:
    """Link every mention of these watches meeting ``condition`` that is not linked yet, in one statement."""
    from sqlalchemy import literal

    m, mm = schema.mentions, schema.mention_matches
    chosen = select(literal(incident_id), m.c.id, literal(workspace_id), literal("watch"), literal(now)).where(
        m.c.workspace_id == workspace_id, condition,
        exists().where(mm.c.mention_id == m.c.id, mm.c.watch_id.in_(watch_ids)),
        ~exists().where(IM.c.incident_id == incident_id, IM.c.mention_id == m.c.id))
    stmt = _insert_ignore(store, IM).from_select(
        ["incident_id", "mention_id", "workspace_id", "how", "linked_at"], chosen,
    ).on_conflict_do_nothing().returning(IM.c.mention_id)
    return len(conn.execute(stmt).all())


def attach_new_mentions(store: Any, workspace_id: int, since: datetime | None = None,
                        now: datetime | None = None, lookback_hours: float = 6) -> dict[int, int]:
    """Link new mentions matching an open incident's watches; call it after each ingest run.

    "New" means collected since ``since`` (default: each incident's last check, less a margin for
    batches committed late) and published no earlier than ``lookback_hours`` before detection, so
    an import of old clippings never joins today's incident. Linking is idempotent. Returns
    incident id -> mentions linked; each incident that grew gets a volume snapshot on its timeline.
    """
    now = now or _now()
    grown: dict[int, int] = {}
    for incident in list_incidents(store, workspace_id, open_only=True):
        if not incident["watch_ids"]:
            continue
        start = since or (incident["mentions_checked_at"] or incident["opened_at"]) - CHECK_MARGIN
        published = func.coalesce(schema.mentions.c.published_at, schema.mentions.c.collected_at)
        condition = and_(schema.mentions.c.collected_at >= start,
                         published >= incident["detected_at"] - timedelta(hours=lookback_hours))
        with store.engine.begin() as conn:
            n = _link_watch_mentions(store, conn, incident["id"], workspace_id, incident["watch_ids"], condition, now)
            conn.execute(update(INC).where(INC.c.id == incident["id"]).values(mentions_checked_at=now))
        if n:
            grown[incident["id"]] = n
            snapshot(store, incident["id"], now)
    return grown


def set_placeholders(store: Any, incident_id: int, values: dict[str, str]) -> dict[str, Any]:
    """Values for the incident's statements ({product}, {website}, ...), merged with those already set."""
    incident = get_incident(store, incident_id)
    merged = {**(incident["placeholders"] or {}), **values}
    with store.engine.begin() as conn:
        conn.execute(update(INC).where(INC.c.id == incident_id).values(placeholders=merged, updated_at=_now()))
    return get_incident(store, incident_id)


def link_mentions(store: Any, incident_id: int, mention_ids: list[int], now: datetime | None = None) -> int:
    incident = get_incident(store, incident_id)
    with store.engine.begin() as conn:
        return _link_mentions(store, conn, incident_id, incident["workspace_id"], mention_ids, "manual", now or _now())


def snapshot(store: Any, incident_id: int, now: datetime | None = None) -> dict[str, Any]:
    """Volume, reach and (when measured) sentiment of the linked mentions, added to the timeline."""
    from vigie.crisis.review import linked_stats

    now = now or _now()
    incident = get_incident(store, incident_id)
    data = linked_stats(store, incident_id, now)
    with store.engine.begin() as conn:
        add_event(conn, incident, "snapshot", now, None, None, data)
    return data


def get_incident(store: Any, incident_id: int, workspace_id: int | None = None) -> dict[str, Any]:
    with store.engine.connect() as conn:
        row = conn.execute(select(INC).where(INC.c.id == incident_id)).mappings().first()
    if row is None or (workspace_id is not None and row["workspace_id"] != workspace_id):
        raise BadRequest(t("incident.unknown", id=incident_id))
    return _row(row)


def list_incidents(store: Any, workspace_id: int, status: str | None = None,
                   open_only: bool = False) -> list[dict[str, Any]]:
    query = select(INC).where(INC.c.workspace_id == workspace_id)
    if status:
        query = query.where(INC.c.status == status)
    if open_only:
        query = query.where(INC.c.status.in_(OPEN))
    with store.engine.connect() as conn:
        return [_row(r) for r in conn.execute(query.order_by(INC.c.id.desc())).mappings()]


def transition(store: Any, incident_id: int, status: str, by: str | None = None, now: datetime | None = None,
               review: dict[str, str] | None = None) -> dict[str, Any]:
    """Move to ``status`` if the workflow allows it. The update is conditional on the status read,
    so two people moving the same incident at once cannot both succeed from a stale view."""
    now = now or _now()
    incident = get_incident(store, incident_id)
    current = incident["status"]
    if status not in STATUSES:
        raise BadRequest(t("incident.bad_status", status=status, known=", ".join(STATUSES)))
    if status not in TRANSITIONS[current]:
        raise BadRequest(t("incident.bad_transition", id=incident_id, current=current, status=status,
                           allowed=", ".join(TRANSITIONS[current]) or "-"))
    values: dict[str, Any] = {"status": status, "updated_at": now}
    if current == "detected":
        values["acknowledged_at"] = func.coalesce(INC.c.acknowledged_at, now)
    assessed = status in ("responding", "monitoring", "closed")
    if assessed:
        values["assessed_at"] = func.coalesce(INC.c.assessed_at, now)
    if status == "closed":
        review = {k: (review or {}).get(k, "").strip() for k in REVIEW_FIELDS}
        missing = [k for k, v in review.items() if not v]
        if missing:
            raise BadRequest(t("incident.review_required", id=incident_id, fields=", ".join(missing)))
        from vigie.crisis.review import review_figures

        values.update(review, closed_at=now, review_figures=review_figures(store, {**incident, "closed_at": now}, now))
    with store.engine.begin() as conn:
        done = conn.execute(update(INC).where(INC.c.id == incident_id, INC.c.status == current).values(**values)).rowcount
        if not done:
            raise BadRequest(t("incident.changed_meanwhile", id=incident_id))
        if assessed:
            conn.execute(update(D).where(D.c.incident_id == incident_id, D.c.kind == "first_assessment",
                                         D.c.met_at.is_(None)).values(met_at=now))
        add_event(conn, incident, "status", now, by, None, {"from": current, "to": status})
    return get_incident(store, incident_id)


def acknowledge(store: Any, incident_id: int, by: str, now: datetime | None = None) -> dict[str, Any]:
    """Someone takes the incident: detected -> assessing, which sets acknowledged_at; its alerts
    are acknowledged with it."""
    now = now or _now()
    row = transition(store, incident_id, "assessing", by, now)
    with store.engine.connect() as conn:
        ws = conn.execute(select(schema.workspaces).where(schema.workspaces.c.id == row["workspace_id"])).mappings().one()
        ids = list(conn.execute(select(tables.incident_alerts.c.alert_id).where(
            tables.incident_alerts.c.incident_id == incident_id)).scalars())
    alert_source.acknowledge(store, dict(ws), ids, by, now)
    return row


def close_incident(store: Any, incident_id: int, review: dict[str, str], by: str | None = None,
                   now: datetime | None = None) -> dict[str, Any]:
    """Close with the review (summary, what went well, what to improve); the figures are computed and kept."""
    return transition(store, incident_id, "closed", by, now, review)


def add_note(store: Any, incident_id: int, text: str, author: str, kind: str = "note",
             now: datetime | None = None) -> None:
    """Append a note or a decision, signed. Never an update, so concurrent writers never lose one."""
    if kind not in ("note", "decision"):
        raise BadRequest(t("incident.bad_note_kind", kind=kind))
    if not text.strip() or not author.strip():
        raise BadRequest(t("incident.note_needs_text_and_author"))
    incident = get_incident(store, incident_id)
    with store.engine.begin() as conn:
        add_event(conn, incident, kind, now or _now(), author.strip(), text.strip())


def assign_role(store: Any, incident_id: int, role: str, person: str, contact: str | None = None,
                by: str | None = None, now: datetime | None = None) -> None:
    if role not in ROLES:
        raise BadRequest(t("incident.bad_role", role=role, known=", ".join(ROLES)))
    now = now or _now()
    incident = get_incident(store, incident_id)
    r = tables.incident_roles
    with store.engine.begin() as conn:
        changed = conn.execute(update(r).where(r.c.incident_id == incident_id, r.c.role == role).values(
            person=person, contact=contact, assigned_at=now)).rowcount
        if not changed:
            conn.execute(insert(r).values(workspace_id=incident["workspace_id"], incident_id=incident_id, role=role,
                                          person=person, contact=contact, assigned_at=now))
        add_event(conn, incident, "role", now, by, None, {"role": role, "person": person})


def notify_stakeholder(store: Any, incident_id: int, stakeholder: str, channel: str, by: str | None = None,
                       note: str | None = None, now: datetime | None = None) -> None:
    now = now or _now()
    incident = get_incident(store, incident_id)
    with store.engine.begin() as conn:
        conn.execute(insert(tables.stakeholder_notifications).values(
            workspace_id=incident["workspace_id"], incident_id=incident_id, stakeholder=stakeholder,
            channel=channel, notified_at=now, notified_by=by, note=note))
        add_event(conn, incident, "stakeholder", now, by, note, {"stakeholder": stakeholder, "channel": channel})


def complete_step(store: Any, incident_id: int, position: int, by: str, now: datetime | None = None) -> None:
    now = now or _now()
    incident = get_incident(store, incident_id)
    s = tables.incident_steps
    with store.engine.begin() as conn:
        done = conn.execute(update(s).where(s.c.incident_id == incident_id, s.c.position == position,
                                            s.c.done_at.is_(None)).values(done_at=now, done_by=by)).rowcount
        if not done:
            raise BadRequest(t("incident.bad_step", id=incident_id, step=position))
        add_event(conn, incident, "step", now, by, None, {"step": position})


def record_first_statement(conn: Connection, incident_id: int, when: datetime, by: str | None,
                           statement: dict[str, Any]) -> None:
    """Called inside the publishing transaction: first_statement_at, the deadline and the timeline."""
    conn.execute(update(INC).where(INC.c.id == incident_id, INC.c.first_statement_at.is_(None)).values(
        first_statement_at=when, updated_at=when))
    conn.execute(update(D).where(D.c.incident_id == incident_id, D.c.kind == "first_statement",
                                 D.c.met_at.is_(None)).values(met_at=when))
    add_event(conn, {"id": incident_id, "workspace_id": statement["workspace_id"]}, "statement", when, by, None,
              {"statement_id": statement["id"], "format": statement["format"], "language": statement["language"]})


def overdue(store: Any, workspace_id: int, now: datetime | None = None) -> list[dict[str, Any]]:
    """Missed deadlines of open incidents: the reminders to show."""
    now = now or _now()
    query = select(D, INC.c.title).join(INC, INC.c.id == D.c.incident_id).where(
        and_(D.c.workspace_id == workspace_id, D.c.met_at.is_(None), D.c.due_at < now, INC.c.status.in_(OPEN))
    ).order_by(D.c.due_at)
    with store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
    for row in rows:
        row["due_at"] = as_utc(row["due_at"])
        row["late_s"] = round((now - row["due_at"]).total_seconds())
    return rows


def timeline(store: Any, incident_id: int) -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(E).where(E.c.incident_id == incident_id).order_by(E.c.at, E.c.id)).mappings()
        return [{**dict(r), "at": as_utc(r["at"])} for r in rows]


def details(store: Any, incident_id: int, workspace_id: int | None = None,
            now: datetime | None = None) -> dict[str, Any]:
    """Everything `incident show` prints: roles, steps, deadlines, alerts, statements, timeline."""
    from vigie.crisis.statements import incident_statements

    incident = get_incident(store, incident_id, workspace_id)
    with store.engine.connect() as conn:
        def rows(table: Any) -> list[dict[str, Any]]:
            return [dict(r) for r in conn.execute(select(table).where(table.c.incident_id == incident_id)).mappings()]

        incident["roles"] = rows(tables.incident_roles)
        incident["steps"] = sorted(rows(tables.incident_steps), key=lambda s: s["position"])
        incident["deadlines"] = rows(D)
        incident["alert_ids"] = [r["alert_id"] for r in rows(tables.incident_alerts)]
        incident["stakeholders"] = rows(tables.stakeholder_notifications)
        incident["mention_count"] = int(conn.execute(select(func.count()).select_from(IM).where(
            IM.c.incident_id == incident_id)).scalar_one())
    now = now or _now()
    for deadline in incident["deadlines"]:
        deadline["due_at"], deadline["met_at"] = as_utc(deadline["due_at"]), as_utc(deadline["met_at"])
        deadline["missed"] = deadline["met_at"] is None and deadline["due_at"] < now and incident["status"] in OPEN
    incident["statements"] = incident_statements(store, incident_id)
    incident["timeline"] = timeline(store, incident_id)
    return incident
