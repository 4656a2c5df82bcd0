"""The review tests' git repositories (tests/helpers/git_repos.py) are reproducible."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.git_repos import commit, init


def test_commits_are_reproducible(tmp_path: Path) -> None:
    first = init(tmp_path / "a", {"maps/x.md": "x\n"})
    second = init(tmp_path / "b", {"maps/x.md": "x\n"})
    assert commit(first, "one", "2026-01-10T10:00:00+00:00") == commit(second, "one", "2026-01-10T10:00:00+00:00")
