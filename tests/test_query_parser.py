"""Watch-query parser: operators, precedence, fields and error positions."""

import pytest

from vigie.exceptions import QuerySyntaxError
from vigie.query import And, Field, Near, Not, Or, Term, parse


def t(*parts: str) -> Term:
    return Term(parts)


def test_parse_hyphenated_and_quoted_terms_are_folded_phrases():
    assert parse("Hydro-Québec") == t("hydro", "quebec")
    assert parse('"HYDRO  québec"') == t("hydro", "quebec")
    assert parse("l'Hydro") == t("l", "hydro")


def test_parse_accepts_french_and_curly_quotes_and_any_unicode_space():
    assert parse("« Hydro-Québec » “panne”") == And((t("hydro", "quebec"), t("panne")))
    assert parse("hydro\u00a0AND\u202fpanne") == And((t("hydro"), t("panne")))


def test_parse_adjacent_terms_are_an_implicit_and():
    assert parse("panne courant") == And((t("panne"), t("courant")))


def test_parse_not_binds_tighter_than_near_than_and_than_or():
    assert parse("a OR b c") == Or((t("a"), And((t("b"), t("c")))))
    assert parse("a b NEAR/2 c") == And((t("a"), Near(t("b"), t("c"), 2)))
    assert parse("NOT a b") == And((Not(t("a")), t("b")))
    assert parse("a OR b AND NOT c") == Or((t("a"), And((t("b"), Not(t("c"))))))


def test_parse_parentheses_override_precedence_and_flatten():
    assert parse("(a OR b) c") == And((Or((t("a"), t("b"))), t("c")))
    assert parse("a AND (b AND c)") == And((t("a"), t("b"), t("c")))


def test_parse_accepts_lowercase_and_french_operators():
    expected = Or((And((t("x"), t("y"))), And((t("z"), Not(t("w"))))))
    assert parse("x ET y OU z SAUF w") == expected
    assert parse("x and y or z not w") == expected
    assert parse("x y -w") == And((t("x"), t("y"), Not(t("w"))))


def test_parse_double_not_cancels():
    assert parse("NOT NOT a") == t("a")


def test_parse_near_forms():
    assert parse("a NEAR/3 b") == Near(t("a"), t("b"), 3)
    assert parse("a ONEAR/3 b") == Near(t("a"), t("b"), 3, ordered=True)
    assert parse("a near/3f b") == Near(t("a"), t("b"), 3, ordered=True)
    assert parse('(hq OR "hydro quebec") NEAR/5 panne*') == Near(
        Or((t("hq"), t("hydro", "quebec"))), t("panne*"), 5)
    assert parse("a NEAR/1 b NEAR/2 c") == Near(Near(t("a"), t("b"), 1), t("c"), 2)


def test_parse_keeps_wildcards_in_words():
    assert parse("qu?bec*") == t("qu?bec*")
    assert parse('"hydro* que?ec"') == t("hydro*", "que?ec")


def test_parse_fields_are_normalised():
    assert parse("site:https://www.LaPresse.ca/") == Field("site", "lapresse.ca")
    assert parse("site:*.gouv.qc.ca") == Field("site", "gouv.qc.ca")
    assert parse("author:@JTremblay") == Field("author", "jtremblay")
    assert parse('auteur:"Jean  Tremblay"') == Field("author", "jean tremblay")
    assert parse("lang:fr_CA") == Field("lang", "fr-ca")


def test_parse_lowercase_near_without_slash_is_a_word():
    assert parse("near") == t("near")


@pytest.mark.parametrize("query", [
    '"Hydro-Québec" AND (panne OR outage) NOT site:hydroquebec.com',
    '(hq OR "hydro quebec") NEAR/5 (panne* OR "coupure de courant") -author:spam',
    'a NEAR/1 (b ONEAR/2 c) OR "or" OR lang:fr',
])
def test_parse_str_round_trips(query):
    node = parse(query)
    assert parse(str(node)) == node


@pytest.mark.parametrize(("query", "position", "message"), [
    ("", 0, "empty query"),
    ("   ", 0, "empty query"),
    ("(panne OR outage", 0, "never closed"),
    ("panne OR outage)", 15, "without an opening"),
    ("hydro (", 6, "never closed"),
    ("panne AND", 6, "AND needs a term after"),
    ("OR panne", 0, "OR needs a term before"),
    ("panne OR OR outage", 9, "followed by another operator"),
    ("panne NOT", 6, "NOT needs a term after"),
    ('hydro ""', 6, "empty phrase"),
    ('hydro "panne', 6, "unclosed quote"),
    ("hydro NEAR panne", 6, "needs a distance"),
    ("hydro NEAR/x panne", 6, "needs a distance"),
    ("hydro NEAR/ panne", 6, "needs a distance"),
    ("hydro foo:bar", 6, "unknown field"),
    ("hydro site:", 6, "needs a value"),
    ("lang:français", 0, "language code"),
    ("site:lapresse.ca/actualites", 0, "without a path"),
    ("hydro ()", 6, "empty parentheses"),
    ("NOT a NEAR/3 b", 0, "NOT"),
    ("a NEAR/3 site:x.ca", 9, "field"),
    ("(a b) NEAR/3 c", 0, "AND inside brackets"),
    ("hydro * panne", 6, "wildcard"),
    ("hydro & panne", 6, "no letters"),
    ("hydro « panne", 6, "unclosed quote"),
    ("author:radio*", 0, "without wildcards"),
])
def test_parse_errors_report_the_position(query, position, message):
    with pytest.raises(QuerySyntaxError) as caught:
        parse(query)
    assert caught.value.position == position
    assert message in caught.value.message
    assert caught.value.query == query


def test_parse_rejects_excessive_nesting():
    with pytest.raises(QuerySyntaxError, match="nested too deeply"):
        parse("(" * 100 + "a" + ")" * 100)


def test_parse_error_pointer_marks_the_position():
    with pytest.raises(QuerySyntaxError) as caught:
        parse("hydro AND")
    assert caught.value.pointer() == "hydro AND\n      ^"
