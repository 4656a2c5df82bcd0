"""The emotion curve: one face per stage on a -2..2 scale, shared by the grid and the PDFs."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

from cjmgen.charts.svg import (
    DARK_TEXT,
    GHOST,
    NO_DATA_COLOUR,
    el,
    line_width,
    num,
    svg_root,
    text_at,
    text_colour_on,
    tooltip,
    truncate,
)
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
    stage: Stage, cx: float, cy: float, locale: Locale, radius: float = EMO_RADIUS
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
        tooltip(f"{stage.name}: {locale.emotion(stage.emotion)}"),
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
) -> list[str]:
    """The earlier version, placed by stage id under the current columns."""
    old = {stage.id: stage for stage in ghost}
    values = [old[s.id].emotion if s.id in old else None for s in stages]
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
                tooltip(f"{then.name}: {locale.emotion(value)}"),
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
        "stroke-width": line_width(2.5 * scale),
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
    return svg_root(
        prefix,
        width,
        total,
        "cjm-chart emotion-curve",
        locale.label("emotion_curve"),
        _emotion_desc(stages, locale),
        body,
    )
