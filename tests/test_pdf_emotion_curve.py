"""The emotion curve on paper: faces read back from the PDFs keep the order and spacing of the scores.

The drawn faces are found in the real PDF (pdfplumber reads the vector paths):
a face is a filled circle in one of the five emotion colours inside the pale
positive/negative bands of the emotion row. Their centres must sit higher for
higher scores, evenly spaced, with the neutral face on the dashed baseline,
on A3, on an A1 poster and in the A4 handout, for 2, 5 and 12 stages.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from cjmgen.build.pipeline import build
from cjmgen.charts import EMOTION_COLOURS
from tests.helpers.cli import run
from tests.helpers.repos import CHANNELS, PERSONA_ANNA, write_files

pdfplumber = pytest.importorskip("pdfplumber")
pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")

MAPS = {
    "two-a": [2, -2],
    "two-b": [-1, 0],
    "five": [1, 0, -1, -2, 2],
    "twelve": [2, -2, 0, 1, -1, 2, 0, -2, 1, -1, 0, 2],
}
BANDS = {"#eafaf1", "#fdedec"}


def _rgb(hex_colour: str) -> tuple[float, float, float]:
    red, green, blue = (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return red, green, blue


def _same(colour: object, hex_colour: str) -> bool:
    if not isinstance(colour, (tuple, list)) or len(colour) != 3:
        return False
    return all(abs(a - b) < 0.01 for a, b in zip(colour, _rgb(hex_colour)))


@dataclass(frozen=True)
class Face:
    value: int
    x: float
    y: float  # centre, from the top of the page
    size: float


@dataclass(frozen=True)
class Row:
    top: float
    bottom: float
    faces: tuple[Face, ...]


def emotion_rows(pdf_path: Path) -> list[list[Row]]:
    """Per page, every emotion row (the union of its two bands) with the faces drawn in it."""
    pages = []
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            shapes = [*page.rects, *page.curves]
            bands = [s for s in shapes if any(_same(s.get("non_stroking_color"), c) for c in BANDS)]
            rows: list[Row] = []
            for band in sorted(bands, key=lambda b: (b["top"], b["x0"])):
                # the positive band sits right on top of the negative one: merge them
                for index, row in enumerate(rows):
                    if abs(row.top - band["bottom"]) < 1 or abs(row.bottom - band["top"]) < 1:
                        rows[index] = Row(min(row.top, band["top"]), max(row.bottom, band["bottom"]), ())
                        break
                else:
                    rows.append(Row(band["top"], band["bottom"], ()))
            found = []
            for row in rows:
                faces = []
                for shape in page.curves:
                    width, height = shape["x1"] - shape["x0"], shape["bottom"] - shape["top"]
                    centre = (shape["top"] + shape["bottom"]) / 2
                    if not (shape.get("fill") and abs(width - height) < 0.5 and row.top <= centre <= row.bottom):
                        continue
                    for value, colour in EMOTION_COLOURS.items():
                        if _same(shape.get("non_stroking_color"), colour):
                            faces.append(Face(value, (shape["x0"] + shape["x1"]) / 2, centre, width))
                found.append(Row(row.top, row.bottom, tuple(sorted(faces, key=lambda f: f.x))))
            pages.append([row for row in found if row.faces])
    return pages


def assert_curve_truthful(row: Row, values: list[int]) -> None:
    faces = row.faces
    seen = [face.value for face in faces]
    text = ",".join(map(str, values))
    assert ",".join(map(str, seen)) in text, f"faces {seen} are not a run of the map's stages {values}"
    height = row.bottom - row.top
    # one step of the scale, from any two faces with different scores
    steps = [(a.y - b.y) / (b.value - a.value) for a in faces for b in faces if a.value != b.value]
    assert steps, "a row needs two different scores to show a scale"
    step = sum(steps) / len(steps)
    assert step > 0, f"higher scores must be drawn higher: {faces}"
    assert step >= 0.12 * height and step >= 1.4, f"scores {step:.2f} pt apart in a {height:.1f} pt row"
    for s in steps:  # evenly spaced: each pair agrees with the common step
        assert abs(s - step) <= 0.05 * step + 0.2, (s, step)
    for face in faces:  # every face inside the row, not clipped
        assert row.top - 0.5 <= face.y - face.size / 2 and face.y + face.size / 2 <= row.bottom + 0.5
        assert face.size >= 7.0, f"a face {face.size:.1f} pt wide is too small to read"
    neutral = (row.top + row.bottom) / 2  # the scale is symmetric: 0 sits in the middle
    for face in faces:
        assert abs(face.y - (neutral - face.value * step)) <= 0.6, (face, neutral, step)


def stages_yaml(values: list[int]) -> str:
    return "".join(
        f"  - {{id: s{i + 1}, name: Этап {i + 1}, goals: [Цель {i + 1}], emotion: {v}, owner: Маркетинг}}\n"
        for i, v in enumerate(values)
    )


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("emotion") / "repo"
    files = {
        "cjmgen.yml": "title: Эмоции\nlanguage: ru\n",
        "maps/personas/anna.md": PERSONA_ANNA,
        "maps/channels.yml": CHANNELS,
    }
    for name, values in MAPS.items():
        files[f"maps/{name}.md"] = (
            f"---\ntitle: Карта {name}\npersona: anna\nreviewed: 2026-10-01\nstages:\n"
            + stages_yaml(values) + "---\n"
        )
    write_files(root, files)
    result = build(root)
    assert result.written, result.diagnostics
    return root


@pytest.mark.parametrize("name", sorted(MAPS))
def test_a3_infographic_faces_follow_the_scores(repo: Path, name: str) -> None:
    pages = emotion_rows(repo / f"site/maps/{name}.pdf")
    rows = [row for page in pages for row in page]
    assert rows and sum(len(r.faces) for r in rows) == len(MAPS[name])
    for row in rows:
        assert_curve_truthful(row, MAPS[name])


def test_a1_poster_faces_follow_the_scores(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "posters"
    result = run(["pdf", "--poster", "A1", *sorted(MAPS), "-o", str(out)], repo)
    assert result.exit_code == 0, result.output
    for name, values in MAPS.items():
        (pdf,) = [p for p in out.glob("*.pdf") if p.stem == f"{name}-A1"]
        rows = [row for page in emotion_rows(pdf) for row in page]
        assert rows and sum(len(r.faces) for r in rows) == len(values)
        for row in rows:
            assert_curve_truthful(row, values)


def test_handout_map_pages_faces_follow_the_scores(repo: Path) -> None:
    pages = emotion_rows(repo / "site/handout.pdf")
    rows = [row for page in pages for row in page]
    total = sum(len(row.faces) for row in rows)
    assert total == sum(len(v) for v in MAPS.values()), total
    for row in rows:
        owners = [v for v in MAPS.values() if ",".join(str(f.value) for f in row.faces) in ",".join(map(str, v))]
        assert owners, row
        assert_curve_truthful(row, owners[0])
