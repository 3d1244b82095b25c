"""`vigie bench web`: fill a store with N mentions (bulk insert), start `vigie up` on a free port, sign
in, and time each view over HTTP with varied filters. See docs/web.md"""

from __future__ import annotations

import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from vigie.bench import remove_sqlite
from vigie.bench.ingest import EN_WORDS, FR_WORDS
from vigie.store import Store

Log = Callable[[str], None]
CHANNELS = (("social", 45), ("online_press", 25), ("blog", 8), ("forum", 8), ("review", 5), ("print_press", 4),
            ("broadcast", 4), ("search_result", 1))
SENTIMENTS = (("negative", 25), ("neutral", 50), ("positive", 20), (None, 5))
# (name, query, kind, share of mentions matched, word put in the text so search finds it too)
WATCHES = (("Marque", '"Saint-Laurent-des-Érables" OR SLDE', "brand", 0.30, "SLDE"),
           ("Concurrent – Val-Sorbier", "Val-Sorbier", "competitor", 0.08, "Val-Sorbier"),
           ("Concurrent – Mont-Cerisier", "Mont-Cerisier", "competitor", 0.05, "Mont-Cerisier"),
           ("Sujet – eau potable", '"eau potable" OR water', "topic", 0.10, "water"),
           ("Sujet – grève", "grève OR strike", "topic", 0.06, "strike"),
           ("Sujet – déneigement", "déneigement OR snow", "topic", 0.04, "snow"))
VIEWS = ("overview", "mentions", "search", "watches", "alerts", "incidents", "readiness")
PASSWORD_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def _weighted(rng: random.Random, table: tuple[tuple[Any, int], ...], n: int) -> list[Any]:
    return rng.choices([v for v, _ in table], weights=[w for _, w in table], k=n)


def fill(store: Store, n: int, *, days: int = 365, seed: int = 11, log: Log = print) -> dict[str, Any]:
    """A workspace with six watches and n mentions spread over ``days``, written with executemany in
    batches (the full-text triggers are dropped during the load and the index rebuilt once)."""
    from vigie.store import schema

    rng = random.Random(seed)
    ws = store.create_workspace("bench", "Banc d'essai", "fr", "America/Toronto")
    source = store.add_source(ws["id"], "bench (generated)", "import", {})
    store.update_source(source["id"], enabled=False)
    watch_ids = [store.add_watch(ws["id"], name, query, kind=kind)["id"] for name, query, kind, _s, _w in WATCHES]
    now = datetime.now(UTC)
    start = now - timedelta(days=days)
    step = (now - start) / max(n, 1)
    sqlite = store.dialect == "sqlite"
    fmt = (lambda d: d.strftime("%Y-%m-%d %H:%M:%S.%f")) if sqlite else (lambda d: d)
    mark = "?" if sqlite else "%s"
    columns = ("id", "workspace_id", "source_id", "connector", "channel", "external_id", "url", "canonical_url",
               "title", "text", "author_handle", "published_at", "collected_at", "language", "reach", "story_id",
               "sentiment", "sentiment_score")
    insert = f"INSERT INTO mentions ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
    started = time.perf_counter()
    story_next, story_rows = 1, []
    batch = 20_000
    with store.engine.begin() as conn:
        if sqlite:
            for trigger in ("mentions_fts_ai", "mentions_fts_ad", "mentions_fts_au"):
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}")
        open_story: tuple[int, int, datetime, int] | None = None  # id, remaining, first seen, first mention
        for low in range(1, n + 1, batch):
            rows, matches = [], []
            high = min(low + batch, n + 1)
            channels = _weighted(rng, CHANNELS, high - low)
            feelings = _weighted(rng, SENTIMENTS, high - low)
            for k, i in enumerate(range(low, high)):
                fr = rng.random() < 0.65
                vocab = FR_WORDS if fr else EN_WORDS
                words = rng.choices(vocab, k=rng.randint(12, 40))
                for (_name, _q, _k, share, word), watch_id in zip(WATCHES, watch_ids, strict=True):
                    if rng.random() < share:
                        words.insert(rng.randrange(len(words)), word)
                        matches.append((i, watch_id))
                when = start + step * i + timedelta(seconds=rng.randint(-3600, 3600))
                story = None
                if open_story is not None:  # the next mentions of a burst join its story
                    story, left, first_seen, first_id = open_story
                    open_story = (story, left - 1, first_seen, first_id) if left > 1 else None
                    if open_story is None:
                        story_rows.append((story, first_id, first_seen, when))
                elif rng.random() < 0.02:
                    story, open_story = story_next, (story_next, rng.randint(1, 29), when, i)
                    story_next += 1
                feeling = feelings[k]
                score = {"negative": -0.7, "neutral": 0.0, "positive": 0.7}.get(feeling) if feeling else None
                rows.append((i, ws["id"], source["id"], "import", channels[k], f"b{i}", f"https://bench.example/{i}",
                             f"https://bench.example/{i}", " ".join(words[:7]).capitalize(), " ".join(words),
                             f"@user{rng.randint(1, 50_000)}", fmt(when), fmt(when), "fr" if fr else "en",
                             rng.randint(10, 100_000), story, feeling, score))
            conn.exec_driver_sql(insert, rows)
            conn.exec_driver_sql(f"INSERT INTO mention_matches (mention_id, watch_id) VALUES ({mark}, {mark})",
                                 matches)
            log(f"  {high - 1:,} mentions written ({time.perf_counter() - started:.0f} s)")
        if open_story is not None:
            story_rows.append((open_story[0], open_story[3], open_story[2], now))
        sizes: dict[int, int] = {}
        for (story,) in conn.exec_driver_sql("SELECT story_id FROM mentions WHERE story_id IS NOT NULL"):
            sizes[story] = sizes.get(story, 0) + 1
        st = schema.stories
        if story_rows:
            conn.execute(st.insert(), [{"id": s, "workspace_id": ws["id"], "label": f"Sujet n° {s}",
                                        "first_mention_id": first, "first_seen": fs, "last_seen": ls,
                                        "size": sizes.get(s, 1)} for s, first, fs, ls in story_rows])
        if sqlite:
            log("  full-text index: rebuilding…")
            conn.exec_driver_sql("INSERT INTO mentions_fts(mentions_fts) VALUES ('rebuild')")
            for ddl in schema.SQLITE_FTS[1:]:
                conn.exec_driver_sql(ddl)
        else:
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('mentions', 'id'), (SELECT max(id) FROM mentions))")
    _alerts_and_incidents(store, ws, watch_ids, rng, start, now, log)
    loaded = time.perf_counter() - started
    log(f"  analysing the database… ({loaded:.0f} s so far)")
    store.vacuum_analyze()
    from vigie.web import rollup

    rollup.rebuild(store, store.get_workspace("bench"))
    return {"workspace": ws, "fill_s": round(time.perf_counter() - started, 1)}


