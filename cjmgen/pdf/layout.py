"""Page sizes and the type scale of an infographic, chosen from the amount of text.

Pure arithmetic, no WeasyPrint: the build estimates the font size that lets a
map's grid fill its page, and the renderer then measures the real layout and
corrects the estimate (see `engine.render_fitted`). The numbers below mirror
the lengths in `pdf.css`, all in rem of the root font size, so that the
estimate and the stylesheet agree.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

MM = 72 / 25.4  # points per millimetre

#: Paper sizes in millimetres, portrait (width, height).
SIZES_MM: dict[str, tuple[float, float]] = {
    "A5": (148, 210), "A4": (210, 297), "A3": (297, 420), "A2": (420, 594),
    "A1": (594, 841), "A0": (841, 1189), "LETTER": (215.9, 279.4),
    "LEGAL": (215.9, 355.6), "TABLOID": (279.4, 431.8),
}
POSTER_SIZES = ("A2", "A1", "A0")
A3_AREA = 297 * 420

#: Root font size bounds on A3, in points; other sizes scale with the page.
MIN_FONT_A3 = 5.6  # (A3 and below: MIN_ROOT_FONT decides; posters keep their larger type)
MAX_FONT_A3 = 10.5
#: No printed text below this size (points), on any page size: the smallest text of a
#: sheet (badges, labels, bullets, chart captions) is SMALLEST_EM of the root font, so the
#: root never goes below MIN_TEXT_PT / SMALLEST_EM. A map that needs less gets more sheets.
MIN_TEXT_PT = 6.5
SMALLEST_EM = 0.8
MIN_ROOT_FONT = round(MIN_TEXT_PT / SMALLEST_EM, 2) + 0.03  # (8.16: rounding never prints 6.49)

# Lengths of pdf.css, in rem (keep the two in step).
CHAR_EM = 0.50  # average advance of DejaVu Sans Condensed, Cyrillic and Latin text
BOLD_CHAR_EM = 0.55
LABEL_CHAR_EM = 0.56  # lane labels: bold at 0.9em, never hyphenated
LINE = 1.22  # line-height of cell text
ITEM_GAP = 0.2  # space between list items
CELL_PAD_X = 0.45  # horizontal padding of a cell, each side
CELL_PAD_Y = 0.35
BULLET = 0.75  # indent of a list item
LABEL_COL = 8.2  # width of the lane-label column: the longest label word whole
SIDE_SHARE = 0.165  # share of the content width taken by the side column (first sheet)
GAP = 1.0  # between the side column and the grid
HEAD_ROW = 2.3  # stage-name row with one line of bold text and the number badge (measured 2.31)
EMOTION_ROW = 6.2  # the emotion curve's drawing height (document.py sizes the SVG from it)
EMOTION_ROW_HEIGHT = 5.4  # ... and the row it makes (measured 5.42 at every size)
FUNNEL_ROW = 4.2  # count, bar and conversion (measured 4.20)
PHASE_ROW = 1.8  # the band of phases over the stage names: a line of bold text and its padding
GRAPH_TEXT_EM = 0.85  # the journey graph's node names and labels, in em of the sheet's type
GRAPH_CELL_PAD = 0.4  # pdf.css: .graph-cell's padding, top and bottom together
TITLE = 2.3  # title font size
HEADER_EXTRA = 2.7  # sheet head below the title: meta line, rule, space (measured)

#: The text model above, with the measured rows, predicts a bench map's height to within
#: -6 % .. +4 % (median +5.6 %: wrapping loses more than the model says). The estimate is
#: the largest font that fits, times this factor: it aims the first layout at a fill of about
#: 0.93, so the spread lands inside the renderer's accepted window (0.86 .. 1.0) and the
#: page is laid out once. Measured on the bench repository and the bundled maps.
CALIBRATION = 0.93
#: Fewer sheets are taken when the model's estimate reaches the smallest legible size with
#: this margin: closer than that, a sheet's last row often spilt onto a page of its own.
FEWER_SHEETS_MARGIN = 0.97

class PageSizeError(ValueError):
    """A page size that is not one of the known paper sizes."""


@dataclass(frozen=True)
class PageSpec:
    """A paper size and orientation, with its CSS and its dimensions in mm."""

    name: str
    landscape: bool = True

    @classmethod
    def parse(cls, text: str, default_landscape: bool = True) -> PageSpec:
        """`A3 landscape`, `a1`, `A4 portrait` -> PageSpec; unknown sizes raise."""
        words = text.split()
        if not words or words[0].upper() not in SIZES_MM:
            raise PageSizeError(
                f"unknown page size '{text}' (use {', '.join(_display(n) for n in SIZES_MM)})"
            )
        orientation = [w.lower() for w in words[1:]]
        landscape = default_landscape
        if "portrait" in orientation:
            landscape = False
        elif "landscape" in orientation:
            landscape = True
        return cls(words[0].upper(), landscape)

    @property
    def display(self) -> str:
        return _display(self.name)

    @property
    def size_mm(self) -> tuple[float, float]:
        short, long = SIZES_MM[self.name]
        return (long, short) if self.landscape else (short, long)

    @property
    def css(self) -> str:
        width, height = self.size_mm
        return f"{_mm(width)} {_mm(height)}"

    @property
    def scale(self) -> float:
        """Linear size relative to A3: type and margins grow with it."""
        width, height = self.size_mm
        return math.sqrt(width * height / A3_AREA)

    @property
    def margin_mm(self) -> float:
        return round(9.0 * self.scale, 2)

    @property
    def min_font(self) -> float:
        return max(MIN_FONT_A3 * self.scale, MIN_ROOT_FONT)

    @property
    def max_font(self) -> float:
        return MAX_FONT_A3 * self.scale

    def content_pt(self) -> tuple[float, float]:
        """Width and height inside the margins (the footer sits in the bottom margin)."""
        width, height = self.size_mm
        margin = self.margin_mm
        return (width - 2 * margin) * MM, (height - 2.2 * margin) * MM


def _display(name: str) -> str:
    return name if name.startswith("A") else name.title()


def _mm(value: float) -> str:
    return f"{value:g}mm"


# --- what a sheet holds -----------------------------------------------------------


@dataclass(frozen=True)
class CellText:
    """One cell's content as the estimator sees it: text items and fixed extra lines."""

    items: tuple[str, ...] = ()
    extra_lines: float = 0.0  # e.g. a KPI's figures line, a touchpoint's tag
    bold: bool = False


