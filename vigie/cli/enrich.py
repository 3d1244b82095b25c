"""CLI: `vigie enrich` re-runs analyzers over stored mentions. See docs/enrichment.md"""

from __future__ import annotations

import click
from rich.progress import Progress, TextColumn, TimeElapsedColumn

from vigie.cli.core import Context, err, out, pass_ctx, print_json
from vigie.cli.mentions import _since


@click.command("enrich")
@click.option("--since", help="Only mentions published since (ISO date, or 24h / 7d).")
@click.option("--stage", "stages", multiple=True, help="Analyzer to run (repeatable; default: the pipeline).")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def enrich_cmd(ctx: Context, since: str | None, stages: tuple[str, ...], as_json: bool) -> None:
    """Re-run analyzers over stored mentions. / Relancer les analyses sur les mentions enregistrées."""
    from vigie.enrich.rerun import reenrich

    ws = ctx.workspace()
    with Progress(TextColumn("{task.description}"), TimeElapsedColumn(), console=err, disable=as_json,
                  transient=True) as progress:
        task = progress.add_task("enrich")
        result = reenrich(ctx.store, ctx.app.settings, ws["id"], _since(since), list(stages) or None,
                          progress=lambda n: progress.update(task, description=f"enrich: {n}"))
    if as_json:
        print_json(result)
    else:
        out.print(f"{result['mentions']} mentions, {result['changed']} changed ({', '.join(result['stages'])})")


def register(cli: click.Group) -> None:
    cli.add_command(enrich_cmd)
