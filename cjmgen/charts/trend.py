"""A KPI's trend: a small inline sparkline of its values over time, the target as a line.

Each point is a period of a data file (analysis.measures) or a commit that
changed a typed value (review history): a `TrendPoint` says which in `label`
and `note`. A point is green when it met the target, red when it missed it,
grey without a verdict. The text alternative lists every point, so a screen
reader (and a text browser) gets the figures the picture shows.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from typing import NamedTuple

from cjmgen.charts.svg import (
    DARK_TEXT,
    GHOST,
    MET_COLOUR,
    MISSED_COLOUR,
    MUTED,
    esc,
    line_width,
    needs_escaping,
    num,
    svg_root,
    tooltip,
)
from cjmgen.i18n.labels import Locale

TREND_WIDTH = 120.0
TREND_HEIGHT = 28.0
_PAD = 3.0  # room for a point's dot at the edges
_LOOK = {None: ("unknown", GHOST), True: ("met", MET_COLOUR), False: ("missed", MISSED_COLOUR)}


class TrendPoint(NamedTuple):
    """One value of a trend: `label` a period (2026-03) or a date, `note` e.g. a commit
    (a named tuple: a map page draws a dozen for each of its KPIs)."""

    label: str
    value: float
    met: bool | None = None
    note: str | None = None
    shown: str | None = None  # the value as written (`4,2%`), for the text alternative


def trend_sparkline(
    points: Sequence[TrendPoint], locale: Locale, *, name: str, target: float | None = None,
    prefix: str | None = None, width: float = TREND_WIDTH, height: float = TREND_HEIGHT,
    target_text: str | None = None,
) -> str:
    """The sparkline SVG ("" without points). Ids come from `prefix`, else from a digest of
    the points, so that they are stable between builds. `target_text`: the target as the
    map writes it (`10%`), where `target` is only its number."""
    if not points:
        return ""
    values = [p.value for p in points]
    low, high = min(values), max(values)
    if target is not None:
        low, high = min(low, target), max(high, target)
    if high == low:
        low, high = low - 1.0, high + 1.0
    inner_h = height - 2 * _PAD
    last = len(points) - 1
    # A map page draws a dozen points for each of its KPIs: the markup is written out here
    # rather than through `el`, each coordinate formatted once for the line and its point
    # (the xs once per number of points).
    xs = _x_positions(len(points), width)
    span = high - low
    ys = [num(_PAD + (high - value) / span * inner_h) for value in values]

    if prefix is None:
        digest = hashlib.sha1(repr((name, target, [(p.label, p.value, p.met) for p in points])).encode())
        prefix = f"trend-{digest.hexdigest()[:8]}"
    body: list[str] = []
    if target is not None:
        y = num(_PAD + (high - target) / span * inner_h)
        tip = tooltip(f"{locale.label('target')}: {target_text or _number(locale, target)}")
        body.append(f'<line class="trend-target" x1="{num(_PAD)}" y1="{y}" x2="{num(width - _PAD)}" y2="{y}" '
                    f'stroke="{MUTED}" stroke-width="1" stroke-dasharray="3 2">{tip}</line>')
    if last:
        path = " ".join([f"{x},{y}" for x, y in zip(xs, ys, strict=True)])
        body.append(f'<polyline class="trend-line" points="{path}" fill="none" stroke="{DARK_TEXT}" '
                    f'stroke-width="{line_width(1.2)}"/>')
    statuses = {None: "", True: f" ({locale.label('kpi_met')})", False: f" ({locale.label('kpi_missed')})"}
    texts = [f"{label}: {shown or _number(locale, value)}{statuses[met]}{f', {note}' if note else ''}"
             for label, value, met, note, shown in points]
    # the points' texts are escaped together when one of them needs it (a period and a figure seldom do)
    titles = list(map(esc, texts)) if needs_escaping("".join(texts)) else texts
    body.extend([f'{_CIRCLE[point.met]}cx="{x}" cy="{y}{_FILL[point.met]}{title}</title></circle>'
                 for point, x, y, title in zip(points, xs, ys, titles, strict=True)])
    latest = points[-1]
    title = f"{name}: {latest.label} {latest.shown or _number(locale, latest.value)}"
    desc = "; ".join(texts)
    if target is not None:
        desc += f". {locale.label('target')}: {target_text or _number(locale, target)}"
    return svg_root(prefix, width, height, "cjm-chart kpi-trend", title, desc, body)


_CIRCLE = {met: f'<circle class="trend-point kpi-{status}" ' for met, (status, _) in _LOOK.items()}
_FILL = {met: f'" r="2.2" fill="{colour}"><title>' for met, (_, colour) in _LOOK.items()}


@functools.lru_cache(maxsize=64)
def _x_positions(count: int, width: float) -> tuple[str, ...]:
    """The x of each of `count` points, formatted: the same for every sparkline of as many points."""
    inner_w = width - 2 * _PAD
    if count == 1:
        return (num(_PAD + inner_w / 2),)
    return tuple(num(_PAD + inner_w * index / (count - 1)) for index in range(count))


def _number(locale: Locale, value: float) -> str:
    return locale.number(value, 0 if float(value).is_integer() else 2)
