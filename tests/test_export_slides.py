"""`cjmgen export --format svg|png|pptx`: 16:9 slides of the grid and each chart, standalone, same bytes twice."""

from __future__ import annotations

import io
import re
import struct
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from cjmgen.interchange.slides import STAGES_PER_SLIDE, slide_groups
from tests.helpers.cli import run
from tests.helpers.repos import complete_stage, simple_map

SVG = "{http://www.w3.org/2000/svg}"


def svg_texts(path: Path) -> str:
    root = ET.fromstring(path.read_bytes())
    return " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk, the first after the signature."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def many_stages(count: int) -> str:
    stages = "".join(complete_stage(f"Step {n} of the long road", f"s{n}", 1000 - n * 10, (n % 5) - 2)
                     for n in range(1, count + 1))
    return f"---\ntitle: Long journey\npersona: anna\nreviewed: 2026-10-01\nstages:\n{stages}---\n"


def test_svg_slides_are_16_9_standalone_and_name_every_stage(make_repo, tmp_path: Path) -> None:
    root = make_repo({"maps/b2c/sofa.md": simple_map()})
    out = tmp_path / "slides"
    result = run(["export", "--format", "svg", "--output-dir", str(out)], root)
    assert result.exit_code == 0, result.output
    folder = out / "b2c/sofa"
    assert sorted(p.name for p in folder.iterdir()) == ["emotion.svg", "funnel.svg", "graph.svg", "grid.svg",
                                                        "kpis.svg"]
    for path in folder.iterdir():
        text = path.read_text(encoding="utf-8")
        root_element = ET.fromstring(text.encode())
        assert root_element.tag == f"{SVG}svg"
        assert root_element.get("viewBox") == "0 0 1920 1080", path
        assert root_element.get("font-family") == "sans-serif"
        # standalone: no link, image or font from anywhere, only references inside the file
        assert "http://" not in text.replace("http://www.w3.org/2000/svg", "") and "https://" not in text
        assert "href=" not in text.replace('href="#', "") and "@import" not in text and "url(" not in \
            text.replace("url(#", "")
        assert "Buying a sofa" in svg_texts(path)
    grid = svg_texts(folder / "grid.svg")
    assert "1. Awareness" in grid and "2. Deal" in grid and "Goal of Awareness" in grid and "Goals" in grid
    for chart in ("emotion", "funnel", "graph"):
        texts = svg_texts(folder / f"{chart}.svg")
        assert "Awareness" in texts and "Deal" in texts, chart
    assert "KPI Deal" in svg_texts(folder / "kpis.svg")
    again = tmp_path / "again"
    assert run(["export", "--format", "svg", "--output-dir", str(again), "b2c/sofa"], root).exit_code == 0
    for path in folder.iterdir():
        assert (again / "b2c/sofa" / path.name).read_bytes() == path.read_bytes()


def test_many_stages_go_on_several_grid_slides_of_near_equal_width(make_repo, tmp_path: Path) -> None:
    assert [len(g) for g in slide_groups(14)] == [5, 5, 4]
    assert [len(g) for g in slide_groups(STAGES_PER_SLIDE)] == [STAGES_PER_SLIDE]
    assert [len(g) for g in slide_groups(7)] == [4, 3]
    root = make_repo({"maps/long.md": many_stages(14)})
    out = tmp_path / "slides"
    assert run(["export", "--format", "svg", "--output-dir", str(out), "long"], root).exit_code == 0
    grids = sorted((out / "long").glob("grid-*.svg"))
    assert [p.name for p in grids] == ["grid-1.svg", "grid-2.svg", "grid-3.svg"]
    texts = [svg_texts(p) for p in grids]
    assert "Stages 1–5 of 14" in texts[0] and "Stages 11–14 of 14" in texts[2]
    for number in range(1, 15):
        holders = [i for i, t in enumerate(texts) if re.search(rf"(?<!\d){number}\. Step {number}\b", t)]
        assert len(holders) == 1, number  # every stage on exactly one grid slide
    # the journey graph too: a row of the same stages a slide, under their names
    graphs = [svg_texts(out / f"long/graph-{n}.svg") for n in (1, 2, 3)]
    assert "1. Step 1 of the" in graphs[0] and "11. Step 11 of the" in graphs[2] and "Step 6" not in graphs[0]
    assert not (out / "long/graph.svg").exists()
    # 14 KPIs, ten a slide at most: two slides of seven
    assert sorted(p.name for p in (out / "long").glob("kpis-*.svg")) == ["kpis-1.svg", "kpis-2.svg"]


def test_a_crowded_cell_shows_what_fits_then_how_many_more(make_repo, tmp_path: Path) -> None:
    goals = "    goals: [" + ", ".join(f"Goal number {n} with quite a few words in it" for n in range(9)) + "]\n"
    text = simple_map().replace("    goals: Goal of Awareness\n", goals)
    root = make_repo({"maps/b2c/sofa.md": text})
    out = tmp_path / "slides"
    assert run(["export", "--format", "svg", "--output-dir", str(out)], root).exit_code == 0
    grid = svg_texts(out / "b2c/sofa/grid.svg")
    assert "Goal number 0" in grid and "Goal number 8" not in grid
    shown = sum(f"• Goal number {n} " in grid for n in range(9))
    assert 1 <= shown < 9 and f"+{9 - shown} more" in grid


