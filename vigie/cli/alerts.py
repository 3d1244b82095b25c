"""CLI: `vigie alerts rules|channels|list|test|ack` and `vigie bench alert`. See docs/alerts.md"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import click

from vigie.cli.core import Context, err, out, pass_ctx, print_json, print_table
from vigie.i18n import t
from vigie.signals import channels as C
from vigie.signals import rules as R


def _value(key: str, raw: str) -> Any:
    """--set values: JSON when it parses (numbers, lists, null), comma lists for list parameters."""
    try:
        return json.loads(raw)
    except ValueError:
        return [v.strip() for v in raw.split(",") if v.strip()] if key in R.LIST_PARAMS else raw


def _pairs(values: tuple[str, ...], option: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in values:
        key, sep, raw = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{item!r}: write key=value", param_hint=option)
        out[key.strip()] = _value(key.strip(), raw)
    return out


def _watch_id(ctx: Context, ws: dict[str, Any], watch: str | None) -> int | None:
    if not watch:
        return None
    for row in ctx.store.list_watches(ws["id"]):
        if watch in (row["name"], str(row["id"])):
            return int(row["id"])
    raise click.ClickException(t("watch.unknown", name=watch))


@click.group("alerts")
def alerts() -> None:
    """Early-warning alerts: rules, channels, alerts. / Alertes : règles, canaux, alertes."""


# -- rules ------------------------------------------------------------------------------------------
@alerts.group("rules", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def rules_group(click_ctx: click.Context, as_json: bool) -> None:
    """List alert rules (or `rules add`). / Règles d'alerte."""
    if click_ctx.invoked_subcommand is not None:
        return
    ctx: Context = click_ctx.obj
    rows = [r.as_dict() for r in R.list_rules(ctx.store, ctx.workspace()["id"])]
    if as_json:
        print_json(rows)
        return
    print_table(["id", t("col.name"), t("col.kind"), t("col.watch"), t("col.severity"), t("col.cooldown"),
                 t("col.quiet"), t("col.delivery"), t("col.params")],
                [[r["id"], r["name"], r["kind"], r["watch_id"] or "*", r["severity"], r["cooldown_s"],
                  r["quiet_hours"], r["delivery"], json.dumps(r["params"], ensure_ascii=False)] for r in rows])


@rules_group.command("add")
@click.argument("name")
@click.option("--kind", type=click.Choice(list(R.KINDS)), required=True)
@click.option("--watch", help="Watch name or id (default: every watch).")
@click.option("--severity", type=click.Choice(R.SEVERITIES), default="warning", show_default=True)
@click.option("--cooldown", "cooldown_s", type=int, default=3600, show_default=True, help="Seconds of silence after an alert.")
@click.option("--quiet-hours", help="HH:MM-HH:MM in the workspace time zone; critical alerts still go out.")
@click.option("--digest", is_flag=True, help="Send in the daily digest instead of immediately.")
@click.option("--no-grouping", is_flag=True, help="One alert per mention instead of one per story.")
@click.option("--channel", "channels", multiple=True, help="Channel name or id (default: every channel).")
@click.option("--set", "params", multiple=True, help="Rule parameter key=value, e.g. keywords=boycott,grève.")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def rules_add(ctx: Context, name: str, kind: str, watch: str | None, severity: str, cooldown_s: int,
              quiet_hours: str | None, digest: bool, no_grouping: bool, channels: tuple[str, ...],
              params: tuple[str, ...], as_json: bool) -> None:
    """Add a rule. / Ajouter une règle."""
    ws = ctx.workspace()
    channel_ids = [int(C.find_channel(ctx.store, ws["id"], c)["id"]) for c in channels]
    rule = R.add_rule(ctx.store, ws["id"], name, kind, watch_id=_watch_id(ctx, ws, watch),
                      params=_pairs(params, "--set"), severity=severity, cooldown_s=cooldown_s,
                      quiet_hours=quiet_hours, group_by_story=not no_grouping,
                      delivery="digest" if digest else "immediate", channel_ids=channel_ids)
    if as_json:
        print_json(rule.as_dict())
    else:
        out.print(t("alerts.rule_added", name=rule.name, kind=rule.kind, id=rule.id))


# -- channels ---------------------------------------------------------------------------------------
@alerts.group("channels", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def channels_group(click_ctx: click.Context, as_json: bool) -> None:
    """List delivery channels (or `channels add`). / Canaux d'envoi."""
    if click_ctx.invoked_subcommand is not None:
        return
    ctx: Context = click_ctx.obj
    rows = C.list_channels(ctx.store, ctx.workspace()["id"])
    if as_json:
        print_json(rows)
        return
    # Configs are shown as stored: secrets are {"$env": NAME} references, never values.
    print_table(["id", t("col.name"), t("col.kind"), t("col.params")],
                [[r["id"], r["name"], r["kind"], json.dumps(r["config"], ensure_ascii=False)] for r in rows])


@channels_group.command("add")
@click.argument("name")
@click.argument("kind", type=click.Choice(C.KINDS))
@click.option("--set", "values", multiple=True, help="Setting key=value: url, host, port, to, from, username, starttls…")
@click.option("--secret", "secrets", multiple=True, help="key=ENV_VAR: password or secret read from the environment.")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def channels_add(ctx: Context, name: str, kind: str, values: tuple[str, ...], secrets: tuple[str, ...],
                 as_json: bool) -> None:
    """Add a channel: email, slack, teams, mattermost or webhook. / Ajouter un canal."""
    config = _pairs(values, "--set")
    for item in secrets:
        key, sep, env = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r}: write key=ENV_VAR", param_hint="--secret")
        config[key.strip()] = {"$env": env.strip()}
    row = C.add_channel(ctx.store, ctx.workspace()["id"], name, kind, config)
    if as_json:
        print_json(row)
    else:
        out.print(t("alerts.channel_added", name=name, kind=kind, id=row["id"]))


