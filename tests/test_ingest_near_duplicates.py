from datetime import UTC, datetime, timedelta

from vigie.enrich.dedup import BANDS, PERIOD_DAYS, Shingles, jaccard, shingle_set, word_hashes
from vigie.ingest import Ingestor
from vigie.items import Mention
from vigie.settings import Settings

TEXT = ("La Ville de Québec annonce un avis d'ébullition de l'eau potable pour les quartiers "
        "Limoilou et Saint-Roch après un bris d'aqueduc survenu ce matin selon les autorités")
OTHER = ("Le conseil municipal adopte le budget de déneigement pour l'hiver prochain avec une hausse "
         "des contrats de trottoirs dans les arrondissements de la Haute-Ville")


def _at(day: int) -> datetime:
    # Day numbers since 1970 so tests can sit on either side of a period boundary.
    return datetime(1970, 1, 1, 12, tzinfo=UTC) + timedelta(days=day)


def _mention(key: str, text: str, day: int) -> Mention:
    return Mention(source="test", channel="online_press", external_id=key, text=text, published_at=_at(day))


def _ingest(store, ws, items, name="src"):
    source = store.ensure_source(ws["id"], name, "test")
    return Ingestor(store, ws, source, Settings()).run(items)


def test_copies_in_one_batch_form_one_story_and_unrelated_text_stays_alone(store, workspace):
    day = 20_000
    stats = _ingest(store, workspace, [
        _mention("a", TEXT, day), _mention("b", TEXT.replace("ce matin", "tôt ce matin"), day),
        _mention("c", OTHER, day), _mention("d", TEXT.replace("autorités", "autorités municipales"), day)])
    assert stats.grouped == 2
    rows = {m["external_id"]: m for m in store.list_mentions(workspace["id"], limit=10)}
    assert rows["a"]["story_id"] is not None
    assert rows["a"]["story_id"] == rows["b"]["story_id"] == rows["d"]["story_id"]
    assert rows["c"]["story_id"] is None
    assert store.story_count(workspace["id"]) == 1


def test_a_copy_across_a_period_boundary_is_grouped_but_not_one_past_the_window(store, workspace):
    boundary = 2_500 * PERIOD_DAYS  # the first day of a period
    _ingest(store, workspace, [_mention("a", TEXT, boundary - 1)])
    near = _ingest(store, workspace, [_mention("b", TEXT.replace("ce matin", "hier"), boundary + 1)], "agence")
    assert near.grouped == 1
    far = _ingest(store, workspace, [_mention("c", TEXT.replace("ce matin", "la semaine passée"), boundary + 9)], "radio")
    assert far.grouped == 0
    assert store.get_mention(store.list_mentions(workspace["id"], limit=1)[0]["id"])["story_id"] is None


def test_shingle_hashes_give_the_exact_jaccard_of_word_trigrams():
    a = "un deux trois quatre cinq six sept".split()
    b = "un deux trois quatre cinq six huit".split()
    # 5 trigrams each, 4 shared: 4 / 6.
    assert abs(jaccard(shingle_set(a), shingle_set(b)) - 4 / 6) < 1e-9
    batch = Shingles([a, ["trop", "court"], b])
    assert batch.owners == [0, 2]
    assert batch.of(2) == shingle_set(b)
    keys = batch.band_keys()
    assert keys.shape == (2, BANDS) and (keys >= 0).all()


def test_word_hashes_depend_on_the_word_alone():
    words = ["québec", "eau", "avis", "eau", "x", "ébullition", "québec"]
    hashes = word_hashes(words).tolist()
    assert hashes[1] == hashes[3] and hashes[0] == hashes[6]
    assert len(set(hashes)) == 5
    # The same word anywhere in any batch: the stored index keys stay valid across batches and processes.
    assert word_hashes(["avis"]).tolist() == [hashes[2]]
    assert word_hashes(["x", "québec"]).tolist() == [hashes[4], hashes[0]]
    # A word holding a space (a token list from elsewhere) is hashed, not misaligned.
    assert len(word_hashes(["a b", "c"])) == 2
    assert word_hashes(["a b", "c"]).tolist()[1] == word_hashes(["c"]).tolist()[0]


def test_engagement_counts_are_written_as_the_json_encoder_would():
    import json

    from vigie.ingest import _counts_json

    for counts in ({"likes": 3}, {"likes": 3, "shares": 10**20, "comments": 0}, {"likes": -4},
                   {"likes": True}, {"lïkes": 1}, {'a"b': 1}, {"x": 1.5}, {1: 2}, {"views": None}):
        assert _counts_json(counts) == json.dumps(counts, ensure_ascii=False)
