"""Tables of the web command center: accounts, teams, shares, sessions, tokens, audit, triage, counts.
See docs/access.md"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
    text,
)

from vigie.store import schema
from vigie.store.schema import metadata

# NOTE: users are people, not organisation data: one account can belong to several workspaces
# (an agency serving two clients) through `memberships`, which carries the role per workspace.
users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(254), nullable=False, unique=True),  # stored lower-case; the login name
    Column("name", String(200), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("language", String(8), nullable=True),  # None: the workspace's language
    Column("timezone", String(64), nullable=True),  # None: the workspace's time zone
    Column("active", Boolean, nullable=False, server_default=text("true")),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_login_at", DateTime(timezone=True), nullable=True),
)

memberships = Table(
    "memberships", metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("workspace_id", Integer, ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(16), nullable=False),  # owner, admin, editor, viewer
    Column("created_at", DateTime(timezone=True), nullable=False),
)

teams = Table(
    "teams", metadata,
    Column("id", Integer, primary_key=True),
    Column("workspace_id", Integer, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("kind", String(16), nullable=False),  # department (sees everything) or agency (sees shares)
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("workspace_id", "name", name="uq_teams_workspace_name"),
)

team_members = Table(
    "team_members", metadata,
    Column("team_id", Integer, ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("workspace_id", Integer, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_team_members_user", "user_id", "workspace_id"),
)

# What an agency team may see: object_type is "watch", "incident" or "campaign" (and whatever later
# features declare); object_id is that object's id in its own table.
shares = Table(
    "shares", metadata,
    Column("team_id", Integer, ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    Column("object_type", String(32), primary_key=True),
    Column("object_id", BigInteger, primary_key=True, autoincrement=False),
    Column("workspace_id", Integer, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    Column("created_by", Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_shares_object", "workspace_id", "object_type", "object_id"),
)

# Server-side sessions: the cookie holds a random token, the table only its SHA-256, so a copy of
# the database does not hand out live sessions.
sessions = Table(
    "web_sessions", metadata,
    Column("id", String(64), primary_key=True),  # sha256 hex of the cookie token
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("workspace_id", Integer, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("ip", String(64), nullable=True),
    Column("user_agent", String(300), nullable=True),
    Index("ix_web_sessions_user", "user_id"),
)

login_failures = Table(
    "login_failures", metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(300), nullable=False),  # "user:<email>" or "ip:<address>"
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_login_failures_key", "key", "created_at"),
)

api_tokens = Table(
    "api_tokens", metadata,
    Column("id", Integer, primary_key=True),
    Column("workspace_id", Integer, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),  # shown in lists so a token can be recognised
    Column("scopes", JSON, nullable=False),  # read, write, admin
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_used_at", DateTime(timezone=True), nullable=True),
    Column("expires_at", DateTime(timezone=True), nullable=True),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)

audit_log = Table(
    "audit_log", metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("workspace_id", Integer, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("actor", String(300), nullable=False),  # kept when the user is deleted
    Column("action", String(64), nullable=False),
    Column("object_type", String(32), nullable=True),
    Column("object_id", String(64), nullable=True),
    Column("detail", JSON, nullable=True),
    Column("ip", String(64), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_audit_log_workspace", "workspace_id", "id"),
)

tags = Table(
    "tags", metadata,
    Column("id", Integer, primary_key=True),
    Column("workspace_id", Integer, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("workspace_id", "name", name="uq_tags_workspace_name"),
)

mention_tags = Table(
    "mention_tags", metadata,
    Column("mention_id", BigInteger, ForeignKey("mentions.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", Integer, ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
    Column("workspace_id", Integer, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    Column("created_by", Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_mention_tags_tag", "tag_id", "mention_id"),
)

assignments = Table(
    "assignments", metadata,
    Column("mention_id", BigInteger, ForeignKey("mentions.id", ondelete="CASCADE"), primary_key=True),
    Column("workspace_id", Integer, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("assigned_by", Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("status", String(16), nullable=False, server_default="open"),  # open, done
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_assignments_user", "workspace_id", "user_id", "status"),
)

# Pre-aggregated mention counts per organisation day (in the workspace's time zone), channel and
# sentiment; watch_id 0 counts every mention once, other rows count a watch's matches. The overview
# reads these instead of scanning a million mentions (see vigie/web/rollup.py).
mention_rollup = Table(
    "mention_rollup", metadata,
    Column("workspace_id", Integer, primary_key=True, autoincrement=False),
    Column("watch_id", Integer, primary_key=True, autoincrement=False),
    Column("day", Integer, primary_key=True, autoincrement=False),  # days since 1970-01-01, local
    Column("channel", String(16), primary_key=True),
    Column("sentiment", String(16), primary_key=True),  # "" when not analysed
    Column("n", BigInteger, nullable=False),
    sqlite_with_rowid=False,
)

rollup_state = Table(
    "rollup_state", metadata,
    Column("workspace_id", Integer, ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True,
           autoincrement=False),
    Column("watermark", BigInteger, nullable=False),  # highest mention id counted
    Column("timezone", String(64), nullable=False),
    Column("refreshed_at", DateTime(timezone=True), nullable=False),
)

# The mention list filters by channel, newest first; without this index a rare channel means
# walking the whole (workspace_id, published_at) index. Reported to the store's owner.
mentions_by_channel = Index("ix_mentions_workspace_channel_published", schema.mentions.c.workspace_id,
                            schema.mentions.c.channel, schema.mentions.c.published_at)

WEB_TABLES = (users, memberships, teams, team_members, shares, sessions, login_failures, api_tokens,
              audit_log, tags, mention_tags, assignments, mention_rollup, rollup_state)
MENTION_INDEXES = (mentions_by_channel,)
