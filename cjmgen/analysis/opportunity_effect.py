"""Did a done opportunity move its KPI? Its measured values before and after it shipped.

An opportunity names the KPI it should move (`kpi:`) and, once done, when it
shipped (`done: 2026-03`). The KPI's series from the map's data files
(analysis.measures) then says the value of the last period that ended before
that, and the latest value since.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cjmgen.analysis.measures import Measurement
from cjmgen.content.datafiles import Period


@dataclass(frozen=True)
class KpiSince:
    """A KPI before and after an opportunity shipped; `moved`: better, worse or same."""

    done: str
    before: Measurement
    after: Measurement
    moved: str


def kpi_since(done: str | None, series: Sequence[Measurement], better: str) -> KpiSince | None:
    """The KPI's last value before `done` and its latest since; None without both, or
    without figures to compare."""
    period = Period.parse(done) if done else None
    if period is None or not series:
        return None
    before = [m for m in series if m.ends < period.start]
    after = series[-1]
    if not before or after.ends < period.start:
        return None
    first, latest = before[-1].value.number, after.value.number
    if first is None or latest is None:
        return None
    if first == latest:
        moved = "same"
    else:
        moved = "better" if (latest > first) == (better != "lower") else "worse"
    return KpiSince(period.text, before[-1], after, moved)
