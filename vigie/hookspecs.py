"""Every extension point of Vigie, one line each. See docs/plugins.md"""

from __future__ import annotations

from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("vigie")


@hookspec
def register_sources() -> list[type]:  # type: ignore[empty-body]
    """Return connector classes (see vigie.sources.base.Source) this plugin provides."""


@hookspec
def register_analyzers() -> list[type]:  # type: ignore[empty-body]
    """Return analyzer classes (name + process(mention)) this plugin provides."""


@hookspec
def register_commands(cli: Any) -> None:
    """Add click commands or groups to the ``vigie`` command line."""


@hookspec
def prepare_connection(connection: Any, dialect: str) -> None:
    """Modify a new database connection in some way, e.g. register SQL functions."""
