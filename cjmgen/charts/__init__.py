"""Inline SVG charts of a map, shared by the site and the PDFs: one module per chart.

The names below are what the site, the PDFs and the changes page draw with;
`from cjmgen import charts` then `charts.emotion_curve(...)` reads as before the split.
"""

from cjmgen.charts.emotion import (
    EMOTION_COLOURS,
    PERSONA_COLOURS,
    emotion_class,
    emotion_colour,
    emotion_curve,
    stage_feelings,
)
from cjmgen.charts.funnel import FUNNEL_GAP_FONT, FUNNEL_MIN_BAR, funnel_chart, rate_percent
from cjmgen.charts.graph import (
    GRAPH_FONT,
    GRAPH_MARGIN,
    LOOP_FONT,
    NODE_GAP,
    graph_height,
    is_straight,
    journey_graph,
    journey_row,
    min_node_width,
    web_gap,
)
from cjmgen.charts.kpi import kpi_gauge
from cjmgen.charts.svg import CHAR_WIDTH_EM, FUNNEL_COLOUR, contrast_ratio, text_colour_on, truncate
from cjmgen.charts.trend import TrendPoint, trend_sparkline

__all__ = [
    "CHAR_WIDTH_EM",
    "EMOTION_COLOURS",
    "FUNNEL_COLOUR",
    "FUNNEL_GAP_FONT",
    "FUNNEL_MIN_BAR",
    "GRAPH_FONT",
    "GRAPH_MARGIN",
    "LOOP_FONT",
    "NODE_GAP",
    "PERSONA_COLOURS",
    "TrendPoint",
    "contrast_ratio",
    "emotion_class",
    "emotion_colour",
    "emotion_curve",
    "funnel_chart",
    "graph_height",
    "is_straight",
    "journey_graph",
    "journey_row",
    "kpi_gauge",
    "min_node_width",
    "rate_percent",
    "stage_feelings",
    "text_colour_on",
    "trend_sparkline",
    "truncate",
    "web_gap",
]
