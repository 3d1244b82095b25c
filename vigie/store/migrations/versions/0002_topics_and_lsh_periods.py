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
    # The table objects of this release define the shapes: this revision runs once, on a store
    # built by the previous release, whose tables it only completes.
    from vigie.enrich import tables as enrich_tables
    from vigie.store import schema

    bind = op.get_bind()
    inspector = sa.inspect(bind)
    for table in (enrich_tables.topics, enrich_tables.topic_versions):
        table.create(bind, checkfirst=True)
    if "topic_id" not in {c["name"] for c in inspector.get_columns("mentions")}:
        op.add_column("mentions", sa.Column("topic_id", sa.Integer(), nullable=True))
    existing = {i["name"] for i in inspector.get_indexes("mentions")}
    for index in schema.mentions.indexes:
        if index.name in ("ix_mentions_story", "ix_mentions_topic"):
            if index.name in existing:
                op.drop_index(index.name, table_name="mentions")
            index.create(bind)
    if "period" not in {c["name"] for c in inspector.get_columns("lsh_buckets")}:
        op.drop_table("lsh_buckets")
        schema.lsh_buckets.create(bind)


def downgrade() -> None:
    raise NotImplementedError("Vigie stores are not downgraded; restore a backup instead")
