"""Column mappings for imported files: target fields, tolerant header matching, built-in presets. See docs/imports.md"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, tzinfo
from functools import cached_property, lru_cache
from typing import Any

from dateutil import parser as dateparser

from vigie.exceptions import NotConfigured
from vigie.items import Channel
from vigie.text import fold

TARGET_FIELDS: tuple[str, ...] = (
    "external_id", "url", "title", "text", "author_handle", "author_name", "author_followers",
    "outlet", "outlet_audience", "published_at", "language", "channel",
    "likes", "shares", "comments", "views", "reactions", "reach",
)
ENGAGEMENT_FIELDS = ("likes", "shares", "comments", "views", "reactions")
NUMERIC_FIELDS = ("author_followers", "outlet_audience", "reach", *ENGAGEMENT_FIELDS)


def header_key(name: Any) -> str:
    """How headers are compared: case, accents, punctuation and spacing do not count ("Média " == "media")."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(str(name))))


def cell_text(value: Any) -> str | None:
    """A cell as trimmed text; None when empty. 12345.0 from a spreadsheet reads as "12345"."""
    if type(value) is str:  # nearly every cell: skip the checks below
        return value.strip() or None
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = value.isoformat() if isinstance(value, date | time) else str(value)
    return text.strip() or None


@dataclass(frozen=True)
class Mapping:
    """Which source column feeds each target field, plus what a preset knows about its export.

    ``columns`` lists candidate headers per target, first match wins. A mapping given by the user
    is ``strict``: a column it names must exist in the file.
    """

    name: str
    columns: dict[str, tuple[str, ...]]
    channel: str | None = None  # default channel of rows from this kind of file
    outlet: str | None = None
    url_template: str | None = None  # e.g. a video URL built from the id column
    skip: dict[str, tuple[str, ...]] = field(default_factory=dict)  # summary rows such as "Total"
    id_fields: tuple[str, ...] = ()  # stable columns to hash when there is no id column
    dayfirst: bool = False
    strict: bool = False

    def resolve(self, headers: Iterable[str]) -> dict[str, str]:
        """Target field -> the file's actual header, for the targets this file has."""
        headers = [h for h in headers if isinstance(h, str)]
        by_key: dict[str, str] = {}
        for header in headers:
            by_key.setdefault(header_key(header), header)
        resolved: dict[str, str] = {}
        for target, candidates in self.columns.items():
            for candidate in candidates:
                if candidate in headers:
                    resolved[target] = candidate
                    break
                if header_key(candidate) in by_key:
                    resolved[target] = by_key[header_key(candidate)]
                    break
        return resolved

    @cached_property
    def _dotted(self) -> dict[str, tuple[str, ...]]:
        """Targets with dotted candidates ("user.name"), the only ones values() must walk."""
        return {t: tuple(c for c in cs if "." in c) for t, cs in self.columns.items() if any("." in c for c in cs)}

    def extractor(self, headers: Iterable[str]) -> Extractor:
        """values() for rows with these headers, with all that depends only on the headers decided once."""
        headers = list(headers)
        resolved = self.resolve(headers)
        dotted = self._paths(resolved)
        filled = set(resolved) | {target for target, _ in dotted}
        # {"text": ..., "url": ...} read with the generic mapping: the row already is its values().
        row_is_values = (not dotted and all(t == h for t, h in resolved.items())
                         and not set(TARGET_FIELDS).intersection(headers).difference(resolved))
        return Extractor(tuple(resolved.items()), dotted, tuple(n for n in NUMERIC_FIELDS if n in filled),
                         row_is_values)

    def _paths(self, resolved: dict[str, str]) -> tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]:
        """The dotted candidates, split, of each target ``resolved`` has no header for."""
        return tuple((target, tuple(tuple(c.split(".")) for c in candidates))
                     for target, candidates in self._dotted.items() if target not in resolved)

    def missing(self, resolved: dict[str, str]) -> list[str]:
        """Columns a strict mapping names that the file lacks."""
        if not self.strict:
            return []
        return [self.columns[t][0] for t in self.columns if t not in resolved]

    def values(self, row: dict[str, Any], resolved: dict[str, str]) -> dict[str, Any]:
        """Target field -> the row's value; a dotted candidate ("user.name") reaches into JSON records."""
        return Extractor(tuple(resolved.items()), self._paths(resolved), ()).values(row)

    def row_id(self, row: dict[str, Any], values: dict[str, Any]) -> str:
        """A stable id for a row without one: the preset's key columns, else the whole normalised row."""
        if self.id_fields and all(cell_text(values.get(f)) for f in self.id_fields):
            basis = {f: cell_text(values.get(f)) for f in self.id_fields}
        else:
            basis = {header_key(k): cell_text(v) for k, v in row.items() if cell_text(v) is not None}
        return hashlib.sha256(json.dumps(basis, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Extractor:
    """A mapping resolved against one set of headers: built once per file (per key set for JSON)."""

    columns: tuple[tuple[str, str], ...]  # (target, header) of the targets the headers have
    dotted: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]  # other targets: their dotted paths
    numeric: tuple[str, ...]  # the NUMERIC_FIELDS values() may fill, in that order
    # Each header read is its target's name and no other header is one: row.get(target) equals
    # values(row).get(target), so a reader that only looks up targets may skip building values().
    row_is_values: bool = False

    def values(self, row: dict[str, Any]) -> dict[str, Any]:
        """Target field -> the row's value; a dotted candidate ("user.name") reaches into JSON records."""
        values = {target: row.get(header) for target, header in self.columns}
        for target, paths in self.dotted:
            for path in paths:  # the first candidate that leads to a value wins
                node: Any = row
                for part in path:
                    node = node.get(part) if isinstance(node, dict) else None
                if node is not None:
                    values[target] = node
                    break
        return values


def _cols(**columns: str) -> dict[str, tuple[str, ...]]:
    """Write candidates as "A|B|C" to keep the preset tables readable."""
    return {target: tuple(c.strip() for c in spec.split("|")) for target, spec in columns.items()}


# NOTE: the platform headers come from EXPORT_HEADERS.md and are unverified; the French
# alternatives are guesses at localised exports. Matching ignores case and accents.
PRESETS: dict[str, Mapping] = {
    "generic": Mapping("generic", {t: (t,) for t in TARGET_FIELDS}),
    "press_clippings": Mapping(
        "press_clippings",
        _cols(
            published_at="Date|Date de parution|Date de publication|Date de diffusion|Publication date|Published|Air date",
            outlet="Outlet|Média|Media|Publication|Support|Source|Station|Journal",
            title="Title|Titre|Headline|Manchette|Sujet|Subject",
            text="Summary|Résumé|Text|Texte|Extract|Extrait|Content|Contenu|Description",
            outlet_audience="Audience|Circulation|Tirage|Readership|Lectorat|Auditoire",
            channel="Channel|Type|Canal|Media type|Type de média|Medium",
            author_name="Journalist|Journaliste|Author|Auteur|Reporter|Byline",
            url="URL|Link|Lien|Web link",
            language="Language|Langue",
            reach="Reach|Portée",
        ),
        channel="print_press", dayfirst=True,  # French and Quebec logs write 12/03/2024 for 12 March
    ),
    "youtube_studio": Mapping(
        "youtube_studio",
        _cols(
            external_id="Content|Contenu",
            title="Video title|Titre de la vidéo",
            published_at="Video publish time|Heure de publication de la vidéo|Date de publication",
            views="Views|Vues",
            likes="Likes|J'aime",
            comments="Comments added|Comments|Commentaires ajoutés|Commentaires",
            shares="Shares|Partages",
        ),
        channel="social", outlet="YouTube", url_template="https://www.youtube.com/watch?v={external_id}",
        skip={"external_id": ("Total",)},
    ),
    "meta_posts": Mapping(
        "meta_posts",
        _cols(
            external_id="Post ID|Identifiant de la publication|ID de la publication",
            author_handle="Account username|Nom d'utilisateur du compte",
            author_name="Account name|Nom du compte",
            text="Description",
            published_at="Publish time|Heure de publication",
            url="Permalink|Permalien|Lien permanent",
            views="Views|Vues|Impressions",
            reach="Reach|Couverture|Portée",
            likes="Likes|J'aime|Mentions J'aime",
            shares="Shares|Partages",
            comments="Comments|Commentaires",
        ),
        channel="social",
    ),
    "facebook_videos": Mapping(
        "facebook_videos",
        _cols(
            external_id="Video asset ID|Video ID|Identifiant de la vidéo",
            author_name="Page name|Nom de la Page",
            title="Title|Titre",
            published_at="Publish time|Heure de publication",
            reach="Reach|Couverture|Portée",
            views="3-second video views|Video views|Vues de vidéo de 3 secondes",
            reactions="Reactions|Réactions",
            comments="Comments|Commentaires",
            shares="Shares|Partages",
        ),
        channel="social", outlet="Facebook", url_template="https://www.facebook.com/watch/?v={external_id}",
    ),
    "tiktok_studio": Mapping(
        "tiktok_studio",
        _cols(
            title="Video title|Titre de la vidéo",
            url="Video link|Lien de la vidéo",
            published_at="Post time|Heure de publication",
            likes="Total likes|Likes|Total de j'aime",
            comments="Total comments|Comments|Total de commentaires",
            shares="Total shares|Shares|Total de partages",
            views="Total views|Video views|Views|Total de vues",
        ),
        # Metrics change between exports, so the video link, not the whole row, identifies a video.
        channel="social", outlet="TikTok", id_fields=("url",),
    ),
}


def load_mapping(spec: str | dict[str, Any] | None) -> Mapping:
    """A preset name, or a dict target -> column name (or list of alternatives), optionally with "preset"."""
    if spec is None or spec == "":
        return PRESETS["generic"]
    if isinstance(spec, str):
        key = spec.strip().lower().replace("-", "_")
        if key not in PRESETS:
            raise NotConfigured(f"import: unknown mapping preset {spec!r}; presets: {', '.join(PRESETS)}")
        return PRESETS[key]
    if not isinstance(spec, dict):
        raise NotConfigured("import: mapping must be a preset name or a dict of target field -> column")
    spec = dict(spec)
    base = load_mapping(spec.pop("preset")) if "preset" in spec else None
    unknown = sorted(set(spec) - set(TARGET_FIELDS))
    if unknown:
        raise NotConfigured(
            f"import: unknown target field(s) {', '.join(unknown)} in mapping; "
            f"targets: {', '.join(TARGET_FIELDS)}")
    columns: dict[str, tuple[str, ...]] = {}
    for target, source in spec.items():
        names = (source,) if isinstance(source, str) else tuple(source or ())
        if not names or not all(isinstance(n, str) and n for n in names):
            raise NotConfigured(f"import: mapping for {target!r} must be a column name or a list of names")
        columns[target] = names
    if base is None:
        return Mapping("custom", columns, strict=True)
    # Overrides on a preset: the preset's other columns stay optional, the named ones must exist.
    return replace(base, name=f"{base.name}+custom", columns={**base.columns, **columns})


_NUMBER_SPACES = re.compile(r"[\s\u00a0\u202f']")


def parse_number(value: Any) -> int | None:
    """A count from an export: 1234, "1 234", "1,234", "12.5K", "3,2 M". Raises ValueError otherwise."""
    if type(value) is int:  # already a count (JSON)
        return _in_range(value, value)
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise ValueError(f"not a finite number: {value!r}")
        return _in_range(int(value), value)
    text = _NUMBER_SPACES.sub("", str(value))
    if not text or text.lower() in {"-", "--", "—", "n/a", "na", "nd", "s/o"}:
        return None
    factor = 1
    suffix = text[-1].lower()
    if suffix in "km":
        factor = 1_000 if suffix == "k" else 1_000_000
        text = text[:-1]
    if re.fullmatch(r"-?\d{1,3}([,.]\d{3})+", text) and factor == 1:
        text = re.sub(r"[,.]", "", text)  # thousands separators
    try:
        return _in_range(int(round(float(text.replace(",", ".")) * factor)), value)
    except OverflowError:  # "inf"
        raise ValueError(f"not a finite number: {value!r}") from None


def _in_range(number: int, value: Any) -> int:
    """Counts are stored as 64-bit integers: a larger one is a malformed cell, not a crash."""
    if abs(number) >= 2**63:
        raise ValueError(f"out of range: {value!r}")
    return number


_FRENCH_MONTHS = {
    "janvier": "january", "janv": "jan", "fevrier": "february", "fevr": "feb", "fev": "feb",
    "mars": "march", "avril": "april", "avr": "apr", "mai": "may", "juin": "june",
    "juillet": "july", "juil": "jul", "aout": "august", "septembre": "september", "sept": "sep",
    "octobre": "october", "novembre": "november", "decembre": "december", "dec": "dec",
}
_FRENCH_WORDS = re.compile(r"\b(" + "|".join(sorted(_FRENCH_MONTHS, key=len, reverse=True)) + r")\b\.?")
_WEEKDAYS = re.compile(r"\b(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\b,?")


def _english_date(text: str) -> str:
    """"mardi 12 mars 2024 à 14 h 30" -> " 12 march 2024   14:30" so dateutil can read it."""
    text = fold(text)
    text = _WEEKDAYS.sub(" ", text)
    text = re.sub(r"\b1er\b", "1", text)
    text = re.sub(r"\ba\b", " ", text)
    text = re.sub(r"(\d{1,2})\s*h\s*(\d{2})?\b", lambda m: f"{m[1]}:{m[2] or '00'}", text)
    return _FRENCH_WORDS.sub(lambda m: _FRENCH_MONTHS[m[1]], text)


def _is_epoch(text: str) -> bool:
    """Seconds or milliseconds since 1970 (10 or 13 digits; isdecimal() is what \\d matches)."""
    return len(text) in (10, 13) and text.isdecimal()


def parse_date(value: Any, *, dayfirst: bool = False, tz: tzinfo = UTC, fmt: str | None = None) -> datetime | None:
    """An aware UTC datetime, reading naive values in ``tz``; None when absent or unreadable."""
    if value is None or value == "":
        return None
    dt: datetime | None = None
    if type(value) is str and not fmt:  # the usual case, an ISO 8601 string: straight to its parser
        text = value.strip()
        if not (len(text) in (10, 13) and text.isdecimal()):  # _is_epoch(), inline on the hot path
            try:
                dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                pass  # the general path below tries harder
            else:
                return (dt if dt.tzinfo is not None else dt.replace(tzinfo=tz)).astimezone(UTC)
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        dt = datetime.fromtimestamp(value / 1000 if value > 1e11 else value, UTC)
    else:
        text = str(value).strip()
        if _is_epoch(text):
            return parse_date(int(text), tz=tz)
        try:
            if fmt:
                dt = datetime.strptime(text, fmt)
            else:
                # ISO first: dateutil with dayfirst=True would read 2024-03-12 as 3 December.
                dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            if fmt:
                return None
            try:
                dt = dateparser.parse(_english_date(text), dayfirst=dayfirst)
            except (ValueError, OverflowError):
                return None
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=tz)
    return dt.astimezone(UTC)


