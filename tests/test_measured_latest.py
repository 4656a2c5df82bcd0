"""The index and owner pages measure every map, keeping only each series' latest
TREND_PERIODS periods: what they show must be what the whole series says. They do it on
the first build process, not while the site is planned (serial, before the pages are
shared out between processes)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cjmgen.analysis import measures
from cjmgen.analysis.measured_view import Attention, attention, measured_kpis
from cjmgen.build.pipeline import BuildOptions, make_renderer
from cjmgen.content.model import Map
from cjmgen.content.project import load_project
from cjmgen.content.repository import Repository
from cjmgen.site import pages
from cjmgen.site import render as site_render
from cjmgen.site.pages import PageWork
from cjmgen.site.theme import load_theme
from tests.helpers.cli import run
from tests.test_measured_kpis import PAGE_CSV, data_map
from tests.test_page_reuse import build_without_caches, tree
from tools.bench.corpus import generate
from tools.bench.measured import add_data_files


def shown_rows(found: Attention) -> list[tuple[object, ...]]:
    """What a page shows of each KPI that needs attention."""
    return [(m.map.id, m.stage.id, m.kpi.id, m.kpi.name, m.latest.period, m.latest.value.raw, m.kpi.status,
             m.missed, m.worse, m.owner) for m in (*found.missed, *found.worse)]


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
    assert shown_rows(attention(whole_rows)) == shown_rows(attention(latest_rows))
    assert attention(whole_rows).by_owner() == attention(latest_rows).by_owner()
    assert attention(whole_rows).missed and attention(whole_rows).worse


def test_planning_measures_nothing_and_the_summaries_go_to_one_process(
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
    assert len(summaries) > 6 and all(spec.pinned == pages.LAST for spec in summaries)
    owner = next(spec for spec in summaries if spec.path.startswith("owners/"))
    assert callable(owner.key) and owner.key() and measured == []  # keyed by maps and data digests alone
    owner.render(PageWork(owner.path))
    assert len(set(measured)) == len(project.repo.maps)  # drawing the page measures every map, once
    assert all(spec.pinned is None for spec in specs if spec.path.startswith("maps/"))

    without_data = make_renderer(plain, load_theme(plain.repo.config), BuildOptions(pdf=False))
    assert all(spec.pinned is None for spec in pages.plan(without_data) if spec.path.startswith("owners/"))


def test_an_owners_attention_list_follows_its_maps_data_and_stage_owners_between_builds(
        make_repo, monkeypatch: pytest.MonkeyPatch) -> None:
    """The owner page is keyed by the maps its list comes from and their data files' digests,
    not by the list: every rebuild below must give the bytes of a full build, and a page
    whose maps did not change is kept. One stage a page: the list on an owner's first page
    also comes from maps whose stages are on its later pages."""
    sofa = data_map()
    zeta = data_map("data/zeta.csv").replace("title: Buying a sofa", "title: Zeta")
    other = data_map("data/other.csv").replace("title: Buying a sofa", "title: Other").replace(
        "owner: Marketing", "owner: Sales")
    root = make_repo({"cjmgen.yml": "theme: {name: default, per_page: 1}\n",
                      "maps/sofa.md": sofa, "maps/data/sofa.csv": PAGE_CSV,
                      "maps/zeta.md": zeta, "maps/data/zeta.csv": PAGE_CSV,
                      "maps/other.md": other, "maps/data/other.csv": PAGE_CSV})

    def rebuilt() -> Path:
        result = run(["build", "--no-pdf"], root)
        assert result.exit_code == 0, result.output
        assert build_without_caches(root, root.parent / "full", monkeypatch)[0] == 0
        assert tree(root / "site") == tree(root.parent / "full")
        return root / "site"

    def listed(site: Path, owner: str) -> str:
        page = (site / "owners" / f"{owner}.html").read_text(encoding="utf-8")
        if '<section class="attention"' not in page:
            return ""  # nothing needs the owner
        return page[page.index('<section class="attention"'):page.index("</section>", page.index("attention-title"))]

    site = rebuilt()
    assert "Zeta" not in (site / "owners" / "marketing.html").read_text(encoding="utf-8").split(
        '<section class="attention"')[0]  # Zeta's stages are on later pages ...
    assert listed(site, "marketing").count("CTR in search") == 4  # ... its CTR is on the first: missed, worse
    assert listed(site, "sales").count("CTR in search") == 2
    # June's CTR was missed and worse; a good July in Zeta's data takes it off Marketing's list
    (root / "maps/data/zeta.csv").write_text(PAGE_CSV + "awareness,ctr,2026-07,7.5\n", encoding="utf-8")
    sales = (site / "owners" / "sales.html").stat().st_ino
    site = rebuilt()
    assert listed(site, "marketing").count("CTR in search") == 2 and "Zeta" not in listed(site, "marketing")
    assert (site / "owners" / "sales.html").stat().st_ino == sales  # its maps did not change: kept
    # the sofa's awareness stage handed to Sales: its CTR is on Sales's list now
    (root / "maps/sofa.md").write_text(sofa.replace("    owner: Marketing\n    emotion: 1", "    owner: Sales\n"
                                                    "    emotion: 1", 1), encoding="utf-8")
    site = rebuilt()
    assert listed(site, "sales").count("CTR in search") == 4  # missed and got worse, in two maps
    assert "CTR in search" not in listed(site, "marketing")
