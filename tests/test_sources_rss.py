"""RSS / Atom / JSON Feed connector and full-text fetch, against loopback servers."""

from __future__ import annotations

import copy
import html
import json
import time
from datetime import UTC, datetime

import pytest
from werkzeug import Request, Response

from vigie.exceptions import FetchError, NotConfigured
from vigie.items import Mention, Rejection
from vigie.plugins import source_classes
from vigie.sources.rss import RssSource, declares_entities

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Le Quotidien</title>
  <link>https://quotidien.example/</link>
  <language>fr-CA</language>
  {items}
</channel>
</rss>"""
ITEM = """<item>
  <title>{title}</title>
  <link>https://quotidien.example/{guid}</link>
  <guid isPermaLink="false">{guid}</guid>
  <dc:creator>Marie Tremblay</dc:creator>
  <pubDate>{date}</pubDate>
  <description>&lt;p&gt;Hydro-Québec &lt;b&gt;annonce&lt;/b&gt; {title}&lt;/p&gt;</description>
</item>"""


def rss(*items: tuple[str, str, str]) -> str:
    return RSS.format(items="".join(ITEM.format(guid=g, title=t, date=d) for g, t, d in items))


FIRST = ("a1", "Premier article", "Mon, 04 Mar 2024 10:00:00 -0500")
SECOND = ("a2", "Deuxième article", "Tue, 05 Mar 2024 09:30:00 +0000")
THIRD = ("a3", "Troisième article", "Wed, 06 Mar 2024 08:00:00 +0000")


def run(source: RssSource, cursor: dict | None = None) -> list:
    return list(source.fetch({} if cursor is None else cursor))


def feed_source(httpserver, ctx, body, content_type="application/rss+xml", **config) -> RssSource:
    httpserver.expect_request("/feed").respond_with_data(body, content_type=content_type)
    return RssSource({"url": httpserver.url_for("/feed"), **config}, ctx)


def test_rss_source_is_registered():
    assert source_classes()["rss"] is RssSource


def test_rss_source_requires_a_url(ctx):
    with pytest.raises(NotConfigured, match="url"):
        RssSource({}, ctx)


def test_rss_source_turns_entries_into_mentions(httpserver, ctx):
    items = run(feed_source(httpserver, ctx, rss(FIRST, SECOND)))
    first = items[0]
    assert [m.external_id for m in items] == ["a1", "a2"]
    assert (first.source, first.channel, first.outlet) == ("rss", "online_press", "Le Quotidien")
    assert first.title == "Premier article" and first.url == "https://quotidien.example/a1"
    assert first.text == "Hydro-Québec annonce Premier article"
    assert first.html == "<p>Hydro-Québec <b>annonce</b> Premier article</p>"
    assert first.author_name == "Marie Tremblay" and first.language == "fr"
    assert first.published_at == datetime(2024, 3, 4, 15, 0, tzinfo=UTC)
    assert json.loads(json.dumps(first.raw))["published_parsed"] == "2024-03-04T15:00:00Z"


def test_rss_source_channel_option_accepts_podcast_alias(httpserver, ctx):
    items = run(feed_source(httpserver, ctx, rss(FIRST), channel="podcast"))
    assert items[0].channel == "broadcast"


def test_rss_source_reads_youtube_channel_feed_with_engagement(httpserver, ctx):
    body = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns:media="http://search.yahoo.com/mrss/" xmlns="http://www.w3.org/2005/Atom">
 <title>Chaîne Test</title>
 <entry><id>yt:video:abc123</id><title>Ma vidéo</title>
  <link rel="alternate" href="https://www.youtube.com/watch?v=abc123"/>
  <author><name>Chaîne Test</name></author><published>2024-05-01T12:00:00+02:00</published>
  <media:group><media:description>Description de la vidéo</media:description>
   <media:community><media:starRating count="42"/><media:statistics views="1234"/></media:community>
  </media:group></entry>
</feed>"""
    [video] = run(feed_source(httpserver, ctx, body, "application/atom+xml", channel="broadcast"))
    assert (video.external_id, video.channel) == ("yt:video:abc123", "broadcast")
    assert video.engagement == {"views": 1234, "likes": 42}
    assert video.text == "Description de la vidéo"
    assert video.published_at == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)


