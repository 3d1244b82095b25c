"""`vigie bench alert`: mentions fed at a steady rate with spikes injected at random moments; measures
the time from a spike's first mention entering Vigie to its webhook reaching a local receiver.
See docs/alerts.md"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import random
import secrets
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from vigie.bench import remove_sqlite
from vigie.bench.ingest import CHANNELS, FR_WORDS
from vigie.ingest import Ingestor
from vigie.items import Mention
from vigie.settings import Settings
from vigie.signals.channels import add_channel
from vigie.signals.channels.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from vigie.signals.engine import engine_for, forget
from vigie.signals.rules import add_rule
from vigie.signals.series import BUCKET_S, TOTAL, Counts, bucket_of
from vigie.store import Store

HISTORY_DAYS = 7  # the detectors start as if Vigie had listened for a week at the same background rate
BUSY_SHARE = 0.5  # share of the feed that goes to busy watches that never spike
SECRET_ENV = "VIGIE_BENCH_WEBHOOK_SECRET"


def _serve(secret: str, hits_path: str, ready: Any) -> None:
    """The receiver, in its own process as a real one would be: it appends each webhook's arrival
    time (wall clock), signature check and body to a file."""
    out = open(hits_path, "a", encoding="utf-8", buffering=1)  # noqa: SIM115 - lives as long as the process

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            arrived = time.time()
            signed = verify(secret, body, self.headers.get(TIMESTAMP_HEADER, ""), self.headers.get(SIGNATURE_HEADER, ""))
            self.send_response(200)
            self.end_headers()
            out.write(json.dumps({"arrived": arrived, "signed": signed, "alert": json.loads(body)}) + "\n")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    ready.put(server.server_address[1])
    server.serve_forever()


class Receiver:
    """Starts the receiver process and reads back what it received."""

    def __init__(self, secret: str, folder: Path) -> None:
        self.path = folder / "bench-alert-receiver.jsonl"
        self.path.unlink(missing_ok=True)
        context = multiprocessing.get_context("spawn")
        ready = context.Queue()
        self.process = context.Process(target=_serve, args=(secret, str(self.path), ready), daemon=True)
        self.process.start()
        self.url = f"http://127.0.0.1:{ready.get(timeout=30)}/hook"

    def hits(self) -> list[tuple[float, dict[str, Any], bool]]:
        if not self.path.exists():
            return []
        rows = [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line.strip()]
        return [(r["arrived"], r["alert"], r["signed"]) for r in rows]

    def close(self) -> None:
        self.process.terminate()
        self.process.join(5)


def _cycle(when: datetime, tz: ZoneInfo) -> float:
    """A daily rhythm peaking mid-afternoon (local time), ±30 %."""
    local = when.astimezone(tz)
    return 1.0 + 0.3 * math.cos(2 * math.pi * (local.hour + local.minute / 60 - 15) / 24)


def _seed_history(engine: Any, rates: dict[int, float], tz: ZoneInfo, now: datetime, seed: int) -> None:
    """A week of Poisson bucket counts per watch at its live rate, following the daily rhythm."""
    rng = np.random.default_rng(seed)
    first = bucket_of(now - timedelta(days=HISTORY_DAYS))
    starts = [datetime.fromtimestamp(b, UTC) for b in range(first, bucket_of(now), BUCKET_S)]
    factor = np.array([_cycle(s, tz) for s in starts]) / _cycle(now, tz)
    for watch_id, rate in rates.items():
        counts = rng.poisson(rate * BUCKET_S * factor)
        engine.series.seed(watch_id, TOTAL, [(s, Counts(int(c), 0, 0, int(c))) for s, c in zip(starts, counts, strict=True)])


def run_alert_bench(home: Path, *, duration: float = 120.0, rate: float = 1000.0, spikes: int = 20,
                    spike_size: int = 1000, spike_seconds: float = 5.0, seed: int = 1, watch_rate: float = 0.2,
                    controls: int = 10, busy: int = 10, log: Callable[[str], None] = print) -> dict[str, Any]:
    """`watch_rate`: background mentions per second of each watch that may spike (0.2/s = 60 per
    5-minute bucket, a busy organisation's watch); the rest of the feed goes to busy watches that
    never spike (half of it) and to mentions no watch matches."""
    rng = random.Random(seed)
    db = home / "bench-alert.db"
    remove_sqlite(db)
    secret = secrets.token_hex(16)
    os.environ[SECRET_ENV] = secret  # the channel reads it as {"$env": ...}, like a real deployment
    settings = Settings(home=home, overrides={"database_url": f"sqlite:///{db}", "allow_private_networks": True,
                                              "alert_backoff": 0.2, "politeness_delay": 0.0})
    store = Store(settings.database_url)
    receiver = Receiver(secret, home)
    try:
        workspace = store.create_workspace("bench", "Banc d'essai", "fr", "America/Toronto")
        tz = ZoneInfo(workspace["timezone"])
        targets = [store.add_watch(workspace["id"], f"sujet{i:02d}", f"sujet{i:02d}")["id"] for i in range(spikes + controls)]
        busy_ids = [store.add_watch(workspace["id"], f"theme{i:02d}", f"theme{i:02d}")["id"] for i in range(busy)]
        keyword = {w: f"sujet{i:02d}" for i, w in enumerate(targets)} | {w: f"theme{i:02d}" for i, w in enumerate(busy_ids)}
        busy_rate = rate * BUSY_SHARE / max(busy, 1)
        rates = {w: watch_rate for w in targets} | {w: busy_rate for w in busy_ids}
        channel = add_channel(store, workspace["id"], "receiver", "webhook",
                              {"url": receiver.url, "secret": {"$env": SECRET_ENV}})
        add_rule(store, workspace["id"], "Pics", "spike", cooldown_s=3600, channel_ids=[channel["id"]])
        source = store.ensure_source(workspace["id"], "bench", "manual")
        engine = engine_for(store, workspace["id"], settings)

        started = time.perf_counter()
        now = datetime.now(UTC)
        _seed_history(engine, rates, tz, now, seed)
        engine.series.advance(now, {(TOTAL, "volume")})  # learn the week before the clock starts
        live = datetime.now(UTC)
        elapsed = (live - datetime.fromtimestamp(bucket_of(live), UTC)).total_seconds()
        partial = np.random.default_rng(seed + 1).poisson([rates[w] * elapsed for w in rates])
        for (w, _), c in zip(rates.items(), partial, strict=True):  # the open bucket so far
            engine.series.seed_many({(w, TOTAL, bucket_of(live)): Counts(int(c), 0, 0, int(c))})
        seed_s = time.perf_counter() - started
        log(f"history: {HISTORY_DAYS} days x {len(rates)} watches learnt in {seed_s:.1f}s; feeding {rate:.0f}/s "
            f"for {duration:.0f}s with {spikes} spikes")

        spiked = rng.sample(targets, spikes)
        moments = sorted(rng.uniform(10.0, max(duration - spike_seconds - 5.0, 11.0)) for _ in range(spikes))
        plan = list(zip(moments, spiked, strict=True))
        first_seen: dict[int, float] = {}  # watch -> wall clock of its first mention handed to ingest
        fed = {"n": 0}
        items = _feed(rng, rate, duration, plan, spike_size, spike_seconds, targets, busy_ids, keyword, rates,
                      first_seen, fed)
        ingest_started = time.perf_counter()
        Ingestor(store, workspace, source, settings).run(items)
        feed_s = time.perf_counter() - ingest_started
        deadline = time.perf_counter() + 15.0  # let the last deliveries arrive
        while time.perf_counter() < deadline and len({h[1].get("watch_id") for h in receiver.hits()}) < spikes:
            time.sleep(0.2)
        alerts = [a for a in reversed(engine.alerts.list(limit=1000)) if a["kind"] == "spike"]
        created = {a["watch_id"]: a["created_at"].timestamp() for a in alerts}
        for a in alerts:  # per-spike detail on stderr, to read a slow one
            began = first_seen.get(a["watch_id"])
            log(f"watch {a['watch_id']}: alert {a['created_at'].timestamp() - began:.2f}s after the first mention, "
                f"{a['explanation'].get('mentions')} mentions in the bucket, score {a['explanation'].get('score')}"
                if began else f"watch {a['watch_id']}: alert without a spike")
        result = _score(receiver.hits(), first_seen, created, spikes, fed["n"], feed_s, seed_s)
        result.update(target_rate=rate, duration_s=duration, spike_size=spike_size, spike_seconds=spike_seconds,
                      watch_rate=watch_rate, watches=len(rates), history_days=HISTORY_DAYS,
                      batch_size=settings["ingest_batch_size"])
        return result
    finally:
        forget(store)
        receiver.close()
        store.close()


def _feed(rng: random.Random, rate: float, duration: float, plan: list[tuple[float, int]], spike_size: int,
          spike_seconds: float, targets: list[int], busy_ids: list[int], keyword: dict[int, str],
          rates: dict[int, float], first_seen: dict[int, float], fed: dict[str, int]) -> Iterator[Mention]:
    """Mentions paced at `rate` per second of wall clock; a spike replaces part of the background with
    near-duplicates of one story, so the total rate stays the same."""
    watches = targets + busy_ids
    weights = [rates[w] / rate for w in watches]
    weights.append(max(0.0, 1.0 - sum(weights)))  # mentions that match no watch
    spike_rate = spike_size / spike_seconds
    stories = {w: rng.sample(FR_WORDS, 14) for _, w in plan}
    handles = [f"@compte{i}" for i in range(3000)]
    t0 = time.perf_counter()
    total = int(duration * rate)
    for i in range(total):
        due = t0 + i / rate
        lag = due - time.perf_counter()
        if lag > 0:
            time.sleep(lag)
        now = time.perf_counter()
        at = now - t0
        watch = None
        for start, w in plan:
            if start <= at < start + spike_seconds and rng.random() < spike_rate / rate:
                watch = w
                break
        if watch is not None:
            words = list(stories[watch])
            words[rng.randrange(len(words))] = rng.choice(FR_WORDS)
            text = f"{keyword[watch]} {' '.join(words)}"
            first_seen.setdefault(watch, time.time())
        else:
            pick = rng.choices(range(len(weights)), weights)[0]
            body = " ".join(rng.choices(FR_WORDS, k=12))
            text = f"{keyword[watches[pick]]} {body}" if pick < len(watches) else body
        fed["n"] += 1
        yield Mention("manual", rng.choice(CHANNELS), f"b{i}", text=text, author_handle=rng.choice(handles),
                      reach=int(rng.lognormvariate(5, 1.5)), published_at=datetime.now(UTC), language="fr")


def _score(hits: list[tuple[float, dict[str, Any], bool]], first_seen: dict[int, float],
           created: dict[int, float], spikes: int, n: int, feed_s: float, seed_s: float) -> dict[str, Any]:
    latencies, detect, false_alerts, unsigned = [], [], 0, 0
    alerted: set[int] = set()
    for arrived, payload, signed in sorted(hits, key=lambda h: h[0]):
        unsigned += not signed
        watch = int(payload.get("watch_id") or 0)
        began = first_seen.get(watch)
        if began is None or arrived < began or watch in alerted:
            false_alerts += 1  # a watch that never spiked, an alert before the spike, or a second one
            continue
        alerted.add(watch)
        latencies.append(arrived - began)
        if watch in created:  # the alert row's creation, to split detection from delivery
            detect.append(created[watch] - began)

    def pct(values: list[float], q: float) -> float | None:
        return round(float(np.percentile(values, q)), 3) if values else None

    return {
        "spikes": spikes, "detected": len(latencies), "false_alerts": false_alerts,
        "p50_s": pct(latencies, 50), "p95_s": pct(latencies, 95), "max_s": pct(latencies, 100),
        "detect_p50_s": pct(detect, 50), "detect_p95_s": pct(detect, 95),
        "unsigned": unsigned, "mentions": n, "feed_s": round(feed_s, 1),
        "fed_per_s": round(n / feed_s, 1) if feed_s else None, "history_learn_s": round(seed_s, 1),
        "spikes_injected": len(first_seen),
    }
