"""Alert rules per watch: what each kind looks at, its parameters and defaults, and the candidates it
raises (spike, negative surge, high-reach negative mention, keyword, search results, source silence).
See docs/alerts.md"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, update

from vigie.exceptions import BadRequest
from vigie.query import Doc, compile_query
from vigie.signals import tables as T
from vigie.signals.detectors import SHIPPED_THRESHOLD
from vigie.signals.series import TOTAL, Counts, Reading, is_negative
from vigie.store import schema
from vigie.store.mentions import as_utc
from vigie.text import fold

SEVERITIES = ("info", "warning", "critical")
DELIVERIES = ("immediate", "digest")
# Each kind's parameters and their defaults; `vigie alerts rules add --set name=value` overrides them.
KINDS: dict[str, dict[str, Any]] = {
    "spike": {"metric": "volume", "channel": TOTAL, "threshold": SHIPPED_THRESHOLD, "min_mentions": 10},
    "negative_surge": {"channel": TOTAL, "threshold": SHIPPED_THRESHOLD, "min_share": 0.3, "min_negative": 5},
    "high_reach": {"min_reach": 50_000},
    "keyword": {"keywords": ["boycott", "rappel", "recall", "grève", "strike"], "query": None},
    "search": {"query": None, "top": 10, "negative_query": None},
    "silence": {"after_s": None, "sources": []},
}
LIST_PARAMS = frozenset({"keywords", "sources"})
SERIES_KINDS = frozenset({"spike", "negative_surge"})
MENTION_KINDS = frozenset({"high_reach", "keyword"})
PERIODIC_KINDS = frozenset({"search", "silence"})
HAND_FED = frozenset({"manual", "import", "pdf"})  # connectors never expected to keep returning data


@dataclass
class Rule:
    id: int
    workspace_id: int
    name: str
    kind: str
    watch_id: int | None
    params: dict[str, Any]
    severity: str = "warning"
    cooldown_s: int = 3600
    quiet_hours: str | None = None
    group_by_story: bool = True
    delivery: str = "immediate"
    channel_ids: list[int] = field(default_factory=list)
    enabled: bool = True

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Rule:
        params = {**KINDS.get(row["kind"], {}), **(row.get("params") or {})}
        return cls(int(row["id"]), int(row["workspace_id"]), row["name"], row["kind"], row.get("watch_id"), params,
                   row.get("severity") or "warning", int(row.get("cooldown_s") or 0), row.get("quiet_hours"),
                   bool(row.get("group_by_story", True)), row.get("delivery") or "immediate",
                   list(row.get("channel_ids") or []), bool(row.get("enabled", True)))

    def covers(self, watch_id: int | None) -> bool:
        return self.watch_id is None or self.watch_id == watch_id

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("id", "name", "kind", "watch_id", "params", "severity", "cooldown_s",
                                              "quiet_hours", "group_by_story", "delivery", "channel_ids", "enabled")}


@dataclass
class Candidate:
    """Something a rule wants to say; the alert book decides whether it becomes a new alert."""

    rule: Rule
    kind: str
    watch_id: int | None
    group_key: str
    merge_window_s: float
    facts: dict[str, Any]
    mention_ids: list[int] = field(default_factory=list)
    reading: Reading | None = None


# -- rules in the store -------------------------------------------------------------------------
def parse_quiet_hours(spec: str | None) -> tuple[time, time] | None:
    """"22:00-07:00" -> (22:00, 07:00); None or "" -> None."""
    if not spec:
        return None
    try:
        start, end = (time.fromisoformat(part.strip()) for part in spec.split("-", 1))
    except ValueError:
        raise BadRequest(f"quiet hours {spec!r}: write them as HH:MM-HH:MM, e.g. 22:00-07:00") from None
    return start, end


def quiet_until(spec: str | None, now: datetime, tz: ZoneInfo) -> datetime | None:
    """The end of the quiet period ``now`` falls in (UTC), or None outside quiet hours."""
    hours = parse_quiet_hours(spec)
    if hours is None or hours[0] == hours[1]:
        return None
    start, end = hours
    local = now.astimezone(tz)
    clock = local.time().replace(tzinfo=None)
    day = local.date()
    if start < end:
        inside, end_day = start <= clock < end, day
    elif clock >= start:  # the period wraps midnight: evening part
        inside, end_day = True, day + timedelta(days=1)
    else:
        inside, end_day = clock < end, day
    if not inside:
        return None
    return datetime.combine(end_day, end, tzinfo=tz).astimezone(UTC)


def _check(kind: str, severity: str, delivery: str, params: dict[str, Any], quiet_hours: str | None) -> None:
    if kind not in KINDS:
        raise BadRequest(f"unknown rule kind {kind!r}; use one of {', '.join(KINDS)}")
    if severity not in SEVERITIES:
        raise BadRequest(f"severity {severity!r}: use {', '.join(SEVERITIES)}")
    if delivery not in DELIVERIES:
        raise BadRequest(f"delivery {delivery!r}: use {', '.join(DELIVERIES)}")
    unknown = set(params) - set(KINDS[kind])
    if unknown:
        raise BadRequest(f"a {kind} rule has no parameter {', '.join(sorted(unknown))}; known: {', '.join(KINDS[kind])}")
    parse_quiet_hours(quiet_hours)
    merged = {**KINDS[kind], **params}
    if kind == "keyword":
        keyword_query(merged)  # raises on a bad query
    if kind == "search" and merged.get("negative_query"):
        compile_query(merged["negative_query"])


def add_rule(store: Any, workspace_id: int, name: str, kind: str, *, watch_id: int | None = None,
             params: dict[str, Any] | None = None, severity: str = "warning", cooldown_s: int = 3600,
             quiet_hours: str | None = None, group_by_story: bool = True, delivery: str = "immediate",
             channel_ids: list[int] | None = None) -> Rule:
    params = params or {}
    _check(kind, severity, delivery, params, quiet_hours)
    with store.engine.begin() as conn:
        rule_id = conn.execute(insert(T.alert_rules).values(
            workspace_id=workspace_id, name=name, kind=kind, watch_id=watch_id, params=params, severity=severity,
            cooldown_s=cooldown_s, quiet_hours=quiet_hours or None, group_by_story=group_by_story,
            delivery=delivery, channel_ids=channel_ids or [], created_at=datetime.now(UTC),
        ).returning(T.alert_rules.c.id)).scalar_one()
    return get_rule(store, rule_id)


def get_rule(store: Any, rule_id: int) -> Rule:
    with store.engine.connect() as conn:
        row = conn.execute(select(T.alert_rules).where(T.alert_rules.c.id == rule_id)).mappings().first()
    if row is None:
        raise BadRequest(f"no alert rule {rule_id}")
    return Rule.from_row(dict(row))


def list_rules(store: Any, workspace_id: int, enabled_only: bool = False) -> list[Rule]:
    r = T.alert_rules
    query = select(r).where(r.c.workspace_id == workspace_id)
    if enabled_only:
        query = query.where(r.c.enabled.is_(True))
    with store.engine.connect() as conn:
        return [Rule.from_row(dict(x)) for x in conn.execute(query.order_by(r.c.id)).mappings()]


def set_rule_enabled(store: Any, rule_id: int, enabled: bool) -> Rule:
    with store.engine.begin() as conn:
        conn.execute(update(T.alert_rules).where(T.alert_rules.c.id == rule_id).values(enabled=enabled))
    return get_rule(store, rule_id)


# -- series rules -----------------------------------------------------------------------------
def wanted_series(rules: list[Rule]) -> set[tuple[str, str]]:
    """The (channel, metric) series the series rules read."""
    out: set[tuple[str, str]] = set()
    for rule in rules:
        channel = str(rule.params.get("channel") or TOTAL)
        if rule.kind == "spike":
            out.add((channel, str(rule.params.get("metric") or "volume")))
        elif rule.kind == "negative_surge":
            out |= {(channel, "negative"), (channel, "share")}
    return out


def _reads(rule: Rule, r: Reading) -> bool:
    channel = str(rule.params.get("channel") or TOTAL)
    return rule.covers(r.watch_id) and (r.channel == channel or (channel == "each" and r.channel != TOTAL))


def _enough(rule: Rule, score: float, counts: Counts) -> bool:
    """The rule's threshold and minimums (mentions, negative mentions, share) are met."""
    if score < float(rule.params.get("threshold") or SHIPPED_THRESHOLD):
        return False
    if rule.kind == "spike":
        return counts.n >= int(rule.params.get("min_mentions") or 0)
    share = counts.negative / counts.known if counts.known else 0.0
    return share >= float(rule.params.get("min_share") or 0) and counts.negative >= int(rule.params.get("min_negative") or 0)


