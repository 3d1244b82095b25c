import logging

import httpx
import pytest

from vigie.exceptions import FetchError, PayloadTooLarge, UnsafeURL
from vigie.net import HttpClient


def _client(**kw):
    kw.setdefault("allow_private_networks", True)
    return HttpClient(politeness_delay=0, backoff=0.01, retries=2, **kw)


def test_http_client_retries_5xx_then_succeeds(httpserver):
    httpserver.expect_ordered_request("/feed").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/feed").respond_with_data("ok")
    assert _client().get(httpserver.url_for("/feed")).text == "ok"


def test_http_client_gives_up_after_retries_without_leaking_the_query(httpserver, caplog):
    httpserver.expect_request("/api").respond_with_data("no", status=500)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(FetchError) as exc:
        _client().get(httpserver.url_for("/api") + "?key=SECRET123")
    assert "HTTP 500" in str(exc.value)
    ours = [r.getMessage() for r in caplog.records if r.name.startswith(("vigie", "httpx"))]
    assert "SECRET123" not in str(exc.value) and not any("SECRET123" in m for m in ours)


def test_http_client_caps_response_size(httpserver):
    httpserver.expect_request("/big").respond_with_data("x" * 5000)
    with pytest.raises(PayloadTooLarge):
        _client(max_bytes=1000).get(httpserver.url_for("/big"))


def test_conditional_get_sends_validators_and_reports_304(httpserver):
    httpserver.expect_ordered_request("/f").respond_with_data("v1", headers={"ETag": '"abc"'})
    httpserver.expect_ordered_request("/f", headers={"If-None-Match": '"abc"'}).respond_with_data("", status=304)
    client, state = _client(), {}
    assert client.get_conditional(httpserver.url_for("/f"), state).text == "v1"
    assert state == {"etag": '"abc"'}
    assert client.get_conditional(httpserver.url_for("/f"), state) is None


def test_redirect_to_a_private_address_is_refused():
    def handler(request):
        if request.url.host == "example.com":
            return httpx.Response(302, headers={"Location": "http://127.0.0.1/admin"})
        return httpx.Response(200, text="secret")

    client = HttpClient(politeness_delay=0, retries=0, transport=httpx.MockTransport(handler))
    client.allow_private_networks = False
    client._guard = lambda request: None if request.url.host == "example.com" else \
        __import__("vigie.urls", fromlist=["x"]).check_public_url(str(request.url))
    client.client.event_hooks["request"] = [client._guard]
    with pytest.raises(UnsafeURL):
        client.get("http://example.com/feed")


def test_politeness_delay_spaces_requests_to_one_host(httpserver):
    httpserver.expect_request("/p").respond_with_data("ok")
    waits = []
    client = HttpClient(allow_private_networks=True, politeness_delay=2.0, sleep=waits.append)
    client.get(httpserver.url_for("/p"))
    client.get(httpserver.url_for("/p"))
    assert len(waits) == 1 and 1.5 < waits[0] <= 2.0
