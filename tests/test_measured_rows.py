"""The measured-KPIs table's rows (site/measured_rows.py): their texts worked out in Python
are what the partial used to compute, and a row's sparkline is drawn only when shown."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from markupsafe import Markup

from cjmgen.analysis.measured_view import MeasuredKPI
from cjmgen.build.pipeline import BuildOptions, make_renderer
from cjmgen.content.project import load_project
from cjmgen.site.measured_rows import measured_rows
from cjmgen.site.theme import load_theme
from cjmgen.site.urls import stage_anchor
from tools.bench.corpus import generate
from tools.bench.measured import add_data_files


def test_rows_say_what_each_measured_kpi_says(tmp_path: Path) -> None:
    root = generate(tmp_path / "repo", 3)
    add_data_files(root)
    project = load_project(root)
    renderer = make_renderer(project, load_theme(project.repo.config), BuildOptions(pdf=False))
    _, measured = renderer.measured(project.repo.maps[0])
    assert len(measured) > 3
    untargeted = dataclasses.replace(measured[0], kpi=dataclasses.replace(measured[0].kpi, target=None))
    drawn: list[int] = []

    def draw(row: MeasuredKPI, number: int) -> Markup:
        drawn.append(number)
        return Markup(f"<svg id='trend-{number}'></svg>")

    locale = renderer.locale
    rows = measured_rows([untargeted, *measured[1:]], locale, draw)
    assert drawn == []  # nothing drawn until a template shows it
    assert rows[0].target == "—" and rows[0].status == "unknown" and rows[0].mark == "•"
    for row, m in zip(rows[1:], measured[1:], strict=True):
        assert row.status == m.kpi.status and row.mark == {"met": "✓", "missed": "✗"}.get(m.kpi.status, "•")
        assert row.verdict == locale.label(f"kpi_{m.kpi.status}")
        assert row.value == locale.figure(m.latest.value, m.kpi.unit) and row.period == m.latest.period
        assert m.kpi.target is not None and row.target == locale.figure(m.kpi.target, m.kpi.unit)
        assert row.anchor == stage_anchor(m.stage.id) and (row.stale, row.worse) == (m.stale, m.worse)
    assert {row.status for row in rows[1:]} >= {"met", "missed"}
    assert str(rows[2].trend) == "<svg id='trend-3'></svg>" and rows[2].trend is rows[2].trend
    assert drawn == [3]  # drawn once, numbered from 1 as the page's ids are
