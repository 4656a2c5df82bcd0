"""Measured KPIs: the rows of a map's data files matched to its stages and KPIs.

A map lists data files (`data:`, content/datafiles reads them); a row names a
KPI as `<stage-id>/<kpi-id>` (or `<stage-id>/count`, the stage's count of
customers) and a period. Here each KPI of a map gets its series of
`Measurement`s in the order of their periods, and the map its funnel counts per
period. The latest measurement is the KPI's value: `measured_map` is the map as
the site, the PDF and the export show it, with those values in place of the
typed ones (a map without data is returned as it is, the very object).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import operator
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

from cjmgen.content import figures
from cjmgen.content.datafiles import COUNT_KPI, DataFile, Period, Series
from cjmgen.content.model import KPI, Map, Quantity, Stage
from cjmgen.content.repository import Repository, content_prefix
from cjmgen.diagnostics import SourceLocation

_Model = TypeVar("_Model", Map, Stage, KPI)

#: "Got worse over the last periods": the latest value against the one this many periods back.
TREND_PERIODS = 3


class Measurement(NamedTuple):
    """A KPI's value in one period; `met`: against its target (None: no target, or no comparison).
    A named tuple (as datafiles.DataRow): one is made for every row of every data file."""

    period: str  # as datafiles.Period writes it: 2026-03, 2026-Q1, 2026-03-15
    value: Quantity
    met: bool | None
    ends: dt.date = dt.date.min  # the period's last day: is the data stale?
    location: SourceLocation | None = None


@dataclass(frozen=True)
class CountMeasurement:
    """A stage's count of customers in one period (a dataclass: a tuple's `count` is taken)."""

    period: str
    count: int
    ends: dt.date = field(default=dt.date.min, compare=False)
    location: SourceLocation | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class MapMeasures:
    """What a map's data files say about it; hashable (a part of its page's key)."""

    kpis: tuple[tuple[tuple[str, str], tuple[Measurement, ...]], ...] = ()  # ((stage id, kpi id), series)
    counts: tuple[tuple[str, tuple[CountMeasurement, ...]], ...] = ()  # (stage id, series)
    # the same, looked up by key: a map page asks for each of its KPIs several times
    _kpi_index: dict[tuple[str, str], tuple[Measurement, ...]] = field(
        init=False, default_factory=dict, compare=False, hash=False, repr=False)
    _count_index: dict[str, tuple[CountMeasurement, ...]] = field(
        init=False, default_factory=dict, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        self._kpi_index.update(self.kpis)
        self._count_index.update(self.counts)

    def __bool__(self) -> bool:
        return bool(self.kpis or self.counts)

    def series(self, stage_id: str, kpi_id: str) -> tuple[Measurement, ...]:
        return self._kpi_index.get((stage_id, kpi_id), ())

    def count_series(self, stage_id: str) -> tuple[CountMeasurement, ...]:
        return self._count_index.get(stage_id, ())

    def count_period(self) -> str | None:
        """The latest period with a count of any stage: the one the funnel shows."""
        periods = [series[-1] for _, series in self.counts]
        return max(periods, key=lambda m: m.ends).period if periods else None

    def counts_in(self, period: str) -> dict[str, int]:
        """Each stage's count in `period` (stages without a row for it are left out)."""
        return {stage_id: m.count for stage_id, series in self.counts for m in series if m.period == period}


NO_MEASURES = MapMeasures()


def data_path(written: str, repo: Repository) -> str | None:
    """A `data:` entry as a repository path (it is relative to the content folder); None
    when it leads out of the content folder (`../secret.csv`)."""
    prefix = content_prefix(repo.config)
    joined = posixpath.normpath(posixpath.join(prefix, written.replace("\\", "/")))
    if written.startswith("/") or (prefix != "." and not joined.startswith(prefix + "/")) or joined.startswith(".."):
        return None
    return joined


@dataclass(frozen=True)
class MapRows:
    """The series of a map's data files that are about it (rows naming it in a `map` column,
    and rows without one), by (stage id, KPI id), in the order of its files.
    `unique`: no period comes twice within a series (each comes from one part of one
    file, whose duplicates were dropped when it was read)."""

    series: dict[tuple[str, str], Series]
    unique: bool

    def __bool__(self) -> bool:
        return bool(self.series)


