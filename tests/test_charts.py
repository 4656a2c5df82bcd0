"""SVG charts: well-formed, on the stage grid, escaped, honest about the numbers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cjmgen import charts
from cjmgen.content.model import KPI, Map, Quantity, Stage
from cjmgen.i18n.labels import Locale

NS = "{http://www.w3.org/2000/svg}"
EN = Locale("en")
RU = Locale("ru")


# --- helpers -------------------------------------------------------------------------


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg"
    return root


def classes(element: ET.Element) -> set[str]:
    return set(element.get("class", "").split())


def with_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [el for el in root.iter() if name in classes(el)]


def title_of(element: ET.Element) -> str:
    title = element.find(f"{NS}title")
    assert title is not None
    return title.text or ""


def all_text(root: ET.Element) -> str:
    return " ".join("".join(el.itertext()) for el in root.iter(f"{NS}text"))


def path_ys(d: str) -> list[float]:
    """The y coordinates of a path made of M, L, H, V, Q and C commands."""
    tokens = re.findall(r"[A-Za-z]|-?\d+(?:\.\d+)?", d)
    ys: list[float] = []
    arity = {"M": 2, "L": 2, "Q": 4, "C": 6, "H": 1, "V": 1}
    index = 0
    while index < len(tokens):
        command = tokens[index]
        args = [float(t) for t in tokens[index + 1 : index + 1 + arity[command]]]
        index += 1 + arity[command]
        if command == "V":
            ys.append(args[0])
        elif command != "H":
            ys.extend(args[1::2])
    return ys


def vertical_xs(d: str) -> list[float]:
    """The x of every vertical segment (V command) of a path."""
    tokens = re.findall(r"[A-Za-z]|-?\d+(?:\.\d+)?", d)
    arity = {"M": 2, "L": 2, "Q": 4, "C": 6, "H": 1, "V": 1}
    xs: list[float] = []
    x = 0.0
    index = 0
    while index < len(tokens):
        command = tokens[index]
        args = [float(t) for t in tokens[index + 1 : index + 1 + arity[command]]]
        index += 1 + arity[command]
        if command == "V":
            xs.append(x)
        else:
            x = args[0] if command == "H" else args[-2]
    return xs


def stage(stage_id: str, name: str | None = None, **fields: Any) -> Stage:
    return Stage(id=stage_id, name=name or stage_id.title(), **fields)


def make_map(*stages: Stage) -> Map:
    return Map(id="test", path="maps/test.md", title="Test", stages=tuple(stages))


def canonical(russian: bool = False) -> Map:
    """Article 001's five stages: the big loop back to awareness, the small cycle."""
    names = (
        (
            "Осведомлённость",
            "Оценка и выбор",
            "Сделка",
            "Опыт использования",
            "Лояльность",
        )
        if russian
        else ("Awareness", "Evaluation", "Deal", "Experience", "Loyalty")
    )
    return make_map(
        stage("awareness", names[0], emotion=1, count=48000),
        stage("evaluation", names[1], emotion=0, count=2400),
        stage("deal", names[2], emotion=-1, count=96),
        stage(
            "experience", names[3], emotion=-2, count=72, next=("loyalty", "awareness")
        ),
        stage("loyalty", names[4], emotion=2, count=18, next=("deal",)),
    )


def emotion_points(root: ET.Element) -> list[ET.Element]:
    return with_class(root, "emo-point")


def point_circle(point: ET.Element) -> ET.Element:
    circle = point.find(f"{NS}circle")
    assert circle is not None
    return circle


# --- colours -------------------------------------------------------------------------


def test_emotion_palette_is_diverging_and_clamped() -> None:
    assert charts.emotion_colour(-2) == "#c0392b"
    assert charts.emotion_colour(-1) == "#e67e22"
    assert charts.emotion_colour(0) == "#95a5a6"
    assert charts.emotion_colour(1) == "#7dcea0"
    assert charts.emotion_colour(2) == "#27ae60"
    assert charts.emotion_colour(5) == "#27ae60"
    assert charts.emotion_colour(None) not in charts.EMOTION_COLOURS.values()


@pytest.mark.parametrize(
    "fill", [*charts.EMOTION_COLOURS.values(), charts.FUNNEL_COLOUR]
)
def test_ink_on_every_fill_is_readable(fill: str) -> None:
    assert charts.contrast_ratio(fill, charts.text_colour_on(fill)) >= 4.5


