"""Deterministic content of the demo: a fictional Québec city's month of coverage, with a crisis in the
last 72 hours (a simulation). See docs/demo.md"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

from vigie.demo import texts_en, texts_fr
from vigie.demo.cast import (
    BLOGS,
    CITY,
    CITY_FORMS,
    CLIPPING_OUTLETS,
    FIRST,
    INSTANCES,
    LAST,
    NEIGHBOUR,
    OUTLETS,
    Outlet,
)
from vigie.text import fold

SEED = 1642
DAYS = 30  # 24-hour blocks ending at the anchor; block DAYS-1 is the last 24 hours
TZ = ZoneInfo("America/Toronto")
TEXTS: dict[str, ModuleType] = {"fr": texts_fr, "en": texts_en}

BASE_TOPICS = {"conseil": 3, "culture": 2, "voirie": 3, "velo": 1.5, "logement": 2, "festival": 1.5,
               "sports": 2, "environnement": 1.5, "economie": 2, "voisine": 1.5, "transport": 1}
# Block -> (share of everyday topics, crisis topics and their shares): a precursor (taste of chlorine),
# the main break, E. coli and anger, then the strike threat and the leaked report.
MIX: dict[int, tuple[float, dict[str, float]]] = {
    24: (0.95, {"eau_gout": 0.05}), 25: (0.9, {"eau_gout": 0.1}), 26: (0.85, {"eau_gout": 0.15}),
    27: (0.3, {"eau_gout": 0.1, "bris": 0.6}),
    28: (0.12, {"bris": 0.18, "ecoli": 0.4, "colere": 0.22, "entraide": 0.08}),
    29: (0.1, {"ecoli": 0.18, "colere": 0.2, "greve": 0.22, "rapport": 0.18, "entraide": 0.12}),
}
CRISIS_TOPICS = frozenset(t for _, topics in MIX.values() for t in topics)
# Expected items per block outside the crisis, and the crisis multipliers per block.
RATES = {"social": 26.0, "blog": 0.9, "forum": 4.0, "clipping": 3.5, "wire": 0.4}
SURGE: dict[str, dict[int, float]] = {
    "press": {26: 1.1, 27: 3, 28: 5, 29: 6}, "social": {25: 1.1, 26: 1.3, 27: 4, 28: 9, 29: 11},
    "blog": {27: 2, 28: 4, 29: 4}, "forum": {26: 1.3, 27: 4, 28: 7, 29: 8},
    "clipping": {27: 3, 28: 5, 29: 5}, "wire": {27: 5, 28: 8, 29: 8},
}
WEEKEND = {"press": 0.55, "social": 0.8, "blog": 1.0, "forum": 1.0, "clipping": 0.35, "wire": 0.4}
# Relative activity per local hour (0-23): newsrooms publish mornings, people post evenings.
HOURS: dict[str, Sequence[float]] = {
    "press": [.2, .1, .1, .1, .3, 1, 3, 4, 4, 3, 2.5, 2.5, 3, 2.5, 2, 2.5, 3, 3, 2, 1.5, 1.2, 1, .6, .4],
    "social": [1, .6, .3, .2, .2, .5, 1.5, 3, 3.5, 3, 2.5, 2.5, 3.5, 3, 2.5, 2.5, 3, 3.5, 4, 4.5, 4.5, 4, 3, 2],
    "blog": [.3, .2, .1, .1, .1, .2, .5, 1, 1, 1, 1, 1, 1.2, 1, 1, 1, 1, 1.2, 1.5, 2, 2.5, 2.5, 2, 1],
    "forum": [1.5, 1, .5, .3, .2, .3, .8, 1.5, 2, 2, 2, 2.5, 3, 2.5, 2, 2, 2.5, 3, 3.5, 4, 4.5, 4.5, 4, 2.5],
    "print": [0, 0, 0, 0, 2, 6, 1] + [0] * 17,
    "radio": [0] * 6 + [3, 4, 4, 1, 0, 0, 3, 1, 0, 0, 2, 3, 1] + [0] * 5,
    "tv": [0] * 12 + [1, 0, 0, 0, 0, 0, 4, 0, 0, 0, 3, 0],
}


@dataclass
class Item:
    """One generated piece of coverage, before it is written in its channel's format."""

    stream: str  # press, blog, social, forum, clipping
    uid: str  # stable across runs and anchors: the external ids derive from it
    when: datetime
    lang: str
    topic: str
    title: str | None
    text: str
    author: str | None = None
    handle: str | None = None
    followers: int | None = None
    outlet: str | None = None  # outlet key (press), blog/clipping outlet name, instance (social)
    kind: str = ""  # clipping medium: print, radio, tv
    engagement: dict[str, int] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)


