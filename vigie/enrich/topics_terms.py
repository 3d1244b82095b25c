"""Event topics, the words side: a mention as weighted terms (folded, stop words out, names, hashtags and
key phrases weighted up) and a topic's label from its heaviest terms. See docs/topics.md"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from vigie.enrich.keyphrases import STOP
from vigie.text import fold, title_and_text

MAX_CHARS = 3_000  # an article's first paragraphs say which event it is about; the rest only costs time
MAX_TERMS = 30  # terms kept per mention vector and per topic centroid
MIN_TERMS = 2  # fewer content words than this: not applicable (topic_id stays NULL)
BOOST_ENTITY = 2.5  # names and places carry an event across languages and wordings
BOOST_HASHTAG = 2.0
BOOST_KEYPHRASE = 1.5
LABEL_TERMS = 3

# Words frequent in news and posts about anything (folded); STOP covers the grammatical words.
EXTRA_STOP = frozenset("""
selon dit dire affirme indique annonce annonces ajoute explique souligne rapporte toujours encore aussi
plus moins tres trop comme apres avant pendant depuis cette ceux celle entre autre autres nouveau nouvelle
nouvelles nouveaux premier premiere dernier derniere deux trois quatre cinq annee annees jour jours semaine
heure heures matin soir lundi mardi mercredi jeudi vendredi samedi dimanche gens monde chose faire fait
said says say told according also just like new first last two three four five year years day days week
hour hours morning night monday tuesday wednesday thursday friday saturday sunday people thing things
make made will would could should really lol omg wow http https www com amp via rt
""".split())
_STOP = STOP | EXTRA_STOP
_NOISE = re.compile(r"https?://\S+|www\.\S+|@\w+")
_WORD = re.compile(r"#?[^\W\d_]{3,}")
# A word inside a sentence (after a space or an elision, not after a full stop): capitalised, it is a name.
_INSIDE = re.compile(r"(?<![.!?:…\n]\s)(?<=[\s'’(])[^\W\d_]{3,}")
_KEYS: dict[str, str] = {}  # raw word -> folded key ("" for a stop word): words repeat, folding does not


def term_key(word: str) -> str:
    """The folded key of a word: accent- and case-free, a plural -s dropped; "" for a stop word."""
    key = _KEYS.get(word)
    if key is None:
        key = fold(word)
        if key in _STOP:
            key = ""
        elif len(key) >= 5 and key[-1] == "s" and key[-2] not in "sui":
            key = key[:-1]  # inondations/inondation, residents/resident: one term
        if len(_KEYS) > 200_000:
            _KEYS.clear()
        _KEYS[word] = key
    return key


def _as_utc(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _json_list(value: Any) -> list:
    if not value:
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    return value if isinstance(value, list) else []


@dataclass(slots=True)
class Vector:
    """One mention as weighted terms, with the forms to show them in and its time."""

    weights: dict[str, float]
    surfaces: dict[str, str]
    when: datetime
    language: str | None
    names: frozenset[str] = frozenset()  # terms that name someone or somewhere (entities, capitals, hashtags)


def vectorize(row: dict[str, Any]) -> Vector | None:
    """Terms of title + text (3+ letters, stop words out), hashtags, entity and key-phrase words weighted
    up; None when not applicable: language "und", or fewer than MIN_TERMS content words."""
    language = (row.get("language") or "").lower() or None
    if language == "und":
        return None
    title, text = row.get("title") or "", row.get("text") or ""
    body = title_and_text(title, text)[:MAX_CHARS]
    tf: dict[str, int] = {}
    surfaces: dict[str, str] = {}
    boost: dict[str, float] = {}
    for word in _WORD.findall(_NOISE.sub(" ", body)):
        tag = word[0] == "#"
        key = term_key(word[1:] if tag else word)
        if not key:
            continue
        tf[key] = tf.get(key, 0) + 1
        if tag:
            boost[key] = BOOST_HASHTAG
            surfaces[key] = word
        elif key not in surfaces:
            surfaces[key] = word.lower()
    names = {k for k, b in boost.items() if b == BOOST_HASHTAG}
    if text and not text.isupper():  # shouting in capitals names nobody
        for word in _INSIDE.findall(text[:MAX_CHARS]):
            if word[0].isupper():
                key = term_key(word)
                if key in tf:
                    names.add(key)
                    if not surfaces[key][:1].isupper():
                        surfaces[key] = word  # shown as written inside a sentence: "Masson", not "masson"
    for entity in _json_list(row.get("entities")):
        name = entity.get("text") if isinstance(entity, dict) else None
        if not name:
            continue
        for word in _WORD.findall(name):
            key = term_key(word.lstrip("#"))
            if key:
                tf.setdefault(key, 1)
                boost[key] = BOOST_ENTITY
                names.add(key)
                surfaces[key] = name  # "Hydro-Québec" shows for both of its words
    for phrase in _json_list(row.get("keyphrases")):
        for word in _WORD.findall(str(phrase)):
            key = term_key(word)
            if key in tf and boost.get(key, 1.0) < BOOST_KEYPHRASE:
                boost[key] = BOOST_KEYPHRASE
    if len(tf) < MIN_TERMS:
        return None
    weights = {k: (1.0 + math.log(n) if n > 1 else 1.0) * boost.get(k, 1.0) for k, n in tf.items()}
    collected = _as_utc(row.get("collected_at"))
    when = _as_utc(row.get("published_at")) or collected or datetime.now(UTC)
    if collected is not None and when > collected + timedelta(days=1):
        when = collected  # a date in the future is a bad clock; it must not drag the window along
    return Vector(weights, surfaces, when, language, frozenset(names))


def surface_rank(surface: str) -> tuple[bool, int]:
    """Prefer the written-out form: a capital (a name) and accents over a folded, typed-fast spelling."""
    return (surface[:1].isupper() or surface[:1] == "#", sum(not c.isascii() for c in surface))


def make_label(terms: dict[str, float], surfaces: dict[str, str], idf: Any = None,
               langs: dict[str, str] | None = None, language: str = "") -> str:
    """The LABEL_TERMS heaviest terms in the forms people wrote them ("Rosemont · aqueduc · bris"),
    each shown once even when a name covers several terms ("Hydro-Québec"). Words that came from
    mentions in another language than ``language`` (the topic's) give way; names never do."""
    score = (lambda t: terms[t] * idf(t)) if idf is not None else terms.__getitem__
    ranked = sorted(terms, key=lambda t: -score(t))
    if langs and language:
        own = [t for t in ranked if langs.get(t, language) in (language, "") or surface_rank(surfaces.get(t, ""))[0]]
        if len(own) >= min(2, len(ranked)):
            ranked = own + [t for t in ranked if t not in own]
    shown: list[str] = []
    folded: list[str] = []
    for term in ranked:
        surface = surfaces.get(term) or term
        key = fold(surface)
        if any(key in f or f in key for f in folded):
            continue
        shown.append(surface)
        folded.append(key)
        if len(shown) == LABEL_TERMS:
            break
    label = " · ".join(shown)
    return label[:1].upper() + label[1:]
