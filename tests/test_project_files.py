"""The files a team looks for before adopting a tool: licence, changelog, one version."""

from __future__ import annotations

import re
import tomllib

from cjmgen import __version__
from tests.helpers.cli import run
from tests.helpers.repos import PROJECT


def test_the_licence_is_the_one_pyproject_names() -> None:
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT"
    text = (PROJECT / "LICENSE").read_text()
    assert text.startswith("MIT License") and "Permission is hereby granted, free of charge" in text


def test_the_version_lives_in_one_place() -> None:
    pyproject = tomllib.loads((PROJECT / "pyproject.toml").read_text())
    assert "version" not in pyproject["project"] and pyproject["project"]["dynamic"] == ["version"]
    assert pyproject["tool"]["hatch"]["version"]["path"] == "cjmgen/__init__.py"
    assert run(["--version"]).output.strip().endswith(__version__)


def test_the_changelog_has_unreleased_changes_and_this_version() -> None:
    text = (PROJECT / "CHANGELOG.md").read_text()
    headings = re.findall(r"^## \[([^\]]+)\]", text, re.MULTILINE)
    assert headings[0] == "Unreleased" and __version__ in headings


def test_no_extra_installs_what_nothing_imports() -> None:
    extras = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert "serve" not in extras
    assert all("livereload" not in requirement for group in extras.values() for requirement in group)
    installed = re.search(r"-e '\.\[([^\]]*)\]'", (PROJECT / "Makefile").read_text())
    assert installed is not None and installed[1].split(",") == ["pdf", "slides", "pptx", "test"]
