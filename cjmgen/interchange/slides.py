"""A map as slides: the grid and each chart as a standalone 16:9 SVG (1920×1080), for
`cjmgen export --format svg` (and png, pptx, which start from these).

The charts are the site's own (cjmgen.charts), drawn for a slide's proportions and
nested in a slide with the map's title, so that a chart on a slide reads as it does on
the page. The grid is drawn here: a slide holds the stages as columns and the main
lanes as rows; more than STAGES_PER_SLIDE stages go on several slides of near-equal
width (14 stages: 5, 5, 4), and a cell shows what fits, then "+N more".
Everything is plain SVG with a generic font family and no external reference: a
presentation program, a browser and WeasyPrint open it alike. Same map, same bytes.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cjmgen import charts
from cjmgen.analysis import journey
from cjmgen.charts.svg import DARK_TEXT, FUNNEL_COLOUR, LIGHT_TEXT, MET_COLOUR, MISSED_COLOUR, MUTED, el, esc, num, wrap
from cjmgen.content.model import KPI, Item, Map, Stage, Touchpoint
from cjmgen.i18n.labels import Locale

WIDTH, HEIGHT = 1920, 1080
MARGIN = 60
STAGES_PER_SLIDE = 6
KPIS_PER_SLIDE = 10
#: The grid's rows on a slide, when the map fills them: what a presentation needs first.
MAIN_LANES = ("goals", "actions", "touchpoints", "emotion", "obstacles", "opportunities")
FONT_FAMILY = "sans-serif"  # generic: the slide program's own sans-serif, Cyrillic included
TITLE_FONT, SUBTITLE_FONT, HEAD_FONT, CELL_FONT = 44.0, 30.0, 27.0, 23.0
LINE = 1.3  # line height, in font sizes
LANE_COLUMN = 250.0
HEAD_ROW = 96.0
EMOTION_ROW = 62.0
CONTENT_TOP = 180.0
GRID_LINE = "#c8ced3"
LANE_FILL = "#eef1f4"


@dataclass(frozen=True)
class Slide:
    """One slide: `name` is its file's stem (`grid-1`, `emotion`...), `title` what it shows."""

    name: str
    title: str
    svg: str


def map_slides(journey_map: Map, locale: Locale, channel_names: dict[str, str] | None = None) -> list[Slide]:
    """Every slide of a map: the grid (one or more), the emotion curve, the funnel, the
    journey graph and the KPIs, each only where the map has something for it."""
    if journey_map.language and journey_map.language != locale.language:
        locale = locale.in_language(journey_map.language)
    names = channel_names or {}
    slides = grid_slides(journey_map, locale, names)
    stages = journey_map.stages
    if any(s.emotion is not None for s in stages):
        curve = charts.emotion_curve(stages, locale, column_width=900 / len(stages), height=330, labels=True,
                                     prefix="slide-emo")
        slides.append(_chart_slide("emotion", journey_map, locale.label("emotion_curve"), curve))
    if journey.has_counts(journey_map):
        slides += _funnel_slide(journey_map, locale)
    slides += graph_slides(journey_map, locale)
    slides += kpi_slides(journey_map, locale)
    return slides


def _funnel_slide(journey_map: Map, locale: Locale) -> list[Slide]:
    """The funnel on one slide (split, its bars would lose their common scale); a funnel of
    many steps is drawn wider, so that it fills the slide's width and its text stays as large
    as the slide's height allows."""
    funnel = charts.funnel_chart(journey_map, locale, width=900, bar_height=34, prefix="slide-funnel")
    if not funnel:
        return []
    size = _chart_size(funnel)
    box_ratio = (WIDTH - 2 * MARGIN) / (HEIGHT - CONTENT_TOP - MARGIN)
    if size[0] / size[1] < box_ratio:
        funnel = charts.funnel_chart(journey_map, locale, width=size[1] * box_ratio, bar_height=34,
                                     prefix="slide-funnel")
    return [_chart_slide("funnel", journey_map, locale.label("funnel"), funnel)]


