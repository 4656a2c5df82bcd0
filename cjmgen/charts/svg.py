"""Inline SVG for the map infographic: emotion curve, funnel, journey graph, KPI bar."""

from __future__ import annotations

import functools
import hashlib
import html
import math
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from cjmgen.analysis import journey
from cjmgen.content import figures
from cjmgen.content.model import KPI, Map, Quantity, Stage
from cjmgen.i18n.labels import Locale

SVG_NS = "http://www.w3.org/2000/svg"

#: The diverging emotion palette, -2 (very negative) .. 2 (very positive).
EMOTION_COLOURS: Mapping[int, str] = {
    -2: "#c0392b",
    -1: "#e67e22",
    0: "#95a5a6",
    1: "#7dcea0",
    2: "#27ae60",
}
NO_DATA_COLOUR = "#d5d8dc"
DARK_TEXT = "#1b1b1b"
LIGHT_TEXT = "#ffffff"
MUTED = "#5d6d7e"
GHOST = "#95a5a6"
EDGE_COLOUR = "#34495e"
LOOP_COLOUR = "#c0392b"
WARNING_COLOUR = "#c0392b"
MET_COLOUR = "#27ae60"
MISSED_COLOUR = "#c0392b"
FUNNEL_COLOUR = "#2471a3"

#: Average glyph advance as a share of the font size (DejaVu Sans, Latin and Cyrillic):
#: an estimate good enough to keep labels inside their boxes without measuring text.
CHAR_WIDTH_EM = 0.62



# --- colours -------------------------------------------------------------------------


def emotion_colour(value: int | None) -> str:
    """Fill of an emotion score; out-of-range scores are clamped, None is grey."""
    if value is None:
        return NO_DATA_COLOUR
    return EMOTION_COLOURS[max(-2, min(2, value))]


def emotion_class(value: int | None) -> str:
    """CSS class of a score (`emo-neg2` .. `emo-pos2`), so site CSS can restyle it."""
    if value is None:
        return "emo-none"
    value = max(-2, min(2, value))
    if value < 0:
        return f"emo-neg{-value}"
    return f"emo-pos{value}" if value > 0 else "emo-zero"


def _luminance(colour: str) -> float:
    """WCAG relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [
        c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours (1..21)."""
    high, low = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_colour_on(fill: str) -> str:
    """Dark or white, whichever reads better on `fill`: labels stay legible."""
    if contrast_ratio(fill, DARK_TEXT) >= contrast_ratio(fill, LIGHT_TEXT):
        return DARK_TEXT
    return LIGHT_TEXT


# --- SVG building blocks -------------------------------------------------------------


def _num(value: float) -> str:
    """Stable coordinates: one decimal, never `-0.0`, so output is byte-identical."""
    return f"{round(value, 1) + 0.0:.1f}"


@functools.lru_cache(maxsize=1 << 14)
def _width(value: float) -> str:
    """A stroke width or dash length: `2`, `1.5`, `0.37` (scaled lines stay thin)."""
    return f"{round(value, 2) + 0.0:g}"


def _escape_str(text: str) -> str:
    return html.escape(text, quote=True)


def _esc(text: object) -> str:
    # Charts repeat the same few strings (classes, colours, labels) thousands of times.
    return _escape_str(text if type(text) is str else str(text))


def _attrs(attrs: Mapping[str, object | None]) -> str:
    """Attributes in the given order; None drops one, floats get stable formatting."""
    parts = []
    for name, value in attrs.items():
        if value is None:
            continue
        if type(value) is float:
            parts.append(f' {name}="{_num(value)}"')  # digits, '.' and '-': nothing to escape
        else:
            parts.append(f' {name}="{_esc(value)}"')
    return "".join(parts)


def _el(tag: str, attrs: Mapping[str, object | None], *children: str) -> str:
    """One element; children are already-built markup (text must go through `_esc`)."""
    if not children:
        return f"<{tag}{_attrs(attrs)}/>"
    return f"<{tag}{_attrs(attrs)}>{''.join(children)}</{tag}>"


def _title(text: str) -> str:
    """A `<title>` child: the tooltip of its parent element."""
    return f"<title>{_esc(text)}</title>"


def _text(x: float, y: float, content: str, **attrs: object | None) -> str:
    """A `<text>` without font-family: the page's font (and its Cyrillic) applies."""
    merged: dict[str, object | None] = {"x": x, "y": y}
    merged.update({name.replace("_", "-"): value for name, value in attrs.items()})
    return _el("text", merged, _esc(content))


