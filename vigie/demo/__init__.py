"""`vigie demo`: a bilingual demo workspace of a fictional Québec city, ingested through the real
connectors from generated files served on loopback (a simulation). See docs/demo.md"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from vigie.demo.cast import CITY
from vigie.demo.generator import SEED, anchor_for, generate
from vigie.demo.server import DemoServer
from vigie.exceptions import BadRequest

__all__ = ["DEMO_NAME", "DEMO_SLUG", "WATCHES", "build_demo"]

log = logging.getLogger(__name__)
DEMO_SLUG = "demo"
DEMO_NAME = "Ville de Saint-Laurent-des-Érables (démo / simulation)"
DISABLED = "demo (simulation): served once from a local server"
# (name, query, kind): what a communications team of the city would watch.
WATCHES = (
    ("Marque – Saint-Laurent-des-Érables",
     '"Saint-Laurent-des-Érables" OR "St-Laurent-des-Érables" OR "St. Laurent des Erables" OR SLDE '
     "OR saintlaurentdeserables OR eauslde", "brand"),
    ("Concurrent – Val-Sorbier", '"Val-Sorbier" OR valsorbier', "competitor"),
    ("Sujet – eau potable / water quality",
     '"eau potable" OR "water quality" OR "boil-water" OR (avis NEAR/4 bouillir) OR (eau NEAR/3 contaminée) '
     'OR "E. coli"', "topic"),
    ("Sujet – relations de travail / labour",
     'grève OR strike OR (syndicat NEAR/6 "cols bleus") OR "blue-collar"', "topic"),
)


# Progress lines stay here rather than in the locale catalogues: only the demo says them.
MESSAGES = {
    "fr": {"generating": "génération des fichiers simulés…",
           "missing": "{name} : connecteur {connector!r} absent, ignoré",
           "fetched": "{name} : {new} nouvelles mentions, {duplicate} déjà vues"},
    "en": {"generating": "generating the simulated files…",
           "missing": "{name}: connector {connector!r} not installed, skipped",
           "fetched": "{name}: {new} new mentions, {duplicate} already seen"},
}


def _msg(key: str, **values: Any) -> str:
    from vigie.i18n import current_language

    return MESSAGES.get(current_language(), MESSAGES["en"])[key].format(**values)


def _sources(base: str, manifest: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(name, connector, config) of each demo source, pointed at the local server."""
    sources = [(f"{feed['name']} (simulation)", "rss",
                {"url": f"{base}/{feed['path']}", "channel": feed["channel"], "full_text": False})
               for feed in manifest["feeds"]]
    sources += [
        ("Mastodon – mots-clics de la ville (simulation)", "mastodon",
         {"instance": base, "hashtags": manifest["hashtags"], "max_pages": 100}),
        (f"Reddit – r/{manifest['subreddit']} (simulation)", "reddit",
         {"client_id": "demo", "client_secret": "demo", "subreddit": manifest["subreddit"],
          "auth_base": base, "api_base": base, "max_pages": 20}),
        ("Revue de presse – presse écrite, radio, télé (simulation)", "import",
         {"path": manifest["clippings"], "mapping": "press_clippings"}),
        ("SearXNG – recherche du nom de la ville (simulation)", "searxng",
         {"base_url": base, "queries": [manifest["search_query"]], "language": "fr"}),
    ]
    return sources


def _workspace(store: Any) -> dict[str, Any]:
    for ws in store.list_workspaces():
        if ws["slug"] == DEMO_SLUG:
            if ws["kind"] != "demo":
                raise BadRequest(f"a workspace {DEMO_SLUG!r} exists and is not the demo; the demo needs that id")
            return ws
    return store.create_workspace(DEMO_SLUG, DEMO_NAME, "fr", "America/Toronto", kind="demo")


def build_demo(app: Any, progress: Callable[[str], None] | None = None, *, now: datetime | None = None,
               seed: int = SEED) -> dict[str, Any]:
    """Create (or top up) the demo workspace and return a summary with counts.

    The content is generated around ``now`` (default: the current hour) and fetched through the
    real connectors; running it again adds nothing, because the store drops what it already has.
    """
    from vigie.app import Vigie
    from vigie.net import HttpClient
    from vigie.plugins import source_classes

    say = progress or (lambda _message: None)
    store = app.store
    ws = _workspace(store)
    known = {w["name"] for w in store.list_watches(ws["id"])}
    for name, query, kind in WATCHES:
        if name not in known:
            store.add_watch(ws["id"], name, query, kind=kind)
    available = source_classes()
    errors: list[str] = []
    with tempfile.TemporaryDirectory(prefix="vigie-demo-") as tmp:
        say(_msg("generating"))
        manifest = generate(Path(tmp), anchor_for(now), seed)
        # Loopback is refused to user-supplied URLs; this client is the demo's own, for its own server.
        http = HttpClient.from_settings(app.settings, allow_private_networks=True, politeness_delay=0)
        demo = Vigie(app.settings, store, http=http)
        try:
            with DemoServer(Path(tmp)) as server:
                for name, connector, config in _sources(server.base_url, manifest):
                    if connector not in available:
                        say(_msg("missing", name=name, connector=connector))
                        continue
                    if connector == "searxng" and store.list_snapshots(ws["id"], limit=1):
                        continue  # one ranking snapshot is enough; another would only repeat it
                    source = store.ensure_source(ws["id"], name, connector, config)
                    # Fresh cursor: the store's dedup, not the connector's memory, keeps reruns idempotent.
                    source = store.update_source(source["id"], config=config, cursor={}, enabled=True)
                    outcome = demo.fetch(source)
                    store.update_source(source["id"], enabled=False)
                    store.set_source_status(source["id"], "disabled", DISABLED)
                    if outcome.status != "ok":
                        errors.append(f"{name}: {outcome.message}")
                        log.warning("demo source %s: %s", name, outcome.message)
                    say(_msg("fetched", name=name, new=outcome.stats.new, duplicate=outcome.stats.duplicate)
                        + (f" ({outcome.status}: {outcome.message})" if outcome.status != "ok" else ""))
        finally:
            http.close()
    counts = store.counts(ws["id"])
    return {"name": ws["name"], "slug": ws["slug"], "workspace_id": ws["id"], "mentions": counts["mentions"],
            "watches": counts["watches"], "sources": counts["sources"], "stories": store.story_count(ws["id"]),
            "organisation": CITY, "simulation": True, "errors": errors}