def graph_slides(journey_map: Map, locale: Locale) -> list[Slide]:
    """The journey graph: whole up to STAGES_PER_SLIDE stages, else a row of the grid's
    stages a slide, as the printed sheets draw it (an edge to another slide's stage runs off
    the edge; its tooltip and the text alternative name both stages)."""
    groups = slide_groups(len(journey_map.stages))
    title = locale.label("journey_graph")
    if len(groups) == 1:
        graph = charts.journey_graph(journey_map, locale, prefix="slide-graph")
        return [_chart_slide("graph", journey_map, title, graph)]
    slides = []
    column = 160.0
    for number, group in enumerate(groups, 1):
        row = charts.journey_row(journey_map, locale, first=group.start, end=group.stop, column_width=column,
                                 prefix=f"slide-graph-{number}")
        subtitle = f"{title} · " + locale.label("slide_stages", first=group.start + 1, last=group.stop,
                                                 count=len(journey_map.stages))
        width, height = _chart_size(row)
        scale = (WIDTH - 2 * MARGIN) / width
        top = CONTENT_TOP + 120 + max(0.0, (HEIGHT - MARGIN - CONTENT_TOP - 120 - height * scale) / 2)
        # the row numbers its nodes as the printed sheet does, under column heads: these are the heads
        body = [el("svg", {"x": MARGIN, "y": top, "width": WIDTH - 2 * MARGIN, "height": num(height * scale),
                           "viewBox": f"0 0 {num(width)} {num(height)}"}, row)]
        for index in group:
            x = MARGIN + (index - group.start) * column * scale
            name = wrap(f"{index + 1}. {journey_map.stages[index].name}", column * scale - 16, HEAD_FONT, lines=2)
            body += _lines(name, x + 8, top - 100, HEAD_FONT, fill=DARK_TEXT, weight="bold")
        desc = _chart_desc(row)
        slides.append(Slide(f"graph-{number}", subtitle, _slide(journey_map.title, subtitle, body, desc)))
    return slides


# --- the frame every slide shares ------------------------------------------------------


def _slide(title: str, subtitle: str, body: Iterable[str], description: str) -> str:
    head = [
        el("title", {}, esc(title + (f" — {subtitle}" if subtitle else ""))),
        el("desc", {}, esc(description)),
        el("rect", {"width": WIDTH, "height": HEIGHT, "fill": "#ffffff"}),
        el("text", {"x": MARGIN, "y": 84, "font-size": num(TITLE_FONT), "font-weight": "bold",
                    "fill": DARK_TEXT}, esc(_fit(title, WIDTH - 2 * MARGIN, TITLE_FONT))),
    ]
    if subtitle:
        head.append(el("text", {"x": MARGIN, "y": 136, "font-size": num(SUBTITLE_FONT), "fill": MUTED},
                       esc(_fit(subtitle, WIDTH - 2 * MARGIN, SUBTITLE_FONT))))
    root = el("svg", {"xmlns": "http://www.w3.org/2000/svg", "viewBox": f"0 0 {WIDTH} {HEIGHT}",
                      "width": WIDTH, "height": HEIGHT, "font-family": FONT_FAMILY, "role": "img"},
              *head, *body)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + root + "\n"


def _fit(text: str, width: float, font: float) -> str:
    return charts.truncate(" ".join(text.split()), width, font)


_VIEW_BOX = re.compile(r'viewBox="0 0 ([\d.]+) ([\d.]+)"')