def _svg(
    prefix: str,
    width: float,
    height: float,
    css_class: str,
    title: str,
    desc: str,
    body: Iterable[str],
) -> str:
    """The root element with its text alternative (`<title>` + `<desc>`)."""
    attrs = {
        "xmlns": SVG_NS,
        "class": css_class,
        "viewBox": f"0 0 {_num(width)} {_num(height)}",
        "width": width,
        "height": height,
        "preserveAspectRatio": "xMidYMid meet",
        "role": "img",
        "aria-labelledby": f"{prefix}-title {prefix}-desc",
    }
    head = (
        _el("title", {"id": f"{prefix}-title"}, _esc(title)),
        _el("desc", {"id": f"{prefix}-desc"}, _esc(desc)),
    )
    return _el("svg", attrs, *head, *body)


def _text_width(text: str, font_size: float) -> float:
    return len(text) * font_size * CHAR_WIDTH_EM


def truncate(text: str, width: float, font_size: float) -> str:
    """Shorten `text` with … so that it fits `width` viewBox units at `font_size`."""
    limit = max(1, int(width / (font_size * CHAR_WIDTH_EM)))
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)].rstrip() + "…"


def _wrap(text: str, width: float, font_size: float, lines: int = 2) -> list[str]:
    """Greedy word wrap into at most `lines` lines; the last one is cut with …."""
    limit = max(1, int(width / (font_size * CHAR_WIDTH_EM)))
    out: list[str] = []
    words = text.split()
    while words and len(out) < lines - 1:
        line = words.pop(0)
        while words and len(line) + 1 + len(words[0]) <= limit:
            line += " " + words.pop(0)
        if len(line) > limit:
            words.insert(0, line[limit - 1 :])
            line = line[: limit - 1] + "-"
        out.append(line)
    if words:
        out.append(truncate(" ".join(words), width, font_size))
    return out or [""]


# --- emotion curve -------------------------------------------------------------------

EMO_RADIUS = 11.0
EMO_LABEL_SIZE = 11.0
EMO_LABEL_SPACE = 22.0


def emotion_radius(column_width: float, height: float) -> float:
    """The point radius that leaves most of `height` to the -2..2 scale.

    The web grid gives the curve 120 units and gets the full 11-unit points; a
    printed row can be far flatter than its columns are wide, and a fixed
    radius with fixed margins would then squeeze (or invert) the scale. Here
    the margins take at most about 45 % of the height, so adjacent scores stay
    at least an eighth of the height apart at any size.
    """
    return max(0.5, min(EMO_RADIUS, height / 6.5, column_width * 0.3))


def _emotion_y(value: int, height: float, radius: float = EMO_RADIUS) -> float:
    """-2..2 mapped to bottom..top, leaving room for a point's radius at both ends."""
    pad = radius * (EMO_RADIUS + 5) / EMO_RADIUS
    return pad + (2 - max(-2, min(2, value))) / 4 * (height - 2 * pad)


def _runs(values: Sequence[int | None]) -> list[list[int]]:
    """Indices of consecutive non-None values: each run is one unbroken line."""
    runs: list[list[int]] = []
    current: list[int] = []
    for index, value in enumerate(values):
        if value is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append(index)
    if current:
        runs.append(current)
    return runs


def _smooth_path(points: Sequence[tuple[float, float]]) -> str:
    """Cubic segments with horizontal tangents: smooth, and never overshoots -2..2."""
    x0, y0 = points[0]
    d = [f"M {_num(x0)} {_num(y0)}"]
    for (xa, ya), (xb, yb) in zip(points, points[1:]):
        mid = (xa + xb) / 2
        d.append(
            f"C {_num(mid)} {_num(ya)} {_num(mid)} {_num(yb)} {_num(xb)} {_num(yb)}"
        )
    return " ".join(d)


def _face(cx: float, cy: float, value: int, ink: str, scale: float = 1.0) -> str:
    """Eyes and a mouth as paths (no fonts, no emoji): smile, flat line or frown.

    `scale` is the point's radius over the web's 11 units: a printed curve draws
    smaller points and the face shrinks with them.
    """
    def u(length: float) -> float:
        return length * scale

    eyes = (
        f"M {_num(cx - u(3.8))} {_num(cy - u(4.5))} v {_num(u(2.6))} "
        f"M {_num(cx + u(3.8))} {_num(cy - u(4.5))} v {_num(u(2.6))}"
    )
    depth = {2: 5.5, 1: 3.5, 0: 0.0, -1: -3.0, -2: -4.2}[max(-2, min(2, value))]
    if depth == 0:
        mouth = f"M {_num(cx - u(4.5))} {_num(cy + u(3.8))} H {_num(cx + u(4.5))}"
    else:
        base = cy + u(2.2 if depth > 0 else 6.2)
        mouth = (
            f"M {_num(cx - u(5))} {_num(base)} "
            f"Q {_num(cx)} {_num(base + u(2 * depth))} {_num(cx + u(5))} {_num(base)}"
        )
    style = {
        "fill": "none",
        "stroke": ink,
        "stroke-width": _width(u(1.6)),
        "stroke-linecap": "round",
    }
    return _el("path", {"class": "emo-face", "d": f"{eyes} {mouth}", **style})