def test_rss_source_conditional_get_304_yields_nothing_and_keeps_cursor(httpserver, ctx):
    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response(rss(FIRST), headers={"ETag": '"v1"', "Content-Type": "application/rss+xml"})

    httpserver.expect_request("/feed").respond_with_handler(handler)
    source = RssSource({"url": httpserver.url_for("/feed")}, ctx)
    cursor: dict = {}
    assert len(run(source, cursor)) == 1
    assert cursor["http"] == {"etag": '"v1"'}
    before = copy.deepcopy(cursor)
    assert run(source, cursor) == []
    assert cursor == before
    assert len(httpserver.log) == 2


def test_rss_source_cursor_yields_only_new_entries(httpserver, ctx):
    bodies = [rss(FIRST, SECOND), rss(FIRST, SECOND), rss(THIRD, FIRST, SECOND)]
    httpserver.expect_request("/feed").respond_with_handler(
        lambda request: Response(bodies.pop(0), content_type="application/rss+xml"))
    source = RssSource({"url": httpserver.url_for("/feed")}, ctx)
    cursor: dict = {}
    assert [m.external_id for m in run(source, cursor)] == ["a1", "a2"]
    assert run(source, cursor) == []
    assert [m.external_id for m in run(source, cursor)] == ["a3"]
    assert cursor["seen"] == ["a1", "a2", "a3"]
    assert cursor["newest"] == "2024-03-06T08:00:00+00:00"


def test_rss_source_cursor_is_saved_only_after_entries_are_yielded(httpserver, ctx):
    httpserver.expect_request("/feed").respond_with_data(rss(FIRST, SECOND), headers={"ETag": '"v1"'})
    cursor: dict = {}
    items = RssSource({"url": httpserver.url_for("/feed")}, ctx).fetch(cursor)
    next(items)
    assert cursor == {}  # a1 is only remembered once the runner asked for the next item
    next(items)
    assert cursor == {"seen": ["a1"], "newest": "2024-03-04T15:00:00+00:00"}  # and no ETag yet


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><link>https://x.example/1</link></item></channel></rss>"""


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
def test_rss_source_rejects_billion_laughs_quickly(httpserver, ctx, encoding):
    body = BILLION_LAUGHS.replace('version="1.0"', f'version="1.0" encoding="{encoding}"').encode(encoding)
    started = time.monotonic()
    items = run(feed_source(httpserver, ctx, body, "application/xml"))
    assert [i.reason for i in items] == ["xml-entity-declaration"]
    assert time.monotonic() - started < 2


def test_rss_source_rejects_external_entity(httpserver, ctx):
    body = ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            "<rss><channel><item><title>&xxe;</title></item></channel></rss>")
    assert [i.reason for i in run(feed_source(httpserver, ctx, body))] == ["xml-entity-declaration"]


def test_declares_entities_sees_through_charset_tricks():
    hidden = "<!DOCTYPE r [<!ENTITY a 'b'>]><rss/>"
    assert declares_entities(b"+ADw-!DOCTYPE r [+ADw-!ENTITY a 'b'>]><rss/>", "utf-7")  # HTTP charset
    assert declares_entities(b'<?xml version="1.0" encoding="utf-7"?>+ADw-!DOCTYPE r [+ADw-!ENTITY a "b">]>')
    assert declares_entities(('<?xml version="1.0"?>' + hidden).encode("cp037"))  # EBCDIC
    assert declares_entities(b'<?xml version="1.0" encoding="unicode_escape"?>\\x3c!DOCTYPE r [\\x3c!ENTITY a "b">]>')
    assert not declares_entities(b'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x.dtd"><rss/>')


def test_rss_source_rejects_malformed_feed_with_reason(httpserver, ctx):
    [rejection] = run(feed_source(httpserver, ctx, b"\x00\x01 definitely <not a feed", "application/xml"))
    assert rejection.reason == "malformed-feed" and rejection.detail


def test_rss_source_rejects_entry_without_link_title_or_text(httpserver, ctx):
    body = RSS.format(items='<item><guid isPermaLink="false">x1</guid></item>' + ITEM.format(guid="a1", title="Ok", date=""))
    items = run(feed_source(httpserver, ctx, body))
    assert [type(i).__name__ for i in items] == ["Rejection", "Mention"]
    assert items[0].reason == "empty-entry"