def accepts(rules: list[Rule], reading: Reading) -> bool:
    """Whether a series rule would raise an alert on this reading of one series. Only such alarms
    start the detector's refractory period: a first bucket refused for too few mentions must not
    silence the larger buckets of the same story that follow."""
    for rule in rules:
        if rule.kind == "spike":
            wanted = reading.metric == str(rule.params.get("metric") or "volume")
        else:
            wanted = rule.kind == "negative_surge" and reading.metric in ("negative", "share")
        if wanted and _reads(rule, reading) and _enough(rule, reading.score, reading.counts):
            return True
    return False


def series_candidates(rule: Rule, readings: list[Reading]) -> list[Candidate]:
    threshold = float(rule.params.get("threshold") or SHIPPED_THRESHOLD)
    mine = [r for r in readings if _reads(rule, r)]
    by_series = {(r.watch_id, r.channel, r.metric): r for r in mine}
    out = []
    if rule.kind == "spike":
        metric = str(rule.params.get("metric") or "volume")
        for r in mine:
            if r.metric == metric and _enough(rule, r.score, r.counts):
                out.append(_series_candidate(rule, r, threshold))
    elif rule.kind == "negative_surge":
        for r in mine:
            if r.metric != "negative":
                continue
            share_reading = by_series.get((r.watch_id, r.channel, "share"))
            score = max(r.score, share_reading.score if share_reading else 0.0)
            share = r.counts.negative / r.counts.known if r.counts.known else 0.0
            if _enough(rule, score, r.counts):
                cand = _series_candidate(rule, r, threshold)
                cand.facts.update(score=round(score, 3), share=round(share, 3), negative=r.counts.negative,
                                  known=r.counts.known)
                out.append(cand)
    return out


