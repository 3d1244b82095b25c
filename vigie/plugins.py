"""The plugin manager: built-in parts and third-party packages register the same way. See docs/plugins.md"""

from __future__ import annotations

import importlib
from functools import cache
from typing import Any

import pluggy

from vigie import hookspecs

# One line per built-in connector or analyzer: adding one is a file plus a line here.
DEFAULT_PLUGINS: tuple[str, ...] = (
    "vigie.sources.rss",
    "vigie.sources.google_news",
    "vigie.sources.mastodon",
    "vigie.sources.bluesky",
    "vigie.sources.reddit",
    "vigie.sources.youtube",
    "vigie.sources.x",
    "vigie.sources.gdelt",
    "vigie.sources.facebook",
    "vigie.sources.instagram",
    "vigie.sources.searxng",
    "vigie.sources.google_cse",
    "vigie.sources.file_import",
    "vigie.sources.pdf_clipping",
    "vigie.sources.manual",
    "vigie.enrich.language",
    "vigie.enrich.sentiment",
    "vigie.enrich.glossary",
    "vigie.enrich.entities",
    "vigie.enrich.keyphrases",
    "vigie.enrich.topics",
    "vigie.enrich.reach",
)


@cache
def get_plugin_manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager("vigie")
    pm.add_hookspecs(hookspecs)
    for name in DEFAULT_PLUGINS:
        pm.register(importlib.import_module(name), name)
    pm.load_setuptools_entrypoints("vigie")
    return pm


def source_classes() -> dict[str, type]:
    """Connector id -> class, from every registered plugin."""
    found: dict[str, type] = {}
    for classes in get_plugin_manager().hook.register_sources():
        for cls in classes:
            found[cls.name] = cls
    return found


def analyzer_classes() -> dict[str, type]:
    """Analyzer name -> class, from every registered plugin."""
    found: dict[str, type] = {}
    for classes in get_plugin_manager().hook.register_analyzers():
        for cls in classes:
            found[cls.name] = cls
    return found


def build_analyzers(settings: Any) -> list[Any]:
    """The analyzers named in the `pipeline` setting, in order; an unknown name is a configuration error."""
    from vigie.exceptions import NotConfigured

    classes = analyzer_classes()
    unknown = [name for name in settings["pipeline"] if name not in classes]
    if unknown:
        raise NotConfigured(f"pipeline: unknown analyzer(s) {', '.join(unknown)}; known: {', '.join(sorted(classes))}")
    return [classes[name](settings) for name in settings["pipeline"]]
