"""Maps loaded in two parts: what every build reads of every map, and the rest on demand.

After a one-map edit a build needs all of a map only for the pages it renders
again; for the other 999 it reads a handful of fields (id, title, segment,
owners, touchpoints: the index, the catalog, the cross-reference checks, the
page keys). Unpickling a whole map from the parse cache creates about 1,300
objects (every value keeps its source position), the largest part of such a
rebuild (docs/benchmarks.md).

So the parse cache keeps a `Skeleton` beside each whole map: the fields below
of the map and its stages, and the map's own problems (`checks.own_problems`:
they depend on the file alone, so they are found once, when it is parsed). A
build makes a `MapPart` of it, a Map whose stages are `StagePart`s: their
skeleton fields are their own, every other field is read from the whole map,
which a shared `Rest` unpickles when any of them is first read. Nothing changes
class or gains fields after it is made: a part stays a part, whole or not, and
keeps its identity (page keys name its objects, see page_reuse.StableNames).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cjmgen.analysis.moments import Flag, map_flags
from cjmgen.content.model import Map, Stage
from cjmgen.content.repository import ParsedFile
from cjmgen.diagnostics import Diagnostic

# What a build after an edit reads of every map (found by tracing the first read of
# anything else: none is left in a one-map rebuild of the benchmark's repository).
MAP_FIELDS = ("id", "path", "title", "persona", "segment", "state", "status", "owner", "tags", "reviewed",
              "related", "current", "description", "location", "field_locations", "data",
              "personas")
# A stage's KPIs too: the KPI history of every map with a past (review.kpi_history) reads them.
STAGE_FIELDS = ("id", "name", "owner", "touchpoints", "detail", "location", "opportunities", "kpis")

Fields = tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class Skeleton:
    """What the parse cache keeps of a map beside the whole: the fields every build reads."""

    map_fields: Fields
    stage_fields: tuple[Fields, ...]
    own_problems: tuple[Diagnostic, ...]  # checks.own_problems of the whole map
    parsed: ParsedFile  # the file's kind and what parsing it reported; no value (that is the whole)
    moments: tuple[Flag, ...] = ()  # the index lists them for every map

    @classmethod
    def of(cls, parsed: ParsedFile, own_problems: tuple[Diagnostic, ...]) -> Skeleton:
        whole = parsed.value
        assert isinstance(whole, Map)
        return cls(_fields(whole, MAP_FIELDS), tuple(_fields(stage, STAGE_FIELDS) for stage in whole.stages),
                   own_problems, ParsedFile(parsed.kind, None, parsed.diagnostics), map_flags(whole))


def _fields(value: Any, names: tuple[str, ...]) -> Fields:
    return tuple((name, getattr(value, name)) for name in names)


class Rest:
    """The whole map behind a part and its stages, unpickled once, when first asked for."""

    def __init__(self, path: str, stages: int, load_whole: Callable[[], Map]) -> None:
        self.path, self.stages, self.load_whole = path, stages, load_whole
        self.whole: Map | None = None

    def map(self) -> Map:
        if self.whole is None:
            whole = self.load_whole()
            if len(whole.stages) != self.stages:
                raise RuntimeError(f"{self.path}: the parse cache's two parts of this map differ")
            self.whole = whole
        return self.whole


class _Part:
    """A Map or Stage made of a skeleton's fields and a Rest that holds the others.

    Equal to, hashed and pickled as the plain Map or Stage of the same fields
    (pickling gives the plain one: a part is this build's way to load, not data)."""

    _kind: type
    _rest: Rest

    def __init__(self, present: Fields, rest: Rest) -> None:
        # Constructing, as a frozen dataclass's own __init__ does: its fields are set once, here.
        for name, value in present:
            object.__setattr__(self, name, value)
        object.__setattr__(self, "_rest", rest)

    def _whole(self) -> Any:
        raise NotImplementedError

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, item.name) for item in dataclasses.fields(self._kind) if item.compare)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, self._kind):
            return NotImplemented
        own = tuple(getattr(other, item.name) for item in dataclasses.fields(self._kind) if item.compare)
        return self._values() == own

    def __hash__(self) -> int:
        return hash(self._values())  # as the dataclass's own hash of its fields

    def __reduce__(self) -> Any:
        kind = self._kind
        return kind, tuple(getattr(self, item.name) for item in dataclasses.fields(kind) if item.init)


def _deferred_field(name: str) -> property:
    def read(self: Any) -> Any:
        return getattr(self._whole(), name)

    return property(read)


def _part_class(base: type[_Part], kind: type, present: tuple[str, ...]) -> type:
    """`kind` with a property for each of its fields that a skeleton lacks."""
    fields = {item.name: _deferred_field(item.name) for item in dataclasses.fields(kind) if item.name not in present}
    return type(f"{kind.__name__}Part", (base, kind), {**fields, "_kind": kind, "__module__": __name__})


class _MapPart(_Part):
    own_problems: tuple[Diagnostic, ...]
    moment_flags: tuple[Flag, ...]

    def __init__(self, present: Fields, rest: Rest, own_problems: tuple[Diagnostic, ...],
                 moments: tuple[Flag, ...] = ()) -> None:
        super().__init__(present, rest)
        object.__setattr__(self, "own_problems", own_problems)  # constructing (see _Part)
        object.__setattr__(self, "moment_flags", moments)

    def _whole(self) -> Map:
        return self._rest.map()


class _StagePart(_Part):
    _index: int

    def __init__(self, present: Fields, rest: Rest, index: int) -> None:
        super().__init__(present, rest)
        object.__setattr__(self, "_index", index)  # constructing (see _Part)

    def _whole(self) -> Stage:
        return self._rest.map().stages[self._index]


MapPart: Any = _part_class(_MapPart, Map, (*MAP_FIELDS, "stages"))
StagePart: Any = _part_class(_StagePart, Stage, STAGE_FIELDS)


def from_skeleton(skeleton: Skeleton, load_whole: Callable[[], Map]) -> ParsedFile:
    """The parsed file of `skeleton`: its map's other fields are `load_whole()`'s, read when first asked."""
    rest = Rest(dict(skeleton.map_fields)["path"], len(skeleton.stage_fields), load_whole)
    stages = tuple(StagePart(fields, rest, index) for index, fields in enumerate(skeleton.stage_fields))
    part = MapPart((*skeleton.map_fields, ("stages", stages)), rest, skeleton.own_problems, skeleton.moments)
    return ParsedFile(skeleton.parsed.kind, part, skeleton.parsed.diagnostics)


def known_own_problems(journey_map: Map) -> tuple[Diagnostic, ...] | None:
    """The problems a skeleton brought of its own; None for a map parsed in this run (check it)."""
    return journey_map.own_problems if isinstance(journey_map, _MapPart) else None


def moment_flags(journey_map: Map) -> tuple[Flag, ...]:
    """The map's moments that matter: the skeleton's, or found in a map parsed in this run."""
    return journey_map.moment_flags if isinstance(journey_map, _MapPart) else map_flags(journey_map)


def is_whole(journey_map: Map) -> bool:
    """False while the rest of a map made from a skeleton has not been loaded."""
    return not isinstance(journey_map, _MapPart) or journey_map._rest.whole is not None
