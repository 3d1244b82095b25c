"""The overview page: volume, sentiment, share of voice, channel mix, top stories, search reputation.
See docs/web.md"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from vigie.web import charts
from vigie.web.context import Ctx, PageCtx
from vigie.web.nav import Nav, NavItem
from vigie.web.overview import PERIODS, SENTIMENT_ORDER, overview

router = APIRouter(include_in_schema=False)
SENTIMENT_CSS = {"negative": "neg", "neutral": "neu", "positive": "pos", "": "none"}


def register(nav: Nav) -> None:
    nav.add(NavItem("overview", "nav.overview", "/", "listen", order=0))


def _int(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(value) if value not in (None, "") else default
    except ValueError:
        return default


def build_charts(ctx: Ctx, data: dict[str, Any]) -> dict[str, Any]:
    """The four charts of the overview, with the same numbers as tables."""
    tr = _ = ctx.tr
    labels = [tr.date(d, "d MMM") for d in data["days"]]
    if ctx.scope.restricted and data["watch_id"] is None:
        series = [(w["name"], values) for w, _n, values in data["voice"]] or [(_("overview.mentions"), data["volume"])]
    else:
        series = [(_("overview.mentions"), data["volume"])]
    weekly = data["step"] > 1
    volume = charts.line_chart(_("overview.volume"), _("overview.volume_desc_week" if weekly else "overview.volume_desc",
                                                       days=data["period"]),
                               labels, series, fmt=tr.number)
    stacks = [(_(f"sentiment.{s or 'none'}"), SENTIMENT_CSS[s], data["sentiment"].get(s, [0] * len(labels)))
              for s in SENTIMENT_ORDER]
    feeling = charts.stacked_bars(_("overview.sentiment"), _("overview.sentiment_desc_week" if weekly
                                                             else "overview.sentiment_desc"), labels, stacks,
                                  fmt=tr.number, width=480)
    voice_items = [(w["name"], n) for w, n, _v in data["voice"]]
    voice = charts.hbars(_("overview.voice"), _("overview.voice_desc"), voice_items, fmt=tr.number,
                         pct=tr.percent) if voice_items else None
    channel_items = [(_(f"channel.{c}"), n) for c, n in data["channels"]]
    mix = charts.hbars(_("overview.channels"), _("overview.channels_desc"), channel_items, fmt=tr.number,
                       pct=tr.percent) if channel_items else None
    first = _("col.week") if weekly else _("col.date")
    rows = list(zip(labels, *([tr.number(v) for v in values] for _n, values in series), strict=True))
    feeling_rows = list(zip(labels, *([tr.number(v) for v in values] for _n, _c, values in stacks), strict=True))
    return {
        "series": series, "volume": volume, "feeling": feeling, "stacks": stacks, "voice": voice, "mix": mix,
        "volume_table": ([first, *(name for name, _v in series)], rows),
        "feeling_table": ([first, *(name for name, _c, _v in stacks)], feeling_rows),
        "voice_table": ([_("col.watch"), _("col.mentions")], [(k, tr.number(v)) for k, v in voice_items]),
        "mix_table": ([_("col.channel"), _("col.mentions")], [(k, tr.number(v)) for k, v in channel_items]),
    }


@router.get("/", response_class=HTMLResponse)
def overview_page(ctx: PageCtx) -> HTMLResponse:
    params = ctx.request.query_params
    days = _int(params.get("days"), 30)
    days = days if days in PERIODS else 30
    watch_id = _int(params.get("watch"))
    data = overview(ctx.store, ctx.scope, ctx.workspace, days=days, watch_id=watch_id)
    return ctx.render("overview.html", data=data, charts=build_charts(ctx, data), periods=PERIODS)
