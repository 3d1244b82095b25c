"""CLI: `vigie glossary add|list|remove`: the organisation's own names the glossary analyzer finds in
mentions. See docs/enrichment.md"""

from __future__ import annotations

import click

from vigie.cli.core import Context, pass_ctx, print_json, print_table
from vigie.enrich.tables import GLOSSARY_KINDS
from vigie.i18n import t


@click.group("glossary")
def glossary_group() -> None:
    """Spokespeople, products, sub-brands, competitors. / Porte-parole, produits, marques, concurrents."""


@glossary_group.command("add")
@click.argument("term")
@click.option("--kind", type=click.Choice(GLOSSARY_KINDS), default="other", show_default=True)
@click.option("--alias", "aliases", multiple=True, help="Another spelling; repeat the option for more.")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def glossary_add(ctx: Context, term: str, kind: str, aliases: tuple[str, ...], as_json: bool) -> None:
    """Add a term, or replace its kind and aliases. / Ajouter un terme (ou le remplacer)."""
    from vigie.enrich.glossary import add_term

    row = add_term(ctx.store, ctx.workspace()["id"], term, kind, list(aliases))
    if as_json:
        print_json(row)
    else:
        click.echo(t("glossary.added", term=row["term"], kind=row["kind"], n=len(row["aliases"])))


@glossary_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def glossary_list(ctx: Context, as_json: bool) -> None:
    """The workspace's glossary. / Le glossaire de l'espace."""
    from vigie.enrich.glossary import list_terms

    rows = list_terms(ctx.store, ctx.workspace()["id"])
    if as_json:
        print_json(rows)
        return
    print_table(["id", t("col.term"), t("col.kind"), t("col.aliases")],
                [[r["id"], r["term"], r["kind"], ", ".join(r["aliases"])] for r in rows])


@glossary_group.command("remove")
@click.argument("term")
@pass_ctx
def glossary_remove(ctx: Context, term: str) -> None:
    """Remove a term by its text or id. / Retirer un terme (texte ou id)."""
    from vigie.enrich.glossary import remove_term

    if not remove_term(ctx.store, ctx.workspace()["id"], term):
        raise click.ClickException(t("glossary.unknown", term=term))
    click.echo(t("glossary.removed", term=term))


def register(cli: click.Group) -> None:
    cli.add_command(glossary_group)
