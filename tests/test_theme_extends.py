"""`extends:` between themes: a theme that builds on another shadows its templates, static
files, catalogs and option defaults, and reaches the base's own template as `!<base>/...`."""

from __future__ import annotations

from pathlib import Path

import pytest

import cjmgen.site.theme as theme_module
from cjmgen.config import load_config
from cjmgen.diagnostics import Diagnostics
from cjmgen.site.theme import ThemeError, load_theme
from tests.helpers.cli import run
from tests.helpers.repos import PERSONA_ANNA, simple_map, write_files

BRAND = {
    "brand/theme.yml": "extends: default\naccent: '#7b1fa2'\nrecent_maps: 3\n",
    "brand/templates/map.html": (
        '{% extends "!default/map.html" %}\n'
        '{% block content %}<p class="brand-banner">Brand journeys</p>{{ super() }}{% endblock %}\n'
    ),
    "brand/static/brand-logo.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>\n',
    "brand/i18n/en.yml": "labels:\n  index: All our journeys\n",
}


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder of installed themes searched before cjmgen's own (where `default` is)."""
    themes = tmp_path / "themes"
    builtin = theme_module.theme_search_path()
    monkeypatch.setattr(theme_module, "theme_search_path", lambda: [themes, *builtin])
    return themes


def repo(tmp_path: Path, theme: str) -> Path:
    return write_files(tmp_path / "repo", {
        "cjmgen.yml": f"title: Journeys\ntheme: {theme}\n",
        "maps/personas/anna.md": PERSONA_ANNA,
        "maps/sofa.md": simple_map(title="Buying a sofa"),
    })


def test_a_theme_builds_on_the_theme_it_extends(tmp_path: Path, installed: Path) -> None:
    write_files(installed, BRAND)
    root = repo(tmp_path, "brand")
    result = run(["build", "--no-pdf"], root)
    assert result.exit_code == 0, result.output
    site = root / "site"
    page = (site / "maps" / "sofa.html").read_text(encoding="utf-8")
    # its own map.html, extending the base's own copy: the banner, then the whole default page
    assert page.count('class="brand-banner"') == 1 and "Buying a sofa" in page and 'class="stage' in page
    # templates it does not have come from the base theme
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "brand-banner" not in index
    # its catalog over the base's (and the built-in one), its option defaults over the base's
    assert "All our journeys" in index and "#7b1fa2" in index
    # its static files beside the base's
    published = {p.name for p in site.rglob("*") if p.is_file()}
    assert "brand-logo.svg" in published and "style.css" in published


def test_the_repository_options_still_win_over_the_themes(tmp_path: Path, installed: Path) -> None:
    write_files(installed, BRAND)
    root = repo(tmp_path, "brand")
    (root / "cjmgen.yml").write_text("title: J\ntheme: {name: brand, accent: '#00aa00'}\n", encoding="utf-8")
    theme = load_theme(load_config(root, Diagnostics()))
    assert theme.options["accent"] == "#00aa00" and theme.options["recent_maps"] == 3
    assert "extends" not in theme.options
    assert theme.options["per_page"] == 100  # from default's theme.yml
    # the base theme's files shape the output too: editing them makes pages stale
    assert any(p.parent.name == "default" or "default" in p.parts for p in theme.files())
    assert [name for name, _ in theme.bases] == ["default"]


@pytest.mark.parametrize(("files", "message"), [
    ({"brand/theme.yml": "extends: nowhere\n", "brand/templates/.keep": ""},
     "theme 'brand' extends 'nowhere': theme 'nowhere' not found"),
    ({"brand/theme.yml": "extends: other\n", "brand/templates/.keep": "",
      "other/theme.yml": "extends: brand\n", "other/templates/.keep": ""},
     "theme 'other' extends 'brand', which extends it again: brand → other → brand"),
    ({"brand/theme.yml": "extends: ../default\n", "brand/templates/.keep": ""},
     "is not a theme name"),
    ({"brand/theme.yml": "extends: [default]\n", "brand/templates/.keep": ""},
     "extends must name a theme"),
])
def test_a_broken_extends_is_a_clear_error(tmp_path: Path, installed: Path, files: dict[str, str],
                                           message: str) -> None:
    write_files(installed, files)
    root = repo(tmp_path, "brand")
    with pytest.raises(ThemeError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_theme(load_config(root, Diagnostics()))
    result = run(["build", "--no-pdf"], root)
    assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output
    assert not (root / "site").exists()
