"""X API v2 connector against a loopback server replaying recorded recent-search responses."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import pytest
from werkzeug import Request, Response

from vigie.exceptions import FetchError, NotConfigured
from vigie.items import Mention, Rejection
from vigie.sources.x import XSource

TOKEN = "AAAAs3cretXBearerToken"
SEARCH = "/2/tweets/search/recent"
NEXT = "b26v89c19zqg8o3fpzbn1e0ffhxjiofzw6po136rvbnul"  # page a's meta.next_token


def _body(shared_data, name):
    return (shared_data / "api-samples" / "x-twitter" / name).read_text()


def _serve_pages(httpserver, shared_data):
    a = _body(shared_data, "search_recent_q_Tweepy_2022-10-07a.json")
    b = _body(shared_data, "search_recent_q_Tweepy_2022-10-07b.json")

    def handler(request: Request) -> Response:
        return Response(b if request.args.get("next_token") == NEXT else a, content_type="application/json")

    httpserver.expect_request(SEARCH).respond_with_handler(handler)


def _source(httpserver, ctx, **config):
    base = {"bearer_token": TOKEN, "query": "Tweepy", "api_base": httpserver.url_for("/").rstrip("/")}
    return XSource({**base, **config}, ctx)


def test_x_source_pages_with_next_token(httpserver, ctx, shared_data):
    _serve_pages(httpserver, shared_data)
    items = list(_source(httpserver, ctx, max_pages=2).fetch({}))
    assert len(items) == 20 and all(isinstance(m, Mention) for m in items)
    first, second = (r for r, _ in httpserver.log)
    assert first.args["tweet.fields"] == "created_at,lang,public_metrics,author_id"
    assert (first.args["expansions"], first.args["user.fields"]) == ("author_id", "username,name,public_metrics")
    assert "next_token" not in first.args and second.args["next_token"] == NEXT
    assert first.headers["Authorization"] == f"Bearer {TOKEN}"
    # These recordings asked for no fields: no author, no date, a handle-less URL.
    assert items[0].url == "https://x.com/i/web/status/1578516068309794817" and items[0].published_at is None


def test_x_source_second_run_asks_since_id(httpserver, ctx, shared_data):
    _serve_pages(httpserver, shared_data)
    source, cursor = _source(httpserver, ctx, max_pages=2), {}
    list(source.fetch(cursor))
    assert cursor == {"since_id": "1578522194770296832"}
    httpserver.clear_log()
    assert list(source.fetch(cursor)) == []  # the replay ignores since_id; nothing is newer
    assert httpserver.log[0][0].args["since_id"] == "1578522194770296832"


def test_x_source_maps_authors_from_includes(httpserver, ctx, shared_data):
    page = json.loads(_body(shared_data, "search_expansions_author_id_referenced_tweets_docs_example.json"))
    # The docs example asked for other fields; add the metrics this connector requests.
    page["data"][0]["public_metrics"] = {"retweet_count": 2, "reply_count": 1, "like_count": 7,
                                         "quote_count": 0, "impression_count": 150}
    page["includes"]["users"][0]["public_metrics"] = {"followers_count": 1234}
    httpserver.expect_request(SEARCH).respond_with_json(page)
    first, _, third, _ = _source(httpserver, ctx).fetch({})
    assert first.url == "https://x.com/happycamper/status/1276035977375477760"
    assert (first.author_handle, first.author_name, first.author_followers) == (
        "happycamper", "Emily Waligoske \U0001f3d5", 1234)
    assert first.published_at == datetime(2020, 6, 25, 6, 14, 19, tzinfo=UTC) and first.language == "en"
    assert first.engagement == {"likes": 7, "shares": 2, "comments": 1, "quotes": 0, "views": 150}
    assert third.author_handle == "jellybeanjones" and third.language is None  # "und"


def test_x_source_rejects_post_without_id(httpserver, ctx, shared_data):
    page = json.loads(_body(shared_data, "search_recent_q_Tweepy_2022-10-07a.json"))
    page["data"].insert(0, {"text": "no id here"})
    del page["meta"]["next_token"]
    httpserver.expect_request(SEARCH).respond_with_json(page)
    items = list(_source(httpserver, ctx).fetch({}))
    assert isinstance(items[0], Rejection) and items[0].reason == "missing-id" and "no id here" in items[0].sample
    assert len(items) == 11


def test_x_source_rejected_token_is_not_configured(httpserver, ctx, caplog):
    caplog.set_level(logging.DEBUG)
    httpserver.expect_request(SEARCH).respond_with_json(
        {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}, status=401)
    with pytest.raises(NotConfigured, match="'bearer_token'") as raised:
        list(_source(httpserver, ctx).fetch({}))
    assert TOKEN not in str(raised.value) and TOKEN not in caplog.text


def test_x_source_free_tier_is_not_configured_with_paid_hint(httpserver, ctx):
    httpserver.expect_request(SEARCH).respond_with_json(
        {"title": "Client Forbidden", "reason": "client-not-enrolled", "status": 403,
         "detail": "When authenticating requests to the Twitter API v2 endpoints, you must use keys and "
                   "tokens from a Twitter developer App that is attached to a Project."}, status=403)
    with pytest.raises(NotConfigured, match="paid API tier"):
        list(_source(httpserver, ctx).fetch({}))


def test_x_source_invalid_request_is_fetch_error(httpserver, ctx):
    httpserver.expect_request(SEARCH).respond_with_json(
        {"title": "Invalid Request", "detail": "One or more parameters to your request was invalid.",
         "errors": [{"message": "Invalid 'since_id'"}]}, status=400)
    with pytest.raises(FetchError, match="parameters to your request was invalid"):
        list(_source(httpserver, ctx).fetch({}))


def test_x_source_missing_token_names_setting_and_tier(ctx):
    with pytest.raises(NotConfigured, match="'bearer_token'.*paid API tier"):
        XSource({"query": "hydro"}, ctx)
