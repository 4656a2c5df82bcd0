"""The measured-KPIs benchmark: a build of N maps whose KPIs and counts come from data
files (12 monthly periods each) against a build of the same maps without data.

Each map gets its own CSV file (what a team's BI export for one journey looks
like), a row per KPI and month plus each stage's count per month, and a `data:`
line in its frontmatter. The target (issue 21): within 10% of the build without data.
A build after a one-map edit is timed too, with and without data (no target).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cjmgen.content.project import load_project
from tools.bench.corpus import edit_one_map, map_spec
from tools.bench.timing import Figure, checked, remove, run

PERIODS = 12


def add_data_files(root: Path, periods: int = PERIODS) -> int:
    """Give every map of the repository at `root` a data file; returns the number of rows."""
    months = [f"2025-{m:02d}" for m in range(11, 13)] + [f"2026-{m:02d}" for m in range(1, 11)]
    months = months[-periods:]
    repo = load_project(root).repo
    data = root / "maps" / "data"
    data.mkdir(parents=True, exist_ok=True)
    rows = 0
    for number, journey_map in enumerate(repo.maps):
        lines = ["stage,kpi,period,value"]
        for index, stage in enumerate(journey_map.stages):
            seen: set[str] = set()
            for place, kpi in enumerate(stage.kpis):
                if kpi.id in seen:  # two KPIs of one name (the generator repeats words): one id, one series
                    continue
                seen.add(kpi.id)
                lines += [f"{stage.id},{kpi.id},{month},{(number + place * 7 + step * 3) % 90 + 5}"
                          for step, month in enumerate(months)]
            lines += [f"{stage.id},count,{month},{10000 // (index + 1) + step}" for step, month in enumerate(months)]
        name = f"m{number:05d}.csv"
        (data / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        rows += len(lines) - 1
        path = root / journey_map.path
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("\n", f"\ndata: data/{name}\n", 1), encoding="utf-8")
    return rows


def bench_measured(work: Path, plain: Path, maps: int, runs: int, cjmgen: list[str],
                   log: Callable[[str], None]) -> dict[str, Any]:
    """First builds of `plain` (a generated repository) and of its copy with data files, in turns."""
    measured = work / f"measured-{maps}"
    remove(measured)
    shutil.copytree(plain, measured, ignore=shutil.ignore_patterns("site", ".cjmgen-cache"))
    rows = add_data_files(measured)
    log(f"{maps} maps with data files: {rows:,} rows")
    figures = {"without": Figure(), "with": Figure(), "edited without": Figure(), "edited with": Figure()}
    for index in range(runs):
        log(f"measured KPIs, {maps} maps: round {index + 1} of {runs}")
        for key, root in (("without", plain), ("with", measured)):
            remove(root / "site")
            remove(root / ".cjmgen-cache")
            done = checked(run([*cjmgen, "-C", str(root), "build", "--no-pdf"]), f"cjmgen build ({key} data)")
            figures[key].add(done.seconds, done.rss_mib)
    # Then what a user waits for all day: a build after editing one map (the last first
    # build's site and caches in place), with and without data, in turns.
    originals = {root: (root / map_spec(1).path).read_bytes() for root in (plain, measured)}
    for index in range(runs):
        for key, root in (("without", plain), ("with", measured)):
            edit_one_map(root, index)
            done = checked(run([*cjmgen, "-C", str(root), "build", "--no-pdf"]),
                           f"cjmgen build ({key} data, one map changed)")
            figures[f"edited {key}"].add(done.seconds, done.rss_mib)
    for root, original in originals.items():
        (root / map_spec(1).path).write_bytes(original)
    remove(measured)
    return {"maps": maps, "rows": rows, **figures}
