"""The band of phases over a map's stage columns: one cell per phase, spanning its stages.

Shared by the map page's grid and the PDF's sheets (which show a slice of the stages
each, so a phase that runs over two sheets gets a cell on both). Stages in no phase
make empty cells, so that every cell stands over the columns it names.
"""

from __future__ import annotations

from dataclasses import dataclass

from cjmgen.content.model import Map, Phase


@dataclass(frozen=True)
class BandCell:
    """`span` stage columns from `first` (a stage index), under `phase` (None: no phase)."""

    phase: Phase | None
    first: int
    span: int

    @property
    def name(self) -> str:
        return self.phase.name if self.phase is not None else ""


def phase_band(journey_map: Map, first: int = 0, end: int | None = None) -> list[BandCell]:
    """The band over stages `first..end` (all by default); empty when the map has no phases."""
    if not journey_map.phases:
        return []
    end = len(journey_map.stages) if end is None else end
    phase_of: dict[str, Phase] = {}
    for named in journey_map.phases:
        phase_of.update(dict.fromkeys(named.stages, named))
    cells: list[BandCell] = []
    for index in range(first, end):
        phase = phase_of.get(journey_map.stages[index].id)
        last = cells[-1] if cells else None
        if last is not None and last.phase is phase:
            cells[-1] = BandCell(phase, last.first, last.span + 1)
        else:
            cells.append(BandCell(phase, index, 1))
    return cells
