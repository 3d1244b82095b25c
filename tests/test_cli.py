import json

import pytest
from click.testing import CliRunner

from vigie.cli import cli

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Le Soleil</title>
<item><guid>a1</guid><title>Panne chez Hydro-Québec à Limoilou</title><link>https://lesoleil.example/a1</link>
<description>Des milliers de clients sans électricité.</description><pubDate>Fri, 27 Nov 2026 10:00:00 GMT</pubDate></item>
<item><guid>a2</guid><title>Budget municipal adopté</title><link>https://lesoleil.example/a2</link>
<description>Le conseil adopte le budget.</description><pubDate>Fri, 27 Nov 2026 11:00:00 GMT</pubDate></item>
</channel></rss>"""


@pytest.fixture
def run(monkeypatch):
    monkeypatch.setenv("VIGIE_ALLOW_PRIVATE_NETWORKS", "1")
    monkeypatch.setenv("VIGIE_POLITENESS_DELAY", "0")
    monkeypatch.setenv("VIGIE_LANG", "en")
    runner = CliRunner()

    def invoke(*args, ok=True):
        result = runner.invoke(cli, list(args), catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output
        return result

    return invoke


def _json(result):
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_listening_workflow_from_init_to_search(run, httpserver):
    httpserver.expect_request("/feed.xml").respond_with_data(FEED, content_type="application/rss+xml")
    run("init", "--name", "Ville de Démo")
    run("watch", "add", "marque", '"Hydro-Québec" AND panne')
    run("source", "add", "soleil", "rss", "--set", f"url={httpserver.url_for('/feed.xml')}")
    fetched = _json(run("fetch", "--json"))
    assert fetched[0]["status"] == "ok" and fetched[0]["new"] == 2 and fetched[0]["matches"] == 1
    assert _json(run("fetch", "--json"))[0]["new"] == 0  # re-running never duplicates
    watched = _json(run("mentions", "--watch", "marque", "--json"))
    assert [m["title"] for m in watched] == ["Panne chez Hydro-Québec à Limoilou"]
    # The default pipeline ran on the new mentions: language identified, sentiment scored.
    assert watched[0]["language"] == "fr" and watched[0]["sentiment"] in {"negative", "neutral", "positive"}
    assert [m["title"] for m in _json(run("search", "hydro quebec", "--json"))] == ["Panne chez Hydro-Québec à Limoilou"]
    assert _json(run("watch", "list", "--json"))[0]["matches"] == 1
    preview = _json(run("watch", "test", "budget", "--json"))
    assert [m["title"] for m in preview["matches"]] == ["Budget municipal adopté"]
    health = _json(run("source", "list", "--json"))[0]
    # The second run asked the feed again but the cursor knew both entries: nothing re-read.
    assert (health["status"], health["items_new"], health["items_seen"]) == ("ok", 2, 2)


def test_source_without_credentials_is_disabled_with_the_setting_to_provide(run):
    run("init", "--name", "Coop")
    result = run("source", "add", "masto", "mastodon", "--set", "instance=https://mastodon.example",
                 "--set", "query=coop", "--json")
    assert "token" in _json(result)["warning"]
    outcome = _json(run("fetch", "--json"))[0]
    assert outcome["status"] == "disabled" and "token" in outcome["message"]


def test_source_add_refuses_private_addresses_unless_allowed(run, monkeypatch):
    run("init", "--name", "Coop")
    monkeypatch.setenv("VIGIE_ALLOW_PRIVATE_NETWORKS", "0")
    result = run("source", "add", "local", "rss", "--set", "url=http://127.0.0.1:9/feed", ok=False)
    assert result.exit_code != 0 and "private" in result.output


def test_malformed_query_error_points_at_the_position(run):
    run("init", "--name", "Coop")
    result = run("watch", "add", "bad", "panne AND (hydro OR", ok=False)
    assert result.exit_code == 1 and "position" in result.output and "^" in result.output


def test_import_and_manual_mentions(run, tmp_path):
    run("init", "--name", "Université")
    data = tmp_path / "clips.ndjson"
    data.write_text('{"external_id": "1", "text": "Grève à l\'université", "channel": "broadcast"}\n'
                    "{oops\n"
                    '{"external_id": "2", "text": "Rentrée réussie", "channel": "print_press"}\n', encoding="utf-8")
    first = _json(run("import", str(data), "--json"))
    assert (first["new"], first["rejected"], first["reasons"]) == (2, 1, {"invalid-json": 1})
    assert _json(run("import", str(data), "--json"))["new"] == 0
    added = _json(run("mention", "add", "--text", "Entrevue du recteur à la radio", "--channel", "radio",
                      "--outlet", "CKRL", "--json"))
    assert added["new"] == 1
    rows = _json(run("mentions", "--channel", "broadcast", "--json"))
    assert {r["text"] for r in rows} == {"Grève à l'université", "Entrevue du recteur à la radio"}
    rejected = _json(run("source", "rejections", "--json"))
    assert rejected[0]["reason"] == "invalid-json" and "line 2" in rejected[0]["detail"]


def test_messages_are_french_by_default(run, monkeypatch):
    monkeypatch.setenv("VIGIE_LANG", "fr")
    assert "créé" in run("init", "--name", "Ville").output
    assert "ajoutée" in run("watch", "add", "w", "eau").output


def test_credentials_are_refused_in_clear_and_stored_as_env_references(run):
    run("init", "--name", "Coop")
    refused = run("source", "add", "masto", "mastodon", "--set", "instance=https://mastodon.example",
                  "--set", "token=s3cr3t", ok=False)
    assert refused.exit_code != 0 and "--secret" in refused.output
    added = _json(run("source", "add", "masto", "mastodon", "--set", "instance=https://mastodon.example",
                      "--secret", "token=MASTO_TOKEN", "--json"))
    assert added["config"]["token"] == {"$env": "MASTO_TOKEN"}