def _emotion_point(
    stage: Stage, cx: float, cy: float, locale: Locale, radius: float = EMO_RADIUS
) -> str:
    assert stage.emotion is not None
    fill = emotion_colour(stage.emotion)
    scale = radius / EMO_RADIUS
    circle = _el(
        "circle",
        {
            "cx": cx,
            "cy": cy,
            "r": radius,
            "fill": fill,
            "stroke": "#ffffff",
            "stroke-width": _width(1.5 * scale),
        },
    )
    return _el(
        "g",
        {"class": f"emo-point {emotion_class(stage.emotion)}", "data-stage": stage.id},
        _title(f"{stage.name}: {locale.emotion(stage.emotion)}"),
        circle,
        _face(cx, cy, stage.emotion, text_colour_on(fill), scale),
    )


def _emotion_background(
    width: float, height: float, radius: float = EMO_RADIUS
) -> list[str]:
    """Pale positive/negative bands and the dashed neutral baseline."""
    zero = _emotion_y(0, height, radius)
    return [
        _el(
            "rect",
            {
                "class": "emo-band emo-band-pos",
                "x": 0.0,
                "y": 0.0,
                "width": width,
                "height": zero,
                "fill": "#eafaf1",
            },
        ),
        _el(
            "rect",
            {
                "class": "emo-band emo-band-neg",
                "x": 0.0,
                "y": zero,
                "width": width,
                "height": height - zero,
                "fill": "#fdedec",
            },
        ),
        _el(
            "line",
            {
                "class": "emo-baseline",
                "x1": 0.0,
                "y1": zero,
                "x2": width,
                "y2": zero,
                "stroke": GHOST,
                "stroke-width": "1",
                "stroke-dasharray": "4 4",
            },
        ),
    ]


def _emotion_lines(
    values: Sequence[int | None],
    column_width: float,
    height: float,
    css_class: str,
    style: Mapping[str, str],
    radius: float = EMO_RADIUS,
) -> list[str]:
    """One path per unbroken run of two or more points."""
    out = []
    for run in _runs(values):
        if len(run) < 2:
            continue
        points = [
            ((i + 0.5) * column_width, _emotion_y(values[i] or 0, height, radius))
            for i in run
        ]
        out.append(
            _el("path", {"class": css_class, "d": _smooth_path(points), **style})
        )
    return out


def _ghost_layer(
    stages: Sequence[Stage],
    ghost: Sequence[Stage],
    column_width: float,
    height: float,
    locale: Locale,
    radius: float = EMO_RADIUS,
) -> list[str]:
    """The earlier version, placed by stage id under the current columns."""
    old = {stage.id: stage for stage in ghost}
    values = [old[s.id].emotion if s.id in old else None for s in stages]
    scale = radius / EMO_RADIUS
    style = {
        "fill": "none",
        "stroke": GHOST,
        "stroke-width": _width(2 * scale),
        "stroke-dasharray": f"{_width(6 * scale)} {_width(4 * scale)}",
    }
    out = _emotion_lines(values, column_width, height, "emo-ghost-line", style, radius)
    for index, stage in enumerate(stages):
        value = values[index]
        if value is None:
            continue
        then = old[stage.id]
        out.append(
            _el(
                "circle",
                {
                    "class": "emo-ghost-point",
                    "data-stage": stage.id,
                    "cx": (index + 0.5) * column_width,
                    "cy": _emotion_y(value, height, radius),
                    "r": radius - 2 * scale,
                    "fill": "none",
                    "stroke": GHOST,
                    "stroke-width": _width(2 * scale),
                },
                _title(f"{then.name}: {locale.emotion(value)}"),
            )
        )
    return out


def _emotion_labels(
    stages: Sequence[Stage], column_width: float, height: float
) -> list[str]:
    """Stage names under the plot, each cut to its column (only when asked for)."""
    out = []
    for index, stage in enumerate(stages):
        shown = truncate(stage.name, column_width - 8, EMO_LABEL_SIZE)
        out.append(
            _text(
                (index + 0.5) * column_width,
                height + EMO_LABEL_SIZE + 4,
                shown,
                **{
                    "class": "emo-label",
                    "text_anchor": "middle",
                    "font_size": _num(EMO_LABEL_SIZE),
                    "fill": DARK_TEXT,
                },
            )
        )
    return out


def _emotion_desc(stages: Sequence[Stage], locale: Locale) -> str:
    """`Awareness: positive (1); Deal: very negative (−2)`: the curve as text."""
    parts = []
    for stage in stages:
        if stage.emotion is None:
            parts.append(f"{stage.name}: {locale.label('no_data')}")
        else:
            score = locale.number(stage.emotion)
            parts.append(f"{stage.name}: {locale.emotion(stage.emotion)} ({score})")
    return "; ".join(parts)