def _alerts_and_incidents(store: Store, ws: dict[str, Any], watch_ids: list[int], rng: random.Random,
                          start: datetime, now: datetime, log: Log, alerts: int = 2000, incidents: int = 40) -> None:
    """A year of alerts (one rule's worth every few hours) and incidents, some closed, so the alert
    and crisis views have pages to read."""
    import uuid

    from vigie.crisis import incidents as inc
    from vigie.signals.tables import alerts as table

    rows = []
    for i in range(alerts):
        when = start + (now - start) * (i / alerts)
        rows.append({"uid": str(uuid.uuid4()), "workspace_id": ws["id"], "rule_id": None,
                     "watch_id": rng.choice(watch_ids), "kind": rng.choice(["spike", "negative_surge", "keyword"]),
                     "severity": rng.choice(["info", "warning", "warning", "critical"]),
                     "title": f"Alerte n° {i}", "explanation": {"observed": rng.randint(10, 500), "baseline": 12.0},
                     "status": "acknowledged" if i < alerts - 50 else "open", "created_at": when, "updated_at": when})
    with store.engine.begin() as conn:
        conn.execute(table.insert(), rows)
    scenarios = ["outage", "labour", "environment", None]
    review = {"review_summary": "Bilan", "review_went_well": "Réactivité", "review_to_improve": "Délais"}
    for i in range(incidents):
        when = start + (now - start) * (i / incidents)
        row = inc.open_incident(store, ws["id"], f"Incident n° {i}", scenario=scenarios[i % 4], severity="high",
                                by="bench", now=when)
        if i < incidents - 5:
            inc.close_incident(store, row["id"], review, by="bench", now=when + timedelta(hours=6))
    log(f"  {alerts:,} alerts and {incidents} incidents written")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _owner(store: Store, workspace_id: int) -> tuple[str, str]:
    from vigie.web.app import ensure_tables
    from vigie.web.auth import Accounts

    ensure_tables(store)
    accounts = Accounts(store)
    email, password = "bench@example.org", secrets.token_urlsafe(16)
    user = accounts.find_user(email) or accounts.create_user(email, "Bench", password)
    accounts.set_password(user["id"], password)
    accounts.set_membership(user["id"], workspace_id, "owner")
    return email, password


