"""Facebook Page and Instagram connectors against a loopback server replaying recorded Graph API responses."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

import pytest
from werkzeug import Request, Response

from vigie.exceptions import FetchError, NotConfigured
from vigie.items import Mention, Rejection
from vigie.sources.facebook import FacebookSource
from vigie.sources.instagram import InstagramSource

PAGE = "19292868552"
FIRST_POST = "19292868552_10158349356748553"
IG_USER = "17841406338772941"
TOKEN = "s3cret-graph-token"
EMPTY = {"data": []}


def _sample(shared_data, folder, name):
    return json.loads((shared_data / "api-samples" / folder / f"{name}.json").read_text())


def _json(payload, status=200):
    return Response(json.dumps(payload), status=status, content_type="application/json")


def _serve_facebook(httpserver, shared_data, tagged=EMPTY):
    feed = [_sample(shared_data, "meta-facebook", f"page_feed_p{n}") for n in (1, 2)]
    comments = [_sample(shared_data, "meta-facebook", f"post_comments_p{n}") for n in (1, 2)]
    httpserver.expect_request(f"/v19.0/{PAGE}/feed").respond_with_handler(
        lambda r: _json(feed[1] if r.args.get("after") else feed[0]))
    httpserver.expect_request(f"/v19.0/{PAGE}/tagged").respond_with_json(tagged)

    # The recorded comments belong to another post; serve them under the first feed post, and
    # their next page where the recorded paging.next points.
    def comments_handler(request: Request) -> Response:
        if request.args.get("after"):
            return _json(comments[1])
        return _json(comments[0] if f"/{FIRST_POST}/" in request.path else EMPTY)

    httpserver.expect_request(re.compile(r"/v19\.0/[^/]+/comments")).respond_with_handler(comments_handler)


def _facebook(httpserver, ctx, **config):
    base = {"page_id": PAGE, "access_token": TOKEN, "api_base": httpserver.url_for("/v19.0"), "comments_days": 0}
    return FacebookSource({**base, **config}, ctx)


def _posts(items):
    return [m for m in items if isinstance(m, Mention) and "comment_id" not in (m.url or "")]


def test_facebook_source_maps_posts_and_comments(httpserver, ctx, shared_data):
    _serve_facebook(httpserver, shared_data)
    items = list(_facebook(httpserver, ctx).fetch({}))
    assert len(items) == 25 and all(isinstance(m, Mention) and m.channel == "social" for m in items)
    post = items[0]
    assert post.external_id == FIRST_POST
    assert post.url == "https://www.facebook.com/19292868552/posts/10158349356748553/"
    assert post.published_at == datetime(2021, 7, 9, 19, 9, 52, tzinfo=UTC)
    assert post.engagement == {"reactions": 125, "comments": 13, "likes": 119, "shares": 10}
    assert post.text.startswith("Singaporean logistics company") and post.raw["id"] == FIRST_POST
    comment = items[1]
    # The recorded comments carry no "id": it is rebuilt from the permalink as {post}_{comment}.
    assert comment.external_id == "10158407654328553_10158407835073553"
    assert comment.text.startswith("Boa noite") and comment.engagement == {"likes": 0, "comments": 1}
    assert comment.published_at == datetime(2021, 8, 10, 18, 45, 3, tzinfo=UTC)
    reply = next(m for m in items if "reply_comment_id=10158409983033553" in (m.url or ""))
    assert reply.external_id == "10158407654328553_10158409983033553"
    assert len({m.external_id for m in items}) == 25


def test_facebook_source_follows_paging_next_rebased_without_token(httpserver, ctx, shared_data):
    _serve_facebook(httpserver, shared_data)
    items = list(_facebook(httpserver, ctx).fetch({}))
    assert len(_posts(items)) == 10
    feed_calls = [r for r, _ in httpserver.log if r.path.endswith("/feed")]
    assert [r.args.get("after") for r in feed_calls] == [None, "after"]
    comment_pages = [r.path for r, _ in httpserver.log if r.args.get("after") and r.path.endswith("/comments")]
    assert comment_pages == ["/v19.0/19292868552_10158407654328553/comments"]
    for request, _ in httpserver.log:
        assert "access_token" not in request.args and TOKEN not in request.url
        assert request.headers["Authorization"] == f"Bearer {TOKEN}"


def test_facebook_source_sends_since_of_newest_post_on_next_run(httpserver, ctx, shared_data):
    _serve_facebook(httpserver, shared_data)
    source, cursor = _facebook(httpserver, ctx), {}
    list(source.fetch(cursor))
    newest = int(datetime(2021, 7, 9, 19, 9, 52, tzinfo=UTC).timestamp())
    assert cursor["since"]["feed"] == newest
    httpserver.clear_log()
    second = list(source.fetch(cursor))
    feed_calls = [r for r, _ in httpserver.log if r.path.endswith("/feed")]
    assert feed_calls[0].args["since"] == str(newest)
    assert _posts(second) == []  # already seen; their comments are still re-read


def test_facebook_source_reads_tagged_posts_with_their_authors(httpserver, ctx, shared_data):
    # No recording of /tagged exists: like python-facebook's own tests, serve a feed page
    # (same Post shape), with a "from" added in memory for the author mapping.
    tagged = _sample(shared_data, "meta-facebook", "page_feed_p1")
    tagged["data"][0]["from"] = {"id": "4242", "name": "Fan de la marque"}
    tagged["paging"].pop("next")
    _serve_facebook(httpserver, shared_data, tagged=tagged)
    cursor: dict = {}
    items = list(_facebook(httpserver, ctx, include_comments=False).fetch(cursor))
    assert len(items) == 15
    assert (items[10].author_handle, items[10].author_name) == ("4242", "Fan de la marque")
    assert not any(r.path.endswith("/comments") for r, _ in httpserver.log)
    assert set(cursor["since"]) == {"feed", "tagged"}


def test_facebook_source_rejects_malformed_posts_and_comments(httpserver, ctx):
    good = {"id": "1_2", "message": "ok", "created_time": "2024-05-01T10:00:00+0000"}
    httpserver.expect_request(f"/v19.0/{PAGE}/feed").respond_with_json({"data": [{"message": "no id"}, good]})
    httpserver.expect_request(f"/v19.0/{PAGE}/tagged").respond_with_json(EMPTY)
    httpserver.expect_request("/v19.0/1_2/comments").respond_with_json({"data": [{"message": "no id, no permalink"}, "x"]})
    items = list(_facebook(httpserver, ctx).fetch({}))
    assert [type(i).__name__ for i in items] == ["Rejection", "Mention", "Rejection", "Rejection"]
    assert items[0].reason == "missing-id" and items[3].reason == "not-an-object"
    assert "no id" in items[0].sample


def test_facebook_source_needs_a_page_token(ctx):
    with pytest.raises(NotConfigured, match="access_token"):
        FacebookSource({"page_id": PAGE}, ctx)
    with pytest.raises(NotConfigured, match="page_id"):
        FacebookSource({"access_token": TOKEN}, ctx)


def test_facebook_source_error_payload_is_fetch_error_without_token(httpserver, ctx, caplog):
    caplog.set_level(logging.DEBUG)
    # Hand-written in Graph's documented error shape (no recorded error body exists); the
    # message quotes the token to prove it is scrubbed.
    error = {"error": {"message": f"Malformed access token {TOKEN}", "type": "OAuthException", "code": 190, "fbtrace_id": "Ax"}}
    httpserver.expect_request(f"/v19.0/{PAGE}/feed").respond_with_json(error, status=400)
    with pytest.raises(FetchError) as caught:
        list(_facebook(httpserver, ctx).fetch({}))
    assert "OAuthException 190" in str(caught.value) and "generate a new one" in str(caught.value)
    assert TOKEN not in str(caught.value) and TOKEN not in caplog.text


def test_facebook_source_not_json_is_fetch_error(httpserver, ctx):
    httpserver.expect_request(f"/v19.0/{PAGE}/feed").respond_with_data("<html>maintenance</html>")
    with pytest.raises(FetchError, match="not JSON"):
        list(_facebook(httpserver, ctx).fetch({}))


# Instagram


def _serve_instagram(httpserver, shared_data, media_since=None):
    tags = _sample(shared_data, "meta-instagram", "user_tags")
    media = _sample(shared_data, "meta-instagram", "user_media_p1")
    comments = [_sample(shared_data, "meta-instagram", f"media_comments_p{n}") for n in (1, 2)]
    mentioned = {
        "mentioned_media": _sample(shared_data, "meta-instagram", "user_mentioned_media"),
        "mentioned_comment": _sample(shared_data, "meta-instagram", "user_mentioned_comment"),
    }
    httpserver.expect_request(f"/v19.0/{IG_USER}/tags").respond_with_json(tags)
    httpserver.expect_request(f"/v19.0/{IG_USER}/media").respond_with_handler(
        lambda r: _json(EMPTY if r.args.get("after") else media))
    httpserver.expect_request(re.compile(r"/v19\.0/\d+/comments")).respond_with_handler(
        lambda r: _json(comments[1] if r.args.get("after") else comments[0]))
    httpserver.expect_request(f"/v19.0/{IG_USER}").respond_with_handler(
        lambda r: _json(mentioned[r.args["fields"].split(".")[0]]))


def _instagram(httpserver, ctx, **config):
    base = {"ig_user_id": IG_USER, "access_token": TOKEN, "api_base": httpserver.url_for("/v19.0"), "comments_days": 0}
    return InstagramSource({**base, **config}, ctx)


def test_instagram_source_maps_tagged_media(httpserver, ctx, shared_data):
    _serve_instagram(httpserver, shared_data)
    items = list(_instagram(httpserver, ctx, include_comments=False).fetch({}))
    tagged = items[:5]
    assert [m.external_id for m in tagged][:2] == ["17892354025952911", "17997587032316367"]
    first = tagged[0]
    assert (first.text, first.url) == ("publish test", "https://www.instagram.com/p/CMeo7rcJvTi/")
    assert first.engagement == {"likes": 2, "comments": 0}
    assert first.published_at == datetime(2021, 3, 16, 12, 2, 14, tzinfo=UTC)
    assert tagged[4].text == "" and tagged[4].engagement == {"likes": 7, "comments": 1}


def test_instagram_source_reads_own_media_comments_across_pages(httpserver, ctx, shared_data):
    _serve_instagram(httpserver, shared_data)
    items = list(_instagram(httpserver, ctx).fetch({}))
    comments = [m for m in items if m.raw.get("text") is not None]
    assert [c.external_id for c in comments] == ["17858154961981086", "17874875428706419", "17892250648466172", "17914413430382429"]
    assert all(c.url == "https://www.instagram.com/p/CSgdWACBeKr/" for c in comments)
    assert comments[2].text == "@ikroskun  Hey, guys"
    assert comments[2].published_at == datetime(2020, 2, 24, 9, 15, 16, tzinfo=UTC)
    asked = [r.path for r, _ in httpserver.log if r.path.endswith("/comments")]
    # Media with comments_count 0 is not asked for comments; the second page follows paging.next.
    assert asked == ["/v19.0/17896622936197745/comments", "/v19.0/17846368219941692/comments"]


def test_instagram_source_reads_webhook_mentions_by_id(httpserver, ctx, shared_data):
    _serve_instagram(httpserver, shared_data)
    source = _instagram(httpserver, ctx, include_comments=False,
                        mentioned_media_ids=["17889114512354744"], mentioned_comment_ids=["17967008497439572"])
    items = {m.external_id: m for m in source.fetch({})}
    media, comment = items["17889114512354744"], items["17967008497439572"]
    assert (media.text, media.engagement) == ("@ikroskun hey", {"likes": 0, "comments": 0})
    assert (comment.text, comment.author_handle) == ("@ikroskun good", "ikroskun")
    fields = [r.args["fields"] for r, _ in httpserver.log if r.path == f"/v19.0/{IG_USER}"]
    assert fields[0].startswith("mentioned_media.media_id(17889114512354744){")


def test_instagram_source_sends_since_of_newest_media_on_next_run(httpserver, ctx, shared_data):
    _serve_instagram(httpserver, shared_data)
    source, cursor = _instagram(httpserver, ctx, include_comments=False), {}
    first = list(source.fetch(cursor))
    assert len(first) == 7
    httpserver.clear_log()
    assert list(source.fetch(cursor)) == []
    media_call = next(r for r, _ in httpserver.log if r.path.endswith("/media"))
    assert media_call.args["since"] == str(int(datetime(2021, 8, 13, 8, 25, 28, tzinfo=UTC).timestamp()))


def test_instagram_source_rejects_media_without_id(httpserver, ctx):
    httpserver.expect_request(f"/v19.0/{IG_USER}/tags").respond_with_json({"data": [{"caption": "no id"}]})
    httpserver.expect_request(f"/v19.0/{IG_USER}/media").respond_with_json(EMPTY)
    items = list(_instagram(httpserver, ctx).fetch({}))
    assert len(items) == 1 and isinstance(items[0], Rejection) and items[0].reason == "missing-id"


def test_instagram_source_needs_account_and_token(ctx):
    with pytest.raises(NotConfigured, match="ig_user_id"):
        InstagramSource({"access_token": TOKEN}, ctx)
    with pytest.raises(NotConfigured, match="access_token"):
        InstagramSource({"ig_user_id": IG_USER}, ctx)


def test_instagram_source_error_payload_is_fetch_error_without_token(httpserver, ctx, caplog):
    caplog.set_level(logging.DEBUG)
    error = {"error": {"message": "(#10) Not enough permission", "type": "OAuthException", "code": 10}}
    httpserver.expect_request(f"/v19.0/{IG_USER}/tags").respond_with_json(error, status=403)
    with pytest.raises(FetchError, match="Not enough permission"):
        list(_instagram(httpserver, ctx).fetch({}))
    assert TOKEN not in caplog.text
