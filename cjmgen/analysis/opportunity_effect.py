"""Did a done opportunity move its KPI? Its measured values before and after it shipped.

An opportunity names the KPI it should move (`kpi:`) and, once done, when it
shipped (`done: 2026-03`). The KPI's series from the map's data files
(analysis.measures) then says the value of the last period that ended before
that, and the latest value since; for a KPI typed in the map, its git history
(review.kpi_history) does, a commit that changed the value being a measurement.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cjmgen.analysis.measures import Measurement
from cjmgen.content.datafiles import Period
from cjmgen.review.kpi_history import KpiTrail


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
    return _since(done, [(m, m.value.number) for m in series], better)


def kpi_since_in_history(done: str | None, trail: KpiTrail | None, better: str) -> KpiSince | None:
    """The same from git history, for a KPI typed in the map: each commit that changed its
    value is a measurement dated by the commit (a value not committed yet is left out).
    The values are compared on the scale the history draws them (`26 ч` and `2 дня` compare)."""
    if trail is None:
        return None
    dated = [(Measurement(point.commit.date.date().isoformat(), point.quantity,
                          None if point.status == "unknown" else point.status == "met", point.commit.date.date()),
              point.number)
             for point in trail.points if point.commit is not None]
    return _since(done, dated, better)


def _since(done: str | None, series: Sequence[tuple[Measurement, float | None]], better: str) -> KpiSince | None:
    """`series`: each measurement with the number it is compared by, oldest first."""
    period = Period.parse(done) if done else None
    if period is None or not series:
        return None
    before = [pair for pair in series if pair[0].ends < period.start]
    after, latest = series[-1]
    if not before or after.ends < period.start:
        return None
    first = before[-1][1]
    if first is None or latest is None:
        return None
    if first == latest:
        moved = "same"
    else:
        moved = "better" if (latest > first) == (better != "lower") else "worse"
    return KpiSince(period.text, before[-1][0], after, moved)
