"""Maps out to other tools: Mermaid journey text, the full model as JSON, KPIs and funnel as CSV."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cjmgen.analysis import journey
from cjmgen.content import opportunities
from cjmgen.content.lanes import BUILT_IN, EMOTION, ITEMS, KPIS, TOUCHPOINTS, Lane
from cjmgen.content.model import KPI, Item, Map, Opportunity, Quantity, Stage, Touchpoint
from cjmgen.content.repository import Repository
from cjmgen.interchange.mermaid import map_to_mermaid
from cjmgen.site.urls import slugify

JSON_VERSION = 1
CSV_COLUMNS = (
    "map", "map_title", "stage_no", "stage", "stage_name", "kind", "name", "value", "target",
    "unit", "better", "status", "count", "conversion_computed", "conversion_stated", "source",
)


class ExportError(Exception):
    """A map named on the command line that does not exist."""


def select_maps(repo: Repository, wanted: Sequence[str], root: Path) -> list[Map]:
    """Maps by id or by file path; all maps when none is named."""
    if not wanted:
        return list(repo.maps)
    chosen = []
    for name in wanted:
        found = repo.map(name.removesuffix(".md").strip("/"))
        if found is None:
            candidate = Path(name)
            absolute = candidate if candidate.is_absolute() else Path.cwd() / candidate
            for base in (absolute, root / name):
                try:
                    relative = base.resolve().relative_to(repo.config.root.resolve()).as_posix()
                except ValueError:
                    continue
                found = next((m for m in repo.maps if m.path == relative), None)
                if found:
                    break
        if found is None:
            raise ExportError(f"no map '{name}' (give a map id like b2c/sofa or a file path)")
        chosen.append(found)
    return chosen


def _quantity(value: Quantity | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {"raw": value.raw, "number": value.number, "percent": value.percent, "unit": value.unit or None}


def _item(item: Item) -> dict[str, Any]:
    out: dict[str, Any] = {"text": item.text, "source": item.source}
    if item.score is not None:
        out["score"] = item.score
    if item.actors:
        out["actors"] = list(item.actors)
    if isinstance(item, Opportunity):  # plain lines export as before
        out.update({key: getattr(item, key) for key in opportunities.KEYS})
    if item.moment:
        out["moment"] = True
    if item.persona is not None:
        out["persona"] = item.persona
    return out


def _kpi(kpi: KPI) -> dict[str, Any]:
    out = {
        "name": kpi.name, "value": _quantity(kpi.value), "target": _quantity(kpi.target),
        "unit": kpi.unit, "better": kpi.better, "status": kpi.status, "status_reason": kpi.verdict.reason,
        "source": kpi.source,
    }
    if kpi.id != slugify(kpi.name):
        out["id"] = kpi.id  # a written id (data rows name the KPI by it); the default is the name's slug
    return out


def _touchpoint(tp: Touchpoint) -> dict[str, Any]:
    return {"channel": tp.channel, "name": tp.name, "source": tp.source}


def _lane_value(lane: Lane, stage: Stage) -> Any:
    """A lane of a stage as JSON: lists of objects, or the plain value (emotion, owner, count)."""
    value = lane.value(stage)
    if lane.kind == ITEMS:
        return [_item(i) for i in value]
    if lane.kind == TOUCHPOINTS:
        return [_touchpoint(t) for t in value]
    if lane.kind == KPIS:
        return [_kpi(k) for k in value]
    if lane.kind == EMOTION:
        return stage.felt  # on the map's own scale, as written (the first persona's on several)
    return value


def stage_dict(stage: Stage, computed: float | None) -> dict[str, Any]:
    out: dict[str, Any] = {"id": stage.id, "name": stage.name}
    for lane in BUILT_IN:
        out[lane.key] = _lane_value(lane, stage)
    out["conversion"] = _quantity(stage.conversion)
    out["conversion_computed"] = computed
    out["next"] = list(stage.next)
    if stage.next_labels:  # only where used: a map without labels exports as it did
        out["transitions"] = [{"to": target, "label": label} for target, label in stage.next_labels]
    if stage.time is not None:
        out["time"] = stage.time
    if stage.detail is not None:  # only where set: exports of maps without a hierarchy stay as they were
        out["detail"] = stage.detail
    out["lanes"] = {key: [_item(i) for i in items] for key, items in stage.lanes}
    # written only when used, so that the export of a map without them stays as it was
    if stage.moment is not None:
        out["moment"] = {"note": stage.moment.note}
    if stage.exits:
        out["exits"] = [{"name": e.name, "count": e.count, "source": e.source} for e in stage.exits]
    if stage.emotions:
        out["emotions"] = dict(stage.emotions)
    return out


def map_dict(journey_map: Map) -> dict[str, Any]:
    """The whole map as plain JSON values (documented in docs/review.md)."""
    rates = journey.conversions(journey_map)
    phases = {"phases": [{"name": p.name, "stages": list(p.stages)} for p in journey_map.phases]}
    out: dict[str, Any] = {
        "id": journey_map.id, "path": journey_map.path, "title": journey_map.title,
        "persona": journey_map.persona, "segment": journey_map.segment, "state": journey_map.state,
        "status": journey_map.status, "owner": journey_map.owner, "tags": list(journey_map.tags),
        "reviewed": journey_map.reviewed.isoformat() if journey_map.reviewed else None,
        "related": list(journey_map.related), "current": journey_map.current,
        "description": journey_map.description,
        **(phases if journey_map.phases else {}),
        "stages": [stage_dict(s, rates[i]) for i, s in enumerate(journey_map.stages)],
        "body": journey_map.body,
        **({"data": list(journey_map.data)} if journey_map.data else {}),  # measured KPIs' data files
        **({"sources": {s.key: {"title": s.title, "url": s.url} for s in journey_map.sources}}
           if journey_map.sources else {}),
    }
    if journey_map.personas:
        out["personas"] = list(journey_map.personas)
    scale = journey_map.emotion_scale
    if not scale.is_default:
        out["emotion_scale"] = {"low": scale.low, "high": scale.high, "names": list(scale.names)}
    return out


def export_json(maps: Sequence[Map]) -> str:
    payload = {"format": "cjmgen-maps", "version": JSON_VERSION, "maps": [map_dict(m) for m in maps]}
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?%?")


def excel_cell(value: object) -> object:
    """A value as Excel with a Russian (or other decimal-comma) locale reads it: `7.5%` -> `7,5%`,
    a number; text that Excel would run as a formula (`=`, `+`, `-`, `@`) is kept as text."""
    if isinstance(value, int):
        return value
    text = str(value)
    if _NUMBER.fullmatch(text):
        return text.replace(".", ",")
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


class _ExcelWriter:
    """csv.writer for Excel in a decimal-comma locale: `;` between cells, decimal commas."""

    def __init__(self, buffer: io.StringIO) -> None:
        self.writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")

    def writerow(self, row: Sequence[object]) -> None:
        self.writer.writerow([excel_cell(value) for value in row])


def _csv_start(columns: Sequence[str], excel: bool) -> tuple[io.StringIO, Any]:
    """A CSV's buffer and writer, its header written: plain, or for Excel (see export_csv)."""
    buffer = io.StringIO()
    writer: Any = _ExcelWriter(buffer) if excel else csv.writer(buffer, lineterminator="\r\n")
    if excel:
        buffer.write("\ufeff")
    writer.writerow(columns)
    return buffer, writer


