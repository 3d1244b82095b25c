"""SearXNG and Google Programmable Search connectors against a loopback server replaying recorded responses."""

from __future__ import annotations

import json
import logging

import pytest

from vigie.exceptions import FetchError, NotConfigured
from vigie.items import SearchSnapshot
from vigie.sources.google_cse import GoogleCseSource
from vigie.sources.searxng import SearxngSource

KEY = "s3cret-google-api-key"


def _sample(shared_data, folder, name):
    return json.loads((shared_data / "api-samples" / folder / f"{name}.json").read_text())


def _searxng(httpserver, ctx, **config):
    return SearxngSource({"base_url": httpserver.url_for("/"), **config}, ctx)


def test_searxng_source_yields_one_ranked_snapshot_per_query(httpserver, ctx, shared_data):
    payload = _sample(shared_data, "searxng", "search_format_json_generated_from_unit_fixture")
    httpserver.expect_request("/search").respond_with_json(payload)
    items = list(_searxng(httpserver, ctx).fetch({}))
    assert len(items) == 1 and isinstance(items[0], SearchSnapshot)
    snap = items[0]
    assert (snap.engine, snap.query, snap.raw) == ("searxng", "Test", payload)  # workspace name
    assert [(r.rank, r.url, r.title, r.snippet) for r in snap.results] == [
        (1, "http://first.test.xyz", "First Test", "first test content"),
        (2, "http://second.test.xyz", "Second Test", "second test content"),
    ]
    assert httpserver.log[0][0].args["format"] == "json" and httpserver.log[0][0].args["q"] == "Test"


def test_searxng_source_asks_each_configured_query(httpserver, ctx, shared_data):
    httpserver.expect_request("/search").respond_with_json(
        _sample(shared_data, "searxng", "search_format_json_generated_from_unit_fixture"))
    items = list(_searxng(httpserver, ctx, queries=["Hydro-Québec", "hydro panne"], language="fr").fetch({}))
    assert [s.query for s in items] == ["Hydro-Québec", "hydro panne"]
    assert [r.args["q"] for r, _ in httpserver.log] == ["Hydro-Québec", "hydro panne"]
    assert httpserver.log[0][0].args["language"] == "fr"


@pytest.mark.parametrize("status", [403, 429])
def test_searxng_source_explains_disabled_json_format(httpserver, ctx, status):
    httpserver.expect_request("/search").respond_with_data("Forbidden", status=status)
    with pytest.raises(FetchError, match="enable the json format in SearXNG's settings.yml"):
        list(_searxng(httpserver, ctx).fetch({}))
    assert len(httpserver.log) == 1  # not retried: waiting does not change the settings


def test_searxng_source_html_page_is_fetch_error(httpserver, ctx):
    httpserver.expect_request("/search").respond_with_data("<html>results</html>", content_type="text/html")
    with pytest.raises(FetchError, match="did not answer JSON"):
        list(_searxng(httpserver, ctx).fetch({}))


def test_searxng_source_needs_an_instance(ctx):
    with pytest.raises(NotConfigured, match="base_url"):
        SearxngSource({}, ctx)


def _cse(httpserver, ctx, **config):
    return GoogleCseSource({"api_key": KEY, "cx": "9caa38cf5cbf0f78b", "api_base": httpserver.url_for("/customsearch/v1"), **config}, ctx)


def test_google_cse_source_ranks_the_first_page(httpserver, ctx, shared_data):
    payload = _sample(shared_data, "google-cse", "customsearch_v1_q_google")
    httpserver.expect_request("/customsearch/v1").respond_with_json(payload)
    items = list(_cse(httpserver, ctx, queries=["google"]).fetch({}))
    assert len(items) == 1 and isinstance(items[0], SearchSnapshot)
    snap = items[0]
    assert (snap.engine, snap.query, snap.raw) == ("google_cse", "google", payload)
    assert [r.rank for r in snap.results] == list(range(1, 11))
    assert snap.results[0].url == "https://google.com/" and snap.results[0].title == "Google"
    assert snap.results[0].snippet.startswith("Search the world's information")
    assert snap.results[9].url == "https://hangouts.google.com/"
    request = httpserver.log[0][0]
    assert (request.args["q"], request.args["cx"], request.args["num"]) == ("google", "9caa38cf5cbf0f78b", "10")
    assert request.headers["X-Goog-Api-Key"] == KEY and KEY not in request.url


def test_google_cse_source_reads_a_second_page_when_asked(httpserver, ctx, shared_data):
    httpserver.expect_request("/customsearch/v1").respond_with_json(_sample(shared_data, "google-cse", "customsearch_v1_q_google"))
    snap = next(iter(_cse(httpserver, ctx, pages=2).fetch({})))
    assert [r.args.get("start") for r, _ in httpserver.log] == [None, "11"]
    assert [r.rank for r in snap.results] == list(range(1, 21)) and isinstance(snap.raw, list)


def test_google_cse_source_error_payload_is_fetch_error_without_key(httpserver, ctx, shared_data, caplog):
    caplog.set_level(logging.DEBUG)
    # A recorded Google API error (YouTube's keyInvalid): Custom Search uses the same envelope.
    error = _sample(shared_data, "youtube", "error_400_keyInvalid")
    httpserver.expect_request("/customsearch/v1").respond_with_json(error, status=400)
    with pytest.raises(FetchError, match="HTTP 400.*Bad Request") as caught:
        list(_cse(httpserver, ctx).fetch({}))
    assert KEY not in str(caught.value) and KEY not in caplog.text


def test_google_cse_source_quota_error_is_not_retried(httpserver, ctx):
    error = {"error": {"code": 429, "message": "Quota exceeded for quota metric 'Queries'", "status": "RESOURCE_EXHAUSTED"}}
    httpserver.expect_request("/customsearch/v1").respond_with_json(error, status=429)
    with pytest.raises(FetchError, match="RESOURCE_EXHAUSTED: Quota exceeded"):
        list(_cse(httpserver, ctx).fetch({}))
    assert len(httpserver.log) == 1


def test_google_cse_source_needs_key_and_engine_id(ctx):
    with pytest.raises(NotConfigured, match="api_key"):
        GoogleCseSource({"cx": "abc"}, ctx)
    with pytest.raises(NotConfigured, match="'cx'"):
        GoogleCseSource({"api_key": KEY}, ctx)
