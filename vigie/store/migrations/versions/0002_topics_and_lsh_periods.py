"""Event topics and the period-partitioned near-duplicate index.

Adds `mentions.topic_id` and the `topics` / `topic_versions` tables, makes the story and topic
indexes partial, and rebuilds `lsh_buckets` with its leading `period` column. The old index rows
cannot be moved (they lack the period), so the table starts empty: mentions stored before the
upgrade are no longer found as near-duplicates of new ones; the stories already formed are kept.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The shapes are written out here, not taken from the current schema: a later revision that
    # changes these tables must find them as this one left them.
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    tables = set(inspector.get_table_names())
    if "topics" not in tables:
        op.create_table(
            "topics",
            sa.Column("id", sa.Integer(), primary_key=True),
            sa.Column("workspace_id", sa.Integer(), sa.ForeignKey("workspaces.id", ondelete="CASCADE"),
                      nullable=False),
            sa.Column("label", sa.Text(), nullable=True),
            sa.Column("terms", sa.JSON(), nullable=False),
            sa.Column("surfaces", sa.JSON(), nullable=True),
            sa.Column("languages", sa.JSON(), nullable=True),
            sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
            sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
            sa.Column("size", sa.Integer(), nullable=False, server_default="1"),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        )
        op.create_index("ix_topics_workspace_last_seen", "topics", ["workspace_id", "last_seen"])
    if "topic_versions" not in tables:
        op.create_table(
            "topic_versions",
            sa.Column("workspace_id", sa.Integer(), sa.ForeignKey("workspaces.id", ondelete="CASCADE"),
                      primary_key=True, autoincrement=False),
            sa.Column("version", sa.BigInteger(), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        )
    if "topic_id" not in {c["name"] for c in inspector.get_columns("mentions")}:
        op.add_column("mentions", sa.Column("topic_id", sa.Integer(), nullable=True))
    existing = {i["name"] for i in inspector.get_indexes("mentions")}
    for name, column in (("ix_mentions_story", "story_id"), ("ix_mentions_topic", "topic_id")):
        if name in existing:
            op.drop_index(name, table_name="mentions")
        where = sa.text(f"{column} IS NOT NULL")
        op.create_index(name, "mentions", [column], sqlite_where=where, postgresql_where=where)
    if "period" not in {c["name"] for c in inspector.get_columns("lsh_buckets")}:
        op.drop_table("lsh_buckets")
        op.create_table(
            "lsh_buckets",
            sa.Column("workspace_id", sa.Integer(), primary_key=True, autoincrement=False),
            sa.Column("period", sa.Integer(), primary_key=True, autoincrement=False),
            sa.Column("bucket", sa.BigInteger(), primary_key=True, autoincrement=False),
            sa.Column("day", sa.Integer(), primary_key=True, autoincrement=False),
            sa.Column("mention_id", sa.BigInteger(), primary_key=True, autoincrement=False),
            sqlite_with_rowid=False,
        )


def downgrade() -> None:
    raise NotImplementedError("Vigie stores are not downgraded; restore a backup instead")
