"""`vigie eval topics`: a generated, seeded set of events told many ways in French and English, with
chatter and same-words-different-event confounders, clustered through the real ingest path and scored
(pairwise and B-cubed precision/recall/F1); plus a sanity run on the demo city's month. See docs/topics.md"""

from __future__ import annotations

import dataclasses
import random
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from vigie.enrich.topics_corpus import (
    CHATTER,
    CLOSERS,
    FIRST,
    KINDS,
    LAST,
    OPENERS,
    ORGS,
    PLACES,
    PRESS_CONTEXT,
    STREETS,
)
from vigie.items import Mention
from vigie.text import fold

BASE = datetime(2026, 3, 2, 6, tzinfo=UTC)
MAX_CHATTER = 0.1
THRESHOLDS = tuple(round(0.10 + 0.025 * i, 3) for i in range(19))  # 0.10 .. 0.55


@dataclasses.dataclass
class Event:
    id: int
    kind: str
    place: str
    street: int
    person: str
    n: int
    start: datetime


def _events(rng: random.Random, count: int, days: int) -> list[Event]:
    """Events over ``days``; about a quarter are confounders of an earlier one: the same kind in the
    same borough a week later (outside the window), or the same kind elsewhere the same day."""
    out: list[Event] = []
    for i in range(count):
        kind, place = rng.choice(sorted(KINDS)), rng.choice(PLACES)
        start = BASE + timedelta(hours=rng.uniform(0, 24 * days))
        if out and rng.random() < 0.25:
            twin = rng.choice(out)
            kind = twin.kind
            if rng.random() < 0.5:
                place, start = twin.place, twin.start + timedelta(days=rng.uniform(5, 9))
            else:
                place = rng.choice([p for p in PLACES if p != twin.place])
                start = twin.start + timedelta(hours=rng.uniform(-6, 6))
        out.append(Event(i, kind, place, rng.randrange(len(STREETS["fr"])), f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                         rng.randint(40, 900), start))
    return out


def _fill(template: str, event: Event, lang: str, rng: random.Random) -> str:
    n = event.n if rng.random() < 0.7 else max(2, int(event.n * rng.uniform(0.7, 1.3)))  # outlets round differently
    text = template.format(place=event.place, street=STREETS[lang][event.street], n=n, person=event.person,
                           org=ORGS[event.kind])
    return text[:1].upper() + text[1:]


def _chatter(rng: random.Random, lang: str) -> str:
    pool = CHATTER[lang]
    subject = rng.choice(pool["subjects"]).format(place=rng.choice(PLACES), street=rng.choice(STREETS[lang]))
    return f"{subject}: {rng.choice(pool['comments'])} {rng.choice(pool['adjectives'])}"


def _mention(rng: random.Random, event: Event, index: int) -> Mention:
    lang = "fr" if rng.random() < 0.6 else "en"
    pool = KINDS[event.kind][lang]
    when = event.start + timedelta(hours=min(48.0, rng.expovariate(1 / 10)))
    stream = rng.choices(("press", "social", "forum"), weights=(30, 55, 15))[0]
    title = None
    if stream == "press":
        title = _fill(rng.choice(pool["titles"]), event, lang, rng)
        chosen = rng.sample(pool["sentences"], min(rng.randint(2, 5), len(pool["sentences"])))
        if rng.random() < 0.5:
            chosen.append(rng.choice(PRESS_CONTEXT[lang]))
        text = " ".join(_fill(s, event, lang, rng) for s in chosen)
        if rng.random() < 0.1:  # a long article: the event told at length, with asides
            more = [_fill(s, event, lang, rng) for s in pool["sentences"] * 8]
            more += [_chatter(rng, lang) + "." for _ in range(6)]
            rng.shuffle(more)
            text += "\n\n" + " ".join(more)
    else:
        parts = [rng.choice(OPENERS[lang]), _fill(rng.choice(pool["posts"]), event, lang, rng)]
        if stream == "forum":
            parts.append(_fill(rng.choice(pool["sentences"]), event, lang, rng))
        if rng.random() < 0.3:
            parts.append("#" + event.place.replace("-", ""))
        parts.append(rng.choice(CLOSERS[lang]))
        text = " ".join(p for p in parts if p)
        if rng.random() < 0.2:
            text = fold(text)  # typed without accents or capitals
    channel = {"press": "online_press", "social": "social", "forum": "forum"}[stream]
    return Mention("eval", channel, f"e{event.id}-{index}", title=title, text=text, published_at=when)


