"""The readiness score ("prêt sur tous les fronts"): channels monitored and healthy, scenarios with approved
statements in both languages, the crisis team filled and recently confirmed, the last drill. See docs/crisis-room.md"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from vigie.crisis import LANGUAGES, SCENARIOS, tables
from vigie.crisis import playbooks as pb
from vigie.crisis.team import list_members
from vigie.i18n import t
from vigie.store.mentions import as_utc

# Points per area; they add up to 100. Channels and statements weigh most: without them a crisis
# is either seen late or answered late.
WEIGHTS = {"channels": 30, "scenarios": 30, "team": 25, "drill": 15}
DEFAULTS = {
    "readiness_channels": ["social", "online_press", "print_press", "broadcast", "forum", "search_result"],
    "crisis_required_roles": ["lead", "spokesperson", "legal", "social_media"],
    "readiness_source_max_age_hours": 24,
    "readiness_contact_max_age_days": 90,
    "readiness_drill_max_age_days": 180,
}


def _setting(settings: Any, name: str) -> Any:
    value = settings.get(name) if settings is not None else None
    return DEFAULTS[name] if value is None else value


def source_channel(source: dict[str, Any], classes: dict[str, type]) -> str | None:
    """The channel kind a source feeds: its configured override, else its connector's channel."""
    configured = (source.get("config") or {}).get("channel")
    if configured:
        return str(configured)
    return getattr(classes.get(source["connector"]), "channel", None)


def channels(store: Any, workspace_id: int, settings: Any, now: datetime) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    from vigie.plugins import source_classes

    classes = source_classes()
    max_age = timedelta(hours=float(_setting(settings, "readiness_source_max_age_hours")))
    wanted = list(_setting(settings, "readiness_channels"))
    found: dict[str, dict[str, Any]] = {c: {"sources": [], "healthy": []} for c in wanted}
    for source in store.list_sources(workspace_id):
        channel = source_channel(source, classes)
        if channel is None or not source["enabled"]:
            continue
        entry = found.setdefault(channel, {"sources": [], "healthy": []})
        entry["sources"].append(source["name"])
        last = as_utc(source["last_success_at"])
        if source["status"] == "ok" and last is not None and now - last <= max_age:
            entry["healthy"].append(source["name"])
    gaps = []
    for channel in wanted:
        entry = found[channel]
        entry["ok"] = bool(entry["healthy"])
        if not entry["sources"]:
            gaps.append({"area": "channels", "item": channel, "message": t("readiness.channel_unmonitored", channel=channel)})
        elif not entry["healthy"]:
            gaps.append({"area": "channels", "item": channel, "message": t(
                "readiness.channel_unhealthy", channel=channel, sources=", ".join(entry["sources"]),
                hours=max_age.total_seconds() / 3600)})
    return found, gaps


def scenarios(store: Any, workspace_id: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Only approved statements count; a scenario is ready with approved statements in both languages."""
    latest = {r["slug"]: r for r in pb.latest_versions(store, workspace_id)}
    counts = pb.statement_counts(store, [r["id"] for r in latest.values()])
    out, gaps = {}, []
    for scenario in SCENARIOS:
        row = latest.get(scenario)
        approved = {lang: counts[row["id"]][lang]["approved"] for lang in LANGUAGES} if row else dict.fromkeys(LANGUAGES, 0)
        ready = row is not None and all(approved.values())
        out[scenario] = {"playbook": row is not None, "approved": approved, "ready": ready}
        if row is None:
            gaps.append({"area": "scenarios", "item": scenario, "message": t("readiness.no_playbook", scenario=scenario)})
        elif not ready:
            missing = [lang for lang, n in approved.items() if not n]
            gaps.append({"area": "scenarios", "item": scenario, "message": t(
                "readiness.no_approved_statement", scenario=scenario, languages=", ".join(missing))})
    return out, gaps


def team(store: Any, workspace_id: int, settings: Any, now: datetime) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    max_age = timedelta(days=float(_setting(settings, "readiness_contact_max_age_days")))
    members = {m["role"]: m for m in list_members(store, workspace_id)}
    out, gaps = {}, []
    for role in _setting(settings, "crisis_required_roles"):
        member = members.get(role)
        confirmed = member["confirmed_at"] if member else None
        filled = bool(member and member["name"] and member["contact"])
        fresh = confirmed is not None and now - confirmed <= max_age
        out[role] = {"name": member["name"] if member else None, "filled": filled, "confirmed_at": confirmed,
                     "ok": filled and fresh}
        if not member:
            gaps.append({"area": "team", "item": role, "message": t("readiness.role_missing", role=t(f"role.{role}"))})
        elif not filled:
            gaps.append({"area": "team", "item": role, "message": t("readiness.contact_missing", role=t(f"role.{role}"))})
        elif not fresh:
            gaps.append({"area": "team", "item": role, "message": t(
                "readiness.role_stale", role=t(f"role.{role}"), days=max_age.days,
                date=confirmed.date().isoformat() if confirmed else "-")})
    return out, gaps


def last_drill(store: Any, workspace_id: int) -> tuple[datetime | None, dict[str, Any] | None]:
    """When the last drill started, and its results."""
    d = tables.drills
    with store.engine.connect() as conn:
        row = conn.execute(select(d.c.started_at, d.c.results).where(d.c.workspace_id == workspace_id)
                           .order_by(d.c.started_at.desc(), d.c.id.desc()).limit(1)).first()
    return (as_utc(row[0]), row[1]) if row else (None, None)


def readiness(store: Any, workspace_id: int, settings: Any = None, now: datetime | None = None) -> dict[str, Any]:
    """{"score": 0-100, "gaps": [{"area", "item", "message"}], "channels", "scenarios", "team", "last_drill"}."""
    now = now or datetime.now(UTC)
    chan, chan_gaps = channels(store, workspace_id, settings, now)
    scen, scen_gaps = scenarios(store, workspace_id)
    crew, crew_gaps = team(store, workspace_id, settings, now)
    drilled, results = last_drill(store, workspace_id)
    max_drill_age = timedelta(days=float(_setting(settings, "readiness_drill_max_age_days")))
    drill_gaps = []
    if drilled is None:
        drill_gaps.append({"area": "drill", "item": "drill", "message": t("readiness.no_drill")})
    elif now - drilled > max_drill_age:
        drill_gaps.append({"area": "drill", "item": "drill", "message": t(
            "readiness.drill_stale", date=drilled.date().isoformat(), days=max_drill_age.days)})
    undetected = []  # a drill the alert rules missed is practice done, and a gap to close
    if drilled and results and results.get("detected") is False:
        undetected.append({"area": "drill", "item": "detection", "message": t(
            "readiness.drill_undetected", scenario=results.get("scenario"), date=drilled.date().isoformat())})

    def share(parts: dict[str, Any], key: str) -> float:
        return sum(1 for v in parts.values() if v[key]) / len(parts) if parts else 1.0

    wanted = {c: chan[c] for c in _setting(settings, "readiness_channels")}
    parts = {"channels": share(wanted, "ok"), "scenarios": share(scen, "ready"), "team": share(crew, "ok"),
             "drill": 1.0 if not drill_gaps else (0.5 if drilled else 0.0)}  # a stale drill still counts half
    points = {area: round(WEIGHTS[area] * value, 1) for area, value in parts.items()}
    return {"score": round(sum(points.values())), "points": points, "weights": WEIGHTS,
            "gaps": chan_gaps + scen_gaps + crew_gaps + drill_gaps + undetected,
            "channels": chan, "scenarios": scen, "team": crew, "last_drill": drilled}
