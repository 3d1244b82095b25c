"""CLI: `vigie eval entities` (P/R/F1 per language and backend on the hand-labelled set) and `vigie bench
entities` (the entities stage with and without spaCy, on one core). JSON on the last line. See docs/enrichment.md"""

from __future__ import annotations

import os
from pathlib import Path

import click

from vigie.cli.core import err, print_json


@click.command("entities")
@click.option("--data", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A JSONL file of labelled texts (default: tests/data/entities_gold.jsonl in a checkout).")
@click.option("--models", default=None,
              help='spaCy models per language, as entities_spacy_models: "fr=fr_core_news_sm" (default), "none".')
@click.option("--errors", is_flag=True, help="List each text's missed and wrong entities.")
def eval_entities(data: Path | None, models: str | None, errors: bool) -> None:
    """Named entities: P/R/F1 per language, backend and kind. / Entités nommées : P/R/F1."""
    from vigie.enrich.entities_eval import GOLD, evaluate
    from vigie.enrich.entities_spacy import parse_models

    if data is None:
        if not GOLD.exists():
            raise click.UsageError("--data is needed outside a Vigie checkout (tests/data/entities_gold.jsonl)")
        data = GOLD
    print_json(evaluate(data, parse_models(models) if models is not None else None, errors))


@click.command("entities")
@click.option("--n", "n", default=20_000, show_default=True, help="Generated mentions per pass.")
@click.option("--cpu", type=int, default=1, show_default=True, help="Core to pin to (-1: no pinning).")
@click.option("--repeat", default=3, show_default=True, help="Passes; the median is reported.")
@click.option("--no-pipeline", is_flag=True, help="Only the entities stage, not the whole pipeline twice.")
@click.option("--clock", type=click.Choice(["cpu", "wall"]), default="cpu", show_default=True,
              help="How the whole pipeline is timed: this process's CPU time (fair on a shared core) or wall.")
def bench_entities(n: int, cpu: int, repeat: int, no_pipeline: bool, clock: str) -> None:
    """Entities stage, rules vs spaCy, and the pipeline with each. / Étape des entités, règles ou spaCy."""
    from vigie.enrich.entities_bench import run_entities_bench

    if cpu >= 0 and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {cpu})
    result = run_entities_bench(n, repeat, pipeline=not no_pipeline, clock=clock, log=lambda m: err.print(m))
    print_json({"cpu": cpu, **result})


def register(cli: click.Group) -> None:
    for group_name, command in (("eval", eval_entities), ("bench", bench_entities)):
        group = cli.commands.get(group_name)
        if not isinstance(group, click.Group):  # pragma: no cover - registered by earlier modules
            raise RuntimeError(f"the {group_name} command group is missing")
        group.add_command(command)
