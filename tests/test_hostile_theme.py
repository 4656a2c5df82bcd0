"""The theme is named, never a path; overrides stay in the repository; theme options
that go into CSS are CSS values (issue 23)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.cli import run
from tests.helpers.repos import simple_map, write_files


@pytest.fixture
def outside_theme(tmp_path: Path) -> Path:
    """A theme folder somewhere else on the machine, whose index would show it was used."""
    folder = tmp_path / "elsewhere-theme"
    write_files(folder, {"templates/index.html": "LOADED FROM OUTSIDE\n", "static/secret.txt": "secret\n"})
    return folder


@pytest.mark.parametrize("setting, column", [
    ("theme: {path}", 8), ("theme: ../../elsewhere-theme", 8), ("theme: {{name: '{path}'}}", 15),
    ("theme: {{name: ../x}}", 15), ("theme: .hidden", 8), ("theme: default/../../x", 8),
])
def test_a_theme_name_that_is_a_path_is_refused_at_its_position(make_repo, outside_theme: Path,
                                                                 setting: str, column: int) -> None:
    root = make_repo({"maps/sofa.md": simple_map("Sofa"), "cjmgen.yml": "title: T\n" + setting.format(path=outside_theme) + "\n"})
    for command in (["check"], ["build", "--no-pdf"]):
        result = run(command, root)
        assert result.exit_code == 1, result.output
        assert f"cjmgen.yml:2:{column}: error: theme" in result.output and "is not a theme name" in result.output
        assert "Traceback" not in result.output
    assert not (root / "site").exists()


@pytest.mark.parametrize("folder", ["/etc", "../outside", "overrides/../../x"])
def test_custom_dir_outside_the_repository_is_refused_at_its_position(make_repo, folder: str) -> None:
    root = make_repo({"maps/sofa.md": simple_map("Sofa"), "cjmgen.yml": f"theme:\n  custom_dir: '{folder}'\n"})
    result = run(["check"], root)
    assert result.exit_code == 1 and "cjmgen.yml:2:15: error: theme.custom_dir: '" in result.output
    assert "is outside the repository" in result.output


@pytest.mark.parametrize("accent", [
    "red; } body { background: url(http://evil.example/x) }", "url(http://evil.example/x)",
    "#fff;}*{color:red", "rgb(1,2,3)) url(http://x", "expression(alert(1))", "</style><script>alert(1)</script>",
])
def test_a_theme_option_cannot_inject_css(make_repo, accent: str) -> None:
    root = make_repo({"maps/sofa.md": simple_map("Sofa"), "cjmgen.yml": f"theme:\n  accent: {accent!r}\n"})
    result = run(["build", "--no-pdf"], root)
    assert result.exit_code == 1
    assert "cjmgen.yml:2:11: error: theme.accent: expected a CSS colour" in result.output
    assert not (root / "site").exists()


@pytest.mark.parametrize("accent", ["'#7b1fa2'", "teal", "'rgb(31 111 235)'", "'hsl(210, 80%, 50%)'", "'#abcd'"])
def test_real_colours_are_accepted(make_repo, accent: str) -> None:
    root = make_repo({"maps/sofa.md": simple_map("Sofa"), "cjmgen.yml": f"theme:\n  accent: {accent}\n"})
    result = run(["build", "--no-pdf"], root)
    assert result.exit_code == 0, result.output
    assert f"--accent: {accent.strip(chr(39))};" in (root / "site/index.html").read_text(encoding="utf-8")
