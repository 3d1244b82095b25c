"""The demo workspace: generated files served on loopback, ingested through the real connectors."""

from __future__ import annotations

import http.client
from collections import Counter
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from vigie.app import Vigie
from vigie.demo import DEMO_SLUG, build_demo
from vigie.demo.generator import Scenario
from vigie.demo.server import DemoServer
from vigie.exceptions import BadRequest
from vigie.settings import Settings
from vigie.store import Store
from vigie.text import fold

NOW = datetime(2026, 3, 10, 15, 20, tzinfo=UTC)  # fixed, so every run builds the same month
NEGATIVE = ("boycott", "greve", "strike", "colere", "scandale", "inacceptable", "unacceptable", "e. coli",
            "contamin", "demission", "honte", "shame")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """One demo build shared by the read-only tests below (a build takes a few seconds)."""
    home = tmp_path_factory.mktemp("demo-home")
    settings = Settings(home=home, overrides={"allow_private_networks": False, "http_backoff": 0.01,
                                              "http_retries": 1, "http_timeout": 5.0})
    app = Vigie(settings, Store(f"sqlite:///{home}/v.db"))
    summary = build_demo(app, now=NOW)
    mentions = app.store.list_mentions(summary["workspace_id"], limit=100_000)
    yield app, summary, mentions
    app.close()


def test_demo_workspace_is_labelled_as_a_simulation(demo):
    app, summary, mentions = demo
    ws = app.store.get_workspace(DEMO_SLUG)
    assert "simulation" in summary["name"] and ws["kind"] == "demo"
    assert (ws["language"], ws["timezone"]) == ("fr", "America/Toronto")
    assert summary["mentions"] == len(mentions) > 1_500
    assert summary["errors"] == []
    assert all(isinstance(summary[k], int) for k in ("mentions", "watches", "sources"))


def test_demo_mentions_span_channels_and_both_languages(demo):
    _, _, mentions = demo
    channels = Counter(m["channel"] for m in mentions)
    assert {"online_press", "blog", "social", "forum", "print_press", "broadcast", "search_result"} <= set(channels)
    languages = Counter(m["language"] for m in mentions if m["language"])
    assert 0.55 < languages["fr"] / (languages["fr"] + languages["en"]) < 0.75
    assert any("É" in (m["title"] or "") + m["text"] for m in mentions)


def test_demo_groups_syndicated_articles_and_copied_posts_into_stories(demo):
    app, summary, mentions = demo
    assert app.store.story_count(summary["workspace_id"]) > 10
    wire = [m for m in mentions if "(PRA)" in m["text"]]
    by_story = Counter(m["story_id"] for m in wire if m["story_id"])
    assert wire and by_story and max(by_story.values()) >= 2
    petition = [m for m in mentions if "petition.erables.example" in m["text"]]
    assert len({m["story_id"] for m in petition}) < len(petition) / 3  # dozens of copies, a few stories


def test_demo_every_watch_has_matches(demo):
    app, summary, _ = demo
    counts = app.store.match_counts(summary["workspace_id"])
    watches = app.store.list_watches(summary["workspace_id"])
    assert len(watches) == summary["watches"] == 4
    assert all(counts.get(w["id"], 0) > 10 for w in watches)


def test_demo_crisis_days_carry_more_negative_mentions_than_before(demo):
    _, _, mentions = demo
    per_day = Counter()
    for m in mentions:
        if m["published_at"] and any(word in fold(f"{m['title'] or ''} {m['text']}") for word in NEGATIVE):
            per_day[(NOW - m["published_at"]) // timedelta(days=1)] += 1
    earlier = sum(per_day[d] for d in range(3, 30)) / 27
    assert all(per_day[d] > 3 * earlier for d in range(3))
    assert max(m["published_at"] for m in mentions if m["published_at"]) <= NOW


def test_demo_leaves_its_sources_disabled_with_the_reason(demo):
    app, summary, _ = demo
    sources = app.store.list_sources(summary["workspace_id"])
    assert len(sources) == summary["sources"] >= 8
    assert {s["connector"] for s in sources} >= {"rss", "mastodon", "import", "searxng"}
    assert all(not s["enabled"] and "simulation" in s["status_message"] for s in sources)


def test_demo_rerun_adds_no_mentions(demo):
    app, summary, _ = demo
    again = build_demo(app, now=NOW + timedelta(minutes=20))
    assert again["mentions"] == summary["mentions"]
    assert again["sources"] == summary["sources"] and again["watches"] == summary["watches"]


def test_demo_refuses_a_real_workspace_with_the_demo_id(settings, tmp_path):
    store = Store(f"sqlite:///{tmp_path}/v.db")
    store.create_workspace(DEMO_SLUG, "Mon organisation", kind="real")
    with pytest.raises(BadRequest, match="not the demo"):
        build_demo(Vigie(settings, store))
    assert store.count_mentions(store.get_workspace(DEMO_SLUG)["id"]) == 0


def test_demo_generator_is_deterministic_and_keeps_ids_across_hours():
    first, again = Scenario(NOW).items(), Scenario(NOW).items()
    assert [(i.uid, i.when, i.text) for i in first] == [(i.uid, i.when, i.text) for i in again]
    later = {i.uid: i.text for i in Scenario(NOW + timedelta(hours=1)).items()}
    shared = [i for i in first if i.uid in later]
    assert len(shared) > 0.95 * len(first) and all(later[i.uid] == i.text for i in shared)


def test_demo_server_serves_files_with_etag_and_304(tmp_path):
    (tmp_path / "feeds").mkdir()
    (tmp_path / "feeds" / "a.xml").write_text("<rss/>", encoding="utf-8")
    with DemoServer(tmp_path) as server:
        first = httpx.get(f"{server.base_url}/feeds/a.xml")
        second = httpx.get(f"{server.base_url}/feeds/a.xml", headers={"If-None-Match": first.headers["etag"]})
        raw = http.client.HTTPConnection("127.0.0.1", int(server.base_url.rsplit(":", 1)[1]), timeout=5)
        raw.request("GET", "/../../etc/passwd")  # sent as is: httpx would normalise the dots away
        escaped = raw.getresponse().status
        raw.close()
    assert first.status_code == 200 and first.text == "<rss/>" and "rss" in first.headers["content-type"]
    assert second.status_code == 304 and second.content == b""
    assert escaped == 404
