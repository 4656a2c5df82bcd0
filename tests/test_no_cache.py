"""`--no-cache` and CJMGEN_NO_CACHE=1 (incremental.store.NoCaches): a build or a serve session
that reads and keeps no cache gives the bytes of a cached one and leaves `.cjmgen-cache/` alone."""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import pytest

from cjmgen.build.pipeline import BuildOptions
from cjmgen.incremental.cache_dir import CACHE_ROOT
from cjmgen.incremental.rebuild import PreviewBuilds, SiteBuilder
from cjmgen.incremental.store import NO_CACHE_VARIABLE, Caches, NoCaches
from tests.helpers.cli import run
from tests.helpers.repos import simple_map, write_files
from tests.helpers.text import search
from tests.test_incremental import random_edit, start_repository
from tests.test_page_reuse import problems, tree


def git_repository(root: Path) -> None:
    """Commit everything in `root`: the pages show each map's history."""
    env = {"GIT_AUTHOR_DATE": "2026-10-01T12:00:00Z", "GIT_COMMITTER_DATE": "2026-10-01T12:00:00Z",
           "GIT_AUTHOR_NAME": "Anna", "GIT_AUTHOR_EMAIL": "anna@example.com",
           "GIT_COMMITTER_NAME": "Anna", "GIT_COMMITTER_EMAIL": "anna@example.com", "PATH": "/usr/bin:/bin"}
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "maps"]):
        subprocess.run(["git", *command], cwd=root, env=env, check=True)


@pytest.fixture(autouse=True)
def caching_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """Caches are on unless a test turns them off (the suite may run under CJMGEN_NO_CACHE)."""
    monkeypatch.delenv(NO_CACHE_VARIABLE, raising=False)


def random_repository(root: Path, seed: int) -> tuple[random.Random, list[int]]:
    """test_incremental's repository of random maps; the generator and counter of its edits."""
    rng = random.Random(seed)
    return rng, start_repository(root, rng, maps=5)


def test_for_run_chooses_no_cache_by_flag_or_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert type(Caches.for_run(tmp_path)) is Caches
    assert type(Caches.for_run(tmp_path, no_cache=True)) is NoCaches
    for value, chosen in (("1", NoCaches), ("yes", NoCaches), ("0", Caches), ("", Caches)):
        monkeypatch.setenv(NO_CACHE_VARIABLE, value)
        assert type(Caches.for_run(tmp_path)) is chosen, value
    none = NoCaches(tmp_path)
    assert (none.parse_cache(), none.pdf_cache(), none.build_records(create=True),
            none.compiled_templates(sandboxed=False), none.compiled_templates(sandboxed=True),
            none.signer, none.notes()) == (None, None, None, None, None, None, [])
    assert not (tmp_path / CACHE_ROOT).exists()


def test_a_build_without_cache_gives_the_bytes_of_a_cold_and_a_warm_one(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    rng, counter = random_repository(root, 7)
    git_repository(root)
    plain = tmp_path / "plain"
    shutil.copytree(root, plain)
    cold = run(["build", "--no-pdf"], root)
    assert cold.exit_code == 0, cold.output
    assert (root / CACHE_ROOT / "parsed").is_dir() and (root / CACHE_ROOT / "build").is_dir()
    first = run(["build", "--no-pdf", "--no-cache"], plain)
    assert first.exit_code == 0, first.output
    assert problems(first.output) == problems(cold.output)
    assert tree(plain / "site") == tree(root / "site")
    assert not (plain / CACHE_ROOT).exists()
    for _ in range(4):  # edits: the cached build keeps pages, the other renders them all
        random_edit(rng, root, counter)
        shutil.rmtree(plain / "maps")
        shutil.copytree(root / "maps", plain / "maps")
        warm = run(["build", "--no-pdf"], root)
        fresh = run(["build", "--no-pdf", "--no-cache"], plain)
        assert (fresh.exit_code, problems(fresh.output)) == (warm.exit_code, problems(warm.output))
        assert tree(plain / "site") == tree(root / "site")
        assert not (plain / CACHE_ROOT).exists()


def test_the_environment_variable_turns_every_cache_off(make_repo, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_repo({"maps/a.md": simple_map("Buying a sofa"), "maps/b.md": simple_map("Returning a sofa")})
    monkeypatch.setenv(NO_CACHE_VARIABLE, "1")
    for _ in range(2):  # the second would be "up to date" with a build record
        result = run(["build", "--no-pdf"], root)
        assert result.exit_code == 0 and "wrote" in result.output
    assert run(["check"], root).exit_code == 0
    assert not (root / CACHE_ROOT).exists()
    built = tree(root / "site")
    monkeypatch.delenv(NO_CACHE_VARIABLE)
    assert run(["build", "--no-pdf"], root).exit_code == 0
    assert (root / CACHE_ROOT / "parsed").is_dir() and tree(root / "site") == built


def test_a_build_without_cache_reads_no_cache_file(make_repo) -> None:
    """A damaged cache is not even looked at: its files stay as they are."""
    root = make_repo({"maps/a.md": simple_map("Buying a sofa")})
    assert run(["build", "--no-pdf"], root).exit_code == 0
    cached = tree(root / CACHE_ROOT)
    write_files(root, {"maps/a.md": simple_map("Buying a sofa, edited")})
    result = run(["build", "--no-pdf", "--no-cache"], root)
    assert result.exit_code == 0 and "edited" in (root / "site/maps/a.html").read_text(encoding="utf-8")
    assert tree(root / CACHE_ROOT) == cached


def test_serve_without_cache_renders_every_page_and_gives_the_same_files(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    rng, counter = random_repository(root, 3)
    cached = PreviewBuilds(SiteBuilder(root, BuildOptions(pdf=False)))
    uncached = PreviewBuilds(SiteBuilder(root, BuildOptions(pdf=False), NoCaches(root)), defer=None)
    cached.defer = None
    reused = 0
    for step in range(6):
        if step:
            random_edit(rng, root, counter)
        with_cache, without = cached(), uncached()
        assert with_cache.ok == without.ok
        assert cached.previous == uncached.previous
        if without.ok:
            assert " 0 reused" in without.summary, without.summary
            reused += int(search(r"(\d+) reused", with_cache.summary)[1])
    assert reused > 0 and not (root / CACHE_ROOT).exists()


def test_the_cli_takes_no_cache_for_build_and_serve() -> None:
    for command in ("build", "serve", "pdf"):
        result = run([command, "--help"])
        assert result.exit_code == 0 and "--no-cache" in result.output, command
