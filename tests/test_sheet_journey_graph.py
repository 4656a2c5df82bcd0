"""The journey graph on the printed sheet (A3 infographic, A0–A2 posters, the handout's
fold-out): a row under the stage columns when the journey branches or loops, so a loop
back to an earlier stage is visible on paper; a straight journey prints as before."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from cjmgen import charts
from cjmgen.content.model import Map, Stage
from cjmgen.content.project import load_project
from cjmgen.i18n.labels import Locale
from cjmgen.pdf.layout import PageSpec
from cjmgen.pdf.publish import plan_maps, printer_for
from cjmgen.site.render import SiteRenderer
from cjmgen.site.theme import load_theme, make_environment
from tests.helpers.cli import run
from tests.helpers.repos import complete_stage

NS = "{http://www.w3.org/2000/svg}"


def looping_map(stages: int = 4, loop_from: int = 3) -> str:
    body = "".join(complete_stage(f"Stage {i}", f"s{i}", 1000 // i, 0) for i in range(1, stages + 1))
    body = body.replace(f"  - id: s{loop_from}\n", f"  - id: s{loop_from}\n    next: [s{loop_from + 1}, s1]\n")
    return f"---\ntitle: Looping\npersona: anna\nreviewed: 2026-10-01\nstages:\n{body}---\n"


STRAIGHT = looping_map().replace("    next: [s4, s1]\n", "")


def print_html(root: Path, page: str = "A3", poster: bool = False) -> str:
    project = load_project(root)
    theme = load_theme(project.repo.config)
    renderer = SiteRenderer(project.repo, theme, make_environment(theme), project.markdown, project.as_of)
    (planned,) = plan_maps(printer_for(renderer), list(renderer.catalog.maps), PageSpec.parse(page), poster=poster)
    return planned.job.html


def graph_rows(html: str) -> list[ET.Element]:
    return [ET.fromstring(svg) for svg in re.findall(r'<td class="graph-cell"[^>]*>(<svg.*?</svg>)</td>', html, re.DOTALL)]


@pytest.mark.parametrize(("page", "poster"), [("A3", False), ("A1", True)])
def test_a_looping_journey_prints_its_graph_under_the_columns(make_repo, page: str, poster: bool) -> None:
    root = make_repo({"cjmgen.yml": "title: Maps\n", "maps/loop.md": looping_map()})
    (row,) = graph_rows(print_html(root, page, poster))
    nodes = [g for g in row.iter(f"{NS}g") if "graph-node" in g.get("class", "")]
    assert [g.get("data-stage") for g in nodes] == ["s1", "s2", "s3", "s4"]
    assert ["".join(g.itertext()).split(":")[-1].strip()[-1] for g in nodes] == ["1", "2", "3", "4"]
    loops = [g for g in row.iter(f"{NS}g") if "graph-edge-loop" in g.get("class", "")]
    assert [(g.get("data-source"), g.get("data-target")) for g in loops] == [("s3", "s1")]
    # each node centred in its column: the row is as wide as the columns together
    width = float(row.get("width", "0"))
    rects = [float(r.get("x", "0")) + float(r.get("width", "0")) / 2 for r in row.iter(f"{NS}rect")]
    assert [round(x / width * 4 - 0.5, 2) for x in rects] == [0, 1, 2, 3]


def test_a_straight_journey_prints_no_graph_row(make_repo) -> None:
    root = make_repo({"cjmgen.yml": "title: Maps\n", "maps/line.md": STRAIGHT})
    html = print_html(root)
    assert "lane-graph" not in html and "graph-cell" not in html


def test_a_loop_to_a_stage_on_another_sheet_runs_off_the_sheet_edge() -> None:
    stages = tuple(Stage(id=f"s{i}", name=f"Stage {i}") for i in range(1, 7))
    stages = (*stages[:5], Stage(id="s6", name="Stage 6", next=("s1",)))
    journey_map = Map(id="m", path="maps/m.md", title="M", stages=stages)
    second = ET.fromstring(charts.journey_row(journey_map, Locale("en"), first=3, end=6, column_width=200))
    nodes = [g.get("data-stage") for g in second.iter(f"{NS}g") if "graph-node" in g.get("class", "")]
    assert nodes == ["s4", "s5", "s6"]
    (loop,) = [g for g in second.iter(f"{NS}g") if "graph-edge-loop" in g.get("class", "")]
    path = loop.find(f"{NS}path")
    assert path is not None and min(float(x) for x in re.findall(r"-?\d+\.\d", path.get("d", ""))) < 0
    label = loop.find(f"{NS}text")
    assert label is not None and 0 < float(label.get("x", "-1")) < 600  # the label stays on the sheet
    desc = second.find(f"{NS}desc")
    assert desc is not None and f"Stage 6 → Stage 1 ({Locale('en').label('loop')})" in (desc.text or "")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_printed_loop_is_labelled_and_legible(make_repo, tmp_path: Path) -> None:
    pdfplumber = pytest.importorskip("pdfplumber")
    root = make_repo({"cjmgen.yml": "title: Maps\n", "maps/loop.md": looping_map()})
    result = run(["pdf", "loop", "-o", str(tmp_path / "loop.pdf")], root)
    assert result.exit_code == 0, result.output
    with pdfplumber.open(tmp_path / "loop.pdf") as pdf:
        words = [w for page in pdf.pages for w in page.extract_words(extra_attrs=["size"])]
    first_word = Locale("en").label("loop").split()[0]  # "loop back"
    loop_words = [w for w in words if w["text"].startswith(first_word)]  # (SVG text has no space glyph)
    assert loop_words and min(w["size"] for w in loop_words) >= 6.5
    assert "Journey" in {w["text"] for w in words}