def emotion_curve(
    stages: Sequence[Stage],
    locale: Locale,
    *,
    column_width: float = 160,
    height: float = 120,
    ghost: Sequence[Stage] | None = None,
    prefix: str = "emo",
    labels: bool = False,
) -> str:
    """The emotion curve: one point at the centre of each stage column of the grid.

    Any `height` works: the points shrink with a flat row (see `emotion_radius`)
    so that order and spacing of the scores hold on screen and on paper alike.
    """
    if not stages:
        return ""
    width = len(stages) * float(column_width)
    height = float(height)
    radius = emotion_radius(float(column_width), height)
    scale = radius / EMO_RADIUS
    body = _emotion_background(width, height, radius)
    if ghost:
        body += _ghost_layer(stages, ghost, column_width, height, locale, radius)
    line_style = {
        "fill": "none",
        "stroke": "#5d6d7e",
        "stroke-width": _width(2.5 * scale),
        "stroke-linejoin": "round",
    }
    body += _emotion_lines(
        [s.emotion for s in stages], column_width, height, "emo-line", line_style,
        radius,
    )
    for index, stage in enumerate(stages):
        if stage.emotion is not None:
            cx = (index + 0.5) * column_width
            cy = _emotion_y(stage.emotion, height, radius)
            body.append(_emotion_point(stage, cx, cy, locale, radius))
    total = height
    if labels:
        body += _emotion_labels(stages, column_width, height)
        total += EMO_LABEL_SPACE
    return _svg(
        prefix,
        width,
        total,
        "cjm-chart emotion-curve",
        locale.label("emotion_curve"),
        _emotion_desc(stages, locale),
        body,
    )


# --- funnel --------------------------------------------------------------------------

FUNNEL_FONT = 12.0
FUNNEL_GAP_FONT = 11.0
FUNNEL_MIN_BAR = 4.0


def rate_percent(rate: float, locale: Locale) -> str:
    """A 0..1 rate as locale percent, with decimals enough that it is never `0%`."""
    return locale.rate(rate)


@dataclass(frozen=True)
class _Step:
    """One funnel bar and the conversion printed below it (None for the last bar)."""

    index: int
    stage: Stage
    computed: float | None
    stated: float | None


def _funnel_steps(journey_map: Map) -> list[_Step]:
    computed = journey.conversions(journey_map)
    return [
        _Step(i, s, computed[i], journey.stated_rate(s.conversion))
        for i, s in enumerate(journey_map.stages)
        if s.count is not None
    ]


def _conversion_text(step: _Step, x: float, y: float, locale: Locale) -> str:
    """`↓ 5%`, plus `(stated 10%)` in the warning colour when the figures disagree."""
    parts = []
    if step.computed is not None:
        parts.append(_esc(f"↓ {rate_percent(step.computed, locale)}"))
    warn = journey.contradicts(step.stated, step.computed)
    if step.stated is not None and (warn or step.computed is None):
        stated = rate_percent(step.stated, locale)
        shown = f"{locale.label('stated')} {stated}"
        if warn:  # in words, not by colour alone
            shown = f" (⚠ {locale.label('stated_mismatch', stated=stated)})"
        attrs = {
            "class": "funnel-stated funnel-warning" if warn else "funnel-stated",
            "fill": WARNING_COLOUR if warn else MUTED,
            "font-weight": "bold" if warn else None,
        }
        parts.append(_el("tspan", attrs, _esc(shown)))
    if not parts:
        return ""
    attrs = {
        "class": "funnel-conversion",
        "x": x,
        "y": y,
        "text-anchor": "middle",
        "font-size": _num(FUNNEL_GAP_FONT),
        "fill": DARK_TEXT,
    }
    return _el("text", attrs, *parts)


def _funnel_bar(
    step: _Step,
    top: float,
    bar_width: float,
    centre: float,
    label_right: float,
    bar_height: float,
    locale: Locale,
) -> str:
    """A centred bar, the name to its left, the count inside (beside when narrow)."""
    count = step.stage.count or 0
    mid = top + bar_height / 2 + FUNNEL_FONT * 0.35
    count_text = locale.number(count)
    inside = bar_width >= _text_width(count_text, FUNNEL_FONT) + 12
    name = truncate(step.stage.name, label_right - 4, FUNNEL_FONT)
    pieces = [
        _title(f"{step.stage.name}: {locale.number(count)}"),
        _el(
            "rect",
            {
                "class": "funnel-bar",
                "x": centre - bar_width / 2,
                "y": top,
                "width": bar_width,
                "height": bar_height,
                "rx": "3",
                "fill": FUNNEL_COLOUR,
            },
        ),
        _text(
            label_right,
            mid,
            name,
            **{
                "class": "funnel-name",
                "text_anchor": "end",
                "font_size": _num(FUNNEL_FONT),
                "fill": DARK_TEXT,
            },
        ),
        _text(
            centre if inside else centre + bar_width / 2 + 6,
            mid,
            count_text,
            **{
                "class": "funnel-count",
                "text_anchor": "middle" if inside else "start",
                "font_size": _num(FUNNEL_FONT),
                "font_weight": "bold",
                "fill": text_colour_on(FUNNEL_COLOUR) if inside else DARK_TEXT,
            },
        ),
    ]
    return _el("g", {"class": "funnel-step", "data-stage": step.stage.id}, *pieces)