def _targets(rng: random.Random, watch_ids: list[int], words: list[str]) -> dict[str, Callable[[], str]]:
    channels = [c for c, _ in CHANNELS]
    since = (datetime.now(UTC) - timedelta(days=30)).date().isoformat()

    def mentions() -> str:
        params: dict[str, Any] = rng.choice([{}, {"channel": rng.choice(channels)}, {"language": rng.choice(["fr", "en"])},
                             {"sentiment": rng.choice(["negative", "positive", "neutral"])},
                             {"watch": rng.choice(watch_ids)}, {"since": since},
                             {"watch": rng.choice(watch_ids), "sentiment": "negative"},
                             {"channel": rng.choice(channels), "language": "en", "since": since}])
        return "/mentions?" + "&".join(f"{k}={v}" for k, v in params.items())

    return {
        "overview": lambda: f"/?days={rng.choice([7, 30, 90, 365])}" + (
            f"&watch={rng.choice(watch_ids)}" if rng.random() < 0.3 else ""),
        "mentions": mentions,
        "search": lambda: "/search?q=" + "+".join(rng.sample(words, rng.choice([1, 1, 2]))) + (
            f"&channel={rng.choice(channels)}" if rng.random() < 0.3 else ""),
        "watches": lambda: "/watches",
        "alerts": lambda: "/alerts" + rng.choice(["", "?status=open", "?status=acknowledged"]),
        "incidents": lambda: "/crisis/incidents" + rng.choice(["", "?status=open", "?status=closed"]),
        "readiness": lambda: "/crisis/readiness",
    }


def measure(base: str, email: str, password: str, watch_ids: list[int], requests: int,
            log: Log = print) -> dict[str, Any]:
    """Sign in, then time each view ``requests`` times (after 5 unmeasured warm-up requests)."""
    rng = random.Random(5)
    words = [w for w in FR_WORDS + EN_WORDS if len(w) > 4][:200] + [w for *_x, w in WATCHES]
    with httpx.Client(base_url=base, timeout=60, follow_redirects=False) as client:
        token = PASSWORD_RE.search(client.get("/login").text).group(1)  # type: ignore[union-attr]
        signed = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
        if signed.status_code != 303 or "vigie_session" not in client.cookies:
            raise RuntimeError(f"login failed: {signed.status_code}")
        out: dict[str, Any] = {}
        for view, target in _targets(rng, watch_ids, words).items():
            times, statuses = [], set()
            for i in range(requests + 5):
                path = target()
                t0 = time.perf_counter()
                response = client.get(path)
                elapsed = (time.perf_counter() - t0) * 1000
                statuses.add(response.status_code)
                if i >= 5:
                    times.append(elapsed)
                if view == "mentions" and i % 10 == 0 and 'cursor=' in response.text:
                    # follow one "next page" link now and then: keyset pages must stay as fast
                    link = re.search(r'href="(/mentions\?[^"]*cursor=[^"]+)"', response.text)
                    if link:
                        t0 = time.perf_counter()
                        client.get(link.group(1).replace("&amp;", "&"))
                        times.append((time.perf_counter() - t0) * 1000)
            times.sort()
            out[view] = {"p50_ms": round(statistics.median(times), 1),
                         "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
                         "requests": len(times), "status": sorted(statuses)}
            log(f"  {view}: p50 {out[view]['p50_ms']} ms, p95 {out[view]['p95_ms']} ms {sorted(statuses)}")
    return out


def run_web_bench(home: Path, n: int, *, requests: int = 100, reuse: bool = False, log: Log = print) -> dict[str, Any]:
    """Fill (or reuse) $home/vigie.db, start `vigie up` there, measure, stop it."""
    home.mkdir(parents=True, exist_ok=True)
    db = home / "vigie.db"
    if db.exists() and not reuse:
        remove_sqlite(db)
    store = Store(f"sqlite:///{db}")
    result: dict[str, Any] = {"mentions": n}
    try:
        existing = [w for w in store.list_workspaces() if w["slug"] == "bench"]
        if existing:
            ws = existing[0]
            log(f"reusing {db} ({store.count_mentions(ws['id']):,} mentions)")
        else:
            log(f"filling {db} with {n:,} mentions…")
            filled = fill(store, n, log=log)
            ws, result["fill_s"] = filled["workspace"], filled["fill_s"]
        result["mentions"] = store.count_mentions(ws["id"])
        email, password = _owner(store, ws["id"])
        watch_ids = [w["id"] for w in store.list_watches(ws["id"])]
    finally:
        store.close()
    port = _free_port()
    env = {**os.environ, "VIGIE_HOME": str(home), "VIGIE_LANG": "en"}
    env.pop("VIGIE_DATABASE_URL", None)
    log(f"starting vigie up on 127.0.0.1:{port}…")
    # A file, not a pipe: a pipe nobody reads would block the server once its buffer is full.
    errors = (home / "vigie-up.log").open("w+b")
    proc = subprocess.Popen([sys.executable, "-m", "vigie", "up", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=errors)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                errors.seek(0)
                raise RuntimeError(f"vigie up exited: {errors.read().decode(errors='replace')[-2000:]}")
            try:
                if httpx.get(f"{base}/login", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("vigie up did not answer within 120 s")
            time.sleep(0.2)
        result["views"] = measure(base, email, password, watch_ids, requests, log=log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        errors.close()
    return {"views": result.pop("views"), **result}
