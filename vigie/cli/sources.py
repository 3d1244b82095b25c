"""CLI: `vigie source add|list|test|rejections`, `vigie fetch`. See docs/cli.md"""

from __future__ import annotations

import itertools
import json
from typing import Any

import click
from rich.progress import Progress, SpinnerColumn, TextColumn

from vigie.cli.core import Context, err, out, pass_ctx, print_json, print_table
from vigie.exceptions import NotConfigured
from vigie.i18n import t
from vigie.items import Mention, Rejection, SearchSnapshot
from vigie.plugins import source_classes
from vigie.urls import check_public_url

URL_OPTIONS = ("url", "instance", "service", "api_base", "auth_base", "base_url", "feed_url")


def parse_settings(pairs: tuple[str, ...], secrets: tuple[str, ...]) -> dict[str, Any]:
    """--set key=value (JSON values allowed) and --secret key=ENV_VAR (stored as {"$env": ...})."""
    config: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"{pair!r}: expected key=value", param_hint="--set")
        try:
            config[key.strip()] = json.loads(value) if value[:1] in "[{" or value in ("true", "false") else value
        except json.JSONDecodeError:
            config[key.strip()] = value
    for pair in secrets:
        key, sep, env = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"{pair!r}: expected key=ENV_VAR", param_hint="--secret")
        config[key.strip()] = {"$env": env.strip()}
    return config


@click.group("source")
def source() -> None:
    """Configured connectors. / Sources configurées."""


@source.command("add")
@click.argument("name")
@click.argument("connector")
@click.option("--set", "pairs", multiple=True, metavar="KEY=VALUE", help="A connector option.")
@click.option("--secret", "secrets", multiple=True, metavar="KEY=ENV_VAR",
              help="A credential read from an environment variable at run time (never stored).")
@click.option("--interval", type=int, help="Seconds between fetches.")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def source_add(ctx: Context, name: str, connector: str, pairs: tuple[str, ...], secrets: tuple[str, ...],
               interval: int | None, as_json: bool) -> None:
    """Add a source NAME using CONNECTOR (rss, mastodon, reddit, import, ...)."""
    classes = source_classes()
    if connector not in classes:
        raise click.BadParameter(f"{connector!r}; known: {', '.join(sorted(classes))}", param_hint="CONNECTOR")
    config = parse_settings(pairs, secrets)
    for option in getattr(classes[connector], "options", ()):
        if option.secret and isinstance(config.get(option.name), str):
            # Stored configs are readable by anyone with the database: credentials stay in the environment.
            raise click.BadParameter(f"{option.name!r} is a credential: give it with --secret "
                                     f"{option.name}=ENV_VAR so only the variable's name is stored",
                                     param_hint="--set")
    allow = bool(ctx.app.settings["allow_private_networks"])
    for key in URL_OPTIONS:
        if isinstance(config.get(key), str):
            check_public_url(config[key], allow)
    ws = ctx.workspace()
    try:
        ctx.app.build_source({"connector": connector, "config": config}, ws)
        warning = None
    except NotConfigured as exc:
        warning = str(exc)
    row = ctx.store.add_source(ws["id"], name, connector, config, interval)
    if warning:
        ctx.store.set_source_status(row["id"], "disabled", warning)
    if as_json:
        print_json({**ctx.store.get_source(row["id"]), "warning": warning})
        return
    out.print(t("source.added", name=name, connector=connector, id=row["id"]))
    if warning:
        err.print(t("source.not_configured", message=warning))


def _health(row: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "name", "connector", "enabled", "status", "status_message", "last_run_at", "last_success_at",
            "last_error_at", "last_error", "items_seen", "items_new", "items_duplicate", "items_rejected", "cursor")
    return {k: row[k] for k in keys}


