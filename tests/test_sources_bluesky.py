"""Bluesky connector against a loopback server replaying recorded XRPC responses."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import pytest
from werkzeug import Request, Response

from vigie.exceptions import FetchError, NotConfigured
from vigie.items import Mention, Rejection
from vigie.sources.bluesky import BlueskySource

PASSWORD = "abcd-efgh-ijkl-mnop"
JWT = "test-access-jwt"
SEARCH = "/xrpc/app.bsky.feed.searchPosts"
SESSION = "/xrpc/com.atproto.server.createSession"


def _sample(shared_data, name):
    return json.loads((shared_data / "api-samples" / "bluesky" / name).read_text())


def _serve_session(httpserver, shared_data):
    session = _sample(shared_data, "createSession_200_jwts_redacted.json")
    session["accessJwt"] = JWT  # the recording blanked it; the connector refuses an empty token
    httpserver.expect_request(SESSION, method="POST").respond_with_json(session)


def _serve_search(httpserver, shared_data, posts=None):
    page = _sample(shared_data, "searchPosts_q_redistricting.json")
    if posts is not None:
        page["posts"] = posts

    def handler(request: Request) -> Response:
        body = {"posts": []} if request.args.get("cursor") == "25" else page
        return Response(json.dumps(body), content_type="application/json")

    httpserver.expect_request(SEARCH).respond_with_handler(handler)


def _source(httpserver, ctx, **config):
    base = {"handle": "vigie.bsky.social", "app_password": PASSWORD, "query": "redistricting",
            "service": httpserver.url_for("/").rstrip("/")}
    return BlueskySource({**base, **config}, ctx)


def _requests(httpserver, path):
    return [r for r, _ in httpserver.log if r.path == path]


def test_bluesky_source_maps_posts(httpserver, ctx, shared_data):
    _serve_session(httpserver, shared_data)
    _serve_search(httpserver, shared_data)
    items = list(_source(httpserver, ctx).fetch({}))
    assert len(items) == 25
    first, second = items[0], items[1]
    assert first.external_id == "at://did:plc:kkergqgbhb56ptpwj2wenkje/app.bsky.feed.post/3lpk2u6qo222m"
    assert first.url == "https://bsky.app/profile/socpaperbot.bsky.social/post/3lpk2u6qo222m"
    assert (first.author_handle, first.author_name) == (
        "socpaperbot.bsky.social", "Sociology papers (journals + SocArXiv)")
    assert first.published_at == datetime(2025, 5, 19, 17, 10, 9, 561858, tzinfo=UTC)
    assert first.engagement == {"likes": 0, "shares": 0, "comments": 0, "quotes": 0}
    assert first.text.startswith("Ends Versus Means") and first.language is None
    assert second.language == "en" and second.author_handle == "cjtackett.bsky.social"


def test_bluesky_source_signs_in_once_and_pages_with_cursor(httpserver, ctx, shared_data):
    _serve_session(httpserver, shared_data)
    _serve_search(httpserver, shared_data)
    list(_source(httpserver, ctx).fetch({}))
    (login,) = _requests(httpserver, SESSION)
    assert login.json == {"identifier": "vigie.bsky.social", "password": PASSWORD}
    first, second = _requests(httpserver, SEARCH)
    assert (first.args["q"], first.args["sort"], first.args["limit"]) == ("redistricting", "latest", "100")
    assert "cursor" not in first.args and second.args["cursor"] == "25"
    assert first.headers["Authorization"] == f"Bearer {JWT}"


def test_bluesky_source_second_run_asks_since(httpserver, ctx, shared_data):
    _serve_session(httpserver, shared_data)
    _serve_search(httpserver, shared_data)
    source, cursor = _source(httpserver, ctx), {}
    list(source.fetch(cursor))
    # The newest post was created before it was indexed: the search index sorts on the earlier.
    assert cursor["since"] == "2025-05-19T17:10:09.561858Z"
    assert JWT not in json.dumps(cursor) and PASSWORD not in json.dumps(cursor)
    assert list(source.fetch(cursor)) == []  # the replay ignores `since`: everything is known
    assert _requests(httpserver, SEARCH)[-1].args["since"] == "2025-05-19T17:10:09.561858Z"
    assert len(_requests(httpserver, SESSION)) == 1


def test_bluesky_source_renews_an_expired_session(httpserver, ctx, shared_data):
    _serve_session(httpserver, shared_data)
    expired = json.dumps({"error": "ExpiredToken", "message": "Token has expired"})
    httpserver.expect_oneshot_request(SEARCH).respond_with_data(expired, status=400, content_type="application/json")
    httpserver.expect_request(SEARCH).respond_with_json({"posts": []})
    assert list(_source(httpserver, ctx).fetch({})) == []
    assert len(_requests(httpserver, SESSION)) == 2


def test_bluesky_source_bad_app_password_is_not_configured(httpserver, ctx, shared_data, caplog):
    caplog.set_level(logging.DEBUG)
    body = (shared_data / "api-samples/bluesky/createSession_401.json").read_text()
    httpserver.expect_request(SESSION, method="POST").respond_with_data(
        body, status=401, content_type="application/json")
    with pytest.raises(NotConfigured, match="check handle and app password") as raised:
        list(_source(httpserver, ctx).fetch({}))
    assert "Invalid identifier or password" in str(raised.value)
    assert PASSWORD not in str(raised.value) and PASSWORD not in caplog.text


def test_bluesky_source_blank_access_token_is_fetch_error(httpserver, ctx, shared_data):
    body = (shared_data / "api-samples/bluesky/createSession_200_jwts_redacted.json").read_text()
    httpserver.expect_request(SESSION, method="POST").respond_with_data(body, content_type="application/json")
    with pytest.raises(FetchError, match="without an access token"):
        list(_source(httpserver, ctx).fetch({}))


def test_bluesky_source_search_error_is_fetch_error(httpserver, ctx, shared_data, caplog):
    caplog.set_level(logging.DEBUG)
    _serve_session(httpserver, shared_data)
    httpserver.expect_request(SEARCH).respond_with_json(
        {"error": "InvalidRequest", "message": "Error: q must not be empty"}, status=400)
    with pytest.raises(FetchError, match="q must not be empty") as raised:
        list(_source(httpserver, ctx).fetch({}))
    assert JWT not in str(raised.value) and JWT not in caplog.text


def test_bluesky_source_rejects_post_without_uri(httpserver, ctx, shared_data):
    posts = _sample(shared_data, "searchPosts_q_redistricting.json")["posts"][:2]
    broken = dict(posts[0])
    del broken["uri"]
    _serve_session(httpserver, shared_data)
    _serve_search(httpserver, shared_data, posts=[broken, posts[1]])
    items = list(_source(httpserver, ctx).fetch({}))
    assert isinstance(items[0], Rejection) and items[0].reason == "missing-id"
    assert [type(i) for i in items] == [Rejection, Mention]


def test_bluesky_source_requires_app_password(ctx):
    with pytest.raises(NotConfigured, match="'app_password'"):
        BlueskySource({"handle": "vigie.bsky.social", "query": "hydro"}, ctx)
