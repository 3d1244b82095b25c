"""CLI: shared context and output helpers, `init`, `run`/`up`, `demo`. See docs/cli.md"""

from __future__ import annotations

import json
import logging
import signal
import sys
import time
from datetime import date, datetime
from functools import cached_property
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from vigie.app import Vigie
from vigie.i18n import t
from vigie.settings import Settings

err = Console(stderr=True)
out = Console()


class Context:
    """Opened lazily so `vigie --help` never touches the store."""

    def __init__(self, workspace: str | None) -> None:
        self.workspace_slug = workspace

    @cached_property
    def app(self) -> Vigie:
        return Vigie(Settings())

    @property
    def store(self) -> Any:
        return self.app.store

    def workspace(self) -> dict[str, Any]:
        return self.app.workspace(self.workspace_slug)

    def close(self) -> None:
        if "app" in self.__dict__:
            self.app.close()


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def print_json(data: Any) -> None:
    """One JSON document on stdout (machine-readable listings and benchmark results)."""
    click.echo(json.dumps(data, default=_default, ensure_ascii=False))


def print_table(columns: list[str], rows: list[list[Any]], title: str | None = None) -> None:
    table = Table(title=title, show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*["" if v is None else str(v) for v in row])
    out.print(table)


pass_ctx = click.make_pass_decorator(Context)


@click.command("init")
@click.option("--name", prompt=True, help="Organisation name.")
@click.option("--slug", help="Workspace id (default: from the name).")
@click.option("--language", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@click.option("--timezone", default="America/Toronto", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def init_cmd(ctx: Context, name: str, slug: str | None, language: str, timezone: str, as_json: bool) -> None:
    """Create a workspace for an organisation. / Créer l'espace d'une organisation."""
    from vigie.text import fold

    slug = slug or "-".join(fold(name).replace("'", " ").split())[:64] or "organisation"
    slug = "".join(c for c in slug if c.isalnum() or c == "-")
    ws = ctx.store.create_workspace(slug, name, language, timezone)
    if as_json:
        print_json(ws)
    else:
        out.print(t("init.created", name=name, slug=slug, path=ctx.app.settings.database_url))


def scheduler_loop(ctx: Context, once: bool, interval: float | None) -> None:
    """The in-process scheduler: fetch each source when its interval has passed."""
    app = ctx.app
    default_interval = float(interval or app.settings["fetch_interval"])
    stop = False

    def _stop(*_: Any) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, _stop)
    last: dict[int, float] = {}
    while not stop:
        for ws in app.store.list_workspaces():
            if ws["kind"] == "sandbox":
                continue
            for source in app.store.list_sources(ws["id"]):
                every = float(source["interval_s"] or default_interval)
                if not source["enabled"] or time.monotonic() - last.get(source["id"], -1e18) < every:
                    continue
                last[source["id"]] = time.monotonic()
                outcome = app.fetch(source)
                err.print(t("fetch.outcome", source=source["name"], status=outcome.status,
                            new=outcome.stats.new, duplicate=outcome.stats.duplicate,
                            rejected=outcome.stats.rejected, message=outcome.message or ""))
            _tick_alerts(app, ws["id"])
        if once:
            return
        try:
            time.sleep(5)
        except KeyboardInterrupt:
            return


def _tick_alerts(app: Vigie, workspace_id: int) -> None:
    """Rules that do not wait for new mentions (source silence, search results, digests, retries)."""
    from vigie.signals.engine import engine_for

    try:
        engine_for(app.store, workspace_id, app.settings).tick()
    except Exception:  # one workspace's alerting hiccup must not stop collection for all
        logging.getLogger("vigie").exception("alert tick failed for workspace %s", workspace_id)
    try:  # missed crisis deadlines, sent once each through the same alert outbox
        from vigie.crisis.reminders import send_due_reminders

        send_due_reminders(app.store, workspace_id, app.settings)
    except Exception:
        logging.getLogger("vigie").exception("crisis reminders failed for workspace %s", workspace_id)


@click.command("run")
@click.option("--once", is_flag=True, help="Fetch every due source once, then exit.")
@click.option("--interval", type=float, help="Seconds between fetches of a source (default: setting fetch_interval).")
@pass_ctx
def run_cmd(ctx: Context, once: bool, interval: float | None) -> None:
    """Run the scheduler loop. / Lancer la boucle de collecte."""
    scheduler_loop(ctx, once, interval)


@click.command("up")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--interval", type=float, help="Seconds between fetches of a source.")
@pass_ctx
def up_cmd(ctx: Context, host: str, port: int, interval: float | None) -> None:
    """Start Vigie on the embedded default: demo workspace when empty, then the scheduler.
    / Démarrer Vigie : espace de démonstration s'il est vide, puis la collecte."""
    if not ctx.store.list_workspaces():
        from vigie.demo import build_demo

        err.print(t("demo.building"))
        summary = build_demo(ctx.app, progress=lambda msg: err.print(f"  {msg}"))
        err.print(t("demo.built", **summary))
    err.print(t("up.store", url=ctx.app.settings.database_url))
    from vigie.web.server import serve

    try:
        with serve(ctx.app, host, port, say=lambda line: out.print(line, highlight=False, soft_wrap=True)):
            scheduler_loop(ctx, once=False, interval=interval)
    except OSError as exc:
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt:
        sys.exit(0)


@click.command("demo")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def demo_cmd(ctx: Context, as_json: bool) -> None:
    """Build the bilingual demo workspace (a simulation). / Construire l'espace de démonstration (simulation)."""
    from vigie.demo import build_demo

    summary = build_demo(ctx.app, progress=None if as_json else (lambda msg: err.print(f"  {msg}")))
    if as_json:
        print_json(summary)
    else:
        out.print(t("demo.built", **summary))


def register(cli: click.Group) -> None:
    for command in (init_cmd, run_cmd, up_cmd, demo_cmd):
        cli.add_command(command)
