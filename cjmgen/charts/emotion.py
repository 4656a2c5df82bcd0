"""The emotion curve: one face per stage on a -2..2 scale, shared by the grid and the PDFs.

A map on its own scale (1..5, named levels) places each point by its position on
that scale and labels the levels at the left; a map with several personas draws
a curve per persona, each with its own colour, dash and marker, and a legend.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

from cjmgen.charts.svg import (
    DARK_TEXT,
    GHOST,
    MUTED,
    NO_DATA_COLOUR,
    el,
    line_width,
    num,
    svg_root,
    text_at,
    text_colour_on,
    text_width,
    tooltip,
    truncate,
)
from cjmgen.content.emotion_scale import DEFAULT_SCALE, EmotionScale
from cjmgen.content.model import Stage
from cjmgen.i18n.labels import Locale

#: The diverging emotion palette, -2 (very negative) .. 2 (very positive).
EMOTION_COLOURS: Mapping[int, str] = {
    -2: "#c0392b",
    -1: "#e67e22",
    0: "#95a5a6",
    1: "#7dcea0",
    2: "#27ae60",
}


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


def _emotion_y(value: float, height: float, radius: float = EMO_RADIUS) -> float:
    """-2..2 mapped to bottom..top, leaving room for a point's radius at both ends."""
    pad = radius * (EMO_RADIUS + 5) / EMO_RADIUS
    return pad + (2 - max(-2, min(2, value))) / 4 * (height - 2 * pad)


def _runs(values: Sequence[float | None]) -> list[list[int]]:
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
    d = [f"M {num(x0)} {num(y0)}"]
    for (xa, ya), (xb, yb) in itertools.pairwise(points):
        mid = (xa + xb) / 2
        d.append(
            f"C {num(mid)} {num(ya)} {num(mid)} {num(yb)} {num(xb)} {num(yb)}"
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
        f"M {num(cx - u(3.8))} {num(cy - u(4.5))} v {num(u(2.6))} "
        f"M {num(cx + u(3.8))} {num(cy - u(4.5))} v {num(u(2.6))}"
    )
    depth = {2: 5.5, 1: 3.5, 0: 0.0, -1: -3.0, -2: -4.2}[max(-2, min(2, value))]
    if depth == 0:
        mouth = f"M {num(cx - u(4.5))} {num(cy + u(3.8))} H {num(cx + u(4.5))}"
    else:
        base = cy + u(2.2 if depth > 0 else 6.2)
        mouth = (
            f"M {num(cx - u(5))} {num(base)} "
            f"Q {num(cx)} {num(base + u(2 * depth))} {num(cx + u(5))} {num(base)}"
        )
    style = {
        "fill": "none",
        "stroke": ink,
        "stroke-width": line_width(u(1.6)),
        "stroke-linecap": "round",
    }
    return el("path", {"class": "emo-face", "d": f"{eyes} {mouth}", **style})


def _emotion_point(
    stage: Stage, cx: float, cy: float, locale: Locale, radius: float = EMO_RADIUS,
    shown: str | None = None,
) -> str:
    assert stage.emotion is not None
    fill = emotion_colour(stage.emotion)
    scale = radius / EMO_RADIUS
    circle = el(
        "circle",
        {
            "cx": cx,
            "cy": cy,
            "r": radius,
            "fill": fill,
            "stroke": "#ffffff",
            "stroke-width": line_width(1.5 * scale),
        },
    )
    return el(
        "g",
        {"class": f"emo-point {emotion_class(stage.emotion)}", "data-stage": stage.id},
        tooltip(f"{stage.name}: {shown or locale.emotion(stage.emotion)}"),
        circle,
        _face(cx, cy, stage.emotion, text_colour_on(fill), scale),
    )