def map_rows(journey_map: Map, repo: Repository) -> MapRows:
    """The map's series by (stage, KPI): see MapRows. Rows that match nothing are `check`'s."""
    sources: list[dict[tuple[str, str], Series]] = []
    for written in journey_map.data:
        path = data_path(written, repo)
        found: DataFile | None = repo.data.get(path) if path is not None else None
        if found is not None:
            sources.extend(found.series_about(journey_map.id))
    if len(sources) <= 1:
        return MapRows(sources[0] if sources else {}, True)
    series: dict[tuple[str, str], Series] = {}
    for source in sources:
        for key, found_series in source.items():
            known = series.get(key)
            series[key] = found_series if known is None else known.joined(found_series)
    return MapRows(series, False)


def map_measures(journey_map: Map, repo: Repository, last: int | None = None) -> MapMeasures:
    """Each KPI's and each stage count's series; rows that match nothing are `check`'s to report.

    `last`: only the latest periods of each series, as many (the latest value, whether it
    got worse and the funnel's period need no more: the index measures every map so)."""
    if not journey_map.data or not repo.data:
        return NO_MEASURES
    found = map_rows(journey_map, repo)
    series = found.series if found.unique else {key: _first_of_each_period(rows) for key, rows in found.series.items()}
    kpis: list[tuple[tuple[str, str], tuple[Measurement, ...]]] = []
    counts: list[tuple[str, tuple[CountMeasurement, ...]]] = []
    for stage in journey_map.stages:
        for kpi in stage.kpis:
            rows = series.get((stage.id, kpi.id))
            if rows:
                kpis.append(((stage.id, kpi.id), kpi_series(rows, kpi, last)))
        rows = series.get((stage.id, COUNT_KPI))
        if rows:
            ordered = _in_order(rows, last)
            counts.append((stage.id, tuple(map(_count_measurement, ordered.periods, ordered.values,
                                               ordered.locations))))
    return MapMeasures(tuple(kpis), tuple(counts))


def _count_measurement(period: Period, value: Quantity, where: SourceLocation) -> CountMeasurement:
    """A stage's count in one period, made without the frozen dataclass's `__init__` (an
    `object.__setattr__` a field): a thousand maps count six stages a month each."""
    made = object.__new__(CountMeasurement)
    made.__dict__.update(period=period.text, count=int(value.number or 0), ends=period.end, location=where)
    return made


def _first_of_each_period(series: Series) -> Series:
    """A series with each period once: the first (a second is `check`'s to report)."""
    first: dict[str, int] = {}
    for index, period in enumerate(series.periods):
        first.setdefault(period.text, index)
    return series if len(first) == len(series.periods) else series.picked(list(first.values()))


def _in_order(series: Series, last: int | None = None) -> Series:
    """The series oldest period first (as a file has it, mostly: then it is the very
    object), only its `last` rows when given."""
    starts = list(map(_START, series.periods))
    if not all(map(operator.lt, starts, starts[1:])):  # not each period after the one before
        keys = list(map(_PERIOD_ORDER, series.periods))
        series = series.picked(sorted(range(len(keys)), key=keys.__getitem__))
    if last and len(starts) > last:
        series = series._replace(periods=series.periods[-last:], values=series.values[-last:],
                                 locations=series.locations[-last:])
    return series


_START = operator.attrgetter("start")
_PERIOD_ORDER = operator.attrgetter("start", "end")


def kpi_series(series: Series, kpi: KPI, last: int | None = None) -> tuple[Measurement, ...]:
    """A KPI's rows (by period) as its measurements, oldest first, each met or missed.

    A thousand maps hold a quarter of a million rows: each value is judged once against
    a target (`_judged`, which every KPI with the same target shares), and the
    measurements are made column by column in C (map, zip and tuple's constructor).
    """
    series = _in_order(series, last)
    target = kpi.target
    judged = _judged(target.raw if target is not None else None, kpi.unit, kpi.better,
                     target is not None and target.percent)
    found: list[Any] = list(map(judged.get, map(_RAW, series.values)))
    if None in found:  # values this target has not met yet
        for index, value in enumerate(series.values):
            if found[index] is None:
                found[index] = judged.judge(value)
    return tuple(map(_measurement, zip(
        map(_TEXT, series.periods), map(_FIRST, found), map(_SECOND, found), map(_END, series.periods),
        series.locations, strict=True)))