def _series_candidate(rule: Rule, r: Reading, threshold: float) -> Candidate:
    ratio = (r.observed or 0.0) / r.baseline if r.baseline else None
    facts = {"metric": r.metric, "channel": r.channel, "bucket_start": r.bucket.isoformat(), "partial": r.partial,
             "observed": round(r.observed, 2) if r.observed is not None else None,
             "baseline": round(r.baseline, 2) if r.baseline is not None else None,
             "ratio": round(ratio, 2) if ratio is not None else None, "score": round(r.score, 3),
             "threshold": threshold, "mentions": r.counts.n}
    # One alert per series and episode: until the cooldown ends, a still-high series updates it.
    return Candidate(rule, rule.kind, r.watch_id, f"series:{r.watch_id}:{r.channel}:{r.metric}",
                     float(rule.cooldown_s), facts, reading=r)


# -- mention rules ------------------------------------------------------------------------------
def keyword_query(params: dict[str, Any]) -> Any:
    """The rule's query: its own `query`, else its keywords joined by OR (phrases quoted)."""
    if params.get("query"):
        return compile_query(str(params["query"]))
    words = [w.strip() for w in params.get("keywords") or [] if str(w).strip()]
    if not words:
        raise BadRequest("a keyword rule needs keywords or a query")
    return compile_query(" OR ".join(f'"{w}"' if " " in w else w for w in words))


def audience(row: dict[str, Any]) -> int:
    """Followers or outlet audience (measured), else the estimated reach."""
    return int(max(row.get("author_followers") or 0, row.get("outlet_audience") or 0) or row.get("reach") or 0)


def mention_candidate(rule: Rule, row: dict[str, Any], watch_ids: list[int], doc: Doc | None,
                      compiled: Any = None, story_window_s: float = 3 * 86400) -> Candidate | None:
    scope = [w for w in watch_ids if rule.covers(w)]
    if not scope or row.get("id") is None:
        return None
    facts: dict[str, Any]
    if rule.kind == "keyword":
        if doc is None or compiled is None or not compiled.matches(doc):
            return None
        facts = {"keywords": sorted(compiled.terms & doc.words) or [compiled.text]}
    elif rule.kind == "high_reach":
        reach, floor = audience(row), int(rule.params.get("min_reach") or 0)
        if is_negative(row.get("sentiment")) is not True or reach < floor:
            return None
        facts = {"audience": reach, "min_reach": floor, "author": row.get("author_handle") or row.get("author_name"),
                 "outlet": row.get("outlet")}
    else:
        return None
    mid = int(row["id"])
    # The alert book turns mention:<id> into story:<id> when the mention joins a story.
    return Candidate(rule, rule.kind, scope[0], f"mention:{mid}", story_window_s, facts, [mid])