def _funnel_desc(
    steps: Sequence[_Step], overall: str | None, locale: Locale, log_scale: bool = False
) -> str:
    parts = []
    for step in steps:
        text = f"{step.stage.name}: {locale.number(step.stage.count or 0)}"
        if step.computed is not None:
            text += f" (↓ {rate_percent(step.computed, locale)}"
            if journey.contradicts(step.stated, step.computed):
                assert step.stated is not None
                stated = rate_percent(step.stated, locale)
                text += f"; {locale.label('stated_mismatch', stated=stated)}"
            text += ")"
        parts.append(text)
    if overall:
        parts.append(overall)
    if log_scale:
        parts.append(locale.label("funnel_log_scale"))
    return "; ".join(parts)


#: Above this ratio of the largest to the smallest count, bars to scale become slivers
#: (96,000 against 36): the chart switches to a logarithmic scale and says so.
FUNNEL_LOG_RATIO = 50.0


def _bar_shares(counts: Sequence[int]) -> tuple[list[float], bool]:
    """Each bar's share of the full width, and whether the scale is logarithmic.

    On a log scale the smallest positive count gets 1/(decades + 1) of the width
    and each tenfold step the same length more, so four orders of magnitude
    still read as five distinct bars."""
    positive = [c for c in counts if c > 0]
    biggest = max(counts, default=0) or 1
    if not positive or biggest / min(positive) <= FUNNEL_LOG_RATIO:
        return [c / biggest for c in counts], False
    smallest = min(positive)
    decades = math.log10(biggest / smallest)
    return [
        (math.log10(c / smallest) + 1) / (decades + 1) if c > 0 else 0.0 for c in counts
    ], True


def funnel_chart(
    journey_map: Map,
    locale: Locale,
    *,
    width: float = 640,
    bar_height: float = 28,
    prefix: str = "funnel",
) -> str:
    """Counted stages as a centred funnel, with computed (and contradicting) rates."""
    steps = _funnel_steps(journey_map)
    if not steps:
        return ""
    width, bar_height = float(width), float(bar_height)
    label_right = float(round(width * 0.3))
    area_left, area_right = label_right + 10, width - 8
    centre = (area_left + area_right) / 2
    # Leave room right of the widest bar for a count printed beside a narrow one.
    full = area_right - area_left - 2 * 70
    shares, log_scale = _bar_shares([step.stage.count or 0 for step in steps])
    gap = bar_height * 0.85
    body: list[str] = []
    top = 6.0
    for position, step in enumerate(steps):
        bar_width = max(FUNNEL_MIN_BAR, shares[position] * full)
        body.append(
            _funnel_bar(step, top, bar_width, centre, label_right, bar_height, locale)
        )
        top += bar_height
        if position < len(steps) - 1:
            body.append(
                _conversion_text(
                    step, centre, top + gap / 2 + FUNNEL_GAP_FONT * 0.35, locale
                )
            )
            top += gap
    overall = journey.overall_conversion(journey_map)
    overall_text = None
    if overall is not None:
        rate = rate_percent(overall.rate, locale)
        overall_text = f"{locale.label('overall_conversion')}: {rate}"
        top += 22
        body.append(
            _text(
                centre,
                top,
                overall_text,
                **{
                    "class": "funnel-overall",
                    "text_anchor": "middle",
                    "font_size": _num(FUNNEL_FONT),
                    "font_weight": "bold",
                    "fill": DARK_TEXT,
                },
            )
        )
    if log_scale:  # said on the chart itself: the bars are not to scale
        top += 18
        body.append(
            _text(
                centre,
                top,
                locale.label("funnel_log_scale"),
                **{
                    "class": "funnel-scale",
                    "text_anchor": "middle",
                    "font_size": _num(FUNNEL_GAP_FONT),
                    "font_style": "italic",
                    "fill": MUTED,
                },
            )
        )
    height = top + 8
    return _svg(
        prefix,
        width,
        height,
        "cjm-chart funnel",
        locale.label("funnel"),
        _funnel_desc(steps, overall_text, locale, log_scale),
        body,
    )