@dataclass(frozen=True)
class LaneText:
    """A row of the grid: one cell per stage (None where the stage has nothing)."""

    key: str
    cells: tuple[CellText | None, ...]
    fixed_rem: float | None = None  # rows of fixed height (emotion curve, funnel)


@dataclass(frozen=True)
class SheetText:
    """Everything on the map's sheet whose size depends on the type scale."""

    title: str
    stage_names: tuple[str, ...]
    lanes: tuple[LaneText, ...]
    side_items: tuple[str, ...] = ()  # persona box, figures: text blocks of the side column
    side_fixed_rem: float = 0.0  # charts and headings of the side column


@dataclass(frozen=True)
class Fit:
    """The chosen layout: stages per sheet, the estimated font and its bounds (pt)."""

    chunks: tuple[tuple[int, int], ...]  # (first, end) stage index ranges, one per sheet
    font: float
    min_font: float
    max_font: float

    @property
    def sheets(self) -> int:
        return len(self.chunks)


def _lines(text: str, width_em: float, char_em: float) -> int:
    if width_em <= 1:
        return max(1, len(text))
    per_line = max(1.0, width_em / char_em)
    lines = 0
    for paragraph in text.split("\n"):
        # Greedy wrapping loses about half a word per line: count words, not just chars.
        words = paragraph.split() or [""]
        line, count = 0.0, 1
        for word in words:
            size = len(word) + (1 if line else 0)
            if line + size > per_line and line:
                count += 1
                line = float(len(word))
                while line > per_line:  # a word longer than the line breaks anywhere
                    count += 1
                    line -= per_line
            else:
                line += size
        lines += count
    return lines


def _cell_rem(cell: CellText | None, width_rem: float) -> float:
    if cell is None:
        return 0.0
    inner = width_rem - 2 * CELL_PAD_X - BULLET
    char = BOLD_CHAR_EM if cell.bold else CHAR_EM
    lines = sum(_lines(item, inner, char) for item in cell.items) + cell.extra_lines
    gaps = max(0, len(cell.items) - 1) * ITEM_GAP
    return lines * LINE + gaps + 2 * CELL_PAD_Y


