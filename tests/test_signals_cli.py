"""`vigie alerts rules|channels|list|test|ack` with --json, end to end on a SQLite store."""

import json

import pytest
from click.testing import CliRunner

from vigie.cli import cli


@pytest.fixture
def run(monkeypatch):
    monkeypatch.setenv("VIGIE_ALLOW_PRIVATE_NETWORKS", "1")  # the receiver listens on loopback
    monkeypatch.setenv("VIGIE_ALERT_DIGEST_TIME", "")  # no daily digest whatever the hour the test runs
    runner = CliRunner()

    def invoke(*args):
        result = runner.invoke(cli, list(args), catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return json.loads(result.output.strip().splitlines()[-1]) if "--json" in args else result.output
    invoke("init", "--name", "Ville de Démo", "--slug", "ville", "--json")
    invoke("watch", "add", "Hydro", "hydro", "--json")
    return invoke


def test_rules_and_channels_are_added_and_listed(run):
    channel = run("alerts", "channels", "add", "hook", "webhook", "--set", "url=http://127.0.0.1:9/x",
                  "--secret", "secret=HOOK_SECRET", "--json")
    assert channel["config"]["secret"] == {"$env": "HOOK_SECRET"}
    rule = run("alerts", "rules", "add", "Grève", "--kind", "keyword", "--watch", "Hydro", "--set",
               "keywords=grève,boycott", "--quiet-hours", "22:00-07:00", "--channel", "hook", "--json")
    assert rule["params"]["keywords"] == ["grève", "boycott"] and rule["channel_ids"] == [channel["id"]]
    [listed] = run("alerts", "rules", "--json")
    assert listed["name"] == "Grève" and listed["quiet_hours"] == "22:00-07:00"
    assert [c["name"] for c in run("alerts", "channels", "--json")] == ["hook"]


def test_alert_is_raised_listed_tested_and_acknowledged(run, httpserver):
    httpserver.expect_request("/hook").respond_with_data("ok")
    run("alerts", "channels", "add", "hook", "webhook", "--set", f"url={httpserver.url_for('/hook')}")
    sent = run("alerts", "test", "--channel", "hook", "--json")
    assert sent["ok"] and sent["status"] == 200
    run("alerts", "rules", "add", "Boycott", "--kind", "keyword", "--set", "keywords=boycott", "--digest")
    run("mention", "add", "--text", "Appel au boycott d'Hydro", "--outlet", "Le Devoir", "--json")
    alerts = run("alerts", "list", "--json")
    keyword = next(a for a in alerts if a["kind"] == "keyword")
    assert keyword["status"] == "digest" and keyword["explanation"]["keywords"] == ["boycott"]
    assert run("alerts", "test", "--json")["new_alerts"] == []  # nothing new to say
    acked = run("alerts", "ack", str(keyword["id"]), "--by", "marie", "--json")
    assert acked["status"] == "acknowledged" and acked["acknowledged_by"] == "marie"
