"""Mastodon connector against a loopback server replaying recorded API responses."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import pytest
from werkzeug import Request, Response

from vigie.exceptions import FetchError, NotConfigured
from vigie.items import Mention, Rejection
from vigie.sources.mastodon import MastodonSource

TAG = "fgiztsshwiaqqiztpmmjbtvmescsculuvmgjgopwoeidbcrixp"
TOKEN = "s3cret-mastodon-token"


def _recorded(shared_data, name):
    """Body and Link header of a recorded response (the Link still points at the recording host)."""
    folder = shared_data / "api-samples" / "mastodon"
    meta = json.loads((folder / f"{name}.meta.json").read_text())
    headers = {"Content-Type": "application/json"}
    if "link" in meta["headers_subset"]:
        headers["Link"] = meta["headers_subset"]["link"]
    return (folder / f"{name}.json").read_text(), headers


def _serve_tag_pages(httpserver, shared_data):
    pages = {
        None: _recorded(shared_data, "timelines_tag_page1_limit10"),
        "117020581339834938": _recorded(shared_data, "timelines_tag_page2_limit10"),
    }
    last = _recorded(shared_data, "timelines_tag_last_page_empty")

    def handler(request: Request) -> Response:
        body, headers = pages.get(request.args.get("max_id"), last)
        return Response(body, headers=headers)

    httpserver.expect_request(f"/api/v1/timelines/tag/{TAG}").respond_with_handler(handler)


def _source(httpserver, ctx, **config):
    return MastodonSource({"instance": httpserver.url_for("/").rstrip("/"), **config}, ctx)


def test_mastodon_source_follows_link_header_pages(httpserver, ctx, shared_data):
    _serve_tag_pages(httpserver, shared_data)
    cursor: dict = {}
    items = list(_source(httpserver, ctx, hashtags=[TAG]).fetch(cursor))
    assert len(items) == 20 and all(isinstance(m, Mention) for m in items)
    asked = [r.args.get("max_id") for r, _ in httpserver.log]
    assert asked == [None, "117020581339834938", "117020581259486622"]
    assert cursor["since_id"] == {f"tag:{TAG}": "117020581413876942"}


def test_mastodon_source_stops_at_max_pages(httpserver, ctx, shared_data):
    _serve_tag_pages(httpserver, shared_data)
    items = list(_source(httpserver, ctx, hashtags=[TAG], max_pages=1).fetch({}))
    assert len(items) == 10 and len(httpserver.log) == 1


def test_mastodon_source_second_run_asks_since_id(httpserver, ctx, shared_data):
    _serve_tag_pages(httpserver, shared_data)
    source = _source(httpserver, ctx, hashtags=["#" + TAG])
    cursor: dict = {}
    list(source.fetch(cursor))
    httpserver.clear_log()
    # The replay server ignores since_id and sends page 1 again: nothing is new.
    assert list(source.fetch(cursor)) == []
    (request, _), = httpserver.log
    assert request.args["since_id"] == "117020581413876942"


def test_mastodon_source_maps_hashtag_status(httpserver, ctx, shared_data):
    body, headers = _recorded(shared_data, "timelines_tag_hoot")
    httpserver.expect_request("/api/v1/timelines/tag/hoot").respond_with_handler(
        lambda r: Response("[]" if "max_id" in r.args else body, headers=headers))
    source = _source(httpserver, ctx, hashtags="hoot")
    (m,) = list(source.fetch({}))
    assert m.external_id == "http://localhost:3000/ap/users/117020566092212359/statuses/117020593741189701"
    assert m.url == "http://localhost:3000/@mastodonpy_test_2/117020593741189701"
    assert m.text == "#hoot (hashtag toot)" and '<a href="http://localhost:3000/tags/hoot"' in m.html
    assert m.author_handle == f"mastodonpy_test_2@{source.host}"
    assert m.published_at == datetime(2026, 8, 1, 13, 55, 55, 867000, tzinfo=UTC)
    assert m.language == "ja" and m.channel == "social" and m.raw["id"] == "117020593741189701"


def test_mastodon_source_search_maps_author_and_engagement(httpserver, ctx, shared_data):
    body = (shared_data / "api-samples/mastodon/search_v2_mastodon_social_q_halcy.json").read_text()
    httpserver.expect_request("/api/v2/search").respond_with_data(body, content_type="application/json")
    mentions = list(_source(httpserver, ctx, query="halcy", token=TOKEN).fetch({}))
    jo = next(m for m in mentions if m.author_handle == "Jo@social.sublingual.xyz")
    assert (jo.author_name, jo.author_followers) == ("Sublingual Multimedia", 893)
    assert jo.engagement == {"likes": 4, "shares": 1, "comments": 0, "quotes": 0}
    assert jo.text == "@halcy me when im riding my horse in stop and go traffic" and jo.language == "en"
    request, _ = httpserver.log[0]
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert (request.args["type"], request.args["q"]) == ("statuses", "halcy")


def test_mastodon_source_search_second_run_asks_min_id(httpserver, ctx, shared_data):
    body = (shared_data / "api-samples/mastodon/search_v2_mastodon_social_q_halcy.json").read_text()
    httpserver.expect_request("/api/v2/search").respond_with_data(body, content_type="application/json")
    source, cursor = _source(httpserver, ctx, query="halcy", token=TOKEN), {}
    assert len(list(source.fetch(cursor))) == 2
    assert list(source.fetch(cursor)) == []
    assert httpserver.log[-1][0].args["min_id"] == "116388149027005349"


def test_mastodon_source_rejects_status_without_id(httpserver, ctx, shared_data):
    statuses = json.loads((shared_data / "api-samples/mastodon/timelines_tag_hoot.json").read_text())
    broken = dict(statuses[0])
    del broken["id"]
    httpserver.expect_request("/api/v1/timelines/tag/hoot").respond_with_json([broken, *statuses])
    items = list(_source(httpserver, ctx, hashtags=["hoot"]).fetch({}))
    assert isinstance(items[0], Rejection) and items[0].reason == "missing-id"
    assert items[0].sample.startswith('{"created_at": "2026-08-01T13:55:55.867Z"') and len(items[0].sample) == 500
    assert isinstance(items[1], Mention)


def test_mastodon_source_query_without_token_is_not_configured(ctx):
    with pytest.raises(NotConfigured, match="'token'"):
        MastodonSource({"instance": "https://mastodon.social", "query": "hydro"}, ctx)


def test_mastodon_source_requires_instance(ctx):
    with pytest.raises(NotConfigured, match="'instance'"):
        MastodonSource({"hashtags": ["hydro"]}, ctx)


def test_mastodon_source_refused_token_does_not_leak(httpserver, ctx, caplog):
    caplog.set_level(logging.DEBUG)
    httpserver.expect_request("/api/v2/search").respond_with_json(
        {"error": "The access token is invalid"}, status=401)
    with pytest.raises(NotConfigured, match="access token is invalid") as raised:
        list(_source(httpserver, ctx, query="halcy", token=TOKEN).fetch({}))
    assert TOKEN not in str(raised.value) and TOKEN not in caplog.text


def test_mastodon_source_wrong_shape_is_fetch_error(httpserver, ctx):
    httpserver.expect_request("/api/v1/timelines/tag/hoot").respond_with_json({"error": "nope"})
    with pytest.raises(FetchError, match="list of statuses"):
        list(_source(httpserver, ctx, hashtags=["hoot"]).fetch({}))


def test_mastodon_source_server_error_is_fetch_error(httpserver, ctx):
    httpserver.expect_request("/api/v1/timelines/tag/hoot").respond_with_data("down", status=503)
    with pytest.raises(FetchError, match="HTTP 503"):
        list(_source(httpserver, ctx, hashtags=["hoot"]).fetch({}))
