"""The rows of a map page's measured-KPIs table, their texts worked out in Python.

A map with data files has a row for each measured KPI (eighteen in the benchmark's
maps); written in the template, each row made a dozen sandboxed calls, and the
table took longer than the rest of the data's part of the page
(docs/benchmarks.md, measured KPIs). The partial `partials/measured_kpis.html`
lays the rows out; `measured` (the MeasuredKPI rows) and `trend` stay in the
template's context for a theme that draws its own table.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup

from cjmgen.analysis.measured_view import MeasuredKPI
from cjmgen.i18n.labels import Locale
from cjmgen.site.urls import stage_anchor

_MARKS = {"met": "✓", "missed": "✗"}  # any other status: •


@dataclass
class MeasuredRow:
    """One measured KPI as its table row shows it."""

    measured: MeasuredKPI
    number: int  # its place in the table, from 1: the sparkline's ids (trend-<number>)
    draw: Callable[[MeasuredKPI, int], Markup]
    status: str  # met | missed | unknown
    mark: str  # ✓, ✗ or •
    verdict: str  # the status in words, for a screen reader
    anchor: str  # the stage's anchor on the page
    stage: str
    kpi: str
    value: str  # the latest value as printed
    period: str
    target: str  # as printed, or —
    stale: bool
    worse: bool

    @functools.cached_property
    def trend(self) -> Markup:
        """The sparkline, drawn when the template shows it."""
        return self.draw(self.measured, self.number)


def measured_rows(measured: list[MeasuredKPI], locale: Locale,
                  draw: Callable[[MeasuredKPI, int], Markup]) -> list[MeasuredRow]:
    rows = []
    for number, m in enumerate(measured, 1):
        kpi, latest = m.kpi, m.latest
        status = kpi.status
        rows.append(MeasuredRow(
            m, number, draw, status, _MARKS.get(status, "•"), locale.label(f"kpi_{status}"),
            stage_anchor(m.stage.id), m.stage.name, kpi.name, locale.figure(latest.value, kpi.unit), latest.period,
            locale.figure(kpi.target, kpi.unit) if kpi.target else "—", m.stale, m.worse,
        ))
    return rows
