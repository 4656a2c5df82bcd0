"""The journey as a graph: stage order, branches, loops and the funnel arithmetic."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cjmgen.content.model import Map, Persona, Quantity, Stage

#: A stated conversion may differ from the computed one by rounding to half a point.
CONVERSION_TOLERANCE_POINTS = 0.5


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    loop: bool  # goes back to the same or an earlier stage
    explicit: bool  # written in `next`, not the default "following stage"


def next_ids(journey: Map, index: int) -> tuple[str, ...]:
    """Where a stage leads: its `next`, else the stage that follows it in the list."""
    stage = journey.stages[index]
    if stage.next:
        return stage.next
    if index + 1 < len(journey.stages):
        return (journey.stages[index + 1].id,)
    return ()


def stage_positions(journey: Map) -> dict[str, int]:
    """Stage id -> index (of a duplicated id, the last). Made once per loop over the
    stages: made per stage, a 20,000-stage map took over an hour to check."""
    return {stage.id: i for i, stage in enumerate(journey.stages)}


def edges(journey: Map) -> list[Edge]:
    position = stage_positions(journey)
    out = []
    for index, stage in enumerate(journey.stages):
        for target in next_ids(journey, index):
            if target not in position:
                continue  # a dangling id: reported by checks
            out.append(Edge(stage.id, target, position[target] <= index, bool(stage.next)))
    return out


def forward_target(journey: Map, index: int, position: Mapping[str, int] | None = None) -> Stage | None:
    """The first stage this one leads forward to (what a stated conversion is about).
    `position`: stage_positions(journey), when the caller asks for every stage."""
    position = stage_positions(journey) if position is None else position
    for target in next_ids(journey, index):
        if target in position and position[target] > index:
            return journey.stages[position[target]]
    return None


def computed_conversion(journey: Map, index: int, position: Mapping[str, int] | None = None) -> float | None:
    """Share (0..1) of the stage's customers who reach its forward next stage."""
    stage = journey.stages[index]
    target = forward_target(journey, index, position)
    if target is None or stage.count in (None, 0) or target.count is None:
        return None
    return target.count / stage.count


def conversions(journey: Map) -> list[float | None]:
    position = stage_positions(journey)
    return [computed_conversion(journey, i, position) for i in range(len(journey.stages))]


@dataclass(frozen=True)
class Overall:
    first: Stage
    last: Stage
    rate: float


def overall_conversion(journey: Map) -> Overall | None:
    """From the first stage with a count to the last one, in list order."""
    counted = [s for s in journey.stages if s.count is not None]
    if len(counted) < 2 or not counted[0].count:
        return None
    first, last = counted[0], counted[-1]
    assert first.count and last.count is not None
    return Overall(first, last, last.count / first.count)


def lowest_emotion(journey: Map) -> Stage | None:
    felt = [s for s in journey.stages if s.emotion is not None]
    return min(felt, key=lambda s: s.emotion) if felt else None  # type: ignore[arg-type,return-value]


def has_counts(journey: Map) -> bool:
    return any(stage.count is not None for stage in journey.stages)


def best_lever(journey: Map) -> tuple[Stage, float] | None:
    """The stage where one more percentage point of conversion adds most final customers.

    With a linear funnel the final count is first * c1 * c2 * ...; raising c_i by
    one point multiplies the end by (c_i + 0.01) / c_i, so the smallest rate is
    the strongest lever (the commercial-director article's point).
    """
    rates = conversions(journey)
    candidates = [(journey.stages[i], r) for i, r in enumerate(rates) if r]
    if not candidates:
        return None
    stage, rate = min(candidates, key=lambda pair: pair[1])
    return stage, (rate + 0.01) / rate


def stated_rate(stated: Quantity | None) -> float | None:
    """A stated conversion as 0..1: `5%` and `5` are five percent, `0.05` a fraction."""
    if stated is None or stated.number is None:
        return None
    if not stated.percent and stated.number <= 1:
        return stated.number
    return stated.number / 100


@dataclass(frozen=True)
class Mismatch:
    """A stated conversion that the counts contradict (both as 0..1 rates)."""

    index: int
    stage: Stage
    target: Stage
    stated: float
    computed: float


def mismatch(journey: Map, index: int, position: Mapping[str, int] | None = None) -> Mismatch | None:
    """The contradiction at one stage, if its stated conversion disagrees with the counts."""
    position = stage_positions(journey) if position is None else position
    target = forward_target(journey, index, position)
    computed = computed_conversion(journey, index, position)
    stated = stated_rate(journey.stages[index].conversion)
    if target is None or computed is None or stated is None or not contradicts(stated, computed):
        return None
    return Mismatch(index, journey.stages[index], target, stated, computed)


def mismatches(journey: Map) -> list[Mismatch]:
    """Every stage whose stated conversion the counts contradict, in stage order."""
    position = stage_positions(journey)
    found = (mismatch(journey, index, position) for index in range(len(journey.stages)))
    return [m for m in found if m is not None]


def contradicts(stated: float | None, computed: float | None) -> bool:
    """True when the stated and the computed rates differ by more than rounding."""
    if stated is None or computed is None:
        return False
    return abs(stated - computed) * 100 > CONVERSION_TOLERANCE_POINTS


def exit_count(stage: Stage) -> int | None:
    """Customers who leave the journey at the stage, over its exits with a count (None: no counts)."""
    counted = [e.count for e in stage.exits if e.count is not None]
    return sum(counted) if counted else None


@dataclass(frozen=True)
class ExitExcess:
    """More customers go on and leave at a stage than reached it: counts in < next + exits."""

    stage: Stage
    target: Stage | None  # the forward next stage whose count was added, if it has one
    onward: int  # the next stage's count (0 without one)
    leaving: int


def exit_excesses(journey: Map) -> list[ExitExcess]:
    """Stages whose counted exits and next stage's count add up to more than the stage's count.
    Fewer is fine: not every customer who leaves is counted at an exit."""
    position = stage_positions(journey)
    found = []
    for index, stage in enumerate(journey.stages):
        leaving = exit_count(stage)
        if leaving is None or stage.count is None:
            continue
        target = forward_target(journey, index, position)
        onward = target.count if target is not None and target.count is not None else 0
        if onward + leaving > stage.count:
            found.append(ExitExcess(stage, target if onward else None, onward, leaving))
    return found


def has_exits(journey: Map) -> bool:
    return any(stage.exits for stage in journey.stages)


def cast(journey: Map, personas: Mapping[str, Persona]) -> list[tuple[str, str]]:
    """(id, name) of each persona of the map, in its order: the curves of the emotion chart."""
    return [(pid, personas[pid].name if pid in personas else pid) for pid in journey.persona_ids]
