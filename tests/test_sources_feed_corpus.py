"""Every file of feedparser's test corpus sent through the RSS connector over one loopback server."""

from __future__ import annotations

import codecs
import html
import io
import logging
import re
import time
import traceback
from collections import Counter

import feedparser
from werkzeug import Request, Response

from vigie.items import Mention, Rejection
from vigie.sanitize import html_to_text
from vigie.sources.rss import RssSource, feedparser_headers

_HEADER = re.compile(r"^\s*Header:\s*([\w-]+):\s*(.*?)\s*$", re.MULTILINE)
_EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=")
# The two wellformed files whose DOCTYPE declares entities: the connector refuses those on purpose.
ENTITY_FILES = {"wellformed/rss/entity_in_doctype.xml", "wellformed/rdf/doctype_contains_entity_decl.xml"}


def _comment_text(data: bytes) -> str:
    """Decode a test file the way feedparser's harness does, to read its Header: lines."""
    for bom, encoding in ((codecs.BOM_UTF32_BE, "utf-32be"), (codecs.BOM_UTF32_LE, "utf-32le"),
                          (codecs.BOM_UTF16_BE, "utf-16be"), (codecs.BOM_UTF16_LE, "utf-16le"),
                          (codecs.BOM_UTF8, "utf-8")):
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, "ignore")
    for marker, encoding in ((b"\x00\x00\x00<", "utf-32be"), (b"<\x00\x00\x00", "utf-32le"),
                             (b"\x00<\x00?", "utf-16be"), (b"<\x00?\x00", "utf-16le")):
        if data.startswith(marker):
            return data.decode(encoding, "ignore")
    return data.decode("utf-8", "ignore")


def _served_headers(rel: str, data: bytes) -> dict[str, str]:
    headers = dict(_HEADER.findall(_comment_text(data))) if "http" in rel else {}
    if not any(name.lower() == "content-type" for name in headers):
        headers["Content-Type"] = "application/feed+json" if rel.endswith(".json") else "text/xml"
    return headers


def _oracle(data: bytes, headers: dict[str, str], url: str) -> feedparser.FeedParserDict:
    """feedparser's own reading of the bytes with the headers the connector gives it."""
    return feedparser.parse(io.BytesIO(data), response_headers=feedparser_headers(headers, url))


def _unsafe(value: str | None) -> bool:
    text = html.unescape(value or "").lower()
    return "<script" in text or "javascript:" in text or bool(_EVENT_HANDLER.search(text))


def test_feed_corpus_runs_through_rss_source(shared_data, httpserver, ctx, caplog):
    caplog.set_level(logging.WARNING, logger="werkzeug")  # 2,107 access-log lines would bury the counts
    root = shared_data / "feedparser-corpus" / "tests"
    files = {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()}
    assert len(files) >= 2000
    served = {rel: (data := path.read_bytes(), _served_headers(rel, data)) for rel, path in files.items()}

    def handler(request: Request) -> Response:
        data, headers = served[request.path.removeprefix("/corpus/")]
        return Response(data, status=200, headers=list(headers.items()))

    httpserver.expect_request(re.compile(r"^/corpus/")).respond_with_handler(handler)
    started = time.monotonic()
    outcomes: dict[str, list] = {}
    crashes: list[str] = []
    for rel in served:
        source = RssSource({"url": httpserver.url_for(f"/corpus/{rel}")}, ctx)
        try:
            outcomes[rel] = list(source.fetch({}))
        except Exception:  # the assertion below lists every crash at once
            crashes.append(f"{rel}: {traceback.format_exc(limit=3)}")
    elapsed = time.monotonic() - started

    mentions = [i for items in outcomes.values() for i in items if isinstance(i, Mention)]
    reasons = Counter(i.reason for items in outcomes.values() for i in items if isinstance(i, Rejection))
    nothing = sum(1 for items in outcomes.values() if not items)
    print(f"\nfeed corpus: {len(files)} files, {len(mentions)} mentions, rejections {dict(reasons)}, "
          f"{nothing} files with nothing, {elapsed:.1f}s")
    assert not crashes, "\n".join(crashes[:10])

    missing, unsafe, unexplained = [], [], []
    for rel, items in outcomes.items():
        got = [i for i in items if isinstance(i, Mention)]
        rejected = {i.reason for i in items if isinstance(i, Rejection)}
        assert all(rejected), f"{rel}: rejection without a reason"
        if rel in ENTITY_FILES:
            assert rejected == {"xml-entity-declaration"}, rel
            continue
        data, headers = served[rel]
        oracle = _oracle(data, headers, httpserver.url_for(f"/corpus/{rel}"))
        if rel.startswith("wellformed/") and oracle.entries:
            keys = {html_to_text(e.get("title")) for e in oracle.entries} | {e.get("link") for e in oracle.entries}
            keys -= {None, ""}
            if keys and not any(m.title in keys or m.url in keys for m in got):
                missing.append(rel)
            elif not keys and not got and rejected != {"empty-entry"}:
                missing.append(rel)
        if rel.startswith("wellformed/sanitize/"):
            unsafe += [f"{rel}: {m.title!r} {m.html!r}" for m in got if _unsafe(m.html) or _unsafe(m.title)]
        if rel.startswith(("illformed/", "encoding/")):
            bare = oracle.bozo and not oracle.entries and not oracle.feed.get("title")
            if (oracle.entries and not items) or (bare and "malformed-feed" not in rejected):
                unexplained.append(rel)
    assert not missing, f"wellformed files without their mention: {missing[:20]}"
    assert not unsafe, "unsafe HTML left in:\n" + "\n".join(unsafe[:10])
    assert not unexplained, f"ill-formed/encoding cases neither read nor rejected: {unexplained}"

    json_feed = [m for m in outcomes["json/example.json"] if isinstance(m, Mention)]
    assert {m.url for m in json_feed} == {"https://example.org/second-item", "https://example.org/initial-post"}
    assert not any(_unsafe(m.html) for m in json_feed)
    # Well under the ~60 s budget on one core; the bound only catches a pathological slowdown.
    assert elapsed < 120
