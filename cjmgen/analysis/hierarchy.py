"""The hierarchy of maps: a stage that opens a detailed map, and what the parent shows of it.

A stage's `detail:` names a map (its id, or its file's path). The published maps and
these links make a tree: the customer lifecycle at the top, its stages opening
sub-journeys, theirs opening deeper ones. A map may be opened by several stages (a
sub-journey reused by two lifecycles): its breadcrumbs follow the first of them in the
repository's order of maps (by id, then stage order), and the others are named beside
the trail. Cycles are errors of `check` (checks/hierarchy.py); here they only end a walk.

The roll-up of a detailed map (docs/format.md, "Hierarchy", has the rules):
- emotion: the mean and the lowest of its stages' emotions; a stage without an
  emotion of its own that opens a map counts with that map's mean;
- KPIs: met, missed and without status, over the map and every map below it, each once;
- funnel: entry and exit are the counts of its first and last counted stages; a map
  without counts takes them from the maps its stages open, the first and the last.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cjmgen.content.model import Map, Stage


def target_of(value: str, content_dir: str) -> tuple[str, str | None]:
    """A `detail:` value as (the map id it names, the repository path it names or None):
    `mobile/sofa-search`, `mobile/sofa-search.md` and `maps/mobile/sofa-search.md` name one map."""
    text = value.strip().removeprefix("./").strip("/")
    if not text.endswith(".md"):
        return text, None
    root = content_dir.strip("/").removeprefix("./")
    if root in ("", "."):
        return text[:-3], text
    inside = text.removeprefix(root + "/") if text.startswith(root + "/") else text
    return inside[:-3], f"{root}/{inside}"


@dataclass(frozen=True)
class Opening:
    """A stage of `parent` that opens `child`."""

    parent: Map
    stage: Stage
    child: Map


@dataclass(frozen=True)
class RollUp:
    """What a parent stage shows of the map it opens (and of every map below that)."""

    map: Map
    emotion: float | None  # the mean of the stages' emotions
    lowest: float | None
    kpis_met: int
    kpis_missed: int
    kpis_unknown: int
    entry: int | None
    exit: int | None
    rate: float | None  # exit / entry, 0..1
    maps: tuple[Map, ...]  # the map and every map below it, each once, in the order met

    @property
    def kpis_total(self) -> int:
        return self.kpis_met + self.kpis_missed + self.kpis_unknown

    @property
    def depth(self) -> int:
        """How many maps the roll-up gathers (1: the detailed map alone)."""
        return len(self.maps)


@dataclass(frozen=True)
class TreeNode:
    """A map of the index's tree and the maps its stages open."""

    map: Map
    children: tuple[tuple[Stage, TreeNode], ...]


@dataclass(frozen=True)
class MapPlace:
    """Where a map sits, as its page and its PDF show it."""

    trail: tuple[Opening, ...] = ()  # from the top map down to the stage that opens this one
    also: tuple[Opening, ...] = ()  # the other stages that open it (a reused sub-journey)
    rollups: tuple[tuple[str, RollUp], ...] = ()  # (stage id, the roll-up of the map it opens)

    def __bool__(self) -> bool:
        return bool(self.trail or self.also or self.rollups)

    def rollup(self, stage_id: str) -> RollUp | None:
        return dict(self.rollups).get(stage_id)


