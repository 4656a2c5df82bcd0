"""A repository does not choose where on the machine cjmgen writes: `output_dir` (or a
`site` committed as a link) that leads out of the repository is an error; `--output`
on the command line may go anywhere (issue 23)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.cli import run
from tests.helpers.repos import simple_map


@pytest.mark.parametrize("how", ["relative", "absolute", "link"])
def test_an_output_folder_outside_the_repository_is_refused(make_repo, tmp_path: Path, how: str) -> None:
    victim = tmp_path / "public_html"
    victim.mkdir()
    files = {"maps/sofa.md": simple_map("Sofa")}
    if how != "link":
        files["cjmgen.yml"] = "title: T\noutput_dir: " + ("../public_html" if how == "relative" else str(victim)) + "\n"
    root = make_repo(files)
    if how == "link":
        (root / "site").symlink_to(victim, target_is_directory=True)
    result = run(["build", "--no-pdf"], root)
    assert result.exit_code == 1, result.output
    where = "cjmgen.yml:2:13" if how != "link" else "site:1:1"
    assert f"{where}: error: output_dir '" in result.output and "pass --output DIR" in result.output
    assert list(victim.iterdir()) == [] and [p.name for p in tmp_path.iterdir() if "public_html" in p.name] == ["public_html"]


def test_the_command_line_may_write_anywhere(make_repo, tmp_path: Path) -> None:
    root = make_repo({"maps/sofa.md": simple_map("Sofa"), "cjmgen.yml": "output_dir: ../public_html\n"})
    result = run(["build", "--no-pdf", "--output", str(tmp_path / "www")], root)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "www/maps/sofa.html").is_file() and not (tmp_path / "public_html").exists()
