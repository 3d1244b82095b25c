"""Writes the demo's generated items as the files real services give: RSS, Atom, Mastodon and Reddit JSON,
a clipping-service CSV and a SearXNG answer. See docs/demo.md"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from datetime import datetime
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from vigie.demo.cast import BLOGS, CITY, OUTLETS
from vigie.demo.generator import TZ, Item, stable_int
from vigie.text import fold

HASHTAGS = ("SLDE", "SaintLaurentDesErables", "EauSLDE", "ValSorbier")
SUBREDDIT = "StLaurentDesErables"
SIMULATION_NOTE = {"fr": "Média fictif – contenu simulé par Vigie (démonstration).",
                   "en": "Fictional outlet – content simulated by Vigie (demo)."}
_SENTENCE_END = re.compile(r"(?<=[.!?»])\s+")


def slug(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", fold(text)))[:70].strip("-")


def item_url(item: Item) -> str:
    """Stable, plainly fictional addresses (.example is reserved for documentation)."""
    n = stable_int(item.uid, bits=28)
    if item.stream == "press":
        outlet = next(o for o in OUTLETS if o.key == item.outlet)
        section = "actualites" if outlet.lang == "fr" else "news"
        return f"https://{outlet.domain}/{section}/{slug(item.title or '')}-{n}"
    if item.stream == "blog":
        domain = next((b[2] for b in BLOGS if b[0] == item.outlet), BLOGS[0][2])
        return f"https://{domain}/billets/{slug(item.title or '')}-{n}"
    return f"https://revue-presse.example/extrait/{n}"


def _paragraphs(text: str) -> str:
    sentences = _SENTENCE_END.split(text)
    return "".join(f"<p>{escape(' '.join(sentences[i:i + 2]), quote=False)}</p>"
                   for i in range(0, len(sentences), 2))


def _rss(name: str, lang: str, domain: str, items: list[Item], built: datetime) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">', "<channel>",
           f"<title>{xml_escape(name)}</title>", f"<link>https://{domain}/</link>",
           f"<description>{xml_escape(SIMULATION_NOTE[lang])}</description>",
           f"<language>{lang}-ca</language>", f"<lastBuildDate>{format_datetime(built)}</lastBuildDate>"]
    for item in sorted(items, key=lambda i: i.when, reverse=True):
        url = item_url(item)
        out += ["<item>", f"<title>{xml_escape(item.title or '')}</title>", f"<link>{url}</link>",
                f'<guid isPermaLink="true">{url}</guid>', f"<pubDate>{format_datetime(item.when)}</pubDate>",
                f"<dc:creator>{xml_escape(item.author or '')}</dc:creator>",
                f"<category>{item.topic}</category>",
                f"<description>{xml_escape(_paragraphs(item.text))}</description>", "</item>"]
    out += ["</channel>", "</rss>"]
    return "\n".join(out)


def _atom(items: list[Item], built: datetime) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">',
           "<title>Blogues des Érables (agrégateur fictif)</title>",
           f"<subtitle>{xml_escape(SIMULATION_NOTE['fr'])}</subtitle>",
           "<id>tag:blogues-erables.example,2024:planet</id>",
           '<link href="https://blogues-erables.example/"/>', f"<updated>{built.isoformat()}</updated>"]
    for item in sorted(items, key=lambda i: i.when, reverse=True):
        out += [f'<entry xml:lang="{item.lang}">', f"<id>tag:blogues-erables.example,2024:{item.uid}</id>",
                f"<title>{xml_escape(item.title or '')}</title>", f'<link href="{item_url(item)}"/>',
                f"<published>{item.when.isoformat()}</published>", f"<updated>{item.when.isoformat()}</updated>",
                f"<author><name>{xml_escape(item.author or '')}</name></author>",
                f"<source><title>{xml_escape(item.outlet or '')}</title></source>",
                f'<content type="html">{xml_escape(_paragraphs(item.text))}</content>', "</entry>"]
    out.append("</feed>")
    return "\n".join(out)


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def _status(item: Item) -> dict[str, Any]:
    """A Mastodon status as the timelines API returns it (a remote account seen from the local server)."""
    user, instance = (item.handle or "anonyme@piaille.example").split("@", 1)
    number = stable_int(item.uid, bits=56)
    # Snowflake-like local id: sortable by time, as Mastodon's are; the uri stays stable across runs.
    local_id = str((int(item.when.timestamp() * 1000) << 16) | (number & 0xFFFF))
    tags = "".join(f' <a href="https://{instance}/tags/{t}" class="mention hashtag" rel="tag">#<span>{t}</span></a>'
                   for t in item.tags if f"#{t}" not in item.text)
    likes, shares, comments = (item.engagement.get(k, 0) for k in ("likes", "shares", "comments"))
    account_id = str(stable_int(item.handle, bits=56))
    return {
        "id": local_id, "created_at": _iso(item.when), "in_reply_to_id": None, "in_reply_to_account_id": None,
        "sensitive": False, "spoiler_text": "", "visibility": "public", "language": item.lang,
        "uri": f"https://{instance}/users/{user}/statuses/{number}", "url": f"https://{instance}/@{user}/{number}",
        "replies_count": comments, "reblogs_count": shares, "favourites_count": likes, "quotes_count": 0,
        "edited_at": None, "content": f"<p>{escape(item.text, quote=False)}{tags}</p>", "reblog": None,
        "application": None,
        "account": {
            "id": account_id, "username": user, "acct": f"{user}@{instance}", "display_name": item.author or user,
            "locked": False, "bot": False, "discoverable": True, "group": False, "created_at": "2023-01-15T00:00:00.000Z",
            "note": "<p>Compte fictif – simulation Vigie / fictional account – Vigie simulation</p>",
            "url": f"https://{instance}/@{user}", "uri": f"https://{instance}/users/{user}",
            "avatar": f"https://{instance}/avatars/original/missing.png",
            "followers_count": item.followers or 0, "following_count": 40 + int(account_id[-3:]) % 400,
            "statuses_count": 30 + int(account_id[-4:]), "emojis": [], "fields": [],
        },
        "media_attachments": [], "mentions": [],
        "tags": [{"name": t.lower(), "url": f"https://{instance}/tags/{t.lower()}"} for t in item.tags],
        "emojis": [], "card": None, "poll": None,
    }


def _reddit(item: Item) -> dict[str, Any]:
    base36, n = "", stable_int(item.uid, bits=36)
    while n:
        n, digit = divmod(n, 36)
        base36 = "0123456789abcdefghijklmnopqrstuvwxyz"[digit] + base36
    permalink = f"/r/{SUBREDDIT}/comments/{base36}/{slug(item.title or '')[:50].replace('-', '_')}/"
    score, comments = item.engagement.get("likes", 0), item.engagement.get("comments", 0)
    return {"kind": "t3", "data": {
        "id": base36, "name": f"t3_{base36}", "title": item.title, "selftext": item.text,
        "selftext_html": f'<!-- SC_OFF --><div class="md"><p>{escape(item.text, quote=False)}</p></div><!-- SC_ON -->',
        "author": item.handle, "subreddit": SUBREDDIT, "subreddit_name_prefixed": f"r/{SUBREDDIT}",
        "subreddit_subscribers": 4_210, "created_utc": float(int(item.when.timestamp())), "permalink": permalink,
        "url": f"https://www.reddit.com{permalink}", "is_self": True, "score": score, "ups": score,
        "upvote_ratio": 0.87, "num_comments": comments, "over_18": False,
        "link_flair_text": "Actualités" if item.lang == "fr" else "News",
    }}


CLIPPING_HEADERS = ["Date de parution", "Média", "Type de média", "Titre", "Résumé", "Journaliste",
                    "Auditoire", "Langue", "Lien"]
_MEDIUM = {"print": "Presse écrite", "radio": "Radio", "tv": "Télévision"}


def _clippings(path: Path, items: list[Item]) -> None:
    # As a Québec clipping service exports it: semicolons, a BOM, day-first local dates.
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(CLIPPING_HEADERS)
        for item in sorted(items, key=lambda i: i.when):
            writer.writerow([item.when.astimezone(TZ).strftime("%d/%m/%Y %H:%M"), item.outlet, _MEDIUM[item.kind],
                             item.title, item.text, item.author, item.engagement.get("audience", ""),
                             "Français" if item.lang == "fr" else "Anglais", item_url(item)])


def _search(press: list[Item]) -> dict[str, Any]:
    """What a metasearch engine ranks for the city's name today: official pages, then the crisis."""
    city = "https://www.saint-laurent-des-erables.example"
    latest = sorted((i for i in press if i.topic in ("ecoli", "greve", "rapport", "colere")),
                    key=lambda i: i.when, reverse=True)[:4]
    rows = [(f"{city}/avis-ebullition", "Avis de faire bouillir l'eau – Ville de Saint-Laurent-des-Érables",
             "L'avis de faire bouillir l'eau s'applique à tout le territoire. Distribution d'eau à l'aréna.")]
    rows += [(item_url(i), i.title or "", i.text[:180]) for i in latest]
    rows += [
        (f"{city}/", "Ville de Saint-Laurent-des-Érables – Site officiel (fictif)",
         "Services municipaux, séances du conseil, collectes et loisirs. Ville fictive de démonstration."),
        ("https://petition.erables.example/eau-potable", "Pétition : enquête indépendante sur l'eau potable",
         "Nous exigeons une enquête indépendante sur la gestion de l'eau potable à Saint-Laurent-des-Érables."),
        ("https://encyclopedie.example/wiki/Saint-Laurent-des-%C3%89rables", "Saint-Laurent-des-Érables – Encyclopédie",
         "Saint-Laurent-des-Érables est une ville fictive du Québec d'environ 38 000 habitants."),
        ("https://tourisme-vallee.example/saint-laurent-des-erables", "Que faire à Saint-Laurent-des-Érables",
         "Festival des Érables, marché public, pistes cyclables le long de la rivière."),
        ("https://www.val-sorbier.example/", "Val-Sorbier – Site officiel (fictif)",
         "Ville voisine de Saint-Laurent-des-Érables. Complexe aquatique, parc industriel."),
    ]
    return {"query": CITY, "number_of_results": 0, "answers": [], "corrections": [], "infoboxes": [],
            "suggestions": ["saint-laurent-des-érables eau potable", "saint-laurent-des-érables avis ébullition"],
            "unresponsive_engines": [],
            "results": [{"title": title, "content": snippet, "url": url, "engine": "duckduckgo",
                         "engines": ["duckduckgo", "qwant"], "category": "general", "publishedDate": None,
                         "score": round(10 / (rank + 1), 3), "template": "default.html"}
                        for rank, (url, title, snippet) in enumerate(rows)]}