# --- emotion curve -------------------------------------------------------------------


def test_one_point_per_felt_stage_at_its_column_centre() -> None:
    stages = [
        stage("a", emotion=1),
        stage("b", emotion=0),
        stage("c"),
        stage("d", emotion=-1),
        stage("e", emotion=2),
    ]
    root = parse(charts.emotion_curve(stages, EN, column_width=100))
    assert root.get("viewBox", "").split()[2] == "500.0"
    points = emotion_points(root)
    assert [p.get("data-stage") for p in points] == ["a", "b", "d", "e"]
    for point, index in zip(points, (0, 1, 3, 4)):
        assert float(point_circle(point).get("cx", "nan")) == (index + 0.5) * 100


def test_higher_emotion_is_drawn_higher() -> None:
    stages = [
        stage("low", emotion=-2),
        stage("mid", emotion=0),
        stage("high", emotion=2),
    ]
    root = parse(charts.emotion_curve(stages, EN))
    ys = [float(point_circle(p).get("cy", "nan")) for p in emotion_points(root)]
    assert ys[0] > ys[1] > ys[2]
    baseline = with_class(root, "emo-baseline")[0]
    assert float(baseline.get("y1", "nan")) == ys[1]
    assert baseline.get("stroke-dasharray")


def test_a_stage_without_emotion_breaks_the_line() -> None:
    unbroken = [stage("a", emotion=1), stage("b", emotion=0), stage("c", emotion=-1)]
    broken = [
        *unbroken[:2],
        stage("gap"),
        stage("d", emotion=-1),
        stage("e", emotion=2),
    ]
    assert len(with_class(parse(charts.emotion_curve(unbroken, EN)), "emo-line")) == 1
    assert len(with_class(parse(charts.emotion_curve(broken, EN)), "emo-line")) == 2


def test_points_are_coloured_classed_and_have_faces() -> None:
    stages = [stage("sad", emotion=-2), stage("happy", emotion=2)]
    root = parse(charts.emotion_curve(stages, EN))
    sad, happy = emotion_points(root)
    assert "emo-neg2" in classes(sad) and "emo-pos2" in classes(happy)
    assert point_circle(sad).get("fill") == "#c0392b"
    assert point_circle(happy).get("fill") == "#27ae60"
    for point in (sad, happy):
        face = [p for p in point.iter(f"{NS}path") if "emo-face" in classes(p)]
        assert face and face[0].get("fill") == "none"
    # Ink for the face is white on deep red, dark on green: readable on both.
    assert with_class(sad, "emo-face")[0].get("stroke") == "#ffffff"
    assert with_class(happy, "emo-face")[0].get("stroke") != "#ffffff"


def test_text_alternative_names_every_stage() -> None:
    stages = [
        stage("awareness", "Awareness", emotion=1),
        stage("deal", "Deal", emotion=-2),
        stage("loyalty", "Loyalty"),
    ]
    root = parse(charts.emotion_curve(stages, EN, prefix="cur"))
    assert root.get("role") == "img"
    ids = (root.get("aria-labelledby") or "").split()
    assert ids == ["cur-title", "cur-desc"]
    title, desc = root.find(f"{NS}title"), root.find(f"{NS}desc")
    assert title is not None and title.get("id") == "cur-title"
    assert desc is not None and desc.get("id") == "cur-desc"
    assert title.text == "Emotion curve"
    assert desc.text == (
        "Awareness: positive (1); Deal: very negative (\u22122); Loyalty: \u2014"
    )


def test_russian_names_appear_in_tooltips() -> None:
    root = parse(charts.emotion_curve(canonical(russian=True).stages, RU))
    tooltips = [title_of(p) for p in emotion_points(root)]
    assert tooltips[0] == "Осведомлённость: позитивно"
    assert tooltips[3] == "Опыт использования: очень негативно"


def test_stage_names_are_printed_only_when_asked() -> None:
    long_name = "Повторная покупка со скидкой для постоянных клиентов"
    stages = [stage("a", "Сделка", emotion=1), stage("b", long_name, emotion=0)]
    plain = parse(charts.emotion_curve(stages, RU))
    assert "Сделка" not in all_text(plain)
    labelled = parse(charts.emotion_curve(stages, RU, labels=True, column_width=120))
    labels = [el.text or "" for el in with_class(labelled, "emo-label")]
    assert labels[0] == "Сделка"
    assert labels[1].endswith("…") and len(labels[1]) < len(long_name)
    assert float(labelled.get("height", "0")) > float(plain.get("height", "0"))


