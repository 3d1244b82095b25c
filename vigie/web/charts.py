"""Charts drawn on the server as inline SVG: readable without JavaScript, each with a text title,
a description and its numbers in a table for screen readers. See docs/web.md"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from itertools import count

from markupsafe import Markup, escape

_ids = count(1)
Fmt = Callable[[float], str]


def _nice_max(value: float) -> float:
    """A round axis top at or above value (1, 2, 2.5 or 5 times a power of ten)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _frame(kind: str, title: str, desc: str, width: int, height: int, body: list[str]) -> Markup:
    ident = f"chart{next(_ids)}"
    return Markup(
        f'<svg class="chart chart-{kind}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{ident}-t {ident}-d" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(desc)}</desc>'
        + "".join(body) + "</svg>")


def _y_axis(top: float, x0: int, x1: int, y0: int, y1: int, fmt: Fmt) -> list[str]:
    out = []
    for i in range(5):
        value = top * i / 4
        y = y1 - (y1 - y0) * i / 4
        out.append(f'<line class="grid" x1="{x0}" x2="{x1}" y1="{y:.1f}" y2="{y:.1f}"/>'
                   f'<text class="tick" x="{x0 - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(fmt(value))}</text>')
    return out


def _x_labels(labels: Sequence[str], xs: Sequence[float], y: int) -> list[str]:
    """At most about eight labels; the last one always, unless it would overlap the one before."""
    step = max(1, math.ceil(len(labels) / 8))
    shown = [i for i in range(len(labels)) if i % step == 0]
    last = len(labels) - 1
    if shown and shown[-1] != last:
        if last - shown[-1] < step * 0.75:
            shown.pop()
        shown.append(last)
    return [f'<text class="tick" x="{xs[i]:.1f}" y="{y}" text-anchor="middle">{escape(labels[i])}</text>'
            for i in shown]


def line_chart(title: str, desc: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]],
               fmt: Fmt = str, width: int = 720, height: int = 240) -> Markup:
    """One line per series over the same x labels (days)."""
    left, right, top_m, bottom = 52, 12, 12, 30
    x0, x1, y0, y1 = left, width - right, top_m, height - bottom
    peak = _nice_max(max((v for _, values in series for v in values), default=0))
    n = max(len(labels), 1)
    xs = [x0 + (x1 - x0) * (i / (n - 1) if n > 1 else 0.5) for i in range(n)]
    body = _y_axis(peak, x0, x1, y0, y1, fmt)
    for index, (name, values) in enumerate(series):
        points = [(xs[i], y1 - (y1 - y0) * v / peak) for i, v in enumerate(values)]
        body.append(f'<g class="series s{index % 8}"><polyline fill="none" points="'
                    + " ".join(f"{x:.1f},{y:.1f}" for x, y in points) + '"/>')
        for (x, y), label, value in zip(points, labels, values, strict=True):
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5"><title>{escape(name)} — {escape(label)} : '
                        f'{escape(fmt(value))}</title></circle>')
        body.append("</g>")
    body += _x_labels(labels, xs, height - 8)
    return _frame("line", title, desc, width, height, body)


def stacked_bars(title: str, desc: str, labels: Sequence[str], stacks: Sequence[tuple[str, str, Sequence[float]]],
                 fmt: Fmt = str, width: int = 720, height: int = 240) -> Markup:
    """Vertical bars per label, each stacked from (name, css class, values) bottom up."""
    left, right, top_m, bottom = 52, 12, 12, 30
    x0, x1, y0, y1 = left, width - right, top_m, height - bottom
    totals = [sum(values[i] for _, _, values in stacks) for i in range(len(labels))]
    peak = _nice_max(max(totals, default=0))
    n = max(len(labels), 1)
    slot = (x1 - x0) / n
    bar = max(slot * 0.7, 1.0)
    body = _y_axis(peak, x0, x1, y0, y1, fmt)
    xs = []
    for i, label in enumerate(labels):
        x = x0 + slot * i + (slot - bar) / 2
        xs.append(x + bar / 2)
        base = float(y1)
        for name, css, values in stacks:
            h = (y1 - y0) * values[i] / peak
            if h <= 0:
                continue
            base -= h
            body.append(f'<rect class="{escape(css)}" x="{x:.1f}" y="{base:.1f}" width="{bar:.1f}" height="{h:.1f}">'
                        f'<title>{escape(label)} — {escape(name)} : {escape(fmt(values[i]))}</title></rect>')
    body += _x_labels(labels, xs, height - 8)
    return _frame("bars", title, desc, width, height, body)


def hbars(title: str, desc: str, items: Sequence[tuple[str, float]], fmt: Fmt = str, pct: Fmt | None = None,
          width: int = 480, row: int = 26) -> Markup:
    """Horizontal bars, one per (label, value), with the value and its share written out."""
    total = sum(v for _, v in items) or 1
    peak = max((v for _, v in items), default=0) or 1
    label_w, value_w = 170, 110
    height = max(row * len(items), row) + 4
    body = []
    for i, (label, value) in enumerate(items):
        y = 2 + i * row
        w = (width - label_w - value_w) * value / peak
        share = f" ({pct(value / total)})" if pct else ""
        short = label if len(label) <= 26 else label[:25] + "…"
        body.append(f'<text class="label" x="{label_w - 8}" y="{y + row / 2 + 4:.1f}" text-anchor="end">'
                    f'<title>{escape(label)}</title>{escape(short)}</text>'
                    f'<rect class="s{i % 8}" x="{label_w}" y="{y + 4}" width="{max(w, 1):.1f}" height="{row - 8}"/>'
                    f'<text class="value" x="{label_w + w + 6:.1f}" y="{y + row / 2 + 4:.1f}">'
                    f'{escape(fmt(value))}{escape(share)}</text>')
    return _frame("hbars", title, desc, width, height, body)