def _chart_slide(name: str, journey_map: Map, title: str, chart: str) -> Slide:
    """A chart of the site, scaled to fill the slide under its title (its text grows with it)."""
    width, height = _chart_size(chart)
    box_w, box_h = WIDTH - 2 * MARGIN, HEIGHT - CONTENT_TOP - MARGIN
    scale = min(box_w / width, box_h / height)
    w, h = width * scale, height * scale
    frame = el("svg", {"x": num((WIDTH - w) / 2), "y": num(CONTENT_TOP + (box_h - h) / 2), "width": num(w),
                       "height": num(h), "viewBox": f"0 0 {num(width)} {num(height)}"}, chart)
    desc = _chart_desc(chart)
    return Slide(name, title, _slide(journey_map.title, title, [frame], desc))


def _chart_size(chart: str) -> tuple[float, float]:
    found = _VIEW_BOX.search(chart)
    assert found is not None, "every chart's root has a viewBox from svg_root"
    return float(found[1]), float(found[2])


def _chart_desc(chart: str) -> str:
    """The chart's own text alternative, unescaped once (the slide escapes it again)."""
    found = re.search(r"<desc[^>]*>(.*?)</desc>", chart, re.DOTALL)
    return html.unescape(found[1]) if found else ""


# --- the grid ---------------------------------------------------------------------------


def slide_groups(count: int, per_slide: int = STAGES_PER_SLIDE) -> list[range]:
    """Stage indexes per slide: as few slides as hold `per_slide` each, of near-equal size."""
    if count == 0:
        return []
    slides = math.ceil(count / per_slide)
    base, extra = divmod(count, slides)
    groups, start = [], 0
    for number in range(slides):
        size = base + (1 if number < extra else 0)
        groups.append(range(start, start + size))
        start += size
    return groups


def _lanes(journey_map: Map) -> list[str]:
    """The main lanes this map fills in at least one stage."""
    return [key for key in MAIN_LANES
            if any((s.emotion is not None) if key == "emotion" else getattr(s, key) for s in journey_map.stages)]


def grid_slides(journey_map: Map, locale: Locale, channel_names: dict[str, str]) -> list[Slide]:
    groups = slide_groups(len(journey_map.stages))
    lanes = _lanes(journey_map)
    slides = []
    for number, group in enumerate(groups, 1):
        stages = [journey_map.stages[i] for i in group]
        subtitle = locale.label("slide_stages", first=group.start + 1, last=group.stop,
                                count=len(journey_map.stages))
        body = _grid(stages, group.start, lanes, locale, channel_names)
        desc = "; ".join(f"{group.start + i + 1}. {s.name}" for i, s in enumerate(stages))
        name = "grid" if len(groups) == 1 else f"grid-{number}"
        slides.append(Slide(name, subtitle, _slide(journey_map.title, subtitle, body, desc)))
    return slides


