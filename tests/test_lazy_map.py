"""Maps from the parse cache arrive as skeletons and load the rest when first read
(cjmgen.incremental.lazy_map): readers see whole maps, and a rebuild after an edit loads the rest
of no map whose page it keeps."""

from __future__ import annotations

import dataclasses
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import cjmgen.incremental.parse_cache as parse_cache
from cjmgen.build import workers
from cjmgen.build.pipeline import BuildOptions, build
from cjmgen.config import load_config
from cjmgen.content.model import Map, Stage
from cjmgen.content.repository import ParsedFile, parse_file, read_sources
from cjmgen.diagnostics import Diagnostics
from cjmgen.incremental.lazy_map import MapPart, Skeleton, StagePart, from_skeleton, is_whole
from cjmgen.incremental.store import Caches
from tests.helpers.repos import simple_map
from tools.bench import corpus

# A map whose problems are its own: incomplete stages, a count that grows, a stated
# conversion the counts contradict.
PROBLEMS = """---
title: Problems
persona: anna
segment: Mobile
reviewed: 2026-10-01
stages:
  - name: Awareness
    id: awareness
    count: 100
    conversion: 90%
  - name: Deal
    id: deal
    count: 200
---
"""


def count_loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the maps whose rest is loaded from now on (in this process)."""
    loaded: list[str] = []
    original = from_skeleton

    def counting(skeleton: Skeleton, load_whole: Callable[[], Map]) -> ParsedFile:
        def load() -> Map:
            loaded.append(dict(skeleton.map_fields)["path"])
            return load_whole()

        return original(skeleton, load)

    monkeypatch.setattr(parse_cache, "from_skeleton", counting)
    return loaded


def cached_maps(root: Path) -> dict[str, Map]:
    """Every map of the repository as the parse cache gives it, by path."""
    config = load_config(root, Diagnostics())
    cache = Caches(root).parse_cache()
    assert cache is not None
    found = {}
    for path, data in read_sources(config).items():
        parsed = cache.parse(path, data, config)
        if parsed is not None and isinstance(parsed.value, Map):
            found[path] = parsed.value
    return found


def test_a_skeleton_reads_as_the_whole_map(tmp_path: Path) -> None:
    root = corpus.generate(tmp_path / "repo", 3)
    assert build(root, BuildOptions(pdf=False)).written  # writes the parse cache
    config = load_config(root, Diagnostics())
    sources = read_sources(config)
    for path, part in cached_maps(root).items():
        assert type(part) is MapPart and not is_whole(part)
        stages, touchpoints = part.stages, [s.touchpoints for s in part.stages]
        assert all(type(stage) is StagePart for stage in stages)
        assert part.title and part.stages[0].name  # skeleton fields: nothing loaded
        assert not is_whole(part)
        whole = parse_file(path, sources[path], config)
        assert whole is not None and isinstance(whole.value, Map)
        assert part.body == whole.value.body  # a field the skeleton lacks: the rest loads
        # Still the same objects of the same classes: nothing is mutated, the rest is read through
        assert is_whole(part) and type(part) is MapPart and all(type(s) is StagePart for s in part.stages)
        assert part.stages is stages
        assert all(s.touchpoints is t for s, t in zip(part.stages, touchpoints, strict=True))  # same objects
        assert isinstance(part, Map) and all(isinstance(s, Stage) for s in part.stages)
        assert part == whole.value and hash(part) == hash(whole.value)
        assert part.stages[2].kpis and part.stages[2].kpis == whole.value.stages[2].kpis
        with pytest.raises(dataclasses.FrozenInstanceError):
            part.body = "changed"  # type: ignore[misc]  # frozen: the assignment must fail


def test_a_skeleton_compares_hashes_and_pickles_as_the_whole(tmp_path: Path) -> None:
    root = corpus.generate(tmp_path / "repo", 2)
    assert build(root, BuildOptions(pdf=False)).written
    config = load_config(root, Diagnostics())
    sources = read_sources(config)
    parts = list(cached_maps(root).items())
    (path, first), (_, second) = parts
    parsed = parse_file(path, sources[path], config)
    assert parsed is not None
    whole = parsed.value
    assert first == whole and is_whole(first)
    assert hash(second) and is_whole(second)
    (_, third), _ = list(cached_maps(root).items())
    copied = pickle.loads(pickle.dumps(third))
    assert type(copied) is Map and copied == whole and is_whole(third)
    assert all(type(s) is Stage for s in copied.stages)
    assert whole == first and hash(whole) == hash(first) and first != second


def test_a_rebuild_loads_only_the_maps_whose_pages_it_renders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CJMGEN_WORKERS", "1")  # the loads are counted in this process
    root = corpus.generate(tmp_path / "repo", 30)
    assert build(root, BuildOptions(pdf=False)).written
    loaded = count_loads(monkeypatch)
    corpus.edit_one_map(root, 1)
    result = build(root, BuildOptions(pdf=False))
    assert result.written and result.pages > 30
    edited = corpus.map_spec(1).path
    # The edited map is parsed again; of the others only maps that show it load (related).
    assert edited not in loaded and len(loaded) <= 3, loaded


def test_the_parse_helpers_pack_holds_skeletons_as_the_parents_does(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A first build on two cores: the helper makes its maps' skeletons after sending the
    whole maps, and the rebuild after an edit loads no map of its share whole either."""
    root = corpus.generate(tmp_path / "repo", parse_cache.AHEAD_MIN + 12)
    monkeypatch.setenv("CJMGEN_WORKERS", "2")
    forks: list[int] = []

    def counted_spawn(*args: Any, **kwargs: Any) -> Any:
        forks.append(1)
        return workers.spawn(*args, **kwargs)

    monkeypatch.setattr(parse_cache, "spawn", counted_spawn)
    assert build(root, BuildOptions(pdf=False)).written
    assert forks  # a helper parsed the last maps
    monkeypatch.setenv("CJMGEN_WORKERS", "1")  # the loads are counted in this process
    loaded = count_loads(monkeypatch)
    corpus.edit_one_map(root, 1)
    result = build(root, BuildOptions(pdf=False))
    assert result.written
    assert corpus.map_spec(1).path not in loaded and len(loaded) <= 3, loaded
    last = corpus.map_spec(parse_cache.AHEAD_MIN + 11).path  # the helper's share
    assert isinstance(cached_maps(root)[last], MapPart)  # from its skeleton, not whole


def test_a_skeleton_brings_its_own_problems(make_repo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CJMGEN_WORKERS", "1")
    root = make_repo({"maps/problems.md": PROBLEMS, "maps/other.md": simple_map("Other")})
    first = build(root, BuildOptions(pdf=False))
    codes = {d.code for d in first.diagnostics}
    assert first.written and {"stage-incomplete", "count-grows", "conversion-mismatch"} <= codes
    loaded = count_loads(monkeypatch)
    (root / "maps/other.md").write_text(simple_map("Other, renamed"), encoding="utf-8")
    second = build(root, BuildOptions(pdf=False))
    assert second.written
    assert [d.as_dict() for d in second.diagnostics] == [d.as_dict() for d in first.diagnostics]
    assert "maps/problems.md" not in loaded  # its problems came with its skeleton
