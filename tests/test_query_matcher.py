"""Watch-query matching: every operator, folding, fields, NEAR windows and the WatchIndex."""

import pytest

from vigie.exceptions import QuerySyntaxError
from vigie.items import Mention
from vigie.query import Doc, WatchIndex, compile_query

TEXT = "Panne majeure chez HYDRO-QUÉBEC ce matin : des milliers de clients sans courant à Montréal."
DOC = Doc.build(TEXT, url="https://www.lapresse.ca/actualites/2024/panne.php", author="@JTremblay",
                author_name="Jean Tremblay", language="fr-CA")


def matches(query: str, doc: Doc = DOC) -> bool:
    return compile_query(query).matches(doc)


@pytest.mark.parametrize("text", ["hydro quebec", "HYDRO-QUÉBEC", "Hydro-Quebec", "l’Hydro‑Québec", "hydro, québec"])
def test_hyphenated_term_matches_any_case_accent_or_separator(text):
    assert matches("Hydro-Québec", Doc.build(text))


def test_phrase_needs_its_words_in_order_and_adjacent():
    assert matches('"sans courant"')
    assert not matches('"courant sans"')
    assert not matches('"panne chez"')


def test_boolean_operators():
    assert matches("panne AND montreal")
    assert matches("panne montréal")
    assert not matches("panne AND outage")
    assert matches("outage OR panne")
    assert not matches("outage OR blackout")
    assert matches("panne NOT outage")
    assert not matches("panne NOT montreal")
    assert matches("NOT outage")
    assert matches("panne ET (outage OU courant) SAUF tempete")


def test_wildcards_stay_within_one_word():
    assert matches("mill*")
    assert matches("client?")
    assert matches("mont*al")
    assert matches("*real")
    assert not matches("client?s")
    assert not matches("hydro*quebec")  # the text has two words, hydro and quebec
    assert matches('"des mill* de"')


def test_near_counts_the_words_between_in_any_order():
    # panne(0) majeure chez hydro(3): two words between.
    assert matches("panne NEAR/2 hydro")
    assert matches("hydro NEAR/2 panne")
    assert not matches("panne NEAR/1 hydro")
    assert matches("hydro NEAR/0 quebec")


def test_onear_keeps_the_order():
    assert matches("panne ONEAR/2 hydro")
    assert not matches("hydro ONEAR/2 panne")
    assert not matches("quebec ONEAR/5 hydro")


def test_near_takes_phrases_and_or_groups():
    assert matches('"sans courant" NEAR/3 (montreal OR laval)')
    assert matches('(outage OR panne) NEAR/3 "hydro quebec"')
    assert not matches('(outage OR blackout) NEAR/3 "hydro quebec"')
    assert matches("mill* NEAR/1 client?")


def test_near_needs_two_distinct_occurrences():
    assert not matches("panne NEAR/5 panne")
    assert matches("panne NEAR/5 panne", Doc.build("panne puis encore une panne"))


def test_near_chains_use_the_span_of_the_inner_pair():
    assert matches("(panne NEAR/0 majeure) NEAR/1 hydro")
    assert not matches("(panne NEAR/0 majeure) NEAR/1 montreal")


def test_site_matches_host_and_parent_domains():
    assert matches("site:lapresse.ca")
    assert matches("site:www.lapresse.ca")
    assert matches("site:ca")
    assert not matches("site:presse.ca")
    assert not matches("site:lapresse.ca", Doc.build(TEXT, url="https://lapresse.ca.evil.com/x"))
    assert not matches("site:lapresse.ca", Doc.build(TEXT))


def test_author_matches_handle_or_name_folded():
    assert matches("author:jtremblay")
    assert matches("author:@JTREMBLAY")
    assert matches('author:"jean TREMBLAY"')
    assert not matches("author:tremblay")
    mastodon = Doc.build("x", author="@alice@mastodon.social")
    assert matches("author:alice", mastodon)
    assert matches("author:alice@mastodon.social", mastodon)


def test_lang_matches_primary_subtag_or_full_tag():
    assert matches("lang:fr")
    assert matches("lang:fr-ca")
    assert not matches("lang:en")
    assert not matches("lang:fr", Doc.build(TEXT))


def test_brief_example_query():
    query = '"Hydro-Québec" AND (panne OR outage) NOT site:hydroquebec.com'
    assert matches(query)
    own_site = Doc.build(TEXT, url="https://nouvelles.hydroquebec.com/fr/")
    assert not matches(query, own_site)


def test_query_terms_are_the_positive_literal_words():
    query = compile_query('"Hydro-Québec" (panne OR outage*) NOT spam')
    assert query.terms == {"hydro", "quebec", "panne"}


def test_doc_from_mention_uses_title_text_and_metadata():
    mention = Mention(source="rss", channel="online_press", external_id="1", title="Hydro-Québec",
                      text="Panne à Laval", url="https://www.ledevoir.com/x", language="fr")
    doc = Doc.from_mention(mention)
    assert compile_query("hydro NEAR/2 panne site:ledevoir.com lang:fr").matches(doc)


WATCHES = [
    (7, '"Hydro-Québec" AND (panne OR outage)'),
    (3, "NOT spam"),
    (5, "site:ledevoir.com"),
    (1, "mill* NEAR/1 client?"),
    (9, "*bidon*"),
    (2, "desjardins OR fraude"),
]


def test_watch_index_returns_sorted_matching_ids():
    index = WatchIndex(WATCHES)
    assert index.match(DOC) == [1, 3, 7]
    assert index.match(Doc.build("Fraude de spam", url="https://www.ledevoir.com/a")) == [2, 5]
    assert index.match(Doc.build("un texte bidonné")) == [3, 9]


def test_watch_index_rejects_or_records_invalid_queries():
    with pytest.raises(QuerySyntaxError):
        WatchIndex([(1, "panne AND"), (2, "panne")])
    index = WatchIndex([(1, "panne AND"), (2, "panne")], skip_invalid=True)
    assert list(index.errors) == [1]
    assert index.match(DOC) == [2]