def _grid(stages: Sequence[Stage], first: int, lanes: Sequence[str], locale: Locale,
          channel_names: dict[str, str]) -> list[str]:
    left, top = float(MARGIN), CONTENT_TOP
    column = (WIDTH - 2 * MARGIN - LANE_COLUMN) / len(stages)
    # the emotion row holds one line: the other rows share the rest of the slide's height
    room = HEIGHT - MARGIN - top - HEAD_ROW - (EMOTION_ROW if "emotion" in lanes else 0)
    text_row = room / max(1, len([key for key in lanes if key != "emotion"]))
    out = [el("rect", {"x": left, "y": top, "width": LANE_COLUMN, "height": HEAD_ROW, "fill": DARK_TEXT})]
    out.append(el("text", {"x": left + 16, "y": top + HEAD_ROW / 2 + HEAD_FONT * 0.35, "font-size": num(HEAD_FONT),
                           "font-weight": "bold", "fill": LIGHT_TEXT}, esc(locale.label("stages") + " →")))
    for index, stage in enumerate(stages):
        x = left + LANE_COLUMN + index * column
        out.append(el("rect", {"x": x, "y": top, "width": column, "height": HEAD_ROW, "fill": FUNNEL_COLOUR,
                               "stroke": "#ffffff", "stroke-width": "2"}))
        lines = wrap(f"{first + index + 1}. {stage.name}", column - 24, HEAD_FONT, lines=2)
        out += _lines(lines, x + 12, top + (HEAD_ROW - len(lines) * HEAD_FONT * LINE) / 2 + HEAD_FONT,
                      HEAD_FONT, fill=LIGHT_TEXT, weight="bold")
    y = top + HEAD_ROW
    for key in lanes:
        row = EMOTION_ROW if key == "emotion" else text_row
        out.append(el("rect", {"x": left, "y": y, "width": LANE_COLUMN, "height": row, "fill": LANE_FILL,
                               "stroke": GRID_LINE}))
        label = wrap(locale.label(key), LANE_COLUMN - 24, CELL_FONT, lines=2)
        out += _lines(label, left + 12, y + 12 + CELL_FONT, CELL_FONT, fill=DARK_TEXT, weight="bold")
        for index, stage in enumerate(stages):
            x = left + LANE_COLUMN + index * column
            out.append(el("rect", {"x": x, "y": y, "width": column, "height": row, "fill": "#ffffff",
                                   "stroke": GRID_LINE}))
            if key == "emotion":
                out += _emotion_cell(stage, x, y, column, locale)
            else:
                texts = _cell_texts(key, stage, channel_names)
                out += _cell(texts, x + 12, y + 10, column - 24, row - 16, locale)
        y += row
    return out


def _cell_texts(key: str, stage: Stage, channel_names: dict[str, str]) -> list[str]:
    values: Sequence[Item | Touchpoint] = getattr(stage, key)
    texts = []
    for value in values:
        if isinstance(value, Touchpoint):
            channel = channel_names.get(value.channel, value.channel)
            texts.append(f"{channel}: {value.name}" if value.name else channel)
        else:
            texts.append(value.text)
    return texts


