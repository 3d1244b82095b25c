"""CLI for being ready before a crisis: `vigie playbook list|show|edit|approve`, `vigie team set|list|confirm`,
`vigie readiness`, `vigie drill`. See docs/crisis-room.md"""

from __future__ import annotations

from pathlib import Path

import click

from vigie.cli.core import Context, err, out, pass_ctx, print_json, print_table
from vigie.cli.crisis import by_option, json_option
from vigie.crisis import LANGUAGES, ROLES, SCENARIOS
from vigie.crisis import playbooks as pb
from vigie.crisis import statements as st
from vigie.crisis import team as crew
from vigie.crisis.readiness import readiness
from vigie.exceptions import BadRequest
from vigie.i18n import current_language, t


@click.group("playbook")
def playbook() -> None:
    """Crisis playbooks and their holding statements. / Guides de crise et déclarations d'attente."""


@playbook.command("list")
@json_option
@pass_ctx
def playbook_list(ctx: Context, as_json: bool) -> None:
    """Playbooks with their approved and draft statements per language."""
    rows = pb.list_playbooks(ctx.store, ctx.workspace()["id"], current_language())
    if as_json:
        print_json(rows)
        return
    print_table(["id", t("col.title"), "v", "fr", "en"], [
        [r["id"], r["title"], r["version"], *(t("playbook.counts", **r["statements"][lang]) for lang in LANGUAGES)]
        for r in rows])


@playbook.command("show")
@click.argument("playbook_id")
@click.option("--version", type=int, help="An earlier version (default: the latest).")
@json_option
@pass_ctx
def playbook_show(ctx: Context, playbook_id: str, version: int | None, as_json: bool) -> None:
    """One playbook: steps, approvers, contacts, statements and their status, versions."""
    row = pb.get_playbook(ctx.store, ctx.workspace()["id"], playbook_id, version)
    if as_json:
        print_json(row)
        return
    lang = current_language()
    out.print(f"[bold]{row['title'][lang]}[/bold] ({row['slug']}, v{row['version']})")
    for i, step in enumerate(row["steps"], 1):
        out.print(f"  {i}. {step[lang]}")
    out.print(t("playbook.approvers", roles=", ".join(t(f"role.{a['role']}") for a in row["approvers"])))
    for s in row["statements"]:
        who = f" — {s['approved_by']}, {s['approved_at']:%Y-%m-%d}" if s["status"] == "approved" else ""
        out.print(f"  {s['format']}/{s['language']}: {t('statement.status.' + s['status'])}{who}")


@playbook.command("edit")
@click.argument("playbook_id")
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Take the new YAML from this file instead of opening $EDITOR.")
@by_option
@json_option
@pass_ctx
def playbook_edit(ctx: Context, playbook_id: str, path: Path | None, by: str, as_json: bool) -> None:
    """Edit a playbook's YAML; saving creates a new version (changed statements go back to draft)."""
    ws = ctx.workspace()
    try:
        current = pb.get_playbook(ctx.store, ws["id"], playbook_id)
    except BadRequest:
        current = None  # a new playbook: the organisation may write its own scenarios
    if path is not None:
        document = path.read_text(encoding="utf-8")
    else:
        edited = click.edit(current["document"] if current else "", extension=".yaml")
        if edited is None or (current and edited == current["document"]):
            err.print(t("playbook.unchanged", id=playbook_id))
            return
        document = edited
    parsed = pb.parse_document(document)
    if parsed["id"] != playbook_id:
        raise click.ClickException(t("playbook.id_mismatch", id=playbook_id, found=parsed["id"]))
    row = pb.save_version(ctx.store, ws["id"], document, by)
    if as_json:
        print_json(row)
    else:
        drafts = sum(1 for s in row["statements"] if s["status"] == "draft")
        out.print(t("playbook.saved", id=row["slug"], version=row["version"], drafts=drafts))


