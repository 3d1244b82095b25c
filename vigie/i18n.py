"""French and English messages for the command line (and later the web). See docs/i18n.md"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("fr", "en")


def current_language() -> str:
    """VIGIE_LANG, else the `language` setting's variable, else the system locale; French by default."""
    for value in (os.environ.get("VIGIE_LANG"), os.environ.get("VIGIE_LANGUAGE"), os.environ.get("LANG")):
        if value:
            code = value[:2].lower()
            if code in LANGUAGES:
                return code
    return "fr"


@cache
def catalog(language: str) -> dict[str, str]:
    path = LOCALE_DIR / f"{language}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def t(key: str, language: str | None = None, **values: Any) -> str:
    """The message for ``key`` in the current language, falling back to English, then to the key."""
    lang = language or current_language()
    template = catalog(lang).get(key) or catalog("en").get(key) or key
    return template.format(**values) if values else template
