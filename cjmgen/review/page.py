"""A semantic diff as a visual page: the map grid with changed cells, the ghosted old curve, KPI deltas.

The same view objects feed the standalone page (`cjmgen diff --format html`,
self-contained: inline CSS and SVG, no request leaves the file) and the site's
"What changed" page (`cjmgen build --compare REV`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import jinja2
from markupsafe import Markup

from cjmgen import charts
from cjmgen.analysis import rows
from cjmgen.config import SiteConfig
from cjmgen.content.model import KPI, Item, Map, Stage
from cjmgen.i18n.labels import Locale
from cjmgen.review.diff import ERROR, INFO, WARNING, MapDiff, RepoDiff, kpi_direction, match_kpis, match_stages
from cjmgen.review.formats import comparing, summary_line

DEFAULT_LANES = (*rows.DEFAULT_ROWS, rows.FUNNEL)
STANDALONE_LAYOUT = "partials/diff_page.html"
PAGE_PATH = "changes.html"


@dataclass(frozen=True)
class Entry:
    """A text in a cell and what happened to it: same | added | removed."""

    text: str
    state: str = "same"


@dataclass(frozen=True)
class KpiDelta:
    stage: str
    name: str
    old: str | None
    new: str | None
    target: str | None
    state: str  # same | added | removed | improved | regressed | changed
    arrow: str  # ▲ ▼ or empty
    delta: str  # `+2 pp`, `−4`, or empty
    old_target: str | None = None  # the target before: a change may be to the target alone

    @property
    def target_changed(self) -> bool:
        return self.state not in ("added", "removed") and self.old_target != self.target


@dataclass
class Cell:
    state: str  # same | added | removed | changed
    entries: list[Entry] = field(default_factory=list)
    kpis: list[KpiDelta] = field(default_factory=list)


@dataclass(frozen=True)
class Column:
    name: str
    state: str  # same | changed | added | removed | renamed | moved
    old_name: str | None
    stage_id: str


@dataclass(frozen=True)
class Row:
    lane: str
    label: str
    cells: list[Cell]


@dataclass
class MapView:
    entry: MapDiff
    columns: list[Column]
    rows: list[Row]
    curve: Markup
    kpis: list[KpiDelta]
    anchor: str


def _texts(items: Sequence[Item]) -> list[str]:
    return [i.text + (f" — {i.source}" if i.source else "") for i in items]


def _entries(old: list[str], new: list[str]) -> list[Entry]:
    gone = [t for t in old if t not in new]
    return [Entry(t, "same" if t in old else "added") for t in new] + [Entry(t, "removed") for t in gone]


def _figure(kpi: KPI, which: str) -> str | None:
    value = getattr(kpi, which)
    if value is None:
        return None
    return f"{value.raw} {kpi.unit}" if kpi.unit else value.raw


def _delta(old: KPI, new: KPI, locale: Locale) -> tuple[str, str]:
    if old.value is None or new.value is None or not old.value.comparable_with(new.value):
        return "", ""
    assert old.value.number is not None and new.value.number is not None
    change = new.value.number - old.value.number
    if change == 0:
        return "", ""
    arrow = "▲" if change > 0 else "▼"
    sign = "+" if change > 0 else ""
    if old.value.percent and new.value.percent:
        unit = f" {locale.label('percentage_points')}"
    else:
        unit = f" {new.unit}" if new.unit else ""
    return arrow, f"{sign}{locale.number(change, 2)}{unit}"


def kpi_deltas(stage_name: str, old: Sequence[KPI], new: Sequence[KPI], locale: Locale) -> list[KpiDelta]:
    out = []
    for before, after in match_kpis(old, new):
        if before is None and after is not None:
            out.append(KpiDelta(stage_name, after.name, None, _figure(after, "value"), _figure(after, "target"),
                                "added", "", "", _figure(after, "target")))
        elif after is None and before is not None:
            out.append(KpiDelta(stage_name, before.name, _figure(before, "value"), None, _figure(before, "target"),
                                "removed", "", "", _figure(before, "target")))
        elif before is not None and after is not None:
            arrow, delta = _delta(before, after, locale)
            old_v, new_v = _figure(before, "value"), _figure(after, "value")
            if old_v == new_v and before == after:
                state = "same"
            elif old_v == new_v:
                state = "changed"
            else:
                state = kpi_direction(before, after) or "changed"
            out.append(KpiDelta(stage_name, after.name, old_v, new_v, _figure(after, "target"), state, arrow, delta,
                                _figure(before, "target")))
    return out


def _touchpoint(channel: str, name: str | None, channel_names: Mapping[str, str]) -> str:
    """As the site shows it: the touchpoint's name with its channel's name, not the id."""
    shown = channel_names.get(channel, channel)
    return f"{name} ({shown})" if name and name != shown else shown


def _lane_texts(spec: rows.RowSpec, stage: Stage | None, locale: Locale,
                channel_names: Mapping[str, str] | None = None) -> list[str]:
    """A stage's cell of a row as the texts the diff page compares and shows."""
    if stage is None:
        return []
    if spec.kind == rows.THOUGHTS:
        return _texts(stage.thoughts) + [f"“{t}”" for t in _texts(stage.quotes)]
    if spec.kind == rows.TOUCHPOINTS:
        return [_touchpoint(t.channel, t.name, channel_names or {}) for t in stage.touchpoints]
    if spec.kind == rows.EMOTION:
        if stage.emotion is None:
            return []
        signed = f"{stage.emotion:+d}" if stage.emotion else "0"
        return [f"{locale.emotion(stage.emotion)} ({signed})"]
    if spec.kind == rows.OWNER:
        return [stage.owner] if stage.owner else []
    if spec.kind == rows.FUNNEL:
        out = [locale.number(stage.count)] if stage.count is not None else []
        return out + ([f"→ {stage.conversion.raw}"] if stage.conversion is not None else [])
    return _texts(spec.items(stage))


