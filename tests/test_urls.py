import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigie.exceptions import UnsafeURL
from vigie.urls import canonical_url, check_public_url

hosts = st.from_regex(r"(www\.)?[a-z]{1,10}\.(ca|com|org)", fullmatch=True)
paths = st.lists(st.from_regex(r"[A-Za-z0-9éà_-]{1,8}", fullmatch=True), max_size=4)
params = st.lists(st.tuples(st.sampled_from(["utm_source", "fbclid", "id", "page", "q", "gclid", "lang"]),
                            st.from_regex(r"[a-z0-9]{0,6}", fullmatch=True)), max_size=5)


def _url(scheme, host, path, query, fragment):
    qs = "&".join(f"{k}={v}" for k, v in query)
    return f"{scheme}://{host}/{'/'.join(path)}" + (f"?{qs}" if qs else "") + (f"#{fragment}" if fragment else "")


@given(st.sampled_from(["http", "https", "HTTPS"]), hosts, paths, params, st.text(max_size=5))
def test_canonical_url_is_idempotent_and_drops_tracking(scheme, host, path, query, fragment):
    url = _url(scheme, host, path, query, fragment)
    once = canonical_url(url)
    assert once is not None
    assert canonical_url(once) == once
    assert "utm_" not in once and "fbclid" not in once and "gclid" not in once and "#" not in once


@given(hosts, paths, params)
def test_canonical_url_ignores_parameter_order_www_and_scheme(host, path, query):
    a = canonical_url(_url("http", host, path, query, ""))
    b = canonical_url(_url("https", "www." + host.removeprefix("www."), path, list(reversed(query)), "top"))
    if len({k for k, _ in query}) == len(query):  # repeated keys keep their relative order
        assert a == b


def test_canonical_url_examples():
    assert canonical_url("HTTP://WWW.LaPresse.ca:80/actualites/?utm_source=fb&b=2&a=1#x") == \
        "https://lapresse.ca/actualites?a=1&b=2"
    assert canonical_url("javascript:alert(1)") is None
    assert canonical_url("not a url") is None


@pytest.mark.parametrize("url", ["http://127.0.0.1/feed", "http://localhost:8080/", "http://10.1.2.3/x",
                                 "http://192.168.0.1/", "http://169.254.169.254/latest/meta-data/",
                                 "http://[::1]/", "ftp://example.com/x", "file:///etc/passwd"])
def test_private_and_non_http_urls_are_refused(url):
    with pytest.raises(UnsafeURL):
        check_public_url(url)


def test_private_urls_pass_when_allowed():
    check_public_url("http://127.0.0.1:9/feed", allow_private_networks=True)
