"""Alert rules: each kind, cooldown, quiet hours, grouping by story, digest, acknowledgement."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from vigie.ingest import Ingestor
from vigie.items import Mention, SearchResult, SearchSnapshot
from vigie.signals import tables as T
from vigie.signals.alerts import AlertBook
from vigie.signals.channels import add_channel
from vigie.signals.engine import AlertEngine
from vigie.signals.rules import add_rule, quiet_until
from vigie.signals.series import TOTAL, Counts
from vigie.store import schema

STORY = "Appel au boycott d'Hydro après la hausse des tarifs annoncée hier par la société d'État pour {n}"
OTHER = "Les syndicats d'Hydro menacent d'une grève générale dès lundi si les négociations échouent {n}"


@pytest.fixture
def ingest(store, workspace, settings, monkeypatch):
    """Store mentions for real; hand their (row, watch ids) to the test instead of the live hook."""
    def run(items, sentiment=None):
        captured = []
        monkeypatch.setattr("vigie.signals.engine.observe", lambda _s, _w, pairs: captured.extend(pairs))
        source = store.ensure_source(workspace["id"], "test", "manual")
        Ingestor(store, workspace, source, settings).run(items)
        for row, _ in captured:
            row["sentiment"] = sentiment  # what the sentiment analyzer will put on the row
        return captured
    return run


@pytest.fixture
def engine(store, workspace, settings):
    eng = AlertEngine(store, workspace, settings, background=False)
    yield eng
    eng.dispatcher.close(0)


@pytest.fixture
def watch(store, workspace):
    return store.add_watch(workspace["id"], "Hydro", "hydro")


def _alerts(store, workspace):
    return AlertBook(store, workspace).list(limit=100)


def _mentions(template, n, start=0, **kw):
    return [Mention("manual", kw.pop("channel", "social"), f"{template[:5]}-{start + i}",
                    text=template.format(n=start + i), **kw) for i in range(n)]


NOW = datetime(2024, 6, 5, 16, 0, tzinfo=UTC)  # noon in Toronto


def test_keyword_rule_raises_one_alert_per_story_not_one_per_mention(store, workspace, watch, engine, ingest):
    add_rule(store, workspace["id"], "Boycott", "keyword")
    engine.observe(ingest(_mentions(STORY, 6)), NOW)
    engine.observe(ingest(_mentions(STORY, 4, start=6)), NOW + timedelta(minutes=3))  # the story keeps growing
    alerts = _alerts(store, workspace)
    assert len(alerts) == 1
    assert alerts[0]["story_id"] is not None
    assert alerts[0]["explanation"]["occurrences"] == 10
    assert alerts[0]["explanation"]["keywords"] == ["boycott"]


def test_story_formed_after_the_first_alert_still_groups_into_it(store, workspace, watch, engine, ingest):
    add_rule(store, workspace["id"], "Boycott", "keyword")
    engine.observe(ingest(_mentions(STORY, 1)), NOW)  # alone: no story yet
    engine.observe(ingest(_mentions(STORY, 2, start=1)), NOW + timedelta(minutes=1))  # its near-duplicates
    alerts = _alerts(store, workspace)
    assert len(alerts) == 1 and alerts[0]["explanation"]["occurrences"] == 3


def test_keywords_match_without_case_or_accents(store, workspace, watch, engine, ingest):
    add_rule(store, workspace["id"], "Grève", "keyword", params={"keywords": ["grève"]})
    engine.observe(ingest([Mention("manual", "forum", "x1", text="HYDRO: GREVE illimitée des monteurs")]), NOW)
    assert [a["kind"] for a in _alerts(store, workspace)] == ["keyword"]


def test_cooldown_suppresses_another_story_then_lets_the_next_one_through(store, workspace, watch, engine, ingest):
    add_rule(store, workspace["id"], "Mots", "keyword", params={"keywords": ["boycott", "grève"]}, cooldown_s=3600)
    engine.observe(ingest(_mentions(STORY, 1)), NOW)
    engine.observe(ingest(_mentions(OTHER, 1)), NOW + timedelta(minutes=20))
    third = "Grève surprise chez Hydro au poste de {n}"
    engine.observe(ingest(_mentions(third, 1)), NOW + timedelta(minutes=90))
    statuses = [a["status"] for a in reversed(_alerts(store, workspace))]
    assert statuses == ["open", "suppressed", "open"]


def test_quiet_hours_hold_delivery_until_morning_but_critical_goes_out(store, workspace, watch, engine, ingest,
                                                                        httpserver):
    httpserver.expect_request("/hook").respond_with_data("ok")
    add_channel(store, workspace["id"], "hook", "webhook", {"url": httpserver.url_for("/hook")})
    add_rule(store, workspace["id"], "Nuit", "keyword", params={"keywords": ["boycott"]}, quiet_hours="22:00-07:00")
    add_rule(store, workspace["id"], "Urgent", "keyword", params={"keywords": ["grève"]}, quiet_hours="22:00-07:00",
             severity="critical")
    night = datetime(2024, 6, 5, 23, 30, tzinfo=ZoneInfo("America/Toronto"))
    engine.observe(ingest(_mentions(STORY, 1) + _mentions(OTHER, 1)), night.astimezone(UTC))
    with store.engine.connect() as conn:
        sends = {r.alert_id: r for r in conn.execute(select(T.alert_sends))}
    held, urgent = sorted(_alerts(store, workspace), key=lambda a: a["id"])
    assert held["deliver_after"] == datetime(2024, 6, 6, 7, 0, tzinfo=ZoneInfo("America/Toronto"))
    assert sends[held["id"]].status == "pending"
    assert sends[urgent["id"]].status == "delivered" and len(httpserver.log) == 1


def test_quiet_hours_within_one_day_and_outside():
    tz = ZoneInfo("Europe/Paris")
    assert quiet_until("12:00-14:00", datetime(2024, 1, 3, 12, 30, tzinfo=tz), tz) == datetime(2024, 1, 3, 14, 0, tzinfo=tz)
    assert quiet_until("22:00-07:00", datetime(2024, 1, 3, 8, 0, tzinfo=tz), tz) is None
    assert quiet_until("22:00-07:00", datetime(2024, 1, 3, 3, 0, tzinfo=tz), tz) == datetime(2024, 1, 3, 7, 0, tzinfo=tz)


def test_high_reach_rule_needs_a_known_negative_sentiment(store, workspace, watch, engine, ingest):
    add_rule(store, workspace["id"], "Portée", "high_reach", params={"min_reach": 50_000})
    big = dict(author_handle="@chroniqueur", author_followers=120_000)
    engine.observe(ingest([Mention("manual", "social", "u1", text="Hydro encore en panne", **big)]), NOW)
    assert _alerts(store, workspace) == []  # sentiment unknown: not negative
    engine.observe(ingest([Mention("manual", "social", "u2", text="Hydro nous ment", **big)], "negative"), NOW)
    engine.observe(ingest([Mention("manual", "social", "u3", text="Hydro, quelle honte",
                                   author_followers=300)], "negative"), NOW)
    [alert] = _alerts(store, workspace)
    assert alert["explanation"]["audience"] == 120_000 and alert["explanation"]["author"] == "@chroniqueur"


def _history(engine, watch_id, negative=0, known=0, days=3, per_bucket=8):
    start = NOW - timedelta(days=days)
    engine.series.seed(watch_id, TOTAL, [(start + timedelta(minutes=5 * i),
                                          Counts(per_bucket + i % 3, negative + i % 2, known + i % 2, per_bucket))
                                         for i in range(days * 288)])


def test_spike_rule_explains_baseline_terms_sources_and_samples(store, workspace, watch, engine, ingest):
    add_rule(store, workspace["id"], "Pic", "spike")
    _history(engine, watch["id"])
    text = "Incendie au barrage d'Hydro, évacuation des riverains en cours {n}"
    burst = _mentions(text, 60, published_at=NOW, outlet="Radio-Canada", author_handle="@reporter")
    engine.observe(ingest(burst), NOW + timedelta(seconds=30))
    [alert] = _alerts(store, workspace)
    e = alert["explanation"]
    assert alert["kind"] == "spike" and e["baseline"] < 12 and e["observed"] >= 60 and e["ratio"] > 4
    assert {"incendie", "barrage", "évacuation"} <= {x["term"] for x in e["top_terms"]}  # as written
    assert e["top_sources"][0] == {"name": "Radio-Canada", "mentions": 60}
    assert e["top_authors"][0]["name"] == "@reporter" and len(e["samples"]) == 3
    engine.observe(ingest(_mentions(text, 30, start=60, published_at=NOW)), NOW + timedelta(seconds=60))
    assert len(_alerts(store, workspace)) == 1  # the same episode updates its alert


def test_negative_surge_needs_many_negative_mentions(store, workspace, watch, engine, ingest):
    add_rule(store, workspace["id"], "Négatif", "negative_surge", params={"min_negative": 10, "min_share": 0.5})
    _history(engine, watch["id"], negative=0, known=4)
    text = "Hydro nous laisse dans le noir depuis deux jours, c'est honteux {n}"
    engine.observe(ingest(_mentions(text, 8, published_at=NOW), "negative"), NOW + timedelta(seconds=20))
    assert _alerts(store, workspace) == []  # unusual, but too few to alert on
    engine.observe(ingest(_mentions(text, 30, start=8, published_at=NOW), "negative"), NOW + timedelta(seconds=40))
    [alert] = _alerts(store, workspace)
    assert alert["kind"] == "negative_surge" and alert["explanation"]["share"] >= 0.5


def _snapshot(results):
    return SearchSnapshot("searxng", "Ville de Démo", [SearchResult(i + 1, url, title) for i, (url, title) in
                                                       enumerate(results)])


def test_search_rule_flags_a_new_negative_result_in_the_top_ten(store, workspace, engine, ingest):
    add_rule(store, workspace["id"], "Google", "search", params={"negative_query": "scandale OR fraude"})
    first = [("https://ville.example/", "Site officiel"), ("https://a.example/1", "Budget adopté")]
    engine.observe(ingest([_snapshot(first)]), NOW)
    assert _alerts(store, workspace) == []  # a first snapshot is the reference
    second = [("https://ville.example/", "Site officiel"), ("https://journal.example/s", "Scandale à la mairie"),
              ("https://a.example/1", "Budget adopté"), ("https://b.example/2", "Nouveau parc")]
    engine.observe(ingest([_snapshot(second)]), NOW + timedelta(hours=1))
    engine.tick(NOW + timedelta(hours=2))  # evaluated again: still one alert
    [alert] = _alerts(store, workspace)
    assert alert["kind"] == "search" and alert["explanation"]["rank"] == 2
    assert alert["explanation"]["url"] == "https://journal.example/s"


def test_silence_rule_alerts_once_per_silence(store, workspace, engine):
    add_rule(store, workspace["id"], "Muet", "silence")
    source = store.add_source(workspace["id"], "Fil RSS", "rss", {"url": "https://x.example/feed"}, interval_s=900)
    run = store.start_run(source["id"])
    store.finish_run(run, source["id"], "ok")
    later = datetime.now(UTC) + timedelta(hours=2)
    engine.tick(later - timedelta(hours=1, minutes=30))  # 30 min: fine
    engine.tick(later)
    engine.tick(later + timedelta(hours=1))
    [alert] = _alerts(store, workspace)
    assert alert["kind"] == "silence" and alert["explanation"]["source"] == "Fil RSS"
    with store.engine.begin() as conn:  # it recovers, then falls silent again: a new alert
        conn.execute(update(schema.sources).values(last_success_at=later))
    engine.tick(later + timedelta(hours=4))
    assert len(_alerts(store, workspace)) == 2


def test_digest_rules_wait_for_the_daily_digest(store, workspace, watch, engine, ingest, httpserver):
    httpserver.expect_request("/hook").respond_with_data("ok")
    add_channel(store, workspace["id"], "hook", "webhook", {"url": httpserver.url_for("/hook")})
    add_rule(store, workspace["id"], "Veille douce", "keyword", params={"keywords": ["boycott"]}, delivery="digest")
    morning = datetime(2024, 6, 6, 8, 1, tzinfo=ZoneInfo("America/Toronto"))
    engine.observe(ingest(_mentions(STORY, 1)), morning - timedelta(hours=3))
    assert [a["status"] for a in _alerts(store, workspace)] == ["digest"] and not httpserver.log
    assert engine.alerts.digest(morning - timedelta(hours=2))[0] is None  # before 08:00
    digest_id, jobs = engine.alerts.digest(morning)
    engine.dispatcher.submit(jobs)
    assert engine.alerts.digest(morning + timedelta(hours=3))[0] is None  # once a day
    assert engine.alerts.get(digest_id)["kind"] == "digest" and len(httpserver.log) == 1
    assert "boycott" in httpserver.log[0][0].get_json()["explanation"]["alerts"][0]["title"].lower()


def test_acknowledging_cancels_held_deliveries(store, workspace, watch, engine, ingest):
    add_channel(store, workspace["id"], "hook", "webhook", {"url": "http://127.0.0.1:9/never"})
    add_rule(store, workspace["id"], "Nuit", "keyword", params={"keywords": ["boycott"]}, quiet_hours="00:00-23:59")
    [alert_id] = engine.observe(ingest(_mentions(STORY, 1)), NOW)
    acked = engine.alerts.acknowledge(alert_id, "marie")
    assert acked["status"] == "acknowledged" and acked["acknowledged_by"] == "marie"
    with store.engine.connect() as conn:
        assert conn.execute(select(T.alert_sends.c.status)).scalar() == "cancelled"
