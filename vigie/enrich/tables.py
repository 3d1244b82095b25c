"""Tables of the understanding stage: users' sentiment corrections, kept for the next training run.
See docs/sentiment.md"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, ForeignKey, Index, Integer, String, Table

from vigie.store.schema import metadata

sentiment_corrections = Table(
    "sentiment_corrections", metadata,
    Column("id", Integer, primary_key=True),
    Column("workspace_id", Integer, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    Column("mention_id", BigInteger, ForeignKey("mentions.id", ondelete="CASCADE"), nullable=False),
    Column("label", String(8), nullable=False),  # negative, neutral, positive
    # What the model had said, so a later run can measure how often users disagree with it.
    Column("previous_label", String(8), nullable=True),
    Column("previous_model", String(64), nullable=True),
    Column("user", String(200), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_sentiment_corrections_mention", "workspace_id", "mention_id"),
)
