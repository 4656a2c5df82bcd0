"""A KPI's trend: a small inline sparkline of its values over time, the target as a line.

Each point is a period of a data file (analysis.measures) or a commit that
changed a typed value (review history): a `TrendPoint` says which in `label`
and `note`. A point is green when it met the target, red when it missed it,
grey without a verdict. The text alternative lists every point, so a screen
reader (and a text browser) gets the figures the picture shows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from cjmgen.charts.svg import (
    DARK_TEXT,
    GHOST,
    MET_COLOUR,
    MISSED_COLOUR,
    MUTED,
    el,
    line_width,
    num,
    svg_root,
    tooltip,
)
from cjmgen.i18n.labels import Locale

TREND_WIDTH = 120.0
TREND_HEIGHT = 28.0
_PAD = 3.0  # room for a point's dot at the edges
_LOOK = {None: ("unknown", GHOST), True: ("met", MET_COLOUR), False: ("missed", MISSED_COLOUR)}


@dataclass(frozen=True)
class TrendPoint:
    """One value of a trend: `label` a period (2026-03) or a date, `note` e.g. a commit."""

    label: str
    value: float
    met: bool | None = None
    note: str | None = None
    shown: str | None = None  # the value as written (`4,2%`), for the text alternative


def trend_sparkline(
    points: Sequence[TrendPoint], locale: Locale, *, name: str, target: float | None = None,
    prefix: str | None = None, width: float = TREND_WIDTH, height: float = TREND_HEIGHT,
) -> str:
    """The sparkline SVG ("" without points). Ids come from `prefix`, else from a digest of
    the points, so that they are stable between builds."""
    if not points:
        return ""
    values = [p.value for p in points] + ([target] if target is not None else [])
    low, high = min(values), max(values)
    if high == low:
        low, high = low - 1.0, high + 1.0
    inner_w, inner_h = width - 2 * _PAD, height - 2 * _PAD

    def x(index: int) -> float:
        return _PAD + (inner_w * index / (len(points) - 1) if len(points) > 1 else inner_w / 2)

    def y(value: float) -> float:
        return _PAD + (high - value) / (high - low) * inner_h

    if prefix is None:
        digest = hashlib.sha1(repr((name, target, [(p.label, p.value, p.met) for p in points])).encode())
        prefix = f"trend-{digest.hexdigest()[:8]}"
    body: list[str] = []
    if target is not None:
        body.append(el("line", {
            "class": "trend-target", "x1": _PAD, "y1": y(target), "x2": width - _PAD, "y2": y(target),
            "stroke": MUTED, "stroke-width": "1", "stroke-dasharray": "3 2",
        }, tooltip(f"{locale.label('target')}: {_number(locale, target)}")))
    if len(points) > 1:
        path = " ".join(f"{x(i):.1f},{y(p.value):.1f}" for i, p in enumerate(points))
        body.append(el("polyline", {
            "class": "trend-line", "points": path, "fill": "none", "stroke": DARK_TEXT,
            "stroke-width": line_width(1.2),
        }))
    texts = [_point_text(p, locale) for p in points]
    for index, (point, text) in enumerate(zip(points, texts, strict=True)):
        # written out, not through `el`: a map page draws a dozen points for each of its KPIs
        status, colour = _LOOK[point.met]
        body.append(f'<circle class="trend-point kpi-{status}" cx="{num(x(index))}" cy="{num(y(point.value))}" '
                    f'r="2.2" fill="{colour}">{tooltip(text)}</circle>')
    latest = points[-1]
    title = f"{name}: {latest.label} {latest.shown or _number(locale, latest.value)}"
    desc = "; ".join(texts)
    if target is not None:
        desc += f". {locale.label('target')}: {_number(locale, target)}"
    return svg_root(prefix, width, height, "cjm-chart kpi-trend", title, desc, body)


def _point_text(point: TrendPoint, locale: Locale) -> str:
    status = "" if point.met is None else f" ({locale.label('kpi_met' if point.met else 'kpi_missed')})"
    note = f", {point.note}" if point.note else ""
    return f"{point.label}: {point.shown or _number(locale, point.value)}{status}{note}"


def _number(locale: Locale, value: float) -> str:
    return locale.number(value, 0 if float(value).is_integer() else 2)
