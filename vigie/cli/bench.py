"""CLI: `vigie bench ...` — each prints one JSON object as its last stdout line, logs on stderr.
See docs/benchmarks.md"""

from __future__ import annotations

import os
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from vigie.cli.core import err, print_json
from vigie.settings import vigie_home


def _pin(cpu: int | None) -> None:
    """Pin the process to one core, as the targets are stated per core."""
    if cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {cpu})
        err.print(f"pinned to CPU {cpu}")


@click.group("bench")
def bench() -> None:
    """Benchmarks (JSON on the last line of stdout). / Mesures de performance."""


@bench.command("ingest")
@click.option("--n", "n", default=100_000, show_default=True, help="Mentions to generate and import.")
@click.option("--cpu", type=int, default=0, show_default=True, help="Core to pin to (-1: no pinning).")
@click.option("--analyzers/--core", default=False, show_default=True,
              help="Also run the `pipeline` analyzers (language, sentiment); default: the listening core only.")
@click.option("--repeat", type=click.IntRange(1), default=1, show_default=True,
              help="Import this many times (a new store each time) and keep the fastest; the raw insert "
                   "is the best of at least as many runs.")
def bench_ingest(n: int, cpu: int, analyzers: bool, repeat: int) -> None:
    """Import N generated mentions with 50 watches; compare with the raw bulk-insert rate."""
    from vigie.bench.ingest import run_ingest_bench

    _pin(None if cpu < 0 else cpu)
    with Progress(TextColumn("ingest"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=err, transient=True) as progress:
        task = progress.add_task("ingest", total=n)
        result = run_ingest_bench(vigie_home(), n, log=lambda m: err.print(m),
                                  progress=lambda seen: progress.update(task, completed=seen),
                                  analyzers=analyzers, repeat=repeat)
    print_json(result)


@bench.command("nab")
@click.option("--data", type=click.Path(exists=True, file_okay=False, path_type=Path), required=True,
              help="A corpus in the NAB layout (data/, labels/).")
@click.option("--detector", default=None, help="Detector name (default: Vigie's shipped detector).")
@click.option("--threshold", type=click.Choice(["optimized", "shipped"]), default="optimized", show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Where result files go (default: a temporary folder).")
@click.option("--cpu", type=int, default=-1, help="Core to pin to (-1: no pinning).")
def bench_nab(data: Path, detector: str | None, threshold: str, out: Path | None, cpu: int) -> None:
    """Score a detector on a NAB-layout corpus with Vigie's NAB scorer."""
    from vigie.bench.nab import run_nab

    _pin(None if cpu < 0 else cpu)
    from vigie.bench.nab import DEFAULT_DETECTOR

    result = run_nab(data, detector=detector or DEFAULT_DETECTOR, threshold=threshold, out=out)
    print_json(result)


def register(cli: click.Group) -> None:
    cli.add_command(bench)
