import json

import pytest
import yaml
from click.testing import CliRunner

from vigie.cli import cli
from vigie.crisis import playbooks as pb


@pytest.fixture
def run(monkeypatch):
    monkeypatch.setenv("VIGIE_LANG", "en")
    monkeypatch.setenv("VIGIE_USER", "Marie Roy")
    runner = CliRunner()

    def invoke(*args, ok=True):
        result = runner.invoke(cli, list(args), catch_exceptions=False)
        assert (result.exit_code == 0) == ok, result.output
        return result

    run_json = lambda *args: json.loads(invoke(*args, "--json").stdout.strip().splitlines()[-1])  # noqa: E731
    invoke.json = run_json
    invoke("init", "--name", "Ville de Démo")
    return invoke


def test_playbook_list_json_has_the_documented_shape(run):
    rows = run.json("playbook", "list")
    assert sorted(r["id"] for r in rows) == sorted(pb.shipped())
    outage = next(r for r in rows if r["id"] == "outage")
    assert set(outage) >= {"id", "title", "languages", "statements"}
    assert outage["statements"] == {"fr": {"approved": 0, "draft": 5}, "en": {"approved": 0, "draft": 5}}
    run("playbook", "approve", "outage", "--statement", "social_post", "--lang", "fr", "--by", "Marie Roy")
    shown = run.json("playbook", "show", "outage")["statements"]
    assert [s["approved_by"] for s in shown if s["status"] == "approved"] == ["Marie Roy"]
    counts = next(r for r in run.json("playbook", "list") if r["id"] == "outage")["statements"]
    assert counts["fr"] == {"approved": 1, "draft": 4}


def test_playbook_edit_from_a_file_creates_a_version(run, tmp_path):
    data = yaml.safe_load(pb.shipped()["labour"].read_text(encoding="utf-8"))
    data["steps"].append({"fr": "Remercier les équipes.", "en": "Thank the teams."})
    path = tmp_path / "labour.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    row = run.json("playbook", "edit", "labour", "--file", str(path))
    assert row["version"] == 2 and row["steps"][-1]["en"] == "Thank the teams."


def test_incident_workflow_from_open_to_close(run):
    run("team", "set", "spokesperson", "Julie Tremblay", "--contact", "418-555-0101")
    opened = run.json("incident", "open", "Panne d'eau", "--scenario", "outage", "--severity", "high",
                      "--set", "service=d'aqueduc", "--set", "area=Limoilou", "--set", "website=ville.example")
    number = str(opened["id"])
    assert opened["status"] == "detected" and len(opened["steps"]) == 7
    run("incident", "note", number, "Les équipes sont sur place")
    run("incident", "ack", number)
    run("incident", "move", number, "responding")
    refused = run("incident", "statement", number, "--format", "social_post", "--lang", "fr", ok=False)
    assert "no approved social_post statement" in refused.output
    run("playbook", "approve", "outage", "--statement", "social_post", "--lang", "fr")
    statement = run.json("incident", "statement", number, "--format", "social_post", "--lang", "fr")
    run("incident", "publish", str(statement["id"]))
    run("incident", "move", number, "monitoring")
    refused = run("incident", "close", number, "--summary", "Bris réparé", ok=False)
    assert "review" in refused.output
    closed = run.json("incident", "close", number, "--summary", "Bris réparé", "--went-well", "Vite",
                      "--to-improve", "Carte des secteurs")
    assert closed["status"] == "closed" and closed["review_figures"]["time_to_first_statement_s"] is not None
    shown = run.json("incident", "show", number)
    kinds = [e["kind"] for e in shown["timeline"]]
    assert kinds.count("note") == 1 and kinds.count("statement") == 1 and kinds[-1] == "status"
    assert shown["timeline"][kinds.index("note")]["author"] == "Marie Roy"
    assert [i["id"] for i in run.json("incident", "list")["incidents"]] == [opened["id"]]


def test_unapproved_own_words_cannot_be_published_from_the_cli(run):
    number = str(run.json("incident", "open", "Rumeur", "--scenario", "backlash")["id"])
    own = run.json("incident", "statement", number, "--format", "social_post", "--lang", "fr",
                   "--text", "Nous lisons vos messages.")
    result = run("incident", "publish", str(own["id"]), ok=False)
    assert "not approved" in result.output


def test_readiness_json_has_a_score_and_gaps(run):
    result = run.json("readiness")
    assert 0 <= result["score"] <= 100 and result["score"] < 20
    assert any(g["area"] == "drill" for g in result["gaps"])
    run("team", "set", "lead", "Marie Roy", "--contact", "marie@ville.example")
    assert run.json("readiness")["score"] > result["score"]
