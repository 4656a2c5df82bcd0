"""parse_ahead's split of a first build's parsing: the parent keeps fewer maps the more data
files it parses itself (data files are never cached, so no helper parses them)."""

from __future__ import annotations

from pathlib import Path

from cjmgen.config import load_config
from cjmgen.diagnostics import Diagnostics
from cjmgen.incremental.parse_cache import DATA_BYTE_COST, PARENT_WEIGHT
from cjmgen.incremental.store import Caches
from tests.helpers.repos import simple_map, write_files


def share(root: Path, workers: int = 2) -> tuple[int, int]:
    """(maps the parent keeps, maps to parse) for the repository at `root`."""
    config = load_config(root, Diagnostics())
    cache = Caches(root).parse_cache()
    assert cache is not None
    sources = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "maps").rglob("*"))
               if p.is_file()}
    cache.known_names = {path: (data, cache.entry_name(path, data, config)) for path, data in sources.items()}
    maps = [path for path in sources if path.endswith(".md")]
    return cache._parent_share(maps, workers, config), len(maps)


def test_without_data_the_parent_keeps_its_weighted_share(tmp_path: Path) -> None:
    root = write_files(tmp_path / "repo", {f"maps/m{n:03}.md": simple_map(f"Map {n:03}") for n in range(100)})
    own, maps = share(root)
    assert own == round(maps * PARENT_WEIGHT / (PARENT_WEIGHT + 1))


def test_data_files_leave_the_parent_fewer_maps(tmp_path: Path) -> None:
    files = {f"maps/m{n:03}.md": simple_map(f"Map {n:03}") for n in range(100)}
    map_bytes = sum(len(text.encode()) for text in files.values())
    rows = "stage,kpi,period,value\n" + "".join(f"s,k,2026-{m:02d},{m}\n" for m in range(1, 13))
    files.update({f"maps/data/d{n:03}.csv": rows for n in range(100)})
    root = write_files(tmp_path / "repo", files)
    own, maps = share(root)
    data_weight = 100 * len(rows.encode()) * DATA_BYTE_COST
    # the parent's maps and data weigh what a helper's maps weigh, times PARENT_WEIGHT (to a map)
    kept = own / maps * map_bytes
    helper = map_bytes - kept
    assert abs((kept + data_weight) - helper * PARENT_WEIGHT) <= map_bytes / maps * 2
    assert own < round(maps * PARENT_WEIGHT / (PARENT_WEIGHT + 1))