# -- periodic rules --------------------------------------------------------------------------------
def search_candidates(store: Any, rule: Rule, workspace: dict[str, Any]) -> list[Candidate]:
    """New results in the top N of the latest snapshot for the organisation's name that are negative
    (their mention's sentiment, or the rule's `negative_query` on title and snippet). A first
    snapshot only sets the reference: nothing in it is "new"."""
    wanted = fold(str(rule.params.get("query") or workspace["name"])).strip()
    top = int(rule.params.get("top") or 10)
    negative_query = compile_query(rule.params["negative_query"]) if rule.params.get("negative_query") else None
    s = schema.search_snapshots
    with store.engine.connect() as conn:
        snaps = [dict(r) for r in conn.execute(select(s.c.id, s.c.engine, s.c.query, s.c.captured_at).where(
            s.c.workspace_id == workspace["id"]).order_by(s.c.captured_at.desc(), s.c.id.desc()).limit(500)).mappings()]
    latest: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for snap in snaps:
        if wanted and wanted in fold(snap["query"]):
            pair = latest.setdefault((snap["engine"], snap["query"]), [])
            if len(pair) < 2:
                pair.append(snap)
    out = []
    for (engine, query), pair in latest.items():
        if len(pair) < 2:
            continue
        now_results, before = _results(store, pair[0]["id"], top), _results(store, pair[1]["id"], top)
        seen = {r["canonical_url"] or r["url"] for r in before}
        for result in now_results:
            key = result["canonical_url"] or result["url"]
            if key in seen or not _negative_result(store, workspace["id"], result, negative_query):
                continue
            facts = {"engine": engine, "query": query, "rank": result["rank"], "url": result["url"],
                     "title": result["title"], "snippet": result["snippet"],
                     "captured_at": _iso(pair[0]["captured_at"]), "previous_snapshot_at": _iso(pair[1]["captured_at"])}
            out.append(Candidate(rule, "search", rule.watch_id, f"search:{engine}:{fold(query)}:{key}"[:128],
                                 30 * 86400.0, facts))
    return out


def _iso(value: datetime | None) -> str | None:
    value = as_utc(value)
    return value.isoformat() if value else None


def _results(store: Any, snapshot_id: int, top: int) -> list[dict[str, Any]]:
    r = schema.search_results
    with store.engine.connect() as conn:
        return [dict(x) for x in conn.execute(select(r).where(r.c.snapshot_id == snapshot_id, r.c.rank <= top)
                                              .order_by(r.c.rank)).mappings()]


def _negative_result(store: Any, workspace_id: int, result: dict[str, Any], negative_query: Any) -> bool:
    if negative_query is not None:
        body = f"{result.get('title') or ''}\n{result.get('snippet') or ''}"
        if negative_query.matches(Doc.build(body, url=result.get("url"))):
            return True
    m = schema.mentions
    if "sentiment" not in m.c or not result.get("canonical_url"):
        return False
    with store.engine.connect() as conn:
        sentiment = conn.execute(select(m.c.sentiment).where(
            m.c.workspace_id == workspace_id, m.c.canonical_url == result["canonical_url"]).limit(1)).scalar()
    return is_negative(sentiment) is True


def silence_candidates(store: Any, rule: Rule, workspace: dict[str, Any], now: datetime,
                       default_interval: float) -> list[Candidate]:
    """Enabled sources whose last successful run is older than `after_s` (default: three of their
    fetch intervals, at least an hour). One alert per silence: the key carries the last success."""
    names = set(rule.params.get("sources") or [])
    out = []
    for source in store.list_sources(workspace["id"]):
        if not source["enabled"] or (names and source["name"] not in names and str(source["id"]) not in names):
            continue
        if source["connector"] in HAND_FED:
            continue  # typed in or imported by hand: never expected to keep returning data
        every = float(source["interval_s"] or default_interval)
        after = float(rule.params.get("after_s") or max(3 * every, 3600.0))
        last = as_utc(source["last_success_at"]) or as_utc(source["created_at"])
        if last is None or (now - last).total_seconds() < after:
            continue
        facts = {"source": source["name"], "connector": source["connector"], "source_id": source["id"],
                 "last_success_at": _iso(source["last_success_at"]),
                 "silent_s": int((now - last).total_seconds()), "after_s": int(after),
                 "status": source["status"], "last_error": (source["last_error"] or "")[:300] or None}
        out.append(Candidate(rule, "silence", rule.watch_id, f"source:{source['id']}:{last.isoformat()}"[:128],
                             365 * 86400.0, facts))
    return out