def export_csv(maps: Sequence[Map], excel: bool = False) -> str:
    """One row per KPI and one `funnel` row per stage with a count or a stated conversion.

    `excel`: for Excel with a Russian locale, which opens a plain CSV as one column of
    mojibake: a byte order mark (so it reads UTF-8), `;` (the locale's list separator)
    and decimal commas."""
    buffer, writer = _csv_start(CSV_COLUMNS, excel)
    for journey_map in maps:
        rates = journey.conversions(journey_map)
        for number, stage in enumerate(journey_map.stages, 1):
            head = [journey_map.id, journey_map.title, number, stage.id, stage.name]
            for kpi in stage.kpis:
                writer.writerow(head + [
                    "kpi", kpi.name, kpi.value.raw if kpi.value else "", kpi.target.raw if kpi.target else "",
                    kpi.unit or "", kpi.better, kpi.status, "", "", "", kpi.source or "",
                ])
            if stage.count is not None or stage.conversion is not None:
                rate = rates[number - 1]
                writer.writerow(head + [
                    "funnel", "", "", "", "", "", "", "" if stage.count is None else stage.count,
                    "" if rate is None else f"{rate:.6g}", stage.conversion.raw if stage.conversion else "", "",
                ])
            for exit_ in stage.exits:
                writer.writerow(head + [
                    "exit", exit_.name, "", "", "", "", "", "" if exit_.count is None else exit_.count,
                    "", "", exit_.source or "",
                ])
    return buffer.getvalue()