def _emotion_background(
    width: float, height: float, radius: float = EMO_RADIUS
) -> list[str]:
    """Pale positive/negative bands and the dashed neutral baseline."""
    zero = _emotion_y(0, height, radius)
    return [
        el(
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
        el(
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
        el(
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
    values: Sequence[float | None],
    column_width: float,
    height: float,
    css_class: str,
    style: Mapping[str, str],
    radius: float = EMO_RADIUS,
    offset: float = 0.0,
) -> list[str]:
    """One path per unbroken run of two or more points."""
    out = []
    for run in _runs(values):
        if len(run) < 2:
            continue
        points = [
            ((i + 0.5) * column_width + offset, _emotion_y(values[i] or 0, height, radius))
            for i in run
        ]
        out.append(
            el("path", {"class": css_class, "d": _smooth_path(points), **style})
        )
    return out


def _ghost_layer(
    stages: Sequence[Stage],
    ghost: Sequence[Stage],
    column_width: float,
    height: float,
    locale: Locale,
    radius: float = EMO_RADIUS,
    on_scale: EmotionScale = DEFAULT_SCALE,
) -> list[str]:
    """The earlier version, placed by stage id under the current columns."""
    old = {stage.id: stage for stage in ghost}
    values = [_chart_value(on_scale, old[s.id].felt) if s.id in old else None for s in stages]
    scale = radius / EMO_RADIUS
    style = {
        "fill": "none",
        "stroke": GHOST,
        "stroke-width": line_width(2 * scale),
        "stroke-dasharray": f"{line_width(6 * scale)} {line_width(4 * scale)}",
    }
    out = _emotion_lines(values, column_width, height, "emo-ghost-line", style, radius)
    for index, stage in enumerate(stages):
        value = values[index]
        if value is None:
            continue
        then = old[stage.id]
        out.append(
            el(
                "circle",
                {
                    "class": "emo-ghost-point",
                    "data-stage": stage.id,
                    "cx": (index + 0.5) * column_width,
                    "cy": _emotion_y(value, height, radius),
                    "r": radius - 2 * scale,
                    "fill": "none",
                    "stroke": GHOST,
                    "stroke-width": line_width(2 * scale),
                },
                tooltip(f"{then.name}: {_level_text(on_scale, then.felt, locale)}"),
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
            text_at(
                (index + 0.5) * column_width,
                height + EMO_LABEL_SIZE + 4,
                shown,
                **{
                    "class": "emo-label",
                    "text_anchor": "middle",
                    "font_size": num(EMO_LABEL_SIZE),
                    "fill": DARK_TEXT,
                },
            )
        )
    return out


def _chart_value(scale: EmotionScale, level: int | None) -> float | None:
    """Where a level sits on the chart's -2..2 axis (on -2..2 itself, the level unchanged)."""
    if level is None or scale.is_default:
        return level
    return scale.position(level) * 4 - 2


def _level_text(scale: EmotionScale, level: int | None, locale: Locale) -> str:
    """A level in words: `positive` on -2..2, its name on a named scale, `7 (1..10)` on a range."""
    if level is None:
        return locale.label("no_data")
    if scale.is_default:
        return locale.emotion(level)
    name = scale.name(level)
    return name if name is not None else f"{locale.number(level)} ({scale.low}..{scale.high})"


def _level_with_score(scale: EmotionScale, level: int, locale: Locale) -> str:
    """`positive (1)`, `хорошо (4)`, `7 (1..10)`: a level for the text alternative."""
    if scale.is_default:
        return f"{locale.emotion(level)} ({locale.number(level)})"
    if scale.names:
        return f"{_level_text(scale, level, locale)} ({locale.number(level)})"
    return _level_text(scale, level, locale)


def _emotion_desc(stages: Sequence[Stage], locale: Locale, scale: EmotionScale = DEFAULT_SCALE) -> str:
    """`Awareness: positive (1); Deal: very negative (−2)`: the curve as text."""
    parts = []
    for stage in stages:
        if stage.emotion is None:
            parts.append(f"{stage.name}: {locale.label('no_data')}")
        elif scale.is_default:
            score = locale.number(stage.emotion)
            parts.append(f"{stage.name}: {locale.emotion(stage.emotion)} ({score})")
        else:
            parts.append(f"{stage.name}: {_level_with_score(scale, stage.felt or 0, locale)}")
    return "; ".join(parts)


#: A colour per persona's curve: distinct hues, each at least 4.5:1 (WCAG AA) against
#: the chart's pale bands and white (tests/test_personas.py computes it).
PERSONA_COLOURS = ("#1f4e99", "#a51d2d", "#00695c", "#6a3d9a", "#7a5c00")
#: And a dash and a marker each, so the curves part without colour too (and in grey print).
PERSONA_DASHES = ("", "7 4", "2 3", "9 3 2 3", "4 2")
PERSONA_MARKERS = ("circle", "square", "triangle", "diamond", "triangle-down")
LEGEND_SPACE = 18.0
SCALE_LABEL_SIZE = 9.0


def _marker(shape: str, cx: float, cy: float, size: float, attrs: Mapping[str, object]) -> str:
    """A persona's point: a circle, square, diamond or triangle of about `size` radius."""
    if shape == "circle":
        return el("circle", {"cx": cx, "cy": cy, "r": size, **attrs})
    if shape == "square":
        side = size * 1.7
        return el("rect", {"x": cx - side / 2, "y": cy - side / 2, "width": side, "height": side, **attrs})
    r = size * 1.25
    corners = {
        "diamond": ((0, -r), (r, 0), (0, r), (-r, 0)),
        "triangle": ((0, -r), (r * 0.95, r * 0.7), (-r * 0.95, r * 0.7)),
        "triangle-down": ((0, r), (r * 0.95, -r * 0.7), (-r * 0.95, -r * 0.7)),
    }[shape]
    points = " ".join(f"{num(cx + dx)},{num(cy + dy)}" for dx, dy in corners)
    return el("polygon", {"points": points, **attrs})


def _legend(personas: Sequence[tuple[str, str]], width: float, size: float) -> list[str]:
    """One entry per persona above the plot: a stretch of its line, its marker, its name.

    `size` is the names' font size in chart units; the line and marker scale with it."""
    out = []
    unit = size / EMO_LABEL_SIZE
    x = 4.0 * unit
    room = width / len(personas)
    for index, (persona_id, name) in enumerate(personas):
        colour = PERSONA_COLOURS[index]
        y = LEGEND_SPACE * unit / 2
        shown = truncate(name, max(room - 34 * unit, 20 * unit), size)
        out.append(el(
            "g", {"class": "emo-legend-entry", "data-persona": persona_id},
            el("line", {"x1": x, "y1": y, "x2": x + 24 * unit, "y2": y, "stroke": colour,
                        "stroke-width": line_width(2.5 * unit),
                        "stroke-dasharray": _dashes(index, unit)}),
            _marker(PERSONA_MARKERS[index], x + 12 * unit, y, 4.5 * unit,
                    {"fill": colour, "stroke": "#ffffff", "stroke-width": line_width(unit)}),
            text_at(x + 29 * unit, y + size * 0.35, shown, **{
                "class": "emo-legend-name", "font_size": num(size), "fill": DARK_TEXT}),
        ))
        x += min(room, 34 * unit + text_width(shown, size) + 14 * unit)
    return out


def _dashes(index: int, unit: float) -> str | None:
    """A persona's dash pattern, scaled with its line."""
    pattern = PERSONA_DASHES[index]
    return " ".join(line_width(float(part) * unit) for part in pattern.split()) or None


def _scale_labels(
    scale: EmotionScale, column_width: float, height: float, radius: float, size: float
) -> list[str]:
    """The levels of a map's own scale at the left of the plot: every name where they fit
    one above the other, else (and on a numeric range) the two ends."""
    levels: Sequence[int] = range(scale.low, scale.high + 1)
    step = abs(_emotion_y(_chart_value(scale, scale.low + 1) or 0.0, height, radius)
               - _emotion_y(_chart_value(scale, scale.low) or 0.0, height, radius))
    if not scale.names or step < size * 1.05:
        levels = (scale.low, scale.high)
    room = column_width / 2 - radius - 6
    out = []
    for level in levels:
        y = _emotion_y(_chart_value(scale, level) or 0.0, height, radius)
        out.append(text_at(size / 3, y + size * 0.35, truncate(scale.shown(level), room, size),
                           **{"class": "emo-scale-label", "font_size": num(size), "fill": MUTED}))
    return out


def _persona_curves(
    stages: Sequence[Stage],
    personas: Sequence[tuple[str, str]],
    scale: EmotionScale,
    column_width: float,
    height: float,
    radius: float,
    locale: Locale,
) -> list[str]:
    """A curve per persona; markers side by side in a column, so equal scores stay visible."""
    out: list[str] = []
    size = radius * 0.62
    spread = min(size * 2.4, column_width / (len(personas) + 1))
    for index, (persona_id, name) in enumerate(personas):
        colour = PERSONA_COLOURS[index]
        offset = (index - (len(personas) - 1) / 2) * spread
        levels = [stage.felt_by(persona_id) for stage in stages]
        values = [_chart_value(scale, level) for level in levels]
        style = {"fill": "none", "stroke": colour, "stroke-width": line_width(2.5 * radius / EMO_RADIUS),
                 "stroke-linejoin": "round", "stroke-dasharray": _dashes(index, radius / EMO_RADIUS)}
        out += _emotion_lines(values, column_width, height, "emo-line emo-persona-line",
                              {k: v for k, v in style.items() if v is not None}, radius, offset)
        points = []
        for column, (stage, level) in enumerate(zip(stages, levels, strict=True)):
            if level is None:
                continue
            cx = (column + 0.5) * column_width + offset
            cy = _emotion_y(_chart_value(scale, level) or 0.0, height, radius)
            points.append(el(
                "g", {"class": "emo-point emo-persona-point", "data-stage": stage.id},
                tooltip(f"{name} · {stage.name}: {_level_text(scale, level, locale)}"),
                _marker(PERSONA_MARKERS[index], cx, cy, size,
                        {"fill": colour, "stroke": "#ffffff", "stroke-width": line_width(1.5 * radius / EMO_RADIUS)}),
            ))
        out.append(el("g", {"class": "emo-persona", "data-persona": persona_id}, *points))
    return out


def _personas_desc(
    stages: Sequence[Stage], personas: Sequence[tuple[str, str]], scale: EmotionScale, locale: Locale
) -> str:
    """`Анна: Осведомлённость: хорошо (4); … Сергей: …`: every persona's curve as text."""
    parts = []
    for persona_id, name in personas:
        values = []
        for stage in stages:
            level = stage.felt_by(persona_id)
            shown = locale.label("no_data") if level is None else _level_with_score(scale, level, locale)
            values.append(f"{stage.name}: {shown}")
        parts.append(f"{name}: " + "; ".join(values))
    return ". ".join(parts)


def emotion_curve(
    stages: Sequence[Stage],
    locale: Locale,
    *,
    column_width: float = 160,
    height: float = 120,
    ghost: Sequence[Stage] | None = None,
    prefix: str = "emo",
    labels: bool = False,
    scale: EmotionScale = DEFAULT_SCALE,
    personas: Sequence[tuple[str, str]] = (),
    text_size: float = EMO_LABEL_SIZE,
) -> str:
    """The emotion curve: one point at the centre of each stage column of the grid.

    Any `height` works: the points shrink with a flat row (see `emotion_radius`)
    so that order and spacing of the scores hold on screen and on paper alike.
    `scale` is the map's emotion scale; `personas` (id, name) draw a curve each
    when there are two or more; `text_size` is the legend's and the scale's type in
    chart units (a printed row passes its small print).
    """
    if not stages:
        return ""
    width = len(stages) * float(column_width)
    height = float(height)
    radius = emotion_radius(float(column_width), height)
    body = _emotion_background(width, height, radius)
    if not scale.is_default:
        body += _scale_labels(scale, column_width, height, radius, text_size * SCALE_LABEL_SIZE / EMO_LABEL_SIZE)
    if ghost:
        body += _ghost_layer(stages, ghost, column_width, height, locale, radius, scale)
    several = len(personas) > 1
    if several:
        body += _persona_curves(stages, personas, scale, column_width, height, radius, locale)
    else:
        body += _single_curve(stages, scale, column_width, height, radius, locale)
    total = height
    if labels:
        body += _emotion_labels(stages, column_width, height)
        total += EMO_LABEL_SPACE
    desc = _emotion_desc(stages, locale, scale)
    if several:
        legend = LEGEND_SPACE * text_size / EMO_LABEL_SIZE
        body = [*_legend(personas, width, text_size), el("g", {"transform": f"translate(0 {num(legend)})"}, *body)]
        total += legend
        desc = _personas_desc(stages, personas, scale, locale)
    return svg_root(
        prefix,
        width,
        total,
        "cjm-chart emotion-curve" + (" emotion-personas" if several else ""),
        locale.label("emotion_curve"),
        desc,
        body,
    )


def _single_curve(
    stages: Sequence[Stage], scale: EmotionScale, column_width: float, height: float, radius: float,
    locale: Locale,
) -> list[str]:
    """The one curve of a map with one persona: a face per stage in the colour of its mood."""
    scale_factor = radius / EMO_RADIUS
    line_style = {
        "fill": "none",
        "stroke": "#5d6d7e",
        "stroke-width": line_width(2.5 * scale_factor),
        "stroke-linejoin": "round",
    }
    body = _emotion_lines(
        [_chart_value(scale, s.felt) for s in stages], column_width, height, "emo-line", line_style,
        radius,
    )
    for index, stage in enumerate(stages):
        if stage.emotion is not None:
            cx = (index + 0.5) * column_width
            cy = _emotion_y(_chart_value(scale, stage.felt) or 0, height, radius)
            shown = None if scale.is_default else _level_text(scale, stage.felt, locale)
            body.append(_emotion_point(stage, cx, cy, locale, radius, shown))
    return body


def stage_feelings(
    stage: Stage, locale: Locale, scale: EmotionScale, personas: Sequence[tuple[str, str]]
) -> list[tuple[str, str]]:
    """(colour, words) for a stage's emotion on a map with its own scale or several personas:
    `хорошо (4)` in the colour of its mood, or `Анна: хорошо` in each persona's curve colour."""
    if len(personas) > 1:
        return [(PERSONA_COLOURS[index], f"{name}: {_level_text(scale, stage.felt_by(pid), locale)}")
                for index, (pid, name) in enumerate(personas)]
    if stage.emotion is None:
        return []
    return [(emotion_colour(stage.emotion), _level_with_score(scale, stage.felt or 0, locale))]