# --- journey graph -------------------------------------------------------------------

NODE_HEIGHT = 44.0
NODE_GAP = 44.0
GRAPH_MARGIN = 14.0
LEVEL_STEP = 24.0
GRAPH_FONT = 11.0
LOOP_FONT = 11.0  # the smallest chart text: 11 px where a phone shows the chart at its size
CORNER = 8.0


@dataclass(frozen=True)
class _Arc:
    """An edge drawn as an arc above (forward jump) or below (loop) the row of nodes."""

    edge: journey.Edge
    start: int
    end: int
    below: bool

    @property
    def low(self) -> int:
        return min(self.start, self.end)

    @property
    def high(self) -> int:
        return max(self.start, self.end)


def _arcs(journey_map: Map) -> tuple[list[journey.Edge], list[_Arc]]:
    """Split edges: straight arrows to the following stage, arcs for jumps and loops."""
    position = {stage.id: i for i, stage in enumerate(journey_map.stages)}
    straight, arcs = [], []
    for edge in journey.edges(journey_map):
        start, end = position[edge.source], position[edge.target]
        if not edge.loop and end == start + 1:
            straight.append(edge)
        else:
            arcs.append(_Arc(edge, start, end, below=edge.loop))
    return straight, arcs


def _levels(arcs: Sequence[_Arc]) -> dict[_Arc, int]:
    """Nest arcs: shorter ones nearer the row, overlapping ones on different levels."""
    levels: dict[_Arc, int] = {}
    for arc in sorted(arcs, key=lambda a: (a.high - a.low, a.low, a.high)):
        clashing = [
            lvl
            for other, lvl in levels.items()
            if other.low <= arc.high and arc.low <= other.high
        ]
        levels[arc] = 1 + max(clashing, default=0)
    return levels


def _slots(
    arcs: Sequence[_Arc],
    node_left: Sequence[float],
    node_width: float,
) -> dict[tuple[_Arc, str], float]:
    """Where arc ends touch a node: longer arcs at the outer ends, so none cross."""
    ends: dict[int, list[tuple[float, int, _Arc, str]]] = {}
    for arc in arcs:
        # Order along the side by where the other end lies: far left first.
        ends.setdefault(arc.start, []).append((arc.end - arc.start, 1, arc, "start"))
        ends.setdefault(arc.end, []).append((arc.start - arc.end, 0, arc, "end"))
    slots: dict[tuple[_Arc, str], float] = {}
    inset = 14.0
    for node, items in ends.items():
        items.sort(key=lambda item: (item[0], item[1], item[2].low, item[2].high))
        usable = node_width - 2 * inset
        for k, (_, _, arc, role) in enumerate(items):
            slots[(arc, role)] = (
                node_left[node] + inset + usable * (k + 1) / (len(items) + 1)
            )
    return slots


def _arc_path(x1: float, x2: float, edge_y: float, level_y: float) -> str:
    """Out of the node, along the level, into the target; rounded corners."""
    down = 1 if level_y > edge_y else -1
    side = 1 if x2 >= x1 else -1
    r = min(CORNER, abs(x2 - x1) / 2, abs(level_y - edge_y))
    return (
        f"M {_num(x1)} {_num(edge_y)} V {_num(level_y - down * r)} "
        f"Q {_num(x1)} {_num(level_y)} {_num(x1 + side * r)} {_num(level_y)} "
        f"H {_num(x2 - side * r)} "
        f"Q {_num(x2)} {_num(level_y)} {_num(x2)} {_num(level_y - down * r)} "
        f"V {_num(edge_y)}"
    )


def _markers(prefix: str) -> str:
    """Arrowheads: one per edge colour, because markers do not inherit the stroke."""

    def marker(suffix: str, colour: str) -> str:
        return _el(
            "marker",
            {
                "id": f"{prefix}-arrow{suffix}",
                "viewBox": "0 0 10 10",
                "refX": "9",
                "refY": "5",
                "markerWidth": "7",
                "markerHeight": "7",
                "orient": "auto",
                "markerUnits": "userSpaceOnUse",
            },
            _el("path", {"d": "M 0 0 L 10 5 L 0 10 z", "fill": colour}),
        )

    return _el("defs", {}, marker("", EDGE_COLOUR), marker("-loop", LOOP_COLOUR))


