"""Google News RSS search built from watches, against the recorded feed served locally."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from vigie.plugins import source_classes
from vigie.sources.google_news import GoogleNewsSource, decode_article_url, google_query

SAMPLE = "api-samples/google-news-rss/google_news_top_stories_fr-BE_2020-03-08.xml"
RTBF = ("https://www.rtbf.be/info/societe/detail_coronavirus-en-belgique-200-cas-detectes-au-total-"
        "la-circulation-du-virus-reste-limitee?id=10450793")


@pytest.mark.parametrize("query, expected", [
    ('"Hydro-Québec" OR hydro', '"Hydro-Québec" OR hydro'),
    ("hydro AND (barrage OR centrale) NOT panne", "hydro (barrage OR centrale) -panne"),
    ('hydro* -"mauvaise presse"', 'hydro -"mauvaise presse"'),
    ("NOT (grève OR panne) tarifs", "-grève -panne tarifs"),
    ('title:"Hydro-Québec" lang:fr', 'intitle:"Hydro-Québec"'),
    ("barrage NEAR/5 rivière", "barrage rivière"),
    ("hydro OR lang:fr", None),  # "x OR anything" cannot be narrowed: nothing to search
])
def test_google_query_keeps_phrases_or_and_negation(query, expected):
    assert google_query(query) == expected


def test_decode_article_url_reads_clear_ids_only():
    assert decode_article_url("https://news.google.com/rss/articles/CBMiEGh0dHBzOi8vYS5jYS94L3nSAQA?oc=5") == "https://a.ca/x/y"
    assert decode_article_url("https://news.google.com/rss/articles/CBMiEEFVX3lxTE9ub3BlWHl6MTLSAQA?oc=5") is None
    assert decode_article_url("https://example.com/rss/articles/CBMiEGh0dHBzOi8vYS5jYS94L3nSAQA") is None


def test_google_news_source_is_registered():
    assert source_classes()["google_news"] is GoogleNewsSource


def test_google_news_source_searches_watch_and_reads_sample(shared_data, httpserver, ctx):
    body = (shared_data / SAMPLE).read_bytes()
    httpserver.expect_request("/rss/search", query_string={
        "q": '"Hydro-Québec" OR hydro', "hl": "fr", "gl": "CA", "ceid": "CA:fr",
    }).respond_with_data(body, content_type="application/xml; charset=utf-8")
    source = GoogleNewsSource({"base_url": httpserver.url_for("/rss/search")}, ctx)
    cursor: dict = {}
    [mention] = list(source.fetch(cursor))
    assert mention.source == "google_news" and mention.channel == "online_press"
    assert mention.title.startswith("Coronavirus en Belgique: 200 cas") and not mention.title.endswith("RTBF")
    assert (mention.outlet, mention.url, mention.external_id) == ("RTBF", RTBF, "52782335008021")
    assert mention.published_at == datetime(2020, 3, 8, 10, 32, 7, tzinfo=UTC)
    assert mention.language == "fr" and "Le Soir" in mention.text
    assert list(cursor["feeds"]) == ["1:fr"]
    assert list(source.fetch(cursor)) == []  # same feed again: nothing new


def test_google_news_source_queries_each_watch_and_language(shared_data, httpserver, ctx):
    body = (shared_data / SAMPLE).read_bytes()
    httpserver.expect_request("/rss/search").respond_with_data(body, content_type="application/xml")
    ctx.watches = [
        {"id": 1, "name": "Marque", "query": "hydro", "languages": ["fr", "en"]},
        {"id": 2, "name": "Filtre seul", "query": "lang:fr"},
    ]
    source = GoogleNewsSource({"base_url": httpserver.url_for("/rss/search")}, ctx)
    cursor: dict = {}
    assert len(list(source.fetch(cursor))) == 2  # same article per language; the store dedupes
    asked = [(r.args["q"], r.args["hl"], r.args["ceid"]) for r, _ in httpserver.log]
    assert asked == [("hydro", "fr", "CA:fr"), ("hydro", "en", "CA:en")]
    assert sorted(cursor["feeds"]) == ["1:en", "1:fr"]
