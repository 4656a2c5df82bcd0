"""The rows of a map: which lanes it shows, in which order, under which label, with which cells.

Computed once in Python and shared by the map page (a partial per row kind under
themes/default/templates/partials/), the PDF and the "What changed" page, so that
the three cannot disagree about a row. The theme option `lanes` orders them; the
lane registry (cjmgen.content.lanes) says what each key holds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cjmgen.analysis import journey
from cjmgen.content import lanes
from cjmgen.content.model import Map, Stage

#: The rows of the default theme, top to bottom (themes/default/theme.yml `lanes`).
DEFAULT_ROWS = (
    "goals", "actions", "thoughts", "touchpoints", "emotion", "kpis", "obstacles",
    "triggers", "push", "opportunities", "backstage", "owner",
)

#: Row kinds, each drawn by its own partial: a lane's kind, or a lane the grid draws its own way.
ITEMS, THOUGHTS, PUSH = "items", "thoughts", "push"
TOUCHPOINTS, KPIS, EMOTION = lanes.TOUCHPOINTS, lanes.KPIS, lanes.EMOTION
OWNER, FUNNEL = "owner", "funnel"
#: Lanes shown their own way whatever cjmgen.yml's `lanes:` says (a custom lane of the same key
#: is not shown); thoughts share their row with quotes, push ends in an arrow.
_OWN_WAY = {"emotion": EMOTION, "thoughts": THOUGHTS, "touchpoints": TOUCHPOINTS, "kpis": KPIS,
            "owner": OWNER, "push": PUSH}


@dataclass(frozen=True)
class RowSpec:
    """One row a map can show: the lane (or `funnel`), how it is drawn and its label."""

    key: str
    kind: str
    label: str
    custom: bool = False

    @property
    def partial(self) -> str:
        """The template that draws it on the map page: partials/lane_<kind>.html."""
        return f"partials/lane_{'custom' if self.custom else self.kind}.html"

    def items(self, stage: Stage) -> tuple[Any, ...]:
        """What the row lists in a stage's cell (thoughts, then quotes; the owner as one item)."""
        if self.kind == THOUGHTS:
            return (*stage.thoughts, *stage.quotes)
        if self.kind == OWNER:
            return (stage.owner,) if stage.owner else ()
        if self.kind in (EMOTION, FUNNEL):
            return ()
        return tuple(stage.lane(self.key) if self.custom else getattr(stage, self.key))

    def value(self, stage: Stage) -> Any:
        """What a stage holds in the row, for comparing two versions of the stage."""
        if self.kind == THOUGHTS:
            return (stage.thoughts, stage.quotes)
        if self.kind == FUNNEL:
            return (stage.count, stage.conversion)
        return stage.lane(self.key) if self.custom else getattr(stage, self.key)


@dataclass(frozen=True)
class Cell:
    stage: Stage
    items: tuple[Any, ...]


@dataclass(frozen=True)
class Row(RowSpec):
    """A row of one map: its spec and a cell per stage (none for the emotion and funnel rows)."""

    cells: tuple[Cell, ...] = ()

    @classmethod
    def of(cls, spec: RowSpec, cells: tuple[Cell, ...] = ()) -> Row:
        return cls(spec.key, spec.kind, spec.label, spec.custom, cells)


def row_spec(key: str, custom_labels: Mapping[str, str], label: Callable[[str], str]) -> RowSpec | None:
    """The row a lane key of the theme's `lanes` makes; None for a key that names no lane.

    `label` turns an i18n label key into text (Locale.label)."""
    if key in _OWN_WAY:
        kind = _OWN_WAY[key]
        return RowSpec(key, kind, label("thoughts_quotes" if kind == THOUGHTS else key))
    if key in custom_labels:
        return RowSpec(key, ITEMS, custom_labels[key], custom=True)
    if key == FUNNEL:
        return RowSpec(key, FUNNEL, label("funnel"))
    lane = lanes.BY_KEY.get(key)
    if lane is None or lane.kind != lanes.ITEMS:
        return None
    return RowSpec(key, ITEMS, label(lane.label))


def page_specs(keys: Sequence[str], custom_labels: Mapping[str, str], label: Callable[[str], str]) -> list[RowSpec]:
    """The rows of the map page and the PDF: the funnel comes with the emotion, right under it."""
    specs = []
    for key in keys:
        if key == FUNNEL:
            continue
        spec = row_spec(key, custom_labels, label)
        if spec is not None:
            specs.append(spec)
            if spec.kind == EMOTION:
                specs.append(RowSpec(FUNNEL, FUNNEL, label("funnel")))
    return specs


def map_rows(journey_map: Map, specs: Sequence[RowSpec]) -> list[Row]:
    """The rows one map shows: those with something in at least one stage."""
    stages = journey_map.stages
    rows = []
    for spec in specs:
        if spec.kind == EMOTION:
            shown = any(s.emotion is not None for s in stages)
        elif spec.kind == FUNNEL:
            shown = journey.has_counts(journey_map)
        else:
            cells = tuple(Cell(s, spec.items(s)) for s in stages)
            if any(cell.items for cell in cells):
                rows.append(Row.of(spec, cells))
            continue
        if shown:
            rows.append(Row.of(spec))
    return rows