def _node(stage: Stage, x: float, y: float, width: float) -> str:
    """A rounded box, the name wrapped to two lines; the full name is the tooltip."""
    lines = _wrap(stage.name, width - 12, GRAPH_FONT)
    first = (
        y + NODE_HEIGHT / 2 - (len(lines) - 1) * GRAPH_FONT * 0.6 + GRAPH_FONT * 0.35
    )
    texts = [
        _text(
            x + width / 2,
            first + i * GRAPH_FONT * 1.2,
            line,
            **{
                "text_anchor": "middle",
                "font_size": _num(GRAPH_FONT),
                "fill": DARK_TEXT,
            },
        )
        for i, line in enumerate(lines)
    ]
    rect = _el(
        "rect",
        {
            "x": x,
            "y": y,
            "width": width,
            "height": NODE_HEIGHT,
            "rx": "8",
            "fill": "#eaf2f8",
            "stroke": "#5d6d7e",
            "stroke-width": "1.2",
        },
    )
    return _el(
        "g",
        {"class": "graph-node", "data-stage": stage.id},
        _title(stage.name),
        rect,
        *texts,
    )


def _edge_group(
    edge: journey.Edge,
    names: Mapping[str, str],
    d: str,
    prefix: str,
    kind: str,
    locale: Locale,
    extra: str = "",
) -> str:
    """One edge: its path, its arrowhead, a tooltip naming both stages."""
    loop = kind == "loop"
    label = f"{names[edge.source]} → {names[edge.target]}"
    if loop:
        label += f" ({locale.label('loop')})"
    path = _el(
        "path",
        {
            "d": d,
            "fill": "none",
            "stroke": LOOP_COLOUR if loop else EDGE_COLOUR,
            "stroke-width": "1.8",
            "stroke-dasharray": "5 3" if loop else None,
            "marker-end": f"url(#{prefix}-arrow{'-loop' if loop else ''})",
        },
    )
    return _el(
        "g",
        {
            "class": f"graph-edge graph-edge-{kind}",
            "data-source": edge.source,
            "data-target": edge.target,
        },
        _title(label),
        path,
        extra,
    )


def _graph_desc(journey_map: Map, locale: Locale) -> str:
    names = {s.id: s.name for s in journey_map.stages}
    parts = []
    for edge in journey.edges(journey_map):
        text = f"{names[edge.source]} → {names[edge.target]}"
        parts.append(f"{text} ({locale.label('loop')})" if edge.loop else text)
    return "; ".join(parts)


def journey_graph(
    journey_map: Map,
    locale: Locale,
    *,
    node_width: float = 120,
    prefix: str = "graph",
) -> str:
    """Stages in a row: arrows to the next, jumps arched above, loops below in red."""
    stages = journey_map.stages
    if not stages:
        return ""
    node_width = float(node_width)
    straight, arcs = _arcs(journey_map)
    above = _levels([a for a in arcs if not a.below])
    below = _levels([a for a in arcs if a.below])
    levels = {**above, **below}
    top_levels = max(above.values(), default=0)
    bottom_levels = max(below.values(), default=0)
    row_top = GRAPH_MARGIN + top_levels * LEVEL_STEP
    row_bottom = row_top + NODE_HEIGHT
    lefts = [GRAPH_MARGIN + i * (node_width + NODE_GAP) for i in range(len(stages))]
    width = lefts[-1] + node_width + GRAPH_MARGIN
    height = (
        row_bottom + bottom_levels * LEVEL_STEP + (LOOP_FONT + 8 if below else 0) + 8
    )
    names = {s.id: s.name for s in stages}
    position = {s.id: i for i, s in enumerate(stages)}
    body = [_markers(prefix)]
    mid_y = row_top + NODE_HEIGHT / 2
    for edge in straight:
        start = lefts[position[edge.source]] + node_width
        end = lefts[position[edge.target]]
        d = f"M {_num(start)} {_num(mid_y)} H {_num(end - 1)}"
        body.append(_edge_group(edge, names, d, prefix, "forward", locale))
    slots = _slots(arcs, lefts, node_width)
    for arc in sorted(arcs, key=lambda a: (a.below, levels[a], a.low, a.high)):
        label_x = _label_x(arc, arcs, levels, slots)
        body.append(
            _arc_edge(
                arc,
                slots,
                levels[arc],
                label_x,
                (row_top, row_bottom),
                names,
                prefix,
                locale,
            )
        )
    body += [
        _node(stage, lefts[i], row_top, node_width) for i, stage in enumerate(stages)
    ]
    return _svg(
        prefix,
        width,
        height,
        "cjm-chart journey-graph",
        locale.label("journey_graph"),
        _graph_desc(journey_map, locale),
        body,
    )


def _label_x(
    arc: _Arc,
    arcs: Sequence[_Arc],
    levels: Mapping[_Arc, int],
    slots: Mapping[tuple[_Arc, str], float],
) -> float:
    """Middle of the arc's widest stretch clear of deeper arcs' vertical lines."""
    x1, x2 = sorted((slots[(arc, "start")], slots[(arc, "end")]))
    crossing = sorted(
        slots[(other, role)]
        for other in arcs
        if other.below == arc.below and levels[other] > levels[arc]
        for role in ("start", "end")
        if x1 < slots[(other, role)] < x2
    )
    stops = [x1, *crossing, x2]
    left, right = max(zip(stops, stops[1:]), key=lambda pair: pair[1] - pair[0])
    return (left + right) / 2