def _dump(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def write_all(root: Path, items: list[Item], anchor: datetime) -> dict[str, Any]:
    """Every file under ``root``; returns a manifest of what was written."""
    by_stream: dict[str, list[Item]] = {}
    for item in items:
        by_stream.setdefault(item.stream, []).append(item)
    (root / "feeds").mkdir(parents=True, exist_ok=True)
    feeds = []
    for outlet in OUTLETS:
        own = [i for i in by_stream.get("press", []) if i.outlet == outlet.key]
        (root / "feeds" / f"{outlet.key}.xml").write_text(
            _rss(outlet.name, outlet.lang, outlet.domain, own, anchor), encoding="utf-8")
        feeds.append({"name": outlet.name, "path": f"feeds/{outlet.key}.xml", "channel": "online_press"})
    (root / "feeds" / "blogues.atom").write_text(_atom(by_stream.get("blog", []), anchor), encoding="utf-8")
    feeds.append({"name": "Blogues des Érables", "path": "feeds/blogues.atom", "channel": "blog"})
    social = sorted(by_stream.get("social", []), key=lambda i: i.when, reverse=True)
    for tag in HASHTAGS:
        _dump(root / "mastodon" / f"{tag.lower()}.json", [_status(i) for i in social if tag in i.tags])
    forum = sorted(by_stream.get("forum", []), key=lambda i: i.when, reverse=True)
    _dump(root / "reddit" / f"{SUBREDDIT.lower()}.json", [_reddit(i) for i in forum])
    _clippings(root / "clippings.csv", by_stream.get("clipping", []))
    _dump(root / "searxng" / "search.json", _search(by_stream.get("press", [])))
    return {"feeds": feeds, "hashtags": list(HASHTAGS), "subreddit": SUBREDDIT,
            "clippings": str(root / "clippings.csv"), "search_query": CITY,
            "counts": dict(Counter(i.stream for i in items)),
            "languages": dict(Counter(i.lang for i in items))}
