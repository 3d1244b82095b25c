"""End to end in real headless Chromium (Debian's /usr/bin/chromium driven by Playwright): sign in,
read the overview, filter mentions, correct a sentiment, open an incident from an alert with a
playbook, and outsiders' markup arriving through a feed stays text."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest
from webtools import PASSWORD, build_web, make_alert

CHROMIUM = os.environ.get("VIGIE_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[dev]')"
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"{CHROMIUM} not found (apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def browser():
    reason = _missing()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"end-to-end tests cannot run: {reason}")
        print(f"\nSKIPPED group e2e: {reason}")
        pytest.skip(f"e2e: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def site(tmp_path, settings):
    """The web app over a seeded SQLite store, served by uvicorn on a free loopback port."""
    from vigie.store import Store
    from vigie.web.server import serve

    store = Store(f"sqlite:///{tmp_path / 'e2e.db'}")
    web = build_web(store, settings)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with serve(web.vigie, "127.0.0.1", port, say=lambda _line: None):
        web.base = f"http://127.0.0.1:{port}"
        yield web
    store.close()


@pytest.fixture
def page(browser, site):
    context = browser.new_context(locale="fr-CA", base_url=site.base)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    yield page
    context.close()


def expect(locator):
    """Playwright's retrying assertions: they poll the DOM without eval, which the CSP forbids."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def _login(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")


def test_sign_in_read_the_overview_filter_and_correct_a_sentiment(page):
    _login(page, "editor@example.org")
    assert page.locator("svg.chart").count() == 4
    assert "Part de voix" in page.locator("main").inner_text()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"  # keyboard users skip the menu first

    page.get_by_role("link", name="Mentions", exact=True).click()
    page.wait_for_url("**/mentions")
    assert page.locator("ol.mentions > li").count() == 5
    page.get_by_label("Canal").select_option("online_press")  # HTMX swaps the list in place
    expect(page.locator("ol.mentions > li")).to_have_count(2)
    assert "channel=online_press" in page.url  # and the address keeps the filter

    row = page.locator("li.mention", has_text="Piscine à Val-Sorbier")
    row.get_by_label("Corriger la tonalité").select_option("negative")
    row.get_by_role("button", name="Corriger").click()
    expect(page.locator("#mention-2 .badge.neg")).to_have_count(1)
    page.reload()
    assert page.locator("#mention-2 .badge.neg").inner_text() == "négative"
    assert page.errors == []


def test_open_an_incident_from_an_alert_and_apply_a_playbook(page, site):
    alert_id = make_alert(site.store, site.ws, site.watches["water"]["id"], "Pic : eau potable", "critical")
    _login(page, "editor@example.org")
    page.goto("/alerts")
    page.get_by_role("link", name="Pic : eau potable").click()
    page.wait_for_url(f"**/alerts/{alert_id}")
    page.get_by_label("Guide d'intervention").select_option("outage")
    page.get_by_role("button", name="Ouvrir un incident").click()
    page.wait_for_url("**/crisis/incidents/*")
    main = page.locator("main")
    assert "Pic : eau potable" in main.inner_text() and "Liste de contrôle" in main.inner_text()
    steps = page.locator("#h-steps + ol > li")
    assert steps.count() >= 3
    steps.first.get_by_role("button").click()
    page.wait_for_url("**/crisis/incidents/*")
    assert page.locator("#h-steps + ol > li").first.locator("s").count() == 1  # ticked off
    page.get_by_role("button", name="Prendre en charge").click()
    assert "en évaluation" in page.locator("main").inner_text()
    assert page.errors == []


FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Fil &amp;lt;b&amp;gt;piégé&amp;lt;/b&amp;gt;</title><link>http://127.0.0.1/</link>
<item><title>Val-Sorbier &amp;lt;script&amp;gt;window.__pwned = 1&amp;lt;/script&amp;gt; titre</title>
<link>javascript:window.__pwned=3</link><guid>evil-1</guid>
<description><![CDATA[Val-Sorbier <script>window.__pwned = 2</script><img src=x onerror="window.__pwned=4"> &lt;img src=x onerror=window.__pwned=5&gt; fin]]></description>
<author>x@example.org (&amp;lt;img src=x onerror=window.__pwned=6&amp;gt;)</author></item>
</channel></rss>"""


def test_markup_from_a_feed_is_shown_as_text_and_never_runs(page, site, httpserver):
    httpserver.expect_request("/feed.xml").respond_with_data(FEED, content_type="application/rss+xml")
    source = site.store.add_source(site.ws["id"], "fil piégé", "rss", {"url": httpserver.url_for("/feed.xml")})
    assert site.vigie.fetch(source).stats.new == 1
    _login(page, "owner@example.org")
    for path in ("/mentions", "/search?q=Val-Sorbier"):
        page.goto(path)
        text = page.locator("main").inner_text()
        assert "<script>window.__pwned = 1</script>" in text  # the literal characters, not an element
    page.get_by_role("link", name="<script>", exact=False).first.click()
    page.wait_for_url("**/mentions/*")
    main = page.locator("main")
    assert "<img src=x onerror=window.__pwned=5>" in main.inner_text()
    assert main.locator("img, script").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    assert page.evaluate("window.__pwned") is None
    assert page.errors == []
