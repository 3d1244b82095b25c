"""CLI: `vigie incident open|list|show|note|ack|move|close|role|notify|step|statement|publish|attach`.
See docs/crisis-room.md"""

from __future__ import annotations

import getpass
import os
from typing import Any

import click

from vigie.cli.core import Context, err, out, pass_ctx, print_json, print_table
from vigie.crisis import ROLES, SEVERITIES, STATUSES
from vigie.crisis import incidents as inc
from vigie.crisis import statements as st
from vigie.i18n import current_language, t


def default_author() -> str:
    """Who is typing: $VIGIE_USER, else the login name. Notes and approvals are always signed."""
    return os.environ.get("VIGIE_USER") or getpass.getuser()


def by_option(func: Any) -> Any:
    return click.option("--by", default=default_author, show_default="$VIGIE_USER or login name",
                        help="Who does it (recorded on the timeline).")(func)


def json_option(func: Any) -> Any:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON.")(func)


def parse_pairs(pairs: tuple[str, ...], hint: str = "--set") -> dict[str, str]:
    values = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{pair!r}: expected name=value", param_hint=hint)
        values[key.strip()] = value.strip()
    return values


def _incident(ctx: Context, incident_id: int) -> dict[str, Any]:
    return inc.get_incident(ctx.store, incident_id, ctx.workspace()["id"])


def _settings(ctx: Context) -> Any:
    return ctx.app.settings


@click.group("incident")
def incident() -> None:
    """Incidents: open, follow, close with a review. / Incidents : ouvrir, suivre, clore avec un bilan."""


@incident.command("open")
@click.argument("title")
@click.option("--alert", "alert_ids", multiple=True, type=int, help="Alert id that triggered it (repeatable).")
@click.option("--watch", "watches", multiple=True, help="Watch whose new mentions attach to it (name or id).")
@click.option("--mention", "mention_ids", multiple=True, type=int, help="Mention id to link (repeatable).")
@click.option("--scenario", help="Playbook id: recall, data-breach, outage, executive, backlash, labour, environment.")
@click.option("--severity", type=click.Choice(SEVERITIES), default="moderate", show_default=True)
@click.option("--owner", help="Who owns the incident.")
@click.option("--set", "pairs", multiple=True, metavar="NAME=VALUE",
              help="A statement placeholder value, e.g. product=… or website=….")
@by_option
@json_option
@pass_ctx
def incident_open(ctx: Context, title: str, alert_ids: tuple[int, ...], watches: tuple[str, ...],
                  mention_ids: tuple[int, ...], scenario: str | None, severity: str, owner: str | None,
                  pairs: tuple[str, ...], by: str, as_json: bool) -> None:
    """Open an incident from alerts or by hand."""
    ws = ctx.workspace()
    known = {str(w["id"]): w["id"] for w in ctx.store.list_watches(ws["id"])}
    known.update({w["name"]: w["id"] for w in ctx.store.list_watches(ws["id"])})
    missing = [w for w in watches if w not in known]
    if missing:
        raise click.BadParameter(t("watch.unknown", name=missing[0]), param_hint="--watch")
    settings = _settings(ctx)
    row = inc.open_incident(
        ctx.store, ws["id"], title, scenario=scenario, severity=severity, owner=owner, alert_ids=list(alert_ids),
        watch_ids=[known[w] for w in watches], mention_ids=list(mention_ids), placeholders=parse_pairs(pairs),
        by=by, assessment_minutes=float(settings["crisis_assessment_minutes"]),
        statement_minutes=float(settings["crisis_statement_minutes"]),
        lookback_hours=float(settings["crisis_lookback_hours"]))
    if as_json:
        print_json(inc.details(ctx.store, row["id"]))
    else:
        out.print(t("incident.opened", id=row["id"], title=row["title"], status=t(f"status.{row['status']}")))


