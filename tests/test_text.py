"""vigie.text: the fast tokeniser gives exactly the tokens of its definition, \\w+ runs of fold(text)."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from vigie.bench.ingest import FR_WORDS
from vigie.query.doc import Doc, fast_tokens
from vigie.text import TOKEN, fold, tokens, word_text


def reference(text: str) -> list[str]:
    """The definition the shortcuts in word_text() must reproduce."""
    return TOKEN.findall(fold(text))


def check(text: str) -> None:
    expected = reference(text)
    assert tokens(text) == expected
    assert fast_tokens(text) == expected
    assert Doc.build(text).tokens == expected
    words = word_text(text)
    assert words is None or words.split() == expected


def test_every_latin1_pair_tokenises_like_the_definition():
    # The Latin-1 table folds character by character: any two neighbours must agree with fold().
    for a in range(256):
        for b in range(256):
            check(chr(a) + chr(b))


def test_characters_outside_latin1_tokenise_like_the_definition():
    for code in (*range(0x100, 0x3000), *range(0xFB00, 0xFB50), *range(0xFE00, 0xFE30), *range(0xFF00, 0xFFF0)):
        char = chr(code)
        check(f"É{char}e\u0301 x{char}’{char}Σ")


def test_accented_french_tokenises_like_the_definition():
    rng = random.Random(11)
    marks = ["", "", "", "’", "«\u00a0", "\u00a0»", "\u202f!", "œ", "Œ", "ß", "\u0301", "-", "…", "½", "ﬁ", "ø"]
    for _ in range(3000):
        words = rng.choices(FR_WORDS, k=rng.randint(1, 40))
        text = " ".join(w.upper() if rng.random() < 0.1 else w + rng.choice(marks) for w in words)
        check(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.one_of(st.characters(max_codepoint=0x24F), st.sampled_from(
    "ΣσςİıŒœßæøØ’«»“”–—…\u00a0\u202f\u2003\u0301\u0308\u0327½¼µﬁǾǅ⁄\ud800")), max_size=40))
def test_tokens_equal_the_definition(text):
    check(text)


def test_feed_corpus_texts_tokenise_like_the_definition(shared_data):
    # 2,107 feeds in many encodings and scripts, read both as UTF-8 and as Latin-1 text.
    files = sorted(p for p in (shared_data / "feedparser-corpus" / "tests").rglob("*") if p.is_file())
    assert len(files) > 1000
    for path in files:
        data = path.read_bytes()
        for text in (data.decode("utf-8", "replace"), data.decode("latin-1")):
            check(text)


def test_french_typography_takes_the_shortcut():
    # ’ œ « » and no-break spaces are everyday French: they must not push text onto the slow path.
    text = "L’hôpital « Hôtel-Dieu » ferme\u00a0: cœur de Trois-Rivières\u202f!"
    assert word_text(text) is not None
    assert tokens(text) == ["l", "hopital", "hotel", "dieu", "ferme", "coeur", "de", "trois", "rivieres"]
