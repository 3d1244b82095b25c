"""Statistical entities for the stored mentions that need them: those that join a story (at ingest, in
the batch's transaction) and those a person opens. The rules have already run on every mention.
See docs/enrichment.md"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import bindparam, select, update

from vigie.enrich.glossary import merge_entities
from vigie.store.schema import mentions as M
from vigie.store.schema import stories as S
from vigie.text import fold


def _entities(value: Any) -> list[dict[str, Any]]:
    """A row's entities: a list (re-runs) or JSON text (ingest encodes JSON columns once)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    return [e for e in value or [] if isinstance(e, dict)]


def has_model_entities(entities: Any) -> bool:
    return any(e.get("source") == "spacy" for e in _entities(entities))


def upgrade_rows(conn: Any, analyzer: Any, rows: list[dict[str, Any]]) -> int:
    """Replace the rules' entities of these rows by the statistical model's (where their language has
    one and it has not run yet), keeping the glossary's; write them, and update the row dicts so the
    batch's later stages (topics) read them. Returns the number of rows read by a model."""
    todo: dict[int, tuple[Any, list[dict[str, Any]]]] = {}
    for row in rows:
        if has_model_entities(row.get("entities")):
            continue
        ner = analyzer.backend(row.get("language"))
        if ner is not None:
            todo.setdefault(id(ner), (ner, []))[1].append(row)
    from vigie.enrich.entities import spacy_entities  # entities imports this module

    changes = []
    for ner, group in todo.values():
        texts = ["\n".join(t for t in (r.get("title"), r.get("text")) if t) for r in group]
        for row, found in zip(group, spacy_entities(ner, texts), strict=True):
            existing = _entities(row.get("entities"))
            glossary = [e for e in existing if e.get("source") == "glossary"]
            known = {fold(e.get("text") or "") for e in glossary} | {fold(e.get("term") or "") for e in glossary}
            merged = merge_entities(existing, ("rules", "spacy"), [e for e in found if fold(e["text"]) not in known])
            as_text = isinstance(row.get("entities"), str) and merged is not None
            row["entities"] = json.dumps(merged, ensure_ascii=False) if as_text else merged
            changes.append({"mid": row["id"], "ents": merged})
    if changes:
        conn.execute(update(M).where(M.c.id == bindparam("mid")).values(entities=bindparam("ents")), changes)
    return len(changes)


def story_rows(conn: Any, workspace_id: int, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The batch's rows that joined a story, and each such story's first mention when it is an older
    one that no model has read yet (a story is born when its second mention arrives)."""
    joined = [r for r in rows if r.get("story_id") is not None]
    if not joined:
        return []
    ids = {r["id"] for r in joined}
    query = (select(M.c.id, M.c.title, M.c.text, M.c.language, M.c.entities)
             .join(S, S.c.first_mention_id == M.c.id)
             .where(S.c.id.in_(sorted({r["story_id"] for r in joined})), M.c.workspace_id == workspace_id))
    firsts = [dict(r) for r in conn.execute(query).mappings() if r["id"] not in ids]
    return joined + [r for r in firsts if not has_model_entities(r["entities"])]


def upgrade_mentions(store: Any, workspace_id: int, mention_ids: list[int], settings: Any = None) -> int:
    """For a mention being opened (the web view, the API): give it the statistical model's entities
    now if ingest did not. Cheap when there is nothing to do (one indexed read)."""
    from vigie.enrich.entities import EntitiesAnalyzer

    if not mention_ids:
        return 0
    analyzer = EntitiesAnalyzer(settings)
    query = select(M.c.id, M.c.title, M.c.text, M.c.language, M.c.entities).where(
        M.c.workspace_id == workspace_id, M.c.id.in_(sorted(set(mention_ids))))
    with store.engine.begin() as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
        return upgrade_rows(conn, analyzer, rows)
