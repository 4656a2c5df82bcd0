"""How a journey flows, read from the frontmatter: labelled `next` entries and `phases:`.

A `next` entry is a stage id or `{to: id, label: text}`; the plain list form stays
what it was, so a map without labels reads into the same model as before. A phase
names a run of consecutive stages, as `{name, stages: [ids]}` or `{name, from, to}`;
the reader checks it against the map's stages (unknown ids, gaps, overlaps) here,
where each id's line and column are still known.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from cjmgen.content.model import Phase, Stage
from cjmgen.content.yamltree import YNode

if TYPE_CHECKING:  # schema.py imports this module: the reader type only for the checker
    from cjmgen.content.schema import Reader

TRANSITION_KEYS = ("to", "label")
PHASE_KEYS = ("name", "stages", "from", "to")


def read_next(reader: Reader, node: YNode | None) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """A stage's `next`: the target ids in order, and (target, label) of the labelled ones."""
    if node is None or node.kind == "null":
        return (), ()
    targets: list[str] = []
    labels: list[tuple[str, str]] = []
    for child in node.value if node.kind == "seq" else [node]:
        if child.kind != "map":
            target = reader.text(child, "next")
            if target is not None:
                targets.append(target)
            continue
        reader.unknown_keys(child, TRANSITION_KEYS, "a 'next' entry")
        target = reader.required_text(child.value, "to", child, "a 'next' entry")
        if target is None:
            continue
        targets.append(target)
        label = reader.text(child.value.get("label"), "label")
        if label is not None and label.strip():
            labels.append((target, label.strip()))
    return tuple(targets), tuple(labels)


def read_phases(reader: Reader, node: YNode | None, stages: Sequence[Stage]) -> tuple[Phase, ...]:
    """`phases:`: each a run of consecutive stages; a stage in two phases is an error at the second."""
    if node is None or node.kind == "null":
        return ()
    if node.kind != "seq":
        reader.type_error(node, "phases", "a list of phases ({name, stages} or {name, from, to})")
        return ()
    position: dict[str, int] = {}
    for index, stage in enumerate(stages):
        position.setdefault(stage.id, index)
    owner: dict[int, str] = {}  # stage index -> the phase that has it
    phases = []
    for child in node.value:
        phase = _phase(reader, child, stages, position)
        if phase is None:
            continue
        taken = [stages[position[sid]] for sid in phase.stages if position[sid] in owner]
        if taken:
            first = taken[0]
            reader.diagnostics.error(
                "phase", f"phase '{phase.name}': stage '{first.id}' is already in phase '{owner[position[first.id]]}'",
                phase.location, hint="a stage belongs to one phase at most",
            )
            continue
        owner.update(dict.fromkeys((position[sid] for sid in phase.stages), phase.name))
        phases.append(phase)
    return tuple(phases)


def _phase(reader: Reader, node: YNode, stages: Sequence[Stage], position: dict[str, int]) -> Phase | None:
    fields = reader.mapping(node, "phases[]")
    if fields is None:
        return None
    reader.unknown_keys(node, PHASE_KEYS, "a phase")
    name = reader.required_text(fields, "name", node, "a phase")
    listed, start = fields.get("stages"), fields.get("from")
    if listed is not None and (start is not None or "to" in fields):
        reader.diagnostics.error("phase", "a phase gives either 'stages' or 'from'/'to', not both", node.loc)
        return None
    if listed is None and start is None:
        reader.diagnostics.error("missing-field", "a phase is missing 'stages' (or 'from' and 'to')", node.loc,
                                 hint="phases: [{name: Поиск, from: awareness, to: evaluation}]")
        return None
    if name is None:
        return None
    if listed is not None:
        indexes = _known(reader, _id_nodes(listed), "stages", stages, position)
        if indexes is None or not indexes:
            return None
        gap = next((k for k in range(1, len(indexes)) if indexes[k] != indexes[k - 1] + 1), None)
        if gap is not None:
            before, after = stages[indexes[gap - 1]].id, stages[indexes[gap]].id
            reader.diagnostics.error(
                "phase", f"phase '{name}': its stages must follow one another in the map, "
                         f"but '{after}' does not come right after '{before}'",
                _id_nodes(listed)[gap].loc, hint="list consecutive stages in the map's order, or use from: and to:",
            )
            return None
    else:
        assert start is not None
        end = fields.get("to", start)
        first = _known(reader, [start], "from", stages, position)
        last = first if end is start else _known(reader, [end], "to", stages, position)
        if first is None or last is None:
            return None
        indexes = [first[0], last[0]]
        if indexes[1] < indexes[0]:
            reader.diagnostics.error(
                "phase", f"phase '{name}': 'to' ({stages[indexes[1]].id}) comes before 'from' "
                         f"({stages[indexes[0]].id}) in the map", end.loc,
            )
            return None
        indexes = list(range(indexes[0], indexes[1] + 1))
    return Phase(name, tuple(stages[i].id for i in indexes), node.loc)


def _id_nodes(node: YNode) -> list[YNode]:
    return node.value if node.kind == "seq" else [node]


def _known(reader: Reader, nodes: Sequence[YNode], key: str, stages: Sequence[Stage],
           position: dict[str, int]) -> list[int] | None:
    """The stage indexes the ids name; None (each unknown id reported at itself) if any is unknown."""
    out: list[int] = []
    missing = False
    for child in nodes:
        stage_id = reader.text(child, key)
        if stage_id is None:
            missing = True
        elif stage_id in position:
            out.append(position[stage_id])
        else:
            close = difflib.get_close_matches(stage_id, position, n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            reader.diagnostics.error("stage-ref", f"phase names unknown stage '{stage_id}'{hint}", child.loc,
                                     hint=None if close else f"stage ids of this map: {', '.join(list(position)[:8])}")
            missing = True
    return None if missing else out
