"""A store built by the previous release (revision 0001) is brought to head on open."""

from datetime import UTC, datetime

import sqlalchemy as sa

from vigie.ingest import Ingestor
from vigie.items import Mention
from vigie.settings import Settings
from vigie.store import Store


def _make_it_0001(store):
    """Give a fresh store the shape the previous release built: no topics, no period column."""
    with store.engine.begin() as conn:
        for ddl in ("DROP TABLE topic_versions", "DROP TABLE topics", "DROP INDEX ix_mentions_topic",
                    "DROP INDEX ix_mentions_story", "ALTER TABLE mentions DROP COLUMN topic_id",
                    "DROP TABLE lsh_buckets",
                    "CREATE TABLE lsh_buckets (workspace_id INTEGER NOT NULL, bucket BIGINT NOT NULL, "
                    "day INTEGER NOT NULL, mention_id BIGINT NOT NULL, "
                    "PRIMARY KEY (workspace_id, bucket, day, mention_id))",
                    "CREATE INDEX ix_mentions_story ON mentions (story_id)",
                    "UPDATE alembic_version SET version_num = '0001'"):
            conn.exec_driver_sql(ddl)


def _shape(engine):
    inspector = sa.inspect(engine)
    return {t: (sorted(c["name"] for c in inspector.get_columns(t)), inspector.get_pk_constraint(t)["constrained_columns"],
                sorted(i["name"] for i in inspector.get_indexes(t)))
            for t in ("topics", "topic_versions", "lsh_buckets", "mentions")}


def test_a_0001_store_is_upgraded_and_ingests(store):
    fresh = _shape(store.engine)
    _make_it_0001(store)
    reopened = Store(store.engine.url.render_as_string(hide_password=False))
    try:
        with reopened.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "0002"
        assert _shape(reopened.engine) == fresh  # the same tables as a store built at this release
        ws = reopened.create_workspace("ville", "Ville", "fr")
        source = reopened.ensure_source(ws["id"], "src", "test")
        text = ("La Ville annonce un avis d'ébullition de l'eau potable pour les quartiers Limoilou et "
                "Saint-Roch après un bris d'aqueduc ce matin")
        stats = Ingestor(reopened, ws, source, Settings(overrides={"pipeline": ["topics"]}),
                         ).run([Mention(source="t", channel="social", external_id=f"x{i}", text=text + "!" * i,
                                        published_at=datetime(2026, 11, 20, tzinfo=UTC)) for i in range(2)])
        assert (stats.new, stats.grouped) == (2, 1)
        with reopened.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM lsh_buckets").scalar() == 16
    finally:
        reopened.close()