OPPORTUNITY_COLUMNS = (
    "map", "map_title", "stage", "stage_name", "id", "text", "status", "owner", "impact", "effort", "priority",
    "ticket", "ticket_url", "kpi", "kpi_name", "kpi_status", "done", "source",
)


def export_opportunities_csv(repo: Repository, maps: Sequence[Map], excel: bool = False) -> str:
    """One row per tracked opportunity (content/opportunities.py), for the tracker or BI tool
    that follows them; `excel` as in export_csv. Plain lines are ideas, not tracked: left out."""
    buffer, writer = _csv_start(OPPORTUNITY_COLUMNS, excel)
    for journey_map in maps:
        for stage, o in opportunities.opportunities(journey_map):
            found = opportunities.find_kpi(journey_map, stage, o.kpi) if o.kpi else None
            writer.writerow([
                journey_map.id, journey_map.title, stage.id, stage.name, o.id or "", o.text, o.status or "",
                o.owner or stage.owner or "", *("" if v is None else v for v in (o.impact, o.effort, o.priority)),
                o.ticket or "", opportunities.ticket_url(o.ticket, repo.config.tickets) or "", o.kpi or "",
                found[1].name if found else "", found[1].status if found else "", o.done or "", o.source or "",
            ])
    return buffer.getvalue()


def mermaid_diagram(repo: Repository, journey_map: Map) -> str:
    """One map as a journey diagram; tasks without their own actors are done by the persona."""
    persona = repo.personas.get(journey_map.persona or "")
    actor = persona.name.split(",")[0].strip() if persona else "Customer"
    return map_to_mermaid(journey_map, actor or "Customer")


def _comment(text: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in text)


def export_mermaid(repo: Repository, maps: Sequence[Map]) -> str:
    """One map: its diagram. Several: a Markdown document with a ```mermaid fence per map."""
    if len(maps) == 1:
        return f"%% {_comment(maps[0].id)}\n" + mermaid_diagram(repo, maps[0])
    parts = ["# Journey maps as Mermaid diagrams", ""]
    for journey_map in maps:
        heading = " ".join(journey_map.title.split()).replace("`", "'")
        parts += [f"## {heading}", "", f"Map `{_comment(journey_map.id)}`.", "", "```mermaid",
                  mermaid_diagram(repo, journey_map).rstrip("\n"), "```", ""]
    return "\n".join(parts)


def export_maps(repo: Repository, maps: Sequence[Map], fmt: str, excel: bool = False) -> str:
    if fmt == "json":
        return export_json(maps)
    if fmt == "csv":
        return export_csv(maps, excel)
    if fmt == "opportunities":
        return export_opportunities_csv(repo, maps, excel)
    return export_mermaid(repo, maps)
