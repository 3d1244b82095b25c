import json
from datetime import UTC, datetime

import pytest

from vigie.enrich.glossary import Glossary, GlossaryAnalyzer, add_term, list_terms, remove_term
from vigie.enrich.rerun import reenrich
from vigie.exceptions import BadRequest
from vigie.ingest import Ingestor
from vigie.items import Mention
from vigie.settings import Settings


def _mention(text: str, i: int = 0) -> Mention:
    return Mention(source="test", channel="social", external_id=str(i), text=text,
                   published_at=datetime(2026, 11, 1, tzinfo=UTC))


def test_glossary_matches_whole_words_without_accents_or_case():
    glossary = Glossary([{"term": "Hydro-Québec", "kind": "brand", "aliases": ["HQ"]},
                         {"term": "Hydro-Québec Distribution", "kind": "brand", "aliases": []},
                         {"term": "Sophie Brochu", "kind": "person", "aliases": []}])
    analyzer = GlossaryAnalyzer()
    analyzer.glossary = glossary
    m = analyzer.process(_mention("HYDRO-QUEBEC distribution répond; sophie brochu et hq aussi. HQs non."))
    assert [(e["term"], e["kind"]) for e in m.entities] == [
        ("Hydro-Québec Distribution", "brand"), ("Sophie Brochu", "person"), ("Hydro-Québec", "brand")]
    assert analyzer.process(_mention("hydroquebec et Sophie seule")).entities is None


def test_glossary_terms_are_stored_per_workspace(store, workspace):
    other = store.create_workspace("autre", "Autre", "fr")
    add_term(store, workspace["id"], "Vidéotron", "competitor", ["Videotron", "Vidéotron"])
    add_term(store, workspace["id"], "Vidéotron", "brand")  # replaces kind and aliases
    add_term(store, other["id"], "STM", "brand")
    rows = list_terms(store, workspace["id"])
    assert [(r["term"], r["kind"], r["aliases"]) for r in rows] == [("Vidéotron", "brand", [])]
    with pytest.raises(BadRequest):
        add_term(store, workspace["id"], "X", "planet")
    assert remove_term(store, workspace["id"], "Vidéotron") and not remove_term(store, workspace["id"], "Vidéotron")
    assert [r["term"] for r in list_terms(store, other["id"])] == ["STM"]


def test_ingest_and_rerun_store_glossary_hits_of_the_workspace(store, workspace):
    add_term(store, workspace["id"], "Université Laval", "brand", ["ULaval"])
    source = store.ensure_source(workspace["id"], "src", "test")
    settings = Settings(overrides={"pipeline": ["glossary"]})
    Ingestor(store, workspace, source, settings, analyzers=[GlossaryAnalyzer(settings)]).run(
        [_mention("Grève à l'ULaval ce matin", 1), _mention("Rien à signaler", 2)])
    rows = {m["external_id"]: m for m in store.list_mentions(workspace["id"])}
    assert rows["1"]["entities"] == [{"text": "ULaval", "kind": "brand", "source": "glossary",
                                      "term": "Université Laval"}]
    assert rows["2"]["entities"] is None
    add_term(store, workspace["id"], "Grève", "other")
    assert reenrich(store, settings, workspace["id"])["changed"] == 1
    rows = {m["external_id"]: m for m in store.list_mentions(workspace["id"])}
    assert [e["term"] for e in rows["1"]["entities"]] == ["Grève", "Université Laval"]


def test_glossary_cli_adds_lists_and_removes(monkeypatch):
    from click.testing import CliRunner

    from vigie.cli import cli

    monkeypatch.setenv("VIGIE_LANG", "en")
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(cli, list(args), catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    run("init", "--name", "Ville de Démo")
    assert "Hydro-Québec (brand, 1 aliases)" in run("glossary", "add", "Hydro-Québec", "--kind", "brand", "--alias", "HQ")
    rows = json.loads(run("glossary", "list", "--json").splitlines()[-1])
    assert [(r["term"], r["aliases"]) for r in rows] == [("Hydro-Québec", ["HQ"])]
    run("glossary", "remove", "Hydro-Québec")
    assert runner.invoke(cli, ["glossary", "remove", "Hydro-Québec"]).exit_code == 1
