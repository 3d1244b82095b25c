"""What the crisis room reads from early-warning alerts (vigie/signals), tolerant of its absence.
See docs/crisis-room.md"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Table, inspect, select

from vigie.store.mentions import as_utc
from vigie.store.schema import metadata

# The first of these columns an alert row has is taken as the moment it fired.
_TIME_COLUMNS = ("fired_at", "triggered_at", "detected_at", "created_at", "at")


def alerts_table() -> Table | None:
    """The signals' alerts table when that feature is installed, else None."""
    try:
        import vigie.signals.tables  # noqa: F401  (registers the table on the shared metadata)
    except ImportError:
        return None
    return metadata.tables.get("alerts")


def fetch_alerts(store: Any, workspace_id: int, alert_ids: list[int]) -> list[dict[str, Any]] | None:
    """The alert rows with these ids in this workspace; None when no alerts table exists."""
    table = alerts_table()
    # The table may be known to the code but absent from an older store: treat it as absent.
    if table is None or not inspect(store.engine).has_table(table.name):
        return None
    if not alert_ids:
        return []
    query = select(table).where(table.c.id.in_(alert_ids))
    if "workspace_id" in table.c:
        query = query.where(table.c.workspace_id == workspace_id)
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def fired_at(alert: dict[str, Any]) -> datetime | None:
    for column in _TIME_COLUMNS:
        if alert.get(column) is not None:
            return as_utc(alert[column])
    return None


def watch_ids(alert: dict[str, Any]) -> list[int]:
    """The watches an alert is about: a watch_id column, or watch ids in its JSON."""
    found: list[int] = []
    if alert.get("watch_id") is not None:
        found.append(int(alert["watch_id"]))
    for key in ("watch_ids", "watches"):
        value = alert.get(key)
        if isinstance(value, list):
            found += [int(v) for v in value if isinstance(v, int | str) and str(v).isdigit()]
    return list(dict.fromkeys(found))


def mention_ids(alert: dict[str, Any]) -> list[int]:
    """Mentions an alert points at, when it records them (mention rules keep them in its explanation)."""
    explanation: dict[str, Any] = alert["explanation"] if isinstance(alert.get("explanation"), dict) else {}
    for value in (alert.get("mention_ids"), explanation.get("mention_ids")):
        if isinstance(value, list):
            return [int(v) for v in value if isinstance(v, int)]
    return []


def acknowledge(store: Any, workspace: dict[str, Any], alert_ids: list[int], by: str | None,
                now: datetime) -> None:
    """Acknowledge an incident's alerts with it, so their pending deliveries stop."""
    if not alert_ids or fetch_alerts(store, int(workspace["id"]), alert_ids) is None:
        return
    from vigie.signals.alerts import AlertBook

    book = AlertBook(store, workspace)
    for alert_id in alert_ids:
        book.acknowledge(alert_id, by, now)
