"""The training handout in volumes: one file for a small repository, several for a large one.

WeasyPrint lays a document out whole, in memory. Measured on the 2-core machine, the
handout costs about 1.9 s and 38 MB of memory per map (11 A4 pages each), linearly:
the handout of 1,000 maps in one file would be an 11,000-page render of about half an
hour and 38 GB, which no machine finishes. So `build` splits the handout of the whole
repository into volumes of at most `pdf.handout_maps` maps (cjmgen.yml): each render
stays bounded, both cores render volumes at once, and an edit renders one volume again.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_HANDOUT_MAPS = 12  # about 140 A4 pages, 25 s and 0.5 GB of memory a volume
SINGLE_FILE = "handout.pdf"


@dataclass(frozen=True)
class HandoutVolume:
    """One file of the handout: volume `number` of `count`, holding maps [start:stop]
    of the published maps in the site's order."""

    path: str  # the site path: handout.pdf when there is one volume, else handout-<number>.pdf
    number: int
    count: int
    start: int
    stop: int

    @property
    def split(self) -> bool:
        return self.count > 1


def handout_volumes(maps: int, most: int) -> tuple[HandoutVolume, ...]:
    """The volumes of a handout of `maps` maps, at most `most` a volume (0: one file),
    as even as can be: 13 maps at 12 a volume are volumes of 7 and 6, not 12 and 1."""
    if maps <= 0:
        return ()
    count = 1 if most <= 0 else -(-maps // most)
    if count == 1:
        return (HandoutVolume(SINGLE_FILE, 1, 1, 0, maps),)
    size, larger = divmod(maps, count)
    volumes, start = [], 0
    for index in range(count):
        stop = start + size + (1 if index < larger else 0)
        volumes.append(HandoutVolume(f"handout-{index + 1}.pdf", index + 1, count, start, stop))
        start = stop
    return tuple(volumes)
