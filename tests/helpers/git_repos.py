"""Real git repositories for the review tests, with fixed identities and dates."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

from tests.helpers.repos import write_files

IDENTITY = {
    "GIT_AUTHOR_NAME": "Olga Reviewer", "GIT_AUTHOR_EMAIL": "olga@example.com",
    "GIT_COMMITTER_NAME": "Olga Reviewer", "GIT_COMMITTER_EMAIL": "olga@example.com",
    "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
}


def git(root: Path, *args: str, date: str = "2026-01-10T10:00:00+00:00", author: str | None = None) -> str:
    env = {**os.environ, **IDENTITY, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    if author:
        env["GIT_AUTHOR_NAME"] = author
    result = subprocess.run(["git", "-C", str(root), *args], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def init(root: Path, files: Mapping[str, str | bytes] | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    if files:
        write_files(root, files)
    return root


def commit(root: Path, message: str, date: str, files: Mapping[str, str | bytes] | None = None,
           remove: tuple[str, ...] = (), moves: dict[str, str] | None = None, author: str | None = None) -> str:
    """Write, delete and `git mv` files, then commit everything; returns the commit id."""
    for old, new in (moves or {}).items():
        (root / new).parent.mkdir(parents=True, exist_ok=True)
        git(root, "mv", old, new)
    if files:
        write_files(root, files)
    for path in remove:
        git(root, "rm", "-q", path)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, date=date, author=author)
    return git(root, "rev-parse", "HEAD").strip()
