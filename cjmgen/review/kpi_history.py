"""Typed KPI values through a map's git history: the value at each commit that changed it.

The commits and the blob id of each version come from the build's one `git log`
(gitio.file_history); the versions not already known (incremental.kpi_values) are
read with one `git cat-file --batch` for the whole repository and parsed by the
same reader as the maps themselves. Outside git, in a shallow clone (whose history
is cut short) or for a map committed once, there is no history: no trend.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from cjmgen.build.gcpause import without_cyclic_gc
from cjmgen.build.workers import fork_map, worker_count
from cjmgen.config import SiteConfig
from cjmgen.content import figures, gitio
from cjmgen.content.gitio import Commit, FileHistory, GitError
from cjmgen.content.model import KPI, Map, Quantity
from cjmgen.content.repository import MAX_CONTENT_BYTES, parse_file
from cjmgen.incremental.kpi_values import KpiValueStore, VersionKpis

#: The most recent changes a trend shows: a sparkline of more is unreadable.
MAX_POINTS = 12
#: The most recent versions of a map read for them: a long history costs a first build no more.
MAX_VERSIONS = 60


@dataclass(frozen=True)
class KpiPoint:
    """One value of a KPI, as a commit left it."""

    value: str  # as written, with its unit: `4.2%`, `26 ч`
    number: float | None  # for drawing: in the base unit of the map's current value; None when not comparable
    status: str  # met | missed | unknown, against the target of that commit
    commit: Commit | None  # None: the working tree's value, not committed yet
    raw: str = ""  # the value without the KPI's `unit`, which is `unit`
    unit: str | None = None

    @property
    def quantity(self) -> Quantity:
        """The value as a figure, for printing it the way the page prints KPIs (Locale.figure)."""
        return Quantity.parse(self.raw)


@dataclass(frozen=True)
class KpiTrail:
    """The values of one KPI of a map, oldest first."""

    stage: str
    key: str  # kpi_key of the KPI
    points: tuple[KpiPoint, ...]


def kpi_key(kpi: KPI) -> str:
    """What names a KPI within its stage across versions: its id, as data rows name it."""
    return kpi.id


def kpi_trails(root: Path, config: SiteConfig, files: Mapping[str, FileHistory], maps: tuple[Map, ...],
               store: KpiValueStore | None = None,
               current: Callable[[str], str | None] | None = None) -> dict[str, tuple[KpiTrail, ...]]:
    """Map path -> the trails of its typed KPIs that changed at least once in git.

    Every version not in `store` is read through one `git cat-file --batch`; git
    failing, or a shallow clone, gives {} (no trend), never an error. `current(path)`:
    the blob id of the bytes the map was parsed from (gitio.blob_id), asked only of maps
    with a version not in `store`: that version, if it is the map as it is now, is read
    from the map, not parsed again.
    """
    wanted = {m.path: files[m.path].versions[:MAX_VERSIONS] for m in maps
              if m.path in files and len(files[m.path].versions) >= 2 and _typed_kpis(m)}
    if not wanted or gitio.is_shallow(root):
        return {}
    known = store.load() if store is not None else {}
    needed = {blob: path for path, versions in wanted.items() for _, blob in versions}
    values = {blob: known[blob] for blob in needed if blob in known}
    for journey_map in maps:  # a committed version that is the work tree's: read from the map
        if current is None or all(blob in values for _, blob in wanted.get(journey_map.path, ())):
            continue  # nothing to read for this map (every later build: all kept in the store)
        blob = current(journey_map.path)
        if blob in needed and blob not in values:
            values[blob] = version_of_map(journey_map)
    missing = {f"{path}@{blob}": blob for blob, path in sorted(needed.items()) if blob not in values}
    try:
        contents = gitio.read_blobs(root, missing)
    except (GitError, ValueError, IndexError):
        return {}
    values.update(_read_versions(contents, config))
    if store is not None and (missing or len(values) != len(known)):
        store.save(values)
    out: dict[str, tuple[KpiTrail, ...]] = {}
    for journey_map in maps:
        if journey_map.path in wanted:
            trails = _trails(journey_map, wanted[journey_map.path], values)
            if trails:
                out[journey_map.path] = trails
    return out


def _read_versions(contents: Mapping[str, bytes], config: SiteConfig) -> dict[str, VersionKpis]:
    """Blob id -> the KPIs of that version (`contents`: `path@blob` -> its bytes), parsed on
    every core: a first build of a repository with history reads up to MAX_VERSIONS a map,
    each as long to parse as the map itself (docs/benchmarks.md, KPI history)."""
    items = sorted(contents.items())

    def shard(index: int, count: int) -> list[tuple[str, VersionKpis]]:
        read = []
        with without_cyclic_gc():  # many short-lived objects, no cycles: see gcpause
            for name, data in items[index::count]:
                path, _, blob = name.rpartition("@")
                read.append((blob, version_kpis(path, data, config)))
        return read

    return dict(pair for part in fork_map(shard, worker_count(len(items))) for pair in part)


def _typed_kpis(journey_map: Map) -> bool:
    return any(kpi.value is not None for stage in journey_map.stages for kpi in stage.kpis)


def version_kpis(path: str, data: bytes, config: SiteConfig) -> VersionKpis:
    """The KPIs of one past version, read as a map is read; () when that version does not read
    (or is larger than the work tree's files may be: a huge file once committed by mistake
    would cost every first build minutes and gigabytes)."""
    if len(data) > MAX_CONTENT_BYTES:
        return ()
    parsed = parse_file(path, data, config)
    if parsed is None or not isinstance(parsed.value, Map):
        return ()
    return version_of_map(parsed.value)


def version_of_map(journey_map: Map) -> VersionKpis:
    """The KPIs of a parsed map, as `version_kpis` reads them from a version's bytes."""
    return tuple(
        (stage.id, kpi_key(kpi), kpi.name, kpi.value.raw if kpi.value else None,
         kpi.target.raw if kpi.target else None, kpi.unit, kpi.better)
        for stage in journey_map.stages for kpi in stage.kpis
    )


