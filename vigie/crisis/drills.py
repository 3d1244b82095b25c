"""Drills: a simulated crisis played in a sandbox workspace, through ingest, the alert engine and the
incident workflow, on a simulated clock. See docs/crisis-room.md"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from vigie.crisis import SCENARIOS, tables
from vigie.crisis import incidents as inc
from vigie.crisis import playbooks as pb
from vigie.crisis.drill_texts import BASELINE, CLOSERS, CRISIS, OPENERS, OUTLETS
from vigie.crisis.team import list_members, set_member
from vigie.exceptions import BadRequest, NotConfigured
from vigie.i18n import t
from vigie.ingest import Ingestor
from vigie.items import Mention

BASELINE_DAYS = 3.0  # the detectors need more than a day of ordinary chatter before they may alarm
BASELINE_PER_HOUR = 2.0
CRISIS_MINUTES = 90
STEP = timedelta(minutes=1)  # the simulated clock's tick: one ingest batch, which the engine observes
PEAK_PER_MINUTE = 4.0
ATTACH_EVERY = timedelta(minutes=5)  # as a scheduler would after each fetch, not after every batch
RESPONDER = "drill responder (simulation)"
_HAS_SENTIMENT = "sentiment_score" in Mention.__dataclass_fields__


class _Overlay:
    """The app's settings with a few values replaced, for the sandbox's own alert engine."""

    def __init__(self, base: Any, **values: Any) -> None:
        self.base, self.values = base, values

    def get(self, name: str, default: Any = None) -> Any:
        return self.values[name] if name in self.values else self.base.get(name, default)

    def __getitem__(self, name: str) -> Any:
        return self.values[name] if name in self.values else self.base[name]


# Rules that read the mentions themselves; search and silence rules watch sources a sandbox lacks.
DRILL_RULE_KINDS = ("spike", "negative_surge", "keyword", "high_reach")


def register_engine(store: Any, real: dict[str, Any], sandbox: dict[str, Any], settings: Any) -> Any:
    """Give the sandbox the real workspace's alert rules (the shipped spike rule when it has none)
    and its own alert engine; NotConfigured when the alerting engine is missing.

    The drill exercises the organisation's own detection set-up, on the sandbox's one watch.

    Ingest hands every committed batch to the engine at the real time, while the simulated crisis
    unfolds over the last CRISIS_MINUTES: a grace period covering the whole crisis keeps its buckets
    open (scored as they fill) instead of learnt as history the moment they are written.
    """
    try:
        from vigie.signals.engine import engine_for
        from vigie.signals.rules import add_rule, list_rules
    except ImportError as exc:
        raise NotConfigured(t("drill.needs_alerting", reason=str(exc))) from None
    watch = store.list_watches(sandbox["id"])[0]
    rules = [r for r in list_rules(store, real["id"], enabled_only=True) if r.kind in DRILL_RULE_KINDS]
    for rule in rules:
        add_rule(store, sandbox["id"], rule.name, rule.kind, watch_id=None if rule.watch_id is None else watch["id"],
                 params=rule.params, severity=rule.severity, cooldown_s=rule.cooldown_s,
                 group_by_story=rule.group_by_story)
    if not rules:
        add_rule(store, sandbox["id"], "drill: spike", "spike", watch_id=watch["id"], severity="critical")
    sandbox["rules"] = [r.name for r in list_rules(store, sandbox["id"])]
    grace = CRISIS_MINUTES * 60 + 15 * 60
    # background=False: deliveries (none: a sandbox has no alert channels) would run in this thread.
    return engine_for(store, sandbox["id"], _Overlay(settings, signal_grace=grace), background=False)


def _alerts_after(store: Any, workspace_id: int, after_id: int) -> list[int]:
    from vigie.signals.tables import alerts

    with store.engine.connect() as conn:
        return list(conn.execute(select(alerts.c.id).where(alerts.c.workspace_id == workspace_id, alerts.c.id > after_id)
                                 .order_by(alerts.c.id)).scalars())


def _engine_saw(store: Any, workspace_id: int) -> bool:
    """Whether ingest handed the sandbox's batches to the alert engine (its heartbeat is written)."""
    from vigie.signals.tables import signal_workspaces as sw

    with store.engine.connect() as conn:
        return conn.execute(select(sw.c.last_flush_at).where(sw.c.workspace_id == workspace_id)).scalar() is not None