class _Judged(dict[str, tuple[Quantity, "bool | None"]]):
    """Values as written, each as shown (`4.2` as `4.2%` against a target in percent) and
    met or missed, against one target: a series repeats its values, and KPIs share targets."""

    def __init__(self, target: str | None, unit: str | None, better: str, as_percent: bool) -> None:
        super().__init__()
        self.target, self.unit, self.better, self.as_percent = target, unit, better, as_percent

    def judge(self, value: Quantity) -> tuple[Quantity, bool | None]:
        """The value as shown and met or missed, kept under the value as written."""
        shown = _as_percent(value.raw, value.number) if self.as_percent and not value.percent and not value.unit \
            else value
        met = None
        if self.target is not None:
            status = figures.verdict(shown.raw, self.target, self.unit, self.better).status
            met = None if status == "unknown" else status == "met"
        found = self[value.raw] = (shown, met)
        return found


@functools.lru_cache(maxsize=1 << 10)
def _judged(target: str | None, unit: str | None, better: str, as_percent: bool) -> _Judged:
    return _Judged(target, unit, better, as_percent)


_measurement = functools.partial(tuple.__new__, Measurement)  # tuple's C constructor: a row each
_TEXT = operator.attrgetter("text")
_END = operator.attrgetter("end")
_RAW = operator.attrgetter("raw")
_FIRST, _SECOND = operator.itemgetter(0), operator.itemgetter(1)


@functools.lru_cache(maxsize=1 << 12)
def _as_percent(raw: str, number: float | None) -> Quantity:
    """A bare number read as the target reads: `4.2` for a KPI with target `6%` is 4.2%
    (keyed by its text and number: hashing the Quantity itself runs Python code)."""
    return Quantity(f"{raw}%", number, percent=True)


def series(journey_map: Map, repo: Repository, stage_id: str, kpi_id: str) -> tuple[Measurement, ...]:
    """One KPI's measurements, oldest period first (empty: no data for it)."""
    return map_measures(journey_map, repo).series(stage_id, kpi_id)


def is_stale(latest: Measurement | CountMeasurement, today: dt.date, stale_after_days: int) -> bool:
    """Data whose last period ended longer ago than `kpi_stale_after_days` (cjmgen.yml)."""
    return (today - latest.ends).days > stale_after_days


def worsened(measured: tuple[Measurement, ...], better: str, periods: int = TREND_PERIODS) -> bool:
    """Whether the latest value is worse than the one `periods - 1` periods before it
    (or the first, in a shorter series)."""
    if len(measured) < 2:
        return False
    before, latest = measured[max(0, len(measured) - periods)].value.number, measured[-1].value.number
    if before is None or latest is None or before == latest:
        return False
    return latest < before if better == "higher" else latest > before


def measured_map(journey_map: Map, measures: MapMeasures) -> Map:
    """The map with each measured KPI's latest value, and the counts of the latest counted
    period, in place of what is typed. The map itself when it has no data."""
    if not measures:
        return journey_map
    period = measures.count_period()
    counts = measures.counts_in(period) if period is not None else None
    stages = tuple(_measured_stage(stage, measures, counts) for stage in journey_map.stages)
    return _copy(Map, journey_map, stages=stages)


def _measured_stage(stage: Stage, measures: MapMeasures, counts: Mapping[str, int] | None) -> Stage:
    kpis = tuple(measured_kpi(stage.id, kpi, measures) for kpi in stage.kpis)
    count = counts.get(stage.id) if counts is not None else stage.count
    return _copy(Stage, stage, kpis=kpis, count=count)


def measured_kpi(stage_id: str, kpi: KPI, measures: MapMeasures) -> KPI:
    """The KPI with its latest measured value (the KPI itself without data)."""
    found = measures.series(stage_id, kpi.id)
    return _copy(KPI, kpi, value=found[-1].value) if found else kpi


def _copy(cls: type[_Model], original: _Model, **changes: Any) -> _Model:
    """`dataclasses.replace` as the plain class: a map from the parse cache is a lazy part.

    The copy's fields are set as a dictionary, not through the frozen class's `__init__`
    (a `object.__setattr__` for each of a stage's thirty fields): every map page and the
    summaries copy a map with data, its stages and KPIs. Nothing is checked or derived
    in `__init__` that the original did not already hold (a KPI's id is set)."""
    copy = object.__new__(cls)
    values = copy.__dict__
    for name in _INIT_FIELDS[cls]:
        values[name] = getattr(original, name)
    values.update(changes)
    return copy


#: The fields `_copy` passes on, per class (a map with data is copied KPI by KPI).
_INIT_FIELDS: dict[type, tuple[str, ...]] = {
    cls: tuple(f.name for f in dataclasses.fields(cls) if f.init) for cls in (Map, Stage, KPI)}