@source.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def source_list(ctx: Context, as_json: bool) -> None:
    """Sources and their health. / Sources et leur état."""
    rows = [_health(r) for r in ctx.store.list_sources(ctx.workspace()["id"])]
    if as_json:
        print_json(rows)
        return
    print_table(["id", t("col.name"), "connector", t("col.status"), t("col.last_success"), t("col.seen"),
                 t("col.new"), t("col.duplicate"), t("col.rejected"), t("col.message")],
                [[r["id"], r["name"], r["connector"], r["status"], r["last_success_at"], r["items_seen"],
                  r["items_new"], r["items_duplicate"], r["items_rejected"], r["status_message"] or ""]
                 for r in rows])


@source.command("test")
@click.argument("name")
@click.option("--limit", default=5, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def source_test(ctx: Context, name: str, limit: int, as_json: bool) -> None:
    """Fetch a few items from a source without storing anything."""
    ws = ctx.workspace()
    row = ctx.store.find_source(ws["id"], name)
    connector = ctx.app.build_source(row, ws)
    items = list(itertools.islice(connector.fetch(dict(row["cursor"] or {})), limit))
    shown: list[dict[str, Any]] = []
    for item in items:
        if isinstance(item, Mention):
            shown.append({"type": "mention", "id": item.external_id, "title": item.title or item.text[:80],
                          "url": item.url, "published_at": item.published_at})
        elif isinstance(item, SearchSnapshot):
            shown.append({"type": "snapshot", "engine": item.engine, "query": item.query,
                          "results": len(item.results)})
        elif isinstance(item, Rejection):
            shown.append({"type": "rejection", "reason": item.reason, "detail": item.detail})
    if as_json:
        print_json(shown)
    else:
        print_table(["type", "id / engine", t("col.title")],
                    [[s["type"], s.get("id") or s.get("engine") or s.get("reason"),
                      s.get("title") or s.get("query") or s.get("detail")] for s in shown])


@source.command("rejections")
@click.argument("name", required=False)
@click.option("--limit", default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def source_rejections(ctx: Context, name: str | None, limit: int, as_json: bool) -> None:
    """Items a source could not read, with the reason. / Éléments rejetés et leur motif."""
    ws = ctx.workspace()
    source_id = ctx.store.find_source(ws["id"], name)["id"] if name else None
    rows = ctx.store.list_rejections(ws["id"], source_id, limit)
    if as_json:
        print_json(rows)
        return
    print_table([t("col.date"), "source", t("col.reason"), t("col.detail")],
                [[r["created_at"], r["source_id"], r["reason"], (r["detail"] or "")[:100]] for r in rows])


def run_with_progress(ctx: Context, only: str | None, as_json: bool) -> list[dict[str, Any]]:
    ws = ctx.workspace()
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=err,
                  disable=as_json, transient=True) as progress:
        task = progress.add_task(t("fetch.running"))

        def update(name: str, stats: Any) -> None:
            progress.update(task, description=t("fetch.progress", source=name, seen=stats.seen, new=stats.new))

        outcomes = ctx.app.fetch_all(ws["id"], only=only, progress=update)
    if only and not outcomes:
        raise click.ClickException(t("fetch.no_source", name=only))
    return [o.as_dict() for o in outcomes]


@click.command("fetch")
@click.option("--source", "only", help="Only this source (name or id).")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def fetch_cmd(ctx: Context, only: str | None, as_json: bool) -> None:
    """Fetch every enabled source once. / Collecter chaque source une fois."""
    results = run_with_progress(ctx, only, as_json)
    if as_json:
        print_json(results)
        return
    print_table(["source", t("col.status"), t("col.seen"), t("col.new"), t("col.duplicate"), t("col.rejected"),
                 t("col.matches"), t("col.message")],
                [[r["source"], r["status"], r["seen"], r["new"], r["duplicate"], r["rejected"], r["matches"],
                  r["message"] or ""] for r in results])


def register(cli: click.Group) -> None:
    cli.add_command(source)
    cli.add_command(fetch_cmd)
