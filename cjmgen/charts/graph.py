"""The journey graph: stages in a row, jumps arched above, loops below in red."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cjmgen.analysis import journey
from cjmgen.charts.svg import (
    DARK_TEXT,
    EDGE_COLOUR,
    LOOP_COLOUR,
    MUTED,
    el,
    num,
    svg_root,
    text_at,
    text_width,
    tooltip,
    truncate,
    wrap,
)
from cjmgen.content.model import Map, Stage
from cjmgen.i18n.labels import Locale

NODE_HEIGHT = 44.0
NODE_GAP = 44.0
GRAPH_MARGIN = 14.0
LEVEL_STEP = 24.0
GRAPH_FONT = 11.0
LOOP_FONT = 11.0  # the smallest chart text: 11 px where a phone shows the chart at its size
CORNER = 8.0
NODE_PAD = 12.0  # the name's room in a node is its width less this
TIME_LINE = 14.0  # a web node grows by this for the stage's `time` under its name
LABEL_STRIP = LOOP_FONT + 6  # printed row: under the nodes, the labels of arrows to the following stage
MAX_LABEL_GAP = 160.0


def min_node_width(stages: Sequence[Stage]) -> float:
    """The narrowest node in which every stage name's longest word fits whole."""
    widest = max((text_width(word, GRAPH_FONT) for s in stages for word in s.name.split()), default=0.0)
    return math.ceil(widest) + NODE_PAD


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
        f"M {num(x1)} {num(edge_y)} V {num(level_y - down * r)} "
        f"Q {num(x1)} {num(level_y)} {num(x1 + side * r)} {num(level_y)} "
        f"H {num(x2 - side * r)} "
        f"Q {num(x2)} {num(level_y)} {num(x2)} {num(level_y - down * r)} "
        f"V {num(edge_y)}"
    )


def _markers(prefix: str) -> str:
    """Arrowheads: one per edge colour, because markers do not inherit the stroke."""

    def marker(suffix: str, colour: str) -> str:
        return el(
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
            el("path", {"d": "M 0 0 L 10 5 L 0 10 z", "fill": colour}),
        )

    return el("defs", {}, marker("", EDGE_COLOUR), marker("-loop", LOOP_COLOUR))


