"""A store built by the previous release (revision 0001) is brought to head on open."""

from datetime import UTC, datetime

import sqlalchemy as sa

from vigie.enrich.dedup import BANDS
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
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "0003"
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
            assert conn.exec_driver_sql("SELECT count(*) FROM lsh_buckets").scalar() == 2 * BANDS
    finally:
        reopened.close()


TEXT = ("La Ville annonce un avis d'ébullition de l'eau potable pour les quartiers Limoilou et "
        "Saint-Roch après un bris d'aqueduc ce matin")
OTHER = "Le conseil municipal adopte le budget de déneigement pour l'hiver prochain"


def _index(store):
    with store.engine.connect() as conn:
        return sorted(tuple(r) for r in conn.exec_driver_sql(
            "SELECT workspace_id, period, bucket, day, mention_id FROM lsh_buckets"))


def test_0003_rebuilds_the_near_duplicate_index_of_recent_mentions_with_the_new_keys(store):
    ws = store.create_workspace("ville", "Ville", "fr")
    source = store.ensure_source(ws["id"], "src", "test")
    old, recent = datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 20, tzinfo=UTC)
    Ingestor(store, ws, source, Settings()).run([
        Mention(source="t", channel="social", external_id="old", text="Archives: " + TEXT, published_at=old),
        Mention(source="t", channel="social", external_id="new", text=TEXT, published_at=recent),
        # A wrong year: the window is still today's, not 16 days before 2099.
        Mention(source="t", channel="social", external_id="typo", text="Erreur de date: " + OTHER,
                published_at=datetime(2099, 11, 20, tzinfo=UTC))])
    expected = [row for row in _index(store) if row[3] == (recent - datetime(1970, 1, 1, tzinfo=UTC)).days]
    expected += [row for row in _index(store) if row[3] > (datetime(2099, 1, 1, tzinfo=UTC) - datetime(1970, 1, 1, tzinfo=UTC)).days]
    assert len(expected) == 2 * BANDS
    expected.sort()
    with store.engine.begin() as conn:  # what a 0002 store holds: keys of the previous scheme
        conn.exec_driver_sql("UPDATE lsh_buckets SET bucket = bucket + 1")
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0002'")
    reopened = Store(store.engine.url.render_as_string(hide_password=False))
    try:
        # The old keys are gone; the recent mention (and the one dated in the future) are indexed again
        # as ingest would index them, the one published 50 days before is left out (no lookup window
        # reaches it).
        assert _index(reopened) == expected
        copy = Ingestor(reopened, ws, reopened.ensure_source(ws["id"], "agence", "test"), Settings()).run(
            [Mention(source="t", channel="social", external_id="copy", text=TEXT + " selon la Ville",
                     published_at=recent)])
        assert copy.grouped == 1
    finally:
        reopened.close()
