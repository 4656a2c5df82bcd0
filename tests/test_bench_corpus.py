"""The benchmark's generated repositories: deterministic, valid, and each corpus the size it claims."""

from __future__ import annotations

import re
import statistics
from pathlib import Path

import pytest

from cjmgen.content.project import load_project
from tests.helpers.cli import run
from tools.bench import corpus

LANES = ("goals", "actions", "thoughts", "quotes", "touchpoints", "kpis", "obstacles", "triggers",
         "push", "opportunities", "backstage")


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("kind", corpus.CORPORA)
def test_generated_repository_is_deterministic_and_nested(tmp_path: Path, kind: str) -> None:
    small = corpus.generate(tmp_path / "a", 12, git=False, corpus=kind)
    again = corpus.generate(tmp_path / "b", 12, git=False, corpus=kind)
    larger = corpus.generate(tmp_path / "c", 15, git=False, corpus=kind)
    assert _tree(small) == _tree(again)  # same seed, same bytes
    for path, data in _tree(small).items():
        assert _tree(larger)[path] == data  # map i is the same file at every size
    other_seed = corpus.generate(tmp_path / "d", 12, seed=7, git=False, corpus=kind)
    assert (other_seed / "maps/seg1/m00001.md").read_bytes() != (small / "maps/seg1/m00001.md").read_bytes()


@pytest.mark.parametrize("kind", corpus.CORPORA)
def test_generated_repository_passes_check_with_every_lane_filled(tmp_path: Path, kind: str) -> None:
    root = corpus.generate(tmp_path / "repo", 20, corpus=kind)
    result = run(["check"], root)
    assert result.exit_code == 0, result.output
    assert "no problems found" in result.output
    project = load_project(root)
    assert not project.diagnostics.items
    repo = project.repo
    assert len(repo.maps) == 20 and len(repo.personas) == len(corpus.PERSONAS) and repo.channels
    for journey_map in repo.maps:
        assert len(journey_map.stages) == 6
        for stage in journey_map.stages:
            assert all(getattr(stage, lane) for lane in LANES), (journey_map.id, stage.id)
            assert stage.owner and stage.emotion is not None and stage.count
    languages = {corpus.map_spec(i).language for i in range(20)}
    assert languages == {"ru", "en"}
    body = (root / corpus.map_spec(4).path).read_text(encoding="utf-8")
    assert "|---|" in body  # a table in every body
    assert any(m.state == "future" and m.current for m in repo.maps)


def test_light_maps_are_about_8_kb_and_heavy_ones_three_times_that(tmp_path: Path) -> None:
    light = [len(corpus.light_map_text(corpus.map_spec(i)).encode()) for i in range(60)]
    heavy = [len(corpus.map_text(corpus.map_spec(i), 60).encode()) for i in range(60)]
    assert 7000 <= statistics.mean(light) <= 9000
    assert max(light) < 10_000
    assert statistics.mean(heavy) > 2.5 * statistics.mean(light)


def test_light_lanes_hold_one_or_two_short_items(tmp_path: Path) -> None:
    root = corpus.generate(tmp_path / "repo", 6, git=False, corpus="light")
    for journey_map in load_project(root).repo.maps:
        for stage in journey_map.stages:
            for lane in ("goals", "actions", "thoughts", "quotes", "obstacles", "triggers", "opportunities",
                         "backstage"):
                items = getattr(stage, lane)
                assert 1 <= len(items) <= 2, (journey_map.id, stage.id, lane)
                assert all(len(item.text.split()) <= 6 for item in items), (journey_map.id, stage.id, lane)


@pytest.mark.parametrize("kind", corpus.CORPORA)
def test_one_map_edit_changes_a_kpi_target_and_the_body(tmp_path: Path, kind: str) -> None:
    root = corpus.generate(tmp_path / "repo", 3, git=False, corpus=kind)
    path = root / corpus.map_spec(1).path
    before = path.read_text(encoding="utf-8")
    corpus.edit_one_map(root, 4)
    after = path.read_text(encoding="utf-8")
    nps = re.compile(r"\{name: NPS, value: -?\d+, target: 45[,}]")
    assert nps.search(after) and not nps.search(before)
    assert "- edited 4\n" in after.split("\n---\n", 1)[1]
    assert run(["check"], root).exit_code == 0


def test_unknown_corpus_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown corpus"):
        corpus.generate(tmp_path / "repo", 1, corpus="medium")
