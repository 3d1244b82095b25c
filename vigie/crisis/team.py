"""The organisation's crisis team: who holds each role, how to reach them, when it was confirmed.
See docs/crisis-room.md"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update

from vigie.crisis import ROLES, tables
from vigie.exceptions import BadRequest
from vigie.i18n import t
from vigie.store.mentions import as_utc

C = tables.crisis_contacts


def _now() -> datetime:
    return datetime.now(UTC)


def set_member(store: Any, workspace_id: int, role: str, name: str, contact: str | None = None,
               confirmed: bool = True, now: datetime | None = None) -> dict[str, Any]:
    """Name the holder of a role. Setting it counts as confirming it unless ``confirmed`` is False."""
    if role not in ROLES:
        raise BadRequest(t("incident.bad_role", role=role, known=", ".join(ROLES)))
    if not name.strip():
        raise BadRequest(t("team.name_required"))
    now = now or _now()
    values = {"name": name.strip(), "contact": (contact or "").strip() or None, "updated_at": now,
              "confirmed_at": now if confirmed else None}
    with store.engine.begin() as conn:
        if not conn.execute(update(C).where(C.c.workspace_id == workspace_id, C.c.role == role).values(**values)).rowcount:
            conn.execute(insert(C).values(workspace_id=workspace_id, role=role, **values))
    return next(m for m in list_members(store, workspace_id) if m["role"] == role)


def confirm(store: Any, workspace_id: int, roles: list[str] | None = None, now: datetime | None = None) -> int:
    """Record that these roles (all by default) were checked and are still right."""
    query = update(C).where(C.c.workspace_id == workspace_id)
    if roles:
        query = query.where(C.c.role.in_(roles))
    with store.engine.begin() as conn:
        return int(conn.execute(query.values(confirmed_at=now or _now())).rowcount)


def list_members(store: Any, workspace_id: int) -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(select(C).where(C.c.workspace_id == workspace_id)).mappings()]
    for row in rows:
        row["confirmed_at"], row["updated_at"] = as_utc(row["confirmed_at"]), as_utc(row["updated_at"])
    return sorted(rows, key=lambda r: ROLES.index(r["role"]))


def contact_line(member: dict[str, Any] | None) -> str | None:
    """"Name, contact": what a statement's {contact} placeholder becomes."""
    if not member:
        return None
    return ", ".join(v for v in (member.get("name") or member.get("person"), member.get("contact")) if v)
