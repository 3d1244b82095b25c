"""CLI: `vigie watch add|list|test`. See docs/cli.md"""

from __future__ import annotations

import click

from vigie.cli.core import Context, out, pass_ctx, print_json, print_table
from vigie.i18n import t
from vigie.items import Channel


def _split(values: tuple[str, ...]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


@click.group("watch")
def watch() -> None:
    """Saved queries. / Veilles (requêtes enregistrées)."""


@watch.command("add")
@click.argument("name")
@click.argument("query")
@click.option("--lang", "languages", multiple=True, help="Languages to keep (fr, en); repeat or comma-separate.")
@click.option("--channel", "channels", multiple=True, help=f"Channel kinds: {', '.join(c.value for c in Channel)}.")
@click.option("--kind", type=click.Choice(["brand", "competitor", "topic"]), default="brand", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def watch_add(ctx: Context, name: str, query: str, languages: tuple[str, ...], channels: tuple[str, ...],
              kind: str, as_json: bool) -> None:
    """Add a watch: NAME and a QUERY such as '"Hydro-Québec" AND (panne OR outage)'."""
    try:
        channel_list = [Channel.parse(c).value for c in _split(channels)]
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--channel") from None
    ws = ctx.workspace()
    row = ctx.store.add_watch(ws["id"], name, query, _split(languages), channel_list, kind)
    if as_json:
        print_json(row)
    else:
        out.print(t("watch.added", name=name, id=row["id"]))


@watch.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def watch_list(ctx: Context, as_json: bool) -> None:
    """List watches with their match counts."""
    ws = ctx.workspace()
    counts = ctx.store.match_counts(ws["id"])
    rows = ctx.store.list_watches(ws["id"])
    for row in rows:
        row["matches"] = counts.get(row["id"], 0)
    if as_json:
        print_json(rows)
        return
    print_table(["id", t("col.name"), t("col.query"), t("col.kind"), t("col.matches")],
                [[r["id"], r["name"], r["query"], r["kind"], r["matches"]] for r in rows])


@watch.command("test")
@click.argument("query")
@click.option("--limit", default=20, show_default=True, help="Matches to show.")
@click.option("--scan", default=50_000, show_default=True, help="Most recent mentions to scan.")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def watch_test(ctx: Context, query: str, limit: int, scan: int, as_json: bool) -> None:
    """Preview which stored mentions a QUERY matches. / Aperçu des mentions qu'une requête trouve."""
    from vigie.query import Doc, compile_query

    compiled = compile_query(query)
    ws = ctx.workspace()
    hits: list[dict] = []
    scanned = 0
    page = 1000
    while scanned < scan and len(hits) < limit:
        rows = ctx.store.list_mentions(ws["id"], limit=page, offset=scanned)
        if not rows:
            break
        scanned += len(rows)
        for row in rows:
            body = f"{row['title']}\n{row['text']}" if row["title"] and row["text"] else (row["title"] or row["text"])
            doc = Doc.build(body or "", url=row["url"], author=row["author_handle"],
                            author_name=row["author_name"], language=row["language"])
            if compiled.matches(doc):
                hits.append(row)
                if len(hits) >= limit:
                    break
    if as_json:
        print_json({"query": query, "scanned": scanned, "matches": [
            {k: r[k] for k in ("id", "published_at", "channel", "title", "url", "author_handle")} for r in hits]})
        return
    print_table(["id", t("col.date"), t("col.channel"), t("col.title")],
                [[r["id"], r["published_at"], r["channel"], (r["title"] or r["text"] or "")[:90]] for r in hits],
                title=t("watch.preview", n=len(hits), scanned=scanned))


def register(cli: click.Group) -> None:
    cli.add_command(watch)
