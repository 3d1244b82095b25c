"""Key phrases: the few word groups that say what a mention is about, by a RAKE-style score with our own
French and English stop-word lists (no model, no dependency). See docs/enrichment.md"""

from __future__ import annotations

import re
from typing import Any

from vigie import hookimpl
from vigie.items import Mention
from vigie.text import fold

TOP = 5
MAX_WORDS = 4  # longer candidates are clauses, not phrases
MAX_CHARS = 5_000  # an article's lead says what it is about; the rest only costs time

# Folded (accent-free, lower-case) so one list serves "été"/"ete" and typed-without-accents posts.
STOP_FR = frozenset("""
a ai aie aient ainsi alors apres au aucun aussi autre autres aux avait avant avec avez avoir avons c ca ce
ceci cela celle celles celui ces cet cette ceux chez ci comme comment d dans de des deja depuis donc dont du
elle elles en encore entre est et etaient etait ete etre eu eux faire fait faut fois font hier ici il ils j
je jusqu l la le les leur leurs lors lui m ma mais me meme memes mes moi moins mon n ne ni non nos notre nous
on ont or ou oui par parce pas peu peut plus pour pourquoi qu quand que quel quelle quelles quels qui quoi s
sa sans se selon ses si sien son sont sous suis sur t ta te tes toi ton tous tout toute toutes tres tu un une
va vers voici voila vos votre vous y aujourd hui demain bien tres trop ceci rien tout chaque cela etc
""".split())
STOP_EN = frozenset("""
a about above after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have having
he her here hers herself him himself his how i if in into is it its itself just me more most my myself no
nor not now of off on once only or other our ours ourselves out over own same she should so some such than
that the their theirs them themselves then there these they this those through to too under until up very
was we were what when where which while who whom why will with would you your yours yourself today
tomorrow yesterday get got still via amp rt
""".split())
STOP = STOP_FR | STOP_EN

# Links, handles and numbers are not phrases; they break a candidate like punctuation does.
_ELISIONS = frozenset({"d", "l", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"})
_NOISE = re.compile(r"https?://\S+|www\.\S+|@\w+|\b\d[\d.,:h%$]*\b")
_WORD_OR_BREAK = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*|[.,;:!?()\[\]{}\"«»“”…|/\n–—]")


def candidates(text: str) -> list[list[str]]:
    """Runs of content words between stop words and punctuation, as (surface, lower-case) words."""
    runs: list[list[str]] = []
    current: list[str] = []
    for token in _WORD_OR_BREAK.findall(_NOISE.sub(" . ", text[:MAX_CHARS])):
        low = token.lower().replace("’", "'")
        head, apostrophe, tail = low.partition("'")
        if apostrophe and fold(head) in _ELISIONS:
            # "d'Hydro-Québec" is "de" + "Hydro-Québec": the article breaks the phrase, the noun stays.
            if current:
                runs.append(current)
                current = []
            low, token = tail, tail
        if not token[0].isalpha() or len(low) < 2 or _is_stop(low):
            if current:
                runs.append(current)
                current = []
            continue
        current.append(low)
    if current:
        runs.append(current)
    return [run for run in runs if len(run) <= MAX_WORDS]


def _is_stop(word: str) -> bool:
    folded = fold(word)
    return folded in STOP


def extract(text: str, top: int = TOP) -> list[str]:
    """The ``top`` best phrases: each word scores degree/frequency over the candidates (words that
    live in long phrases score higher than words standing alone), a phrase the sum of its words.
    Ties keep the order of first appearance."""
    runs = candidates(text)
    if not runs:
        return []
    frequency: dict[str, int] = {}
    degree: dict[str, int] = {}
    for run in runs:
        for word in run:
            frequency[word] = frequency.get(word, 0) + 1
            degree[word] = degree.get(word, 0) + len(run)
    scored: dict[str, float] = {}
    for run in runs:
        phrase = " ".join(run)
        if phrase not in scored:
            scored[phrase] = sum(degree[w] / frequency[w] for w in run)
    ranked = sorted(scored, key=lambda p: -scored[p])  # sorted() is stable: first seen wins a tie
    return ranked[:top]


class KeyphrasesAnalyzer:
    """Sets ``mention.keyphrases`` (up to 5, best first; None when the text has no content word)."""

    name = "keyphrases"

    def __init__(self, settings: Any = None) -> None:
        self.top = TOP

    def process(self, mention: Mention) -> Mention:
        mention.keyphrases = extract(mention.body, self.top) or None
        return mention

    def process_batch(self, mentions: list[Mention]) -> list[Mention]:
        return [self.process(m) for m in mentions]


@hookimpl
def register_analyzers() -> list[type]:
    return [KeyphrasesAnalyzer]
