"""CLI: `vigie bench enrich`: the default analyzer pipeline's speed on one core (JSON on the last line).
See docs/benchmarks.md"""

from __future__ import annotations

import os

import click

from vigie.cli.core import err, print_json


@click.command("enrich")
@click.option("--n", "n", default=20_000, show_default=True, help="Generated mentions per pass.")
@click.option("--cpu", type=int, default=0, show_default=True, help="Core to pin to (-1: no pinning).")
@click.option("--repeat", default=3, show_default=True, help="Passes; the median is reported.")
def bench_enrich(n: int, cpu: int, repeat: int) -> None:
    """All default analyzers on N tweet-length mentions (fr/en), per stage. / Tous les analyseurs."""
    from vigie.bench.enrich import run_enrich_bench

    if cpu >= 0 and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {cpu})  # the target is stated per core
    result = run_enrich_bench(n, repeat, log=lambda m: err.print(m))
    print_json({"cpu": cpu, **result})


def register(cli: click.Group) -> None:
    group = cli.commands.get("bench")
    if isinstance(group, click.Group):
        group.add_command(bench_enrich)
    else:  # pragma: no cover - the bench group is a core command
        raise RuntimeError("the bench command group is missing")
