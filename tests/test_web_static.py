"""Offline assets, complete bilingual catalogue, locale formatting and the SVG charts."""

from __future__ import annotations

import json
import re
from pathlib import Path

from babel.numbers import format_decimal

from vigie.web import charts
from vigie.web.i18n import Translator, accept_language, web_catalog

WEB = Path(__file__).resolve().parent.parent / "vigie" / "web"
LOCALE = WEB.parent / "locale"
# Any scheme-qualified or protocol-relative URL, or CSS @import/url() of another host.
EXTERNAL = re.compile(r"""(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}|@import\s+url\(\s*['"]?(?:https?:)?//""", re.I)


def _assets() -> list[Path]:
    return sorted([*WEB.glob("templates/**/*.html"), *WEB.glob("static/*.css"), *WEB.glob("static/vigie.js")])


def test_no_template_or_stylesheet_loads_anything_from_another_host():
    offenders = [f"{path.name}: {m.group(0)}" for path in _assets() for m in EXTERNAL.finditer(path.read_text())]
    assert offenders == []
    assert (WEB / "static" / "htmx.min.js").stat().st_size > 40_000  # vendored, not fetched


def test_the_check_would_catch_a_cdn():
    assert EXTERNAL.search('<script src="https://unpkg.com/htmx.org"></script>')
    assert EXTERNAL.search('<link href="//cdn.example.com/x.css">')
    assert not EXTERNAL.search('<a href="/mentions">')


def test_both_languages_have_the_same_keys():
    fr = json.loads((LOCALE / "web.fr.json").read_text(encoding="utf-8"))
    en = json.loads((LOCALE / "web.en.json").read_text(encoding="utf-8"))
    assert set(fr) == set(en) and all(fr.values()) and all(en.values())


def test_every_key_the_templates_and_views_use_is_translated():
    used = set()
    for path in [*WEB.glob("templates/**/*.html"), *WEB.glob("**/*.py")]:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\b_\(\s*["']([a-z_]+(?:\.[a-z0-9_]+)+)["']""", text))
        used |= set(re.findall(r"""(?:Problem|Forbidden|NotFound|NotSignedIn|Throttled|InvalidLogin)\(\s*"([a-z_.]+)\"""", text))
        used |= set(re.findall(r"""NavItem\([^)]*?"(nav\.[a-z_]+)\"""", text))
    for language in ("fr", "en"):
        missing = sorted(k for k in used if k not in web_catalog(language))
        assert missing == [], language


def test_numbers_and_dates_follow_the_users_locale():
    fr, en = Translator("fr", "America/Toronto"), Translator("en", "America/Toronto")
    for value in (0, 7, 1234, 1_000_000):
        assert fr.number(value) == format_decimal(value, locale="fr_CA")
        assert en.number(value) == format_decimal(value, locale="en_CA")
    assert fr.number(1234) != en.number(1234) == "1,234"
    assert fr.percent(0.125) == "12,5\xa0%" and en.percent(0.125) == "12.5%"


def test_accept_language_picks_french_or_english():
    assert accept_language("de-DE, en;q=0.8, fr;q=0.9") == "fr"
    assert accept_language("es") is None


def test_charts_escape_labels_and_scale_to_the_data():
    svg = str(charts.line_chart("Volume", "desc", ["1 mars", "2 mars"], [("<b>x</b>", [3, 9])]))
    assert "<b>x</b>" not in svg and "&lt;b&gt;x&lt;/b&gt;" in svg
    assert 'role="img"' in svg and svg.count("<circle") == 2
    bars = str(charts.hbars("Voix", "desc", [("Marque", 30), ("Rivale", 10)], pct=lambda v: f"{v:.0%}"))
    assert "30 (75%)" in bars and "10 (25%)" in bars
    assert charts._nice_max(37) == 50 and charts._nice_max(0) == 1
