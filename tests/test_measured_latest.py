"""The index and owner pages measure every map while the site is planned, keeping only each
series' latest TREND_PERIODS periods: what they show must be what the whole series says."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cjmgen.analysis import measures
from cjmgen.analysis.measured_view import attention, measured_kpis
from cjmgen.content.project import load_project
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
