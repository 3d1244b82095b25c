"""Named entities (people, organisations, places) by rules tuned for Québec and Canada, or by a spaCy
model for the languages that have one (French with the `ner` extra), next to the glossary's hits.
See docs/enrichment.md"""

from __future__ import annotations

import logging
import re
from typing import Any

from vigie import hookimpl
from vigie.enrich.entities_spacy import SCOPES, SpacyNER, disable, load, models_from_settings
from vigie.enrich.entities_stored import has_model_entities, story_rows, upgrade_rows
from vigie.enrich.glossary import merge_entities
from vigie.enrich.keyphrases import STOP
from vigie.exceptions import NotConfigured
from vigie.items import Mention
from vigie.text import fold

log = logging.getLogger(__name__)

MAX_CHARS = 5_000  # rules read an article's first pages; enough for who and where it is about

# Folded names. Short on purpose: the places a Québec or Canadian communications team hears about most.
PLACES = frozenset(fold(p) for p in """
Québec|Montréal|Laval|Gatineau|Longueuil|Sherbrooke|Saguenay|Lévis|Trois-Rivières|Terrebonne|Brossard|Repentigny|
Drummondville|Saint-Jérôme|Granby|Blainville|Saint-Hyacinthe|Shawinigan|Rimouski|Rouyn-Noranda|Victoriaville|
Sept-Îles|Baie-Comeau|Val-d'Or|Alma|Chicoutimi|Jonquière|Gaspé|Matane|Joliette|Mirabel|Beauport|Charlesbourg|
Sainte-Foy|Limoilou|Verdun|Rosemont|Plateau-Mont-Royal|Outremont|Westmount|Mauricie|Estrie|Outaouais|Abitibi|
Gaspésie|Côte-Nord|Charlevoix|Lanaudière|Laurentides|Montérégie|Beauce|Nunavik|Canada|Ontario|Ottawa|Toronto|
Vancouver|Calgary|Edmonton|Winnipeg|Halifax|Moncton|Fredericton|Regina|Saskatoon|Victoria|Manitoba|Alberta|
Saskatchewan|Nouveau-Brunswick|New Brunswick|Nouvelle-Écosse|Nova Scotia|Terre-Neuve|Newfoundland|Labrador|
Colombie-Britannique|British Columbia|Yukon|Nunavut|États-Unis|United States|France|Paris|New York|Boston|
Vermont|Maine|Saint-Laurent|St. Lawrence|Rive-Sud|Rive-Nord
""".replace("\n", "").split("|"))
HONORIFICS = frozenset({"m", "mme", "mlle", "me", "mr", "mrs", "ms", "dr", "dre", "pr", "pre", "prof", "hon",
                        "sir", "madame", "monsieur", "maire", "mairesse", "ministre", "premier", "premiere",
                        "mayor", "minister", "chief", "ceo", "pdg"})
# Words that make a name an organisation wherever they sit in it.
ORG_WORDS = frozenset({"inc", "ltee", "ltd", "ltd.", "corp", "corporation", "cie", "co", "llc", "senc", "universite",
                       "university", "college", "cegep", "ville", "city", "municipalite", "ministere",
                       "ministry", "department", "commission", "societe", "society", "association", "fondation",
                       "foundation", "groupe", "group", "banque", "bank", "caisse", "cooperative", "coop",
                       "syndicat", "union", "federation", "conseil", "council", "agence", "agency", "office",
                       "regie", "hopital", "hospital", "centre", "center", "institut", "institute", "ciusss",
                       "cisss", "gouvernement", "government", "police", "surete", "parti", "party", "assemblee",
                       "assembly", "tribunal", "cour", "court", "ecole", "school", "radio", "journal", "club"})
ORG_PREFIXES = ("hydro-", "loto-", "energir", "videotron", "desjardins")
# Lower-case words allowed inside a name: "Ville de Québec", "Bank of Canada". Not "à"/"and": "Hydro-Québec à
# Laval" is two names far more often than "Université du Québec à Montréal" is one.
JOINERS = frozenset({"de", "du", "des", "d", "la", "le", "les", "l", "of", "the"})

# Elided articles ("d'", "L'", "qu'") are tokens of their own so "d'Hydro-Québec" yields the name.
_WORD = re.compile(r"\b(?:[dDlLjJmMnNsStTcC]|[qQ]u|[jJ]usqu|[lL]orsqu)['’](?=[^\W\d_])|[^\W\d_]+(?:['’.-][^\W\d_]+)*\.?|[.!?…:;\n]|\S")
_ADDRESS = re.compile(r"https?://\S+|www\.\S+|@\w+")  # links and handles are addresses, not names
_SENTENCE_END = frozenset({".", "!", "?", "…", ":", "\n"})


def _capitalised(word: str) -> bool:
    return word[0].isupper() and any(c.isalpha() for c in word) and word[-1] not in "'’"


def _acronym(word: str) -> bool:
    core = word.rstrip(".")
    return 2 <= len(core) <= 6 and core.isupper() and core.isalpha()