def test_ghost_draws_the_old_curve_hollow_under_matching_columns() -> None:
    current = [
        stage("awareness", emotion=1),
        stage("new-stage", emotion=0),
        stage("deal", emotion=-1),
    ]
    old = [
        stage("deal", "Old deal", emotion=-2),
        stage("awareness", emotion=-1),
        stage("removed", emotion=2),
    ]
    root = parse(charts.emotion_curve(current, EN, ghost=old, column_width=100))
    ghosts = with_class(root, "emo-ghost-point")
    by_id = {g.get("data-stage"): g for g in ghosts}
    assert set(by_id) == {"awareness", "deal"}
    assert float(by_id["awareness"].get("cx", "nan")) == 50.0
    assert float(by_id["deal"].get("cx", "nan")) == 250.0
    assert all(g.get("fill") == "none" for g in ghosts)
    assert title_of(by_id["deal"]) == "Old deal: very negative"
    # Behind the current curve: earlier in document order.
    order = list(root.iter())
    first_current = order.index(emotion_points(root)[0])
    assert all(order.index(g) < first_current for g in ghosts)
    # The old deal (-2) sits lower than the current deal (-1).
    current_deal = next(p for p in emotion_points(root) if p.get("data-stage") == "deal")
    assert float(by_id["deal"].get("cy", "0")) > float(
        point_circle(current_deal).get("cy", "0")
    )


def test_ghost_line_breaks_where_the_old_version_has_no_stage() -> None:
    current = [stage("a", emotion=1), stage("b", emotion=0), stage("c", emotion=-1)]
    old = [stage("a", emotion=0), stage("c", emotion=1)]
    root = parse(charts.emotion_curve(current, EN, ghost=old))
    assert with_class(root, "emo-ghost-line") == []
    old_full = [stage("a", emotion=0), stage("b", emotion=0), stage("c", emotion=1)]
    root = parse(charts.emotion_curve(current, EN, ghost=old_full))
    assert len(with_class(root, "emo-ghost-line")) == 1


def test_no_stages_no_curve() -> None:
    assert charts.emotion_curve([], EN) == ""


# --- escaping ------------------------------------------------------------------------

EVIL = '<script>alert("x")</script> & Co'


@pytest.mark.parametrize("chart", ["curve", "funnel", "graph"])
def test_user_text_is_escaped(chart: str) -> None:
    journey_map = make_map(
        stage("evil", EVIL, emotion=-1, count=100),
        stage("ok", "Fine", emotion=1, count=10),
    )
    svg = {
        "curve": lambda: charts.emotion_curve(journey_map.stages, EN, labels=True),
        "funnel": lambda: charts.funnel_chart(journey_map, EN),
        "graph": lambda: charts.journey_graph(journey_map, EN),
    }[chart]()
    root = parse(svg)
    assert not [el for el in root.iter() if el.tag.endswith("script")]
    assert "&lt;script&gt;" in svg and "<script" not in svg
    titles = [el.text or "" for el in root.iter(f"{NS}title")]
    assert any(EVIL in text for text in titles)


# --- funnel --------------------------------------------------------------------------


def funnel_map(*counts: int | None, conversion: str | None = None) -> Map:
    stages = [stage(f"s{i}", f"Stage {i}", count=c) for i, c in enumerate(counts)]
    if conversion is not None:
        stages[0] = stage(
            "s0", "Stage 0", count=counts[0], conversion=Quantity.parse(conversion)
        )
    return make_map(*stages)


def conversion_texts(root: ET.Element) -> list[str]:
    return ["".join(el.itertext()) for el in with_class(root, "funnel-conversion")]


@pytest.mark.parametrize(
    ("locale", "counts", "expected"),
    [
        (EN, (1000, 50), "↓ 5%"),
        (RU, (1000, 50), "↓ 5\u00a0%"),
        (EN, (1000, 55), "↓ 5.5%"),
        (RU, (1000, 55), "↓ 5,5\u00a0%"),
    ],
)
def test_funnel_computes_conversions_from_counts(
    locale: Locale, counts: tuple[int, int], expected: str
) -> None:
    root = parse(charts.funnel_chart(funnel_map(*counts), locale))
    assert conversion_texts(root) == [expected]


