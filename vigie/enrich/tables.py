"""Tables of the understanding stage: users' sentiment corrections, kept for the next training run, and
each workspace's glossary and event topics. See docs/sentiment.md, docs/enrichment.md and docs/topics.md"""

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

# Event-level clusters of mentions ("sujets"), built online by vigie/enrich/topics.py. Not to be confused
# with `stories` (near-duplicate copies of one text). See docs/topics.md
topics = Table(
    "topics", metadata,
    Column("id", Integer, primary_key=True),
    Column("workspace_id", Integer, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    Column("label", Text, nullable=True),
    Column("terms", JSON, nullable=False),  # the centroid: {folded term: summed weight}, its top terms only
    Column("surfaces", JSON, nullable=True),  # {folded term: the form shown in labels, accents and case kept}
    Column("languages", JSON, nullable=True),  # {"fr": 12, "en": 5}: members per language
    Column("first_seen", DateTime(timezone=True), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False),
    Column("size", Integer, nullable=False, server_default="1"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_topics_workspace_last_seen", "workspace_id", "last_seen"),
)

# One row per workspace, bumped by every batch that writes topics: a process compares it with the
# version it wrote last to know, with one primary-key read, whether its in-memory topics are stale.
topic_versions = Table(
    "topic_versions", metadata,
    Column("workspace_id", Integer, ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True,
           autoincrement=False),
    Column("version", BigInteger, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
