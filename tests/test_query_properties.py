"""Property tests for watch queries: folding invariance, Boolean laws, NEAR windows, parser robustness, index agreement."""

from fnmatch import fnmatchcase

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vigie.exceptions import QuerySyntaxError
from vigie.query import And, Doc, Field, Near, Not, Or, Term, WatchIndex, compile_query, parse
from vigie.query.doc import fast_tokens
from vigie.text import tokens

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
VOCAB = ["hydro", "quebec", "panne", "courant", "montreal", "clients", "client", "de", "la", "et", "or"]
PATTERNS = ["hydro*", "cl?ent*", "*bec", "mont*al", "pan?e", "c*t"]
HOSTS = ["https://www.lapresse.ca/a", "https://hydroquebec.com/", "http://ledevoir.com/x", None]
AUTHORS = [("@jtremblay", "Jean Tremblay"), ("alice@mastodon.social", None), (None, None)]
ACCENTS = {"a": "àâ", "e": "éèêë", "i": "îï", "o": "ô", "u": "ùûü", "c": "ç", "n": "ñ", "y": "ÿ"}

words = st.sampled_from(VOCAB)
separators = st.sampled_from([" ", "  ", ", ", " - ", "-", "’", ". ", "\n"])


@st.composite
def doc_parts(draw):
    body = draw(st.lists(st.tuples(words, separators), max_size=14))
    text = "".join(w + s for w, s in body)
    author = draw(st.sampled_from(AUTHORS))
    return text, draw(st.sampled_from(HOSTS)), author, draw(st.sampled_from(["fr", "fr-CA", "en", None]))


def build(parts) -> Doc:
    text, url, (handle, name), lang = parts
    return Doc.build(text, url=url, author=handle, author_name=name, language=lang)


terms = st.builds(lambda ps: Term(tuple(ps)), st.lists(st.sampled_from(VOCAB + PATTERNS), min_size=1, max_size=3))
fields = st.one_of(
    st.builds(Field, st.just("site"), st.sampled_from(["lapresse.ca", "hydroquebec.com", "ca"])),
    st.builds(Field, st.just("author"), st.sampled_from(["jtremblay", "jean tremblay", "alice"])),
    st.builds(Field, st.just("lang"), st.sampled_from(["fr", "fr-ca", "en"])),
)
near_sides = st.recursive(
    terms, lambda inner: st.one_of(
        st.builds(lambda cs: Or(tuple(cs)), st.lists(inner, min_size=2, max_size=3)),
        st.builds(Near, inner, inner, st.integers(0, 4), st.booleans())),
    max_leaves=4)
nears = st.builds(Near, near_sides, near_sides, st.integers(0, 4), st.booleans())
queries = st.recursive(
    st.one_of(terms, fields, nears),
    lambda inner: st.one_of(
        st.builds(Not, inner.filter(lambda n: not isinstance(n, Not))),
        st.builds(lambda cs: And(tuple(cs)), st.lists(inner, min_size=2, max_size=3)),
        st.builds(lambda cs: Or(tuple(cs)), st.lists(inner, min_size=2, max_size=3))),
    max_leaves=8)


def decorate(text: str, data) -> str:
    """Upper-case some ASCII letters and give some of them accents, precomposed or combining."""
    out = []
    for ch in text:
        if ch.isascii() and ch.isalpha():
            how = data.draw(st.integers(0, 3))
            if how == 1:
                ch = ch.upper()
            elif how == 2 and ch in ACCENTS:
                ch = data.draw(st.sampled_from(ACCENTS[ch]))
            elif how == 3:
                ch += data.draw(st.sampled_from(["\u0301", "\u0300", "\u0308"]))
        out.append(ch)
    return "".join(out)


def undo_nesting(node):
    """str() of a generated tree reparses to its flattened form; compare through one round trip."""
    return parse(str(node))


@SETTINGS
@given(queries, doc_parts(), st.data())
def test_matching_ignores_case_and_accents_in_the_document(node, parts, data):
    query = compile_query(str(node))
    text, *rest = parts
    assert query.matches(build(parts)) == query.matches(build((decorate(text, data), *rest)))