def _columns(old: Map | None, new: Map | None) -> list[tuple[Stage | None, Stage | None]]:
    """New stages in order, each removed stage right after its old predecessor."""
    pairs = match_stages(old.stages if old else (), new.stages if new else ())
    kept = [p for p in pairs if p[1] is not None]
    removed = [p for p in pairs if p[1] is None]
    if not removed or old is None:
        return kept + removed
    order = {id(s): i for i, s in enumerate(old.stages)}
    result = list(kept)
    for before, _ in sorted(removed, key=lambda p: order[id(p[0])]):
        index = order[id(before)]
        position = 0
        for k, (o, _n) in enumerate(result):
            if o is not None and order.get(id(o), -1) < index:
                position = k + 1
        result.insert(position, (before, None))
    return result


def map_view(entry: MapDiff, locale: Locale, lanes: Sequence[str], lane_labels: dict[str, str], number: int,
             channel_names: Mapping[str, str] | None = None) -> MapView:
    if entry.status == "affected":  # the map itself did not change: only what `check` now says about it
        return MapView(entry, [], [], Markup(""), [], f"map-{number}")
    moved = {c.stage for c in entry.changes if c.code == "stage-moved"}
    renamed = {c.stage for c in entry.changes if c.code == "stage-renamed"}
    columns: list[Column] = []
    pairs = _columns(entry.old, entry.new)
    for before, after in pairs:
        stage = after or before
        assert stage is not None
        if before is None:
            state = "added"
        elif after is None:
            state = "removed"
        elif stage.id in renamed:
            state = "renamed"
        elif stage.id in moved:
            state = "moved"
        else:
            state = "same" if before == after else "changed"
        renamed_from = before.name if before and after and before.name != after.name else None
        columns.append(Column(stage.name, state, renamed_from, stage.id))
    shown = []
    specs = [spec for key in lanes if (spec := rows.row_spec(key, lane_labels, locale.label)) is not None]
    for spec in specs:
        if spec.kind == rows.KPIS:
            cells = []
            for before, after in pairs:
                either = after or before
                assert either is not None  # a pair holds a stage on one side at least
                deltas = kpi_deltas(either.name, before.kpis if before else (), after.kpis if after else (), locale)
                state = "added" if before is None else "removed" if after is None else (
                    "same" if all(d.state == "same" for d in deltas) else "changed")
                cells.append(Cell(state, kpis=deltas))
            if any(c.kpis for c in cells):
                shown.append(Row(spec.key, spec.label, cells))
            continue
        cells = []
        for before, after in pairs:
            old_texts = _lane_texts(spec, before, locale, channel_names)
            new_texts = _lane_texts(spec, after, locale, channel_names)
            if before is None:
                state = "added"
            elif after is None:
                state = "removed"
            else:
                state = "same" if spec.value(before) == spec.value(after) else "changed"
            if spec.kind in (rows.EMOTION, rows.OWNER, rows.FUNNEL) and state == "changed":
                entries = [Entry(t, "removed") for t in old_texts] + [Entry(t, "added") for t in new_texts]
            else:
                entries = _entries(old_texts, new_texts) if before and after else [
                    Entry(t, state) for t in (new_texts or old_texts)]
            cells.append(Cell(state, entries))
        if any(c.entries for c in cells):
            shown.append(Row(spec.key, spec.label, cells))
    stages = entry.new.stages if entry.new else (entry.old.stages if entry.old else ())
    ghost = entry.old.stages if entry.new and entry.old else None
    curve = ""
    if any(s.emotion is not None for s in stages) or (ghost and any(s.emotion is not None for s in ghost)):
        shown_map = entry.new or entry.old
        assert shown_map is not None  # stages came from one of them
        curve = charts.emotion_curve(stages, locale, ghost=ghost, prefix=f"diff-emo-{number}", labels=True,
                                     scale=shown_map.emotion_scale)  # the first persona's, on the map's scale
    deltas = [d for before, after in pairs if before and after
              for d in kpi_deltas(after.name, before.kpis, after.kpis, locale) if d.state != "same"]
    return MapView(entry, columns, shown, Markup(curve), deltas, f"map-{number}")


