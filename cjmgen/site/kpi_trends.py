"""The trends a map page draws for typed KPI values from git history (review.kpi_history).

One sparkline per KPI whose value changed in git: a point per commit that changed
it, labelled with the commit's date, its short id in the text alternative. A KPI
measured from a data file shows the data's trend instead (the data wins), so
those are left out here.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from cjmgen.charts.trend import TrendPoint, trend_sparkline
from cjmgen.content import figures
from cjmgen.content.model import KPI, Stage
from cjmgen.i18n.labels import Locale
from cjmgen.review.kpi_history import KpiPoint, KpiTrail, kpi_key


@dataclass(frozen=True)
class HistoryTrend:
    """What the page shows for one KPI: its name, the sparkline, the first and last point."""

    kpi: KPI
    trail: KpiTrail
    svg: Markup

    @property
    def first(self) -> KpiPoint:
        return self.trail.points[0]

    @property
    def last(self) -> KpiPoint:
        return self.trail.points[-1]


def history_trends(history: Any, stage: Stage, locale: Locale, anchor: str,
                   measured: Collection[tuple[str, str]] = ()) -> tuple[HistoryTrend, ...]:
    """The trends of a stage's KPIs from `history` (a review.history.MapHistory, or None);
    `measured`: (stage id, KPI key) of KPIs whose trend comes from data. `anchor` keeps
    the charts' element ids unique on the page."""
    if not history or not history.kpis:
        return ()
    out = []
    for number, kpi in enumerate(stage.kpis):
        key = kpi_key(kpi)
        trail = history.kpi_trail(stage.id, key)
        if trail is None or (stage.id, key) in measured:
            continue
        points = [_trend_point(point, locale) for point in trail.points if point.number is not None]
        if len(points) < 2:
            continue
        svg = trend_sparkline(points, locale, name=kpi.name, target=_target(kpi),
                              prefix=f"{anchor}-history-{number}",
                              target_text=locale.figure(kpi.target, kpi.unit) if kpi.target is not None else None)
        out.append(HistoryTrend(kpi, trail, Markup(svg)))
    return tuple(out)


def _trend_point(point: KpiPoint, locale: Locale) -> TrendPoint:
    met = None if point.status == "unknown" else point.status == "met"
    shown = locale.figure(point.quantity, point.unit)
    if point.commit is None:
        return TrendPoint(locale.label("kpi_history_uncommitted"), point.number or 0.0, met, None, shown)
    return TrendPoint(point.commit.date.date().isoformat(), point.number or 0.0, met, point.commit.short, shown)


def _target(kpi: KPI) -> float | None:
    """The target on the scale the trail's numbers use (the base unit of the current value)."""
    if kpi.target is None or kpi.value is None:
        return None
    target = figures.read_figure(kpi.target.raw, kpi.unit)
    value = figures.read_figure(kpi.value.raw, kpi.unit)
    if not isinstance(target, figures.Reading) or not isinstance(value, figures.Reading):
        return None
    target = target.in_units_of(value)
    if target.kind != value.in_units_of(target).kind:
        return None
    return figures.representative(target)