@SETTINGS
@given(terms, st.data())
def test_term_parsing_ignores_case_and_accents(term, data):
    assert parse(decorate(str(term), data)) == term


@SETTINGS
@given(queries)
def test_rendered_queries_parse_back_to_the_same_tree(node):
    once = undo_nesting(node)
    assert parse(str(once)) == once


@SETTINGS
@given(queries, queries, doc_parts())
def test_or_and_not_follow_boolean_logic(a, b, parts):
    doc = build(parts)
    qa, qb = compile_query(str(a)).matches(doc), compile_query(str(b)).matches(doc)
    assert compile_query(f"({a}) OR ({b})").matches(doc) == (qa or qb)
    assert compile_query(f"({a}) AND NOT ({b})").matches(doc) == (qa and not qb)
    assert compile_query(f"({a}) ({b})").matches(doc) == (qa and qb)


@SETTINGS
@given(words, words, st.integers(0, 5), st.lists(words, max_size=15))
def test_near_matches_iff_two_occurrences_are_close_enough(a, b, n, body):
    doc = Doc.build(" ".join(body))
    pairs = [(i, j) for i, x in enumerate(body) for j, y in enumerate(body) if x == a and y == b and i != j]
    quote = lambda w: f'"{w}"'  # noqa: E731 - "et" and "or" are operators unless quoted
    near = compile_query(f"{quote(a)} NEAR/{n} {quote(b)}").matches(doc)
    onear = compile_query(f"{quote(a)} ONEAR/{n} {quote(b)}").matches(doc)
    assert near == any(abs(i - j) - 1 <= n for i, j in pairs)
    assert onear == any(0 < j - i <= n + 1 for i, j in pairs)


@SETTINGS
@given(st.lists(words, min_size=1, max_size=15), st.data())
def test_any_run_of_the_text_matches_as_a_phrase(body, data):
    start = data.draw(st.integers(0, len(body) - 1))
    end = data.draw(st.integers(start + 1, len(body)))
    assert compile_query('"' + " ".join(body[start:end]) + '"').matches(Doc.build(" ".join(body)))


query_alphabet = st.sampled_from(list('ab()" *?-:/ \téÉ«»“”') + ["AND", "OR", "NOT", "NEAR/", "ONEAR/2", "site:",
                                                            "author:", "lang:", "foo:", "2", "ET", "sauf"])


@SETTINGS
@given(st.one_of(st.text(max_size=40), st.lists(query_alphabet, max_size=20).map("".join)), doc_parts())
def test_parse_raises_only_query_syntax_errors_with_a_valid_position(text, parts):
    try:
        node = parse(text)
    except QuerySyntaxError as exc:
        assert 0 <= exc.position <= len(text)
        return
    compile_query(text).matches(build(parts))
    assert parse(str(node)) == node


@SETTINGS
@given(st.lists(queries, min_size=1, max_size=8), st.lists(doc_parts(), min_size=1, max_size=5))
def test_watch_index_agrees_with_matching_each_query(nodes, docs):
    texts = [str(n) for n in nodes]
    index = WatchIndex(enumerate(texts))
    compiled = [compile_query(t) for t in texts]
    for parts in docs:
        doc = build(parts)
        assert index.match(doc) == [i for i, q in enumerate(compiled) if q.matches(doc)]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet="ΣσςAaÉé \u00a0\u2003\u0301\u0308¨½ﬁŒß’-.", max_size=30)))
def test_doc_tokens_equal_text_tokens(text):
    assert fast_tokens(text) == tokens(text)
    assert fast_tokens(text) == tokens(text)  # second call is served from the chunk cache


@SETTINGS
@given(st.text(alphabet="ab*?", min_size=1, max_size=8).filter(lambda p: "a" in p or "b" in p),
       st.text(alphabet="ab", min_size=1, max_size=12))
def test_wildcards_follow_glob_rules_within_a_word(pattern, word):
    expected = fnmatchcase(word, pattern)
    assert compile_query(pattern).matches(Doc.build(word)) == expected
    assert compile_query(f'"x {pattern}"').matches(Doc.build(f"x {word}")) == expected
