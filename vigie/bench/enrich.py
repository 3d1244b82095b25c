"""`vigie bench enrich`: the whole default analyzer pipeline on generated tweet-length French and English
mentions, per stage and in total, on one core; the topics stage runs on rows stored in a temporary SQLite
store, in batches of 500 like ingest. See docs/benchmarks.md and docs/topics.md"""

from __future__ import annotations

import random
import resource
import statistics
import time
from collections.abc import Callable
from typing import Any

from vigie.bench.ingest import BRANDS, EN_WORDS, FR_WORDS
from vigie.enrich.glossary import Glossary
from vigie.items import Mention
from vigie.plugins import build_analyzers
from vigie.settings import Settings

PEOPLE = ("Valérie Plante", "Bruno Marchand", "Michael Sabia", "Sophie Brochu", "François Legault",
          "Catherine Fournier", "Mark Carney", "Jane Smith", "Marie Tremblay", "Jean Gagnon")
PLACES = ("Montréal", "Québec", "Laval", "Gatineau", "Sherbrooke", "Lévis", "Trois-Rivières", "Toronto", "Ottawa")
FR_TEMPLATES = ("{w} {w} {brand} {w} à {place} {w} {w} {w}.", "Selon M. {person}, {w} {w} {w} {w} de {brand}.",
                "{w} {w} {w} {w} {w} #panne @{handle} https://t.co/{n}", "La {w} {w} d'{brand} {w} {w} {w} {place}.",
                "{W} {w} {w} {w} {w} {w}, {w} {w} {w} {w} {w}.")
EN_TEMPLATES = ("{w} {w} {brand} {w} in {place} {w} {w} {w}.", "Mayor {person} says {w} {w} {w} {w} {brand}.",
                "{w} {w} {w} {w} {w} #outage @{handle} https://t.co/{n}", "{W} {w} {w} at {brand} {w} {w} {place}!",
                "{W} {w} {w} {w} {w} {w}, {w} {w} {w} {w} {w}.")


