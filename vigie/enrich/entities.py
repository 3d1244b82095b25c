"""Named entities (people, organisations, places) by rules tuned for Québec and Canada, plus the glossary
analyzer's hits; a spaCy model is used instead of the rules when one is configured. See docs/enrichment.md"""

from __future__ import annotations

import logging
import re
from typing import Any

from vigie import hookimpl
from vigie.enrich.glossary import merge_entities
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
    tokens = _WORD.findall(text[:MAX_CHARS])
    if text.isupper():
        return []  # shouting in capitals says nothing about names
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
            sentence_start = False
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
        kind = _classify(words, honorific)
        if kind is not None and not (sentence_start and len(words) == 1 and kind not in ("place", "organisation")):
            surface = " ".join(words)
            out.setdefault((fold(surface), kind), {"text": surface, "kind": kind, "source": "rules"})
        sentence_start = tokens[j - 1].endswith(".") and not _is_abbrev(tokens[j - 1])
        previous = tokens[j - 1]
        i = j
    return list(out.values())


def _is_abbrev(word: str) -> bool:
    return fold(word).rstrip(".") in HONORIFICS or (len(word) <= 3 and word[:-1].isupper())


_SPACY_KINDS = {"PER": "person", "PERSON": "person", "ORG": "organisation", "LOC": "place", "GPE": "place"}


def _spacy(model: str) -> Any:
    """A spaCy pipeline when the package and the named model are installed; None otherwise (rules run)."""
    try:
        import spacy

        return spacy.load(model, disable=["parser", "lemmatizer", "tagger", "attribute_ruler"])
    except Exception as exc:  # ImportError, OSError (model not installed), version mismatches
        log.warning("entities_spacy_model %r not usable (%s); using the rules", model, exc)
        return None


class EntitiesAnalyzer:
    """Adds people, organisations and places to ``mention.entities`` (source "rules" or "spacy"),
    next to the glossary analyzer's hits, which it keeps; a name the glossary already gave is not
    repeated. Run it after "glossary"."""

    name = "entities"

    def __init__(self, settings: Any = None) -> None:
        model = settings.get("entities_spacy_model", "") if settings is not None else ""
        self.nlp = _spacy(model) if model else None
        self.source = "spacy" if self.nlp is not None else "rules"

    def _find(self, texts: list[str]) -> list[list[dict[str, Any]]]:
        if self.nlp is None:
            return [rule_entities(t) for t in texts]
        found = []
        for doc in self.nlp.pipe(t[:MAX_CHARS] for t in texts):
            seen: dict[tuple[str, str], dict[str, Any]] = {}
            for ent in doc.ents:
                kind = _SPACY_KINDS.get(ent.label_)
                if kind:
                    seen.setdefault((fold(ent.text), kind), {"text": ent.text, "kind": kind, "source": "spacy"})
            found.append(list(seen.values()))
        return found

    def process(self, mention: Mention) -> Mention:
        return self.process_batch([mention])[0]

    def process_batch(self, mentions: list[Mention]) -> list[Mention]:
        for mention, found in zip(mentions, self._find([m.body for m in mentions]), strict=True):
            known = {fold(e["text"]) for e in mention.entities or [] if e.get("source") == "glossary"}
            known |= {fold(e.get("term") or "") for e in mention.entities or [] if e.get("source") == "glossary"}
            new = [e for e in found if fold(e["text"]) not in known]
            if new or mention.entities:
                mention.entities = merge_entities(mention.entities, ("rules", "spacy"), new)
        return mentions


@hookimpl
def register_analyzers() -> list[type]:
    return [EntitiesAnalyzer]
