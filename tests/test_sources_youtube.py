"""YouTube Data API connector against a loopback server replaying recorded API responses."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import pytest
from werkzeug import Request, Response

from vigie.exceptions import FetchError, NotConfigured
from vigie.items import Mention, Rejection
from vigie.sources.youtube import YouTubeSource

KEY = "AIzaS3cretYouTubeKey"


def _body(shared_data, name):
    return (shared_data / "api-samples" / "youtube" / name).read_text()


def _serve_pages(httpserver, path, pages, default):
    """Answer by pageToken: None is the first page; unknown tokens get ``default``."""
    def handler(request: Request) -> Response:
        return Response(pages.get(request.args.get("pageToken"), default), content_type="application/json")

    httpserver.expect_request(path).respond_with_handler(handler)


def _serve_surfing(httpserver, shared_data):
    p1, p2 = _body(shared_data, "search_list_q_surfing_p1.json"), _body(shared_data, "search_list_q_surfing_p2.json")
    _serve_pages(httpserver, "/search", {None: p1, "CBkQAA": p2}, '{"items": []}')


def _source(httpserver, ctx, **config):
    return YouTubeSource({"api_key": KEY, "api_base": httpserver.url_for("/").rstrip("/"), **config}, ctx)


def test_youtube_source_pages_with_page_token(httpserver, ctx, shared_data):
    _serve_surfing(httpserver, shared_data)
    items = list(_source(httpserver, ctx, query="surfing", max_pages=2).fetch({}))
    assert len(items) == 49  # 25 + 25, one video sits on both recorded pages
    first, second = (r for r, _ in httpserver.log)
    assert (first.args["q"], first.args["part"], first.args["type"], first.args["order"]) == (
        "surfing", "snippet", "video", "date")
    assert "pageToken" not in first.args and second.args["pageToken"] == "CBkQAA"
    assert first.headers["X-Goog-Api-Key"] == KEY and "key" not in first.args


def test_youtube_source_maps_videos(httpserver, ctx, shared_data):
    _serve_surfing(httpserver, shared_data)
    video = next(iter(_source(httpserver, ctx, query="surfing", max_pages=1).fetch({})))
    assert (video.external_id, video.url) == ("gQ_1zX-F_No", "https://www.youtube.com/watch?v=gQ_1zX-F_No")
    assert video.title == "SURFING HAWAII\u2019S BEST WAVE WITH MY GIRLFRIEND (PIPELINE)"
    assert video.text.startswith("SOME FUN BARRELS IN THE MORNING")
    assert (video.author_handle, video.author_name) == ("UCo_q6aOlvPH7M-j_XGWVgXg", "Jamie O'Brien")
    assert video.published_at == datetime(2019, 12, 5, 19, 0, 10, tzinfo=UTC) and video.channel == "social"


def test_youtube_source_second_run_asks_published_after(httpserver, ctx, shared_data):
    _serve_surfing(httpserver, shared_data)
    source, cursor = _source(httpserver, ctx, query="surfing", max_pages=2), {}
    list(source.fetch(cursor))
    assert cursor == {"published_after": "2019-12-06T08:25:39Z", "seen": ["ddYARvl4PgE"]}
    httpserver.clear_log()
    assert list(source.fetch(cursor)) == []  # the replay ignores publishedAfter: all is known
    (request, _), = httpserver.log  # and known results stop the paging
    assert request.args["publishedAfter"] == "2019-12-06T08:25:39Z"


def test_youtube_source_reads_comments_of_found_videos(httpserver, ctx, shared_data):
    search = _body(shared_data, "search_list_videos_by_channel.json")
    _serve_pages(httpserver, "/search", {None: search}, '{"items": []}')
    p1, p2 = _body(shared_data, "commentThreads_list_by_video_p1.json"), _body(
        shared_data, "commentThreads_list_by_video_p2.json")
    disabled = {"error": {"code": 403, "message": "The video has disabled comments.",
                          "errors": [{"reason": "commentsDisabled", "domain": "youtube.commentThread"}]}}

    def comments(request: Request) -> Response:
        if request.args["videoId"] == "lVQ1EKR1v1I":
            return Response(json.dumps(disabled), status=403, content_type="application/json")
        if request.args["videoId"] != "LrQWzOkC0XQ":
            return Response('{"items": []}', content_type="application/json")
        return Response(p2 if request.args.get("pageToken") else p1, content_type="application/json")

    httpserver.expect_request("/commentThreads").respond_with_handler(comments)
    items = list(_source(httpserver, ctx, channel_id="UC_x5XG1OV2P6uZZ5FSM9Ttw", include_comments="yes",
                         max_pages=2).fetch({}))
    videos, threads = items[:5], items[5:]  # a page's videos, then their comments
    assert len(threads) == 5 and {m.external_id for m in threads} == {
        "UgyZ1jqkHKYvi1-ruOZ4AaABAg", "Ugy4OzAuz5uJuFt3FH54AaABAg", "UgysQP-vp089eFP0Stl4AaABAg",
        "UgyKv8ziPYFJDGytM_J4AaABAg", "UgwI_ylXVnzPS8Q-oAV4AaABAg"}
    first = threads[0]
    assert first.url == "https://www.youtube.com/watch?v=F1UP7wRCPH8&lc=UgyZ1jqkHKYvi1-ruOZ4AaABAg"
    assert first.text == "Google.com" and '<a href="http://google.com/"' in first.html
    assert (first.author_name, first.author_handle) == ("himani agarwal", "UCzj-CjKYmGlZ7vTL-vOe57A")
    assert threads[-1].engagement == {"likes": 0, "comments": 2}
    assert [v.external_id for v in videos][:2] == ["LrQWzOkC0XQ", "lVQ1EKR1v1I"]
    assert all(isinstance(m, Mention) for m in items)


@pytest.mark.parametrize("name, status, expected", [
    ("error_403_permission.json", 403, "The caller does not have permission"),
    ("error_400_keyInvalid.json", 400, "keyInvalid"),
])
def test_youtube_source_error_body_is_fetch_error(httpserver, ctx, shared_data, caplog, name, status, expected):
    caplog.set_level(logging.DEBUG)
    httpserver.expect_request("/search").respond_with_data(
        _body(shared_data, name), status=status, content_type="application/json")
    with pytest.raises(FetchError, match=expected) as raised:
        list(_source(httpserver, ctx, query="surfing").fetch({}))
    assert KEY not in str(raised.value) and KEY not in caplog.text


def test_youtube_source_rejects_result_without_video_id(httpserver, ctx, shared_data):
    page = json.loads(_body(shared_data, "search_list_videos_by_channel.json"))
    page["items"][0]["id"] = {"kind": "youtube#video"}
    httpserver.expect_request("/search").respond_with_json(page)
    items = list(_source(httpserver, ctx, query="google", max_pages=1).fetch({}))
    assert isinstance(items[0], Rejection) and items[0].reason == "missing-id"
    assert len(items) == 5 and all(isinstance(m, Mention) for m in items[1:])


def test_youtube_source_requires_api_key(ctx):
    with pytest.raises(NotConfigured, match="'api_key'"):
        YouTubeSource({"query": "hydro"}, ctx)


def test_youtube_source_requires_query_or_channel(ctx):
    with pytest.raises(NotConfigured, match="'query' or 'channel_id'"):
        YouTubeSource({"api_key": KEY}, ctx)
