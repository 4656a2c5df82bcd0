"""The "What changed" page of `cjmgen build --compare REV`, read as a user reads it in
headless Chromium at 1400 px: styled like the site, what changed (value, target or
both), names instead of ids, nothing cut off. Screenshots go to tmp_path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers.cli import run
from tests.helpers.git_repos import commit, init
from tests.helpers.repos import CHANNELS, PERSONA_ANNA

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

STAGES = ["Awareness", "Consideration", "Showroom visit", "Deal", "Delivery", "Loyalty"]


def sofa(ctr_value: str, ctr_target: str, cpc: str, with_courier: bool) -> str:
    stages = []
    for number, name in enumerate(STAGES):
        touchpoints = "[website, {channel: courier, name: Call before delivery}]" if with_courier and number == 4 \
            else "[website]"
        stages.append(
            f"  - id: s{number}\n    name: {name}\n    goals: [Goal of {name}]\n"
            f"    kpis: [{{name: Ad CTR, value: {ctr_value}, target: {ctr_target}}},"
            f" {{name: Cost per click, value: {cpc}, target: 20, unit: RUB, better: lower}}]\n"
            f"    obstacles: [A rather long obstacle of the {name} stage that wraps onto lines]\n"
            f"    touchpoints: {touchpoints}\n    owner: Marketing\n    count: {1000 - number * 100}\n    emotion: 0\n")
    return ("---\ntitle: Buying a sofa\npersona: anna\nsegment: Mobile\nreviewed: 2026-01-01\nstages:\n"
            + "".join(stages) + "---\nStory.\n")


@pytest.fixture
def changes(tmp_path: Path) -> Path:
    root = init(tmp_path / "repo", {
        "maps/personas/anna.md": PERSONA_ANNA, "maps/channels.yml": CHANNELS,
        "maps/sofa.md": sofa("5%", "7.5%", "24", False),
    })
    commit(root, "Start", "2026-01-10T10:00:00+00:00")
    commit(root, "Targets and a courier", "2026-01-11T10:00:00+00:00",
           {"maps/sofa.md": sofa("5%", "9%", "21", True)})
    result = run(["build", "--no-pdf", "--compare", "HEAD~1"], root)
    assert result.exit_code == 0, result.output
    return root / "site" / "changes.html"


def test_the_kpi_table_says_whether_the_value_or_the_target_changed(changes: Path) -> None:
    html = changes.read_text(encoding="utf-8")
    table = html[html.index('<table class="kpi-deltas">'):]
    table = table[:table.index("</table>")]
    ctr = table[table.index("Ad CTR"):table.index("</tr>", table.index("Ad CTR"))]
    assert "<del>" in ctr and "7.5%</del> → <ins>" in ctr and "9%</ins>" in ctr  # the target moved
    assert "цель изменена" in ctr or "target changed" in ctr
    cpc = table[table.index("Cost per click"):table.index("</tr>", table.index("Cost per click"))]
    assert "24 RUB</del> → <ins>" in cpc and "21 RUB</ins>" in cpc and "20 RUB" in cpc  # the value moved
    assert "target changed" not in cpc


def test_touchpoints_show_channel_names_not_ids(changes: Path) -> None:
    html = changes.read_text(encoding="utf-8")
    grid = html[html.index('<table class="diff-grid"'):]
    grid = grid[:grid.index("</table>")]
    assert "Call before delivery (Courier delivery)" in grid
    assert "Website" in grid and ">website<" not in grid and "courier (" not in grid


@pytest.mark.skipif(not Path(CHROMIUM).is_file(), reason="no Chromium")
def test_nothing_is_cut_off_at_1400_px_and_tables_are_styled(changes: Path, tmp_path: Path) -> None:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=["--headless", "--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(changes.as_uri())
        page.screenshot(path=str(tmp_path / "changes-1400.png"), full_page=True)
        cut = page.evaluate("""() => [...document.querySelectorAll('main table')]
            .filter(t => t.getBoundingClientRect().right > document.documentElement.clientWidth
                      || (t.parentElement.scrollWidth > t.parentElement.clientWidth + 1))
            .map(t => t.className)""")
        assert cut == []
        overflowing = page.evaluate("""() => [...document.querySelectorAll('.diff-grid td, .diff-grid th')]
            .filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.textContent.trim().slice(0, 40))""")
        assert overflowing == []
        padding = page.evaluate("""() => [...document.querySelectorAll('.kpi-deltas td, .diff-summary td')]
            .map(td => parseFloat(getComputedStyle(td).paddingLeft))""")
        assert padding and min(padding) >= 6  # not "Оформление заказаКонверсия корзины в заказ35%"
        browser.close()
