"""The funnel chart: counted stages as centred bars with their computed and stated rates."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from cjmgen.analysis import journey
from cjmgen.charts.svg import (
    DARK_TEXT,
    FUNNEL_COLOUR,
    MUTED,
    WARNING_COLOUR,
    el,
    esc,
    num,
    svg_root,
    text_at,
    text_colour_on,
    text_width,
    tooltip,
    truncate,
)
from cjmgen.content.model import Exit, Map, Stage
from cjmgen.i18n.labels import Locale

FUNNEL_FONT = 12.0
FUNNEL_GAP_FONT = 11.0
FUNNEL_MIN_BAR = 4.0
FUNNEL_EXIT_LINE = 16.0


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
        parts.append(esc(f"↓ {rate_percent(step.computed, locale)}"))
    warn = journey.contradicts(step.stated, step.computed)
    if step.stated is not None and (warn or step.computed is None):
        stated = rate_percent(step.stated, locale)
        shown = f"{locale.label('stated')} {stated}"
        if warn:  # in words, not by colour alone
            shown = f" (⚠ {locale.label('stated_mismatch', stated=stated)})"
        tspan_attrs = {
            "class": "funnel-stated funnel-warning" if warn else "funnel-stated",
            "fill": WARNING_COLOUR if warn else MUTED,
            "font-weight": "bold" if warn else None,
        }
        parts.append(el("tspan", tspan_attrs, esc(shown)))
    if not parts:
        return ""
    attrs = {
        "class": "funnel-conversion",
        "x": x,
        "y": y,
        "text-anchor": "middle",
        "font-size": num(FUNNEL_GAP_FONT),
        "fill": DARK_TEXT,
    }
    return el("text", attrs, *parts)


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
    inside = bar_width >= text_width(count_text, FUNNEL_FONT) + 12
    name = truncate(step.stage.name, label_right - 4, FUNNEL_FONT)
    pieces = [
        tooltip(f"{step.stage.name}: {locale.number(count)}"),
        el(
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
        text_at(
            label_right,
            mid,
            name,
            **{
                "class": "funnel-name",
                "text_anchor": "end",
                "font_size": num(FUNNEL_FONT),
                "fill": DARK_TEXT,
            },
        ),
        text_at(
            centre if inside else centre + bar_width / 2 + 6,
            mid,
            count_text,
            **{
                "class": "funnel-count",
                "text_anchor": "middle" if inside else "start",
                "font_size": num(FUNNEL_FONT),
                "font_weight": "bold",
                "fill": text_colour_on(FUNNEL_COLOUR) if inside else DARK_TEXT,
            },
        ),
    ]
    return el("g", {"class": "funnel-step", "data-stage": step.stage.id}, *pieces)


def exit_text(exit_: Exit, locale: Locale) -> str:
    """`↘ бросил корзину: 120`: customers who leave the journey here (the count when known)."""
    count = f": {locale.number(exit_.count)}" if exit_.count is not None else ""
    return f"↘ {exit_.name}{count}"


def _exit_lines(stage: Stage, top: float, x: float, right: float, locale: Locale) -> tuple[list[str], float]:
    """The stage's exits as drop-off branches right of the funnel's axis, under its bar;
    returns them and the new top."""
    lines = []
    for exit_ in stage.exits:
        top += FUNNEL_EXIT_LINE
        full = exit_text(exit_, locale)
        shown = truncate(full, right - x, FUNNEL_GAP_FONT)
        lines.append(el(
            "g", {"class": "funnel-exit", "data-stage": stage.id},
            tooltip(full) if shown != full else "",
            text_at(x, top - FUNNEL_EXIT_LINE / 2 + FUNNEL_GAP_FONT * 0.35, shown, **{
                "class": "funnel-exit-text", "text_anchor": "start",
                "font_size": num(FUNNEL_GAP_FONT), "fill": WARNING_COLOUR,
            }),
        ))
    return lines, top


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
        if step.stage.exits:
            text += f"; {locale.label('exits')}: " + ", ".join(
                exit_text(e, locale).removeprefix("↘ ") for e in step.stage.exits)
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
        if step.stage.exits:
            lines, top = _exit_lines(step.stage, top, label_right / 3, area_right, locale)
            body.extend(lines)
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
            text_at(
                centre,
                top,
                overall_text,
                **{
                    "class": "funnel-overall",
                    "text_anchor": "middle",
                    "font_size": num(FUNNEL_FONT),
                    "font_weight": "bold",
                    "fill": DARK_TEXT,
                },
            )
        )
    if log_scale:  # said on the chart itself: the bars are not to scale
        top += 18
        body.append(
            text_at(
                centre,
                top,
                locale.label("funnel_log_scale"),
                **{
                    "class": "funnel-scale",
                    "text_anchor": "middle",
                    "font_size": num(FUNNEL_GAP_FONT),
                    "font_style": "italic",
                    "fill": MUTED,
                },
            )
        )
    height = top + 8
    return svg_root(
        prefix,
        width,
        height,
        "cjm-chart funnel",
        locale.label("funnel"),
        _funnel_desc(steps, overall_text, locale, log_scale),
        body,
    )
