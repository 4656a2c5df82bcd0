"""What changed in the measured figures of maps: data files (analysis.measures) between two sides.

A data file changes without its maps changing: a new month is exported, a past
figure corrected. For each map that reads a changed data file (or whose `data:`
changed), the measured series of both sides are compared and said as the diff
says everything else: "KPI 'Conversion' in stage Deal: new period 2026-04, 4.2%
(target 5%, missed)", "conversion from stage Evaluation fell from 5% to 4.2%
(2026-03 → 2026-04)". Only those maps and the data files they read are parsed.
"""

from __future__ import annotations

import dataclasses
import itertools
import posixpath
from collections.abc import Mapping, Sequence

from cjmgen.analysis import journey
from cjmgen.analysis.measures import CountMeasurement, MapMeasures, Measurement, map_measures
from cjmgen.config import SiteConfig
from cjmgen.content.datafiles import is_data_path
from cjmgen.content.model import KPI, Map, Stage
from cjmgen.content.repository import Repository, classify, parse_repository
from cjmgen.diagnostics import Diagnostics
from cjmgen.review.diff import Change, MapDiff, RepoDiff, _Collector
from cjmgen.review.phrases import Phrase, Rate


def measure_changes(found: RepoDiff, config: SiteConfig, old_all: Mapping[str, bytes],
                    new_all: Mapping[str, bytes]) -> RepoDiff:
    """`found` with the changes of measured figures added to the maps they are about."""
    changed_data = {p for p in old_all.keys() | new_all.keys() if is_data_path(p) and old_all.get(p) != new_all.get(p)}
    changed_maps = {m.new_path or m.old_path for m in found.maps if m.status in ("changed", "renamed")
                    and ((m.old and m.old.data) or (m.new and m.new.data))}
    if not changed_data and not changed_maps:
        return found
    names = {posixpath.basename(p).encode() for p in changed_data}
    wanted = {p for p, data in new_all.items()
              if _is_map(p, config) and (p in changed_maps or any(n in data for n in names))}
    wanted |= {m.old_path for m in found.maps if m.new_path in wanted and m.old_path}
    old_repo, new_repo = _side(config, old_all, wanted), _side(config, new_all, wanted)
    old_maps = {m.id: m for m in old_repo.maps}
    said: dict[str, list[Change]] = {}
    for after in new_repo.maps:
        before = old_maps.get(_old_id(found, after.id))
        if before is None:
            continue
        out = _Collector(after.id, frozenset(config.cosmetic_fields))
        compare_measures(out, after, map_measures(before, old_repo), map_measures(after, new_repo))
        if out.out:
            said[after.id] = out.out
    if not said:
        return found
    maps = []
    for diff in found.maps:
        extra = said.pop(diff.id, [])
        maps.append(dataclasses.replace(diff, changes=diff.changes + tuple(extra)) if extra else diff)
    for map_id, changes in sorted(said.items()):
        after = next(m for m in new_repo.maps if m.id == map_id)
        before = old_maps.get(_old_id(found, map_id))
        maps.append(MapDiff(map_id, after.title, "changed", before.path if before else None, after.path,
                            before, after, tuple(changes)))
    return dataclasses.replace(found, maps=tuple(sorted(maps, key=lambda m: m.id)))


def _is_map(path: str, config: SiteConfig) -> bool:
    kind = classify(path, config)
    return kind is not None and kind[0] == "map"


def _side(config: SiteConfig, sources: Mapping[str, bytes], wanted: set[str]) -> Repository:
    chosen = {p: d for p, d in sources.items() if p in wanted or is_data_path(p)}
    return parse_repository(config, chosen, Diagnostics(), keep_sources=False)


def _old_id(found: RepoDiff, map_id: str) -> str:
    """The id a map had at the base (a renamed map keeps its measures)."""
    diff = next((m for m in found.maps if m.id == map_id), None)
    return diff.old.id if diff is not None and diff.old is not None else map_id


def compare_measures(out: _Collector, journey_map: Map, old: MapMeasures, new: MapMeasures) -> None:
    """Each KPI's periods added, changed and removed; the conversions of each new period."""
    for stage in journey_map.stages:
        for kpi in stage.kpis:
            _kpi_periods(out, stage, kpi, old.series(stage.id, kpi.id), new.series(stage.id, kpi.id))
    _count_periods(out, journey_map, old, new)


