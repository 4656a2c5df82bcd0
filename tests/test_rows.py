"""The rows of a map (cjmgen/analysis/rows.py): computed once, the same on the map page,
in the PDF and on the "What changed" page."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

from cjmgen.analysis import rows
from cjmgen.content.model import KPI, Item, Map, Stage
from cjmgen.i18n.labels import Locale
from tests.helpers.cli import run

EN = Locale("en").label
CONFIG = "language: en\nlanes: {choice_factors: Choice factors, rivals: Rivals}\n"
MAP = (
    "---\ntitle: Sofa\nstages:\n"
    "  - id: look\n    name: Look\n    goals: [Find a sofa]\n    thoughts: [Too many]\n"
    "    emotion: 1\n    count: 100\n    choice_factors: [Price]\n    rivals: []\n    owner: Marketing\n"
    "  - id: pay\n    name: Pay\n    quotes: [Where is the button?]\n    emotion: -1\n    count: 10\n"
    "    push: [Reminder mail]\n    kpis: [{name: Paid, value: 5%, target: 8%}]\n"
    "---\n"
)
EXPECTED = [("goals", "Goals"), ("thoughts", "Thoughts and quotes"), ("emotion", "Emotion"),
            ("funnel", "Funnel"), ("kpis", "KPIs"), ("push", "Push action"), ("owner", "Owner"),
            ("choice_factors", "Choice factors")]


def _sofa(**fields: Any) -> Map:
    return Map("sofa", "maps/sofa.md", "Sofa", (Stage("look", "Look", **fields),))


def test_the_emotion_brings_the_funnel_under_it_and_unknown_keys_make_no_row() -> None:
    specs = rows.page_specs(["goals", "emotion", "funnel", "no-such-lane", "count", "quotes"], {}, EN)
    assert [(s.key, s.kind) for s in specs] == [
        ("goals", "items"), ("emotion", "emotion"), ("funnel", "funnel"), ("quotes", "items")]


def test_a_custom_lane_is_labelled_from_the_config_but_cannot_take_over_a_lane_drawn_its_own_way() -> None:
    specs = rows.page_specs(["choice_factors", "push", "goals"], {"choice_factors": "Factors", "push": "X"}, EN)
    assert [(s.key, s.label, s.custom, s.partial) for s in specs] == [
        ("choice_factors", "Factors", True, "partials/lane_custom.html"),
        ("push", "Push action", False, "partials/lane_push.html"),
        ("goals", "Goals", False, "partials/lane_items.html"),
    ]


def test_a_map_shows_only_rows_with_something_in_them() -> None:
    specs = rows.page_specs(rows.DEFAULT_ROWS, {"choice_factors": "Factors"}, EN)
    assert rows.map_rows(_sofa(), specs) == []
    shown = rows.map_rows(_sofa(quotes=(Item("Hm"),), emotion=0, kpis=(KPI("Paid"),)), specs)
    assert [row.key for row in shown] == ["thoughts", "emotion", "kpis"]
    assert shown[0].cells[0].items == (Item("Hm"),)  # quotes share the thoughts row
    assert [row.key for row in rows.map_rows(_sofa(count=3, owner="Sales"), specs)] == ["funnel", "owner"]
    assert rows.map_rows(_sofa(owner="Sales"), specs)[0].cells[0].items == ("Sales",)


def test_an_empty_custom_lane_makes_no_row_though_another_custom_lane_is_filled() -> None:
    specs = rows.page_specs(["a", "b"], {"a": "A", "b": "B"}, EN)
    shown = rows.map_rows(_sofa(lanes=(("a", (Item("x"),)), ("b", ()))), specs)
    assert [row.key for row in shown] == ["a"]


def _grid_rows(html: str, table: str) -> list[tuple[str, str]]:
    """(lane key, label) of each `<tr class="lane lane-KEY...">` of the first table of class `table`."""
    grid = html[html.index(f'class="{table}'):]
    grid = grid[:grid.index("</table>")]
    return [(key, label) for key, label in
            re.findall(r'<tr class="lane (?:lane-custom )?lane-([\w-]+)[^"]*"><th scope="row">([^<]*)</th>', grid)]


def _print_html(root: Path, map_id: str) -> str:
    from cjmgen.build.pipeline import BuildOptions, effective_config, make_renderer
    from cjmgen.content.project import load_project
    from cjmgen.diagnostics import Diagnostics
    from cjmgen.pdf.layout import PageSpec
    from cjmgen.pdf.publish import plan_maps, printer_for
    from cjmgen.site.theme import load_theme

    options = BuildOptions()
    config = effective_config(root, options, Diagnostics())
    renderer = make_renderer(load_project(root, config), load_theme(config), options)
    maps = [m for m in renderer.catalog.maps if m.id == map_id]
    return plan_maps(printer_for(renderer), maps, PageSpec.parse(config.pdf.page_size))[0].job.html


def test_map_page_pdf_and_changes_page_show_the_same_rows(make_repo) -> None:
    root: Path = make_repo({"cjmgen.yml": CONFIG, "maps/sofa.md": MAP})
    assert run(["build", "--no-pdf"], root).exit_code == 0
    page = (root / "site" / "maps" / "sofa.html").read_text(encoding="utf-8")
    assert _grid_rows(page, "cjm-grid") == EXPECTED
    assert _grid_rows(_print_html(root, "sofa"), "grid") == EXPECTED

    git = ["git", "-C", str(root)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "--allow-empty", "-m", "0"],
                   check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "-m", "1"], check=True)
    changes = run(["diff", "--format", "html", "HEAD~1", "HEAD"], root).stdout
    # the changes page lists the funnel last, after the theme's rows
    assert _grid_rows(changes, "diff-grid") == [row for row in EXPECTED if row[0] != "funnel"] + [("funnel", "Funnel")]
