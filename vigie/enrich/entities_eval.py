"""`vigie eval entities`: precision, recall and F1 of the entity backends (rules, spaCy) per language and
kind on a small hand-labelled set written for Vigie (tests/data/entities_gold.jsonl). See docs/enrichment.md"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from vigie.enrich.entities import rule_entities, spacy_entities
from vigie.enrich.entities_spacy import DEFAULT_MODELS, load

KINDS = ("person", "organisation", "place")
GOLD = Path(__file__).resolve().parents[2] / "tests" / "data" / "entities_gold.jsonl"


def read_gold(path: Path) -> list[dict[str, Any]]:
    """One JSON object a line: {"id", "language", "text", "entities": [{"text", "kind"}]}."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            row = json.loads(line)
            if not {"language", "text", "entities"} <= set(row):
                raise ValueError(f"{path}:{number}: needs language, text and entities")
            rows.append(row)
    return rows


def key(text: str) -> str:
    """What must match: the span, case-insensitive, without a hashtag or handle sign, spaces collapsed."""
    return " ".join(text.split()).lstrip("#@").casefold()


def _pairs(entities: list[dict[str, Any]]) -> set[tuple[str, str]]:
    # "other" (the rules' long capitalised runs) claims no kind: it is neither right nor wrong here.
    return {(key(e["text"]), e["kind"]) for e in entities if e.get("kind") in KINDS}


def _prf(tp: int, fp: int, fn: int) -> dict[str, Any]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "tp": tp, "fp": fp, "fn": fn}


def score(gold: list[set[tuple[str, str]]], found: list[set[tuple[str, str]]]) -> dict[str, Any]:
    """Exact span and kind: micro P/R/F1 per kind and overall."""
    counts = {k: [0, 0, 0] for k in KINDS}
    for want, got in zip(gold, found, strict=True):
        for kind in KINDS:
            w = {s for s, k in want if k == kind}
            g = {s for s, k in got if k == kind}
            counts[kind][0] += len(w & g)
            counts[kind][1] += len(g - w)
            counts[kind][2] += len(w - g)
    total = [sum(c[i] for c in counts.values()) for i in range(3)]
    return {"overall": _prf(*total), **{k: _prf(*c) for k, c in counts.items()}}


def evaluate(path: Path = GOLD, models: dict[str, str] | None = None, errors: bool = False) -> dict[str, Any]:
    """Every language of the set through the rules and, where one is installed, its spaCy model."""
    rows = read_gold(path)
    models = DEFAULT_MODELS if models is None else models
    result: dict[str, Any] = {"data": str(path), "match": "exact span and kind, case-insensitive",
                              "texts": len(rows)}
    for language in sorted({r["language"] for r in rows}):
        subset = [r for r in rows if r["language"] == language]
        texts = [r["text"] for r in subset]
        gold = [_pairs(r["entities"]) for r in subset]
        out: dict[str, Any] = {"texts": len(texts), "entities": sum(len(g) for g in gold)}
        backends: dict[str, Any] = {"rules": lambda ts: [rule_entities(t) for t in ts]}
        name = models.get(language) or models.get("*")
        ner = load(name) if name else None
        if ner is not None:
            # "spacy" is what Vigie stores (the model, tidied, then the rules' other names);
            # "spacy_model" the model's own spans and kinds, untouched, for reference.
            backends["spacy"] = lambda ts, ner=ner: spacy_entities(ner, ts)
            backends["spacy_model"] = lambda ts, ner=ner: [[{"text": t, "kind": k} for t, k in pairs]
                                                           for pairs in ner.find(ts)]
        else:
            out["spacy"] = {"available": False, "reason": f"no spaCy model installed for {language!r}"
                            if name else f"no spaCy model configured for {language!r}: the rules run"}
        for backend, find in backends.items():
            started = time.perf_counter()
            found = [_pairs(entities) for entities in find(texts)]
            spent = time.perf_counter() - started
            out[backend] = score(gold, found)
            out[backend]["texts_per_s"] = round(len(texts) / spent) if spent else None
            if backend.startswith("spacy") and ner is not None:
                out[backend]["model"] = ner.model
            if errors:
                out[backend]["errors"] = [
                    {"id": r.get("id"), "missed": sorted(f"{s} ({k})" for s, k in g - f),
                     "wrong": sorted(f"{s} ({k})" for s, k in f - g)}
                    for r, g, f in zip(subset, gold, found, strict=True) if g != f]
        result[language] = out
    return result
