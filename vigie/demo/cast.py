"""The fictional cast of the demo: the city, its outlets, blogs, broadcasters and residents' names. See docs/demo.md"""

from __future__ import annotations

from dataclasses import dataclass, field

# Everything here is invented; web addresses use the reserved .example domain.
CITY = "Saint-Laurent-des-Érables"
NEIGHBOUR = "Val-Sorbier"


@dataclass(frozen=True)
class Outlet:
    key: str
    name: str
    lang: str
    domain: str
    audience: int
    rate: float  # articles a day outside the crisis
    journalists: tuple[str, ...]
    topics: dict[str, float] = field(default_factory=dict)  # weight overrides


OUTLETS = (
    Outlet("courrier", "Le Courrier des Érables", "fr", "courrier-erables.example", 45_000, 2.6,
           ("Annie Paradis", "Jérôme Castonguay", "Lina Haddad")),
    Outlet("echo", "L'Écho de la Vallée", "fr", "echo-vallee.example", 80_000, 2.0,
           ("Pierre-Luc Vézina", "Sandrine Ouimet")),
    Outlet("sorbier", "Info-Sorbier", "fr", "info-sorbier.example", 18_000, 1.2,
           ("Diane Lemieux",), {"voisine": 10.0, "entraide": 3.0}),
    Outlet("chronicle", "The Riverside Chronicle", "en", "riverside-chronicle.example", 24_000, 1.3,
           ("Jennifer Walsh", "Tom Reid")),
)
BLOGS = (  # (name, language, domain, author)
    ("Le blogue de Martine", "fr", "martine.blogues-erables.example", "Martine Caron"),
    ("Urbanisme & Cie", "fr", "urbanisme.blogues-erables.example", "Olivier Fortin"),
    ("Eau claire – carnet environnement", "fr", "eauclaire.blogues-erables.example", "Léa Simard"),
    ("Notes from the Valley", "en", "valleynotes.blogues-erables.example", "Heather Murphy"),
)
CLIPPING_OUTLETS = (
    ("print", "Le Journal de la Vallée (papier)", "fr", 32_000), ("print", "Hebdo des Érables", "fr", 18_000),
    ("print", "The Valley Record", "en", 9_000), ("radio", "Radio Érables 103,1", "fr", 25_000),
    ("radio", "River 94.5 FM", "en", 12_000), ("tv", "TVR Vallée – Le Téléjournal régional", "fr", 60_000),
    ("tv", "Valley TV News", "en", 20_000),
)
INSTANCES = ("piaille.example", "erables.social.example", "mastodon.vallee.example")
FIRST = {"fr": "Julie Mathieu Sophie Étienne Marc-André Isabelle Louis Chloé Félix Amélie Olivier Nathalie "
               "Simon Catherine Maxime Josée Samuel Émilie Jean-François Marie-Ève Alexandre Valérie Gabriel "
               "Mélanie Antoine Karine Vincent Annie Hugo Léa".split(),
         "en": "Emily Jason Sarah Michael Jessica David Ashley Ryan Megan Kevin Laura Daniel Heather Chris "
               "Amanda Liam".split()}
LAST = {"fr": "Tremblay Gagnon Roy Côté Bouchard Gauthier Morin Lavoie Fortin Gagné Ouellet Pelletier "
              "Bélanger Lévesque Bergeron Leblanc Paquette Girard Simard Boucher Caron Beaulieu Cloutier "
              "Dubé Poirier Fournier Lapointe Leclerc Lefebvre Poulin".split(),
        "en": "Smith Brown MacDonald Campbell Wilson Taylor Murphy Stewart O'Brien Reid Kelly Fraser "
              "Morrison Clarke Walsh".split()}
CITY_FORMS = {"fr": ["Saint-Laurent-des-Érables"] * 6 + ["St-Laurent-des-Érables"] * 2
              + ["Saint-Laurent-des-Erables", "SLDE", "St-Laurent"],
              "en": ["St. Laurent des Erables", "Saint-Laurent-des-Érables", "St-Laurent-des-Erables", "SLDE"]}
