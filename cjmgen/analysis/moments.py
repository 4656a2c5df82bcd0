"""Moments that matter: the stages and items flagged `moment:` across the published maps.

The index lists them for every map on every build, so a map's moments are also
kept small (`Flag`s) beside its skeleton in the parse cache (incremental/lazy_map):
listing them does not load the whole of a map that did not change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from cjmgen.content.lanes import ITEM_LANES
from cjmgen.content.model import Map, Stage


@dataclass(frozen=True)
class Flag:
    """One moment of a map: its stage's index, and the stage's note or the flagged item's text."""

    stage: int
    text: str | None
    item: bool = False


def map_flags(journey_map: Map) -> tuple[Flag, ...]:
    """Each stage itself when flagged, then its flagged items in lane order (custom lanes last)."""
    found: list[Flag] = []
    for index, stage in enumerate(journey_map.stages):
        if stage.moment is not None:
            found.append(Flag(index, stage.moment.note))
        lanes = [lane.value(stage) for lane in ITEM_LANES] + [items for _, items in stage.lanes]
        found += [Flag(index, item.text, True) for items in lanes for item in items if item.moment]
    return tuple(found)


@dataclass(frozen=True)
class MomentRef:
    """A moment as the index lists it: the map, the stage it happens at, and what it is."""

    map: Map
    stage: Stage
    text: str | None
    item: bool = False


def moments(maps: Iterable[Map], flags_of: Callable[[Map], tuple[Flag, ...]] = map_flags) -> list[MomentRef]:
    """Every moment of the maps, in the maps' order and then the stages'. `flags_of`: where
    a map's flags come from (a build passes the parse cache's, see lazy_map.moment_flags)."""
    return [MomentRef(m, m.stages[f.stage], f.text, f.item) for m in maps for f in flags_of(m)]
