"""CLI: `vigie topics` (event topics, biggest first) and `vigie eval topics` (the generated evaluation and
the demo sanity check; JSON on the last line). See docs/topics.md"""

from __future__ import annotations

import click

from vigie.cli.core import Context, err, out, pass_ctx, print_json, print_table
from vigie.cli.mentions import _since
from vigie.i18n import t


@click.command("topics")
@click.option("--since", default="7d", show_default=True, help="Topics seen since (ISO date, or 24h / 7d).")
@click.option("--limit", default=20, show_default=True)
@click.option("--min-size", default=2, show_default=True, help="Smallest topic listed (1: single mentions too).")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def topics_cmd(ctx: Context, since: str | None, limit: int, min_size: int, as_json: bool) -> None:
    """Event topics: mentions about the same event, grouped. / Sujets : les mentions d'un même événement."""
    from vigie.enrich.topics_store import list_topics

    rows = list_topics(ctx.store, ctx.workspace()["id"], _since(since), limit=limit, min_size=min_size)
    if as_json:
        print_json(rows)
        return
    if not rows:
        out.print(t("topics.none"))
        return
    print_table(["id", t("col.label"), t("col.size"), t("col.first_seen"), t("col.last_seen"), t("col.languages")],
                [[r["id"], r["label"], r["size"], r["first_seen"].strftime("%Y-%m-%d %H:%M"),
                  r["last_seen"].strftime("%Y-%m-%d %H:%M"), ", ".join(r["languages"])] for r in rows],
                title=t("topics.title", n=len(rows)))


@click.command("topics")
@click.option("--seed", default=8, show_default=True, help="Seed of the reported set.")
@click.option("--tune-seed", default=7, show_default=True, help="Seed the threshold is chosen on.")
@click.option("--events", default=40, show_default=True, help="Events per generated set.")
@click.option("--threshold", type=float, help="Score this threshold instead of choosing one.")
@click.option("--demo", is_flag=True, help="Also cluster the demo city's month and show its biggest topics.")
def eval_topics(seed: int, tune_seed: int, events: int, threshold: float | None, demo: bool) -> None:
    """Topic clustering on generated events (fr/en): P/R/F1. / Regroupement en sujets : P/R/F1."""
    from vigie.enrich.topics_eval import demo_check, evaluate

    result = evaluate(seed, tune_seed, events, threshold, log=lambda m: err.print(m))
    if demo:
        result["demo"] = demo_check()
    print_json(result)


def register(cli: click.Group) -> None:
    cli.add_command(topics_cmd)
    group = cli.commands.get("eval")
    if isinstance(group, click.Group):
        group.add_command(eval_topics)
    else:  # pragma: no cover - the eval group is registered by vigie.cli.understand, before this module
        raise RuntimeError("the eval command group is missing")
