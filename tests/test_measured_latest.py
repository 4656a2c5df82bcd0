"""The index and owner pages measure every map, keeping only each series' latest
TREND_PERIODS periods: what they show must be what the whole series says. They do it on
the first build process, not while the site is planned (serial, before the pages are
shared out between processes)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cjmgen.analysis import measures
from cjmgen.analysis.measured_view import attention, measured_kpis
from cjmgen.build.pipeline import BuildOptions, make_renderer
from cjmgen.content.model import Map
from cjmgen.content.project import load_project
from cjmgen.content.repository import Repository
from cjmgen.site import pages
from cjmgen.site import render as site_render
from cjmgen.site.theme import load_theme
from tools.bench.corpus import generate
from tools.bench.measured import add_data_files


def test_the_latest_periods_show_what_the_whole_series_shows(tmp_path: Path) -> None:
    root = generate(tmp_path / "repo", 6)
    assert add_data_files(root) > 1000
    repo = load_project(root).repo
    today = dt.date(2026, 12, 4)
    whole_rows, latest_rows = [], []
    for journey_map in repo.maps:
        whole = measures.map_measures(journey_map, repo)
        latest = measures.map_measures(journey_map, repo, last=measures.TREND_PERIODS)
        assert whole.kpis and len(whole.kpis) == len(latest.kpis)
        for (key, series), (latest_key, tail) in zip(whole.kpis, latest.kpis, strict=True):
            assert key == latest_key and len(series) == 12 and tail == series[-measures.TREND_PERIODS:]
        assert whole.count_period() == latest.count_period()
        shown = measures.measured_map(journey_map, whole)
        assert measures.measured_map(journey_map, latest) == shown  # the latest values and the funnel's counts
        whole_rows += measured_kpis(shown, whole, today, 60)
        latest_rows += measured_kpis(shown, latest, today, 60)
    # the summaries: KPIs missed now and KPIs that got worse, per owner
    assert attention(whole_rows).key() == attention(latest_rows).key()
    assert attention(whole_rows).by_owner() == attention(latest_rows).by_owner()
    assert attention(whole_rows).missed and attention(whole_rows).worse


def test_planning_measures_nothing_and_the_summaries_go_to_the_first_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = generate(tmp_path / "repo", 6)
    plain = load_project(root)
    assert add_data_files(root) > 1000
    project = load_project(root)
    measured: list[str] = []

    def counted(journey_map: Map, repo: Repository, last: int | None = None) -> measures.MapMeasures:
        measured.append(journey_map.id)
        return measures.map_measures(journey_map, repo, last)

    monkeypatch.setattr(site_render, "map_measures", counted)
    renderer = make_renderer(project, load_theme(project.repo.config), BuildOptions(pdf=False))
    specs = pages.plan(renderer)
    assert measured == []  # owner pages' keys are worked out by the process that renders them
    summaries = [spec for spec in specs if spec.path == "index.html" or (spec.path.startswith(
        ("owners/", "segments/", "personas/")) and not spec.path.endswith("/index.html"))]  # not the lists
    assert len(summaries) > 6 and all(spec.first_process for spec in summaries)
    owner = next(spec for spec in summaries if spec.path.startswith("owners/"))
    assert callable(owner.key) and owner.key() and measured  # the key measures, when asked
    assert not any(spec.first_process for spec in specs if spec.path.startswith("maps/"))

    without_data = make_renderer(plain, load_theme(plain.repo.config), BuildOptions(pdf=False))
    assert not any(spec.first_process for spec in pages.plan(without_data) if spec.path.startswith("owners/"))
