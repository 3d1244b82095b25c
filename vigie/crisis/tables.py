"""Crisis-room tables: incidents and their timeline, playbooks (versioned), statements, the organisation's
crisis team, drills. See docs/crisis-room.md"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from vigie.store.schema import metadata
from vigie.store.schema import workspace_column as _ws


def _incident() -> Column:
    return Column("incident_id", Integer, ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False)


incidents = Table(
    "incidents", metadata,
    Column("id", Integer, primary_key=True),
    _ws(),
    Column("title", Text, nullable=False),
    Column("scenario", String(64), nullable=True),  # a playbook id: recall, data-breach, ...
    Column("playbook_id", Integer, nullable=True),  # the playbook version row copied at opening
    Column("severity", String(16), nullable=False, server_default="moderate"),
    Column("status", String(16), nullable=False, server_default="detected"),
    Column("owner", String(200), nullable=True),
    Column("watch_ids", JSON, nullable=False, default=list),  # new matching mentions attach themselves
    Column("placeholders", JSON, nullable=False, default=dict),  # {product}, {website}... for its statements
    Column("detected_at", DateTime(timezone=True), nullable=False),  # first alert, or opening by hand
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("acknowledged_at", DateTime(timezone=True), nullable=True),
    Column("assessed_at", DateTime(timezone=True), nullable=True),
    Column("first_statement_at", DateTime(timezone=True), nullable=True),
    Column("closed_at", DateTime(timezone=True), nullable=True),
    Column("mentions_checked_at", DateTime(timezone=True), nullable=True),
    Column("review_summary", Text, nullable=True),
    Column("review_went_well", Text, nullable=True),
    Column("review_to_improve", Text, nullable=True),
    Column("review_figures", JSON, nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_incidents_workspace_status", "workspace_id", "status"),
)

incident_deadlines = Table(
    "incident_deadlines", metadata,
    Column("id", Integer, primary_key=True),
    _ws(),
    _incident(),
    Column("kind", String(32), nullable=False),  # first_assessment, first_statement
    Column("due_at", DateTime(timezone=True), nullable=False),
    Column("met_at", DateTime(timezone=True), nullable=True),
    Column("reminded_at", DateTime(timezone=True), nullable=True),
    UniqueConstraint("incident_id", "kind", name="uq_incident_deadlines_kind"),
)

incident_roles = Table(
    "incident_roles", metadata,
    Column("id", Integer, primary_key=True),
    _ws(),
    _incident(),
    Column("role", String(32), nullable=False),  # lead, spokesperson, legal, social_media, agency_contact
    Column("person", String(200), nullable=False),
    Column("contact", String(300), nullable=True),
    Column("assigned_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("incident_id", "role", name="uq_incident_roles_role"),
)

# NOTE: alert_id carries no foreign key: the alerts table belongs to vigie/signals and may not exist
# in every installation (or at all, in the first release of the crisis room).
incident_alerts = Table(
    "incident_alerts", metadata,
    Column("incident_id", Integer, ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True),
    Column("alert_id", Integer, primary_key=True, autoincrement=False),
    _ws(),
    Column("linked_at", DateTime(timezone=True), nullable=False),
)

incident_mentions = Table(
    "incident_mentions", metadata,
    Column("incident_id", Integer, ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True),
    Column("mention_id", BigInteger, ForeignKey("mentions.id", ondelete="CASCADE"), primary_key=True),
    _ws(),
    Column("how", String(16), nullable=False, server_default="watch"),  # watch, alert, manual
    Column("linked_at", DateTime(timezone=True), nullable=False),
    Index("ix_incident_mentions_mention", "mention_id"),
)

# Append-only: notes, decisions and automatic events are inserted, never updated, so two people
# writing at once can never overwrite each other.
incident_events = Table(
    "incident_events", metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    _ws(),
    _incident(),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("kind", String(16), nullable=False),  # note, decision, status, snapshot, alert, role, ...
    Column("author", String(200), nullable=True),  # None for automatic events
    Column("text", Text, nullable=True),
    Column("data", JSON, nullable=True),
    Index("ix_incident_events_incident", "incident_id", "at"),
)

incident_steps = Table(
    "incident_steps", metadata,
    Column("id", Integer, primary_key=True),
    _ws(),
    _incident(),
    Column("position", Integer, nullable=False),
    Column("text_fr", Text, nullable=False),
    Column("text_en", Text, nullable=False),
    Column("done_at", DateTime(timezone=True), nullable=True),
    Column("done_by", String(200), nullable=True),
    UniqueConstraint("incident_id", "position", name="uq_incident_steps_position"),
)

stakeholder_notifications = Table(
    "stakeholder_notifications", metadata,
    Column("id", Integer, primary_key=True),
    _ws(),
    _incident(),
    Column("stakeholder", String(300), nullable=False),  # who: "Conseil municipal", "Ministère", ...
    Column("channel", String(64), nullable=False),  # phone, email, meeting, sms, ...
    Column("notified_at", DateTime(timezone=True), nullable=False),
    Column("notified_by", String(200), nullable=True),
    Column("note", Text, nullable=True),
)

# One row per version: an edit inserts version n+1 and leaves the history untouched.
playbooks = Table(
    "playbooks", metadata,
    Column("id", Integer, primary_key=True),
    _ws(),
    Column("slug", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("scenario", String(64), nullable=False),
    Column("title_fr", Text, nullable=False),
    Column("title_en", Text, nullable=False),
    Column("steps", JSON, nullable=False, default=list),  # [{"fr": ..., "en": ...}]
    Column("approvers", JSON, nullable=False, default=list),  # roles who approve statements
    Column("contacts", JSON, nullable=False, default=list),  # roles to reach, filled from the crisis team
    Column("document", Text, nullable=False),  # the YAML as written, for `playbook edit`
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(200), nullable=True),
    UniqueConstraint("workspace_id", "slug", "version", name="uq_playbooks_slug_version"),
)

# Templates belong to a playbook version (incident_id NULL); an incident's own statements are
# rendered copies (incident_id set). Only approved rows may be published.
statements = Table(
    "statements", metadata,
    Column("id", Integer, primary_key=True),
    _ws(),
    Column("playbook_id", Integer, ForeignKey("playbooks.id", ondelete="CASCADE"), nullable=True),
    Column("incident_id", Integer, ForeignKey("incidents.id", ondelete="CASCADE"), nullable=True),
    Column("template_id", Integer, nullable=True),  # the template an incident statement came from
    Column("language", String(8), nullable=False),
    Column("format", String(32), nullable=False),
    Column("text", Text, nullable=False),
    Column("status", String(16), nullable=False, server_default="draft"),  # draft, approved
    Column("approved_by", String(200), nullable=True),
    Column("approved_at", DateTime(timezone=True), nullable=True),
    Column("published_at", DateTime(timezone=True), nullable=True),
    Column("published_by", String(200), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_statements_playbook", "playbook_id", "language", "format"),
    Index("ix_statements_incident", "incident_id"),
)

# The organisation's crisis team: who holds each role, how to reach them, when it was last confirmed.
crisis_contacts = Table(
    "crisis_contacts", metadata,
    Column("id", Integer, primary_key=True),
    _ws(),
    Column("role", String(32), nullable=False),
    Column("name", String(200), nullable=False),
    Column("contact", String(300), nullable=True),  # phone and/or e-mail, as people write them
    Column("confirmed_at", DateTime(timezone=True), nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("workspace_id", "role", name="uq_crisis_contacts_role"),
)

drills = Table(
    "drills", metadata,
    Column("id", Integer, primary_key=True),
    _ws(),  # the real workspace the drill prepares
    Column("sandbox_workspace_id", Integer, nullable=True),
    Column("scenario", String(64), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("results", JSON, nullable=True),
)