def _mentions(scenario: str, org: str, onset: datetime, seed: int) -> Iterator[Mention]:
    """Everyday chatter for BASELINE_DAYS before ``onset``, then a crisis that builds over CRISIS_MINUTES."""
    rng = random.Random(seed)
    n = 0

    def mention(language: str, channel: str, text: str, when: datetime, mood: float) -> Mention:
        nonlocal n
        n += 1
        score = max(-1.0, min(1.0, rng.gauss(mood, 0.2)))
        feeling: dict[str, Any] = {}
        if _HAS_SENTIMENT:  # the simulated sentiment lets the review compare before, during and after
            label = "negative" if score <= -0.25 else ("positive" if score >= 0.25 else "neutral")
            feeling = {"sentiment": label, "sentiment_score": round(score, 2), "sentiment_model": "drill-simulation"}
        body = " ".join(p for p in (rng.choice(OPENERS[language]), text.format(org=org),
                                    rng.choice(CLOSERS[language])) if p)
        outlet = rng.choice(OUTLETS.get(channel, OUTLETS["social"]))
        return Mention(source="drill", channel=channel, external_id=f"drill-{seed}-{n}", text=body,
                       language=language, published_at=when, outlet=outlet,
                       author_handle=f"@simul{rng.randrange(1, 400)}" if channel == "social" else None,
                       author_followers=rng.choice((80, 250, 900, 4000, 25_000)) if channel == "social" else None,
                       url=f"https://drill.invalid/{seed}/{n}", raw={"simulation": True, "scenario": scenario},
                       **feeling)

    when = onset - timedelta(days=BASELINE_DAYS)
    while True:  # a Poisson process: exponential gaps between posts
        when += timedelta(hours=rng.expovariate(BASELINE_PER_HOUR))
        if when >= onset:
            break
        language, text = rng.choice(BASELINE)
        yield mention(language, "social", text, when, 0.2)
    lines = CRISIS[scenario]
    for minute in range(CRISIS_MINUTES):
        # Logistic growth: a few posts at first, the surge about twenty minutes in.
        rate = PEAK_PER_MINUTE / (1.0 + math.exp(-(minute - 22) / 5.0))
        count = sum(1 for _ in range(12) if rng.random() < rate / 12)
        first = minute == 0
        for i in range(max(count, 1 if first else 0)):
            language, channel, text = lines[0] if first else rng.choice(lines)
            yield mention(language, channel, text, onset + timedelta(minutes=minute, seconds=5 + 50 * i / max(count, 1)),
                          -0.6)


def _sandbox(store: Any, real: dict[str, Any], scenario: str, now: datetime) -> dict[str, Any]:
    slug = f"drill-{scenario}-{now:%Y%m%d%H%M%S}"
    sandbox = store.create_workspace(slug, f"{real['name']} — {scenario} (simulation)", real["language"],
                                     real["timezone"], kind="sandbox")
    for member in list_members(store, real["id"]):  # the real team and playbook, as they stand
        set_member(store, sandbox["id"], member["role"], member["name"], member["contact"], confirmed=False)
    pb.copy_latest(store, real["id"], sandbox["id"], scenario)
    org = real["name"].replace('"', " ").strip() or "Organisation"
    store.add_watch(sandbox["id"], "drill", f'"{org}"')
    return sandbox


