"""Tables of the understanding stage: users' sentiment corrections, kept for the next training run, and
each workspace's glossary. See docs/sentiment.md and docs/enrichment.md"""

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
    UniqueConstraint,
)

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

# The organisation's own names: spokespeople, products, sub-brands, competitors. See docs/enrichment.md
GLOSSARY_KINDS = ("person", "product", "brand", "competitor", "place", "other")

glossary_terms = Table(
    "glossary_terms", metadata,
    Column("id", Integer, primary_key=True),
    Column("workspace_id", Integer, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    Column("term", String(200), nullable=False),
    Column("kind", String(16), nullable=False),  # one of GLOSSARY_KINDS
    Column("aliases", JSON, nullable=True),  # other spellings: ["HQ", "Hydro"]
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("workspace_id", "term", name="uq_glossary_terms_workspace_term"),
)