def _trails(journey_map: Map, versions: tuple[tuple[Commit, str], ...],
            values: Mapping[str, VersionKpis]) -> tuple[KpiTrail, ...]:
    by_version = [(commit, {(row[0], row[1]): row for row in values.get(blob, ())})
                  for commit, blob in reversed(versions)]  # oldest first
    trails = []
    for stage in journey_map.stages:
        for kpi in stage.kpis:
            if kpi.value is None:
                continue
            key = (stage.id, kpi_key(kpi))
            now = (kpi.value.raw, kpi.unit)
            points: list[KpiPoint] = []
            for commit, kpis in by_version:
                row = kpis.get(key)
                if row is None or row[3] is None:
                    continue
                value, target, unit, better = row[3], row[4], row[5], row[6] or "higher"
                if points and points[-1].value == _written(value, unit):
                    continue
                points.append(KpiPoint(_written(value, unit), *_judged(value, target, unit, better, now), commit,
                                       value, unit))
            current = (kpi.value.raw, kpi.target.raw if kpi.target else None, kpi.unit, kpi.better)
            if points and points[-1].value != _written(kpi.value.raw, kpi.unit):
                points.append(KpiPoint(_written(kpi.value.raw, kpi.unit), *_judged(*current, now), None,
                                       kpi.value.raw, kpi.unit))
            if len(points) >= 2:
                trails.append(KpiTrail(stage.id, kpi_key(kpi), tuple(points[-MAX_POINTS:])))
    return tuple(trails)


def _written(value: str, unit: str | None) -> str:
    return f"{value} {unit}" if unit else value


@functools.lru_cache(maxsize=4096)  # the same few figures recur in every map and version
def _judged(value: str, target: str | None, unit: str | None, better: str,
            now: tuple[str, str | None]) -> tuple[float | None, str]:
    """(the value in the base unit of the map's current value, met/missed/unknown then);
    None for a value that does not compare with today's."""
    status = figures.verdict(value, target, unit, better).status
    reading = figures.read_figure(value, unit)
    current = figures.read_figure(*now)
    if not isinstance(reading, figures.Reading) or not isinstance(current, figures.Reading):
        return None, status
    reading = reading.in_units_of(current)
    if reading.kind != current.in_units_of(reading).kind:
        return None, status
    return figures.representative(reading), status