def _node(stage: Stage, x: float, y: float, width: float, height: float = NODE_HEIGHT, label: str = "",
          time: bool = False) -> str:
    """A rounded box, the name wrapped to two lines (or a short `label`); the full name is the tooltip.
    With `time`, the box is TIME_LINE taller and the stage's time stands under the name."""
    lines = [label] if label else wrap(stage.name, width - NODE_PAD, GRAPH_FONT)
    name_height = height - TIME_LINE if time else height
    first = (
        y + name_height / 2 - (len(lines) - 1) * GRAPH_FONT * 0.6 + GRAPH_FONT * 0.35
    )
    texts = [
        text_at(
            x + width / 2,
            first + i * GRAPH_FONT * 1.2,
            line,
            text_anchor="middle", font_size=num(GRAPH_FONT), fill=DARK_TEXT,
        )
        for i, line in enumerate(lines)
    ]
    if time and stage.time:
        texts.append(text_at(
            x + width / 2, y + height - 8, truncate(stage.time, width - NODE_PAD, GRAPH_FONT),
            **{"class": "graph-time", "text_anchor": "middle", "font_size": num(GRAPH_FONT), "fill": MUTED},
        ))
    rect = el(
        "rect",
        {
            "x": x,
            "y": y,
            "width": width,
            "height": height,
            "rx": "8",
            "fill": "#eaf2f8",
            "stroke": "#5d6d7e",
            "stroke-width": "1.2",
        },
    )
    return el(
        "g",
        {"class": "graph-node", "data-stage": stage.id},
        tooltip(f"{stage.name} ({stage.time})" if stage.time else stage.name),
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
    caption: str | None = None,
) -> str:
    """One edge: its path, its arrowhead, a tooltip naming both stages (and its `caption`, the
    transition's label)."""
    loop = kind == "loop"
    label = _edge_text(edge, names, locale, caption)
    path = el(
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
    return el(
        "g",
        {
            "class": f"graph-edge graph-edge-{kind}",
            "data-source": edge.source,
            "data-target": edge.target,
        },
        tooltip(label),
        path,
        extra,
    )


def _edge_text(edge: journey.Edge, names: Mapping[str, str], locale: Locale, caption: str | None) -> str:
    """`A → B`, `(loop)` after a loop, `: label` after a labelled transition."""
    text = f"{names[edge.source]} → {names[edge.target]}"
    if edge.loop:
        text += f" ({locale.label('loop')})"
    return f"{text}: {caption}" if caption else text


def web_gap(journey_map: Map) -> float:
    """The web graph's gap between nodes: wide enough for the labels of arrows to the following
    stage (up to MAX_LABEL_GAP; a longer one is cut with …), NODE_GAP without them."""
    captions = _captions(journey_map)
    if not captions:
        return NODE_GAP
    straight, _ = _arcs(journey_map)
    widest = max((text_width(captions[(e.source, e.target)], LOOP_FONT) for e in straight
                  if (e.source, e.target) in captions), default=0.0)
    return min(MAX_LABEL_GAP, max(NODE_GAP, math.ceil(widest) + 12))


def _captions(journey_map: Map) -> dict[tuple[str, str], str]:
    """The transitions' labels by (source, target) stage id."""
    return {(stage.id, target): label for stage in journey_map.stages for target, label in stage.next_labels}


def _graph_desc(journey_map: Map, locale: Locale, drawn: Sequence[journey.Edge]) -> str:
    names = {s.id: s.name for s in journey_map.stages}
    captions = _captions(journey_map)
    parts = []
    for edge in journey.edges(journey_map):
        if edge not in drawn:
            continue
        parts.append(_edge_text(edge, names, locale, captions.get((edge.source, edge.target))))
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
    node_width = max(float(node_width), min_node_width(stages))
    gap = web_gap(journey_map)
    lefts = [GRAPH_MARGIN + i * (node_width + gap) for i in range(len(stages))]
    width = lefts[-1] + node_width + GRAPH_MARGIN
    return _graph(journey_map, locale, _Frame(lefts, node_width, width, 0, len(stages), WEB), prefix, "")


def journey_row(
    journey_map: Map,
    locale: Locale,
    *,
    first: int,
    end: int,
    column_width: float,
    prefix: str = "graph",
) -> str:
    """The graph of a printed sheet's stages `first..end`, each node under its stage column
    (`column_width` units a column) and numbered like it: the column head above names it.
    An edge to a stage on another sheet runs off the sheet's edge (the drawing clips it);
    its tooltip and the text alternative name both stages."""
    gap = min(NODE_GAP, column_width * 0.25)
    lefts = [gap / 2 + (i - first) * column_width for i in range(len(journey_map.stages))]
    frame = _Frame(lefts, column_width - gap, (end - first) * column_width, first, end, ROW)
    return _graph(journey_map, locale, frame, prefix, " journey-row")


def graph_height(journey_map: Map) -> float:
    """The height (chart units) of the map's printed graph row (`journey_row`), all arcs drawn."""
    straight, arcs = _arcs(journey_map)
    above = max(_levels([a for a in arcs if not a.below]).values(), default=0)
    below = max(_levels([a for a in arcs if a.below]).values(), default=0)
    extra = _Extra.of(journey_map, straight, arcs, ROW)
    return _height(above, below, ROW, extra)


def is_straight(journey_map: Map) -> bool:
    """Every stage leads to the next one only: the grid's column order tells the whole path."""
    _, arcs = _arcs(journey_map)
    return not arcs


def _height(top_levels: int, bottom_levels: int, geometry: _Geometry, extra: _Extra | None = None) -> float:
    extra = extra or _Extra()
    row_bottom = (geometry.margin + extra.top + top_levels * geometry.level_step + geometry.node_height
                  + extra.node + extra.strip)
    return row_bottom + bottom_levels * geometry.level_step + (LOOP_FONT + 8 if bottom_levels else 0) + geometry.foot


@dataclass(frozen=True)
class _Extra:
    """Room a map's labels and times take, none for a map without them (which draws as before):
    over the highest arc for its label, in each node for the time, under the nodes for the
    labels of arrows to the following stage."""

    top: float = 0.0
    node: float = 0.0
    strip: float = 0.0

    @classmethod
    def of(cls, journey_map: Map, straight: Sequence[journey.Edge], arcs: Sequence[_Arc],
           geometry: _Geometry) -> _Extra:
        captions = _captions(journey_map)
        if not captions and not any(s.time for s in journey_map.stages):
            return cls()
        timed = not geometry.numbered and any(s.time for s in journey_map.stages)
        return cls(
            LOOP_FONT + 2 if any((a.edge.source, a.edge.target) in captions for a in arcs if not a.below) else 0.0,
            TIME_LINE if timed else 0.0,
            LABEL_STRIP if geometry.numbered and any((e.source, e.target) in captions for e in straight) else 0.0,
        )


@dataclass(frozen=True)
class _Geometry:
    """Vertical sizes: the web's graph names its stages in tall nodes; the printed row
    only numbers them (the column heads above name them) and stays flat."""

    node_height: float
    level_step: float
    margin: float
    foot: float
    numbered: bool


WEB = _Geometry(NODE_HEIGHT, LEVEL_STEP, GRAPH_MARGIN, 8.0, numbered=False)
ROW = _Geometry(20.0, 16.0, 4.0, 2.0, numbered=True)


@dataclass(frozen=True)
class _Frame:
    """Where the nodes stand: left edge of every stage's node (stages outside `first..end`
    stand off the drawing), their width, the drawing's width, and the stages drawn."""

    lefts: Sequence[float]
    node_width: float
    width: float
    first: int
    end: int
    geometry: _Geometry

    def shows(self, index: int) -> bool:
        return self.first <= index < self.end


def _graph(journey_map: Map, locale: Locale, frame: _Frame, prefix: str, css_class: str) -> str:
    stages = journey_map.stages
    position = {s.id: i for i, s in enumerate(stages)}
    straight, arcs = _arcs(journey_map)
    straight = [e for e in straight if frame.shows(position[e.source]) or frame.shows(position[e.target])]
    arcs = [a for a in arcs if frame.shows(a.start) or frame.shows(a.end)]
    above = _levels([a for a in arcs if not a.below])
    below = _levels([a for a in arcs if a.below])
    levels = {**above, **below}
    top_levels = max(above.values(), default=0)
    bottom_levels = max(below.values(), default=0)
    geometry = frame.geometry
    extra = _Extra.of(journey_map, straight, arcs, geometry)
    captions = _captions(journey_map)
    node_height = geometry.node_height + extra.node
    row_top = geometry.margin + extra.top + top_levels * geometry.level_step
    row_bottom = row_top + node_height
    lefts, node_width = frame.lefts, frame.node_width
    height = _height(top_levels, bottom_levels, geometry, extra)
    names = {s.id: s.name for s in stages}
    body = [_markers(prefix)]
    mid_y = row_top + (node_height - extra.node) / 2
    for edge in straight:
        start = lefts[position[edge.source]] + node_width
        end = lefts[position[edge.target]]
        d = f"M {num(start)} {num(mid_y)} H {num(end - 1)}"
        caption = captions.get((edge.source, edge.target))
        if geometry.numbered:  # the printed column's gap is narrow: the label goes in the strip under the nodes
            shown = _caption(caption, (start + end) / 2, row_bottom + LOOP_FONT + 2, node_width + end - start - 28,
                             DARK_TEXT)
        else:  # the web graph's gap was made wide enough (_web_gap): the label stands over the arrow
            shown = _caption(caption, (start + end) / 2, mid_y - 5, end - start + 4, DARK_TEXT)
        body.append(_edge_group(edge, names, d, prefix, "forward", locale, shown, caption))
    slots = _slots(arcs, lefts, node_width)
    for arc in sorted(arcs, key=lambda a: (a.below, levels[a], a.low, a.high)):
        label_x = _label_x(arc, arcs, levels, slots)
        if not 0 < label_x < frame.width:  # the arc leaves the sheet: label its visible stretch
            x1, x2 = sorted((slots[(arc, "start")], slots[(arc, "end")]))
            label_x = (max(x1, 0.0) + min(x2, frame.width)) / 2
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
                geometry.level_step,
                captions.get((arc.edge.source, arc.edge.target)),
                extra.strip,
            )
        )
    body += [
        _node(stage, lefts[i], row_top, node_width, node_height, str(i + 1) if geometry.numbered else "",
              extra.node > 0)
        for i, stage in enumerate(stages)
        if frame.shows(i)
    ]
    drawn = [*straight, *(a.edge for a in arcs)]
    return svg_root(
        prefix,
        frame.width,
        height,
        "cjm-chart journey-graph" + css_class,
        locale.label("journey_graph"),
        _graph_desc(journey_map, locale, drawn),
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
    left, right = max(itertools.pairwise(stops), key=lambda pair: pair[1] - pair[0])
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
    level_step: float = LEVEL_STEP,
    caption: str | None = None,
    strip: float = 0.0,
) -> str:
    """A jump arched above the row (its label over it), or a loop below it with its `loop` label
    (or the transition's label); loops pass under the `strip` of the arrows' labels."""
    x1, x2 = slots[(arc, "start")], slots[(arc, "end")]
    row_top, row_bottom = row
    if arc.below:
        level_y = row_bottom + strip + level * level_step
        label = _loop_label(label_x, level_y + LOOP_FONT + 2, locale, caption)
        d = _arc_path(x1, x2, row_bottom, level_y)
        return _edge_group(arc.edge, names, d, prefix, "loop", locale, label, caption)
    level_y = row_top - level * level_step
    d = _arc_path(x1, x2, row_top, level_y)
    shown = _caption(caption, label_x, level_y - 3, abs(x2 - x1), DARK_TEXT)
    return _edge_group(arc.edge, names, d, prefix, "forward", locale, shown, caption)


def _caption(caption: str | None, x: float, y: float, width: float, colour: str) -> str:
    """A transition's label centred at x, cut with … to `width` (the tooltip holds it whole)."""
    if not caption:
        return ""
    return text_at(
        x, y, truncate(caption, max(width - 8, GRAPH_FONT * 3), LOOP_FONT),
        **{"class": "graph-edge-label", "text_anchor": "middle", "font_size": num(LOOP_FONT), "fill": colour},
    )


def _loop_label(x: float, y: float, locale: Locale, caption: str | None = None) -> str:
    return text_at(
        x,
        y,
        caption or locale.label("loop"),  # a labelled loop says what it is; the dashed red line says loop
        **{
            "class": "graph-loop-label",
            "text_anchor": "middle",
            "font_size": num(LOOP_FONT),
            "fill": LOOP_COLOUR,
        },
    )
