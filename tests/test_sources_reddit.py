"""Reddit connector against a loopback server replaying recorded OAuth API responses."""

from __future__ import annotations

import base64
import json
import logging
from datetime import UTC, datetime

import pytest
from werkzeug import Request, Response

from vigie.exceptions import FetchError, NotConfigured
from vigie.items import Mention, Rejection
from vigie.sources.reddit import RedditSource

SECRET = "s3cret-reddit-client-secret"
TOKEN_PATH = "/api/v1/access_token"


def _body(shared_data, name):
    return (shared_data / "api-samples" / "reddit" / name).read_text()


def _serve(httpserver, shared_data, path="/r/all/search", first=None):
    httpserver.expect_request(TOKEN_PATH, method="POST").respond_with_data(
        _body(shared_data, "oauth_access_token_2026.json"), content_type="application/json")
    # The recorded 2026 listing carries after=t3_1skbyfv; the 2016 search listing ends the paging.
    first = first or _body(shared_data, "r_popular_hot_2026_trimmed20.json")
    last = _body(shared_data, "search_r_all_q_praw_oauth_search_2016.json")

    def handler(request: Request) -> Response:
        return Response(last if request.args.get("after") == "t3_1skbyfv" else first,
                        content_type="application/json")

    httpserver.expect_request(path).respond_with_handler(handler)


def _source(httpserver, ctx, **config):
    base = httpserver.url_for("/").rstrip("/")
    settings = {"client_id": "vigie-app", "client_secret": SECRET, "query": "hydro",
                "user_agent": "test:vigie:0.1 (by /u/vigie)", "auth_base": base, "api_base": base}
    return RedditSource({**settings, **config}, ctx)


def _searches(httpserver):
    return [r for r, _ in httpserver.log if r.path != TOKEN_PATH]


def test_reddit_source_pages_with_after(httpserver, ctx, shared_data):
    _serve(httpserver, shared_data)
    items = list(_source(httpserver, ctx).fetch({}))
    assert len(items) == 26 and all(isinstance(m, Mention) for m in items)
    first, second = _searches(httpserver)
    assert dict(first.args) == {"q": "hydro", "sort": "new", "type": "link", "limit": "100",
                                "raw_json": "1", "restrict_sr": "false"}
    assert second.args["after"] == "t3_1skbyfv"
    assert first.headers["Authorization"] == "bearer <ACCESS_TOKEN>"
    assert first.headers["User-Agent"] == "test:vigie:0.1 (by /u/vigie)"


def test_reddit_source_asks_one_token_with_client_credentials(httpserver, ctx, shared_data):
    _serve(httpserver, shared_data)
    list(_source(httpserver, ctx).fetch({}))
    (token_request,) = [r for r, _ in httpserver.log if r.path == TOKEN_PATH]
    assert token_request.form["grant_type"] == "client_credentials"
    expected = base64.b64encode(f"vigie-app:{SECRET}".encode()).decode()
    assert token_request.headers["Authorization"] == f"Basic {expected}"


def test_reddit_source_maps_posts(httpserver, ctx, shared_data):
    _serve(httpserver, shared_data)
    by_id = {m.external_id: m for m in _source(httpserver, ctx).fetch({})}
    mma = by_id["t3_1skjxta"]
    assert mma.url.startswith("https://www.reddit.com/r/MMA/comments/1skjxta/")
    assert (mma.outlet, mma.outlet_audience, mma.channel) == ("r/MMA", 3623994, "forum")
    assert mma.engagement == {"likes": 546, "comments": 495} and mma.author_handle == "airplane231"
    assert mma.published_at == datetime.fromtimestamp(1776105848, UTC)
    old = by_id["t3_3gpbiu"]
    assert old.url == "https://www.reddit.com/r/redditdev/comments/3gpbiu/prawoauth2util_problem_using_get_banned_raise/"
    assert "<h1>solved</h1>" in old.html and "SC_OFF" not in old.html
    assert old.text.startswith("# solved") and old.title


def test_reddit_source_second_run_stops_at_known_posts(httpserver, ctx, shared_data):
    _serve(httpserver, shared_data)
    source, cursor = _source(httpserver, ctx), {}
    list(source.fetch(cursor))
    assert cursor == {"since_utc": 1776109086.0, "seen": ["t3_1sklidt"]}
    httpserver.clear_log()
    assert list(source.fetch(cursor)) == []  # no `after` request: page 1 already reached known posts
    assert [r.args.get("after") for r in _searches(httpserver)] == [None]


def test_reddit_source_reads_newest_posts_of_a_subreddit(httpserver, ctx, shared_data):
    _serve(httpserver, shared_data, path="/r/quebec/new",
           first=_body(shared_data, "search_r_all_empty_result_2020.json"))
    assert list(_source(httpserver, ctx, query=None, subreddit="r/quebec").fetch({})) == []
    assert [r.path for r in _searches(httpserver)] == ["/r/quebec/new"]


def test_reddit_source_rejects_post_without_id(httpserver, ctx, shared_data):
    listing = json.loads(_body(shared_data, "search_r_all_empty_result_2020.json"))
    post = json.loads(_body(shared_data, "r_popular_hot_2026_trimmed20.json"))["data"]["children"][0]
    broken = {"kind": "t3", "data": {k: v for k, v in post["data"].items() if k not in ("id", "name")}}
    listing["data"]["children"] = [broken, post]
    _serve(httpserver, shared_data, first=json.dumps(listing))
    items = list(_source(httpserver, ctx).fetch({}))
    assert [type(i) for i in items] == [Rejection, Mention] and items[0].reason == "missing-id"


def test_reddit_source_bad_credentials_are_not_configured(httpserver, ctx, caplog):
    caplog.set_level(logging.DEBUG)
    httpserver.expect_request(TOKEN_PATH).respond_with_json({"message": "Unauthorized", "error": 401}, status=401)
    with pytest.raises(NotConfigured, match="'client_secret'") as raised:
        list(_source(httpserver, ctx).fetch({}))
    assert SECRET not in str(raised.value) and SECRET not in caplog.text


def test_reddit_source_api_error_is_fetch_error(httpserver, ctx, shared_data, caplog):
    caplog.set_level(logging.DEBUG)
    httpserver.expect_request(TOKEN_PATH).respond_with_data(
        _body(shared_data, "oauth_access_token_2026.json"), content_type="application/json")
    httpserver.expect_request("/r/all/search").respond_with_json({"message": "Forbidden", "error": 403}, status=403)
    with pytest.raises(FetchError, match="HTTP 403: Forbidden") as raised:
        list(_source(httpserver, ctx).fetch({}))
    assert "<ACCESS_TOKEN>" not in str(raised.value) and SECRET not in caplog.text


def test_reddit_source_requires_client_secret(ctx):
    with pytest.raises(NotConfigured, match="'client_secret'"):
        RedditSource({"client_id": "vigie-app", "query": "hydro"}, ctx)