def generate(n: int, seed: int = 11) -> list[Mention]:
    """n mentions of 10-40 words (two thirds English, one third French) naming brands, people and places,
    with engagement and, for half of them, the author's followers."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        french = rng.random() < 1 / 3
        words, templates = (FR_WORDS, FR_TEMPLATES) if french else (EN_WORDS, EN_TEMPLATES)
        parts = [rng.choice(templates) for _ in range(rng.randint(1, 3))]
        text = " ".join(parts)
        while "{w}" in text or "{W}" in text:
            text = text.replace("{w}", rng.choice(words), 1).replace("{W}", rng.choice(words).capitalize(), 1)
        text = text.format(brand=rng.choice(BRANDS), place=rng.choice(PLACES), person=rng.choice(PEOPLE),
                           handle=f"user{rng.randrange(1000)}", n=i)
        engagement = {"likes": rng.randrange(50), "shares": rng.randrange(10)} if rng.random() < 0.8 else {}
        followers = rng.randrange(100, 100_000) if rng.random() < 0.5 else None
        out.append(Mention("bench", "social", str(i), text=text[:280], engagement=engagement,
                           author_followers=followers))
    return out


def bench_glossary() -> Glossary:
    """A glossary of the size an organisation keeps: its brands, spokespeople and 200 other terms."""
    terms = [{"term": b, "kind": "brand", "aliases": []} for b in BRANDS]
    terms += [{"term": p, "kind": "person", "aliases": []} for p in PEOPLE[:4]]
    rng = random.Random(3)
    terms += [{"term": f"{rng.choice(FR_WORDS)} {rng.choice(EN_WORDS)}", "kind": "product", "aliases": []}
              for _ in range(200)]
    return Glossary(terms)


def _stored_pass(analyzer: Any, mentions: list[Mention], seed: int, clock: Callable[[], float],
                 batch: int = 500) -> float:
    """Seconds a stage working on stored rows (topics) takes on ``mentions`` through its real path: rows
    inserted into a fresh temporary SQLite store, then ``after_insert`` in each batch's transaction (the
    inserts are not timed)."""
    import tempfile
    from datetime import UTC, datetime, timedelta
    from pathlib import Path

    from vigie.store import Store

    folder = tempfile.TemporaryDirectory(prefix="vigie-bench-stored-")
    store = Store(f"sqlite:///{Path(folder.name) / 'bench.db'}")
    workspace = store.create_workspace(f"bench-{seed}", "Bench", "fr")
    source = store.ensure_source(workspace["id"], "bench", "bench")
    start = datetime(2026, 11, 1, tzinfo=UTC)
    spent = 0.0
    try:
        for first in range(0, len(mentions), batch):
            rows = []
            for i, m in enumerate(mentions[first:first + batch], first):
                rows.append({"workspace_id": workspace["id"], "source_id": source["id"], "connector": "bench",
                             "channel": m.channel, "external_id": m.external_id, "title": m.title, "text": m.text,
                             "language": m.language, "published_at": start + timedelta(seconds=13 * i),
                             "collected_at": start + timedelta(seconds=13 * i),
                             "entities": _encode(m.entities), "keyphrases": _encode(m.keyphrases)})
            with store.engine.begin() as conn:
                ids = store.insert_mentions(conn, source["id"], rows)
                for row in rows:
                    row["id"], row["story_id"] = ids[row["external_id"]], None
                t0 = clock()
                analyzer.after_insert(conn, store, workspace["id"], rows)
                spent += clock() - t0
    finally:
        store.close()
        folder.cleanup()
    return spent


def _encode(value: Any) -> str | None:
    import json

    return None if value is None else json.dumps(value, ensure_ascii=False)


def run_enrich_bench(n: int, repeat: int = 3, log: Callable[[str], None] = lambda m: None,
                     settings: Settings | None = None,
                     clock: Callable[[], float] = time.perf_counter) -> dict[str, Any]:
    """The `pipeline` of ``settings`` (default: the defaults) on generated mentions; stages are timed
    with ``clock`` (``time.process_time`` leaves out what another process takes from the core)."""
    settings = settings or Settings()
    started = time.perf_counter()
    analyzers = build_analyzers(settings)
    for analyzer in analyzers:
        if analyzer.name == "glossary":
            analyzer.glossary = bench_glossary()
    warm = generate(20, seed=1)
    for analyzer in analyzers:  # loads models once, outside the timings
        warm = analyzer.process_batch(warm)
    load_s = time.perf_counter() - started
    stage: dict[str, list[float]] = {a.name: [] for a in analyzers}
    totals = []
    for r in range(repeat):
        mentions = generate(n, seed=11 + r)
        for analyzer in analyzers:
            t0 = clock()
            mentions = analyzer.process_batch(mentions)
            spent = clock() - t0
            if getattr(analyzer, "after_insert", None) is not None:
                spent += _stored_pass(analyzer, mentions, 11 + r, clock)  # topics, entities: on stored rows
            stage[analyzer.name].append(spent)
        # The sum of the stages: the inserts the topics pass needs are the ingest's cost, not enrichment's.
        totals.append(sum(times[-1] for times in stage.values()))
        log(f"pass {r + 1}/{repeat}: {n / totals[-1]:.0f} mentions/s")
    total = statistics.median(totals)
    sample = mentions[0]
    return {"n": n, "repeat": repeat, "pipeline": [a.name for a in analyzers], "load_s": round(load_s, 2),
            "mentions_per_s_per_core": round(n / total),
            "stages_per_s": {name: round(n / statistics.median(t)) for name, t in stage.items()},
            "share_of_time": {name: round(statistics.median(t) / total, 3) for name, t in stage.items()},
            "topics_per_s": round(n / statistics.median(stage["topics"])) if "topics" in stage else None,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "with_entities": sum(bool(m.entities) for m in mentions),
            "with_keyphrases": sum(bool(m.keyphrases) for m in mentions),
            "reach_estimated": sum(m.reach_kind == "estimated" for m in mentions),
            "example": {"text": sample.text, "entities": sample.entities, "keyphrases": sample.keyphrases}}
