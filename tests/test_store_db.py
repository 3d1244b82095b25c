from datetime import UTC, datetime

import pytest

from vigie.exceptions import BadRequest, QuerySyntaxError
from vigie.ingest import Ingestor
from vigie.items import Mention, Rejection, SearchResult, SearchSnapshot
from vigie.settings import Settings


def _mention(i, text="Hydro-Québec annonce une panne", **kw):
    return Mention(source="test", channel=kw.pop("channel", "social"), external_id=f"id{i}", text=text,
                   published_at=datetime(2026, 11, 20, 12, i % 60, tzinfo=UTC), **kw)


def _ingest(store, ws, items, source_name="src", cursor=None):
    source = store.ensure_source(ws["id"], source_name, "test")
    return Ingestor(store, ws, source, Settings()).run(items, cursor)


def test_store_creates_workspaces_and_refuses_bad_ids(store):
    ws = store.create_workspace("ville-a", "Ville A", "fr", "America/Toronto")
    assert (ws["language"], ws["timezone"], ws["kind"]) == ("fr", "America/Toronto", "real")
    assert store.get_workspace()["slug"] == "ville-a"
    store.create_workspace("agence-b", "Client B", "en")
    assert [w["slug"] for w in store.list_workspaces()] == ["ville-a", "agence-b"]
    with pytest.raises(BadRequest):
        store.create_workspace("Bad Id!", "x")


def test_store_refuses_a_malformed_watch_query(store, workspace):
    with pytest.raises(QuerySyntaxError):
        store.add_watch(workspace["id"], "bad", '"Hydro-Québec" AND (')
    assert store.list_watches(workspace["id"]) == []


def test_ingest_matches_every_new_mention_against_every_watch(store, workspace):
    brand = store.add_watch(workspace["id"], "marque", '"Hydro-Québec"')
    outage = store.add_watch(workspace["id"], "pannes", "panne OR outage", channels=["online_press"])
    stats = _ingest(store, workspace, [
        _mention(1, "HYDRO-QUEBEC: panne générale", channel="online_press"),
        _mention(2, "hydro quebec publie ses résultats"),
        _mention(3, "Rien à voir"),
    ])
    assert (stats.new, stats.matches) == (3, 3)
    assert {m["id"] for m in store.list_mentions(workspace["id"], watch_id=brand["id"])} == {1, 2}
    assert [m["external_id"] for m in store.list_mentions(workspace["id"], watch_id=outage["id"])] == ["id1"]


def test_reingesting_the_same_items_adds_nothing(store, workspace):
    items = [_mention(i, f"message numéro {i}", url=f"https://ex.com/{i}?utm_source=x") for i in range(5)]
    assert _ingest(store, workspace, items).new == 5
    again = _ingest(store, workspace, [_mention(i, f"message numéro {i}", url=f"https://ex.com/{i}") for i in range(5)])
    assert (again.new, again.duplicate) == (0, 5)
    # Same page from another source, tracking parameters aside: a duplicate by canonical URL.
    other = _ingest(store, workspace, [Mention(source="rss", channel="online_press", external_id="x",
                                               url="http://www.ex.com/3/?fbclid=abc", title="t")], "other")
    assert (other.new, other.duplicate) == (0, 1)
    assert store.count_mentions(workspace["id"]) == 5


def test_near_duplicates_are_grouped_under_one_story_not_deleted(store, workspace):
    text = ("La Ville de Québec annonce un avis d'ébullition de l'eau potable pour les quartiers "
            "Limoilou et Saint-Roch après un bris d'aqueduc survenu ce matin selon les autorités")
    syndicated = text.replace("ce matin", "tôt ce matin")
    stats = _ingest(store, workspace, [_mention(1, text), _mention(2, "Autre sujet sans rapport aucun avec l'eau "
                                                            "potable de la ville ni avec les quartiers du centre")])
    assert stats.grouped == 0
    later = _ingest(store, workspace, [_mention(3, syndicated)], "agence")
    assert (later.new, later.grouped) == (1, 1)
    first, copy = store.get_mention(1), store.get_mention(3)
    assert first["story_id"] is not None and first["story_id"] == copy["story_id"]
    assert store.get_mention(2)["story_id"] is None
    assert store.count_mentions(workspace["id"]) == 3
    assert store.story_count(workspace["id"]) == 1


def test_rejections_are_stored_with_reason_and_counted(store, workspace):
    stats = _ingest(store, workspace, [
        Rejection("malformed-json", "line 3: Expecting value", "{oops"),
        _mention(1),
        Mention(source="test", channel="telepathy", external_id="z", text="x"),
        Mention(source="test", channel="social", external_id="", text="x"),
    ])
    assert (stats.new, stats.rejected) == (1, 3)
    assert sorted(r["reason"] for r in store.list_rejections(workspace["id"])) == [
        "bad-channel", "malformed-json", "missing-id"]
    source = store.find_source(workspace["id"], "src")
    assert (source["items_new"], source["items_rejected"], source["items_seen"]) == (1, 3, 3)


