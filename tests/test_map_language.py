"""A map in its own language on a site in another: its page and its PDF follow the map."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.helpers.cli import check_json, run
from tests.helpers.repos import PERSONA_ANNA, write_files

EN_MAP = """---
title: Buying chairs
language: en
persona: anna
reviewed: 2026-10-01
stages:
  - name: Awareness
    quotes: [{text: Found you through an ad, source: interview}]
    count: 2000
  - name: Deal
    count: 11
---
"""
RU_MAP = EN_MAP.replace("title: Buying chairs\nlanguage: en", "title: Покупка дивана").replace(
    "Found you through an ad", "Нашла вас по рекламе")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return write_files(tmp_path / "repo", {
        "cjmgen.yml": "title: Карты\nlanguage: ru\n",
        "maps/personas/anna.md": PERSONA_ANNA,
        "maps/chairs.md": EN_MAP,
        "maps/sofa.md": RU_MAP,
    })


def test_the_page_of_an_english_map_on_a_russian_site_is_english(repo: Path) -> None:
    assert run(["build", "--no-pdf"], repo).exit_code == 0
    page = (repo / "site/maps/chairs.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in page
    assert "Overall conversion" in page and "Общая конверсия" not in page
    assert "0.55%" in page  # 11 of 2,000 in English numbers, not "0,55 %"
    russian = (repo / "site/maps/sofa.html").read_text(encoding="utf-8")
    assert '<html lang="ru">' in russian and "Общая конверсия" in russian and "0,55" in russian


def test_a_map_language_is_checked(repo: Path) -> None:
    (repo / "maps/chairs.md").write_text(EN_MAP.replace("language: en", "language: de"), encoding="utf-8")
    (problem,) = [d for d in check_json(repo)["diagnostics"] if d["code"] == "value"]
    assert "'language' must be one of en, ru" in problem["message"] and problem["line"] == 3


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_pdf_of_an_english_map_is_english(repo: Path, tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    result = run(["pdf", "chairs", "-o", str(tmp_path / "chairs.pdf")], repo)
    assert result.exit_code == 0, result.output
    reader = pypdf.PdfReader(str(tmp_path / "chairs.pdf"))
    assert reader.trailer["/Root"].get("/Lang") == "en"
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Overall conversion" in text and "Общая конверсия" not in text
    assert re.search(r"0\.55\s?%", text) and "“Found you through an ad”" in text