def generate(seed: int, events: int = 40, chatter: int = 600, days: int = 21) -> tuple[list[Mention], list[int]]:
    """Mentions sorted by time and their gold event ids (chatter and bad input: one id each)."""
    rng = random.Random(seed)
    pairs: list[tuple[Mention, int]] = []
    for event in _events(rng, events, days):
        size = min(60, max(3, int(rng.paretovariate(1.3) * 5)))
        pairs += [(_mention(rng, event, i), event.id) for i in range(size)]
    for i in range(chatter):
        lang = "fr" if rng.random() < 0.6 else "en"
        text = " ".join(p for p in (rng.choice(OPENERS[lang]), _chatter(rng, lang), rng.choice(CLOSERS[lang])) if p)
        when = BASE + timedelta(hours=rng.uniform(0, 24 * days))
        pairs.append((Mention("eval", "social", f"c{i}", text=text, published_at=when), -1 - i))
    for i, text in enumerate(("", "😀😀😀", "Wow", "👍", "ok", "?!", "Merci", "lol")):
        pairs.append((Mention("eval", "social", f"b{i}", text=text or " ", published_at=BASE), -10_000 - i))
    pairs.sort(key=lambda p: (p[0].published_at, p[0].external_id))
    return [m for m, _ in pairs], [g for _, g in pairs]


