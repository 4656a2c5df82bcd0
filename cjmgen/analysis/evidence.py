"""Map-wide sources: every `source:` of a map, and which of them cite a declared key.

A `source:` stays free text unless it is exactly the key of one of the map's
`sources:`; then the pages show the source's title and link to the map's list.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from cjmgen.content.lanes import ITEM_LANES
from cjmgen.content.model import Map
from cjmgen.diagnostics import SourceLocation

#: A free-text source that reads like a key someone meant to declare (`interviews-2026`).
_KEYLIKE = re.compile(r"^\w+(?:[-_.]\w+)+$")


@dataclass(frozen=True)
class Citation:
    """One `source:` of a map: what it says and where it is written."""

    text: str
    location: SourceLocation | None


def citations(journey_map: Map) -> Iterator[Citation]:
    """Every `source:` of the map's stages: items of every lane, KPIs, touchpoints and exits."""
    for stage in journey_map.stages:
        lanes = [lane.value(stage) for lane in ITEM_LANES] + [items for _, items in stage.lanes]
        for items in lanes:
            for item in items:
                if item.source:
                    yield Citation(item.source, item.location)
        for kpi in stage.kpis:
            if kpi.source:
                yield Citation(kpi.source, kpi.location)
        for touchpoint in stage.touchpoints:
            if touchpoint.source:
                yield Citation(touchpoint.source, touchpoint.location)
        for exit_ in stage.exits:
            if exit_.source:
                yield Citation(exit_.source, exit_.location)


def unused_sources(journey_map: Map) -> list[str]:
    """Keys of the map's `sources:` that no `source:` cites, in the order declared."""
    cited = {c.text.strip() for c in citations(journey_map)}
    return [s.key for s in journey_map.sources if s.key not in cited]


def intended_key(journey_map: Map, text: str) -> str | None:
    """For a `source:` that names no declared key but looks like one: the key it may mean
    ('' when none is close). None when the text reads as free text (it has a space, or
    is a plain word far from every key) or the map declares no sources."""
    if not journey_map.sources or journey_map.cited(text) is not None:
        return None
    text = text.strip()
    if any(ch.isspace() for ch in text):
        return None
    keys = [s.key for s in journey_map.sources]
    close = difflib.get_close_matches(text, keys, n=1, cutoff=0.75)
    if close:
        return close[0]
    return "" if _KEYLIKE.match(text) else None