def _classify(words: list[str], honorific: bool) -> str | None:
    folded = [fold(w).rstrip(".") for w in words]
    joined = " ".join(folded)
    if honorific:
        return "person"
    if any(f in ORG_WORDS for f in folded) or folded[0].startswith(ORG_PREFIXES):
        return "organisation"
    if joined in PLACES or joined.replace(" ", "-") in PLACES:
        return "place"
    if len(words) == 1:
        parts = folded[0].split("-")
        if _acronym(words[0]) or (len(parts) > 1 and any(p in ORG_WORDS or p in PLACES for p in parts)):
            return "organisation"  # "STM", "Radio-Canada", "Loto-Québec"
        return None
    if any(f in PLACES for f in folded):
        return "organisation"  # "Air Canada", "Banque Laurentienne du Canada": a name built on a place
    if 2 <= len(words) <= 3 and not any(_acronym(w) for w in words):
        return "person"  # "Valérie Plante": two or three plain capitalised words, no other cue
    return "other"


def rule_entities(text: str) -> list[dict[str, Any]]:
    """Capitalised runs (with joiners inside), classified by honorific, organisation words, the place list
    and acronyms. A single capitalised word opening a sentence is skipped unless it is a known place or an
    organisation word: sentence case is not a name."""
    if text.isupper():
        return []  # shouting in capitals says nothing about names
    tokens = _WORD.findall(_ADDRESS.sub(" ", text[:MAX_CHARS]))
    out: dict[tuple[str, str], dict[str, Any]] = {}
    i, n = 0, len(tokens)
    sentence_start = True
    previous = ""
    while i < n:
        token = tokens[i]
        if token in _SENTENCE_END:
            sentence_start = token != ":" or sentence_start
            previous = token
            i += 1
            continue
        if not _capitalised(token) or fold(token).rstrip(".") in HONORIFICS:
            sentence_start = token.endswith(".") and not _is_abbrev(token)  # "répond." ends a sentence
            previous = token
            i += 1
            continue
        j, words = i, []
        while j < n:
            word = tokens[j]
            if _capitalised(word) and fold(word).rstrip(".") not in HONORIFICS:
                words.append(word.rstrip(".") if word.endswith(".") and not _is_abbrev(word) else word)
                j += 1
                if word.endswith(".") and not _is_abbrev(word):
                    break  # "... à Laval." ends the name with the sentence
            elif fold(word) in JOINERS and j + 1 < n and _capitalised(tokens[j + 1]) and words:
                words.append(word)
                j += 1
            else:
                break
        honorific = fold(previous).rstrip(".") in HONORIFICS and _capitalised(previous)
        if sentence_start and len(words) > 1 and fold(words[0]) in STOP:
            # "La Ville de Québec", "Selon la SAQ": the capital is the sentence's, not the name's.
            words, sentence_start = words[1:], False
            while len(words) > 1 and fold(words[0]) in JOINERS:
                words = words[1:]
        kind = _classify(words, honorific)
        if kind is not None and not (sentence_start and len(words) == 1 and kind not in ("place", "organisation")):
            surface = " ".join(words)
            out.setdefault((fold(surface), kind), {"text": surface, "kind": kind, "source": "rules"})
        sentence_start = tokens[j - 1].endswith(".") and not _is_abbrev(tokens[j - 1])
        previous = tokens[j - 1]
        i = j
    return list(out.values())


def _is_abbrev(word: str) -> bool:
    # A title ("M.", "Dr.") or an initial ("J."); an acronym's point ("promet le CN.") ends the sentence.
    return fold(word).rstrip(".") in HONORIFICS or (len(word) == 2 and word[0].isupper())


_LEADING = JOINERS | STOP  # lower-case words a model may put before a name: "la", "de", "d'"


def lexicon_kind(words: list[str]) -> str | None:
    """The kind the Québec lexicon is sure of, else None: an organisation word or prefix, a listed
    place, an acronym. Corrects a statistical model's kind (fr_core_news_sm, trained on Wikipedia,
    calls "Hydro-Québec" and "Ville de Québec" places)."""
    folded = [fold(w).rstrip(".") for w in words]
    if any(f in ORG_WORDS for f in folded) or folded[0].startswith(ORG_PREFIXES):
        return "organisation"
    joined = " ".join(folded)
    if joined in PLACES or joined.replace(" ", "-") in PLACES:
        return "place"
    if len(words) == 1 and _acronym(words[0]):
        return "organisation"
    return None


def tidy(text: str, kind: str, model: str) -> dict[str, Any] | None:
    """A statistical entity in Vigie's shape: the name without a title or a leading article ("Mme
    Fournier" -> "Fournier", a person; "la Capitale-Nationale", "d'Hydro-Québec"), its kind corrected
    by the lexicon when it is sure, and the model that found it."""
    words = _WORD.findall(text)
    honorific = False
    while words and (fold(words[0]).rstrip(".") in HONORIFICS
                     or (words[0][:1].islower() and fold(words[0]).rstrip("'’") in _LEADING)):
        honorific = honorific or (_capitalised(words[0]) and fold(words[0]).rstrip(".") in HONORIFICS)
        words = words[1:]
    if not words or not any(c.isalpha() for c in words[0]):
        return None
    name = text[text.index(words[0]):] if words[0] in text else " ".join(words)
    kind = "person" if honorific else (lexicon_kind(words) or kind)
    return {"text": name, "kind": kind, "source": "spacy", "model": model}


