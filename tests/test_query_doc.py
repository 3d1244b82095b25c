"""Doc's lazy views (one word's positions, the folded text) and wildcard phrases checked by brute force."""

from __future__ import annotations

from fnmatch import fnmatchcase

from hypothesis import given, settings
from hypothesis import strategies as st

from vigie.query import Doc, compile_query

SETTINGS = settings(max_examples=200, deadline=None)
VOCAB = ["hydro", "hydrant", "quebec", "panne", "pannes", "tarif", "tarifs", "de", "la"]
PATTERNS = ["hydro*", "pann?", "*bec", "ta*f*", "h*", "?a*"]
bodies = st.lists(st.sampled_from(VOCAB), max_size=14)
parts = st.lists(st.sampled_from(VOCAB + PATTERNS), min_size=1, max_size=3)


def phrase_spans(tokens: list[str], phrase: list[str]) -> list[tuple[int, int]]:
    """Every place the phrase occurs, tried at every position with fnmatch: the slow, obvious way."""
    size = len(phrase)
    return [(s, s + size - 1) for s in range(len(tokens) - size + 1)
            if all(fnmatchcase(tokens[s + k], p) for k, p in enumerate(phrase))]


@SETTINGS
@given(bodies, st.sampled_from(VOCAB + ["absent"]))
def test_where_gives_the_positions_of_one_word(body, word):
    doc = Doc.build(" ".join(body))
    assert doc.where(word) == [i for i, w in enumerate(body) if w == word]
    assert doc.where(word) == doc.positions.get(word, [])


@SETTINGS
@given(st.lists(st.sampled_from(["Hydro-Québec", "ΣΟΦΙΑ", "tarif,", "  ", "l’été", "«\u202fpanne\u202f»"]), max_size=8))
def test_folded_text_holds_each_word_after_a_space(chunks):
    doc = Doc.build(" ".join(chunks))  # Greek takes the chunk-by-chunk path, the rest the shortcut
    assert doc.folded.split() == doc.tokens
    for prefix in ("hyd", "que", "ete", "σοφ", "ane"):
        assert (" " + prefix in doc.folded) == any(w.startswith(prefix) for w in doc.tokens)


@SETTINGS
@given(bodies, parts)
def test_phrases_of_wildcards_match_where_fnmatch_does(body, phrase):
    doc = Doc.build(" ".join(body))
    query = '"' + " ".join(phrase) + '"'
    assert compile_query(query).matches(doc) == bool(phrase_spans(body, phrase))


@SETTINGS
@given(bodies, parts, parts, st.integers(0, 3), st.booleans())
def test_near_between_wildcard_phrases_matches_where_brute_force_does(body, left, right, distance, ordered):
    doc = Doc.build(" ".join(body))
    a, b = phrase_spans(body, left), phrase_spans(body, right)
    close = any(0 <= s2 - e1 - 1 <= distance for _, e1 in a for s2, _ in b)
    if not ordered:
        close = close or any(0 <= s1 - e2 - 1 <= distance for s1, _ in a for _, e2 in b)
    op = "ONEAR" if ordered else "NEAR"
    query = f'"{" ".join(left)}" {op}/{distance} "{" ".join(right)}"'
    assert compile_query(query).matches(doc) == close