def graph_row_rem(height_units: float) -> float:
    """The journey graph's row: its drawing scaled so that its 11-unit text prints at
    GRAPH_TEXT_EM of the sheet's type (document.py sizes the columns from it)."""
    return height_units * GRAPH_TEXT_EM / 11.0 + GRAPH_CELL_PAD


def grid_height_rem(lanes: Sequence[LaneText], names: Sequence[str], column_rem: float) -> float:
    head = max([HEAD_ROW] + [
        _lines(name, column_rem - 2 * CELL_PAD_X - 1.6, BOLD_CHAR_EM) * 1.15 * 1.15 + 0.9
        for name in names
    ])
    total = head
    for lane in lanes:
        if lane.fixed_rem is not None:
            total += lane.fixed_rem
            continue
        label = _lines(lane.key, LABEL_COL - 2 * CELL_PAD_X, LABEL_CHAR_EM) * 1.1 * 0.9
        tallest = max([_cell_rem(c, column_rem) for c in lane.cells] + [label + 2 * CELL_PAD_Y])
        total += tallest
    return total


def _sheet_fits(text: SheetText, page: PageSpec, font: float, first: int, end: int, side: bool) -> bool:
    width_pt, height_pt = page.content_pt()
    width_rem, height_rem = width_pt / font, height_pt / font
    title_lines = _lines(text.title, width_rem * (0.8 if side else 1.0) / TITLE, BOLD_CHAR_EM)
    header = title_lines * TITLE * 1.1 + HEADER_EXTRA
    grid_rem = width_rem
    if side:
        side_rem = width_rem * SIDE_SHARE
        grid_rem = width_rem - side_rem - GAP
        column = side_rem - 1.2
        side_height = text.side_fixed_rem + sum(
            _lines(item, column, CHAR_EM) * LINE + ITEM_GAP for item in text.side_items
        )
        if header + side_height > height_rem:
            return False
    count = end - first
    column_rem = (grid_rem - LABEL_COL) / count
    lanes = [
        LaneText(lane.key, lane.cells[first:end], lane.fixed_rem) for lane in text.lanes
    ]
    grid = grid_height_rem(lanes, text.stage_names[first:end], column_rem)
    return header + grid <= height_rem


def _largest_font(text: SheetText, page: PageSpec, chunks: Sequence[tuple[int, int]]) -> float:
    """The largest root font (pt) at which every sheet's estimate fits its page."""
    low, high = page.min_font * 0.5, page.max_font
    if all(_sheet_fits(text, page, high, a, b, i == 0) for i, (a, b) in enumerate(chunks)):
        return high
    for _ in range(24):
        middle = (low + high) / 2
        if all(_sheet_fits(text, page, middle, a, b, i == 0) for i, (a, b) in enumerate(chunks)):
            low = middle
        else:
            high = middle
    return low


def split(count: int, parts: int) -> tuple[tuple[int, int], ...]:
    """`count` stages in `parts` runs of nearly equal length, earlier runs longer."""
    size, extra = divmod(count, parts)
    out, start = [], 0
    for index in range(parts):
        end = start + size + (1 if index < extra else 0)
        out.append((start, end))
        start = end
    return tuple(out)


def choose_fit(text: SheetText, page: PageSpec, max_sheets: int | None = None) -> Fit:
    """One sheet if its type stays legible, else the fewest sheets that make it so."""
    count = max(1, len(text.stage_names))
    limit = max_sheets or count  # down to a stage a sheet before the type gets too small
    best: Fit | None = None
    for parts in range(1, min(limit, count) + 1):
        chunks = split(count, parts)
        largest = _largest_font(text, page, chunks)
        # never start below the smallest legible size: the renderer measures from there
        font = max(page.min_font, largest * CALIBRATION)
        best = Fit(chunks, round(font, 2), round(page.min_font, 2), round(page.max_font, 2))
        if largest * FEWER_SHEETS_MARGIN >= page.min_font:
            return best
    assert best is not None
    return best
