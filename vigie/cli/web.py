"""CLI: `vigie user add|password|list`, `vigie web recount` and `vigie bench web`. See docs/web.md"""

from __future__ import annotations

from pathlib import Path

import click

from vigie.cli.core import Context, err, out, pass_ctx, print_json, print_table
from vigie.i18n import t
from vigie.settings import vigie_home


@click.group("user")
def user() -> None:
    """Web accounts. / Comptes de l'interface web."""


@user.command("add")
@click.argument("email")
@click.option("--name", default="", help="Display name.")
@click.option("--role", type=click.Choice(["owner", "admin", "editor", "viewer"]), default="viewer", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def user_add(ctx: Context, email: str, name: str, role: str, as_json: bool) -> None:
    """Add EMAIL to the workspace; a new account gets a password printed once."""
    from vigie.web.app import ensure_tables
    from vigie.web.auth import Accounts, generate_password

    ensure_tables(ctx.store)
    accounts, ws = Accounts(ctx.store), ctx.workspace()
    found = accounts.find_user(email)
    password = None
    if found is None:
        password = generate_password()
        found = accounts.create_user(email, name or email, password)
    accounts.set_membership(found["id"], ws["id"], role)
    if as_json:
        print_json({"id": found["id"], "email": found["email"], "role": role, "password": password})
    else:
        out.print(t("user.added", email=found["email"], role=role, workspace=ws["slug"]), highlight=False)
        if password:
            out.print(t("user.password", password=password), highlight=False)


@user.command("password")
@click.argument("email")
@pass_ctx
def user_password(ctx: Context, email: str) -> None:
    """Give EMAIL a new generated password (printed once) and end its sessions."""
    from vigie.web.app import ensure_tables
    from vigie.web.auth import Accounts, generate_password

    ensure_tables(ctx.store)
    accounts = Accounts(ctx.store)
    found = accounts.find_user(email)
    if found is None:
        raise click.ClickException(t("user.unknown", email=email))
    password = generate_password()
    accounts.set_password(found["id"], password)
    out.print(t("user.password", password=password), highlight=False)


@user.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def user_list(ctx: Context, as_json: bool) -> None:
    """Members of the workspace with their role."""
    from vigie.web.app import ensure_tables
    from vigie.web.directory import members

    ensure_tables(ctx.store)
    rows = members(ctx.store, ctx.workspace()["id"])
    if as_json:
        print_json(rows)
        return
    print_table(["id", "e-mail", t("col.name"), "role", t("col.status")],
                [[r["id"], r["email"], r["name"], r["role"], "ok" if r["active"] else "—"] for r in rows])


@click.group("web")
def web() -> None:
    """Web command center upkeep. / Entretien de l'interface web."""


@web.command("recount")
@pass_ctx
def web_recount(ctx: Context) -> None:
    """Rebuild the overview's pre-aggregated counts (after deleting mentions or re-analysing them)."""
    from vigie.web import rollup
    from vigie.web.app import ensure_tables

    ensure_tables(ctx.store)
    ws = ctx.workspace()
    rows = rollup.rebuild(ctx.store, ws)
    out.print(t("web.recounted", rows=rows, workspace=ws["slug"]), highlight=False)


@click.command("web")
@click.option("--mentions", "n", default=100_000, show_default=True, help="Mentions to generate.")
@click.option("--requests", default=100, show_default=True, help="Timed requests per view.")
@click.option("--home", type=click.Path(file_okay=False, path_type=Path),
              help="Where the bench store lives (default: $VIGIE_HOME/bench-web).")
@click.option("--reuse", is_flag=True, help="Keep an existing bench store instead of refilling it.")
def bench_web(n: int, requests: int, home: Path | None, reuse: bool) -> None:
    """Fill a store with N mentions, start `vigie up`, sign in and time each view over HTTP."""
    from vigie.bench.web import run_web_bench

    result = run_web_bench(home or vigie_home() / "bench-web", n, requests=requests, reuse=reuse,
                           log=lambda m: err.print(m, highlight=False))
    print_json(result)


def register(cli: click.Group) -> None:
    cli.add_command(user)
    cli.add_command(web)
    bench = cli.commands.get("bench")
    if isinstance(bench, click.Group):
        bench.add_command(bench_web)
