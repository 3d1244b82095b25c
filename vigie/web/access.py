"""Who may do and see what: roles, token scopes and agency shares, enforced through one Scope object
that every page, API route and query receives. See docs/access.md"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, exists, select, true

from vigie.store import schema
from vigie.web import tables as T
from vigie.web.auth import ROLES
from vigie.web.errors import Forbidden, NotFound

# The role an action needs, and the token scope of the same name.
ACTIONS: dict[str, str] = {"read": "viewer", "write": "editor", "admin": "admin"}
# Kinds of objects an organisation shares with an agency team. Later features add theirs here.
SHAREABLE: tuple[str, ...] = ("watch", "incident", "campaign")


@dataclass(frozen=True)
class Scope:
    """One user (or API token) in one workspace.

    ``restricted`` is true for a member of an outside agency: it then sees only the objects shared
    with its teams (``shared``), and mentions only through the shared watches.
    """

    workspace_id: int
    user_id: int | None
    actor: str
    role: str
    restricted: bool = False
    team_ids: frozenset[int] = frozenset()
    shared: dict[str, frozenset[int]] = field(default_factory=dict)
    token_scopes: frozenset[str] | None = None  # None: a browser session, limited by the role only

    # -- actions -----------------------------------------------------------------------------
    def allows(self, action: str) -> bool:
        needed = ACTIONS.get(action, action)
        if ROLES.index(self.role) < ROLES.index(needed):
            return False
        if self.token_scopes is not None:
            scope = "admin" if needed in ("admin", "owner") else action
            return scope in self.token_scopes
        return True

    def require(self, action: str) -> None:
        if not self.allows(action):
            raise Forbidden("error.forbidden")

    def require_unrestricted(self) -> None:
        """For organisation-wide things an agency never sees (sources, settings, audit)."""
        if self.restricted:
            raise Forbidden("error.forbidden")

    # -- objects -----------------------------------------------------------------------------
    def visible(self, object_type: str) -> frozenset[int] | None:
        """The ids of this kind the user may see, or None for all of them."""
        if not self.restricted:
            return None
        return self.shared.get(object_type, frozenset())

    def can_see(self, object_type: str, object_id: int | None) -> bool:
        ids = self.visible(object_type)
        return ids is None or (object_id is not None and int(object_id) in ids)

    def check(self, object_type: str, object_id: int | None) -> None:
        """NotFound, not Forbidden: another team's objects must not even be known to exist."""
        if not self.can_see(object_type, object_id):
            raise NotFound("error.not_found")

    def clause(self, object_type: str, column: Any) -> ColumnElement[bool]:
        ids = self.visible(object_type)
        return true() if ids is None else column.in_(sorted(ids))

    def mention_clause(self, mention_id: Any) -> ColumnElement[bool]:
        """Mentions an agency may read: those matched by a watch shared with it."""
        ids = self.visible("watch")
        if ids is None:
            return true()
        mm = schema.mention_matches
        return exists(select(mm.c.mention_id).where(mm.c.mention_id == mention_id, mm.c.watch_id.in_(sorted(ids))))

    def check_mention(self, mention: dict[str, Any] | None) -> dict[str, Any]:
        if mention is None or int(mention["workspace_id"]) != self.workspace_id:
            raise NotFound("error.not_found")
        ids = self.visible("watch")
        if ids is not None and not ids.intersection(mention.get("watch_ids") or []):
            raise NotFound("error.not_found")
        return mention


def load_scope(engine: Any, user_id: int, workspace_id: int, actor: str,
               token_scopes: list[str] | None = None) -> Scope | None:
    """The scope of a member, or None when the user is not a member of this workspace."""
    m, tm, teams = T.memberships, T.team_members, T.teams
    with engine.connect() as conn:
        role = conn.execute(select(m.c.role).where(m.c.user_id == user_id, m.c.workspace_id == workspace_id)).scalar()
        if role is None:
            return None
        kinds = conn.execute(select(teams.c.id, teams.c.kind).join(tm, tm.c.team_id == teams.c.id).where(
            tm.c.user_id == user_id, teams.c.workspace_id == workspace_id)).all()
        agency = frozenset(tid for tid, kind in kinds if kind == "agency")
        # A department membership or an administrator's role outweighs an agency membership.
        restricted = bool(agency) and not any(kind == "department" for _, kind in kinds) \
            and role not in ("admin", "owner")
        shared: dict[str, set[int]] = {}
        if restricted:
            for object_type, object_id in conn.execute(select(T.shares.c.object_type, T.shares.c.object_id).where(
                    T.shares.c.team_id.in_(sorted(agency)))):
                shared.setdefault(object_type, set()).add(int(object_id))
    return Scope(workspace_id=workspace_id, user_id=user_id, actor=actor, role=role, restricted=restricted,
                 team_ids=frozenset(tid for tid, _ in kinds),
                 shared={k: frozenset(v) for k, v in shared.items()},
                 token_scopes=frozenset(token_scopes) if token_scopes is not None else None)
