"""The benchmark's runner at a tiny size (no timing is asserted here); it lives outside the package."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.helpers.repos import PROJECT
from tools.bench.run import Contender, SizeResult, race
from tools.bench.timing import Run


def _bench(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tools.bench", *args], capture_output=True, text=True,
                          timeout=600, cwd=PROJECT)


def test_bench_runs_at_a_tiny_size_on_both_corpora(tmp_path: Path) -> None:
    report = tmp_path / "results.md"
    data = tmp_path / "results.json"
    done = _bench("--sizes", "3", "--runs", "1", "--no-compare", "--no-pdf", "--no-serve", "--diff-maps", "5",
                  "--work", str(tmp_path / "work"), "--write", str(report), "--json", str(data))
    assert done.returncode == 0, done.stderr
    assert "full build" in done.stdout and "3 maps" in done.stdout
    text = report.read_text(encoding="utf-8")
    assert "# Benchmark results" in text and "python -m tools.bench" in text
    assert "HTML build, heavy maps" in text and "HTML build, light maps" in text
    results = json.loads(data.read_text(encoding="utf-8"))
    for kind in ("sizes", "light"):
        assert {"full", "nochange", "onechange", "check", "check_cold"} <= set(results[kind]["3"])
    search = results["search"]["3"]
    assert 0 < search["first_keypress"] < search["one_word_query_at_most"] <= search["whole_index"]
    assert "first keypress" in text
    assert "Review (`cjmgen diff`, 5 maps, 5 changed)" in text


def test_light_maps_are_timed_against_the_floor(tmp_path: Path) -> None:
    done = _bench("--sizes", "2", "--runs", "1", "--corpus", "light", "--no-pdf", "--no-serve", "--no-diff",
                  "--work", str(tmp_path / "work"))
    assert done.returncode == 0, done.stderr
    assert "HTML build, light maps" in done.stdout and "heavy maps" not in done.stdout
    assert "| Python floor" in done.stdout and "| cjmgen ÷ floor (target ≤ 2) |" in done.stdout
    assert "MkDocs" not in done.stdout.split("### HTML build", 1)[1]  # compared on the heavy maps only


def test_unknown_corpus_is_a_usage_error() -> None:
    done = _bench("--corpus", "medium")
    assert done.returncode == 2 and "unknown corpus medium" in done.stderr


def test_side_by_side_times_two_checkouts_alternately(tmp_path: Path) -> None:
    """The same checkout on both sides: every scenario has a figure for each, and the table says so."""
    out = tmp_path / "sbs.md"
    done = _bench("--baseline", str(PROJECT), "--sizes", "2", "--runs", "2", "--corpus", "light",
                  "--serve-saves", "2", "--work", str(tmp_path / "work"), "--write", str(out))
    assert done.returncode == 0, done.stderr
    table = out.read_text(encoding="utf-8")
    rows = [line for line in table.splitlines() if line.startswith("| light | 2 |")]
    assert [row.split(" | ")[2] for row in rows] == [
        "cold build", "no-change rebuild", "one-map edit", "serve: save → page", "serve: rebuild"]
    for row in rows:
        cells = row.strip("| ").split(" | ")
        assert cells[3].endswith(" s") or cells[3].endswith(" ms"), row
        assert cells[4].endswith(" s") or cells[4].endswith(" ms"), row
        assert cells[5].endswith("%") or cells[5].endswith("✅") or cells[5].endswith("❌"), row
    log = done.stderr
    assert log.index("round 1 of 2") < log.index("round 2 of 2")
    blocks = [line.split(": ", 1)[1] for line in log.splitlines() if "'s serve, saves" in line]
    assert blocks == ["baseline's serve, saves 1 of 2", "new's serve, saves 1 of 2",
                      "new's serve, saves 2 of 2", "baseline's serve, saves 2 of 2"]
    assert not list((tmp_path / "work").glob("sbs-light-2-*"))  # each side's copy removed
    assert "medians of 2 rounds for builds (serve: of 2 saves)" in table


def test_a_baseline_that_is_no_checkout_is_refused(tmp_path: Path) -> None:
    done = _bench("--baseline", str(tmp_path), "--sizes", "2", "--work", str(tmp_path / "work"))
    assert done.returncode == 1 and "is not a cjmgen checkout" in done.stderr


def test_each_round_runs_every_contender_in_turn() -> None:
    """A burst of load then slows every tool of a round, not every run of one."""
    order: list[str] = []

    def contender(key: str) -> Contender:
        def prepare(index: int) -> None:
            order.append(f"prepare {key} {index}")

        def measure() -> Run:
            order.append(key)
            return Run(0.5, 10.0, 0, "")

        return Contender(key, key, prepare, measure)

    result = SizeResult(3)
    race([contender("full"), contender("floor")], 2, result, lambda _: None)
    assert order == ["prepare full 0", "full", "prepare floor 0", "floor",
                     "prepare full 1", "full", "prepare floor 1", "floor"]
    assert result.figures["full"].values == [0.5, 0.5] and result.figures["floor"].peak_rss == 10.0


def test_the_benchmark_is_not_part_of_the_package() -> None:
    """Editing the benchmark must not change cjmgen's code stamp (every .py file of the package)."""
    package = PROJECT / "cjmgen"
    assert not list(package.rglob("bench*.py"))
    for path in package.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "tools.bench" not in text and "import tools" not in text, path