def test_funnel_bars_only_for_counted_stages_and_proportional() -> None:
    root = parse(charts.funnel_chart(funnel_map(1000, None, 500, 100), EN))
    bars = with_class(root, "funnel-bar")
    assert len(bars) == 3
    widths = [float(b.get("width", "nan")) for b in bars]
    assert widths[1] == pytest.approx(widths[0] / 2, abs=0.1)
    assert widths[2] == pytest.approx(widths[0] / 10, abs=0.1)
    centres = {
        round(float(b.get("x", "0")) + float(b.get("width", "0")) / 2, 1) for b in bars
    }
    assert len(centres) == 1  # centred: the funnel look
    counts = [el.text for el in with_class(root, "funnel-count")]
    assert counts == ["1,000", "500", "100"]


def test_funnel_tiny_counts_stay_visible() -> None:
    root = parse(charts.funnel_chart(funnel_map(48000, 18, 0), EN))
    widths = [float(b.get("width", "0")) for b in with_class(root, "funnel-bar")]
    assert min(widths) >= charts.FUNNEL_MIN_BAR


def test_funnel_shows_a_contradicting_stated_conversion() -> None:
    root = parse(charts.funnel_chart(funnel_map(1000, 50, conversion="10%"), EN))
    warning = with_class(root, "funnel-warning")
    assert len(warning) == 1
    assert warning[0].text == " (⚠ stated 10%: does not match the counts)"
    assert warning[0].get("fill") == "#c0392b"
    ru = parse(charts.funnel_chart(funnel_map(1000, 50, conversion="10%"), RU))
    assert "заявлено 10\u00a0%" in conversion_texts(ru)[0]


@pytest.mark.parametrize("stated", ["5%", "5.4%", "0.05"])
def test_funnel_hides_a_stated_conversion_that_agrees(stated: str) -> None:
    root = parse(charts.funnel_chart(funnel_map(1000, 50, conversion=stated), EN))
    assert with_class(root, "funnel-stated") == []
    assert conversion_texts(root) == ["↓ 5%"]


def test_funnel_overall_conversion_at_the_bottom() -> None:
    root = parse(charts.funnel_chart(funnel_map(1000, 50, 20), EN))
    overall = with_class(root, "funnel-overall")
    assert [el.text for el in overall] == ["Overall conversion: 2%"]
    bottom = max(float(b.get("y", "0")) for b in with_class(root, "funnel-bar"))
    assert float(overall[0].get("y", "0")) > bottom


def test_funnel_small_overall_rate_is_not_rounded_to_zero() -> None:
    root = parse(charts.funnel_chart(canonical(), EN))  # 18 of 48,000
    assert with_class(root, "funnel-overall")[0].text == "Overall conversion: 0.037%"


def test_funnel_without_counts_is_empty() -> None:
    assert charts.funnel_chart(funnel_map(None, None), EN) == ""


def test_funnel_single_count_has_a_bar_and_no_rates() -> None:
    root = parse(charts.funnel_chart(funnel_map(None, 300), EN))
    assert len(with_class(root, "funnel-bar")) == 1
    assert conversion_texts(root) == [] and with_class(root, "funnel-overall") == []


# --- journey graph -------------------------------------------------------------------


def edges_of(root: ET.Element, kind: str) -> list[ET.Element]:
    return with_class(root, f"graph-edge-{kind}")


def pair(edge: ET.Element) -> tuple[str | None, str | None]:
    return edge.get("data-source"), edge.get("data-target")


def node_box(root: ET.Element) -> tuple[float, float]:
    rect = with_class(root, "graph-node")[0].find(f"{NS}rect")
    assert rect is not None
    top = float(rect.get("y", "nan"))
    return top, top + float(rect.get("height", "nan"))


def edge_path(edge: ET.Element) -> str:
    path = edge.find(f"{NS}path")
    assert path is not None
    return path.get("d", "")