@incident.command("list")
@click.option("--status", type=click.Choice(STATUSES))
@click.option("--open", "open_only", is_flag=True, help="Only incidents not closed.")
@json_option
@pass_ctx
def incident_list(ctx: Context, status: str | None, open_only: bool, as_json: bool) -> None:
    """Incidents, newest first, with missed deadlines."""
    ws = ctx.workspace()
    rows = inc.list_incidents(ctx.store, ws["id"], status, open_only)
    late = inc.overdue(ctx.store, ws["id"])
    if as_json:
        print_json({"incidents": rows, "overdue": late})
        return
    print_table(["id", t("col.title"), t("col.status"), t("col.severity"), t("col.owner"), t("col.opened")],
                [[r["id"], r["title"], t(f"status.{r['status']}"), t(f"severity.{r['severity']}"), r["owner"],
                  f"{r['opened_at']:%Y-%m-%d %H:%M}"] for r in rows])
    for d in late:
        err.print(t("incident.reminder", id=d["incident_id"], title=d["title"], kind=t(f"deadline.{d['kind']}"),
                    minutes=d["late_s"] // 60))


@incident.command("show")
@click.argument("incident_id", type=int)
@json_option
@pass_ctx
def incident_show(ctx: Context, incident_id: int, as_json: bool) -> None:
    """One incident: roles, checklist, deadlines, statements offered, timeline."""
    ws = ctx.workspace()
    _incident(ctx, incident_id)
    # Catch up first, so the timeline is current.
    inc.attach_new_mentions(ctx.store, ws["id"], lookback_hours=float(_settings(ctx)["crisis_lookback_hours"]))
    data = inc.details(ctx.store, incident_id, ws["id"])
    data["offered_statements"] = st.offered(ctx.store, data)
    if as_json:
        print_json(data)
        return
    lang = current_language()
    zone = _zone(ws)
    out.print(f"[bold]#{data['id']} {data['title']}[/bold] — {t('status.' + data['status'])}, "
              f"{t('severity.' + data['severity'])}, {data['mention_count']} mentions")
    for role in data["roles"]:
        out.print(f"  {t('role.' + role['role'])}: {role['person']} {role['contact'] or ''}")
    for step in data["steps"]:
        out.print(f"  [{'x' if step['done_at'] else ' '}] {step['position']}. {step['text_' + lang]}")
    for d in data["deadlines"]:
        state = t("deadline.met") if d["met_at"] else (t("deadline.missed") if d["missed"] else t("deadline.pending"))
        out.print(f"  {t('deadline.' + d['kind'])}: {d['due_at'].astimezone(zone):%H:%M} — {state}")
    for offer in data["offered_statements"]:
        out.print(f"  {t('statement.offered', format=offer['format'], lang=offer['language'])}"
                  + (f" ({t('statement.needs', names=', '.join(offer['missing']))})" if offer["missing"] else ""))
    for ev in data["timeline"]:
        out.print(f"  {ev['at'].astimezone(zone):%Y-%m-%d %H:%M} {ev['kind']:<11} {ev['author'] or '·'}: {_event_text(ev)}")


def _zone(ws: dict[str, Any]) -> Any:
    from zoneinfo import ZoneInfo

    try:
        return ZoneInfo(ws.get("timezone") or "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def _event_text(ev: dict[str, Any]) -> str:
    data = ev["data"] or {}
    if ev["kind"] == "status":
        moved = " → ".join(t(f"status.{s}") for s in (data.get("from"), data.get("to")) if s)
        return moved + (" (" + ", ".join(f"#{a}" for a in data["alerts"]) + ")" if data.get("alerts") else "")
    return ev["text"] or ", ".join(f"{k}={v}" for k, v in data.items())


@incident.command("note")
@click.argument("incident_id", type=int)
@click.argument("text")
@click.option("--decision", is_flag=True, help="Record a decision rather than a note.")
@by_option
@json_option
@pass_ctx
def incident_note(ctx: Context, incident_id: int, text: str, decision: bool, by: str, as_json: bool) -> None:
    """Append a note (or a decision) to the timeline."""
    _incident(ctx, incident_id)
    inc.add_note(ctx.store, incident_id, text, by, "decision" if decision else "note")
    if as_json:
        print_json(inc.timeline(ctx.store, incident_id)[-1])
    else:
        out.print(t("incident.noted", id=incident_id))


def _moved(ctx: Context, row: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(row)
    else:
        out.print(t("incident.moved", id=row["id"], status=t(f"status.{row['status']}")))


@incident.command("ack")
@click.argument("incident_id", type=int)
@by_option
@json_option
@pass_ctx
def incident_ack(ctx: Context, incident_id: int, by: str, as_json: bool) -> None:
    """Acknowledge: take the incident (detected -> assessing)."""
    _incident(ctx, incident_id)
    _moved(ctx, inc.acknowledge(ctx.store, incident_id, by), as_json)


@incident.command("move")
@click.argument("incident_id", type=int)
@click.argument("status", type=click.Choice([s for s in STATUSES if s != "closed"]))
@by_option
@json_option
@pass_ctx
def incident_move(ctx: Context, incident_id: int, status: str, by: str, as_json: bool) -> None:
    """Change the status (closing is `vigie incident close`)."""
    _incident(ctx, incident_id)
    _moved(ctx, inc.transition(ctx.store, incident_id, status, by), as_json)


@incident.command("close")
@click.argument("incident_id", type=int)
@click.option("--summary", default="", help="Review: what happened.")
@click.option("--went-well", default="", help="Review: what worked.")
@click.option("--to-improve", default="", help="Review: what to improve.")
@by_option
@json_option
@pass_ctx
def incident_close(ctx: Context, incident_id: int, summary: str, went_well: str, to_improve: str, by: str,
                   as_json: bool) -> None:
    """Close with the review; the figures (time to detect, acknowledge, first statement...) are kept."""
    _incident(ctx, incident_id)
    row = inc.close_incident(ctx.store, incident_id, {"review_summary": summary, "review_went_well": went_well,
                                                       "review_to_improve": to_improve}, by)
    if as_json:
        print_json(row)
        return
    out.print(t("incident.moved", id=row["id"], status=t("status.closed")))
    for key, value in (row["review_figures"] or {}).items():
        out.print(f"  {key}: {value}")


@incident.command("role")
@click.argument("incident_id", type=int)
@click.argument("role", type=click.Choice(ROLES))
@click.argument("person")
@click.option("--contact", help="Phone or e-mail.")
@by_option
@pass_ctx
def incident_role(ctx: Context, incident_id: int, role: str, person: str, contact: str | None, by: str) -> None:
    """Name who holds a role for this incident."""
    _incident(ctx, incident_id)
    inc.assign_role(ctx.store, incident_id, role, person, contact, by)
    out.print(t("incident.role_set", id=incident_id, role=t(f"role.{role}"), person=person))


@incident.command("notify")
@click.argument("incident_id", type=int)
@click.argument("stakeholder")
@click.option("--channel", required=True, help="phone, email, meeting, sms...")
@click.option("--note")
@by_option
@pass_ctx
def incident_notify(ctx: Context, incident_id: int, stakeholder: str, channel: str, note: str | None, by: str) -> None:
    """Record that a stakeholder was notified (who, when, how)."""
    _incident(ctx, incident_id)
    inc.notify_stakeholder(ctx.store, incident_id, stakeholder, channel, by, note)
    out.print(t("incident.notified", id=incident_id, stakeholder=stakeholder))


@incident.command("step")
@click.argument("incident_id", type=int)
@click.argument("position", type=int)
@by_option
@pass_ctx
def incident_step(ctx: Context, incident_id: int, position: int, by: str) -> None:
    """Tick a checklist step as done."""
    _incident(ctx, incident_id)
    inc.complete_step(ctx.store, incident_id, position, by)
    out.print(t("incident.step_done", id=incident_id, step=position))


@incident.command("set")
@click.argument("incident_id", type=int)
@click.argument("pairs", nargs=-1, required=True, metavar="NAME=VALUE...")
@pass_ctx
def incident_set(ctx: Context, incident_id: int, pairs: tuple[str, ...]) -> None:
    """Set statement placeholder values (product=…, website=…)."""
    _incident(ctx, incident_id)
    row = inc.set_placeholders(ctx.store, incident_id, parse_pairs(pairs, "NAME=VALUE"))
    out.print(", ".join(f"{k}={v}" for k, v in row["placeholders"].items()))


@incident.command("statement")
@click.argument("incident_id", type=int)
@click.option("--format", "fmt", type=click.Choice(list(st.FORMATS)), required=True)
@click.option("--lang", "language", type=click.Choice(["fr", "en"]), required=True)
@click.option("--set", "pairs", multiple=True, metavar="NAME=VALUE", help="A placeholder value for this text.")
@click.option("--text", help="Your own words instead of the approved template (then a draft to approve).")
@json_option
@pass_ctx
def incident_statement(ctx: Context, incident_id: int, fmt: str, language: str, pairs: tuple[str, ...],
                       text: str | None, as_json: bool) -> None:
    """Prepare a statement from the approved template (only approved ones are offered)."""
    row = st.prepare(ctx.store, _incident(ctx, incident_id), fmt, language, parse_pairs(pairs), text)
    if as_json:
        print_json(row)
        return
    out.print(row["text"])
    err.print(t("statement.prepared", id=row["id"], status=t(f"statement.status.{row['status']}")))


@incident.command("approve")
@click.argument("statement_id", type=int)
@by_option
@pass_ctx
def incident_approve(ctx: Context, statement_id: int, by: str) -> None:
    """Approve an incident statement written in the team's own words."""
    st.approve(ctx.store, _statement(ctx, statement_id)["id"], by)
    out.print(t("statement.approved", id=statement_id, by=by))


@incident.command("publish")
@click.argument("statement_id", type=int)
@by_option
@json_option
@pass_ctx
def incident_publish(ctx: Context, statement_id: int, by: str, as_json: bool) -> None:
    """Mark an approved statement as published (refused for a draft)."""
    row = st.publish(ctx.store, _statement(ctx, statement_id)["id"], by)
    if as_json:
        print_json(row)
    else:
        out.print(t("statement.published", id=statement_id))


def _statement(ctx: Context, statement_id: int) -> dict[str, Any]:
    row = st.get_statement(ctx.store, statement_id)
    if row["workspace_id"] != ctx.workspace()["id"]:
        raise click.ClickException(t("statement.unknown", id=statement_id))
    return row


@incident.command("attach")
@json_option
@pass_ctx
def incident_attach(ctx: Context, as_json: bool) -> None:
    """Link new mentions matching open incidents' watches (run after each fetch)."""
    grown = inc.attach_new_mentions(ctx.store, ctx.workspace()["id"],
                                    lookback_hours=float(_settings(ctx)["crisis_lookback_hours"]))
    if as_json:
        print_json({str(k): v for k, v in grown.items()})
    else:
        for incident_id, n in grown.items():
            out.print(t("incident.attached", id=incident_id, n=n))


def register(cli: click.Group) -> None:
    cli.add_command(incident)
