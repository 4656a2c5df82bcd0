"""A content folder outside the repository (content_dir elsewhere, or maps/ committed as a
link) is read only when the user asks on the command line or in the environment, and
the run says so (issue 23)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cjmgen.config import ALLOW_OUTSIDE_CONTENT
from tests.helpers.cli import run
from tests.helpers.repos import PERSONA_ANNA, simple_map, write_files

SECRET = "Private plans of another team"


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    return write_files(tmp_path / "elsewhere", {"secret.md": simple_map(SECRET), "personas/anna.md": PERSONA_ANNA})


@pytest.fixture(autouse=True)
def not_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """No permission from the environment; and whatever a run sets is undone after the test."""
    monkeypatch.setenv(ALLOW_OUTSIDE_CONTENT, "0")


def repo_with(tmp_path: Path, elsewhere: Path, how: str) -> Path:
    root = tmp_path / "repo"
    if how == "absolute":
        write_files(root, {"cjmgen.yml": f"title: T\ncontent_dir: {elsewhere}\n"})
    elif how == "relative":
        write_files(root, {"cjmgen.yml": "title: T\ncontent_dir: ../elsewhere\n"})
    else:
        root.mkdir()
        (root / "maps").symlink_to(elsewhere, target_is_directory=True)
    return root


@pytest.mark.parametrize("how, where", [("absolute", "cjmgen.yml:2:14"), ("relative", "cjmgen.yml:2:14"),
                                        ("link", "maps:1:1")])
def test_content_outside_the_repository_is_refused(tmp_path: Path, elsewhere: Path, how: str, where: str) -> None:
    root = repo_with(tmp_path, elsewhere, how)
    for command in (["check"], ["build", "--no-pdf"]):
        result = run(command, root)
        assert result.exit_code == 1, result.output
        assert f"{where}: error: content directory '" in result.output and "[content-outside]" in result.output
        assert "--allow-outside-content" in result.output and SECRET not in result.output
    assert not (root / "site").exists()


@pytest.mark.parametrize("how", ["absolute", "link"])
def test_the_flag_allows_it_and_the_run_says_so(tmp_path: Path, elsewhere: Path, how: str) -> None:
    root = repo_with(tmp_path, elsewhere, how)
    checked = run(["--allow-outside-content", "check"], root)
    assert checked.exit_code == 0, checked.output
    assert f"note: reading content from {elsewhere}, outside the repository" in checked.output
    built = run(["--allow-outside-content", "build", "--no-pdf"], root)
    assert built.exit_code == 0 and "note: reading content from" in built.output
    assert SECRET in (root / "site/maps/secret.html").read_text(encoding="utf-8")


def test_the_environment_setting_allows_it(tmp_path: Path, elsewhere: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = repo_with(tmp_path, elsewhere, "relative")
    monkeypatch.setenv(ALLOW_OUTSIDE_CONTENT, "1")
    result = run(["build", "--no-pdf"], root)
    assert result.exit_code == 0 and "note: reading content from" in result.output, result.output


def test_a_link_that_stays_inside_the_repository_is_fine(tmp_path: Path) -> None:
    root = write_files(tmp_path / "repo", {"content/sofa.md": simple_map("Sofa"), "content/personas/anna.md": PERSONA_ANNA})
    (root / "maps").symlink_to(root / "content", target_is_directory=True)
    result = run(["build", "--no-pdf"], root)
    assert result.exit_code == 0 and "note:" not in result.output, result.output
