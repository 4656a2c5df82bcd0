"""The build's stages: the theme is loaded and digested once, body problems found while
pages render stop the build like any other, and the old site stays."""

from __future__ import annotations

from pathlib import Path

import pytest

import cjmgen.build.pipeline as pipeline
from cjmgen.build.pipeline import BuildOptions, build
from cjmgen.site.theme import Theme, load_theme
from tests.helpers.repos import simple_map


def test_the_theme_is_loaded_and_digested_once_per_build(make_repo, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_repo({"cjmgen.yml": "title: Once\n", "maps/a.md": simple_map("Map A")})
    loads, digests = [], []
    real_load, real_digest = load_theme, Theme.digest

    def counting_load(config):
        loads.append(config)
        return real_load(config)

    def counting_digest(theme: Theme) -> str:
        digests.append(theme)
        return real_digest(theme)

    monkeypatch.setattr(pipeline, "load_theme", counting_load)
    monkeypatch.setattr(Theme, "digest", counting_digest)
    result = build(root, BuildOptions(output=tmp_path / "site", pdf=False))
    assert result.written, result.diagnostics
    assert (len(loads), len(digests)) == (1, 1)
    (root / "maps" / "a.md").write_text(simple_map("Map A, edited"), encoding="utf-8")
    result = build(root, BuildOptions(output=tmp_path / "site", pdf=False))
    assert result.written and "Map A, edited" in (tmp_path / "site" / "maps" / "a.html").read_text(encoding="utf-8")
    assert (len(loads), len(digests)) == (2, 2)


def test_a_body_warning_found_while_rendering_stops_a_strict_build_and_keeps_the_old_site(make_repo, tmp_path: Path) -> None:
    root = make_repo({"cjmgen.yml": "title: Bodies\n", "maps/a.md": simple_map("Map A")})
    site = tmp_path / "site"
    first = build(root, BuildOptions(output=site, pdf=False, strict=True))
    assert first.written and not first.diagnostics
    before = (site / "maps" / "a.html").read_bytes()
    (root / "maps" / "a.md").write_text(simple_map("Map A2", body="See [gone](missing.md).\n"), encoding="utf-8")
    result = build(root, BuildOptions(output=site, pdf=False, strict=True))  # the link is a warning
    assert not result.written
    assert any("missing.md" in d.message and d.location is not None and d.location.path == "maps/a.md"
               for d in result.diagnostics), result.diagnostics
    assert (site / "maps" / "a.html").read_bytes() == before


def test_a_theme_that_cannot_load_is_reported_once_the_maps_are_checked(make_repo, tmp_path: Path) -> None:
    root = make_repo({"cjmgen.yml": "title: Theme\ntheme: no-such-theme\n", "maps/a.md": simple_map("Map A")})
    result = build(root, BuildOptions(output=tmp_path / "site", pdf=False))
    assert not result.written
    assert [d.code for d in result.diagnostics if d.severity.value == "error"] == ["theme"], result.diagnostics
    assert not (tmp_path / "site").exists()
