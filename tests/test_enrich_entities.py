from vigie.enrich.entities import EntitiesAnalyzer, rule_entities
from vigie.enrich.glossary import Glossary, GlossaryAnalyzer
from vigie.items import Mention


def _kinds(text: str) -> set[tuple[str, str]]:
    return {(e["text"], e["kind"]) for e in rule_entities(text)}


def test_rules_find_people_organisations_and_places():
    found = _kinds("La mairesse Valérie Plante a rencontré M. Michael Sabia, PDG d'Hydro-Québec, à Gatineau. "
                   "Dr. Jane Smith of the Bank of Canada and the STM spoke, with Radio-Canada.")
    assert found == {("Valérie Plante", "person"), ("Michael Sabia", "person"), ("Hydro-Québec", "organisation"),
                     ("Gatineau", "place"), ("Jane Smith", "person"), ("Bank of Canada", "organisation"),
                     ("STM", "organisation"), ("Radio-Canada", "organisation")}


def test_a_capitalised_word_opening_a_sentence_is_not_a_name():
    assert _kinds("Merci pour tout. Bravo aux équipes! Hier soir, Toronto a gagné.") == {("Toronto", "place")}
    assert rule_entities("PANNE GÉNÉRALE À MONTRÉAL") == []


def test_entities_keep_glossary_hits_and_do_not_repeat_them():
    glossary = GlossaryAnalyzer()
    glossary.glossary = Glossary([{"term": "Hydro-Québec", "kind": "brand", "aliases": []}])
    mention = Mention("test", "social", "1", text="Panne chez Hydro-Québec à Laval selon la Ville de Laval.")
    entities = EntitiesAnalyzer()
    mention = entities.process(glossary.process(mention))
    assert [(e["text"], e["source"]) for e in mention.entities] == [
        ("Hydro-Québec", "glossary"), ("Laval", "rules"), ("Ville de Laval", "rules")]
    again = entities.process(glossary.process(mention))  # a re-run replaces, never piles up
    assert again.entities == mention.entities
