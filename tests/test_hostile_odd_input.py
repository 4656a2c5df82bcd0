"""Odd input on the command line and in maps: clear messages, never an internal error."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import check_json, run, simple_map

LONG = "r" * 10_000


def _git_repo(make_repo) -> Path:
    root = make_repo({"maps/a.md": simple_map()})
    for args in (["init", "-q"], ["add", "-A"],
                 ["-c", "user.name=T", "-c", "user.email=t@e", "commit", "-qm", "one"]):
        subprocess.run(["git", *args], cwd=root, check=True)
    return root


@pytest.mark.parametrize("args", [
    ["diff", LONG], ["diff", "HEAD", LONG], ["diff", LONG, "HEAD"], ["diff", LONG + ".md", "HEAD"],
    ["build", "--no-pdf", "--compare", LONG],
])
def test_a_ten_thousand_character_revision_is_a_clear_error(make_repo, args: list[str]) -> None:
    root = _git_repo(make_repo)
    result = run(args, root)
    assert result.exit_code in (1, 2)
    assert "internal error" not in result.output and "Traceback" not in result.output
    assert "characters (" in result.output or "no such file" in result.output, result.output[:500]
    assert len(result.output) < 2_000  # the name is shortened, not printed whole
