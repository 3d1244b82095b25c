"""Event topics: one event told many ways joins one topic; unrelated, late and not-applicable mentions do
not; re-runs, a second process and failed batches keep the store consistent."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from vigie.enrich.rerun import reenrich
from vigie.enrich.tables import topics as T
from vigie.enrich.topics import TopicsAnalyzer
from vigie.enrich.topics_store import list_topics
from vigie.ingest import Ingestor
from vigie.items import Mention
from vigie.settings import Settings

T0 = datetime(2026, 11, 3, 7, tzinfo=UTC)
BREAK = [  # across languages, the names (borough, street, spokesperson) carry the match
    ("fr", "Bris d'aqueduc majeur dans Rosemont",
     "Un bris d'aqueduc sur la rue Masson a privé d'eau 300 résidents de Rosemont, selon Marie Tremblay, de la Ville de Montréal."),
    ("fr", None, "Encore un bris d'aqueduc dans Rosemont, plus d'eau sur la rue Masson depuis ce matin"),
    ("en", "Water main break on Masson leaves Rosemont residents without water",
     "A water main break on Masson left 300 Rosemont residents without water, Marie Tremblay of the City of Montréal said."),
    ("en", None, "No water in Rosemont this morning, the water main on Masson broke again"),
]
FESTIVAL = ("fr", None, "Le Festival de jazz de Lévis dévoile sa programmation avec Diana Krall")


def _settings(**extra):
    return Settings(overrides={"pipeline": ["keyphrases", "topics"], "ingest_batch_size": 500, **extra})


def _ingest(store, workspace, items, settings=None, analyzers=None, start=0):
    settings = settings or _settings()
    source = store.ensure_source(workspace["id"], "src", "test")
    if analyzers is None:
        from vigie.plugins import build_analyzers
        analyzers = build_analyzers(settings)
    mentions = [Mention("test", "social", str(start + i), title=title, text=text, language=lang,
                        published_at=when) for i, (lang, title, text, when) in enumerate(items)]
    Ingestor(store, workspace, source, settings, analyzers).run(mentions)
    return {m["external_id"]: m for m in store.list_mentions(workspace["id"], limit=500)}


def _timed(rows, start=T0, step=timedelta(hours=1)):
    return [(*row, start + i * step) for i, row in enumerate(rows)]


def test_one_event_in_french_and_english_joins_one_topic_and_an_unrelated_mention_does_not(store, workspace):
    rows = _ingest(store, workspace, _timed([*BREAK, FESTIVAL]))
    topics = {rows[str(i)]["topic_id"] for i in range(4)}
    assert len(topics) == 1 and None not in topics
    assert rows["4"]["topic_id"] not in topics
    listed = list_topics(store, workspace["id"])
    assert [t["size"] for t in listed] == [4, 1]
    assert listed[0]["languages"] == ["fr", "en"]


def test_labels_come_from_the_terms_with_their_accents(store, workspace):
    _ingest(store, workspace, _timed([*BREAK, FESTIVAL]))
    labels = {t["size"]: t["label"] for t in list_topics(store, workspace["id"])}
    assert "Rosemont" in labels[4] and " · " in labels[4]
    assert "Lévis" in labels[1]  # the accent and the capital as written


def test_a_mention_outside_the_window_starts_a_new_topic(store, workspace):
    late = (*BREAK[1][:2], BREAK[1][2], T0 + timedelta(days=10))
    rows = _ingest(store, workspace, [*_timed(BREAK[:2]), late])
    assert rows["0"]["topic_id"] == rows["1"]["topic_id"] != rows["2"]["topic_id"]
    assert rows["2"]["topic_id"] is not None


def test_near_duplicates_share_their_story_topic(store, workspace):
    text = "Avis d'ébullition préventif pour le secteur de Rosemont à la suite du bris d'aqueduc de la rue Masson"
    copy = text.replace("préventif", "préventif émis")
    rows = _ingest(store, workspace, _timed([("fr", None, text), ("fr", None, copy)]),
                   settings=_settings(topic_threshold=0.99))  # only the story can bring them together
    assert rows["0"]["story_id"] is not None and rows["0"]["story_id"] == rows["1"]["story_id"]
    assert rows["0"]["topic_id"] == rows["1"]["topic_id"] is not None


@pytest.mark.parametrize("lang, text", [("fr", " "), ("fr", "😀😀😀"), ("fr", "Bonjour"), ("und", BREAK[1][2])])
def test_empty_emoji_one_word_and_unknown_language_get_no_topic(store, workspace, lang, text):
    rows = _ingest(store, workspace, _timed([(lang, None, text)]))
    assert rows["0"]["topic_id"] is None
    assert list_topics(store, workspace["id"]) == []


def test_a_very_long_article_gets_a_topic(store, workspace):
    body = BREAK[0][2] + " " + " ".join(f"Paragraphe {i} sur la vie de quartier et ses commerces." for i in range(20_000))
    rows = _ingest(store, workspace, _timed([("fr", BREAK[0][1], body), BREAK[1]]))
    assert rows["0"]["topic_id"] == rows["1"]["topic_id"] is not None


def test_rerun_is_idempotent_and_never_duplicates_topics(store, workspace):
    before = _ingest(store, workspace, _timed([*BREAK, FESTIVAL]))
    settings = _settings()
    for _ in range(2):
        result = reenrich(store, settings, workspace["id"], stages=["topics"])
        assert result["changed"] == 0
    after = {m["external_id"]: m["topic_id"] for m in store.list_mentions(workspace["id"])}
    assert after == {k: m["topic_id"] for k, m in before.items()}
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(T)).scalar_one() == 2


def test_rerun_since_keeps_older_topics_and_reassigns_the_range(store, workspace):
    _ingest(store, workspace, _timed([*BREAK, FESTIVAL]))
    result = reenrich(store, _settings(), workspace["id"], since=T0 + timedelta(hours=2), stages=["topics"])
    assert result["mentions"] == 3 and result["changed"] == 0
    assert sorted(t["size"] for t in list_topics(store, workspace["id"])) == [1, 4]


def test_a_second_process_continues_existing_topics(store, workspace):
    settings = _settings()
    _ingest(store, workspace, _timed(BREAK[:2]), settings, [TopicsAnalyzer(settings)])
    fresh = TopicsAnalyzer(settings)  # another process: nothing in memory
    rows = _ingest(store, workspace, _timed(BREAK[2:], start=T0 + timedelta(hours=3)), settings, [fresh], start=2)
    assert len({rows[str(i)]["topic_id"] for i in range(4)}) == 1
    assert list_topics(store, workspace["id"])[0]["size"] == 4


class _Boom:
    name = "boom"

    def process_batch(self, mentions):
        return mentions

    def after_insert(self, conn, store, workspace_id, rows):
        raise RuntimeError("disk full")


def test_topics_commit_with_the_batch_and_a_failed_batch_leaves_nothing(store, workspace):
    settings = _settings()
    topics = TopicsAnalyzer(settings)
    with pytest.raises(RuntimeError):
        _ingest(store, workspace, _timed(BREAK[:2]), settings, [topics, _Boom()])
    assert list_topics(store, workspace["id"]) == []
    assert store.count_mentions(workspace["id"]) == 0
    rows = _ingest(store, workspace, _timed(BREAK), settings, [topics])  # same process: reloads, no ghost
    assert [t["size"] for t in list_topics(store, workspace["id"])] == [4]
    assert rows["0"]["topic_id"] == list_topics(store, workspace["id"])[0]["id"]


def test_a_writer_that_slipped_in_after_use_workspace_is_not_overwritten(store, workspace):
    settings = _settings()
    first, other = TopicsAnalyzer(settings), TopicsAnalyzer(settings)
    _ingest(store, workspace, _timed(BREAK[:1]), settings, [first])
    looked = first.use_workspace

    def look_then_let_the_other_process_write(store_, workspace_id):
        looked(store_, workspace_id)  # this process's view, taken before its batch writes
        first.use_workspace = looked
        _ingest(store, workspace, _timed(BREAK[1:2], start=T0 + timedelta(hours=1)), settings, [other], start=1)

    first.use_workspace = look_then_let_the_other_process_write
    rows = _ingest(store, workspace, _timed(BREAK[2:3], start=T0 + timedelta(hours=2)), settings, [first], start=2)
    assert len({rows[str(i)]["topic_id"] for i in range(3)}) == 1
    assert list_topics(store, workspace["id"])[0]["size"] == 3
    # The centroid is the one a single process would have built: the other writer's mention counts.
    alone = store.create_workspace("seul", "Seul", "fr")
    _ingest(store, alone, _timed(BREAK[:3]), settings, [TopicsAnalyzer(settings)])
    with store.engine.connect() as conn:
        shared, single = (conn.execute(select(T.c.terms).where(T.c.workspace_id == w["id"])).scalar_one()
                          for w in (workspace, alone))
    assert shared == pytest.approx(single)
