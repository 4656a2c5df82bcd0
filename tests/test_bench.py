"""The benchmark's generator and runner at a tiny size (no timing is asserted here)."""

from __future__ import annotations

import filecmp
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run

from cjmgen import bench
from cjmgen.build.pipeline import BuildOptions, build
from cjmgen.content.project import load_project


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_generated_repository_is_deterministic_and_nested(tmp_path: Path) -> None:
    small = bench.generate(tmp_path / "a", 12, git=False)
    again = bench.generate(tmp_path / "b", 12, git=False)
    larger = bench.generate(tmp_path / "c", 15, git=False)
    assert _tree(small) == _tree(again)  # same seed, same bytes
    for path, data in _tree(small).items():
        assert _tree(larger)[path] == data  # map i is the same file at every size
    assert bench.generate(tmp_path / "d", 12, seed=7, git=False).joinpath("maps/seg1/m00001.md").read_bytes() \
        != (small / "maps/seg1/m00001.md").read_bytes()


def test_generated_repository_passes_check_with_every_lane_filled(tmp_path: Path) -> None:
    root = bench.generate(tmp_path / "repo", 20)
    result = run(["check"], root)
    assert result.exit_code == 0, result.output
    assert "no problems found" in result.output
    project = load_project(root)
    assert not project.diagnostics.items
    repo = project.repo
    assert len(repo.maps) == 20 and len(repo.personas) == len(bench.PERSONAS) and repo.channels
    lanes = ("goals", "actions", "thoughts", "quotes", "touchpoints", "kpis", "obstacles", "triggers",
             "push", "opportunities", "backstage")
    for journey_map in repo.maps:
        assert len(journey_map.stages) == 6
        for stage in journey_map.stages:
            assert all(getattr(stage, lane) for lane in lanes), (journey_map.id, stage.id)
            assert stage.owner and stage.emotion is not None and stage.count
    languages = {bench.map_spec(i).language for i in range(20)}
    assert languages == {"ru", "en"}
    body = (root / bench.map_spec(4).path).read_text(encoding="utf-8")
    assert "|---|" in body and "\n## " in body  # tables and stage sections
    assert any(m.state == "future" and m.current for m in repo.maps)


def test_parallel_build_gives_the_bytes_of_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = bench.generate(tmp_path / "repo", 50)
    outputs = {}
    for workers in ("1", "2", "3"):
        monkeypatch.setenv("CJMGEN_WORKERS", workers)
        result = build(root, BuildOptions(output=tmp_path / f"site-{workers}", pdf=False))
        assert result.written and not result.diagnostics, result.diagnostics
        outputs[workers] = tmp_path / f"site-{workers}"
    for workers in ("2", "3"):
        compared = filecmp.dircmp(outputs["1"], outputs[workers])
        assert _tree(outputs["1"]) == _tree(outputs[workers]), compared.report()


def test_unchanged_build_writes_nothing_and_any_change_rebuilds(tmp_path: Path) -> None:
    root = bench.generate(tmp_path / "repo", 6)
    first = build(root, BuildOptions(pdf=False))
    site = root / "site"
    stamp = (site / "index.html").stat().st_mtime_ns
    again = build(root, BuildOptions(pdf=False))
    assert again.written and again.pages == first.pages and again.diagnostics == first.diagnostics
    assert (site / "index.html").stat().st_mtime_ns == stamp  # nothing was rewritten
    (site / "stray.txt").write_text("x")  # the output folder changed: a real build replaces it
    build(root, BuildOptions(pdf=False))
    assert not (site / "stray.txt").exists()
    path = root / bench.map_spec(1).path
    path.write_text(path.read_text(encoding="utf-8").replace("target: 40", "target: 99", 1), encoding="utf-8")
    changed = build(root, BuildOptions(pdf=False))
    page = (site / "maps" / f"{bench.map_spec(1).id}.html").read_text(encoding="utf-8")
    assert changed.written and "99" in page
    # Content is compared by its bytes: same size, same time, other text still rebuilds.
    before = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace("target: 99", "target: 77", 1), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    build(root, BuildOptions(pdf=False))
    assert "77" in (site / "maps" / f"{bench.map_spec(1).id}.html").read_text(encoding="utf-8")


def test_bench_runs_at_a_tiny_size(tmp_path: Path) -> None:
    report = tmp_path / "results.md"
    data = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, "-m", "cjmgen.bench", "--sizes", "3", "--runs", "1", "--no-compare", "--no-pdf",
         "--no-serve", "--diff-maps", "5", "--work", str(tmp_path / "work"), "--write", str(report),
         "--json", str(data)],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "full build" in done.stdout and "3 maps" in done.stdout
    assert "# Benchmark results" in report.read_text(encoding="utf-8")
    figures = json.loads(data.read_text(encoding="utf-8"))["sizes"]["3"]
    assert {"full", "nochange", "onechange", "check", "check_cold"} <= set(figures)
    search = json.loads(data.read_text(encoding="utf-8"))["search"]["3"]
    assert 0 < search["first_keypress"] < search["one_word_query_at_most"] <= search["whole_index"]
    assert "first keypress" in report.read_text(encoding="utf-8")


def test_each_round_runs_every_contender_in_turn() -> None:
    """A burst of load then slows every tool of a round, not every run of one."""
    from cjmgen.bench import Contender, Run, SizeResult, race

    order: list[str] = []

    def contender(key: str) -> Contender:
        return Contender(key, key, lambda index: order.append(f"prepare {key} {index}"),
                         lambda: order.append(key) or Run(0.5, 10.0, 0, ""))

    result = SizeResult(3)
    race([contender("full"), contender("floor")], 2, result, lambda _: None)
    assert order == ["prepare full 0", "full", "prepare floor 0", "floor",
                     "prepare full 1", "full", "prepare floor 1", "floor"]
    assert result.figures["full"].values == [0.5, 0.5] and result.figures["floor"].peak_rss == 10.0
