"""Typed KPI values through a map's git history: the value at each commit that changed it.

The commits and the blob id of each version come from the build's one `git log`
(gitio.file_history); the versions not already known (incremental.kpi_values) are
read with one `git cat-file --batch` for the whole repository and parsed by the
same reader as the maps themselves. Outside git, in a shallow clone (whose history
is cut short) or for a map committed once, there is no history: no trend.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cjmgen.config import SiteConfig
from cjmgen.content import figures, gitio
from cjmgen.content.gitio import Commit, FileHistory, GitError
from cjmgen.content.model import KPI, Map, Quantity
from cjmgen.content.repository import parse_file
from cjmgen.incremental.kpi_values import KpiValueStore, VersionKpis

#: The most recent changes a trend shows: a sparkline of more is unreadable.
MAX_POINTS = 12


@dataclass(frozen=True)
class KpiPoint:
    """One value of a KPI, as a commit left it."""

    value: str  # as written, with its unit: `4.2%`, `26 ч`
    number: float | None  # for drawing: in the base unit of the map's current value; None when not comparable
    status: str  # met | missed | unknown, against the target of that commit
    commit: Commit | None  # None: the working tree's value, not committed yet


@dataclass(frozen=True)
class KpiTrail:
    """The values of one KPI of a map, oldest first."""

    stage: str
    key: str  # kpi_key of the KPI
    points: tuple[KpiPoint, ...]


def kpi_key(kpi: KPI) -> str:
    """What names a KPI within its stage across versions (as the diff matches them)."""
    return kpi.name.strip().casefold()


def kpi_trails(root: Path, config: SiteConfig, files: Mapping[str, FileHistory], maps: tuple[Map, ...],
               store: KpiValueStore | None = None) -> dict[str, tuple[KpiTrail, ...]]:
    """Map path -> the trails of its typed KPIs that changed at least once in git.

    Every version not in `store` is read through one `git cat-file --batch`; git
    failing, or a shallow clone, gives {} (no trend), never an error.
    """
    wanted = {m.path: files[m.path].versions for m in maps
              if _typed_kpis(m) and m.path in files and len(files[m.path].versions) >= 2}
    if not wanted or gitio.is_shallow(root):
        return {}
    known = store.load() if store is not None else {}
    needed = {blob: path for path, versions in wanted.items() for _, blob in versions}
    missing = {f"{path}@{blob}": blob for blob, path in sorted(needed.items()) if blob not in known}
    try:
        contents = gitio.read_blobs(root, missing)
    except (GitError, ValueError, IndexError):
        return {}
    values = {blob: known[blob] for blob in needed if blob in known}
    for name, data in contents.items():
        path, _, blob = name.rpartition("@")
        values[blob] = version_kpis(path, data, config)
    if store is not None and (missing or len(values) != len(known)):
        store.save(values)
    out: dict[str, tuple[KpiTrail, ...]] = {}
    for journey_map in maps:
        if journey_map.path in wanted:
            trails = _trails(journey_map, wanted[journey_map.path], values)
            if trails:
                out[journey_map.path] = trails
    return out


def _typed_kpis(journey_map: Map) -> bool:
    return any(kpi.value is not None for stage in journey_map.stages for kpi in stage.kpis)


def version_kpis(path: str, data: bytes, config: SiteConfig) -> VersionKpis:
    """The KPIs of one past version, read as a map is read; () when that version does not read."""
    parsed = parse_file(path, data, config)
    if parsed is None or not isinstance(parsed.value, Map):
        return ()
    return tuple(
        (stage.id, kpi_key(kpi), kpi.name, kpi.value.raw if kpi.value else None,
         kpi.target.raw if kpi.target else None, kpi.unit, kpi.better)
        for stage in parsed.value.stages for kpi in stage.kpis
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
            points: list[KpiPoint] = []
            for commit, kpis in by_version:
                row = kpis.get(key)
                if row is None or row[3] is None:
                    continue
                then = KPI(str(row[2]), Quantity.parse(row[3]), Quantity.parse(row[4]) if row[4] else None,
                           row[5], str(row[6] or "higher"))
                if points and _shown(points[-1]) == _shown_kpi(then):
                    continue
                points.append(_point(then, kpi, commit))
            if points and _shown(points[-1]) != _shown_kpi(kpi):
                points.append(_point(kpi, kpi, None))  # edited since the last commit
            if len(points) >= 2:
                trails.append(KpiTrail(stage.id, kpi_key(kpi), tuple(points[-MAX_POINTS:])))
    return tuple(trails)


def _shown_kpi(kpi: KPI) -> str:
    return _written(kpi.value, kpi.unit)


def _shown(point: KpiPoint) -> str:
    return point.value


def _written(quantity: Quantity | None, unit: str | None) -> str:
    raw = quantity.raw if quantity is not None else ""
    return f"{raw} {unit}" if unit else raw


def _point(then: KPI, now: KPI, commit: Commit | None) -> KpiPoint:
    return KpiPoint(_shown_kpi(then), _number(then, now), then.status, commit)


def _number(then: KPI, now: KPI) -> float | None:
    """The value of `then` in the base unit of `now`'s kind; None when the two do not compare."""
    assert then.value is not None and now.value is not None
    reading = figures.read_figure(then.value.raw, then.unit)
    current = figures.read_figure(now.value.raw, now.unit)
    if not isinstance(reading, figures.Reading) or not isinstance(current, figures.Reading):
        return None
    reading = reading.in_units_of(current)
    if reading.kind != current.in_units_of(reading).kind:
        return None
    return figures.representative(reading)