@playbook.command("approve")
@click.argument("playbook_id")
@click.option("--statement", "fmt", type=click.Choice(list(st.FORMATS)), required=True)
@click.option("--lang", "language", type=click.Choice(LANGUAGES), required=True)
@by_option
@json_option
@pass_ctx
def playbook_approve(ctx: Context, playbook_id: str, fmt: str, language: str, by: str, as_json: bool) -> None:
    """Approve one holding statement (who and when are recorded)."""
    row = pb.approve_statement(ctx.store, ctx.workspace()["id"], playbook_id, fmt, language, by)
    if as_json:
        print_json(row)
    else:
        out.print(t("statement.approved", id=row["id"], by=by))


@click.group("team")
def team() -> None:
    """The crisis team: roles, people, contacts. / La cellule de crise : rôles, personnes, coordonnées."""


@team.command("set")
@click.argument("role", type=click.Choice(ROLES))
@click.argument("name")
@click.option("--contact", help="Phone and/or e-mail.")
@json_option
@pass_ctx
def team_set(ctx: Context, role: str, name: str, contact: str | None, as_json: bool) -> None:
    """Name who holds ROLE (this also confirms it today)."""
    row = crew.set_member(ctx.store, ctx.workspace()["id"], role, name, contact)
    if as_json:
        print_json(row)
    else:
        out.print(t("team.set", role=t(f"role.{role}"), name=name))


@team.command("list")
@json_option
@pass_ctx
def team_list(ctx: Context, as_json: bool) -> None:
    """Roles, people, contacts and when each was last confirmed."""
    rows = crew.list_members(ctx.store, ctx.workspace()["id"])
    if as_json:
        print_json(rows)
        return
    print_table([t("col.role"), t("col.name"), "contact", t("col.confirmed")],
                [[t(f"role.{r['role']}"), r["name"], r["contact"],
                  f"{r['confirmed_at']:%Y-%m-%d}" if r["confirmed_at"] else "-"] for r in rows])


@team.command("confirm")
@click.argument("roles", nargs=-1, type=click.Choice(ROLES))
@pass_ctx
def team_confirm(ctx: Context, roles: tuple[str, ...]) -> None:
    """Confirm the roles (all by default) are still right today."""
    n = crew.confirm(ctx.store, ctx.workspace()["id"], list(roles) or None)
    out.print(t("team.confirmed", n=n))


@click.command("readiness")
@json_option
@pass_ctx
def readiness_cmd(ctx: Context, as_json: bool) -> None:
    """Readiness score 0-100 and the gaps to close. / Score de préparation et lacunes à combler."""
    result = readiness(ctx.store, ctx.workspace()["id"], ctx.app.settings)
    if as_json:
        print_json(result)
        return
    out.print(t("readiness.score", score=result["score"]))
    for area, points in result["points"].items():
        out.print(f"  {t('readiness.area.' + area)}: {points:g}/{result['weights'][area]}")
    for gap in result["gaps"]:
        out.print(f"  - {gap['message']}")


@click.command("drill")
@click.argument("scenario", type=click.Choice(SCENARIOS))
@click.option("--ack-after", type=float, default=300.0, show_default=True,
              help="Seconds after the alert at which the simulated responder acknowledges.")
@json_option
@pass_ctx
def drill_cmd(ctx: Context, scenario: str, ack_after: float, as_json: bool) -> None:
    """Run a simulated crisis in a sandbox workspace. / Exercice de crise simulé dans un bac à sable."""
    from vigie.crisis.drills import run_drill

    result = run_drill(ctx.app, ctx.workspace(), scenario, ack_after)
    if as_json:
        print_json(result)
        return
    out.print(t("drill.done" if result["detected"] else "drill.not_detected", **result,
                rule_names=", ".join(result["rules"])))


def register(cli: click.Group) -> None:
    for command in (playbook, team, readiness_cmd, drill_cmd):
        cli.add_command(command)