def test_canonical_graph_has_two_loops_below_and_four_forward_edges() -> None:
    root = parse(charts.journey_graph(canonical(russian=True), RU))
    assert len(with_class(root, "graph-node")) == 5
    loops = edges_of(root, "loop")
    assert sorted(pair(e) for e in loops) == [
        ("experience", "awareness"),
        ("loyalty", "deal"),
    ]
    forward = edges_of(root, "forward")
    assert sorted(pair(e) for e in forward) == [
        ("awareness", "evaluation"),
        ("deal", "experience"),
        ("evaluation", "deal"),
        ("experience", "loyalty"),
    ]
    _, bottom = node_box(root)
    for loop in loops:
        ys = path_ys(edge_path(loop))
        assert min(ys) >= bottom and max(ys) > bottom
    assert [el.text for el in with_class(root, "graph-loop-label")] == ["возврат"] * 2


def test_loops_are_red_dashed_with_their_own_arrowhead() -> None:
    root = parse(charts.journey_graph(canonical(), EN, prefix="g7"))
    marker_ids = {m.get("id") for m in root.iter(f"{NS}marker")}
    assert marker_ids == {"g7-arrow", "g7-arrow-loop"}
    for loop in edges_of(root, "loop"):
        path = loop.find(f"{NS}path")
        assert path is not None
        assert path.get("stroke") == "#c0392b" and path.get("stroke-dasharray")
        assert path.get("marker-end") == "url(#g7-arrow-loop)"
    for edge in edges_of(root, "forward"):
        path = edge.find(f"{NS}path")
        assert path is not None and path.get("marker-end") == "url(#g7-arrow)"


def test_overlapping_loops_are_nested_longer_one_further_out() -> None:
    root = parse(charts.journey_graph(canonical(), EN))
    depth = {pair(e): max(path_ys(edge_path(e))) for e in edges_of(root, "loop")}
    assert depth[("experience", "awareness")] > depth[("loyalty", "deal")]
    viewbox_height = float((root.get("viewBox") or "").split()[3])
    assert max(depth.values()) < viewbox_height


def test_loop_labels_keep_clear_of_other_loops() -> None:
    root = parse(charts.journey_graph(canonical(), EN))
    verticals = [x for e in edges_of(root, "loop") for x in vertical_xs(edge_path(e))]
    assert len(verticals) == 4
    labels = with_class(root, "graph-loop-label")
    assert len(labels) == 2
    half_width = len("loop back") * 10 * charts.CHAR_WIDTH_EM / 2
    for label in labels:
        x = float(label.get("x", "nan"))
        assert all(abs(x - v) > half_width for v in verticals)


def test_a_branch_shows_every_outgoing_edge_and_jumps_arc_above() -> None:
    journey_map = make_map(
        stage("a", next=("b", "c")), stage("b"), stage("c"), stage("d")
    )
    root = parse(charts.journey_graph(journey_map, EN))
    outgoing = [e for e in edges_of(root, "forward") if e.get("data-source") == "a"]
    assert sorted(pair(e) for e in outgoing) == [("a", "b"), ("a", "c")]
    top, _ = node_box(root)
    jump = next(e for e in outgoing if e.get("data-target") == "c")
    ys = path_ys(edge_path(jump))
    assert max(ys) <= top and min(ys) < top
    assert edges_of(root, "loop") == []


def test_arc_levels_make_room_for_each_other() -> None:
    one = make_map(stage("a", next=("c",)), stage("b"), stage("c"), stage("d"))
    two = make_map(
        stage("a", next=("c", "d")), stage("b", next=("d",)), stage("c"), stage("d")
    )
    height_one = float(parse(charts.journey_graph(one, EN)).get("height", "0"))
    root_two = parse(charts.journey_graph(two, EN))
    assert float(root_two.get("height", "0")) > height_one
    tops = sorted(min(path_ys(edge_path(e))) for e in edges_of(root_two, "forward"))
    arc_tops = [y for y in tops if y < node_box(root_two)[0] - 1]
    assert len(arc_tops) == 3 and len(set(arc_tops)) == 3


def test_self_loop_is_drawn_below_its_node() -> None:
    root = parse(
        charts.journey_graph(make_map(stage("a"), stage("b", next=("b",))), EN)
    )
    loops = edges_of(root, "loop")
    assert [pair(e) for e in loops] == [("b", "b")]
    assert min(path_ys(edge_path(loops[0]))) >= node_box(root)[1]


def test_long_node_names_are_wrapped_and_cut_with_full_tooltip() -> None:
    name = "Очень длинное название этапа, которое никак не поместится в узел"
    root = parse(charts.journey_graph(make_map(stage("a", name)), RU, node_width=100))
    node = with_class(root, "graph-node")[0]
    lines = [el.text or "" for el in node.iter(f"{NS}text")]
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert title_of(node) == name


