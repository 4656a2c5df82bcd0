"""`check` of measured KPIs: a map's data files and the rows that are about it.

What one data file says on its own (periods, numbers, duplicate rows) is found
when it is read (content/datafiles); here the rows meet the maps: the files a
map lists exist inside the content folder, each row names a stage and a KPI of
the map, a series keeps to one kind of period, no period is given twice across
files, and a row that names a map names one that lists the file.
"""

from __future__ import annotations

import datetime as dt
import difflib
import operator
from collections.abc import Callable, Iterable

from cjmgen.analysis.measures import MapRows, data_path, map_rows
from cjmgen.content.datafiles import COUNT_KPI, DataRow
from cjmgen.content.model import Map
from cjmgen.content.repository import Repository, content_prefix
from cjmgen.diagnostics import Diagnostics, SourceLocation


def _close(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def check_map_data(journey_map: Map, repo: Repository, diagnostics: Diagnostics, today: dt.date) -> None:
    """Everything about the data files one map lists and their rows about it."""
    if not journey_map.data:
        return
    where = journey_map.field_locations.get("data", journey_map.location)
    for index, written in enumerate(journey_map.data):
        _data_file(journey_map, index, written, repo, diagnostics)
    rows = map_rows(journey_map, repo)
    _rows_match_the_map(journey_map, rows, diagnostics)
    _one_row_per_period(rows, diagnostics)
    if not rows and any(data_path(w, repo) in repo.data for w in journey_map.data):
        diagnostics.warning(
            "data-unused", f"the data files of map '{journey_map.id}' have no rows about it", where,
            hint=f"rows name the map in a 'map' column ({journey_map.id}), or leave that column out",
        )
    if journey_map.status != "draft":
        _stale_data(journey_map, rows, repo, diagnostics, today, where)


def _data_file(journey_map: Map, index: int, written: str, repo: Repository, diagnostics: Diagnostics) -> None:
    where = journey_map.field_locations.get(f"data[{index}]") or journey_map.field_locations.get("data")
    path = data_path(written, repo)
    if path is None:
        diagnostics.error(
            "data-outside", f"data file '{written}' is outside the content folder: not read", where,
            hint=f"put it below {content_prefix(repo.config)}/ and write its path from there: "
            f"data/{written.split('/')[-1]}",
        )
        return
    if path in repo.data:
        return
    inside = repo.config.real_paths.file_inside(path)
    if inside is None:
        diagnostics.error("data-outside", f"data file '{written}' leads outside the repository: not read", where,
                          hint="copy the file into the repository instead of linking to it")
    elif not inside:
        diagnostics.error("data-missing", f"data file '{written}' does not exist ({path})", where,
                          hint=f"paths in 'data' are relative to the content folder {content_prefix(repo.config)}/")
    # else: it is there but could not be read; that is reported at the file itself


def _rows_match_the_map(journey_map: Map, rows: MapRows, diagnostics: Diagnostics) -> None:
    stages = {stage.id: [kpi.id for kpi in stage.kpis] for stage in journey_map.stages}  # a map has ~300 rows
    for (stage_id, kpi_id), series in rows.series.items():
        ids = stages.get(stage_id)
        if ids is None:
            for row in series.rows():
                diagnostics.error(
                    "data-stage", f"map '{journey_map.id}' has no stage '{row.stage}'{_close(row.stage, list(stages))}",
                    row.location, hint=f"a row names a stage by its id: {', '.join(stages)}",
                )
            continue
        if kpi_id == COUNT_KPI or kpi_id in ids:
            continue
        for row in series.rows():
            diagnostics.error(
                "data-kpi", f"stage '{row.stage}' of map '{journey_map.id}' has no KPI '{row.kpi}'"
                f"{_close(row.kpi, ids)}", row.location,
                hint=f"its KPIs: {', '.join(ids) or 'none'} (or '{COUNT_KPI}' for the stage's count); "
                "give a KPI an id: {name: ..., id: ...}",
            )


def _one_row_per_period(rows: MapRows, diagnostics: Diagnostics) -> None:
    """A period given twice (in two files), and a series that mixes months, quarters and days."""
    for series in rows.series.values():
        if rows.unique and len(set(map(_KIND, series.periods))) == 1:
            continue  # the common case, answered without a dictionary of periods
        found = series.rows()
        kind = found[0].period.kind
        seen: dict[str, DataRow] = {}
        for row in found:
            first = seen.setdefault(row.period.text, row)
            if first is not row:
                diagnostics.error(
                    "data-duplicate", f"a second row for {row.stage}/{row.kpi} in {row.period.text} "
                    f"(the first is at {first.location})", row.location, hint="keep one row per KPI and period",
                )
            elif row.period.kind != kind:
                diagnostics.error(
                    "data-period", f"{row.stage}/{row.kpi} mixes periods: {row.period.text} here, "
                    f"{found[0].period.text} at {found[0].location}", row.location,
                    hint="give one KPI's values for months, quarters or days, not a mix",
                )


_KIND = operator.attrgetter("kind")
_PERIOD_END = operator.attrgetter("end")


def _stale_data(journey_map: Map, rows: MapRows, repo: Repository, diagnostics: Diagnostics,
                today: dt.date, where: SourceLocation | None) -> None:
    """KPIs whose latest period ended more than kpi_stale_after_days ago (from the rows: no
    verdicts needed, so no measurements made)."""
    days = repo.config.kpi_stale_after_days
    kpis = {(stage.id, kpi.id) for stage in journey_map.stages for kpi in stage.kpis}
    latest = {key: max(series.periods, key=_PERIOD_END) for key, series in rows.series.items() if key in kpis}
    stale = [f"{stage_id}/{kpi_id} ({period.text})" for (stage_id, kpi_id), period in latest.items()
             if (today - period.end).days > days]
    if stale:
        diagnostics.warning(
            "data-stale", f"the latest data of {', '.join(stale)} ended more than kpi_stale_after_days ({days}) ago",
            where, hint="add the figures of the recent periods to the data file",
        )


def check_data_files(repo: Repository, listed_by_maps: Iterable[tuple[str, ...]], diagnostics: Diagnostics) -> None:
    """What reading each data file found, for the files a map lists (`listed_by_maps`: every
    map's `data`). A CSV or JSON file no map lists is not a data file: another export, a
    settings file. Only one that reads as a data file gets a warning that nothing uses it
    (unless its rows name maps: `check_data_maps` then says which map should list it)."""
    listed = {data_path(written, repo) for written_by_map in listed_by_maps for written in written_by_map}
    for path, problems in repo.data_problems.items():
        if path in listed:
            diagnostics.extend(list(problems))
            continue
        found = repo.data.get(path)
        if found is not None and found.series and not any(series.map for series in found.series):
            diagnostics.warning(
                "data-unlisted", "no map lists this data file in 'data', so its rows are not used",
                SourceLocation(path, 1, 1),
                hint=f"add to a map's frontmatter: data: {path.removeprefix(content_prefix(repo.config) + '/')}",
            )


def check_data_maps(repo: Repository, find_map: Callable[[str], object | None],
                    lists_file: Callable[[str, str], bool | None], diagnostics: Diagnostics) -> None:
    """Rows that name a map in a `map` column: the map exists and lists the file.
    `lists_file(map id, file path)`: None when that map's data files are not known here."""
    for path, data_file in repo.data.items():
        reported: set[str] = set()
        for series in data_file.series:  # a map's first series holds its first row
            if series.map is None or series.map in reported:
                continue
            if find_map(series.map) is None:
                reported.add(series.map)
                diagnostics.error("data-map", f"no map '{series.map}' (the 'map' column names a map by its id)",
                                  series.locations[0])
            elif lists_file(series.map, path) is False:
                reported.add(series.map)
                diagnostics.warning(
                    "data-not-listed",
                    f"map '{series.map}' does not list this file in 'data', so its rows are not used",
                    series.locations[0],
                    hint=f"add to the map's frontmatter: data: {path.removeprefix(content_prefix(repo.config) + '/')}",
                )
