"""Measured KPIs out to a BI tool: every measured value and count, a row per KPI and period.

The first columns are those of a data file (`map,stage,kpi,period,value`), so
the export is itself a data file cjmgen reads back; the rest say what a
dashboard needs beside them (the target, met or missed, names, where the
figure came from).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from cjmgen.analysis.measures import map_measures
from cjmgen.content.datafiles import COUNT_KPI
from cjmgen.content.model import Map, Quantity
from cjmgen.content.repository import Repository
from cjmgen.interchange.export import JSON_VERSION, _csv_start

MEASURE_COLUMNS = (
    "map", "stage", "kpi", "period", "value", "unit", "target", "better", "status",
    "map_title", "stage_name", "kpi_name", "file", "line",
)


def _figure(value: Quantity | None) -> str:
    """A figure as a BI tool reads it: the number with `.` (and `%`), else as written."""
    if value is None:
        return ""
    if value.number is None:
        return value.raw
    number = f"{value.number:.10g}"
    return f"{number}%" if value.percent else number


def measure_rows(repo: Repository, maps: Sequence[Map]) -> Iterator[dict[str, Any]]:
    """Every measured value of `maps`: each KPI's periods, then each stage's counts."""
    for journey_map in maps:
        measures = map_measures(journey_map, repo)
        if not measures:
            continue
        for stage in journey_map.stages:
            for kpi in stage.kpis:
                for m in measures.series(stage.id, kpi.id):
                    yield {
                        "map": journey_map.id, "stage": stage.id, "kpi": kpi.id, "period": m.period,
                        "value": _figure(m.value), "unit": kpi.unit or m.value.unit or "",
                        "target": _figure(kpi.target), "better": kpi.better,
                        "status": "unknown" if m.met is None else ("met" if m.met else "missed"),
                        "map_title": journey_map.title, "stage_name": stage.name, "kpi_name": kpi.name,
                        "file": m.location.path if m.location else "", "line": m.location.line if m.location else "",
                    }
            for c in measures.count_series(stage.id):
                yield {
                    "map": journey_map.id, "stage": stage.id, "kpi": COUNT_KPI, "period": c.period,
                    "value": str(c.count), "unit": "", "target": "", "better": "", "status": "",
                    "map_title": journey_map.title, "stage_name": stage.name, "kpi_name": "",
                    "file": c.location.path if c.location else "", "line": c.location.line if c.location else "",
                }


def export_measures_csv(repo: Repository, maps: Sequence[Map], excel: bool = False) -> str:
    buffer, writer = _csv_start(MEASURE_COLUMNS, excel)
    for row in measure_rows(repo, maps):
        writer.writerow([row[column] for column in MEASURE_COLUMNS])
    return buffer.getvalue()


def export_measures_json(repo: Repository, maps: Sequence[Map]) -> str:
    payload = {"format": "cjmgen-measures", "version": JSON_VERSION, "rows": list(measure_rows(repo, maps))}
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def export_measures(repo: Repository, maps: Sequence[Map], fmt: str, excel: bool = False) -> str:
    """`cjmgen export --format measures` (CSV) or `measures-json`."""
    return export_measures_json(repo, maps) if fmt == "measures-json" else export_measures_csv(repo, maps, excel)
