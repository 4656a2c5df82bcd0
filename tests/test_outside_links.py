"""A content file that is a symlink to a file outside the repository is never read:
not published, not parsed, not quoted in a diagnostic (a pull request could link a map
to /etc/passwd and have CI print it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.cli import run
from tests.helpers.repos import simple_map, write_files

SECRET = "root:x:0:0:a line that must not leave the server"


@pytest.fixture
def linked_repo(tmp_path: Path) -> Path:
    (tmp_path / "secret.md").write_text(f"---\ntitle: {SECRET}\n---\n{SECRET}\n", encoding="utf-8")
    root = tmp_path / "repo"
    write_files(root, {
        "maps/sofa.md": simple_map("Sofa"),
        "maps/inside-copy.md": simple_map("Chairs"),
        "maps/personas/anna.md": "---\nname: Anna\n---\n",
    })
    (root / "maps/leak.md").symlink_to(tmp_path / "secret.md")
    (root / "maps/alias.md").symlink_to(root / "maps/inside-copy.md")  # a link inside: fine
    return root


@pytest.mark.parametrize("workers", ["1", "2"])  # check in one process and in two
def test_check_reports_the_link_and_never_reads_its_target(linked_repo: Path, workers: str,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CJMGEN_WORKERS", workers)
    result = run(["check"], linked_repo)
    assert result.exit_code == 1
    assert "maps/leak.md:1:1: error: 'maps/leak.md' is a link to a file outside the repository: not read [outside-repository]" in result.output
    assert "root:x" not in result.output and "Traceback" not in result.output
    assert "maps/alias.md" not in result.output  # the link that stays inside is read like any map


def test_build_fails_and_publishes_nothing_from_outside(linked_repo: Path) -> None:
    result = run(["build", "--no-pdf"], linked_repo)
    assert result.exit_code == 1 and "outside-repository" in result.output and "root:x" not in result.output
    assert not (linked_repo / "site").exists()
    (linked_repo / "maps/leak.md").unlink()
    assert run(["build", "--no-pdf"], linked_repo).exit_code == 0
    published = "".join(p.read_text(encoding="utf-8", errors="replace") for p in (linked_repo / "site").rglob("*.html"))
    assert "root:x" not in published and (linked_repo / "site/maps/alias.html").is_file()


def test_json_diagnostics_name_the_link_too(linked_repo: Path) -> None:
    result = run(["check", "--format", "json"], linked_repo)
    assert result.exit_code == 1 and '"outside-repository"' in result.output and "root:x" not in result.output


def test_theme_overrides_read_nothing_from_outside(linked_repo: Path, tmp_path: Path) -> None:
    (linked_repo / "maps/leak.md").unlink()
    write_files(linked_repo, {"cjmgen.yml": "theme: {custom_dir: overrides}\n", "overrides/static/ok.css": "b {}\n"})
    (linked_repo / "overrides/static/leak.txt").symlink_to(tmp_path / "secret.md")
    assert run(["build", "--no-pdf"], linked_repo).exit_code == 0
    assert (linked_repo / "site/static/ok.css").is_file() and not (linked_repo / "site/static/leak.txt").exists()
    # a template override that links out: the build stops and says why
    (linked_repo / "overrides/templates").mkdir()
    (linked_repo / "overrides/templates/404.html").symlink_to(tmp_path / "secret.md")
    result = run(["build", "--no-pdf"], linked_repo)
    assert result.exit_code == 1 and "template '404.html' is a link to a file outside" in result.output
    assert "root:x" not in result.output and "Traceback" not in result.output
    # and the overrides folder itself must be in the repository
    write_files(linked_repo, {"cjmgen.yml": f"theme: {{custom_dir: '{tmp_path}'}}\n"})
    result = run(["build", "--no-pdf"], linked_repo)
    assert result.exit_code == 1 and "is outside the repository" in result.output
