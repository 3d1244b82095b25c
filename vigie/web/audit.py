"""The audit log: who changed what, when, from where; rows are only ever added. See docs/access.md"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select

from vigie.store.mentions import as_utc
from vigie.web import tables as T


def record(engine: Any, scope: Any, action: str, object_type: str | None = None, object_id: Any = None,
           detail: dict[str, Any] | None = None, ip: str | None = None) -> None:
    """One entry. ``scope`` is the acting Scope, or None for the system (first run, CLI)."""
    with engine.begin() as conn:
        conn.execute(insert(T.audit_log).values(
            workspace_id=scope.workspace_id if scope else None, user_id=scope.user_id if scope else None,
            actor=scope.actor if scope else "system", action=action, object_type=object_type,
            object_id=None if object_id is None else str(object_id), detail=detail, ip=ip,
            created_at=datetime.now(UTC)))


def entries(engine: Any, workspace_id: int, *, before: int | None = None, limit: int = 100,
            action: str | None = None) -> list[dict[str, Any]]:
    """Newest first; ``before`` is the last id of the previous page."""
    a = T.audit_log
    query = select(a).where(a.c.workspace_id == workspace_id)
    if before is not None:
        query = query.where(a.c.id < before)
    if action:
        query = query.where(a.c.action == action)
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(query.order_by(a.c.id.desc()).limit(limit)).mappings()]
    for row in rows:
        row["created_at"] = as_utc(row["created_at"])
    return rows
