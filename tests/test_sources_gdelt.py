"""GDELT DOC 2.0 connector against a loopback server.

No recorded GDELT response exists (see api-samples/SOURCE.md section 6), so the payloads here are
built in the test following the documented artlist shape: {"articles": [{url, url_mobile, title,
seendate "YYYYMMDDTHHMMSSZ", socialimage, domain, language (English name), sourcecountry}]}.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from vigie.exceptions import FetchError, NotConfigured
from vigie.items import Mention, Rejection
from vigie.sources.gdelt import GdeltSource, query_from_watches

NOW = datetime.now(UTC).replace(microsecond=0)


def _article(url, minutes_ago, language="French", domain="lapresse.ca", title="Hydro-Québec annonce"):
    return {
        "url": url, "url_mobile": "", "title": title,
        "seendate": (NOW - timedelta(minutes=minutes_ago)).strftime("%Y%m%dT%H%M%SZ"),
        "socialimage": "https://img.example/x.jpg", "domain": domain,
        "language": language, "sourcecountry": "Canada",
    }


ARTICLES = {"articles": [
    _article("https://www.lapresse.ca/a1", 30),
    _article("https://www.cbc.ca/a2", 90, language="English", domain="cbc.ca", title="Hydro rates"),
    _article("https://example.tlh/a3", 120, language="Klingon", domain="example.tlh"),
]}


def _source(httpserver, ctx, **config):
    return GdeltSource({"api_base": httpserver.url_for("/api/v2/doc/doc"), **config}, ctx)


def test_gdelt_source_maps_articles(httpserver, ctx):
    httpserver.expect_request("/api/v2/doc/doc").respond_with_json(ARTICLES)
    items = list(_source(httpserver, ctx).fetch({}))
    assert all(isinstance(m, Mention) and m.channel == "online_press" for m in items)
    first = items[0]
    assert (first.external_id, first.url, first.outlet) == ("https://www.lapresse.ca/a1",) * 2 + ("lapresse.ca",)
    assert first.title == "Hydro-Québec annonce" and first.raw["sourcecountry"] == "Canada"
    assert first.published_at == NOW - timedelta(minutes=30) and first.published_at.tzinfo == UTC
    assert [m.language for m in items] == ["fr", "en", None]


def test_gdelt_source_builds_the_query_from_watches(httpserver, ctx):
    httpserver.expect_request("/api/v2/doc/doc").respond_with_json(ARTICLES)
    list(_source(httpserver, ctx).fetch({}))
    args = httpserver.log[0][0].args
    assert args["query"] == '("Hydro-Québec" OR hydro)'
    assert (args["mode"], args["format"], args["sort"], args["maxrecords"]) == ("artlist", "json", "datedesc", "250")
    assert args["timespan"] == "1d" and "startdatetime" not in args


def test_gdelt_source_starts_next_run_at_newest_seendate(httpserver, ctx):
    httpserver.expect_request("/api/v2/doc/doc").respond_with_json(ARTICLES)
    source, cursor = _source(httpserver, ctx), {}
    list(source.fetch(cursor))
    newest = NOW - timedelta(minutes=30)
    assert cursor["seendate"] == newest.strftime("%Y%m%dT%H%M%SZ")
    list(source.fetch(cursor))
    args = httpserver.log[1][0].args
    assert args["startdatetime"] == newest.strftime("%Y%m%d%H%M%S") and "timespan" not in args


def test_gdelt_source_text_error_body_is_fetch_error(httpserver, ctx):
    # GDELT answers a bad query with a plain-text explanation and status 200.
    httpserver.expect_request("/api/v2/doc/doc").respond_with_data(
        "The specified phrase is too short.", content_type="text/html")
    with pytest.raises(FetchError, match="The specified phrase is too short"):
        list(_source(httpserver, ctx, query='"a"').fetch({}))


def test_gdelt_source_empty_object_means_no_articles(httpserver, ctx):
    httpserver.expect_request("/api/v2/doc/doc").respond_with_json({})
    cursor: dict = {}
    assert list(_source(httpserver, ctx).fetch(cursor)) == [] and "seendate" not in cursor


def test_gdelt_source_rejects_articles_without_url(httpserver, ctx):
    httpserver.expect_request("/api/v2/doc/doc").respond_with_json(
        {"articles": [{"title": "no url"}, _article("https://ok.example/", 5)]})
    items = list(_source(httpserver, ctx).fetch({}))
    assert isinstance(items[0], Rejection) and items[0].reason == "missing-url"
    assert isinstance(items[1], Mention)


def test_gdelt_source_needs_a_query_or_a_watch(ctx):
    ctx.watches = []
    with pytest.raises(NotConfigured, match="query"):
        GdeltSource({}, ctx)


def test_query_from_watches_keeps_phrases_and_drops_operators():
    watches = [{"query": 'hydro* AND (barrage OR dam) NOT fishing -"foo bar" lang:fr'}, {"query": "Hydro-Québec"}]
    assert query_from_watches(watches) == '(hydro OR barrage OR dam OR "Hydro-Québec")'
    assert query_from_watches([{"query": '"Vigie"'}]) == '"Vigie"'
