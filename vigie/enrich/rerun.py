"""Re-run analyzers over stored mentions (`vigie enrich`), e.g. after a new sentiment model; stages that work
on stored rows (topics) re-assign through their `after_insert`. See docs/enrichment.md and docs/topics.md"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update

from vigie.exceptions import NotConfigured
from vigie.items import Mention
from vigie.plugins import analyzer_classes
from vigie.store import Store
from vigie.store.schema import mentions as M

COLUMNS = ("language", "language_model", "sentiment", "sentiment_score", "sentiment_model",
           "entities", "keyphrases", "reach", "reach_kind")
# Read to rebuild the mention (the reach estimate needs them) but never written back.
INPUTS = ("author_handle", "author_name", "author_followers", "outlet", "outlet_audience", "engagement")


def reenrich(store: Store, settings: Any, workspace_id: int, since: datetime | None = None,
             stages: list[str] | None = None, batch_size: int = 1000,
             progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Run the named analyzers (default: the `pipeline` setting) over the workspace's mentions,
    oldest first in keyset pages, writing back only the columns analyzers own."""
    classes = analyzer_classes()
    names = stages or list(settings["pipeline"])
    unknown = [n for n in names if n not in classes]
    if unknown:
        raise NotConfigured(f"unknown analyzer(s) {', '.join(unknown)}; known: {', '.join(sorted(classes))}")
    analyzers = [classes[n](settings) for n in names]
    # Stages that assign stored rows to groups (topics) first clear the range, so a re-run re-assigns
    # from scratch, oldest first, through the same code as ingest, and never duplicates a group.
    stored_stages = [a for a in analyzers if getattr(a, "after_insert", None) is not None]
    if stored_stages:
        with store.engine.begin() as conn:
            for analyzer in stored_stages:
                prepare = getattr(analyzer, "prepare_rerun", None)
                if prepare is not None:
                    prepare(conn, store, workspace_id, since)
    for analyzer in analyzers:
        use_workspace = getattr(analyzer, "use_workspace", None)
        if use_workspace is not None:
            use_workspace(store, workspace_id)
    done, changed, last_id = 0, 0, 0
    wanted = [M.c.id, M.c.connector, M.c.channel, M.c.external_id, M.c.title, M.c.text, M.c.url,
              *(M.c[c] for c in COLUMNS), *(M.c[c] for c in INPUTS),
              M.c.published_at, M.c.collected_at, M.c.story_id]
    statement = update(M).where(M.c.id == bindparam("mid")).values({c: bindparam(c) for c in COLUMNS})
    while True:
        query = select(*wanted).where(M.c.workspace_id == workspace_id, M.c.id > last_id)
        if since is not None:
            query = query.where(M.c.published_at >= since)
        with store.engine.connect() as conn:
            rows = conn.execute(query.order_by(M.c.id).limit(batch_size)).mappings().all()
        if not rows:
            break
        items = []
        for row in rows:
            mention = Mention(source=row["connector"], channel=row["channel"], external_id=row["external_id"],
                              title=row["title"], text=row["text"] or "", url=row["url"])
            for column in (*COLUMNS, *INPUTS):
                setattr(mention, column, row[column])
            mention.engagement = mention.engagement or {}
            items.append(mention)
        for analyzer in analyzers:
            method = getattr(analyzer, "process_batch", None)
            items = method(items) if method else [analyzer.process(m) for m in items]
        updates = []
        for row, mention in zip(rows, items, strict=True):
            values = {c: getattr(mention, c) for c in COLUMNS}
            if any(values[c] != row[c] for c in COLUMNS):
                updates.append({"mid": row["id"], **values})
        moved: set[int] = set()
        if updates or stored_stages:
            with store.engine.begin() as conn:
                if updates:
                    conn.execute(statement, updates)
                stored = [{**row, **{c: getattr(m, c) for c in COLUMNS}} for row, m in zip(rows, items, strict=True)]
                for analyzer in stored_stages:
                    analyzer.after_insert(conn, store, workspace_id, stored)
                    before = getattr(analyzer, "reuse", {})
                    moved |= {r["id"] for r in rows if getattr(analyzer, "assigned", {}).get(r["id"]) != before.get(r["id"])}
        changed += len({u["mid"] for u in updates} | moved)
        done += len(rows)
        last_id = rows[-1]["id"]
        if progress:
            progress(done)
    return {"mentions": done, "changed": changed, "stages": names}
