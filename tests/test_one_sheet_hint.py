"""A map that A3 splits over several sheets (to keep type at 6.5 pt or more) gets a hint
naming the smallest poster that holds it on one sheet, and that poster does."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.helpers.cli import run
from tests.helpers.text import search
from tests.test_sheet_journey_graph import looping_map

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def test_a_split_map_names_the_poster_that_holds_it_on_one_sheet(example_repo: Path, tmp_path: Path) -> None:
    result = run(["pdf", "mobile/sofa-search", "-o", str(tmp_path / "a3.pdf")], example_repo)
    assert result.exit_code == 0, result.output
    pages = int(search(r"a3\.pdf \((\d+) pages", result.output)[1])
    assert pages > 1
    hint = re.search(r"hint: mobile/sofa-search takes \d+ pages .*: cjmgen pdf --poster (A\d) mobile/sofa-search",
                     result.output)
    assert hint, result.output
    poster = run(["pdf", "--poster", hint[1], "mobile/sofa-search", "-o", str(tmp_path / "one.pdf")], example_repo)
    assert poster.exit_code == 0 and "(1 page," in poster.output, poster.output


def test_a_map_on_one_sheet_gets_no_hint(make_repo, tmp_path: Path) -> None:
    root = make_repo({"cjmgen.yml": "title: Maps\n", "maps/loop.md": looping_map()})
    result = run(["pdf", "loop", "-o", str(tmp_path / "loop.pdf")], root)
    assert result.exit_code == 0 and "(1 page," in result.output, result.output
    assert "hint:" not in result.output and "--poster" not in result.output
