"""`cjmgen diff` on measured figures (issue 21): a data file changed between two commits
is said per map, in every format and in the site's language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.cli import run
from tests.helpers.git_repos import commit, init
from tests.helpers.repos import CHANNELS, PERSONA_ANNA, simple_map

SOFA = simple_map("Buying a sofa").replace("reviewed: 2026-10-01\n", "reviewed: 2026-10-01\ndata: data/sofa.csv\n")
MARCH = ("stage,kpi,period,value\n"
         "awareness,count,2026-03,1000\ndeal,count,2026-03,50\n"
         "deal,kpi-deal,2026-03,5%\n")
APRIL = "awareness,count,2026-04,1000\ndeal,count,2026-04,42\ndeal,kpi-deal,2026-04,4.2%\n"


@pytest.fixture
def data_repo(tmp_path: Path) -> Path:
    """March's figures, then a commit that adds April's and corrects March's count."""
    root = init(tmp_path / "repo", {"maps/personas/anna.md": PERSONA_ANNA, "maps/channels.yml": CHANNELS,
                                    "maps/sofa.md": SOFA, "maps/data/sofa.csv": MARCH})
    commit(root, "March", "2026-04-02T09:00:00+00:00")
    commit(root, "April", "2026-05-02T09:00:00+00:00",
           {"maps/data/sofa.csv": MARCH.replace("awareness,count,2026-03,1000", "awareness,count,2026-03,1100")
            + APRIL})
    return root


def diff(root: Path, *args: str) -> str:
    result = run(["diff", "HEAD~1", "HEAD", *args], root)
    assert result.exit_code == 0, result.output
    return result.output


def test_the_text_plan_says_the_new_period_and_the_conversion_that_fell(data_repo: Path) -> None:
    out = diff(data_repo)
    assert "KPI 'KPI Deal' in stage Deal: new period 2026-04, 4.2% (target 7%, missed)" in out
    assert "count at stage Awareness, 2026-03: 1000 -> 1100" in out
    # 50 of 1100 in March (4.55%), 42 of 1000 in April
    assert "conversion from stage Awareness fell from 4.55% to 4.2% (2026-03 -> 2026-04)" in out


def test_json_carries_the_codes_and_the_figures(data_repo: Path) -> None:
    found = json.loads(diff(data_repo, "--format", "json"))
    changes = [c for m in found["maps"] for c in m["changes"]]
    by_code = {c["code"]: c for c in changes}
    assert by_code["measure-added"]["new"] == {"period": "2026-04", "value": "4.2%"}
    assert by_code["measure-added"]["severity"] == "info" and by_code["measure-added"]["stage"] == "deal"
    assert by_code["measure-changed"]["old"] == {"period": "2026-03", "count": 1000}
    assert by_code["measure-changed"]["severity"] == "warning"
    assert by_code["conversion-dropped"]["new"] == {"period": "2026-04", "rate": 0.042}
    assert found["maps"][0]["status"] == "changed"  # the map file itself did not change


def test_a_russian_site_says_it_in_russian(data_repo: Path) -> None:
    (data_repo / "cjmgen.yml").write_text("language: ru\n", encoding="utf-8")
    out = diff(data_repo, "--format", "markdown").replace("\u00a0", " ").replace("\u202f", " ")
    assert "KPI «KPI Deal» на этапе «Deal»: новый период 2026-04, 4.2% (цель 7%, не достигнута)" in out
    assert "конверсия с этапа «Awareness» упала с 4,55 % до 4,2 % (2026-03 → 2026-04)" in out


def test_the_html_page_lists_them(data_repo: Path) -> None:
    page = diff(data_repo, "--format", "html")
    assert 'data-code="measure-added"' in page and 'data-code="conversion-dropped"' in page


def test_a_removed_period_is_a_warning(data_repo: Path) -> None:
    commit(data_repo, "No March", "2026-05-03T09:00:00+00:00",
           {"maps/data/sofa.csv": "stage,kpi,period,value\n" + APRIL})
    out = diff(data_repo)
    assert "KPI 'KPI Deal' in stage Deal: period 2026-03 (5%) removed" in out


def test_unchanged_data_says_nothing(data_repo: Path) -> None:
    commit(data_repo, "Notes", "2026-05-03T09:00:00+00:00", {"maps/sofa.md": SOFA + "\nMore notes.\n"})
    found = json.loads(diff(data_repo, "--format", "json"))
    codes = {c["code"] for m in found["maps"] for c in m["changes"]}
    assert not {code for code in codes if code.startswith(("measure", "conversion"))}
