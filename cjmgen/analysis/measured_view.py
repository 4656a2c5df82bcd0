"""Measured KPIs as the map page, the PDF and the index show them: a row per measured KPI
(latest value, trend, stale, got worse) and the KPIs that need attention across maps."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass

from cjmgen.analysis.measures import MapMeasures, Measurement, is_stale, measured_kpi, worsened
from cjmgen.charts.trend import TrendPoint
from cjmgen.content.model import KPI, Map, Stage


@dataclass(frozen=True)
class MeasuredKPI:
    """One measured KPI of a map: `kpi` carries the latest value (analysis.measures.measured_map)."""

    map: Map
    stage: Stage
    kpi: KPI
    series: tuple[Measurement, ...]
    stale: bool
    worse: bool  # worse than TREND_PERIODS periods before

    @property
    def latest(self) -> Measurement:
        return self.series[-1]

    @property
    def owner(self) -> str | None:
        """Who answers for it: the stage's owner, else the map's."""
        return self.stage.owner or self.map.owner

    @property
    def missed(self) -> bool:
        return self.latest.met is False

    def points(self) -> list[TrendPoint]:
        """The series as the trend chart draws it (values without a number are left out)."""
        return [_point((m.period, m.value.number, m.met, None, m.value.raw))
                for m in self.series if m.value.number is not None]

    def target_number(self) -> float | None:
        """The target on the values' scale, where it is one plain figure (`7.5%`, `30`)."""
        target = self.kpi.target
        if target is None or target.number is None or not self.series:
            return None
        return target.number if target.comparable_with(self.latest.value) else None


_point = functools.partial(tuple.__new__, TrendPoint)  # tuple's C constructor: a dozen a KPI


def measured_kpis(shown: Map, measures: MapMeasures, today: dt.date, stale_after_days: int) -> list[MeasuredKPI]:
    """Every measured KPI of `shown` (the measured map), in the order of its stages and KPIs."""
    out = []
    for stage in shown.stages:
        for kpi in stage.kpis:
            series = measures.series(stage.id, kpi.id)
            if series:
                out.append(MeasuredKPI(shown, stage, kpi, series, is_stale(series[-1], today, stale_after_days),
                                       worsened(series, kpi.better)))
    return out


def needing_attention(journey_map: Map, measures: MapMeasures, today: dt.date,
                      stale_after_days: int) -> list[MeasuredKPI]:
    """The map's measured KPIs missed in their latest period or got worse, each copied with
    its latest value, its map and stage as they are: what the summaries list of every map.
    Only these rows are made (a thousand maps have eighteen thousand measured KPIs, and a
    row each was most of the summaries), and without the measured copy of the map (a copy
    reads every field of a map, which loads the whole of one the parse cache keeps lazily:
    after a one-map edit that was a quarter of the rebuild)."""
    out = []
    for stage in journey_map.stages:
        for kpi in stage.kpis:
            series = measures.series(stage.id, kpi.id)
            if not series:
                continue
            worse = worsened(series, kpi.better)
            if series[-1].met is False or worse:
                out.append(MeasuredKPI(journey_map, stage, measured_kpi(stage.id, kpi, measures), series,
                                       is_stale(series[-1], today, stale_after_days), worse))
    return out


@dataclass(frozen=True)
class Attention:
    """KPIs across maps that need someone: missed in their latest period, or got worse."""

    missed: tuple[MeasuredKPI, ...] = ()
    worse: tuple[MeasuredKPI, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.missed or self.worse)

    def of_owner(self, owner: str) -> Attention:
        """The KPIs of stages `owner` answers for (or of their maps, where a stage names no owner)."""
        return self._owners.get(owner) or Attention()

    @functools.cached_property
    def _owners(self) -> dict[str | None, Attention]:
        """Each owner's part, sorted out once: a site has an owner page per owner, and each
        filtering every KPI of every map made the pages quadratic."""
        missed: dict[str | None, list[MeasuredKPI]] = {}
        worse: dict[str | None, list[MeasuredKPI]] = {}
        for found, rows in ((missed, self.missed), (worse, self.worse)):
            for m in rows:
                found.setdefault(m.owner, []).append(m)
        return {owner: Attention(tuple(missed.get(owner, ())), tuple(worse.get(owner, ())))
                for owner in {*missed, *worse}}

    def by_owner(self) -> list[tuple[str, int, int]]:
        """(owner, KPIs missed now, KPIs got worse) for each owner with any, by name."""
        parts = self._owners
        return [(owner, len(parts[owner].missed), len(parts[owner].worse))
                for owner in sorted(owner for owner in parts if owner)]


def attention(rows: Iterable[MeasuredKPI]) -> Attention:
    listed = list(rows)
    return Attention(tuple(m for m in listed if m.missed), tuple(m for m in listed if m.worse))
