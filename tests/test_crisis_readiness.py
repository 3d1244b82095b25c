from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from vigie.crisis import SCENARIOS, tables, team
from vigie.crisis import playbooks as pb
from vigie.crisis.readiness import readiness

SETTINGS = {"readiness_channels": ["social", "online_press", "broadcast"],
            "crisis_required_roles": ["lead", "spokesperson"]}


def _healthy(store, ws, name, connector, config=None):
    source = store.add_source(ws["id"], name, connector, config or {})
    store.finish_run(store.start_run(source["id"]), source["id"], "ok")
    return source


def test_an_empty_workspace_scores_zero_and_lists_every_gap(store, workspace):
    result = readiness(store, workspace["id"], SETTINGS)
    assert result["score"] == 0
    areas = [g["area"] for g in result["gaps"]]
    assert areas.count("channels") == 3 and areas.count("scenarios") == len(SCENARIOS)
    assert areas.count("team") == 2 and areas.count("drill") == 1


def test_channel_kinds_come_from_connectors_and_overrides_and_must_be_healthy(store, workspace):
    _healthy(store, workspace, "masto", "mastodon")
    _healthy(store, workspace, "radio", "rss", {"url": "https://radio.example/feed", "channel": "broadcast"})
    broken = store.add_source(workspace["id"], "journal", "rss", {"url": "https://journal.example/feed"})
    store.finish_run(store.start_run(broken["id"]), broken["id"], "error", "HTTP 500")
    result = readiness(store, workspace["id"], SETTINGS)
    assert {c: v["ok"] for c, v in result["channels"].items()} == {
        "social": True, "online_press": False, "broadcast": True}
    assert [g["item"] for g in result["gaps"] if g["area"] == "channels"] == ["online_press"]
    assert result["points"]["channels"] == 20.0


def test_only_statements_approved_in_both_languages_make_a_scenario_ready(store, workspace):
    pb.approve_statement(store, workspace["id"], "outage", "social_post", "fr", "Marie Roy")
    assert not readiness(store, workspace["id"], SETTINGS)["scenarios"]["outage"]["ready"]
    pb.approve_statement(store, workspace["id"], "outage", "phone_script", "en", "Marie Roy")
    result = readiness(store, workspace["id"], SETTINGS)
    assert result["scenarios"]["outage"] == {"playbook": True, "approved": {"fr": 1, "en": 1}, "ready": True}
    assert "outage" not in [g["item"] for g in result["gaps"]]


def test_roles_must_be_filled_and_recently_confirmed(store, workspace):
    old = datetime.now(UTC) - timedelta(days=200)
    team.set_member(store, workspace["id"], "lead", "Marie Roy", "418-555-0100", now=old)
    team.set_member(store, workspace["id"], "spokesperson", "Julie Tremblay", None)
    result = readiness(store, workspace["id"], SETTINGS)
    assert [g["item"] for g in result["gaps"] if g["area"] == "team"] == ["lead", "spokesperson"]
    team.set_member(store, workspace["id"], "spokesperson", "Julie Tremblay", "julie@ville.example")
    team.confirm(store, workspace["id"])
    assert readiness(store, workspace["id"], SETTINGS)["points"]["team"] == 25


def test_the_last_drill_date_counts(store, workspace):
    now = datetime.now(UTC)
    with store.engine.begin() as conn:
        conn.execute(insert(tables.drills).values(workspace_id=workspace["id"], scenario="outage",
                                                  started_at=now - timedelta(days=400)))
    stale = readiness(store, workspace["id"], SETTINGS)
    assert stale["points"]["drill"] == 7.5 and stale["last_drill"].date() == (now - timedelta(days=400)).date()
    with store.engine.begin() as conn:
        conn.execute(insert(tables.drills).values(workspace_id=workspace["id"], scenario="outage", started_at=now,
                                                  results={"scenario": "outage", "detected": False}))
    fresh = readiness(store, workspace["id"], SETTINGS)
    assert fresh["points"]["drill"] == 15  # practice done...
    assert [g["item"] for g in fresh["gaps"] if g["area"] == "drill"] == ["detection"]  # ...and a gap found
