"""The ingest runner: connector items -> normalised rows -> dedup, watch matching, story grouping -> store,
one transaction per batch with the source's cursor. See docs/ingest.md"""

from __future__ import annotations

import copy
import gc
import json
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from vigie.enrich.stories import StoryGrouper
from vigie.exceptions import SkipMention
from vigie.items import Channel, Mention, RawJSON, Rejection, SearchSnapshot
from vigie.query import Doc, WatchIndex
from vigie.store import Store
from vigie.text import title_and_text
from vigie.urls import canonical_url

log = logging.getLogger(__name__)
MAX_TEXT = 200_000  # characters kept of one mention's text; long articles are stored truncated
_CHANNELS = frozenset(c.value for c in Channel)


_gc_depth = 0


@contextmanager
def _young_gc_relaxed() -> Iterator[None]:
    """Ingest allocates hundreds of thousands of short-lived containers per batch (rows, tokens,
    index tuples) and creates no reference cycles worth chasing: with the default threshold (700)
    the cyclic collector ran thousands of times per batch and cost ~15 % of the run. Objects alive
    before the run are frozen out of its scans; everything is restored afterwards."""
    global _gc_depth
    outermost = _gc_depth == 0
    _gc_depth += 1
    previous = gc.get_threshold()
    if outermost:  # runs may overlap in threads (vigie up): only the first one changes the collector
        gc.freeze()
        gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        _gc_depth -= 1
        if outermost:
            gc.set_threshold(*previous)
            gc.unfreeze()


@dataclass
class RunStats:
    seen: int = 0
    new: int = 0
    duplicate: int = 0
    rejected: int = 0
    matches: int = 0
    grouped: int = 0  # mentions that joined a story of near-duplicates
    snapshots: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: getattr(self, k) for k in
                               ("seen", "new", "duplicate", "rejected", "matches", "grouped", "snapshots")}
        out["reasons"] = dict(self.reasons)
        return out


@dataclass(slots=True)
class _Prepared:
    mention: Mention
    row: dict[str, Any]
    doc_tokens: list[str] = field(default_factory=list)
    watch_ids: list[int] = field(default_factory=list)


# Fields analyzers fill on a Mention and the row columns they go to.
_ANALYZED = ("language", "language_model", "sentiment", "sentiment_score", "sentiment_model",
             "entities", "keyphrases", "reach", "reach_kind")
_JSON_ANALYZED = frozenset({"entities", "keyphrases"})  # encoded here like engagement and raw


_ENCODE = json.JSONEncoder(ensure_ascii=False, check_circular=False, default=str).encode


def _counts_json(value: dict[str, Any]) -> str:
    """Engagement counts: ints under plain names nearly always, written directly (the same text as
    the JSON encoder, at a third of its cost); anything else goes to the encoder."""
    parts = []
    for key, count in value.items():
        if type(count) is not int or type(key) is not str or not (key.isascii() and key.isidentifier()):
            return _ENCODE(value)
        parts.append(f'"{key}": {count}')
    return "{" + ", ".join(parts) + "}"


def _json_text(value: Any) -> str | None:
    """JSON columns are encoded once, here; values JSON cannot express become strings."""
    if value is None:
        return None
    return str(value) if type(value) is RawJSON else _ENCODE(value)


