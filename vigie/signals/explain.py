"""Why an alert fired: baseline and excess, the words, sources and authors driving it, sample mentions;
and the plain-text and Markdown forms channels send. See docs/alerts.md"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from vigie.i18n import t
from vigie.query import compile_query
from vigie.signals.series import BUCKET_S, TOTAL
from vigie.store import schema
from vigie.store.mentions import as_utc
from vigie.text import fold, tokens

SAMPLE_ROWS = 400  # mentions read to explain a spike; enough for stable top terms, cheap to fetch
_STOPWORDS = frozenset("""
a à afin ai aie alors au aucun aussi autre aux avec avoir avons bon car ce cela celle celles celui ces cet cette
ceux chez ci comme comment dans de des du donc dont elle elles en encore entre est et été être eu fait faire
il ils je la le les leur leurs lui ma mais me même mes moi mon ne ni nos notre nous on ont or ou où par pas
peu peut plus pour pourquoi qu quand que quel quelle quels qui sa sans se ses si son sont sous sur ta te tes
toi ton tous tout toute toutes très tu un une vos votre vous y ça été selon après avant hier aujourd hui
the of and to in is it for on that with as at by be this are was from or an not have has had were will would
there their they them his her she he we you your our its but what which who when where why how all can
could should than then these those also just into about over after before more most some such only other
http https www com org net html amp rt via pres dont
""".split())
STOPWORDS = frozenset(fold(w) for w in _STOPWORDS)  # tokens arrive folded: "très" is "tres"
_WORD = re.compile(r"\w+")


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "–"


def tr(key: str, language: str, **values: Any) -> str:
    """A message of the catalogue; a value the alert lacks shows as "–" instead of failing."""
    return t(key, language).format_map(_Blank(values))


def _event(m: Any) -> Any:
    return func.coalesce(m.c.published_at, m.c.collected_at)


def mentions_in(store: Any, watch_id: int, start: datetime, end: datetime, channel: str = TOTAL,
                limit: int = SAMPLE_ROWS) -> list[dict[str, Any]]:
    """A watch's mentions that happened in [start, end), newest first."""
    m, mm = schema.mentions, schema.mention_matches
    cols = [m.c.id, m.c.channel, m.c.connector, m.c.title, m.c.text, m.c.url, m.c.author_handle, m.c.author_name,
            m.c.author_followers, m.c.outlet, m.c.outlet_audience, m.c.reach, m.c.published_at, m.c.collected_at,
            m.c.story_id, m.c.source_id]
    if "sentiment" in m.c:
        cols.append(m.c.sentiment)
    query = select(*cols).join(mm, mm.c.mention_id == m.c.id).where(
        mm.c.watch_id == watch_id, _event(m) >= start, _event(m) < end)
    if channel not in (TOTAL, "each"):
        query = query.where(m.c.channel == channel)
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(query.order_by(m.c.id.desc()).limit(limit)).mappings()]


def mentions_by_id(store: Any, ids: list[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    m = schema.mentions
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(m).where(m.c.id.in_(ids[:500]))).mappings()]


def top_terms(rows: list[dict[str, Any]], reference: list[dict[str, Any]], exclude: frozenset[str] = frozenset(),
              k: int = 8) -> list[dict[str, Any]]:
    """Words in more of these mentions than usual (document frequency against the reference)."""
    surface: dict[str, Counter[str]] = {}  # folded word -> how it was written ("évacuation")

    def df(items: list[dict[str, Any]], keep_forms: bool = False) -> Counter[str]:
        counts: Counter[str] = Counter()
        for row in items:
            text = f"{row.get('title') or ''} {row.get('text') or ''}"
            counts.update({w for w in tokens(text)
                           if len(w) > 2 and not w.isdigit() and w not in STOPWORDS and w not in exclude})
            if keep_forms:
                for word in _WORD.findall(text.lower()):
                    surface.setdefault(fold(word), Counter())[word] += 1
        return counts

    now, before = df(rows, keep_forms=True), df(reference)
    n, n_ref = max(len(rows), 1), max(len(reference), 1)
    lift = {w: c / n - (before.get(w, 0) + 0.5) / (n_ref + 1) for w, c in now.items() if c >= 2 or len(rows) < 5}
    best = sorted(lift, key=lambda w: (-lift[w], -now[w], w))[:k]
    def shown(w: str) -> str:
        forms = surface.get(w)
        return forms.most_common(1)[0][0] if forms else w

    return [{"term": shown(w), "mentions": now[w], "usual_share": round(before.get(w, 0) / n_ref, 3)} for w in best
            if lift[w] > 0]


def top_counts(values: list[str | None], k: int = 5) -> list[dict[str, Any]]:
    return [{"name": name, "mentions": n} for name, n in Counter(v for v in values if v).most_common(k)]


def samples(rows: list[dict[str, Any]], k: int = 3) -> list[dict[str, Any]]:
    """The most-read mentions first: what a communicator should open."""
    ranked = sorted(rows, key=lambda r: (-(r.get("reach") or r.get("author_followers") or 0), -(r.get("id") or 0)))
    # One per story first, so three copies of one syndicated article do not hide the rest.
    picked, stories = [], set()
    for r in ranked:
        if r.get("story_id") is None or r["story_id"] not in stories:
            picked.append(r)
            stories.add(r.get("story_id"))
    picked += [r for r in ranked if r not in picked]
    out = []
    for r in picked[:k]:
        published = as_utc(r.get("published_at"))
        out.append({"id": r.get("id"), "title": (r.get("title") or (r.get("text") or "")[:140]).strip(),
                    "url": r.get("url"), "channel": r.get("channel"), "author": r.get("author_handle") or r.get("author_name"),
                    "outlet": r.get("outlet"), "reach": r.get("reach"), "story_id": r.get("story_id"),
                    "published_at": published.isoformat() if published else None})
    return out