def _unsafe(value: str | None) -> bool:
    text = html.unescape(value or "").lower()
    return "<script" in text or "javascript:" in text or "onerror" in text


def test_rss_source_sanitises_script_injection(httpserver, ctx):
    attack = "&lt;script&gt;alert(1)&lt;/script&gt;Alerte &lt;img src=x onerror=alert(2)&gt;"
    body = RSS.replace("Le Quotidien", attack).format(items=f"""<item><title>{attack}</title>
      <link>javascript:alert(3)</link><guid>evil</guid>
      <description>{attack}&lt;a href="javascript:alert(4)"&gt;lien&lt;/a&gt;</description></item>""")
    [mention] = run(feed_source(httpserver, ctx, body))
    assert mention.title == "Alerte"
    assert mention.url is None  # a javascript: link never becomes a clickable URL
    for value in (mention.title, mention.html, mention.outlet, mention.text):
        assert not _unsafe(value), value


def test_rss_source_reads_json_feed_and_sanitises_its_html(httpserver, ctx):
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": "Blogue", "language": "en-CA",
            "authors": [{"name": "Équipe"}],
            "items": [{"id": "1", "url": "https://blog.example/1", "title": "Hello",
                       "content_html": '<p onclick="x()">Salut <script>alert(1)</script><b>monde</b></p>',
                       "date_published": "2024-01-02T03:04:05-05:00"},
                      "not an object"]}
    items = run(feed_source(httpserver, ctx, json.dumps(feed), "application/feed+json", channel="blog"))
    mention, rejection = items
    assert isinstance(mention, Mention) and isinstance(rejection, Rejection)
    assert (mention.external_id, mention.outlet, mention.author_name) == ("1", "Blogue", "Équipe")
    assert mention.html == "<p>Salut <b>monde</b></p>" and mention.text == "Salut monde"
    assert mention.language == "en" and mention.channel == "blog"
    assert mention.published_at == datetime(2024, 1, 2, 8, 4, 5, tzinfo=UTC)
    assert rejection.reason == "malformed-item"


def test_rss_source_invalid_json_feed_is_a_fetch_error(httpserver, ctx):
    source = feed_source(httpserver, ctx, '{"version": "https://jsonfeed.org/version/1", "items": [', "application/feed+json")
    with pytest.raises(FetchError, match="invalid JSON Feed"):
        run(source)


ARTICLE = "<html><head><title>Article</title></head><body><article><h1>Titre</h1>{}</article></body></html>"
PARAGRAPHS = "".join(f"<p>Hydro-Québec a annoncé le volet {n} d'un vaste programme d'investissement dans le réseau.</p>"
                     for n in range(1, 7))


def test_rss_source_full_text_honours_robots_txt(httpserver, ctx):
    body = RSS.format(items="".join(
        f"<item><title>{slug}</title><link>{httpserver.url_for(path)}</link><description>résumé {slug}</description></item>"
        for slug, path in (("public", "/news/public"), ("private", "/private/secret"))))
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /private/\n")
    httpserver.expect_request("/news/public").respond_with_data(ARTICLE.format(PARAGRAPHS), content_type="text/html")
    httpserver.expect_request("/private/secret").respond_with_data(ARTICLE.format(PARAGRAPHS), content_type="text/html")
    public, private = run(feed_source(httpserver, ctx, body, full_text=True))
    assert "le volet 6 d'un vaste programme" in public.text and len(public.text) > 300
    assert private.text == "résumé private"
    paths = [request.path for request, _ in httpserver.log]
    assert "/private/secret" not in paths
    assert paths.count("/robots.txt") == 1


def test_rss_source_full_text_failure_keeps_the_summary(httpserver, ctx):
    body = RSS.format(items=f"<item><title>t</title><link>{httpserver.url_for('/gone')}</link>"
                            "<description>le résumé</description></item>")
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/gone").respond_with_data("gone", status=410)
    [mention] = run(feed_source(httpserver, ctx, body, full_text=True))
    assert mention.text == "le résumé"