def _arc_edge(
    arc: _Arc,
    slots: Mapping[tuple[_Arc, str], float],
    level: int,
    label_x: float,
    row: tuple[float, float],
    names: Mapping[str, str],
    prefix: str,
    locale: Locale,
) -> str:
    """A jump arched above the row, or a loop below it with its `loop` label."""
    x1, x2 = slots[(arc, "start")], slots[(arc, "end")]
    row_top, row_bottom = row
    if arc.below:
        level_y = row_bottom + level * LEVEL_STEP
        label = _loop_label(label_x, level_y + LOOP_FONT + 2, locale)
        d = _arc_path(x1, x2, row_bottom, level_y)
        return _edge_group(arc.edge, names, d, prefix, "loop", locale, label)
    d = _arc_path(x1, x2, row_top, row_top - level * LEVEL_STEP)
    return _edge_group(arc.edge, names, d, prefix, "forward", locale)


def _loop_label(x: float, y: float, locale: Locale) -> str:
    return _text(
        x,
        y,
        locale.label("loop"),
        **{
            "class": "graph-loop-label",
            "text_anchor": "middle",
            "font_size": _num(LOOP_FONT),
            "fill": LOOP_COLOUR,
        },
    )


# --- KPI gauge -----------------------------------------------------------------------

GAUGE_WIDTH = 60.0
GAUGE_HEIGHT = 8.0


def _gauge_scale(value: float, target: float) -> tuple[float, float]:
    """The drawn range: from zero (or the lowest figure) to past the highest."""
    low = min(0.0, value, target)
    high = max(value, target, 0.0)
    high += (high - low) * 0.2 or 1.0
    return low, high


def kpi_gauge(kpi: KPI, locale: Locale, *, prefix: str | None = None) -> str:
    """A 60x8 bar of value vs target: green if met, red if missed, a tick at target.

    Ids come from `prefix`, or else from a digest of the KPI, so that they are
    stable between builds; pass a prefix when the same KPI appears twice on a page.
    """
    status = kpi.status
    if status == "unknown":
        return ""
    assert kpi.value is not None and kpi.target is not None
    # in the base unit of their kind: `26 ч` against `2 дня` is 26 hours against 48
    value_reading = figures.read_figure(kpi.value.raw, kpi.unit)
    target_reading = figures.read_figure(kpi.target.raw, kpi.unit)
    assert isinstance(value_reading, figures.Reading) and isinstance(target_reading, figures.Reading)
    value = figures.representative(value_reading.in_units_of(target_reading))
    target = figures.representative(target_reading.in_units_of(value_reading))
    if prefix is None:
        digest = hashlib.sha1(f"{kpi.name}|{kpi.value.raw}|{kpi.target.raw}".encode())
        prefix = f"kpi-{digest.hexdigest()[:8]}"
    low, high = _gauge_scale(value, target)

    def x(figure: float) -> float:
        return (figure - low) / (high - low) * GAUGE_WIDTH

    colour = MET_COLOUR if status == "met" else MISSED_COLOUR
    unit = f" {kpi.unit}" if kpi.unit else ""
    desc = (
        f"{kpi.name}: {locale.label('value')} {kpi.value.raw}{unit}, "
        f"{locale.label('target').lower()} {kpi.target.raw}{unit}"
    )
    body = [
        _el(
            "rect",
            {
                "class": "kpi-track",
                "x": 0.0,
                "y": 1.0,
                "width": GAUGE_WIDTH,
                "height": GAUGE_HEIGHT - 2,
                "rx": "2",
                "fill": "#e5e8e8",
            },
        ),
        _el(
            "rect",
            {
                "class": f"kpi-value kpi-{status}",
                "x": x(min(0.0, value)),
                "y": 1.0,
                "width": max(1.0, abs(x(value) - x(0.0))),
                "height": GAUGE_HEIGHT - 2,
                "rx": "2",
                "fill": colour,
            },
        ),
        _el(
            "line",
            {
                "class": "kpi-target",
                "x1": x(target),
                "y1": 0.0,
                "x2": x(target),
                "y2": GAUGE_HEIGHT,
                "stroke": DARK_TEXT,
                "stroke-width": "1.5",
            },
        ),
    ]
    return _svg(
        prefix,
        GAUGE_WIDTH,
        GAUGE_HEIGHT,
        f"cjm-chart kpi-gauge kpi-{status}",
        f"{kpi.name}: {locale.label(f'kpi_{status}')}",
        desc,
        body,
    )
