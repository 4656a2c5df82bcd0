"""The typed KPI values of past versions of maps, kept by blob id between builds.

A blob id names the bytes of one version of a file, so what was read from it never
goes stale; the code stamp is part of the file, because how a value is read (its
unit, met or missed) is cjmgen's. Plain JSON of strings: nothing in it runs, and a
broken or foreign file only costs reading the versions again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from cjmgen.incremental.cache_dir import read_no_follow, write_atomically
from cjmgen.incremental.codestamp import code_stamp

#: One version's KPIs: (stage id, KPI key, name, value, target, unit, better), strings or None.
VersionKpis = tuple[tuple[str | None, ...], ...]

_FILE = "values.json"


class KpiValueStore:
    """Blob id -> the KPIs of that version, read from and written to one file in a folder.

    `folder(create)` gives the folder (None: not to be used); it is made only when
    something is saved, so a build with no KPI history leaves no folder behind.
    """

    def __init__(self, folder: Callable[[bool], Path | None]) -> None:
        self.folder = folder
        self.stamp = code_stamp().hex()

    def load(self) -> dict[str, VersionKpis]:
        folder = self.folder(False)
        if folder is None:
            return {}
        try:
            data: Any = json.loads(read_no_follow(folder / _FILE))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("stamp") != self.stamp or not isinstance(data.get("blobs"), dict):
            return {}
        found: dict[str, VersionKpis] = {}
        for blob, rows in data["blobs"].items():
            if isinstance(rows, list) and all(_is_row(row) for row in rows):
                found[blob] = tuple(tuple(row) for row in rows)
        return found

    def save(self, values: Mapping[str, VersionKpis]) -> None:
        """Keep exactly `values` (the versions this build used): the file never grows past the history shown."""
        folder = self.folder(True)
        if folder is None:
            return
        data = {"stamp": self.stamp, "blobs": {blob: [list(row) for row in rows]
                                                for blob, rows in sorted(values.items())}}
        try:
            write_atomically(folder / _FILE, json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        except OSError:
            pass  # a cache that cannot be written is only slower next time


def _is_row(row: object) -> bool:
    return isinstance(row, list) and len(row) == 7 and all(cell is None or isinstance(cell, str) for cell in row)
