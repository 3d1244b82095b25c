"""The organisation's glossary (spokespeople, products, sub-brands, competitors) and the analyzer that
finds its terms in mentions, accent- and case-insensitive, whole words only. See docs/enrichment.md"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select

from vigie import hookimpl
from vigie.enrich.tables import GLOSSARY_KINDS
from vigie.enrich.tables import glossary_terms as G
from vigie.exceptions import BadRequest
from vigie.items import Mention
from vigie.query.doc import fast_tokens

CACHE_SECONDS = 60.0  # a running ingest sees glossary edits within a minute without a query per batch


# -- storage ---------------------------------------------------------------------------------
def add_term(store: Any, workspace_id: int, term: str, kind: str = "other",
             aliases: list[str] | None = None) -> dict[str, Any]:
    """Add a term (or replace its kind and aliases when it exists)."""
    term = " ".join(term.split())
    kind = kind.strip().lower()
    if not term or not fast_tokens(term):
        raise BadRequest("a glossary term needs at least one word")
    if kind not in GLOSSARY_KINDS:
        raise BadRequest(f"glossary kind {kind!r}: use one of {', '.join(GLOSSARY_KINDS)}")
    clean = sorted({" ".join(a.split()) for a in aliases or [] if fast_tokens(a)})
    with store.engine.begin() as conn:
        conn.execute(delete(G).where(G.c.workspace_id == workspace_id, G.c.term == term))
        values = {"workspace_id": workspace_id, "term": term, "kind": kind, "aliases": clean,
                  "created_at": datetime.now(UTC)}
        term_id = conn.execute(G.insert().values(**values).returning(G.c.id)).scalar_one()
    _CACHE.pop((id(store), workspace_id), None)
    return {"id": int(term_id), **values}


def list_terms(store: Any, workspace_id: int) -> list[dict[str, Any]]:
    query = select(G.c.id, G.c.term, G.c.kind, G.c.aliases, G.c.created_at).where(
        G.c.workspace_id == workspace_id).order_by(G.c.kind, G.c.term)
    with store.engine.connect() as conn:
        return [{**row, "aliases": list(row["aliases"] or [])} for row in conn.execute(query).mappings()]


def remove_term(store: Any, workspace_id: int, term: str) -> bool:
    """Remove a term by its exact text or its id; False when there was none."""
    condition = G.c.id == int(term) if term.isdigit() else G.c.term == " ".join(term.split())
    with store.engine.begin() as conn:
        gone = conn.execute(delete(G).where(G.c.workspace_id == workspace_id, condition)).rowcount
    _CACHE.pop((id(store), workspace_id), None)
    return bool(gone)


# -- matching --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Hit:
    term: str  # the glossary term, even when an alias matched
    kind: str
    text: str  # the spelling that matched, as the glossary writes it (term or alias)
    start: int  # token position in the mention

    def as_entity(self) -> dict[str, Any]:
        return {"text": self.text, "kind": self.kind, "source": "glossary", "term": self.term}


class Glossary:
    """Terms indexed by their first folded token: a mention's tokens are read once and each token
    only looks at the few terms that start with it (longest first, so "Hydro-Québec Distribution"
    wins over "Hydro-Québec")."""

    def __init__(self, terms: list[dict[str, Any]]) -> None:
        index: dict[str, list[tuple[tuple[str, ...], str, str, str]]] = {}
        for row in terms:
            for spelling in (row["term"], *(row.get("aliases") or [])):
                words = tuple(fast_tokens(spelling))
                if words:
                    index.setdefault(words[0], []).append((words, row["term"], row["kind"], spelling))
        for options in index.values():
            options.sort(key=lambda o: -len(o[0]))
        self.index = index
        self.size = len(terms)

    def __len__(self) -> int:
        return self.size

    def find(self, words: list[str]) -> list[Hit]:
        index = self.index
        if not index:
            return []
        hits: list[Hit] = []
        i, n = 0, len(words)
        while i < n:
            options = index.get(words[i])
            if options is not None:
                for phrase, term, kind, spelling in options:
                    size = len(phrase)
                    if size == 1 or tuple(words[i:i + size]) == phrase:
                        hits.append(Hit(term, kind, spelling, i))
                        i += size - 1  # matches do not overlap
                        break
            i += 1
        return hits


_CACHE: dict[tuple[int, int], tuple[float, Glossary]] = {}


def glossary_for(store: Any, workspace_id: int) -> Glossary:
    """The workspace's glossary, cached per process for CACHE_SECONDS (edits made here clear it)."""
    key = (id(store), workspace_id)
    found = _CACHE.get(key)
    now = time.monotonic()
    if found is not None and now - found[0] < CACHE_SECONDS:
        return found[1]
    glossary = Glossary(list_terms(store, workspace_id))
    _CACHE[key] = (now, glossary)
    return glossary


def merge_entities(existing: list[dict[str, Any]] | None, sources: tuple[str, ...],
                   new: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """Replace these sources' entities on a mention, keeping the others' (so re-runs are idempotent)."""
    kept = [e for e in existing or [] if e.get("source") not in sources]
    out = kept + new
    return out or None


class GlossaryAnalyzer:
    """Adds the glossary terms a mention names to ``mention.entities`` (source "glossary").
    The ingest runner tells it the workspace through ``use_workspace`` before each batch; with no
    workspace (benchmarks, a bare pipeline) the glossary is empty and it changes nothing."""

    name = "glossary"

    def __init__(self, settings: Any = None) -> None:
        self.glossary = Glossary([])

    def use_workspace(self, store: Any, workspace_id: int) -> None:
        self.glossary = glossary_for(store, workspace_id)

    def process(self, mention: Mention) -> Mention:
        return self.process_batch([mention])[0]

    def process_batch(self, mentions: list[Mention]) -> list[Mention]:
        glossary = self.glossary
        for mention in mentions:
            hits = glossary.find(fast_tokens(mention.body)) if len(glossary) else []
            found: dict[str, dict[str, Any]] = {}
            for hit in hits:
                found.setdefault(hit.term, hit.as_entity())  # one entry per term, however often named
            if found or mention.entities:
                mention.entities = merge_entities(mention.entities, ("glossary",), list(found.values()))
        return mentions


@hookimpl
def register_analyzers() -> list[type]:
    return [GlossaryAnalyzer]