_CHANNEL_WORDS = {
    "presse ecrite": "print_press", "presse": "print_press", "journal": "print_press",
    "quotidien": "print_press", "hebdo": "print_press", "hebdomadaire": "print_press",
    "imprime": "print_press", "television": "broadcast", "tele": "broadcast", "tele radio": "broadcast",
    "presse en ligne": "online_press", "en ligne": "online_press", "internet": "online_press",
    "web": "online_press", "online": "online_press", "reseaux sociaux": "social",
    "medias sociaux": "social", "blogue": "blog", "balado": "broadcast", "avis": "review",
}


def parse_channel(value: Any) -> Channel | None:
    """A channel from an export's type column, in English or French; None when not recognised."""
    if value is None or str(value).strip() == "":
        return None
    return _channel_of(str(value))


@lru_cache(maxsize=1024)  # an export repeats a handful of labels on every row
def _channel_of(value: str) -> Channel | None:
    key = header_key(value)
    try:
        return Channel.parse(_CHANNEL_WORDS.get(key, key))
    except ValueError:
        return None


_LANGUAGES = {"francais": "fr", "french": "fr", "anglais": "en", "english": "en",
              "espagnol": "es", "spanish": "es"}


def parse_language(value: Any) -> str | None:
    """ "FR", "fr-CA", "Français" -> "fr"."""
    if value is None or str(value).strip() == "":
        return None
    return _language_of(str(value))


@lru_cache(maxsize=1024)
def _language_of(value: str) -> str | None:
    key = header_key(value)
    return _LANGUAGES.get(key, key.split(" ")[0][:3] or None)
