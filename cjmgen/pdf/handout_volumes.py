"""The training handout in volumes: one file for a small repository, several for a large one.

WeasyPrint lays a document out whole, in memory. The handout costs about 38 MB of
memory per map (11 A4 pages each) and time in proportion (docs/benchmarks.md): the
handout of 1,000 maps in one file would be an 11,000-page render needing 38 GB,
which no machine finishes. So `build` splits the handout of the whole
repository into volumes of at most `pdf.handout_maps` maps (cjmgen.yml): each render
stays bounded, both cores render volumes at once, and an edit renders one volume again.

Where a volume ends is decided by the maps themselves, not by counting from the start
(the way content-defined chunking cuts files for backups): a volume ends after a map
whose id hashes to a boundary, once it holds half of `handout_maps`. So adding or
removing a map changes the volume it is in, and rarely the next, instead of moving
every later boundary by one: at 1,000 maps (about 100 volumes) one to three volumes
render again, not all of them (timings in docs/benchmarks.md). A volume's
PDF shows nothing of its place among the others (no "volume 3 of 9"), so a volume that
only moved is taken from the cache.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_HANDOUT_MAPS = 12  # about 140 A4 pages and 0.5 GB of memory a volume
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


def handout_volumes(map_ids: Sequence[str], most: int) -> tuple[HandoutVolume, ...]:
    """The volumes of a handout of the maps `map_ids` (in the site's order), each of
    `most` maps at the most and, but for the last, half of that at least (0: one file)."""
    total = len(map_ids)
    if total == 0:
        return ()
    if most <= 0 or total <= most:
        return (HandoutVolume(SINGLE_FILE, 1, 1, 0, total),)
    least = (most + 1) // 2
    spread = most - least + 1  # a volume grows past `least` by 1/spread's chance a map
    ranges, start = [], 0
    for index, map_id in enumerate(map_ids):
        size = index + 1 - start
        if size >= most or (size >= least and _ends_a_volume(map_id, spread)):
            ranges.append((start, index + 1))
            start = index + 1
    if start < total:
        ranges.append((start, total))
    count = len(ranges)
    return tuple(HandoutVolume(f"handout-{number}.pdf", number, count, first, stop)
                 for number, (first, stop) in enumerate(ranges, start=1))


def _ends_a_volume(map_id: str, spread: int) -> bool:
    """Whether a volume may end after this map: a property of the map alone."""
    return int.from_bytes(hashlib.sha256(map_id.encode("utf-8")).digest()[:4], "big") % spread == 0
