"""Words and figures stay whole: journey-graph node names wrap between words only,
figures in Markdown prose keep their units (no-break spaces), and a map without KPIs
says so instead of "0 of 0"."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from cjmgen import charts
from cjmgen.content.markdown import MarkdownRenderer
from cjmgen.content.model import Map, Stage
from cjmgen.i18n.labels import Locale
from cjmgen.pdf.document import handout_graph_width
from tests.helpers.cli import run
from tests.helpers.repos import simple_map

NS = "{http://www.w3.org/2000/svg}"
NBSP = "\u00a0"


def node_lines(svg: str) -> dict[str, list[str]]:
    """Each node's printed lines, by stage id."""
    root = ET.fromstring(svg)
    out = {}
    for group in root.iter(f"{NS}g"):
        if "graph-node" in group.get("class", ""):
            out[group.get("data-stage", "")] = [t.text or "" for t in group.iter(f"{NS}text")]
    return out


def long_names() -> Map:
    names = ["Осведомлённость", "Рекомендательность клиента", "Сравнение предложений", "Сделка"]
    stages = tuple(Stage(id=f"s{i}", name=name) for i, name in enumerate(names))
    return Map(id="m", path="maps/m.md", title="M", stages=stages)


@pytest.mark.parametrize("node_width", [120, 80, 56])
def test_graph_node_names_wrap_between_words_never_inside_one(node_width: int) -> None:
    journey_map = long_names()
    lines = node_lines(charts.journey_graph(journey_map, Locale("ru"), node_width=node_width))
    for stage in journey_map.stages:
        printed = lines[stage.id]
        assert not any(line.endswith("-") for line in printed), printed
        assert " ".join(printed) == stage.name  # every word whole, none cut with …


def test_a_name_too_long_for_two_lines_is_cut_after_a_whole_word() -> None:
    stages = (Stage(id="s", name="Сравнение предложений конкурентов на рынке"),)
    (lines,) = node_lines(charts.journey_graph(Map(id="m", path="m.md", title="M", stages=stages), Locale("ru"))).values()
    assert lines == ["Сравнение", "предложений…"]


def test_a_node_is_at_least_as_wide_as_its_longest_word() -> None:
    journey_map = long_names()
    narrowest = charts.min_node_width(journey_map.stages)
    assert narrowest >= len("Рекомендательность") * 11 * charts.CHAR_WIDTH_EM
    root = ET.fromstring(charts.journey_graph(journey_map, Locale("ru"), node_width=56))
    widths = {float(r.get("width", "0")) for r in root.iter(f"{NS}rect")}
    assert widths == {narrowest}


def test_the_handout_graph_takes_the_fold_out_page_rather_than_split_words() -> None:
    assert handout_graph_width(4) == (120.0, False)  # short names: A4 as before
    width, wide = handout_graph_width(9, narrowest=130.0)
    assert width >= 130.0 and wide


def test_figures_in_markdown_prose_keep_their_units() -> None:
    renderer = MarkdownRenderer()
    html = renderer.render(renderer.parse(
        "Бюджет до 60 000 ₽, диван за 29 900 ₽ и **скидка 5 %**.\n\n"
        "- 3 дня на доставку\n\n`до 60 000 ₽` в коде как есть"
    ))
    assert f"до{NBSP}60{NBSP}000{NBSP}₽" in html
    assert f"29{NBSP}900{NBSP}₽" in html
    assert f"<strong>скидка 5{NBSP}%</strong>" in html
    assert f"3{NBSP}дня" in html
    assert "<code>до 60 000 ₽</code>" in html  # code is printed as written


@pytest.mark.parametrize("text", [
    "Бюджет до 60 000 ₽", "от - до", "от −5 до +5", "за 3 дня", "around 12 000 RUB", "5,5 %",
    "без цифр вовсе", "", " ", "up to 10", "№ 7", "от\u00a0-1", "год 2026", "٣ ٤٥٦", "до ٣",
])
def test_keeping_figures_together_skips_text_without_a_figure_and_nothing_else(text: str) -> None:
    """keep_together's quick return for text with no digit or minus gives what its three rules give."""
    from cjmgen.content import figures

    spelled_out = figures._BEFORE_NUMBER.sub(
        lambda m: m.group(1) + NBSP, figures._UNIT_AFTER.sub(NBSP, figures._GROUP_SPACE.sub(NBSP, text)))
    assert figures.keep_together(text) == spelled_out


def test_a_map_page_keeps_figures_of_its_notes_together(tmp_path: Path, make_repo) -> None:
    body = "## Awareness\n\nЦена до 60 000 ₽ пугает.\n"
    root = make_repo({"cjmgen.yml": "title: Maps\n", "maps/sofa.md": simple_map(body=body)})
    assert run(["build", "--no-pdf"], root).exit_code == 0
    page = (root / "site/maps/sofa.html").read_text(encoding="utf-8")
    assert f"до{NBSP}60{NBSP}000{NBSP}₽" in page


NO_KPIS = """---
title: Without KPIs
persona: anna
reviewed: 2026-10-01
stages:
  - name: Awareness
    goals: [Notice us]
    emotion: 1
  - name: Deal
    goals: [Buy]
    emotion: -1
---
"""


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_a_map_without_kpis_does_not_score_zero_of_zero(tmp_path: Path, make_repo) -> None:
    pypdf = pytest.importorskip("pypdf")
    root = make_repo({"cjmgen.yml": "title: Maps\n", "maps/plain.md": NO_KPIS})
    result = run(["pdf", "plain", "-o", str(tmp_path / "plain.pdf")], root)
    assert result.exit_code == 0, result.output
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(str(tmp_path / "plain.pdf")).pages)
    assert "0 of 0" not in text and "KPIs" in text
    assert run(["build", "--no-pdf"], root).exit_code == 0
    page = (root / "site/maps/plain.html").read_text(encoding="utf-8")
    assert "0 of 0" not in page