def scores(gold: list[int], predicted: list[int | None]) -> dict[str, Any]:
    """Pairwise and B-cubed precision, recall, F1 over the event mentions (a mention without topic is a
    cluster of its own); chatter (gold < 0) is not an event, so it is scored apart: the share of it
    that landed in a topic holding event mentions, and the topics made of chatter only."""
    pred = [p if p is not None else -1 - i for i, p in enumerate(predicted)]
    has_event = {p for g, p in zip(gold, pred, strict=True) if g >= 0}
    noise = [p for g, p in zip(gold, pred, strict=True) if g < 0]
    noise_sizes = Counter(noise)
    pairs_in = [(g, p) for g, p in zip(gold, pred, strict=True) if g >= 0]
    joint = Counter(pairs_in)
    by_gold, by_pred = Counter(g for g, _ in pairs_in), Counter(p for _, p in pairs_in)

    def pairs(counts: Counter) -> int:
        return sum(n * (n - 1) // 2 for n in counts.values())

    tp, gold_pairs, pred_pairs = pairs(joint), pairs(by_gold), pairs(by_pred)
    n = len(pairs_in) or 1
    b_p = sum(joint[k] / by_pred[k[1]] for k in pairs_in) / n
    b_r = sum(joint[k] / by_gold[k[0]] for k in pairs_in) / n

    def f1(p: float, r: float) -> float:
        return round(2 * p * r / (p + r), 4) if p + r else 0.0

    pp = tp / pred_pairs if pred_pairs else 1.0
    pr = tp / gold_pairs if gold_pairs else 1.0
    return {"pairwise": {"precision": round(pp, 4), "recall": round(pr, 4), "f1": f1(pp, pr)},
            "bcubed": {"precision": round(b_p, 4), "recall": round(b_r, 4), "f1": f1(b_p, b_r)},
            "events": len(by_gold), "event_mentions": len(pairs_in),
            "topics_with_events": sum(1 for p, c in by_pred.items() if c > 1),
            "chatter": len(noise),
            "chatter_in_event_topics": round(sum(p in has_event for p in noise) / max(1, len(noise)), 4),
            "chatter_only_topics": sum(1 for p, c in noise_sizes.items() if c > 1 and p not in has_event),
            "not_applicable": sum(p is None for p in predicted)}


def analyze(mentions: list[Mention]) -> list[Mention]:
    """The stages before topics in the default pipeline that topics read (language, glossary, entities,
    key phrases), run once; each threshold run then only clusters."""
    from vigie.plugins import build_analyzers
    from vigie.settings import Settings

    analyzers = build_analyzers(Settings(overrides={"pipeline": ["language", "glossary", "entities", "keyphrases"]}))
    for analyzer in analyzers:
        mentions = analyzer.process_batch(mentions)
    return mentions


def cluster(mentions: list[Mention], threshold: float, window_hours: float = 72) -> tuple[list[int | None], Any]:
    """Ingest copies of ``mentions`` into a temporary SQLite store with only the topics stage (batches of
    500); returns each mention's topic id and the store (closed by the caller)."""
    from vigie.enrich.topics import TopicsAnalyzer
    from vigie.ingest import Ingestor
    from vigie.settings import Settings
    from vigie.store import Store

    folder = Path(tempfile.mkdtemp(prefix="vigie-topics-eval-"))
    store = Store(f"sqlite:///{folder / 'eval.db'}")
    workspace = store.create_workspace("eval", "Évaluation", "fr")
    source = store.ensure_source(workspace["id"], "eval", "eval")
    settings = Settings(overrides={"ingest_batch_size": 500, "topic_threshold": threshold,
                                   "topic_window_hours": window_hours, "pipeline": ["topics"]})
    Ingestor(store, workspace, source, settings, [TopicsAnalyzer(settings)]).run(
        [dataclasses.replace(m) for m in mentions])
    with store.engine.connect() as conn:
        found: dict[str, int | None] = dict(conn.exec_driver_sql(
            "SELECT external_id, topic_id FROM mentions").fetchall())
    return [found.get(m.external_id) for m in mentions], store


def evaluate(seed: int, tune_seed: int, events: int, threshold: float | None = None,
             log: Callable[[str], None] = lambda _m: None) -> dict[str, Any]:
    """Pick the threshold with the best pairwise F1 on ``tune_seed`` (unless given), report ``seed``."""
    sweep = []
    if threshold is None:
        tuning, tuning_gold = generate(tune_seed, events)
        tuning = analyze(tuning)
        for th in THRESHOLDS:
            predicted, store = cluster(tuning, th)
            store.close()
            result = scores(tuning_gold, predicted)
            sweep.append({"threshold": th, "pairwise_f1": result["pairwise"]["f1"],
                          "bcubed_f1": result["bcubed"]["f1"],
                          "chatter_in_event_topics": result["chatter_in_event_topics"]})
            log(f"tune seed {tune_seed}, threshold {th}: pairwise F1 {result['pairwise']['f1']}, "
                f"chatter in event topics {result['chatter_in_event_topics']}")
        # Best event F1 among the thresholds that keep chatter out of event topics (at most MAX_CHATTER of
        # it): a topic list padded with unrelated posts is worse for a team than a split event.
        clean = [r for r in sweep if r["chatter_in_event_topics"] <= MAX_CHATTER] or sweep
        threshold = max(clean, key=lambda r: (r["pairwise_f1"], r["bcubed_f1"]))["threshold"]
    mentions, gold = generate(seed, events)
    mentions = analyze(mentions)
    started = time.perf_counter()
    predicted, store = cluster(mentions, threshold)
    elapsed = time.perf_counter() - started
    store.close()
    return {"seed": seed, "tuned_on_seed": tune_seed if sweep else None, "threshold": threshold,
            "mentions": len(mentions), **scores(gold, predicted), "ingest_s": round(elapsed, 2),
            "sweep": sweep, "note": "generated text from fixed template pools: an upper bound for real coverage"}


def demo_check(limit: int = 15) -> dict[str, Any]:
    """The demo city's month clustered with the default settings: the biggest topics' labels, sizes and
    the demo themes they hold (a sanity check: crisis themes should come out as their own topics)."""
    from vigie.demo.generator import Scenario, anchor_for
    from vigie.enrich.topics import DEFAULT_THRESHOLD
    from vigie.enrich.topics_store import list_topics

    items = Scenario(anchor_for(datetime(2026, 3, 30, 12, tzinfo=UTC))).items()
    mentions = [Mention("demo", "social" if i.stream == "social" else "online_press", i.uid, title=i.title,
                        text=i.text, published_at=i.when) for i in items]
    mentions.sort(key=lambda m: (m.published_at, m.external_id))
    theme = {i.uid: i.topic for i in items}
    predicted, store = cluster(analyze(mentions), DEFAULT_THRESHOLD)
    workspace_id = store.get_workspace("eval")["id"]
    members: dict[int, Counter] = {}
    for m, topic in zip(mentions, predicted, strict=True):
        if topic is not None:
            members.setdefault(topic, Counter())[theme[m.external_id]] += 1
    top = []
    for row in list_topics(store, workspace_id, limit=limit):
        themes = members.get(row["id"], Counter())
        top.append({"label": row["label"], "size": row["size"], "languages": row["languages"],
                    "themes": dict(themes.most_common(3))})
    sized = [c for c in members.values() if sum(c.values()) >= 3]
    purity = sum(c.most_common(1)[0][1] for c in sized) / max(1, sum(sum(c.values()) for c in sized))
    store.close()
    return {"mentions": len(mentions), "topics_3plus": len(sized), "purity_3plus": round(purity, 3), "top": top}
