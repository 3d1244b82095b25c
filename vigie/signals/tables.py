"""Early-warning tables: per-watch series buckets and detector states, alert rules, channels, alerts,
and the delivery outbox and log. See docs/alerts.md"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from vigie.store.schema import metadata
from vigie.store.schema import workspace_column as _ws


def _when(name: str, nullable: bool = False) -> Column:
    return Column(name, DateTime(timezone=True), nullable=nullable)


# One row per watch, channel kind ("*" = all channels) and 5-minute bucket. Counts are added to
# (never recomputed), so several ingesting processes can write the same bucket.
signal_buckets = Table(
    "signal_buckets", metadata,
    Column("watch_id", Integer, ForeignKey("watches.id", ondelete="CASCADE"), primary_key=True),
    Column("channel", String(16), primary_key=True),
    Column("bucket_start", DateTime(timezone=True), primary_key=True),
    _ws(),
    Column("n", BigInteger, nullable=False, server_default="0"),
    Column("negative", BigInteger, nullable=False, server_default="0"),
    Column("known", BigInteger, nullable=False, server_default="0"),  # mentions whose sentiment is known
    Column("reach", BigInteger, nullable=False, server_default="0"),
    Index("ix_signal_buckets_workspace", "workspace_id", "bucket_start"),
)

# The streaming detector of one series (watch, channel, metric), snapshotted now and then;
# `through` is the first bucket it has not learnt yet, so a restart replays the buckets after it.
signal_detectors = Table(
    "signal_detectors", metadata,
    Column("watch_id", Integer, ForeignKey("watches.id", ondelete="CASCADE"), primary_key=True),
    Column("channel", String(16), primary_key=True),
    Column("metric", String(16), primary_key=True),
    _ws(),
    _when("through"),
    Column("baseline", Float, nullable=True),
    Column("state", JSON, nullable=False),
    _when("updated_at"),
)

signal_workspaces = Table(
    "signal_workspaces", metadata,
    Column("workspace_id", Integer, ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True),
    _when("last_flush_at", nullable=True),  # the ingest heartbeat: longer silences are outages
    _when("last_tick_at", nullable=True),
    Column("digest_on", String(10), nullable=True),  # local date of the last daily digest
)

# Periods when nothing was ingested at all (Vigie stopped): their empty buckets are missing, not zero.
signal_gaps = Table(
    "signal_gaps", metadata,
    Column("id", Integer, primary_key=True),
    _ws(),
    _when("start_at"),
    _when("end_at"),
)

alert_rules = Table(
    "alert_rules", metadata,
    Column("id", Integer, primary_key=True),
    _ws(),
    Column("name", String(200), nullable=False),
    Column("kind", String(32), nullable=False),  # spike, negative_surge, high_reach, keyword, search, silence
    Column("watch_id", Integer, ForeignKey("watches.id", ondelete="CASCADE"), nullable=True),  # None: every watch
    Column("params", JSON, nullable=False, default=dict),
    Column("severity", String(16), nullable=False, server_default="warning"),  # info, warning, critical
    Column("cooldown_s", Integer, nullable=False, server_default="3600"),
    Column("quiet_hours", String(16), nullable=True),  # "22:00-07:00", workspace time zone
    Column("group_by_story", Boolean, nullable=False, server_default=text("true")),
    Column("delivery", String(16), nullable=False, server_default="immediate"),  # immediate, digest
    Column("channel_ids", JSON, nullable=False, default=list),  # empty: every enabled channel
    Column("enabled", Boolean, nullable=False, server_default=text("true")),
    _when("created_at"),
    UniqueConstraint("workspace_id", "name", name="uq_alert_rules_workspace_name"),
)

alert_channels = Table(
    "alert_channels", metadata,
    Column("id", Integer, primary_key=True),
    _ws(),
    Column("name", String(200), nullable=False),
    Column("kind", String(16), nullable=False),  # email, slack, teams, mattermost, webhook
    Column("config", JSON, nullable=False, default=dict),  # secrets stay {"$env": NAME}
    Column("enabled", Boolean, nullable=False, server_default=text("true")),
    _when("created_at"),
    UniqueConstraint("workspace_id", "name", name="uq_alert_channels_workspace_name"),
)

alerts = Table(
    "alerts", metadata,
    Column("id", Integer, primary_key=True),
    Column("uid", String(36), nullable=False, unique=True),  # the idempotency key receivers see
    _ws(),
    Column("rule_id", Integer, ForeignKey("alert_rules.id", ondelete="SET NULL"), nullable=True),
    Column("watch_id", Integer, ForeignKey("watches.id", ondelete="SET NULL"), nullable=True),
    Column("kind", String(32), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("title", Text, nullable=False),
    Column("explanation", JSON, nullable=False, default=dict),
    Column("group_key", String(128), nullable=True),
    Column("story_id", Integer, nullable=True),
    Column("status", String(16), nullable=False, server_default="open"),  # open, digest, suppressed, acknowledged
    _when("created_at"),
    _when("updated_at"),
    _when("deliver_after", nullable=True),  # held by quiet hours until then
    _when("acknowledged_at", nullable=True),
    Column("acknowledged_by", String(200), nullable=True),
    Column("digest_id", Integer, nullable=True),  # the digest alert that carried this one
    Index("ix_alerts_workspace_created", "workspace_id", "created_at"),
    Index("ix_alerts_rule_group", "rule_id", "group_key", "created_at"),
)

# The outbox: one row per alert and channel. A row leaves `pending`/`sending` only for `delivered`
# (a 2xx was recorded) or `failed` (retries exhausted); `delivered` rows are never claimed again.
alert_sends = Table(
    "alert_sends", metadata,
    Column("id", Integer, primary_key=True),
    _ws(),
    Column("alert_id", Integer, ForeignKey("alerts.id", ondelete="CASCADE"), nullable=False),
    Column("channel_id", Integer, ForeignKey("alert_channels.id", ondelete="CASCADE"), nullable=False),
    Column("status", String(16), nullable=False, server_default="pending"),  # pending, sending, delivered, failed
    Column("attempts", Integer, nullable=False, server_default="0"),
    _when("next_attempt_at"),
    _when("claimed_at", nullable=True),
    _when("delivered_at", nullable=True),
    UniqueConstraint("alert_id", "channel_id", name="uq_alert_sends_alert_channel"),
    Index("ix_alert_sends_due", "status", "next_attempt_at"),
)

# The delivery log: a row written before each attempt and completed after it.
alert_deliveries = Table(
    "alert_deliveries", metadata,
    Column("id", Integer, primary_key=True),
    _ws(),
    Column("send_id", Integer, ForeignKey("alert_sends.id", ondelete="CASCADE"), nullable=False),
    Column("alert_id", Integer, nullable=False),
    Column("channel_id", Integer, nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("status", String(16), nullable=False),  # sending, ok, error
    Column("response_status", Integer, nullable=True),  # HTTP status or SMTP reply code
    Column("error", Text, nullable=True),
    _when("started_at"),
    _when("finished_at", nullable=True),
    Index("ix_alert_deliveries_alert", "alert_id", "channel_id"),
)
