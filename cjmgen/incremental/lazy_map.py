"""Maps loaded in two parts: what every build reads of every map, and the rest on demand.

After a one-map edit a build needs all of a map only for the pages it renders
again; for the other 999 it reads a handful of fields (id, title, segment,
owners, touchpoints: the index, the catalog, the cross-reference checks, the
page keys). Unpickling a whole map from the parse cache creates about 1,300
objects (every value keeps its source position): 0.3 s at 1,000 maps, the
largest part of such a rebuild.

So the parse cache keeps a skeleton beside each whole map: a Map and its Stages
holding only the fields below. Loaded, a skeleton's objects become a `MapPart`
and `StageParts`, whose other fields are properties: the first read of any of
them unpickles the whole map, fills in the same objects and turns them back
into a plain Map and Stages. Every reader sees a whole map, and the objects
keep their identity (page keys name them, see page_reuse.StableNames).

A skeleton also carries the map's own problems (`checks.own_problems`): they
depend on the file alone, so they are found once, when the file is parsed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

from cjmgen.content.model import Map, Stage
from cjmgen.diagnostics import Diagnostic

# What a build after an edit reads of every map (found by tracing the first read of
# anything else: none is left in a one-map rebuild of the benchmark's repository).
MAP_FIELDS = ("id", "path", "title", "persona", "segment", "state", "status", "owner", "tags", "reviewed",
              "related", "current", "description", "location", "field_locations")
STAGE_FIELDS = ("id", "name", "owner", "touchpoints", "location")
OWN_PROBLEMS = "_own_problems"  # a skeleton's problems of its own (not a field of the model)
LOAD_REST = "_load_rest"
Part = TypeVar("Part", Map, Stage)


def skeleton(whole: Map, own_problems: tuple[Diagnostic, ...]) -> Map:
    """The parts of `whole` every build reads, as a plain Map to pickle beside the whole one."""
    stages = tuple(_part(Stage, stage, STAGE_FIELDS) for stage in whole.stages)
    made = _part(Map, whole, MAP_FIELDS)
    made.__dict__["stages"] = stages
    made.__dict__[OWN_PROBLEMS] = own_problems
    return made


def _part(kind: type[Part], whole: Part, names: tuple[str, ...]) -> Part:
    made = object.__new__(kind)
    made.__dict__.update({name: whole.__dict__[name] for name in names})
    return made


class _Deferred:
    """Loads the rest of its object when a field the skeleton lacks is first read."""

    def __eq__(self, other: object) -> bool:
        self.__dict__[LOAD_REST]()
        return self == other  # a plain Map or Stage now

    def __hash__(self) -> int:
        self.__dict__[LOAD_REST]()
        return hash(self)

    def __reduce_ex__(self, protocol: Any) -> Any:
        self.__dict__[LOAD_REST]()
        return self.__reduce_ex__(protocol)


def _deferred_field(name: str) -> property:
    def read(self: Any) -> Any:
        self.__dict__[LOAD_REST]()
        return self.__dict__[name]

    return property(read)


def _with_deferred_fields(kind: type, present: tuple[str, ...]) -> type:
    """`kind` with a property for each of its fields that a skeleton lacks."""
    fields = {item.name: _deferred_field(item.name) for item in dataclasses.fields(kind) if item.name not in present}
    return type(f"{kind.__name__}Part", (_Deferred, kind), {**fields, "__module__": __name__})


MapPart = _with_deferred_fields(Map, MAP_FIELDS + ("stages",))
StagePart = _with_deferred_fields(Stage, STAGE_FIELDS)


def load_rest_with(part: Map, load_whole: Callable[[], Map]) -> Map:
    """Make `part` (an unpickled skeleton) load the rest from `load_whole()` when first asked."""

    def load_rest() -> None:
        whole = load_whole()
        if len(whole.stages) != len(part.stages):
            raise RuntimeError(f"{part.path}: the parse cache's two parts of this map differ")
        for mine, theirs in zip(part.stages, whole.stages):
            _fill_in(mine, theirs, Stage)
        _fill_in(part, whole, Map)
        part.__dict__.pop(OWN_PROBLEMS, None)

    part.__dict__[LOAD_REST] = load_rest
    object.__setattr__(part, "__class__", MapPart)  # frozen: past its __setattr__
    for stage in part.stages:
        stage.__dict__[LOAD_REST] = load_rest
        object.__setattr__(stage, "__class__", StagePart)  # frozen: past its __setattr__
    return part


def _fill_in(part: Any, whole: Any, kind: type) -> None:
    """The fields `part` lacks, from `whole`; then `part` is a plain `kind` again. What it
    has stays, its touchpoints and stages too: page keys name those objects."""
    part.__dict__.update({name: value for name, value in whole.__dict__.items() if name not in part.__dict__})
    del part.__dict__[LOAD_REST]
    object.__setattr__(part, "__class__", kind)  # frozen: past its __setattr__


def known_own_problems(journey_map: Map) -> tuple[Diagnostic, ...] | None:
    """The problems a skeleton brought of its own; None for a whole map (check it)."""
    return journey_map.__dict__.get(OWN_PROBLEMS)


def is_whole(journey_map: Map) -> bool:
    """False while the rest of a skeleton has not been loaded."""
    return LOAD_REST not in journey_map.__dict__