def run_drill(app: Any, real: dict[str, Any], scenario: str, ack_after: float = 300.0,
              seed: int | None = None) -> dict[str, Any]:
    """Play ``scenario`` in a new sandbox workspace; the real workspace only gains a row in `drills`.

    Ordinary days of chatter are ingested first, then the crisis minute by minute up to now, each
    minute one ingest batch (which the alert engine observes, as in production). The first alert
    opens an incident; the simulated responder acknowledges it ``ack_after`` seconds after the alert.
    Times are on the simulated clock: the minute of the batch that raised the alert is its detection.
    """
    if scenario not in SCENARIOS:
        raise BadRequest(t("playbook.unknown", id=scenario, known=", ".join(SCENARIOS)))
    if real.get("kind") == "sandbox":
        raise BadRequest(t("drill.not_in_sandbox"))
    store, started = app.store, datetime.now(UTC)
    onset = started.replace(second=0, microsecond=0) - timedelta(minutes=CRISIS_MINUTES)
    sandbox = _sandbox(store, real, scenario, started)
    register_engine(store, real, sandbox, app.settings)
    from vigie.signals.engine import release  # importable: register_engine checked it

    try:
        return _play(store, real, sandbox, scenario, started, onset, ack_after, seed, app.settings)
    finally:
        release(store, sandbox["id"])  # a finished sandbox keeps no engine registered in this process


def _play(store: Any, real: dict[str, Any], sandbox: dict[str, Any], scenario: str, started: datetime,
          onset: datetime, ack_after: float, seed: int | None, settings: Any) -> dict[str, Any]:
    """The drill itself, once the sandbox and its engine exist."""
    source = store.ensure_source(sandbox["id"], "drill (simulation)", "drill")
    ingestor = Ingestor(store, sandbox, source, settings)
    items = [(m.published_at or onset, m) for m in _mentions(
        scenario, real["name"], onset, seed if seed is not None else started.toordinal())]
    ingestor.run([m for when, m in items if when < onset])  # learnt as history
    if not _engine_saw(store, sandbox["id"]):
        raise NotConfigured(t("drill.needs_alerting", reason="ingest does not hand its batches to vigie.signals"))
    crisis = [(when, m) for when, m in items if when >= onset]
    injected = len(items) - len(crisis)
    alert_id: int | None = None
    incident_id: int | None = None
    clock, ack_at = onset, None
    while clock < onset + timedelta(minutes=CRISIS_MINUTES):
        batch = [m for when, m in crisis if clock <= when < clock + STEP]
        clock += STEP
        ingestor.run(batch)
        injected += len(batch)
        if incident_id is None:
            fired = _alerts_after(store, sandbox["id"], 0)
            if fired:
                alert_id, ack_at = fired[0], clock + timedelta(seconds=ack_after)
                incident_id = inc.open_incident(
                    store, sandbox["id"], t("drill.incident_title", scenario=scenario), scenario=scenario,
                    alert_ids=[alert_id], severity="high", by=RESPONDER, detected_at=clock, now=clock)["id"]
        elif (clock - onset) % ATTACH_EVERY == timedelta(0):
            inc.attach_new_mentions(store, sandbox["id"], now=clock)
        if ack_at is not None and incident_id is not None and clock >= ack_at:
            inc.acknowledge(store, incident_id, RESPONDER, ack_at)
            ack_at = None
    if ack_at is not None and incident_id is not None:  # the responder answers after the simulation ends
        inc.acknowledge(store, incident_id, RESPONDER, ack_at)
    return _record(store, real, sandbox, scenario, started, onset, injected, alert_id, incident_id)


def _record(store: Any, real: dict[str, Any], sandbox: dict[str, Any], scenario: str, started: datetime,
            onset: datetime, injected: int, alert_id: int | None, incident_id: int | None) -> dict[str, Any]:
    incident = inc.get_incident(store, incident_id) if incident_id is not None else None

    def seconds(start: datetime | None, end: datetime | None) -> float | None:
        return round((end - start).total_seconds(), 1) if start and end else None

    result = {
        "scenario": scenario, "mentions_injected": injected, "detected": incident is not None,
        "time_to_detect_s": seconds(onset, incident["detected_at"]) if incident else None,
        "time_to_acknowledge_s": seconds(incident["detected_at"], incident["acknowledged_at"]) if incident else None,
        "incident_id": incident_id, "alert_id": alert_id, "sandbox": sandbox["slug"], "rules": sandbox["rules"],
        "onset_at": onset.isoformat(),
    }
    with store.engine.begin() as conn:
        conn.execute(insert(tables.drills).values(
            workspace_id=real["id"], sandbox_workspace_id=sandbox["id"], scenario=scenario, started_at=started,
            finished_at=datetime.now(UTC), results=result))
    return result