def test_cursor_is_committed_with_the_items_it_covers(store, workspace):
    def connector(cursor):
        for page in range(3):
            for i in range(4):
                yield _mention(page * 4 + i, f"page {page} item {i}")
            cursor["page"] = page + 1
            if page == 1:
                raise ConnectionError("killed mid-run")

    source = store.ensure_source(workspace["id"], "src", "test")
    settings = Settings(overrides={"ingest_batch_size": 3})
    cursor: dict = {}
    with pytest.raises(ConnectionError):
        Ingestor(store, workspace, source, settings).run(connector(cursor), cursor)
    saved = store.get_source(source["id"])
    assert saved["cursor"] == {"page": 2}
    assert store.count_mentions(workspace["id"]) == 8
    assert saved["items_new"] == 8


def test_full_text_search_ignores_case_and_accents(store, workspace):
    _ingest(store, workspace, [_mention(1, "Grève à l'ÉCOLE secondaire"), _mention(2, "Budget municipal")])
    assert [m["external_id"] for m in store.search(workspace["id"], "greve ecole")] == ["id1"]
    assert [m["external_id"] for m in store.search(workspace["id"], "GRÈVE")] == ["id1"]
    assert [m["external_id"] for m in store.search(workspace["id"], "budg")] == ["id2"]
    assert store.search(workspace["id"], '"; DROP TABLE mentions; --') == []


def test_search_snapshots_keep_ranked_results_and_become_mentions(store, workspace):
    snap = SearchSnapshot("searxng", "Ville de Démo", [SearchResult(1, "https://a.ca/x", "A", "premier"),
                                                       SearchResult(2, "https://b.ca/y", "B", "second")])
    stats = _ingest(store, workspace, [snap])
    assert (stats.snapshots, stats.new) == (1, 2)
    [saved] = store.list_snapshots(workspace["id"])
    assert [(r["rank"], r["url"]) for r in saved["results"]] == [(1, "https://a.ca/x"), (2, "https://b.ca/y")]
    assert {m["channel"] for m in store.list_mentions(workspace["id"])} == {"search_result"}


def test_mention_record_keeps_every_field(store, workspace):
    m = _mention(1, "Texte", title="Titre", url="https://www.lapresse.ca/a?utm_medium=x", author_handle="@jo",
                 author_name="Jo", author_followers=1200, outlet="La Presse", language="FR",
                 engagement={"likes": 3}, raw={"k": [1, 2]})
    _ingest(store, workspace, [m])
    row = store.get_mention(1)
    assert row["canonical_url"] == "https://lapresse.ca/a"
    assert row["published_at"] == datetime(2026, 11, 20, 12, 1, tzinfo=UTC)
    assert (row["reach"], row["reach_kind"], row["language"]) == (1200, "measured", "fr")
    assert row["engagement"] == {"likes": 3} and row["raw"] == {"k": [1, 2]}
    assert row["collected_at"].tzinfo is not None


def test_near_duplicates_in_one_batch_and_later_batches_share_one_story(store, workspace):
    base = ("Le conseil municipal adopte le budget de la ville avec une hausse des taxes foncières "
            "de trois pour cent pour les propriétaires résidentiels du secteur est")
    variants = [base, base.replace("trois", "3"), base.replace("secteur est", "secteur ouest"),
                base.replace("adopte", "vote")]
    _ingest(store, workspace, [_mention(i, v) for i, v in enumerate(variants[:3])])
    _ingest(store, workspace, [_mention(10, variants[3])], "autre")
    story_ids = {store.get_mention(i)["story_id"] for i in (1, 2, 3, 4)}
    assert len(story_ids) == 1 and None not in story_ids
    assert store.story_count(workspace["id"]) == 1
    members = store.list_mentions(workspace["id"], story_id=story_ids.pop())
    assert sorted(m["external_id"] for m in members) == ["id0", "id1", "id10", "id2"]


def test_near_duplicates_outside_the_time_window_start_no_story(store, workspace):
    text = ("Les cols bleus de la ville déclenchent une grève générale illimitée ce lundi matin "
            "pour protester contre les nouvelles conditions de travail imposées")
    old = Mention(source="t", channel="social", external_id="old", text=text,
                  published_at=datetime(2026, 1, 1, tzinfo=UTC))
    new = Mention(source="t", channel="social", external_id="new", text=text + " encore",
                  published_at=datetime(2026, 3, 1, tzinfo=UTC))
    _ingest(store, workspace, [old])
    assert _ingest(store, workspace, [new]).grouped == 0
