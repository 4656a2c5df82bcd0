"""The handout honours a map's own `language:`: an English map in a Russian handout gets
English labels, “quotes”, English numbers and `lang="en"`; the rest stays Russian."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from cjmgen.content.project import load_project
from cjmgen.pdf.publish import plan_handout, printer_for
from cjmgen.site.render import SiteRenderer
from cjmgen.site.theme import load_theme, make_environment
from tests.helpers.cli import run
from tests.test_map_language import repo  # noqa: F401 - the Russian site with an English and a Russian map


def handout_html(root: Path) -> str:
    project = load_project(root)
    theme = load_theme(project.repo.config)
    renderer = SiteRenderer(project.repo, theme, make_environment(theme), project.markdown, project.as_of)
    (planned,) = plan_handout(printer_for(renderer), list(renderer.catalog.maps))
    return planned.job.html


def chapter(html: str, title: str) -> str:
    """The markup of the map chapter whose sheet carries `title`."""
    chapters = re.split(r'(?=<section class="chapter map-chapter")', html)
    (found,) = [c for c in chapters[1:] if f">{title}" in c]
    return found.split('<section class="chapter" id="owners"')[0]


def test_the_chapter_of_an_english_map_speaks_english(repo: Path) -> None:
    html = handout_html(repo)
    assert '<html lang="ru">' in html and "Как читать" in html  # the handout itself stays Russian
    english, russian = chapter(html, "Buying chairs"), chapter(html, "Покупка дивана")
    assert 'lang="en"' in english.split(">", 1)[0]
    assert "Overall conversion" in english and "Общая конверсия" not in english
    assert "Stage 1 of 2" in english and "0.55%" in english
    assert "“Found you through an ad”" in english
    assert "lang=" not in russian.split(">", 1)[0]
    assert "Этап 1 из 2" in russian and "«Нашла вас по рекламе»" in russian and "0,55" in russian


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_printed_handout_shows_the_english_map_in_english(repo: Path, tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    result = run(["pdf", "--handout", "-o", str(tmp_path / "handout.pdf")], repo)
    assert result.exit_code == 0, result.output
    # (the stage kicker is set in capitals: compare casefolded)
    pages = [page.extract_text().casefold() for page in pypdf.PdfReader(str(tmp_path / "handout.pdf")).pages]
    english = [p for p in pages if "buying chairs · stage 1 of 2" in p]
    assert english and "“found you through an ad”" in english[0] and "этап" not in english[0]
    assert any("покупка дивана · этап 1 из 2" in p and "«нашла вас по рекламе»" in p for p in pages)
