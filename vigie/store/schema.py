"""The store's tables (SQLAlchemy Core). Changes go through a new Alembic migration. See docs/store.md"""

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
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

metadata = MetaData()


def workspace_column() -> Column:
    """The workspace_id column every organisation table carries (feature tables use it too)."""
    return Column("workspace_id", Integer, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False)

# NOTE: every table that holds organisation data carries workspace_id, so one installation can
# serve several organisations (an agency's clients) and drills can run in a sandbox workspace.

workspaces = Table(
    "workspaces", metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("language", String(8), nullable=False, server_default="fr"),
    Column("timezone", String(64), nullable=False, server_default="America/Toronto"),
    Column("kind", String(16), nullable=False, server_default="real"),  # real, demo, sandbox
    Column("created_at", DateTime(timezone=True), nullable=False),
)

watches = Table(
    "watches", metadata,
    Column("id", Integer, primary_key=True),
    Column("workspace_id", Integer, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("query", Text, nullable=False),
    Column("languages", JSON, nullable=False, default=list),
    Column("channels", JSON, nullable=False, default=list),
    Column("kind", String(16), nullable=False, server_default="brand"),  # brand, competitor, topic
    Column("active", Boolean, nullable=False, server_default=text("true")),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("workspace_id", "name", name="uq_watches_workspace_name"),
)

sources = Table(
    "sources", metadata,
    Column("id", Integer, primary_key=True),
    Column("workspace_id", Integer, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("connector", String(64), nullable=False),
    Column("config", JSON, nullable=False, default=dict),
    Column("enabled", Boolean, nullable=False, server_default=text("true")),
    Column("interval_s", Integer, nullable=True),
    Column("cursor", JSON, nullable=False, default=dict),
    Column("status", String(16), nullable=False, server_default="new"),  # new, ok, error, disabled
    Column("status_message", Text, nullable=True),
    Column("last_run_at", DateTime(timezone=True), nullable=True),
    Column("last_success_at", DateTime(timezone=True), nullable=True),
    Column("last_error_at", DateTime(timezone=True), nullable=True),
    Column("last_error", Text, nullable=True),
    Column("items_seen", BigInteger, nullable=False, server_default="0"),
    Column("items_new", BigInteger, nullable=False, server_default="0"),
    Column("items_duplicate", BigInteger, nullable=False, server_default="0"),
    Column("items_rejected", BigInteger, nullable=False, server_default="0"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("workspace_id", "name", name="uq_sources_workspace_name"),
)

stories = Table(
    "stories", metadata,
    Column("id", Integer, primary_key=True),
    Column("workspace_id", Integer, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    Column("label", Text, nullable=True),
    Column("first_mention_id", BigInteger, nullable=True),
    Column("first_seen", DateTime(timezone=True), nullable=True),
    Column("last_seen", DateTime(timezone=True), nullable=True),
    Column("size", Integer, nullable=False, server_default="1"),
    Index("ix_stories_workspace_last_seen", "workspace_id", "last_seen"),
)

mentions = Table(
    "mentions", metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("workspace_id", Integer, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    Column("source_id", Integer, ForeignKey("sources.id", ondelete="CASCADE"), nullable=False),
    Column("connector", String(64), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("external_id", String(512), nullable=False),
    Column("url", Text, nullable=True),
    Column("canonical_url", Text, nullable=True),
    Column("title", Text, nullable=True),
    Column("text", Text, nullable=False, server_default=""),
    Column("html", Text, nullable=True),
    Column("author_handle", String(256), nullable=True),
    Column("author_name", String(256), nullable=True),
    Column("author_followers", BigInteger, nullable=True),
    Column("outlet", String(256), nullable=True),
    Column("outlet_audience", BigInteger, nullable=True),
    Column("published_at", DateTime(timezone=True), nullable=True),
    Column("collected_at", DateTime(timezone=True), nullable=False),
    Column("language", String(8), nullable=True),
    Column("language_model", String(64), nullable=True),
    Column("sentiment", String(8), nullable=True),  # negative, neutral, positive
    Column("sentiment_score", Float, nullable=True),  # -1 .. 1
    Column("sentiment_model", String(64), nullable=True),
    Column("engagement", JSON, nullable=True),
    Column("reach", BigInteger, nullable=True),
    Column("reach_kind", String(16), nullable=True),
    Column("raw", JSON, nullable=True),
    Column("story_id", Integer, nullable=True),  # near-duplicate group (vigie/enrich/dedup.py)
    Column("topic_id", Integer, nullable=True),  # event-level cluster (vigie/enrich/topics.py)
    Column("entities", JSON, nullable=True),  # people, organisations, places, glossary terms
    Column("keyphrases", JSON, nullable=True),
    UniqueConstraint("source_id", "external_id", name="uq_mentions_source_external"),
    Index("ix_mentions_workspace_published", "workspace_id", "published_at"),
    # Partial: most mentions never join a story, and an insert then costs no index entry.
    Index("ix_mentions_story", "story_id", sqlite_where=text("story_id IS NOT NULL"),
          postgresql_where=text("story_id IS NOT NULL")),
    Index("ix_mentions_topic", "topic_id", sqlite_where=text("topic_id IS NOT NULL"),
          postgresql_where=text("topic_id IS NOT NULL")),
    Index(
        "uq_mentions_workspace_canonical", "workspace_id", "canonical_url", unique=True,
        sqlite_where=text("canonical_url IS NOT NULL"),
        postgresql_where=text("canonical_url IS NOT NULL"),
    ),
)

mention_matches = Table(
    "mention_matches", metadata,
    Column("mention_id", BigInteger, ForeignKey("mentions.id", ondelete="CASCADE"), primary_key=True),
    Column("watch_id", Integer, ForeignKey("watches.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_mention_matches_watch", "watch_id", "mention_id"),
    sqlite_with_rowid=False,
)

# Near-duplicate index: one row per (mention, LSH band); kept in the database so the grouping
# survives restarts and never needs the whole corpus in memory.
lsh_buckets = Table(
    "lsh_buckets", metadata,
    # The primary key is the lookup order; WITHOUT ROWID makes it the table itself in SQLite,
    # so each of a mention's 8 rows costs one b-tree insert instead of two. The period (8 days of
    # publication, vigie/enrich/dedup.py) leads so a batch's inserts land in the few pages of its
    # own period instead of dirtying pages all over an index that grows with every mention.
    Column("workspace_id", Integer, primary_key=True, autoincrement=False),
    Column("period", Integer, primary_key=True, autoincrement=False),  # day // PERIOD_DAYS
    Column("bucket", BigInteger, primary_key=True, autoincrement=False),
    Column("day", Integer, primary_key=True, autoincrement=False),  # days since 1970-01-01
    Column("mention_id", BigInteger, primary_key=True, autoincrement=False),
    sqlite_with_rowid=False,
)

search_snapshots = Table(
    "search_snapshots", metadata,
    Column("id", Integer, primary_key=True),
    Column("workspace_id", Integer, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    Column("source_id", Integer, ForeignKey("sources.id", ondelete="CASCADE"), nullable=False),
    Column("engine", String(64), nullable=False),
    Column("query", Text, nullable=False),
    Column("captured_at", DateTime(timezone=True), nullable=False),
    Column("raw", JSON, nullable=True),
    Index("ix_snapshots_query", "workspace_id", "engine", "query", "captured_at"),
)

search_results = Table(
    "search_results", metadata,
    Column("snapshot_id", Integer, ForeignKey("search_snapshots.id", ondelete="CASCADE"), primary_key=True),
    Column("rank", Integer, primary_key=True),
    Column("url", Text, nullable=False),
    Column("canonical_url", Text, nullable=True),
    Column("title", Text, nullable=True),
    Column("snippet", Text, nullable=True),
)

fetch_runs = Table(
    "fetch_runs", metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", Integer, ForeignKey("sources.id", ondelete="CASCADE"), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("status", String(16), nullable=False, server_default="running"),
    Column("seen", Integer, nullable=False, server_default="0"),
    Column("new", Integer, nullable=False, server_default="0"),
    Column("duplicate", Integer, nullable=False, server_default="0"),
    Column("rejected", Integer, nullable=False, server_default="0"),
    Column("error", Text, nullable=True),
)

rejections = Table(
    "rejections", metadata,
    Column("id", Integer, primary_key=True),
    Column("workspace_id", Integer, nullable=False),
    Column("source_id", Integer, ForeignKey("sources.id", ondelete="CASCADE"), nullable=True),
    Column("run_id", Integer, nullable=True),
    Column("reason", String(64), nullable=False),
    Column("detail", Text, nullable=True),
    Column("sample", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_rejections_source", "source_id", "created_at"),
)

# Used by the PostgreSQL full-text index: an IMMUTABLE accent fold written in plain SQL,
# so no extension (unaccent) has to be installed by a superuser.
PG_FOLD_FUNCTION = """
CREATE OR REPLACE FUNCTION vigie_fold(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT translate(lower(coalesce(t, '')),
    'àâäáãåāçćčéèêëēėęíìîïīįñńóòôöõøōúùûüūýÿžźżšś',
    'aaaaaaaccceeeeeeeiiiiiinnoooooooouuuuuyyzzzss')
$$;
"""

SQLITE_FTS = [
    "CREATE VIRTUAL TABLE mentions_fts USING fts5(title, text, content='mentions', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER mentions_fts_ai AFTER INSERT ON mentions BEGIN "
    "INSERT INTO mentions_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END",
    "CREATE TRIGGER mentions_fts_ad AFTER DELETE ON mentions BEGIN "
    "INSERT INTO mentions_fts(mentions_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); END",
    "CREATE TRIGGER mentions_fts_au AFTER UPDATE OF title, text ON mentions BEGIN "
    "INSERT INTO mentions_fts(mentions_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); "
    "INSERT INTO mentions_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END",
]

PG_FTS = [
    PG_FOLD_FUNCTION,
    "ALTER TABLE mentions ADD COLUMN tsv tsvector GENERATED ALWAYS AS "
    "(to_tsvector('simple', vigie_fold(coalesce(title, '') || ' ' || text))) STORED",
    "CREATE INDEX ix_mentions_tsv ON mentions USING gin (tsv)",
]
