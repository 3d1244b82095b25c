"""Baseline: the schema of Vigie 0.1 (listening core).

A new store is built from vigie/store/schema.py and stamped at head (Alembic's
"build from scratch" recipe); this revision is the point later migrations start from.

Revision ID: 0001
Revises:
"""

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
