"""Event topics in the web app: the overview's panel, the mention list filtered by topic, agencies scoped."""

from __future__ import annotations

import pytest
from webtools import build_web, mention

from vigie.ingest import Ingestor
from vigie.plugins import build_analyzers
from vigie.settings import Settings


@pytest.fixture
def web(store, settings):
    return build_web(store, settings)


EVENT = [
    ("Val-Sorbier : bris d'aqueduc sur la rue Principale, Val-Sorbier sans eau",
     "Bris d'aqueduc à Val-Sorbier <b>urgent</b>"),
    ("Encore un bris d'aqueduc à Val-Sorbier, la rue Principale est inondée", None),
    ("Val-Sorbier water main break on Principale leaves residents without water", None),
]


def _event(web):
    settings = Settings(overrides={"pipeline": ["keyphrases", "topics"]})
    source = web.store.ensure_source(web.ws["id"], "fil", "rss")
    Ingestor(web.store, web.ws, source, settings, build_analyzers(settings)).run(
        [mention(10 + i, text, title=title, language="fr" if i < 2 else "en", days_ago=0.5)
         for i, (text, title) in enumerate(EVENT)])
    with web.store.engine.connect() as conn:
        return conn.exec_driver_sql("SELECT topic_id FROM mentions WHERE external_id = 'm10'").scalar()


def test_overview_lists_topics_linking_to_their_mentions(web):
    topic_id = _event(web)
    page = web.client("viewer").get("/?days=7").text
    assert "Sujets de la période" in page and f'href="/mentions?topic_id={topic_id}"' in page
    listed = web.client("viewer").get(f"/mentions?topic_id={topic_id}").text
    assert "Encore un bris" in listed and "Parc à Saint-Laurent" not in listed


def test_agency_sees_topics_of_its_shared_watch_only_with_an_escaped_label(web):
    topic_id = _event(web)  # the agency's shared watch is "Val-Sorbier"
    page = web.client("agency").get("/?days=7").text
    assert f"topic_id={topic_id}" in page
    assert "<b>urgent</b>" not in page and "&lt;b&gt;urgent&lt;/b&gt;" in page  # a third party's title
    assert "Parc à Saint-Laurent" not in page


def test_topic_filter_in_the_api(web):
    topic_id = _event(web)
    client = web.client("viewer")
    client.headers["Accept"] = "application/json"
    found = client.get(f"/api/mentions?topic_id={topic_id}").json()["mentions"]
    with web.store.engine.connect() as conn:
        members = {r[0] for r in conn.exec_driver_sql(f"SELECT id FROM mentions WHERE topic_id = {int(topic_id)}")}
    assert {m["id"] for m in found} == members and len(members) >= 2
    assert {m["topic_id"] for m in found} == {topic_id}