# -- alerts -----------------------------------------------------------------------------------------
@alerts.command("list")
@click.option("--status", type=click.Choice(["open", "digest", "suppressed", "acknowledged"]))
@click.option("--limit", default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def alerts_list(ctx: Context, status: str | None, limit: int, as_json: bool) -> None:
    """Recent alerts, newest first. / Alertes récentes."""
    from vigie.signals.alerts import AlertBook

    rows = AlertBook(ctx.store, ctx.workspace(), ctx.app.settings).list(status=status, limit=limit)
    if as_json:
        print_json(rows)
        return
    if not rows:
        out.print(t("alerts.none"))
        return
    print_table(["id", t("col.created"), t("col.severity"), t("col.kind"), t("col.status"), t("col.title")],
                [[r["id"], r["created_at"], r["severity"], r["kind"], r["status"], r["title"]] for r in rows])


@alerts.command("test")
@click.option("--channel", help="Send a test alert to this channel instead of evaluating the rules.")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def alerts_test(ctx: Context, channel: str | None, as_json: bool) -> None:
    """Evaluate every rule now, or send a test alert to a channel. / Évaluer les règles maintenant."""
    from vigie.signals.engine import engine_for

    ws = ctx.workspace()
    engine = engine_for(ctx.store, int(ws["id"]), ctx.app.settings, background=False)
    now = datetime.now(UTC)
    if channel:
        row = C.find_channel(ctx.store, ws["id"], channel)
        alert_id, jobs = engine.alerts.test_alert(int(row["id"]), now)
        results = [engine.dispatcher.attempt(job) for job in jobs]
        result = results[0] if results else C.SendResult(False, None, "channel disabled")
        payload = {"alert_id": alert_id, "channel": row["name"], "ok": result.ok, "status": result.status,
                   "error": result.error}
        if as_json:
            print_json(payload)
        else:
            status = f"OK ({result.status})" if result.ok else f"{result.status or ''} {result.error or ''}".strip()
            (out if result.ok else err).print(t("alerts.test_sent", id=alert_id, channel=row["name"], status=status))
        if not result.ok:
            raise SystemExit(1)
        return
    ids = engine.evaluate(now)
    ids += engine.tick(now)
    rows = [engine.alerts.get(i) for i in ids]
    if as_json:
        print_json({"new_alerts": rows})
    else:
        out.print(t("alerts.evaluated", n=len(rows)))
        for r in rows:
            out.print(f"  #{r['id']} [{r['severity']}] {r['title']}")


@alerts.command("ack")
@click.argument("alert_id", type=int)
@click.option("--by", help="Who takes it in hand.")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def alerts_ack(ctx: Context, alert_id: int, by: str | None, as_json: bool) -> None:
    """Acknowledge an alert (its pending deliveries are cancelled). / Prendre une alerte en charge."""
    from vigie.signals.alerts import AlertBook

    row = AlertBook(ctx.store, ctx.workspace(), ctx.app.settings).acknowledge(alert_id, by)
    if as_json:
        print_json(row)
    else:
        out.print(t("alerts.acked", id=alert_id, by=f" ({by})" if by else ""))


# -- the latency benchmark ---------------------------------------------------------------------------
@click.command("alert")
@click.option("--duration", default=120.0, show_default=True, help="Seconds of live feed.")
@click.option("--rate", default=1000.0, show_default=True, help="Mentions per second fed to Vigie.")
@click.option("--spikes", default=20, show_default=True, help="Spikes injected at random moments.")
@click.option("--spike-size", default=1000, show_default=True, help="Mentions in one spike.")
@click.option("--spike-seconds", default=5.0, show_default=True, help="How long one spike lasts.")
@click.option("--watch-rate", default=0.2, show_default=True,
              help="Background mentions/s of each watch that may spike (0.2 = 60 per 5 minutes).")
@click.option("--seed", default=1, show_default=True, help="Random seed (spike moments, texts).")
def bench_alert(duration: float, rate: float, spikes: int, spike_size: int, spike_seconds: float,
                watch_rate: float, seed: int) -> None:
    """Latency from a spike's first mentions to its webhook on a local receiver."""
    from vigie.bench.alert import run_alert_bench
    from vigie.settings import vigie_home

    result = run_alert_bench(vigie_home(), duration=duration, rate=rate, spikes=spikes, spike_size=spike_size,
                             spike_seconds=spike_seconds, seed=seed, watch_rate=watch_rate,
                             log=lambda m: err.print(m))
    print_json(result)


def register(cli: click.Group) -> None:
    cli.add_command(alerts)
    # `vigie bench alert` joins the bench group from here, so vigie/cli/bench.py stays untouched.
    bench = cli.commands.get("bench")
    if isinstance(bench, click.Group):
        bench.add_command(bench_alert)