def _kpi_periods(out: _Collector, stage: Stage, kpi: KPI, old: Sequence[Measurement],
                 new: Sequence[Measurement]) -> None:
    before = {m.period: m for m in old}
    after = {m.period: m for m in new}
    for period, measured in after.items():
        value = _shown(measured, kpi)
        if period not in before:
            out.add("measure-added", Phrase.of("measure-added", name=kpi.name, stage=stage.name, period=period,
                                               value=value, verdict=_verdict(measured, kpi)),
                    stage=stage.id, field="kpis", new={"period": period, "value": measured.value.raw})
        elif before[period].value.raw != measured.value.raw:
            out.add("measure-changed", Phrase.of("measure-changed", name=kpi.name, stage=stage.name, period=period,
                                                 old=_shown(before[period], kpi), new=value),
                    stage=stage.id, field="kpis", old={"period": period, "value": before[period].value.raw},
                    new={"period": period, "value": measured.value.raw})
    for period, measured in before.items():
        if period not in after:
            out.add("measure-removed", Phrase.of("measure-removed", name=kpi.name, stage=stage.name, period=period,
                                                 value=_shown(measured, kpi)),
                    stage=stage.id, field="kpis", old={"period": period, "value": measured.value.raw})


def _shown(measured: Measurement, kpi: KPI) -> str:
    return f"{measured.value.raw} {kpi.unit}" if kpi.unit and not measured.value.unit else measured.value.raw


def _verdict(measured: Measurement, kpi: KPI) -> Phrase | str:
    if kpi.target is None:
        return ""
    target = f"{kpi.target.raw} {kpi.unit}" if kpi.unit else kpi.target.raw
    word = "unknown" if measured.met is None else ("met" if measured.met else "missed")
    return Phrase.of("measure-verdict", target=target, verdict=Phrase(f"measure.{word}"))


def _count_periods(out: _Collector, journey_map: Map, old: MapMeasures, new: MapMeasures) -> None:
    """Counts of a period corrected; for each period that is new, each stage's conversion
    against the period before it."""
    periods = _periods(new.counts)
    known = set(_periods(old.counts))
    for stage in journey_map.stages:
        before = {m.period: m.count for m in old.count_series(stage.id)}
        for measured in new.count_series(stage.id):
            was = before.get(measured.period)
            if was is not None and was != measured.count:
                out.add("measure-changed", Phrase.of("count-period-changed", stage=stage.name, period=measured.period,
                                                     old=was, new=measured.count),
                        stage=stage.id, field="count", old={"period": measured.period, "count": was},
                        new={"period": measured.period, "count": measured.count})
    for earlier, period in itertools.pairwise(periods):
        if period in known:
            continue
        rates_before, rates_now = _rates(journey_map, new, earlier), _rates(journey_map, new, period)
        for index, stage in enumerate(journey_map.stages):
            rate_was, rate_now = rates_before[index], rates_now[index]
            if rate_was is None or rate_now is None or round(rate_was, 4) == round(rate_now, 4):
                continue
            fell = rate_now < rate_was
            out.add("conversion-dropped" if fell else "conversion-improved",
                    Phrase.of("measured-conversion." + ("fell" if fell else "rose"), stage=stage.name,
                              old=Rate(rate_was), new=Rate(rate_now), before=earlier, period=period),
                    stage=stage.id, field="conversion", old={"period": earlier, "rate": round(rate_was, 6)},
                    new={"period": period, "rate": round(rate_now, 6)})


def _periods(counts: Sequence[tuple[str, Sequence[CountMeasurement]]]) -> list[str]:
    """Every period with a count, in time order."""
    ends = {m.period: m.ends for _, series in counts for m in series}
    return sorted(ends, key=lambda p: (ends[p], p))


def _rates(journey_map: Map, measures: MapMeasures, period: str) -> list[float | None]:
    """Each stage's conversion into the next with the counts of `period` (None where one is missing)."""
    counts = measures.counts_in(period)
    stages = tuple(dataclasses.replace(s, count=counts.get(s.id)) for s in journey_map.stages)
    return list(journey.conversions(dataclasses.replace(journey_map, stages=stages)))