def _cell(texts: Sequence[str], x: float, y: float, width: float, height: float, locale: Locale) -> list[str]:
    """Items as bullets, as many as fit, then "+N more": each gets its share of the cell's
    lines, at least three (a lone item may fill the cell)."""
    step = CELL_FONT * LINE
    room = max(1, int(height // step))
    lines: list[str] = []
    shown = 0
    for text in texts:
        left = len(texts) - shown - 1
        budget = room - len(lines) - (1 if left else 0)  # keep a line for "+N more"
        if budget <= 0:
            break
        share = min(budget, max(3, (room - len(lines)) // (left + 1)))
        wrapped = wrap(" ".join(text.split()), width - CELL_FONT, CELL_FONT, lines=share)
        lines += ["• " + wrapped[0], *("  " + w for w in wrapped[1:])]
        shown += 1
    out = _lines(lines, x, y + CELL_FONT, CELL_FONT, fill=DARK_TEXT)
    if shown < len(texts):
        out.append(el("text", {"x": x, "y": num(y + CELL_FONT + len(lines) * step), "font-size": num(CELL_FONT),
                               "fill": MUTED}, esc(locale.label("slide_more", count=len(texts) - shown))))
    return out


def _emotion_cell(stage: Stage, x: float, y: float, width: float, locale: Locale) -> list[str]:
    if stage.emotion is None:
        return [el("text", {"x": x + 12, "y": y + 12 + CELL_FONT, "font-size": num(CELL_FONT), "fill": MUTED},
                   esc(locale.label("no_data")))]
    cy = y + 12 + CELL_FONT * 0.65  # the dot beside the label's x-height
    return [
        el("circle", {"cx": x + 24, "cy": num(cy), "r": "12", "fill": charts.emotion_colour(stage.emotion)}),
        el("text", {"x": x + 46, "y": y + 12 + CELL_FONT, "font-size": num(CELL_FONT), "fill": DARK_TEXT},
           esc(_fit(f"{locale.emotion(stage.emotion)} ({locale.signed(stage.emotion)})", width - 58, CELL_FONT))),
    ]


def _lines(lines: Sequence[str], x: float, y: float, font: float, *, fill: str, weight: str | None = None) -> list[str]:
    return [el("text", {"x": num(x), "y": num(y + i * font * LINE), "font-size": num(font), "fill": fill,
                        "font-weight": weight, "xml:space": "preserve"}, esc(line))
            for i, line in enumerate(lines)]


# --- KPIs ---------------------------------------------------------------------------------


def kpi_slides(journey_map: Map, locale: Locale) -> list[Slide]:
    """Every KPI with its stage, value, target and status, KPIS_PER_SLIDE a slide."""
    kpis = [(stage, kpi) for stage in journey_map.stages for kpi in stage.kpis]
    slides = []
    groups = slide_groups(len(kpis), KPIS_PER_SLIDE)
    for number, group in enumerate(groups, 1):
        chosen = [kpis[i] for i in group]
        title = locale.label("kpis")
        if len(groups) > 1:
            title += f" · {group.start + 1}–{group.stop} / {len(kpis)}"
        desc = "; ".join(f"{stage.name}: {kpi.name} {_figure(kpi)}" for stage, kpi in chosen)
        name = "kpis" if len(groups) == 1 else f"kpis-{number}"
        slides.append(Slide(name, title, _slide(journey_map.title, title, _kpi_rows(chosen, locale), desc)))
    return slides


def _figure(kpi: KPI) -> str:
    unit = f" {kpi.unit}" if kpi.unit else ""
    value = kpi.value.raw if kpi.value else "—"
    target = f" / {kpi.target.raw}" if kpi.target else ""
    return f"{value}{target}{unit}"


def _kpi_rows(rows: Sequence[tuple[Stage, KPI]], locale: Locale) -> list[str]:
    columns = (MARGIN, 500.0, 1220.0, 1560.0)  # stage, KPI, value / target, gauge
    widths = (420.0, 700.0, 320.0, 300.0)
    top = CONTENT_TOP + 10
    step = (HEIGHT - MARGIN - top - 50) / KPIS_PER_SLIDE
    heads = (locale.label("stage"), locale.label("kpis"), f"{locale.label('value')} / {locale.label('target')}", "")
    out = [el("text", {"x": x, "y": num(top + CELL_FONT), "font-size": num(CELL_FONT), "font-weight": "bold",
                       "fill": MUTED}, esc(head)) for x, head in zip(columns, heads, strict=True) if head]
    for number, (stage, kpi) in enumerate(rows):
        y = top + 50 + number * step
        out.append(el("line", {"x1": MARGIN, "x2": WIDTH - MARGIN, "y1": num(y), "y2": num(y), "stroke": GRID_LINE}))
        base = y + step / 2 + CELL_FONT * 0.35
        status = {"met": ("✓", MET_COLOUR), "missed": ("✗", MISSED_COLOUR)}.get(kpi.status, ("•", MUTED))
        texts = (_fit(stage.name, widths[0], CELL_FONT), f"{status[0]} " + _fit(kpi.name, widths[1] - 40, CELL_FONT),
                 _fit(_figure(kpi), widths[2], CELL_FONT))
        for index, (x, text) in enumerate(zip(columns, texts, strict=False)):
            fill = status[1] if index == 1 and kpi.status != "unknown" else DARK_TEXT
            out.append(el("text", {"x": x, "y": num(base), "font-size": num(CELL_FONT), "fill": fill}, esc(text)))
        gauge = charts.kpi_gauge(kpi, locale, prefix=f"slide-kpi-{number}")
        if gauge:
            w, h = _chart_size(gauge)
            scale = min(widths[3] / w, (step - 16) / h)
            out.append(el("svg", {"x": columns[3], "y": num(y + (step - h * scale) / 2), "width": num(w * scale),
                                  "height": num(h * scale), "viewBox": f"0 0 {num(w)} {num(h)}"}, gauge))
    return out