def test_graph_text_alternative_lists_edges() -> None:
    root = parse(charts.journey_graph(canonical(), EN))
    desc = root.find(f"{NS}desc")
    assert desc is not None and "Experience → Awareness (loop back)" in (
        desc.text or ""
    )


# --- KPI gauge -----------------------------------------------------------------------


def kpi(value: object, target: object, **fields: Any) -> KPI:
    return KPI(
        "KPI",
        Quantity.parse(value) if value is not None else None,
        Quantity.parse(target) if target is not None else None,
        **fields,
    )


@pytest.mark.parametrize(
    "item",
    [kpi("5%", None), kpi(None, "5%"), kpi("3.5 days", "5%"), kpi("soon", "5")],
)
def test_kpi_gauge_is_empty_when_status_unknown(item: KPI) -> None:
    assert item.status == "unknown"
    assert charts.kpi_gauge(item, EN) == ""


def gauge_parts(svg: str) -> tuple[ET.Element, ET.Element]:
    root = parse(svg)
    return with_class(root, "kpi-value")[0], with_class(root, "kpi-target")[0]


def test_kpi_gauge_missed_lower_is_better_is_red() -> None:
    bar, tick = gauge_parts(charts.kpi_gauge(kpi(38, 30, better="lower"), EN))
    assert bar.get("fill") == "#c0392b"
    assert float(bar.get("width", "0")) > float(tick.get("x1", "0"))


def test_kpi_gauge_met_lower_is_better_is_green() -> None:
    bar, tick = gauge_parts(charts.kpi_gauge(kpi("30%", "35%", better="lower"), EN))
    assert bar.get("fill") == "#27ae60"
    assert float(bar.get("width", "0")) < float(tick.get("x1", "0"))


def test_kpi_gauge_missed_higher_is_better_is_red_and_small() -> None:
    svg = charts.kpi_gauge(kpi("5%", "7.5%"), EN, prefix="k1")
    root = parse(svg)
    assert root.get("aria-labelledby") == "k1-title k1-desc"
    assert title_of(root) == "KPI: target missed"
    assert root.get("viewBox") == "0 0 60.0 8.0"
    bar, tick = gauge_parts(svg)
    assert bar.get("fill") == "#c0392b"
    assert 0 < float(tick.get("x1", "0")) <= 60


def test_kpi_gauge_default_ids_are_stable_and_distinct() -> None:
    first = parse(charts.kpi_gauge(kpi(1, 2), EN)).get("aria-labelledby")
    again = parse(charts.kpi_gauge(kpi(1, 2), EN)).get("aria-labelledby")
    other = parse(charts.kpi_gauge(kpi(3, 2), EN)).get("aria-labelledby")
    assert first == again and first != other


# --- determinism ---------------------------------------------------------------------


def test_output_is_identical_across_calls() -> None:
    journey_map = canonical(russian=True)
    old = [stage("awareness", emotion=-1), stage("deal", emotion=0)]

    def render() -> tuple[str, ...]:
        return (
            charts.emotion_curve(journey_map.stages, RU, ghost=old, labels=True),
            charts.funnel_chart(journey_map, RU),
            charts.journey_graph(journey_map, RU),
            charts.kpi_gauge(kpi("5%", "7.5%"), RU),
        )

    first, second = render(), render()
    assert first == second
    assert all(first)
    assert not any("-0.0" in svg or "nan" in svg for svg in first)


@given(st.floats(allow_nan=True, allow_infinity=True))
@settings(max_examples=3000, deadline=None)
def test_a_coordinate_prints_as_rounding_to_one_decimal_would(value: float) -> None:
    """svg.num formats directly; it must give what rounding first gave, never `-0.0`."""
    from cjmgen.charts.svg import num

    assert num(value) == f"{round(value, 1) + 0.0:.1f}"


@pytest.mark.parametrize("value", [-0.04, -0.05, -0.0, 0.0, 0.05, 0.25, -0.25, 2.675, -1e-300])
def test_a_coordinate_just_below_zero_prints_without_a_sign(value: float) -> None:
    from cjmgen.charts.svg import num

    assert num(value) == f"{round(value, 1) + 0.0:.1f}" and num(value) != "-0.0"