def anchor_for(now: datetime | None = None) -> datetime:
    """The end of the simulated month: the current hour, so reruns within the hour are identical."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    return now.replace(minute=0, second=0, microsecond=0)


def stable_int(*parts: object, bits: int = 48) -> int:
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") >> (64 - bits)


def fill(template: str, slots: dict[str, Any]) -> str:
    """A template with its slots filled, starting with a capital like any sentence."""
    text = template.format(**slots)
    return text[:1].upper() + text[1:]


class Scenario:
    """All items of the simulated month. Each item draws from its own seeded generator, so its text
    and id do not depend on the anchor: a rerun at another time mostly finds what it stored."""

    def __init__(self, anchor: datetime, seed: int = SEED) -> None:
        self.anchor = anchor
        self.seed = seed
        self.start = anchor - timedelta(days=DAYS)
        rng = random.Random(f"{seed}:accounts")
        self.accounts = {lang: [self._account(rng, lang, i) for i in range(n)]
                         for lang, n in (("fr", 170), ("en", 90))}
        self.city_account = ("ville_slde@erables.social.example",
                             "Ville de Saint-Laurent-des-Érables (compte fictif)", 8_400)

    # -- shared helpers ------------------------------------------------------------------------------
    def rng(self, *parts: object) -> random.Random:
        return random.Random(":".join(map(str, (self.seed, *parts))))

    def when(self, rng: random.Random, block: int, hours: str) -> datetime:
        """A moment in the block at a local hour drawn from the rhythm of ``hours``."""
        start = self.start + timedelta(days=block)
        hour = rng.choices(range(24), weights=HOURS[hours])[0]
        local = start.astimezone(TZ)
        minutes = ((hour * 60 + rng.randrange(60)) - (local.hour * 60 + local.minute)) % 1440
        return start + timedelta(minutes=minutes, seconds=rng.randrange(60))

    def count(self, stream: str, block: int, rate: float) -> int:
        rng = self.rng(stream, block, "count")
        surge = SURGE[stream.split(":")[0]].get(block, 1.0)
        return max(0, round(rate * surge * rng.gauss(1.0, 0.18)))

    def kept(self, keep: float, stream: str, when: datetime) -> bool:
        """Weekend thinning and the anchor: nothing is published in the future."""
        weekend = when.astimezone(TZ).weekday() >= 5
        return when <= self.anchor and keep < (WEEKEND[stream] if weekend else 1.0)

    def topic(self, rng: random.Random, block: int, overrides: dict[str, float] | None = None) -> str:
        base_share, crisis = MIX.get(block, (1.0, {}))
        base = {**BASE_TOPICS, **(overrides or {})}
        total = sum(base.values())
        weights = {t: base_share * w / total for t, w in base.items()}
        for t, share in crisis.items():
            weights[t] = weights.get(t, 0.0) + share * (1 + (overrides or {}).get(t, 0.0))
        return rng.choices(list(weights), weights=list(weights.values()))[0]

    def slots(self, rng: random.Random, lang: str, formal: bool) -> dict[str, Any]:
        """Values for the {slots} of the text pools, drawn per item."""
        year = self.anchor.astimezone(TZ).year
        forms = CITY_FORMS[lang][:2] if formal else CITY_FORMS[lang]
        fr = lang == "fr"
        streets = ["rue Principale", "rue du Moulin", "rue des Pionniers", "rue Sainte-Anne",
                   "montée Bellevue", "rue des Tilleuls", "rue Saint-Georges", "rue Notre-Dame"]
        sectors = ["secteur Est", "quartier du Vieux-Moulin", "secteur des Berges", "quartier Bellevue",
                   "secteur Nord"]
        street, street2 = rng.sample(streets, 2)
        citizen = f"{rng.choice(FIRST[lang])} {rng.choice(LAST[lang])}"
        days = texts_fr.WEEKDAYS if fr else texts_en.WEEKDAYS
        return {
            "ville": rng.choice(forms), "city": rng.choice(forms), "voisine": NEIGHBOUR,
            "mairesse": "Geneviève Lacasse", "opposant": "Karim Haddad", "dg": "Martin Beaudry",
            "elue": "Chantal Provost", "maire_voisin": "Robert Gingras", "syndic": "Sylvie Desrosiers",
            "medecin": "Dre Nadia Bouchard", "rue": street, "rue2": street2, "street": street,
            "secteur": rng.choice(sectors), "district": rng.choice(sectors if fr else [
                "the east end", "Vieux-Moulin", "the Berges area", "Bellevue", "the north end"]),
            "n": rng.randint(2, 9), "pct": rng.choice(["2,4", "2,9", "3,1", "3,5", "4,2"] if fr else
                                                     ["2.4", "2.9", "3.1", "3.5", "4.2"]),
            "dollars": rng.choice([68, 85, 96, 112, 124]),
            "montant": rng.choice(["850 000", "1,2 million", "2,7 millions", "4,5 millions", "640 000"] if fr
                                  else ["850,000", "1.2 million", "2.7 million", "4.5 million", "640,000"]),
            "jour": rng.choice(days), "weekday": rng.choice(days),
            "jour_fin": rng.choice(["vendredi", "la fin du mois", "lundi prochain", "la mi-décembre"]),
            "until": rng.choice(["Friday", "the end of the month", "next Monday", "mid-December"]),
            "annee1": year + 1, "annee_rapport": year - 3,
            "reglement": rng.choice(["les poules urbaines", "les piscines résidentielles", "l'abattage d'arbres",
                                     "le stationnement de nuit", "les résidences de tourisme"]),
            "bylaw": rng.choice(["backyard chickens", "residential pools", "tree cutting", "overnight parking"]),
            "commerce": rng.choice(["la boulangerie Chez Rita", "le café L'Érablière", "la quincaillerie Gagnon"]
                                   if fr else ["Chez Rita bakery", "the Érablière café", "Gagnon hardware"]),
            "entreprise": rng.choice(["Usinage Boréal", "Laiterie des Deux-Rives", "Plastiques Vallée"]),
            "score": f"{rng.randint(3, 6)}-{rng.randint(1, 2)}", "citoyen": citizen, "citizen": citizen,
        }

    def article(self, rng: random.Random, lang: str, topic: str, sentences: tuple[int, int] = (3, 5),
                formal: bool = True) -> tuple[str, str]:
        pool = TEXTS[lang].TOPICS[topic]
        slots = self.slots(rng, lang, formal)
        chosen = rng.sample(pool["sentences"], min(rng.randint(*sentences), len(pool["sentences"])))
        if rng.random() < 0.6:
            chosen.insert(rng.randint(1, len(chosen)), rng.choice(TEXTS[lang].PRESS_CONTEXT))
        return rng.choice(pool["titles"]).format(**slots), " ".join(fill(s, slots) for s in chosen)

    def post(self, rng: random.Random, lang: str, topic: str) -> str:
        texts, slots = TEXTS[lang], self.slots(rng, lang, formal=False)
        parts = [rng.choice(texts.OPENERS), rng.choice(texts.TOPICS[topic]["posts"])]
        if rng.random() < 0.3:
            parts.append(rng.choice(texts.TOPICS[topic]["sentences"]))
        parts.append(rng.choice(texts.CLOSERS))
        return " ".join(fill(p, slots) for p in parts if p)

    @staticmethod
    def _account(rng: random.Random, lang: str, index: int) -> tuple[str, str, int]:
        first, last = rng.choice(FIRST[lang]), rng.choice(LAST[lang])
        handle = "".join(c for c in fold(f"{first}{last}") if c.isalnum())[: rng.randint(6, 14)]
        handle += str(rng.randint(1, 99)) if rng.random() < 0.4 else ""
        name = rng.choice([f"{first} {last}", f"{first} {last}", f"{first} {last[0]}.", first])
        followers = int(rng.lognormvariate(4.8, 1.3)) + (index < 5) * 3_000
        return f"{handle}@{rng.choice(INSTANCES)}", name, followers

    def account(self, rng: random.Random, lang: str) -> tuple[str, str, int]:
        pool = self.accounts[lang]
        # A few people post a lot, most post once in a while.
        return rng.choices(pool, weights=[1 / (i + 1) ** 0.7 for i in range(len(pool))])[0]

    # -- the streams -----------------------------------------------------------------------------------
    def items(self) -> list[Item]:
        out: list[Item] = []
        for block in range(DAYS):
            for outlet in OUTLETS:
                out += self._press(outlet, block)
            out += self._wire(block) + self._social(block) + self._blogs(block)
            out += self._forum(block) + self._clippings(block)
        out += self._communique()
        return [i for i in out if i.when <= self.anchor]

    def _press(self, outlet: Outlet, block: int) -> list[Item]:
        stream, items = f"press:{outlet.key}", []
        rate = outlet.rate * (0.6 if outlet.key == "sorbier" and block >= 27 else 1.0)
        for seq in range(self.count(stream, block, rate)):
            rng = self.rng(stream, block, seq)
            keep, when = rng.random(), self.when(rng, block, "press")
            if not self.kept(keep, "press", when):
                continue
            topic = self.topic(rng, block, outlet.topics)
            title, text = self.article(rng, outlet.lang, topic)
            items.append(Item("press", f"{outlet.key}-{block}-{seq}", when, outlet.lang, topic, title, text,
                              author=rng.choice(outlet.journalists), outlet=outlet.key))
        return items

    def _wire(self, block: int) -> list[Item]:
        """Regional agency stories carried almost verbatim by several French outlets (syndication)."""
        items = []
        for seq in range(self.count("wire", block, RATES["wire"])):
            rng = self.rng("wire", block, seq)
            keep, when = rng.random(), self.when(rng, block, "press")
            if not self.kept(keep, "wire", when):
                continue
            topic = self.topic(rng, block)
            title, text = self.article(rng, "fr", topic, sentences=(4, 6))
            sentences = text.split(". ")
            carriers = ["courrier", "echo"] + (["sorbier"] if rng.random() < 0.5 else [])
            for key in carriers:
                copy = list(sentences)
                if len(copy) > 4 and rng.random() < 0.5:
                    del copy[rng.randrange(1, len(copy))]  # an editor trims a paragraph
                body = f"{CITY.upper()} (PRA) – " + ". ".join(copy)
                outlet = next(o for o in OUTLETS if o.key == key)
                items.append(Item("press", f"wire-{block}-{seq}-{key}", when + timedelta(minutes=rng.randint(5, 150)),
                                  "fr", topic, title, body + " Avec Presse régionale associée.",
                                  author="Presse régionale associée", outlet=outlet.key))
        return items

    def _communique(self) -> list[Item]:
        """The city's statement on the extended advisory, reprinted by outlets and a blog."""
        rng = self.rng("communique")
        start = self.start + timedelta(days=28)
        when = start + timedelta(hours=(9 - start.astimezone(TZ).hour) % 24, minutes=30)
        items = []
        for key, intro in (("courrier", "Voici le communiqué diffusé ce matin par la Ville. "),
                           ("echo", "La Ville a publié le communiqué suivant. "), ("chronicle", "")):
            lang = "en" if key == "chronicle" else "fr"
            pool = TEXTS[lang].COMMUNIQUE
            items.append(Item("press", f"communique-{key}", when + timedelta(minutes=rng.randint(10, 90)), lang,
                              "ecoli", pool["title"], intro + pool["text"], author="Rédaction", outlet=key))
        blog = BLOGS[2]
        items.append(Item("blog", "communique-blog", when + timedelta(hours=3), "fr", "ecoli",
                          "Le communiqué de la Ville, à lire attentivement",
                          texts_fr.COMMUNIQUE["text"] + " Mon commentaire suivra ce soir.",
                          author=blog[3], outlet=blog[0]))
        return items

    def _social(self, block: int) -> list[Item]:
        items = []
        for seq in range(self.count("social", block, RATES["social"])):
            rng = self.rng("social", block, seq)
            keep, when = rng.random(), self.when(rng, block, "social")
            if not self.kept(keep, "social", when):
                continue
            lang = "fr" if rng.random() < 0.64 else "en"
            topic = self.topic(rng, block)
            items.append(self._status(rng, f"social-{block}-{seq}", when, lang, topic, self.post(rng, lang, topic)))
        if block >= 28:  # the petition text, pasted by dozens of accounts
            for seq in range(24 if block == 28 else 34):
                rng = self.rng("petition", block, seq)
                lang = "fr" if seq % 4 else "en"
                texts = TEXTS[lang]
                text = " ".join(p for p in (rng.choice(texts.OPENERS), texts.COPYPASTE[0],
                                            rng.choice(texts.CLOSERS)) if p).replace("{city}", "SLDE")
                items.append(self._status(rng, f"petition-{block}-{seq}", self.when(rng, block, "social"),
                                          lang, "colere", text))
        if block >= 27:  # the city's own account posts updates
            for seq, lang in enumerate(["fr", "fr", "en"] if block == 27 else ["fr", "fr", "fr", "en", "en"]):
                rng = self.rng("official", block, seq)
                text = rng.choice(TEXTS[lang].OFFICIAL).format(**self.slots(rng, lang, formal=True))
                item = self._status(rng, f"official-{block}-{seq}", self.when(rng, block, "press"), lang, "bris", text)
                item.handle, item.author, item.followers = self.city_account
                items.append(item)
        return items

    def _status(self, rng: random.Random, uid: str, when: datetime, lang: str, topic: str, text: str) -> Item:
        handle, name, followers = self.account(rng, lang)
        heat = 6.0 if topic in CRISIS_TOPICS else 1.0
        likes = int(rng.lognormvariate(0.8, 1.1) * heat * (1 + followers / 2_000))
        tags = ["EauSLDE"] if topic in CRISIS_TOPICS else ["ValSorbier"] if topic == "voisine" else []
        tags.append(rng.choice(["SLDE", "SLDE", "SaintLaurentDesErables"]))
        return Item("social", uid, when, lang, topic, None, text, author=name, handle=handle, followers=followers,
                    engagement={"likes": likes, "shares": int(likes * rng.uniform(0.1, 0.5)),
                                "comments": int(likes * rng.uniform(0.05, 0.4))}, tags=tags)

    def _blogs(self, block: int) -> list[Item]:
        items = []
        for seq in range(self.count("blog", block, RATES["blog"])):
            rng = self.rng("blog", block, seq)
            keep, when = rng.random(), self.when(rng, block, "blog")
            if not self.kept(keep, "blog", when):
                continue
            name, lang, _domain, author = BLOGS[(3 * block + seq) % len(BLOGS)]  # each blog takes its turn
            topic = self.topic(rng, block)
            title, text = self.article(rng, lang, topic, sentences=(2, 3), formal=False)
            slots, posts = self.slots(rng, lang, formal=False), TEXTS[lang].TOPICS[topic]["posts"]
            first, last = rng.sample(posts, 2) if len(posts) > 1 else (posts[0], "")
            text = " ".join(p for p in (fill(first, slots), text, fill(last, slots) if last else "") if p)
            prefix = "Billet : " if lang == "fr" else "Opinion: "
            items.append(Item("blog", f"blog-{block}-{seq}", when, lang, topic, prefix + title, text,
                              author=author, outlet=name))
        return items

    def _forum(self, block: int) -> list[Item]:
        items = []
        for seq in range(self.count("forum", block, RATES["forum"])):
            rng = self.rng("forum", block, seq)
            keep, when = rng.random(), self.when(rng, block, "forum")
            if not self.kept(keep, "forum", when):
                continue
            lang = "fr" if rng.random() < 0.5 else "en"
            topic = self.topic(rng, block)
            pool = TEXTS[lang].TOPICS[topic]
            slots = self.slots(rng, lang, formal=False)
            title = rng.choice(pool["posts"]).format(**slots)
            body = f"{self.post(rng, lang, topic)} {rng.choice(pool['sentences']).format(**slots)}"
            user = f"{rng.choice(['erable', 'vallee', 'riverside', 'moulin', 'slde', 'bellevue'])}_" \
                   f"{rng.choice(['curieux', 'local', 'fan', 'dad', 'mom', 'citizen', 'throwaway'])}{rng.randint(1, 999)}"
            heat = 5 if topic in CRISIS_TOPICS else 1
            score = int(rng.lognormvariate(2.0, 1.0) * heat)
            items.append(Item("forum", f"forum-{block}-{seq}", when, lang, topic, title, body, handle=user,
                              engagement={"likes": score, "comments": int(score * rng.uniform(0.2, 1.2))}))
        return items

    def _clippings(self, block: int) -> list[Item]:
        items = []
        for seq in range(self.count("clipping", block, RATES["clipping"])):
            rng = self.rng("clipping", block, seq)
            kind, outlet, lang, audience = rng.choice(CLIPPING_OUTLETS)
            keep, when = rng.random(), self.when(rng, block, kind)
            if not self.kept(keep, "clipping", when):
                continue
            topic = self.topic(rng, block)
            title, text = self.article(rng, lang, topic, sentences=(2, 3))
            if kind != "print":
                hour = when.astimezone(TZ).hour
                title = f"Bulletin de {hour} h – {title}" if lang == "fr" else f"{hour}:00 newscast – {title}"
            items.append(Item("clipping", f"clip-{block}-{seq}", when, lang, topic, title, text,
                              author=rng.choice(FIRST[lang]) + " " + rng.choice(LAST[lang]), outlet=outlet,
                              kind=kind, engagement={"audience": audience}))
        return items


def generate(root: Path, anchor: datetime, seed: int = SEED) -> dict[str, Any]:
    """Write every demo file under ``root``; return what build_demo needs to point sources at them."""
    from vigie.demo.formats import write_all

    items = Scenario(anchor, seed).items()
    return write_all(root, items, anchor)
