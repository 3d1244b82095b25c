"""The `vigie` command line: one group, a module per topic. See docs/cli.md"""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

from vigie import __version__
from vigie.cli import (
    alerts,
    bench,
    core,
    crisis,
    crisis_prep,
    enrich,
    enrich_bench,
    entities,
    glossary,
    mentions,
    sources,
    topics,
    understand,
    watches,
    web,
)
from vigie.exceptions import QuerySyntaxError, VigieError
from vigie.plugins import get_plugin_manager


class VigieGroup(click.Group):
    """Turns Vigie's own errors into one clean line (and a caret under query errors)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except QuerySyntaxError as exc:
            raise click.ClickException(f"{exc}\n{exc.pointer()}") from None
        except VigieError as exc:
            raise click.ClickException(str(exc)) from None


@click.group(cls=VigieGroup)
@click.version_option(__version__, prog_name="vigie")
@click.option("--workspace", "-w", envvar="VIGIE_WORKSPACE", help="Workspace id (default: the first one).")
@click.option("--verbose", "-v", is_flag=True, help="Log details on stderr.")
@click.pass_context
def cli(ctx: click.Context, workspace: str | None, verbose: bool) -> None:
    """Vigie: listen, understand, warn, respond. / Écouter, comprendre, alerter, répondre."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    ctx.obj = core.Context(workspace)
    ctx.call_on_close(ctx.obj.close)


for module in (core, watches, sources, mentions, enrich, bench, crisis, crisis_prep, alerts, understand, web,
               glossary, enrich_bench, topics, entities):
    module.register(cli)
get_plugin_manager().hook.register_commands(cli=cli)


def main() -> None:
    cli(prog_name="vigie")