def drivers(store: Any, rows: list[dict[str, Any]], reference: list[dict[str, Any]],
            exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Top terms, sources, authors and sample mentions of a set of mentions."""
    names = _source_names(store, {r["source_id"] for r in rows if r.get("source_id")})
    return {
        "top_terms": top_terms(rows, reference, exclude),
        "top_sources": top_counts([r.get("outlet") or names.get(r.get("source_id") or 0) or r.get("connector")
                                   for r in rows]),
        "top_authors": top_counts([r.get("author_handle") or r.get("author_name") for r in rows]),
        "top_stories": [{"story_id": s, "mentions": n} for s, n in
                        Counter(r.get("story_id") for r in rows if r.get("story_id")).most_common(3)],
        "samples": samples(rows),
    }


def _source_names(store: Any, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    s = schema.sources
    with store.engine.connect() as conn:
        return {int(i): str(n) for i, n in conn.execute(select(s.c.id, s.c.name).where(s.c.id.in_(list(ids))))}


def watch_terms(watch: dict[str, Any] | None) -> frozenset[str]:
    """The watch's own words say nothing new: they are in every mention it matches."""
    if not watch:
        return frozenset()
    try:
        return frozenset(w for term in compile_query(watch["query"]).terms for w in tokens(term))
    except Exception:  # noqa: BLE001 - a watch saved before a parser change still gets an explanation
        return frozenset()


def series_explanation(store: Any, facts: dict[str, Any], watch: dict[str, Any] | None, now: datetime) -> dict[str, Any]:
    """Facts of the reading plus what drove it: the bucket's mentions against the day before it."""
    start = datetime.fromisoformat(facts["bucket_start"])
    end = min(start + timedelta(seconds=BUCKET_S), now + timedelta(seconds=1))
    channel = facts.get("channel", TOTAL)
    rows = mentions_in(store, watch["id"], start, end, channel) if watch else []
    reference = mentions_in(store, watch["id"], start - timedelta(days=1), start, channel) if watch else []
    return {**facts, **drivers(store, rows, reference, watch_terms(watch))}


def mention_explanation(store: Any, facts: dict[str, Any], mention_ids: list[int]) -> dict[str, Any]:
    rows = mentions_by_id(store, mention_ids)
    return {**facts, "samples": samples(rows), "top_sources": top_counts([r.get("outlet") or r.get("connector") for r in rows]),
            "top_authors": top_counts([r.get("author_handle") or r.get("author_name") for r in rows])}


# -- rendering -----------------------------------------------------------------------------------
def render_lines(alert: dict[str, Any], language: str) -> list[str]:
    """The explanation as short lines, in the workspace's language."""
    e = alert.get("explanation") or {}
    lines: list[str] = []
    if e.get("baseline") is not None and e.get("observed") is not None:
        lines.append(tr("alert.why.baseline", language, observed=_num(e["observed"]), baseline=_num(e["baseline"]),
                       ratio=e.get("ratio") or "–", score=e.get("score"), threshold=e.get("threshold")))
        if e.get("partial"):
            lines.append(tr("alert.why.partial", language, mentions=e.get("mentions")))
    if e.get("share") is not None:
        lines.append(tr("alert.why.share", language, share=round(100 * e["share"]), negative=e.get("negative")))
    if e.get("keywords"):
        lines.append(tr("alert.why.keywords", language, keywords=", ".join(e["keywords"])))
    if e.get("audience"):
        lines.append(tr("alert.why.audience", language, audience=_num(e["audience"]), min_reach=_num(e.get("min_reach") or 0)))
    if e.get("rank"):
        lines.append(tr("alert.why.search", language, rank=e["rank"], engine=e.get("engine"), query=e.get("query"),
                       url=e.get("url")))
    if e.get("silent_s"):
        lines.append(tr("alert.why.silence", language, source=e.get("source"), hours=round(e["silent_s"] / 3600, 1),
                       last=e.get("last_success_at") or "–"))
    if e.get("top_terms"):
        lines.append(tr("alert.why.terms", language, terms=", ".join(x["term"] for x in e["top_terms"])))
    if e.get("top_sources"):
        lines.append(tr("alert.why.sources", language, sources=", ".join(f"{x['name']} ({x['mentions']})" for x in e["top_sources"])))
    if e.get("top_authors"):
        lines.append(tr("alert.why.authors", language, authors=", ".join(f"{x['name']} ({x['mentions']})" for x in e["top_authors"])))
    if (e.get("occurrences") or 1) > 1:
        lines.append(tr("alert.why.grouped", language, n=e["occurrences"]))
    for item in e.get("alerts") or []:  # a digest
        lines.append(f"• [{item.get('severity')}] {item.get('title')}")
    for s in e.get("samples") or []:
        lines.append(f"– {s.get('title') or ''} {s.get('url') or ''}".rstrip())
    return lines


def render_text(alert: dict[str, Any], language: str) -> str:
    return "\n".join([f"[{alert.get('severity', '').upper()}] {alert.get('title', '')}", *render_lines(alert, language)])


def _num(value: Any) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}".replace(",", " ")
    return f"{int(value):,}".replace(",", " ") if isinstance(value, int | float) else str(value)
