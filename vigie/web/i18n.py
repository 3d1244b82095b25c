"""The web interface's words, dates and numbers in the user's language and time zone. See docs/web.md"""

from __future__ import annotations

import json
from datetime import UTC, date
from datetime import datetime as DateTime  # the Translator has a method named datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_decimal, format_percent, get_group_symbol

from vigie.i18n import LANGUAGES, LOCALE_DIR, catalog

# Vigie is built for Canadian organisations first: French means Canadian French conventions.
LOCALES = {"fr": "fr_CA", "en": "en_CA"}
DEFAULT_LANGUAGE = "fr"


@cache
def web_catalog(language: str) -> dict[str, str]:
    """The command line's catalogue overlaid with the web's own (vigie/locale/web.<lang>.json)."""
    merged = dict(catalog(language))
    path = LOCALE_DIR / f"web.{language}.json"
    if path.exists():
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


def message(key: str, language: str, **values: Any) -> str:
    """The text for ``key``, falling back to English, then to the key itself."""
    template = web_catalog(language).get(key) or web_catalog("en").get(key) or key
    return template.format(**values) if values else template


def pick_language(*candidates: str | None) -> str:
    for value in candidates:
        if value and value[:2].lower() in LANGUAGES:
            return value[:2].lower()
    return DEFAULT_LANGUAGE


def accept_language(header: str | None) -> str | None:
    """The first of fr/en in an Accept-Language header, by quality."""
    if not header:
        return None
    ranked = []
    for part in header.split(","):
        lang, _, q = part.strip().partition(";q=")
        try:
            ranked.append((float(q or 1), lang.strip()[:2].lower()))
        except ValueError:
            continue
    for _q, lang in sorted(ranked, key=lambda x: -x[0]):
        if lang in LANGUAGES:
            return lang
    return None


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "America/Toronto")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("America/Toronto")


class Translator:
    """Bound to one request: ``_("key")`` in templates, plus locale-aware formatting."""

    def __init__(self, language: str, timezone: str | None = None) -> None:
        self.language = pick_language(language)
        self.locale = LOCALES[self.language]
        self.tz = zone(timezone)
        self.timezone = self.tz.key
        self.group = get_group_symbol(self.locale)

    def __call__(self, key: str, **values: Any) -> str:
        return message(key, self.language, **values)

    def local(self, value: DateTime) -> DateTime:
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(self.tz)

    def datetime(self, value: DateTime | None, fmt: str = "medium") -> str:
        if value is None:
            return "—"
        return format_datetime(self.local(value), format=fmt, locale=self.locale)

    def date(self, value: date | DateTime | None, fmt: str = "medium") -> str:
        if value is None:
            return "—"
        if isinstance(value, DateTime):
            value = self.local(value).date()
        return format_date(value, format=fmt, locale=self.locale)

    def time(self, value: DateTime | None) -> str:
        return "—" if value is None else format_time(self.local(value), format="short", locale=self.locale)

    def number(self, value: float | int | None) -> str:
        if value is None:
            return "—"
        if isinstance(value, int) and value >= 0:
            # Counts are most of the numbers on a page; Babel takes ~40 µs each, this far less.
            return f"{value:,}".replace(",", self.group)
        return format_decimal(value, locale=self.locale)

    def percent(self, value: float | None) -> str:
        if value is None:
            return "—"
        # One decimal at most, with the locale's own sign and spacing ("12,5 %" / "12.5%").
        return format_percent(round(value, 3), locale=self.locale, decimal_quantization=False)

    def iso(self, value: DateTime | None) -> str:
        """Machine-readable time for <time datetime="...">."""
        return "" if value is None else self.local(value).isoformat(timespec="minutes")
