"""The review benchmark: `cjmgen diff BASE HEAD` on two commits of many maps."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from cjmgen.config import SiteConfig
from cjmgen.content import gitio
from cjmgen.content.project import load_project
from cjmgen.incremental.kpi_values import KpiValueStore
from cjmgen.review.diff import diff_sides, diff_sources, parse_side
from cjmgen.review.history import compare_revisions, work_tree_blob
from cjmgen.review.kpi_history import kpi_trails
from tools.bench.corpus import review_map


def bench_diff(root: Path, maps: int = 1000, changed: int = 20) -> dict[str, float]:
    """Time `cjmgen diff BASE HEAD` on a repository of `maps` maps where `changed` maps differ.

    Builds the repository in `root` (which must not exist). Seconds: `total`
    for the whole comparison; `read` for the git work in it (two `ls-tree`,
    one `cat-file` of the differing blobs); `diff` for the semantic diff
    (parsing the changed files, comparing); `compare_all_changed` for the
    model comparison alone with every map changed, the worst case.
    """
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "b@example.com",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "b@example.com",
           "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z"}

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(root), *args], env=env, check=True, capture_output=True)

    (root / "maps").mkdir(parents=True)
    git("init", "-q", "-b", "main")
    for number in range(maps):
        (root / f"maps/m{number:04d}.md").write_text(review_map(number, 0), encoding="utf-8")
    git("add", "-A")
    git("commit", "-q", "-m", "base")
    for number in range(changed):
        (root / f"maps/m{number:04d}.md").write_text(review_map(number, 1), encoding="utf-8")
    git("commit", "-q", "-am", "head")
    config = SiteConfig(root=root)
    started = time.perf_counter()
    result = compare_revisions(root, config, "HEAD~1", "HEAD")
    total = time.perf_counter() - started
    assert len(result.maps) == changed
    started = time.perf_counter()
    old_blobs, new_blobs = gitio.list_revision(root, "HEAD~1", "maps"), gitio.list_revision(root, "HEAD", "maps")
    differ = [p for p in old_blobs if old_blobs[p] != new_blobs.get(p)]
    old = gitio.read_blobs(root, {p: old_blobs[p] for p in differ})
    new = gitio.read_blobs(root, {p: new_blobs[p] for p in differ})
    read = time.perf_counter() - started
    started = time.perf_counter()
    diff_sources(config, old, new)
    diffed = time.perf_counter() - started
    everything = gitio.read_revision(root, "HEAD~1", "maps")
    every = {p: review_map(i, 1).encode() for i, p in enumerate(sorted(everything))}
    old_side, new_side = parse_side(config, everything), parse_side(config, every)
    started = time.perf_counter()
    worst = diff_sides(old_side, new_side)
    compare_all = time.perf_counter() - started
    assert len(worst.maps) == maps
    return {"total_seconds": total, "read_seconds": read, "diff_seconds": diffed,
            "compare_all_changed_seconds": compare_all}


def bench_kpi_history(root: Path, maps: int = 1000, commits: int = 4) -> dict[str, float]:
    """Time the KPI history of a build (review.kpi_history) on `maps` maps whose every
    KPI changes in each of `commits` commits: the worst case, every version read.

    Builds the repository in `root` (which must not exist). Seconds: `log` for the
    build's one `git log` (which the map pages' history needed before); `cold` for
    the KPI values of every past version, read with one `git cat-file` and parsed
    (a first build); `warm` for the same with those values kept (every later build).
    """
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "b@example.com",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "b@example.com"}

    def git(*args: str, day: int = 1) -> None:
        date = f"2026-01-{day:02d}T00:00:00Z"
        dated = {**env, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
        subprocess.run(["git", "-C", str(root), *args], env=dated, check=True, capture_output=True)

    (root / "maps").mkdir(parents=True)
    git("init", "-q", "-b", "main")
    for variant in range(commits):
        for number in range(maps):
            (root / f"maps/m{number:04d}.md").write_text(review_map(number, variant), encoding="utf-8")
        git("add", "-A")
        git("commit", "-q", "-m", f"variant {variant}", day=variant + 1)
    project = load_project(root, SiteConfig(root=root))
    config, loaded = project.repo.config, project.repo.maps
    started = time.perf_counter()
    files = gitio.file_history(root, "maps", limit=20)  # as a build reads it
    log = time.perf_counter() - started
    (root / "store").mkdir()
    store = KpiValueStore(lambda create: root / "store")
    current = work_tree_blob(project.repo.sources)  # as a build asks for the work tree's versions
    started = time.perf_counter()
    trails = kpi_trails(root, config, files, loaded, store, current)
    cold = time.perf_counter() - started
    assert len(trails) == maps and all(len(t.points) == commits for found in trails.values() for t in found)
    started = time.perf_counter()
    kpi_trails(root, config, files, loaded, store, current)
    warm = time.perf_counter() - started
    return {"log_seconds": log, "cold_seconds": cold, "warm_seconds": warm}
