"""A build whose inputs are unchanged writes nothing; any change of content or output rebuilds."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cjmgen.build.pipeline import BuildOptions, build
from tools.bench import corpus


def test_unchanged_build_writes_nothing_and_any_change_rebuilds(tmp_path: Path) -> None:
    root = corpus.generate(tmp_path / "repo", 6)
    first = build(root, BuildOptions(pdf=False))
    site = root / "site"
    stamp = (site / "index.html").stat().st_mtime_ns
    again = build(root, BuildOptions(pdf=False))
    assert again.written and again.pages == first.pages and again.diagnostics == first.diagnostics
    assert (site / "index.html").stat().st_mtime_ns == stamp  # nothing was rewritten
    (site / "stray.txt").write_text("x")  # the output folder changed: a real build replaces it
    build(root, BuildOptions(pdf=False))
    assert not (site / "stray.txt").exists()
    path = root / corpus.map_spec(1).path
    path.write_text(path.read_text(encoding="utf-8").replace("target: 40", "target: 99", 1), encoding="utf-8")
    changed = build(root, BuildOptions(pdf=False))
    page = (site / "maps" / f"{corpus.map_spec(1).id}.html").read_text(encoding="utf-8")
    assert changed.written and "99" in page
    # Content is compared by its bytes: same size, same time, other text still rebuilds.
    before = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace("target: 99", "target: 77", 1), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    build(root, BuildOptions(pdf=False))
    assert "77" in (site / "maps" / f"{corpus.map_spec(1).id}.html").read_text(encoding="utf-8")


def test_an_unchanged_build_reads_nothing_although_its_lock_file_is_in_the_repository(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The output lock (`.site.lock` beside `site/`) is rewritten by every build; were it an
    input, the up-to-date check would never pass and every build would parse and check."""
    from cjmgen.build import pipeline
    from cjmgen.build.output_lock import lock_path

    root = corpus.generate(tmp_path / "repo", 4)
    first = build(root, BuildOptions(pdf=False))
    assert lock_path(root / "site").is_file()  # it is in the walked repository

    def no_load(*_: object) -> None:
        raise AssertionError("an unchanged build parsed the content")

    monkeypatch.setattr(pipeline, "_load", no_load)
    again = build(root, BuildOptions(pdf=False))
    assert again.pages == first.pages and again.written
