"""Printed pages a person can read: the bundled maps built to PDF and read back with pdfplumber.

No text under 6.5 pt on any page (A3 infographics, an A1 poster, the handout with its A3
fold-out map pages), no handout page holding only a few lines, whole lane labels, figures
never split from their units, a real minus, authored percentages printed like computed ones.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from cjmgen.build.pipeline import build
from tests.helpers.cli import run
from tests.helpers.repos import PROJECT

pdfplumber = pytest.importorskip("pdfplumber")
pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

MIN_PT = 6.5
# (offline/showroom-walk-in is a draft: it gets no PDF)
MAPS = ["desktop/sofa-ads", "en/office-chairs-b2b", "mobile/sofa-search", "mobile/sofa-search-future"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("readable") / "example"
    shutil.copytree(PROJECT / "maps", root / "maps")
    shutil.copy(PROJECT / "cjmgen.yml", root / "cjmgen.yml")
    result = build(root)
    assert result.written, result.diagnostics
    return root


def small_text(pdf_path: Path) -> list[tuple[int, float, str]]:
    found = []
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            small = [c for c in page.chars if c["text"].strip() and c["size"] < MIN_PT - 0.01]
            if small:
                found.append((number, min(c["size"] for c in small), "".join(c["text"] for c in small)[:60]))
    return found


def page_texts(pdf_path: Path) -> list[str]:
    with pdfplumber.open(pdf_path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


@pytest.mark.parametrize("map_id", MAPS)
def test_no_text_under_six_and_a_half_points_on_a3(site: Path, map_id: str) -> None:
    assert small_text(site / f"site/maps/{map_id}.pdf") == []


def test_no_text_under_six_and_a_half_points_in_the_handout(site: Path) -> None:
    handout = site / "site/handout.pdf"
    assert small_text(handout) == []
    with pdfplumber.open(handout) as pdf:  # the map pages fold out as A3 landscape
        sizes = {(round(p.width), round(p.height)) for p in pdf.pages}
    assert sizes == {(595, 842), (1191, 842)}


def test_no_text_under_six_and_a_half_points_on_a_poster(site: Path, tmp_path: Path) -> None:
    result = run(["pdf", "--poster", "A1", "mobile/sofa-search", "-o", str(tmp_path / "a1.pdf")], site)
    assert result.exit_code == 0, result.output
    assert small_text(tmp_path / "a1.pdf") == []


def test_no_handout_page_holds_only_a_few_lines(site: Path) -> None:
    with pdfplumber.open(site / "site/handout.pdf") as pdf:
        thin = []
        for number, page in enumerate(pdf.pages, start=1):
            body = [w for w in page.extract_words() if 40 < w["top"] < page.height - 45]  # no running head, footer
            lines = {round(w["top"]) for w in body}
            if number > 1 and len(lines) <= 4:
                thin.append((number, " ".join(w["text"] for w in body)[:80]))
    assert thin == []


def test_lane_labels_are_whole_words(site: Path) -> None:
    text = "\n".join(page_texts(site / "site/maps/mobile/sofa-search.pdf"))
    for label in ("Толкающее", "действие", "Ответственный", "Возможности", "Препятствия"):
        assert label in text
    assert not re.search(r"[А-ЯЁа-яё]-\n", text.replace("-\n-", "")), "a hyphenated line end"


def test_figures_stay_with_their_units_and_print_like_computed_ones(site: Path) -> None:
    pages = page_texts(site / "site/maps/desktop/sofa-ads.pdf") + page_texts(site / "site/maps/mobile/sofa-search.pdf")
    text = "\n".join(pages).replace("\u00a0", " ").replace("\u202f", " ")
    assert "60 000 ₽" in text  # an obstacle's, and Anna's budget in the side column
    assert not re.search(r"\d\n[\d ]*000|\d\n₽|000\n₽", text), "a figure broken across lines"
    assert "7,5 %" in text and "7.5%" not in text  # authored "7.5%" printed the Russian way
    assert "−2" in text and "-2" not in text.replace("2026-", "")  # a real minus in the figures
