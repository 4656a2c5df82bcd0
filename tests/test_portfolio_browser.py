"""The portfolio page in headless Chromium, served under a sub-path: the filters narrow the
list and the impact × effort matrix, keep their state in the URL, and a reload keeps it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers.cli import run
from tests.helpers.repos import write_files
from tests.helpers.site_browser import CHROMIUM, base, browser, shots  # noqa: F401 - module fixtures
from tests.test_opportunities import MAP

pytest.importorskip("playwright.sync_api", reason="Playwright is not installed: pip install -e '.[test]'")
if not Path(CHROMIUM).is_file():
    pytest.skip(f"no Chromium at {CHROMIUM}", allow_module_level=True)

SECOND = """---
title: Доставка
segment: B2B
reviewed: 2026-01-01
stages:
  - name: Доставка
    id: delivery
    owner: Логистика
    opportunities:
      - {text: Окно доставки 2 часа, id: slot, owner: Борис, status: в работе, impact: 4, effort: 4}
      - {text: SMS о курьере, id: sms, owner: Анна, status: done, impact: 2, effort: 1}
      - {text: Подъём на этаж, id: lift, status: идея}
---
"""


@pytest.fixture(scope="module")
def www(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("portfolio")
    write_files(root, {"maps/a.md": MAP, "maps/b.md": SECOND, "cjmgen.yml": "language: ru\nbase_url: /cjm/\n"})
    www = root / "www"
    result = run(["build", "--no-pdf", "--output", str(www / "cjm")], root)
    assert result.exit_code == 0, result.output
    return www


def _shown(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        "table.opportunity-list tbody tr", "rows => rows.filter(r => !r.hidden).map(r => r.id)")


def _matrix(page: Any) -> dict[str, str]:
    return page.eval_on_selector_all(
        "td.matrix-cell", "cells => Object.fromEntries(cells.map(c => [c.className.replace('matrix-cell ', ''), "
                          "c.querySelector('.matrix-count').textContent]))")


def test_filters_by_status_and_owner_keep_their_state_in_the_url(browser: Any, base: str, shots: Path) -> None:
    page = browser.new_page()
    page.goto(base + "portfolio.html")
    assert page.locator("#filters").is_visible()
    assert len(_shown(page)) == 5
    assert _matrix(page)["impact-high effort-low"] == "2"
    page.select_option("#filter-status", "in progress")
    assert _shown(page) == ["opp-size-filter", "opp-slot"]
    page.select_option("#filter-owner", "Анна")
    assert _shown(page) == ["opp-size-filter"]
    assert page.locator(".filter-count").inner_text() == "Показано возможностей: 1 из 5"
    matrix = _matrix(page)
    assert matrix["impact-high effort-low"] == "1" and matrix["impact-high effort-high"] == "0"
    assert page.locator("td.impact-high.effort-high li[data-row=opp-slot]").is_hidden()
    url = page.url
    assert url.startswith(base + "portfolio.html#") and "status=in+progress" in url and "owner=" in url
    page.screenshot(path=str(shots / "portfolio-filtered.png"), full_page=True)

    page.reload()
    assert page.locator("#filter-status").input_value() == "in progress"
    assert page.locator("#filter-owner").input_value() == "Анна"
    assert _shown(page) == ["opp-size-filter"]
    assert _matrix(page)["impact-high effort-low"] == "1"

    other = browser.new_page()  # the address alone, in a fresh tab
    other.goto(url)
    assert _shown(other) == ["opp-size-filter"]
    page.click(".filters button[type=reset]")
    page.wait_for_function("document.querySelectorAll('table.opportunity-list tbody tr:not([hidden])').length === 5")
    assert "#" not in page.url or page.url.endswith("#")


def test_a_stage_links_to_its_opportunities_and_the_matrix_links_to_rows(browser: Any, base: str) -> None:
    page = browser.new_page()
    page.goto(base + "maps/b.html")
    page.click("text=Возможности этапа в портфеле")
    page.wait_for_url("**/portfolio.html#map=b&stage=delivery")
    assert _shown(page) == ["opp-slot", "opp-sms", "opp-lift"]
    assert page.locator("#filter-map").input_value() == "b"
    page.click("td.impact-high.effort-high a")  # to its row, the filters untouched
    assert page.url.endswith("#map=b&stage=delivery")
    page.wait_for_function("document.activeElement && document.activeElement.closest('tr#opp-slot') !== null")


AXE = Path(__file__).parent / "vendor" / "axe.min.js"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_problems_on_the_portfolio(browser: Any, base: str, scheme: str) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    found = {}
    for state, address in (("portfolio", "portfolio.html"), ("filtered", "portfolio.html#status=done"),
                           ("map with tracked opportunities", "maps/a.html")):
        page.goto(base + address)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        found[state] = [f"{v['id']}: {[n['target'] for n in v['nodes']][:5]}" for v in result["violations"]
                        if v["impact"] in ("serious", "critical")]
    context.close()
    assert {state: problems for state, problems in found.items() if problems} == {}
