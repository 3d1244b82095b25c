"""Near-duplicate index keys, second scheme: 5 bands of 2 hashes (was 8 of 3), words hashed from
their UTF-8 bytes (was CRC-32). The old keys can never match new ones, so the index is rebuilt from
the stored texts of each workspace's mentions of its last 16 days (vigie.enrich.stories.reindex_recent);
stories already formed are kept. It runs the current release's `reindex_recent`, on purpose: the
index must hold the keys this release computes; a later scheme change brings its own revision.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from vigie.enrich.stories import reindex_recent

    reindex_recent(op.get_bind())


def downgrade() -> None:
    raise NotImplementedError("Vigie stores are not downgraded; restore a backup instead")
