"""A long PDF render (a first build of a large repository) says how far it has got, and
keeps what it rendered when it is stopped."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from cjmgen.build.pipeline import BuildOptions, build
from tests.test_pdf import RU_CONFIG, make_ru_repo


def test_progress_lines_come_after_a_while_and_then_now_and_then() -> None:
    from cjmgen.pdf.publish import PROGRESS_AFTER, PROGRESS_EVERY, RenderProgress

    times = iter([0.0, 1.0, PROGRESS_AFTER + 1, PROGRESS_AFTER + 2, PROGRESS_AFTER + PROGRESS_EVERY + 5, 999.0])
    lines: list[str] = []
    progress = RenderProgress(5, lines.append, clock=lambda: next(times))
    for _ in range(5):
        progress(None)  # type: ignore[arg-type]  # a stand-in result: only its arrival is counted
    # the first within 10 s says nothing; then one line, one more 30 s later; the last is the build's own line
    assert lines == [f"PDF: 2 of 5 rendered ({PROGRESS_AFTER + 1:.0f} s)",
                     f"PDF: 4 of 5 rendered ({PROGRESS_AFTER + PROGRESS_EVERY + 5:.0f} s)"]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_a_build_reports_its_pdf_render_through_the_progress_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cjmgen.pdf import publish

    monkeypatch.setattr(publish, "PROGRESS_AFTER", 0.0)
    root = make_ru_repo(tmp_path / "repo", commit=False)
    (root / "cjmgen.yml").write_text(RU_CONFIG.replace("pdf: {page_size: A3 landscape}", "pdf: {handout: false}"), encoding="utf-8")
    lines: list[str] = []
    result = build(root, BuildOptions(progress=lines.append))
    assert result.written and result.pdfs_rendered == 2
    assert len(lines) == 1 and re.fullmatch(r"PDF: 1 of 2 rendered \(\d+ s\)", lines[0]), lines
    again: list[str] = []
    assert build(root, BuildOptions(progress=again.append)).written and again == []  # nothing rendered: silent


def test_the_progress_option_is_not_an_input_of_the_build() -> None:
    # the up-to-date check digests repr(options): a callable there would rebuild every time
    assert repr(BuildOptions(progress=print)) == repr(BuildOptions())


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdfs_rendered_before_an_interruption_are_kept_for_the_next_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cjmgen.pdf import engine

    monkeypatch.setenv("CJMGEN_PDF_WORKERS", "1")  # in this process, one after the other
    real = engine.render_job
    started: list[str] = []

    def stopped_at_the_second(job):
        started.append(job.name)
        if len(started) == 2:
            raise KeyboardInterrupt  # Ctrl-C, or a CI time limit
        return real(job)

    monkeypatch.setattr(engine, "render_job", stopped_at_the_second)
    root = make_ru_repo(tmp_path / "repo", commit=False)
    (root / "cjmgen.yml").write_text(RU_CONFIG.replace("pdf: {page_size: A3 landscape}", "pdf: {handout: false}"), encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        build(root)
    assert not (root / "site").exists() and not list(root.glob(".site.new-*"))  # nothing published, no half-written folder
    monkeypatch.setattr(engine, "render_job", real)
    again = build(root)
    assert again.written and again.pdfs == 2 and again.pdfs_rendered == 1  # the first came from the cache
