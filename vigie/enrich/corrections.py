"""Users' sentiment corrections: record one (the mention shows it at once) and export them all as
training examples for the next `vigie train sentiment`. See docs/sentiment.md"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update

from vigie.enrich.sentiment_model import LABELS
from vigie.enrich.tables import sentiment_corrections as C
from vigie.exceptions import BadRequest
from vigie.store import schema

M = schema.mentions
SCORES = {"negative": -1.0, "neutral": 0.0, "positive": 1.0}


def record_correction(store: Any, workspace_id: int, mention_id: int, label: str,
                      user: str | None = None) -> dict[str, Any]:
    """Keep the correction with what the model had said, and show the user's label on the mention
    (its model becomes ``correction:<user>`` so nobody mistakes it for a model's output)."""
    label = label.strip().lower()
    if label not in LABELS:
        raise BadRequest(f"sentiment label {label!r}: use one of {', '.join(LABELS)}")
    now = datetime.now(UTC)
    with store.engine.begin() as conn:
        row = conn.execute(select(M.c.sentiment, M.c.sentiment_model).where(
            M.c.id == mention_id, M.c.workspace_id == workspace_id)).first()
        if row is None:
            raise BadRequest(f"no mention {mention_id} in this workspace")
        values = {"workspace_id": workspace_id, "mention_id": mention_id, "label": label,
                  "previous_label": row.sentiment, "previous_model": row.sentiment_model,
                  "user": user, "created_at": now}
        correction_id = conn.execute(C.insert().values(**values).returning(C.c.id)).scalar_one()
        conn.execute(update(M).where(M.c.id == mention_id).values(
            sentiment=label, sentiment_score=SCORES[label], sentiment_model=f"correction:{user or 'user'}"[:64]))
    return {"id": int(correction_id), **values}


def export_corrections(store: Any, workspace_id: int | None = None) -> list[dict[str, Any]]:
    """The latest correction of each mention, with its text and language, oldest first. Demo and
    sandbox workspaces are left out: drills must not teach the model."""
    w = schema.workspaces
    query = (select(C.c.id, C.c.mention_id, C.c.label, C.c.user, C.c.created_at, C.c.workspace_id,
                    M.c.title, M.c.text, M.c.language)
             .join(M, M.c.id == C.c.mention_id).join(w, w.c.id == C.c.workspace_id)
             .where(w.c.kind == "real").order_by(C.c.id))
    if workspace_id is not None:
        query = query.where(C.c.workspace_id == workspace_id)
    latest: dict[int, dict[str, Any]] = {}
    with store.engine.connect() as conn:
        for r in conn.execute(query).mappings():
            body = f"{r['title']}\n{r['text']}" if r["title"] and r["text"] else (r["title"] or r["text"] or "")
            latest[r["mention_id"]] = {"mention_id": r["mention_id"], "workspace_id": r["workspace_id"],
                                       "text": body, "language": r["language"], "label": r["label"],
                                       "user": r["user"], "created_at": r["created_at"]}
    return list(latest.values())
