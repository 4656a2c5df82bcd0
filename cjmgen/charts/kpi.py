"""The KPI gauge: a small bar of value against target, coloured by status."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from markupsafe import Markup, escape

from cjmgen.charts.svg import DARK_TEXT, MET_COLOUR, MISSED_COLOUR, num, svg_root
from cjmgen.content import figures
from cjmgen.content.model import KPI
from cjmgen.i18n.labels import Locale

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
    zero, mark = x(0.0), num(x(target))
    # written out, not through `el`: every KPI of every map page has a gauge
    body = (
        f'<rect class="kpi-track" x="0.0" y="1.0" width="{num(GAUGE_WIDTH)}" height="{num(GAUGE_HEIGHT - 2)}" '
        'rx="2" fill="#e5e8e8"/>'
        f'<rect class="kpi-value kpi-{status}" x="{num(x(min(0.0, value)))}" y="1.0" '
        f'width="{num(max(1.0, abs(x(value) - zero)))}" height="{num(GAUGE_HEIGHT - 2)}" rx="2" fill="{colour}"/>'
        f'<line class="kpi-target" x1="{mark}" y1="0.0" x2="{mark}" y2="{num(GAUGE_HEIGHT)}" '
        f'stroke="{DARK_TEXT}" stroke-width="1.5"/>'
    )
    return svg_root(
        prefix,
        GAUGE_WIDTH,
        GAUGE_HEIGHT,
        f"cjm-chart kpi-gauge kpi-{status}",
        f"{kpi.name}: {locale.label(f'kpi_{status}')}",
        desc,
        (body,),
    )


def gauge_ids(markup: Any, ids: Any) -> Markup:
    """The template filter `{{ kpi_list(...)|gauge_ids('grid') }}`: the gauges in `markup`
    (one, or a whole list of KPIs) with their element ids starting `ids-` (`grid-kpi-…`),
    and nothing else changed (text is escaped first). The same KPI's gauge shows twice on
    a map page (its grid and its stage card), and ids must be unique on a page."""
    text = str(markup if hasattr(markup, "__html__") else escape(markup))
    prefix = f"{ids}-kpi-"
    text = text.replace(' id="kpi-', f' id="{prefix}').replace('aria-labelledby="kpi-', f'aria-labelledby="{prefix}')
    return Markup(_DESC_ID.sub(lambda _: f"-title {prefix}", text) if "-title kpi-" in text else text)


# The second id of `aria-labelledby="kpi-…-title kpi-…-desc"`. Text never holds `id="`, nor
# `-desc"`: its quotes are escaped.
_DESC_ID = re.compile(r'-title kpi-(?=[0-9a-f]+-desc")')