def test_png_slides_are_1920_by_1080_and_show_the_stages(make_repo, tmp_path: Path) -> None:
    pytest.importorskip("pypdfium2")
    from pypdf import PdfReader

    from cjmgen.interchange.raster import slides_pdf
    from cjmgen.interchange.slides import map_slides

    root = make_repo({"maps/b2c/sofa.md": simple_map()})
    out = tmp_path / "png"
    result = run(["export", "--format", "png", "--output-dir", str(out), "b2c/sofa"], root)
    assert result.exit_code == 0, result.output
    pngs = sorted((out / "b2c/sofa").iterdir())
    assert [p.name for p in pngs] == ["emotion.png", "funnel.png", "graph.png", "grid.png", "kpis.png"]
    for path in pngs:
        assert png_size(path.read_bytes()) == (1920, 1080), path
    from PIL import Image

    with Image.open(pngs[3]) as grid:  # drawn, not blank: the dark corner cell and the blue stage heads
        assert grid.getpixel((70, 190)) == (27, 27, 27) and grid.getpixel((600, 190)) == (36, 113, 163)
    again = tmp_path / "again"
    assert run(["export", "--format", "png", "--output-dir", str(again), "b2c/sofa"], root).exit_code == 0
    assert (again / "b2c/sofa/grid.png").read_bytes() == pngs[3].read_bytes()
    # the PNGs are drawn from this PDF of the same slides: its text has the stage names
    from cjmgen.content.project import load_project
    from cjmgen.i18n.labels import Locale

    journey_map = load_project(root).repo.maps[0]
    pdf = PdfReader(io.BytesIO(slides_pdf([s.svg for s in map_slides(journey_map, Locale("en"))])))
    assert len(pdf.pages) == 5
    grid_text = pdf.pages[0].extract_text()
    assert "Awareness" in grid_text and "Deal" in grid_text
    box = pdf.pages[0].mediabox
    assert round(float(box.width) / float(box.height), 3) == round(16 / 9, 3)


def test_pptx_is_a_title_slide_and_one_picture_a_slide(make_repo, tmp_path: Path) -> None:
    pptx = pytest.importorskip("pptx")
    root = make_repo({"maps/b2c/sofa.md": simple_map(), "cjmgen.yml": "language: ru\n"})
    out = tmp_path / "deck"
    result = run(["export", "--format", "pptx", "--output-dir", str(out)], root)
    assert result.exit_code == 0, result.output
    deck_file = out / "b2c/sofa.pptx"
    deck = pptx.Presentation(str(deck_file))
    assert (deck.slide_width, deck.slide_height) == (12192000, 6858000)  # 16:9
    slides = list(deck.slides)
    assert len(slides) == 6
    assert slides[0].shapes.title.text == "Buying a sofa"
    assert slides[0].placeholders[1].text.replace("\u00a0", " ") == "Карта пути клиента · этапов: 2 · на 1 октября 2026"
    names = [[shape.name for shape in slide.shapes] for slide in slides[1:]]
    assert names == [["Этапы 1–2 из 2"], ["Кривая эмоций"], ["Воронка"], ["Путь"], ["KPI"]]
    for slide in slides[1:]:
        (picture,) = slide.shapes
        assert picture.shape_type == pptx.enum.shapes.MSO_SHAPE_TYPE.PICTURE
        assert (picture.left, picture.top, picture.width, picture.height) == (0, 0, 12192000, 6858000)
        assert png_size(picture.image.blob) == (1920, 1080)
    first = deck_file.read_bytes()
    assert run(["export", "--format", "pptx", "--output-dir", str(out)], root).exit_code == 0
    assert deck_file.read_bytes() == first  # same map, same bytes


def test_slides_need_an_output_folder_and_never_write_through_a_link(make_repo, tmp_path: Path) -> None:
    root = make_repo({"maps/b2c/sofa.md": simple_map()})
    result = run(["export", "--format", "svg"], root)
    assert result.exit_code == 2 and "--output-dir" in result.output
    out = tmp_path / "slides"
    (out / "b2c/sofa").mkdir(parents=True)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep", encoding="utf-8")
    (out / "b2c/sofa/grid.svg").symlink_to(victim)
    result = run(["export", "--format", "svg", "--output-dir", str(out)], root)
    assert result.exit_code == 2 and "symbolic link" in result.output  # a request cjmgen refuses: exit 2
    assert victim.read_text(encoding="utf-8") == "keep"


@pytest.mark.parametrize(("module", "fmt", "extra"), [("pptx", "pptx", "cjmgen[pptx]"),
                                                      ("pypdfium2", "png", "cjmgen[slides]")])
def test_a_missing_library_is_named_with_its_extra(make_repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   module: str, fmt: str, extra: str) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # `import pptx` raises ImportError, as when not installed
    root = make_repo({"maps/b2c/sofa.md": simple_map()})
    out = tmp_path / "out"
    result = run(["export", "--format", fmt, "--output-dir", str(out)], root)
    assert result.exit_code == 2 and f"pip install '{extra}'" in result.output and "Traceback" not in result.output
    assert not list(out.rglob("*.*"))  # nothing half written
