"""Changes to how a journey is told: its phases, the time of each stage, the labels of transitions.

Stages are the pairs `match_stages` made, so a renamed stage keeps its time; a
transition is named by its two stages as the new side calls them.
"""

from __future__ import annotations

from collections.abc import Sequence

from cjmgen.content.model import Map, Phase, Stage
from cjmgen.review.consequences import Collector
from cjmgen.review.phrases import NONE, Phrase

Pair = tuple["Stage | None", "Stage | None"]


def stage_flow_changes(out: Collector, old: Map, new: Map, pairs: Sequence[Pair]) -> None:
    """`phases-changed`, `time-changed` and `transition-label-changed` between two versions of a map."""
    if old.phases != new.phases:
        out.add("phases-changed", Phrase.of("phases-changed", old=_phases(old, old.phases) or NONE,
                                            new=_phases(new, new.phases) or NONE),
                field="phases", old=_plain(old.phases), new=_plain(new.phases))
    renamed = {before.id: after.id for before, after in pairs if before is not None and after is not None}
    names = {stage.id: stage.name for stage in new.stages}
    for before, after in pairs:
        if before is None or after is None:
            continue
        if before.time != after.time:
            out.add("time-changed", Phrase.of("time-changed", stage=after.name, old=before.time or NONE,
                                              new=after.time or NONE),
                    stage=after.id, field="time", old=before.time, new=after.time)
        _labels(out, before, after, renamed, names)


def _labels(out: Collector, before: Stage, after: Stage, renamed: dict[str, str], names: dict[str, str]) -> None:
    """A label given, changed or taken off a transition that the stage still makes (or makes anew)."""
    was = {renamed.get(target, target): label for target, label in before.next_labels}
    now = dict(after.next_labels)
    for target in dict.fromkeys([*now, *was]):
        old, new = was.get(target), now.get(target)
        if old == new:
            continue
        how = "added" if old is None else "removed" if new is None else "changed"
        phrase = Phrase.of(f"transition-label.{how}", source=after.name, target=names.get(target, target),
                           old=old or "", new=new or "")
        out.add("transition-label-changed", phrase, stage=after.id, field="next",
                old={"to": target, "label": old}, new={"to": target, "label": new})


def _phases(journey_map: Map, phases: Sequence[Phase]) -> tuple[str, ...]:
    """Each phase as "name (first stage – last stage)", stages by their names."""
    names = {stage.id: stage.name for stage in journey_map.stages}
    out = []
    for phase in phases:
        first, last = names.get(phase.stages[0], phase.stages[0]), names.get(phase.stages[-1], phase.stages[-1])
        out.append(f"{phase.name} ({first})" if first == last else f"{phase.name} ({first} – {last})")
    return tuple(out)


def _plain(phases: Sequence[Phase]) -> list[dict[str, object]]:
    return [{"name": phase.name, "stages": list(phase.stages)} for phase in phases]
