"""CLI: `vigie mentions`, `vigie search`, `vigie mention add`, `vigie import`. See docs/cli.md"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
import yaml
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from vigie.cli.core import Context, err, out, pass_ctx, print_json, print_table
from vigie.i18n import t
from vigie.items import Channel
from vigie.sources.base import parse_time

LISTED = ("id", "published_at", "channel", "connector", "outlet", "author_handle", "author_name", "title", "text",
          "url", "canonical_url", "language", "sentiment", "sentiment_score", "sentiment_model", "engagement",
          "reach", "reach_kind", "story_id", "topic_id", "external_id")


def _since(value: str | None) -> datetime | None:
    if not value:
        return None
    if value[-1:] in "hd" and value[:-1].isdigit():
        from datetime import timedelta

        amount = int(value[:-1])
        return datetime.now(UTC) - (timedelta(hours=amount) if value[-1] == "h" else timedelta(days=amount))
    parsed = parse_time(value)
    if parsed is None:
        raise click.BadParameter(f"{value!r}: use an ISO date (2026-11-01) or 24h / 7d", param_hint="--since")
    return parsed


def _show(rows: list[dict[str, Any]], as_json: bool, title: str | None = None) -> None:
    if as_json:
        print_json([{k: r.get(k) for k in LISTED} for r in rows])
        return
    print_table(["id", t("col.date"), t("col.channel"), t("col.author"), t("col.title")],
                [[r["id"], r["published_at"].strftime("%Y-%m-%d %H:%M") if r["published_at"] else "", r["channel"],
                  r["author_handle"] or r["outlet"] or "", (r["title"] or r["text"] or "")[:90]] for r in rows],
                title=title)


@click.command("mentions")
@click.option("--watch", "watch_name", help="Only mentions matching this watch (name or id).")
@click.option("--since", help="ISO date, or 24h / 7d.")
@click.option("--channel", help="Channel kind.")
@click.option("--q", help="Full-text search.")
@click.option("--topic", "topic_id", type=int, help="Only mentions of this event topic (id from `vigie topics`).")
@click.option("--limit", default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def mentions_cmd(ctx: Context, watch_name: str | None, since: str | None, channel: str | None, q: str | None,
                 topic_id: int | None, limit: int, as_json: bool) -> None:
    """List mentions, newest first. / Lister les mentions, les plus récentes d'abord."""
    ws = ctx.workspace()
    watch_id = None
    if watch_name:
        matches = [w for w in ctx.store.list_watches(ws["id"]) if watch_name in (w["name"], str(w["id"]))]
        if not matches:
            raise click.BadParameter(t("watch.unknown", name=watch_name), param_hint="--watch")
        watch_id = matches[0]["id"]
    if channel:
        try:
            channel = Channel.parse(channel).value
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--channel") from None
    rows = ctx.store.list_mentions(ws["id"], watch_id=watch_id, since=_since(since), channel=channel, q=q,
                                   topic_id=topic_id, limit=limit)
    _show(rows, as_json)


@click.command("search")
@click.argument("text")
@click.option("--limit", default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def search_cmd(ctx: Context, text: str, limit: int, as_json: bool) -> None:
    """Full-text search over every stored mention (accents and case ignored)."""
    rows = ctx.store.search(ctx.workspace()["id"], text, limit)
    _show(rows, as_json, title=t("search.title", q=text, n=len(rows)))


@click.group("mention")
def mention() -> None:
    """One mention by hand. / Une mention à la main."""


@mention.command("add")
@click.option("--text", default="", help="Text of the mention.")
@click.option("--title")
@click.option("--url")
@click.option("--channel", default="print_press", show_default=True)
@click.option("--outlet")
@click.option("--audience", type=int, help="Outlet audience (readers, listeners, viewers).")
@click.option("--author")
@click.option("--published", help="Publication date (ISO).")
@click.option("--language")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def mention_add(ctx: Context, text: str, title: str | None, url: str | None, channel: str, outlet: str | None,
                audience: int | None, author: str | None, published: str | None, language: str | None,
                as_json: bool) -> None:
    """Add a mention by hand (a radio segment, a print article, a phone call from a journalist)."""
    try:
        channel = Channel.parse(channel).value
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--channel") from None
    if not (text or title or url):
        raise click.UsageError(t("mention.empty"))
    fields = {k: v for k, v in dict(text=text, title=title, url=url, channel=channel, outlet=outlet,
                                      outlet_audience=audience, author_name=author, published_at=published,
                                      language=language).items() if v not in (None, "")}
    ws = ctx.workspace()
    source = ctx.store.ensure_source(ws["id"], "manual", "manual", {})
    source = ctx.store.update_source(source["id"], config=fields, cursor={})
    outcome = ctx.app.fetch(source)
    if as_json:
        print_json(outcome.as_dict())
    elif outcome.status != "ok":
        raise click.ClickException(outcome.message or outcome.status)
    else:
        out.print(t("mention.added", new=outcome.stats.new, duplicate=outcome.stats.duplicate))


def _load_mapping(value: str | None) -> Any:
    if not value:
        return None
    path = Path(value)
    if path.suffix.lower() in (".yaml", ".yml", ".json") and path.exists():
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    return value  # a preset name


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=True, path_type=Path))
@click.option("--mapping", help="Preset name (generic, press_clippings, ...) or a YAML file target: column.")
@click.option("--source", "source_name", help="Source name to file it under (default: import:<file name>).")
@click.option("--format", "fmt", type=click.Choice(["csv", "tsv", "xlsx", "json", "ndjson", "pdf"]))
@click.option("--channel", help="Channel kind for rows without one.")
@click.option("--outlet", help="Outlet for rows without one.")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def import_cmd(ctx: Context, file: Path, mapping: str | None, source_name: str | None, fmt: str | None,
               channel: str | None, outlet: str | None, as_json: bool) -> None:
    """Import a CSV / XLSX / JSON / NDJSON export or PDF clippings. Re-importing adds nothing new."""
    is_pdf = fmt == "pdf" or file.is_dir() or file.suffix.lower() == ".pdf"
    config: dict[str, Any] = {"path": str(file.resolve())}
    if is_pdf:
        connector = "pdf"
    else:
        connector = "import"
        if fmt:
            config["format"] = fmt
        if mapping:
            config["mapping"] = _load_mapping(mapping)
    if channel:
        config["channel"] = Channel.parse(channel).value
    if outlet:
        config["outlet"] = outlet
    ws = ctx.workspace()
    name = source_name or f"import:{file.name}"
    source = ctx.store.ensure_source(ws["id"], name, connector, config)
    if source["config"] != config:
        source = ctx.store.update_source(source["id"], config=config)
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[rate]}"),
                  TimeElapsedColumn(), console=err, disable=as_json, transient=True) as progress:
        task = progress.add_task(t("import.running", file=file.name), total=None, rate="")

        def update(stats: Any) -> None:
            progress.update(task, description=t("fetch.progress", source=name, seen=stats.seen, new=stats.new),
                            rate=t("import.rejected", n=stats.rejected))

        outcome = ctx.app.fetch(source, progress=update)
    if as_json:
        print_json(outcome.as_dict())
        return
    if outcome.status != "ok":
        raise click.ClickException(outcome.message or outcome.status)
    s = outcome.stats
    out.print(t("import.done", seen=s.seen, new=s.new, duplicate=s.duplicate, rejected=s.rejected,
                matches=s.matches))
    for reason, count in s.reasons.most_common():
        out.print(f"  {reason}: {count}")


def register(cli: click.Group) -> None:
    for command in (mentions_cmd, search_cmd, mention, import_cmd):
        cli.add_command(command)