@dataclass
class Hierarchy:
    """The `detail:` links between the given (published) maps."""

    maps: Sequence[Map]
    content_dir: str = "maps"
    by_id: dict[str, Map] = field(default_factory=dict, init=False)
    by_path: dict[str, Map] = field(default_factory=dict, init=False)
    openings: list[Opening] = field(default_factory=list, init=False)
    _rollups: dict[str, RollUp | None] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        for journey_map in self.maps:
            self.by_id.setdefault(journey_map.id, journey_map)
            self.by_path.setdefault(journey_map.path, journey_map)
        for journey_map in self.maps:
            for stage in journey_map.stages:
                child = self.resolve(stage.detail) if stage.detail else None
                if child is not None:
                    self.openings.append(Opening(journey_map, stage, child))

    def __bool__(self) -> bool:
        return bool(self.openings)

    def resolve(self, value: str) -> Map | None:
        map_id, path = target_of(value, self.content_dir)
        found = self.by_path.get(path) if path else None
        return found or self.by_id.get(map_id) or self.by_id.get(value.strip())

    def opened(self, stage: Stage) -> Map | None:
        """The published map a stage opens, if any."""
        return self.resolve(stage.detail) if stage.detail else None

    def parents(self, journey_map: Map) -> list[Opening]:
        """Every stage that opens the map, in the repository's order."""
        return [o for o in self.openings if o.child.id == journey_map.id]

    def trail(self, journey_map: Map) -> list[Opening]:
        """The breadcrumbs: from the top map down to the stage that opens this one,
        each step through the first parent."""
        steps: list[Opening] = []
        seen = {journey_map.id}
        current = journey_map
        while True:
            parents = self.parents(current)
            if not parents or parents[0].parent.id in seen:
                return steps
            steps.insert(0, parents[0])
            current = parents[0].parent
            seen.add(current.id)

    def rollup(self, journey_map: Map) -> RollUp | None:
        """The roll-up of a detailed map; None inside a cycle (an error of `check`)."""
        if journey_map.id not in self._rollups:
            self._rollups[journey_map.id] = None  # in progress: a cycle ends here
            self._rollups[journey_map.id] = self._compute(journey_map)
        return self._rollups[journey_map.id]

    def _compute(self, journey_map: Map) -> RollUp:
        below: dict[str, Map] = {journey_map.id: journey_map}
        emotions: list[float] = []
        children: list[RollUp] = []
        for stage in journey_map.stages:
            child = self.opened(stage)
            rolled = self.rollup(child) if child is not None else None
            if rolled is not None:
                children.append(rolled)
                for m in rolled.maps:
                    below.setdefault(m.id, m)
            if stage.emotion is not None:
                emotions.append(float(stage.emotion))
            elif rolled is not None and rolled.emotion is not None:
                emotions.append(rolled.emotion)
        statuses = [k.status for m in below.values() for s in m.stages for k in s.kpis]
        counts = [s.count for s in journey_map.stages if s.count is not None]
        entry: int | None
        exit_: int | None
        if counts:
            entry, exit_ = counts[0], counts[-1]
            rate = exit_ / entry if len(counts) > 1 and entry else None
        else:
            entry = next((c.entry for c in children if c.entry is not None), None)
            exit_ = next((c.exit for c in reversed(children) if c.exit is not None), None)
            rate = exit_ / entry if entry and exit_ is not None else None
        return RollUp(
            journey_map,
            round(sum(emotions) / len(emotions), 2) if emotions else None,
            min(emotions) if emotions else None,
            statuses.count("met"), statuses.count("missed"), statuses.count("unknown"),
            entry, exit_, rate, tuple(below.values()),
        )

    def stage_rollups(self, journey_map: Map) -> dict[str, RollUp]:
        """Stage id -> the roll-up of the map it opens, for the stages of a map that open one."""
        found: dict[str, RollUp] = {}
        for stage in journey_map.stages:
            child = self.opened(stage)
            rolled = self.rollup(child) if child is not None else None
            if rolled is not None:
                found.setdefault(stage.id, rolled)
        return found

    def place(self, journey_map: Map) -> MapPlace:
        trail = self.trail(journey_map)
        also = [o for o in self.parents(journey_map) if not trail or o is not trail[-1]]
        return MapPlace(tuple(trail), tuple(also), tuple(self.stage_rollups(journey_map).items()))

    def shown_with(self, journey_map: Map) -> tuple[Map, ...]:
        """Every other map a map's page and PDF show something of (breadcrumbs, roll-ups):
        part of their keys, so that an edit below or above renders them again."""
        shown: dict[str, Map] = {}
        for step in [*self.trail(journey_map), *self.parents(journey_map)]:
            shown.setdefault(step.parent.id, step.parent)
        for rolled in self.stage_rollups(journey_map).values():
            for m in rolled.maps:
                shown.setdefault(m.id, m)
        shown.pop(journey_map.id, None)
        return tuple(shown.values())

    def tree(self) -> tuple[TreeNode, ...]:
        """The index's tree: the maps that open others and are opened by none, each with
        its sub-journeys nested (a map reused by two parents shows under both)."""
        opened = {o.child.id for o in self.openings}
        tops = _unique(o.parent for o in self.openings if o.parent.id not in opened)
        return tuple(self._node(m, frozenset()) for m in tops)

    def _node(self, journey_map: Map, above: frozenset[str]) -> TreeNode:
        above = above | {journey_map.id}
        children = tuple(
            (o.stage, self._node(o.child, above))
            for o in self.openings if o.parent.id == journey_map.id and o.child.id not in above
        )
        return TreeNode(journey_map, children)


def _unique(maps: Iterable[Map]) -> list[Map]:
    seen: dict[str, Map] = {}
    for journey_map in maps:
        seen.setdefault(journey_map.id, journey_map)
    return list(seen.values())
