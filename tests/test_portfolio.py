"""The portfolio page: built from the tracked opportunities of the published maps, linked
from the navigation and from each map's stages, absent from sites without any."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from tests.helpers.cli import run
from tests.helpers.repos import write_files
from tests.test_opportunities import MAP

PLAIN = """---
title: Без трекинга
reviewed: 2026-01-01
stages:
  - name: Поиск
    opportunities: [Просто идея, {text: С источником, source: опрос}]
---
"""
DRAFT = MAP.replace("title: Поиск дивана", "title: Черновик\nstatus: draft").replace(
    "id: size-filter", "id: draft-only").replace("id: split-pay", "id: draft-pay")


def _build(root: Path) -> Path:
    result = run(["build", "--no-pdf"], root)
    assert result.exit_code == 0, result.output
    return root / "site"


def _rows(page: str) -> list[dict]:
    return [json.loads(html.unescape(found)) for found in re.findall(r"<tr id=\"opp-[^\"]+\" data-facets='([^']+)'", page)]


def test_the_portfolio_lists_tracked_opportunities_with_filters_and_matrix(tmp_path: Path) -> None:
    write_files(tmp_path, {"maps/a.md": MAP, "maps/plain.md": PLAIN, "maps/draft.md": DRAFT,
                           "cjmgen.yml": "language: ru\ntickets: https://jira.example.com/browse/{id}\n"})
    site = _build(tmp_path)
    page = (site / "portfolio.html").read_text()
    rows = _rows(page)
    assert rows == [  # the plain lines and the draft's opportunities are not listed
        {"status": "in progress", "owner": ["Анна"], "map": "a", "stage": "search", "segment": ["B2C"]},
        {"status": "planned", "owner": [], "map": "a", "stage": "pay", "segment": ["B2C"]},
    ]
    assert 'href="https://jira.example.com/browse/CX-12"' in page
    assert 'href="maps/a.html#stage-search"' in page  # back to the stage on its map
    for facet in ("status", "owner", "map", "stage", "segment"):
        assert f'<select id="filter-{facet}" name="{facet}">' in page
    assert '<option value="in progress">в работе</option>' in page
    # impact high (5) × effort low (2), and impact high (4) × effort low (1): both in one cell
    cell = re.search(r'<td class="matrix-cell impact-high effort-low" data-count="(\d)"', page)
    assert cell is not None and cell.group(1) == "2"
    assert '<script src="static/portfolio.js" defer></script>' in page
    assert (site / "static/portfolio.js").is_file() and (site / "static/portfolio.css").is_file()
    index = (site / "index.html").read_text()
    assert '<a href="portfolio.html">Возможности</a>' in index
    map_page = (site / "maps/a.html").read_text()
    assert '<a href="../portfolio.html#map=a&amp;stage=search">Возможности этапа в портфеле</a>' in map_page
    assert 'class="badge opp-status opp-status-in-progress">в работе</span>' in map_page
    assert '<link rel="stylesheet" href="../static/portfolio.css">' in map_page
    plain_page = (site / "maps/plain.html").read_text()
    assert "portfolio.css" not in plain_page and "Возможности этапа в портфеле" not in plain_page


def test_a_done_opportunity_says_where_its_kpi_stands(tmp_path: Path) -> None:
    done = MAP.replace("status: в работе", "status: сделано")
    write_files(tmp_path, {"maps/a.md": done})
    page = (_build(tmp_path) / "portfolio.html").read_text()
    assert "Done; the KPI still misses its target." in page  # 5% against a target of 7%


def test_a_site_without_tracked_opportunities_has_no_portfolio(tmp_path: Path) -> None:
    write_files(tmp_path, {"maps/plain.md": PLAIN})
    site = _build(tmp_path)
    assert not (site / "portfolio.html").exists()
    assert not (site / "static/portfolio.js").exists() and not (site / "static/portfolio.css").exists()
    assert "portfolio" not in (site / "index.html").read_text()
    assert "portfolio" not in (site / "maps/plain.html").read_text()


def test_the_portfolio_appears_and_goes_with_a_rebuild(tmp_path: Path) -> None:
    """Every page's navigation follows: the page cache must not keep a nav without the link."""
    write_files(tmp_path, {"maps/plain.md": PLAIN})
    site = _build(tmp_path)
    write_files(tmp_path, {"maps/a.md": MAP})
    _build(tmp_path)
    assert 'href="../portfolio.html"' in (site / "maps/plain.html").read_text()
    (tmp_path / "maps/a.md").unlink()
    _build(tmp_path)
    assert "portfolio" not in (site / "maps/plain.html").read_text()
    assert not (site / "portfolio.html").exists()


def test_a_done_opportunity_with_data_says_whether_its_kpi_moved_since(tmp_path: Path) -> None:
    done = MAP.replace("reviewed: 2026-01-01", "reviewed: 2026-01-01\ndata: data/search.csv").replace(
        "status: в работе", "status: сделано\n        done: 2026-03")
    rows = ["stage,kpi,period,value", "search,конверсия-в-карточку,2026-01,4.0",
            "search,конверсия-в-карточку,2026-02,4.1", "search,конверсия-в-карточку,2026-03,4.6",
            "search,конверсия-в-карточку,2026-05,5.2"]
    write_files(tmp_path, {"maps/a.md": done, "maps/data/search.csv": "\n".join(rows) + "\n"})
    page = (_build(tmp_path) / "portfolio.html").read_text()
    assert "Since 2026-03: 4.1% (2026-02) → 5.2% (2026-05): <strong>the KPI improved</strong>" in page
    assert '<span class="kpi-value">5.2%</span>' in page  # the latest measured value, not the typed 5%
    # the KPI's direction decides, not the sign of the change
    write_files(tmp_path, {"maps/a.md": done.replace("target: 7%}", "target: 3%, better: lower}")})
    page = (_build(tmp_path) / "portfolio.html").read_text()
    assert "the KPI got worse" in page
