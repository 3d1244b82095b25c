import json
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from vigie.cli import cli
from vigie.crisis import incidents as inc
from vigie.crisis.drills import run_drill
from vigie.crisis.readiness import readiness
from vigie.ingest import Ingestor
from vigie.items import Mention
from vigie.signals.engine import forget
from vigie.signals.rules import add_rule
from vigie.signals.tables import alerts
from vigie.store import schema


def _snapshot(store, workspace_id):
    """Everything a drill must leave alone in the real workspace."""
    with store.engine.connect() as conn:
        def rows(table, *columns):
            return conn.execute(select(*columns).where(table.c.workspace_id == workspace_id)
                                .order_by(columns[0])).all()

        from vigie.crisis.tables import incident_events, incidents
        return {
            "mentions": rows(schema.mentions, schema.mentions.c.id, schema.mentions.c.text),
            "alerts": rows(alerts, alerts.c.id, alerts.c.status),
            "incidents": rows(incidents, incidents.c.id, incidents.c.status, incidents.c.updated_at),
            "events": conn.execute(select(func.count()).select_from(incident_events).where(
                incident_events.c.workspace_id == workspace_id)).scalar_one(),
        }


@pytest.fixture
def real(store, workspace, settings):
    watch = store.add_watch(workspace["id"], "marque", '"Ville de Démo"')
    add_rule(store, workspace["id"], "pointe", "spike", watch_id=watch["id"], params={"min_mentions": 5})
    source = store.ensure_source(workspace["id"], "src", "test")
    now = datetime.now(UTC)
    Ingestor(store, workspace, source, settings).run([
        Mention(source="test", channel="social", external_id=f"r{i}", text=f"Ville de Démo, message {i}",
                published_at=now - timedelta(hours=i)) for i in range(5)])
    inc.open_incident(store, workspace["id"], "Vrai incident", watch_ids=[watch["id"]])
    yield workspace
    forget(store)  # close this store's alert engines while its database is still there


def test_a_drill_detects_opens_and_acknowledges_in_a_sandbox_only(store, real, settings):
    before = _snapshot(store, real["id"])
    result = run_drill(SimpleNamespace(store=store, settings=settings), real, "outage", ack_after=240, seed=7)
    assert result["detected"] is True and result["time_to_acknowledge_s"] == 240
    assert 0 < result["time_to_detect_s"] < 90 * 60 and result["mentions_injected"] > 150
    incident = inc.details(store, result["incident_id"])
    sandbox = store.get_workspace(result["sandbox"])
    assert incident["workspace_id"] == sandbox["id"] and sandbox["kind"] == "sandbox"
    assert incident["alert_ids"] == [result["alert_id"]] and incident["status"] == "assessing"
    assert len(incident["steps"]) == 7 and incident["mention_count"] > 20
    assert _snapshot(store, real["id"]) == before
    assert readiness(store, real["id"])["last_drill"] is not None
    assert store.get_workspace()["slug"] == real["slug"]  # the sandbox is never the default workspace


def test_drill_command_prints_the_documented_fields(monkeypatch):
    monkeypatch.setenv("VIGIE_LANG", "en")
    runner = CliRunner()
    runner.invoke(cli, ["init", "--name", "Coop Laurentides"], catch_exceptions=False)
    result = runner.invoke(cli, ["drill", "recall", "--ack-after", "120", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert {"scenario", "mentions_injected", "detected", "time_to_detect_s", "time_to_acknowledge_s",
            "incident_id"} <= set(data)
    assert data["scenario"] == "recall" and data["mentions_injected"] > 150