class Ingestor:
    """Writes one source's items into one workspace. Re-running with the same items adds nothing."""

    def __init__(self, store: Store, workspace: dict[str, Any], source: dict[str, Any],
                 settings: Any, analyzers: list[Any] | None = None) -> None:
        self.store = store
        self.workspace_id = int(workspace["id"])
        self.source = source
        self.source_id = int(source["id"])
        self.batch_size = int(settings["ingest_batch_size"])
        self.batch_seconds = float(settings["ingest_batch_seconds"])
        self.stories = StoryGrouper(store, self.workspace_id, float(settings["near_duplicate_threshold"]),
                                    int(settings["near_duplicate_days"]))
        self.analyzers = analyzers or []
        watches = store.list_watches(self.workspace_id, active_only=True)
        self.watch_filters = {w["id"]: (set(w["languages"] or []), set(w["channels"] or [])) for w in watches}
        # A stored query that no longer parses (after a grammar change) must not stop ingestion.
        self.index = WatchIndex(((w["id"], w["query"]) for w in watches), skip_invalid=True)
        for watch_id, error in self.index.errors.items():
            log.error("watch %s is skipped: %s", watch_id, error)

    # -- per item ---------------------------------------------------------------------
    def _prepare(self, m: Mention, now: datetime) -> _Prepared:
        if m.channel not in _CHANNELS:
            raise SkipMention("bad-channel", repr(m.channel))
        if not m.external_id:
            raise SkipMention("missing-id", m.url or (m.title or "")[:80])
        text = (m.text or "")[:MAX_TEXT]
        if not (text or m.title or m.url):
            raise SkipMention("empty", m.external_id)
        published = m.published_at
        if published is not None and published.tzinfo is None:
            published = published.replace(tzinfo=UTC)
        language = (m.language or "").lower()[:8] or None
        reach, reach_kind = m.reach, m.reach_kind
        if reach is None and (m.author_followers or m.outlet_audience):
            reach, reach_kind = (m.author_followers or m.outlet_audience), "measured"
        row = {
            "workspace_id": self.workspace_id, "source_id": self.source_id, "connector": m.source,
            "channel": m.channel, "external_id": str(m.external_id)[:512], "url": m.url,
            "canonical_url": m.canonical_url or canonical_url(m.url), "title": m.title, "text": text,
            "html": m.html, "author_handle": m.author_handle, "author_name": m.author_name,
            "author_followers": m.author_followers, "outlet": m.outlet, "outlet_audience": m.outlet_audience,
            "published_at": published, "collected_at": now,
            "language": language,
            "language_model": (m.language_model or "")[:64] or None, "sentiment": m.sentiment,
            "sentiment_score": m.sentiment_score, "sentiment_model": (m.sentiment_model or "")[:64] or None,
            "engagement": _counts_json(m.engagement) if m.engagement else None, "reach": reach, "reach_kind": reach_kind,
            "raw": _json_text(m.raw), "story_id": None, "entities": None, "keyphrases": None,
        }
        return _Prepared(m, row)

    def _analyze(self, fresh: list[_Prepared], stats: RunStats, pending: Counter[str],
                 rejections: list[dict[str, Any]], run_id: int | None) -> list[_Prepared]:
        """Run the `pipeline` analyzers on the new mentions only (duplicates never cost a model run),
        a batch at a time when the analyzer can; an analyzer may drop one with SkipMention."""
        for analyzer in self.analyzers:
            use_workspace = getattr(analyzer, "use_workspace", None)
            if use_workspace is not None:  # analyzers built per process, data per workspace (the glossary)
                use_workspace(self.store, self.workspace_id)
            batch_method = getattr(analyzer, "process_batch", None)
            if batch_method is not None:
                for p, m in zip(fresh, batch_method([p.mention for p in fresh]), strict=True):
                    p.mention = m
                continue
            kept = []
            for p in fresh:
                try:
                    p.mention = analyzer.process(p.mention)
                    kept.append(p)
                except SkipMention as exc:
                    rejections.append(self._rejection_row(Rejection(exc.reason, exc.detail, ""), run_id))
                    stats.rejected += 1
                    stats.reasons[exc.reason] += 1
                    pending["rejected"] += 1
            fresh = kept
        for p in fresh:
            m, row = p.mention, p.row
            for name in _ANALYZED:
                value = getattr(m, name, None)
                if value is not None:
                    if name == "language":
                        value = value.lower()[:8]
                    elif name in _JSON_ANALYZED:
                        value = _json_text(value)
                    row[name] = value
        return fresh

    def _match(self, p: _Prepared) -> None:
        """Tokenise once; find the watches this mention matches (their language and channel filters too)."""
        row = p.row
        doc = Doc.build(title_and_text(row["title"], row["text"]), url=row["url"], author=row["author_handle"],
                        author_name=row["author_name"], language=row["language"])
        p.doc_tokens = doc.tokens
        p.watch_ids = [w for w in self.index.match(doc) if self._passes_filters(w, row)]

    def _passes_filters(self, watch_id: int, row: dict[str, Any]) -> bool:
        languages, channels = self.watch_filters[watch_id]
        if channels and row["channel"] not in channels:
            return False
        return not (languages and row["language"] and row["language"] not in languages)

    # -- the run ------------------------------------------------------------------------
    def run(self, items: Iterable[Mention | SearchSnapshot | Rejection], cursor: dict[str, Any] | None = None,
            run_id: int | None = None, progress: Callable[[RunStats], None] | None = None) -> RunStats:
        """Consume items, committing every ``ingest_batch_size`` mentions together with ``cursor``
        as it stands at that moment (connectors advance it after yielding what it covers)."""
        cursor = cursor if cursor is not None else {}
        stats = RunStats()
        batch: list[_Prepared] = []
        rejections: list[dict[str, Any]] = []
        snapshots: list[SearchSnapshot] = []
        pending = Counter[str]()
        now = datetime.now(UTC)
        with _young_gc_relaxed():
            try:
                self._consume(items, now, batch, rejections, snapshots, cursor, stats, pending, run_id, progress)
            except Exception:
                # Keep what was received before the failure: the cursor covers exactly those items.
                self._flush(batch, rejections, snapshots, cursor, stats, pending, run_id)
                raise
            self._flush(batch, rejections, snapshots, cursor, stats, pending, run_id)
        if progress:
            progress(stats)
        return stats

    def _consume(self, items: Iterable[Mention | SearchSnapshot | Rejection], now: datetime,
                 batch: list[_Prepared], rejections: list[dict[str, Any]], snapshots: list[SearchSnapshot],
                 cursor: dict[str, Any], stats: RunStats, pending: Counter[str], run_id: int | None,
                 progress: Callable[[RunStats], None] | None) -> None:
        # A batch is committed when full, or when it has waited `ingest_batch_seconds` for a slow
        # (streaming) source: bulk imports write large transactions, live mentions reach alerts fast.
        size, seconds, clock = self.batch_size, self.batch_seconds, time.monotonic
        started = clock()
        for item in items:
            if isinstance(item, Rejection):
                rejections.append(self._rejection_row(item, run_id))
                stats.rejected += 1
                stats.reasons[item.reason] += 1
                pending["rejected"] += 1
                continue
            if isinstance(item, SearchSnapshot):
                snapshots.append(item)
                for mention in _snapshot_mentions(item, self.source["connector"]):
                    self._add(mention, now, batch, rejections, stats, pending, run_id)
                continue
            self._add(item, now, batch, rejections, stats, pending, run_id)
            if len(batch) >= size or (batch and clock() - started >= seconds):
                self._flush(batch, rejections, snapshots, cursor, stats, pending, run_id)
                if progress:
                    progress(stats)
                now = datetime.now(UTC)
                started = clock()

    def _add(self, item: Mention, now: datetime, batch: list[_Prepared], rejections: list[dict[str, Any]],
             stats: RunStats, pending: Counter[str], run_id: int | None) -> None:
        stats.seen += 1
        pending["seen"] += 1
        try:
            batch.append(self._prepare(item, now))
        except SkipMention as exc:
            rejections.append(self._rejection_row(Rejection(exc.reason, exc.detail, ""), run_id))
            stats.rejected += 1
            stats.reasons[exc.reason] += 1
            pending["rejected"] += 1

    def _rejection_row(self, item: Rejection, run_id: int | None) -> dict[str, Any]:
        return {"workspace_id": self.workspace_id, "source_id": self.source_id, "run_id": run_id,
                "reason": item.reason[:64], "detail": (item.detail or "")[:2000],
                "sample": (item.sample or "")[:500], "created_at": datetime.now(UTC)}

    def _flush(self, batch: list[_Prepared], rejections: list[dict[str, Any]], snapshots: list[SearchSnapshot],
               cursor: dict[str, Any], stats: RunStats, pending: Counter[str], run_id: int | None) -> None:
        store = self.store
        with store.engine.begin() as conn:
            fresh = self._drop_duplicates(conn, batch, stats, pending)
            fresh = self._analyze(fresh, stats, pending, rejections, run_id)
            for p in fresh:
                self._match(p)
            ids = store.insert_mentions(conn, self.source_id, [p.row for p in fresh])
            for p in fresh:
                p.row["id"] = ids[p.row["external_id"]]
            pairs = [(p.row["id"], w) for p in fresh for w in p.watch_ids]
            store.insert_matches(conn, pairs)
            stats.grouped += self.stories.group(conn, [p.row for p in fresh], [p.doc_tokens for p in fresh])
            for analyzer in self.analyzers:
                # Stages that need the stored ids (topic clustering) run in the batch's transaction.
                after_insert = getattr(analyzer, "after_insert", None)
                if after_insert is not None and fresh:
                    after_insert(conn, store, self.workspace_id, [p.row for p in fresh])
            store.add_rejections(conn, rejections)
            for snapshot in snapshots:
                store.add_snapshot(conn, self.workspace_id, self.source_id, snapshot)
            stats.snapshots += len(snapshots)
            stats.new += len(fresh)
            stats.matches += len(pairs)
            pending["new"] += len(fresh)
            store.save_progress(conn, self.source_id, copy.deepcopy(cursor), dict(pending), run_id)
        from vigie.signals.engine import (
            observe,  # early warning sees committed mentions; it never raises
        )
        observe(store, self.workspace_id, [(p.row, p.watch_ids) for p in fresh])
        batch.clear()
        rejections.clear()
        snapshots.clear()
        pending.clear()

    def _drop_duplicates(self, conn: Any, batch: list[_Prepared], stats: RunStats,
                         pending: Counter[str]) -> list[_Prepared]:
        ext_ids = [p.row["external_id"] for p in batch]
        urls = [p.row["canonical_url"] for p in batch if p.row["canonical_url"]]
        seen_ids, seen_urls = self.store.existing_keys(conn, self.workspace_id, self.source_id, ext_ids, urls)
        fresh: list[_Prepared] = []
        for p in batch:
            key, url = p.row["external_id"], p.row["canonical_url"]
            if key in seen_ids or (url and url in seen_urls):
                stats.duplicate += 1
                pending["duplicate"] += 1
                continue
            seen_ids.add(key)
            if url:
                seen_urls.add(url)
            fresh.append(p)
        return fresh


def _snapshot_mentions(snapshot: SearchSnapshot, connector: str) -> list[Mention]:
    """Each ranked result is also a mention (channel search_result) so watches and alerts see it."""
    return [
        Mention(source=connector, channel=Channel.SEARCH_RESULT.value, external_id=canonical_url(r.url) or r.url,
                url=r.url, title=r.title or None, text=r.snippet or "", outlet=snapshot.engine,
                raw={"engine": snapshot.engine, "query": snapshot.query, "rank": r.rank})
        for r in snapshot.results if r.url
    ]