def views(diff: RepoDiff, locale: Locale, lanes: Sequence[str] = DEFAULT_LANES,
          lane_labels: dict[str, str] | None = None, channel_names: Mapping[str, str] | None = None) -> list[MapView]:
    wanted = list(lanes)
    if "funnel" not in wanted:
        wanted.append("funnel")
    return [map_view(entry, locale, wanted, lane_labels or {}, n, channel_names)
            for n, entry in enumerate(diff.maps, 1)]


def context(diff: RepoDiff, locale: Locale, lanes: Sequence[str], lane_labels: dict[str, str],
            map_href: Callable[[str], str | None], channel_names: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Everything diff.html needs besides what every page gets. `channel_names`: channel
    id -> name, so that touchpoints show names (without it, the ids)."""
    return {
        "diff": diff,
        "views": views(diff, locale, lanes, lane_labels, channel_names),
        "summary": summary_line(diff, locale),
        "comparing": comparing(diff, locale),
        "map_href": map_href,
        "severities": (ERROR, WARNING, INFO),
    }


def render_standalone(diff: RepoDiff, config: SiteConfig, env: jinja2.Environment | None = None,
                      lanes: Sequence[str] | None = None) -> str:
    """The self-contained page of `cjmgen diff --format html`."""
    from cjmgen.site.theme import load_theme, make_environment, site_locale

    theme = None
    if env is None:
        theme = load_theme(config)
        env = make_environment(theme)
    options = theme.options if theme else {}
    if lanes is None:
        hidden = set(options.get("hide_lanes") or [])
        lanes = [lane for lane in (options.get("lanes") or DEFAULT_LANES) if lane not in hidden]
        lanes = [*lanes, *[key for key, _ in config.lanes if key not in lanes]]
    locale = site_locale(config, theme)
    return env.get_template("diff.html").render(
        layout=STANDALONE_LAYOUT,
        standalone=True,
        page={"path": PAGE_PATH, "title": locale.label("what_changed")},
        site=config,
        theme=options,
        L=locale,
        T=locale.text,
        url=lambda target: target,
        emotion_colour=charts.emotion_colour,
        **context(diff, locale, lanes, dict(config.lanes), lambda _id: None),
    )
