"""The funnel's numbers in a real browser (headless Chromium): the calculator reads a Russian
decimal comma, and a contradiction is readable with JavaScript off."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.cli import run
from tests.helpers.repos import write_files

pytest.importorskip("playwright.sync_api", reason="Playwright is not installed: pip install -e '.[test]'")
from tests.test_browser import DESKTOP, Tab, browser, serve  # noqa: F401 - the suite's Chromium and server (fixtures)


def ru_site(tmp_path: Path, stages: str) -> Path:
    root = write_files(tmp_path / "repo", {
        "cjmgen.yml": "language: ru\n",
        "maps/ad.md": f"---\ntitle: Воронка статьи\nreviewed: 2026-10-01\nstages:\n{stages}---\n",
    })
    result = run(["build", "--no-pdf"], root)
    assert result.exit_code == 0, result.output
    return root / "site"


ARTICLE = (
    "  - {id: views, name: Показы, count: 1000, conversion: 5%}\n"
    "  - {id: visits, name: Визиты, count: 50}\n"
)


@pytest.mark.parametrize("typed", ["2,5", "2.5", " 2,5 ", "+2,5"])
def test_typing_a_decimal_comma_gives_one_and_a_half_times(browser, tmp_path: Path, serve, typed: str) -> None:
    site = ru_site(tmp_path, ARTICLE)
    context = browser.new_context(viewport={"width": DESKTOP, "height": 900}, locale="ru-RU")
    tab = Tab(context.new_page()).goto(serve(site) + "maps/ad.html")
    calc = tab.page.locator("#calculator")
    delta = calc.locator(".calc-delta").first
    delta.click()
    delta.fill("")
    delta.type(typed)  # key by key, as a person types
    assert calc.locator("tr[data-index='1'] .calc-count").inner_text() == "75"
    assert calc.locator("tr[data-index='0'] .calc-rate").inner_text().replace("\u00a0", " ") == "7,5 %"
    assert calc.locator(".calc-final").inner_text().endswith("50 → 75 (×1,5)")
    assert delta.get_attribute("aria-invalid") == "false"
    tab.clean()
    context.close()


def test_the_factor_agrees_with_the_rounded_counts(browser, tmp_path: Path, serve) -> None:
    # 100 -> 5 at 5%; +2,5 points -> 7.5 customers, shown as 8: the factor is that of 5 -> 8
    site = ru_site(tmp_path, "  - {id: a, name: А, count: 100}\n  - {id: b, name: Б, count: 5}\n")
    context = browser.new_context(viewport={"width": DESKTOP, "height": 900})
    tab = Tab(context.new_page()).goto(serve(site) + "maps/ad.html")
    calc = tab.page.locator("#calculator")
    calc.locator(".calc-delta").first.fill("2,5")
    final = calc.locator(".calc-final").inner_text()
    assert final.endswith("5 → 8 (×1,6)"), final
    tab.clean()
    context.close()


def test_a_contradiction_is_there_with_javascript_off(browser, tmp_path: Path, serve) -> None:
    site = ru_site(tmp_path, ARTICLE.replace("conversion: 5%", "conversion: 10%"))
    context = browser.new_context(viewport={"width": DESKTOP, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    page.goto(serve(site) + "maps/ad.html")
    words = "заявлено 10 %: не сходится с численностью"
    for where in (".lane-funnel", ".funnel-table", ".figures"):
        assert "не сходится с численностью" in page.locator(where).inner_text().replace("\u00a0", " "), where
    assert words in page.locator(".funnel-table").inner_text().replace("\u00a0", " ")
    assert page.locator(".funnel-table .mismatch").is_visible()
    page.goto(serve(site) + "index.html")
    assert "не сходится с численностью: Показы" in page.locator("body").inner_text().replace("\u00a0", " ")
    context.close()