def spacy_entities(ner: SpacyNER, texts: list[str], fill: bool = True) -> list[list[dict[str, Any]]]:
    """The model's entities for each text, tidied (see ``tidy``), without repeats; with ``fill``, the
    rules' names that overlap none of the model's are added (source "rules"): the titles and the place
    list catch people and places a model trained on Wikipedia misses in short posts."""
    try:
        model_pairs = ner.find(texts)
    except Exception as exc:  # a broken model must not stop ingest: its batch would fail on every retry
        log.warning("statistical named entities off for %s after an error (%s); the rules run", ner.model, exc)
        disable(ner)
        return [rule_entities(text) for text in texts]
    found = []
    for text, pairs in zip(texts, model_pairs, strict=True):
        seen: dict[tuple[str, str], dict[str, Any]] = {}
        for entity in filter(None, (tidy(name, kind, ner.model) for name, kind in pairs)):
            seen.setdefault((fold(entity["text"]), entity["kind"]), entity)
        entities = list(seen.values())
        if fill:
            names = [f" {fold(e['text'])} " for e in entities]
            for entity in rule_entities(text):
                name = f" {fold(entity['text'])} "  # whole words: "Laval" is inside "Université Laval"
                if not any(name in other or other in name for other in names):
                    entities.append(entity)
        found.append(entities)
    return found


class EntitiesAnalyzer:
    """Adds people, organisations and places to ``mention.entities``, next to the glossary analyzer's
    hits, which it keeps; a name the glossary already gave is not repeated. Run it after "glossary"
    (and after "language": the language picks the backend). Every mention gets the rules' entities
    (source "rules"); a mention whose language has a spaCy model in `entities_spacy_models` (French by
    default, with the `ner` extra) gets that model's instead (source "spacy", with "model"): when it
    joins a story (``after_insert``) or is opened (``entities_stored.upgrade_mentions``), or at once
    for every mention with `entities_spacy_scope: all`. A mention a model has read stays with it on
    re-runs."""

    name = "entities"

    def __init__(self, settings: Any = None) -> None:
        self.models, self.quiet = models_from_settings(settings)
        scope = (settings.get("entities_spacy_scope", "stories") if settings is not None else "stories") or ""
        if scope not in SCOPES:
            raise NotConfigured(f"entities_spacy_scope {scope!r}: use one of {', '.join(SCOPES)}")
        self.everywhere = scope == "all"

    def backend(self, language: str | None) -> SpacyNER | None:
        """The statistical model for this language, loaded on first use; None: the rules."""
        code = (language or "").lower().split("-")[0]
        name = self.models.get(code) or self.models.get("*")
        return load(name, quiet=self.quiet) if name else None

    def find(self, texts: list[str], languages: list[str | None],
             chosen: list[bool] | None = None) -> list[list[dict[str, Any]]]:
        """Entities per text: the model's for the ``chosen`` texts whose language has one (all texts
        when ``chosen`` is None), the rules' for the others."""
        found: list[list[dict[str, Any]]] = [[] for _ in texts]
        groups: dict[int, tuple[SpacyNER, list[int]]] = {}
        for i, (text, language) in enumerate(zip(texts, languages, strict=True)):
            wanted = self.models and (chosen is None or chosen[i])
            ner = self.backend(language) if wanted else None
            if ner is None:
                found[i] = rule_entities(text)
            else:
                groups.setdefault(id(ner), (ner, []))[1].append(i)
        for ner, indices in groups.values():  # one nlp.pipe call per model and batch
            for i, entities in zip(indices, spacy_entities(ner, [texts[i] for i in indices]), strict=True):
                found[i] = entities
        return found

    def process(self, mention: Mention) -> Mention:
        return self.process_batch([mention])[0]

    def process_batch(self, mentions: list[Mention]) -> list[Mention]:
        chosen = None if self.everywhere else [has_model_entities(m.entities) for m in mentions]
        results = self.find([m.body for m in mentions], [m.language for m in mentions], chosen)
        for mention, found in zip(mentions, results, strict=True):
            glossary = [e for e in mention.entities or [] if e.get("source") == "glossary"]
            known = {fold(e["text"]) for e in glossary} | {fold(e.get("term") or "") for e in glossary}
            new = [e for e in found if fold(e["text"]) not in known]
            if new or mention.entities:
                mention.entities = merge_entities(mention.entities, ("rules", "spacy"), new)
        return mentions

    def after_insert(self, conn: Any, store: Any, workspace_id: int, rows: list[dict[str, Any]]) -> None:
        """In the batch's transaction, after story grouping: the model reads the rows that joined a
        story (and the story's first mention), before the topics stage reads their entities."""
        if self.models and not self.everywhere:
            upgrade_rows(conn, self, story_rows(conn, workspace_id, rows))


@hookimpl
def register_analyzers() -> list[type]:
    return [EntitiesAnalyzer]
