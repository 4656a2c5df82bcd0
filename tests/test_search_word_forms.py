"""Search that understands word forms, typos and every lane, in headless Chromium.

A small Russian repository of its own (a delivery map, a persona Марина with goals,
needs and pains, notes in the map's Markdown) is built and opened over HTTP under a
sub-path and from file://. Screenshots of the popup go to the test's tmp_path.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.cli import run
from tests.helpers.repos import write_files
from tests.helpers.site_browser import CHROMIUM, base, browser, shots  # noqa: F401 - pytest fixtures, used as parameters

pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
if not Path(CHROMIUM).is_file():
    pytest.skip(f"no Chromium at {CHROMIUM}", allow_module_level=True)

PERSONA = """---
name: Марина
role: Менеджер по закупкам
goals: [Закупить мебель для нового офиса к сроку]
needs: [Счёт с НДС в день заказа]
pains: [Перезванивать поставщику по три раза]
---
Марина отвечает за хозяйственные закупки.
"""

MAP = """---
title: Покупка дивана через сайт
persona: marina
segment: Сайт
reviewed: 2026-10-01
stages:
  - id: choice
    name: Выбор модели
    goals: [Найти диван под размеры комнаты]
    actions: [Сравнивает ткани обивки]
    thoughts: [Не хочу ошибиться с цветом]
    touchpoints: [website]
    count: 1000
    emotion: 1
  - id: delivery
    name: Доставка
    goals: [Получить заказ в удобный день]
    actions: [Согласовывает время с курьером]
    thoughts: [Сколько стоит подъём на этаж?]
    quotes: ["Хочу знать точное окно, а не «с 9 до 21»"]
    touchpoints: [{channel: phone, name: Звонок логиста}]
    obstacles: [Курьер не предупреждает о задержке]
    kpis: [{name: Доставлено вовремя, value: 82%, target: 95%}]
    count: 300
    emotion: -1
---
## Выбор модели

Клиенты часто путают модульные и раскладные конструкции.

## Доставка

После доставки клиент ждёт звонка о сборке.
"""

CHANNELS = """website: {name: Сайт, kind: online}
phone: {name: Телефон, kind: offline}
"""


@pytest.fixture(scope="module")
def www(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_files(tmp_path_factory.mktemp("forms"), {
        "cjmgen.yml": "title: Карты\nlanguage: ru\ncontent_dir: maps\nbase_url: /cjm/\n",
        "maps/personas/marina.md": PERSONA,
        "maps/channels.yml": CHANNELS,
        "maps/sofa.md": MAP,
    })
    result = run(["build", "--no-pdf", "--output", str(root / "www" / "cjm")], root)
    assert result.exit_code == 0, result.output
    return root / "www"


@pytest.fixture
def page(browser) -> Iterator:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    def on_console(m) -> None:
        if m.type == "error":
            errors.append(m.text)

    page.on("console", on_console)
    yield page
    context.close()
    assert errors == []


def search(page, text: str) -> None:
    box = page.locator("#site-search-q")
    box.click()
    box.fill(text)
    page.wait_for_selector(".search-popup:not([hidden]) .search-count")


def results(page) -> list[tuple[str, str]]:
    """(kind, title) of every result in the popup, in order."""
    return [tuple(pair) for pair in page.eval_on_selector_all(
        ".search-popup .search-result",
        "links => links.map(a => [a.dataset.kind, a.querySelector('.result-title').textContent])")]


@pytest.mark.parametrize("typed", ["доставка", "доставки", "доставку", "доставкой", "ДОСТАВОК"])
def test_every_form_of_a_word_finds_the_same(page, base: str, typed: str, tmp_path: Path) -> None:
    page.goto(base + "index.html")
    search(page, typed)
    found = results(page)
    assert ("stage", "Доставка") in found
    assert ("kpi", "Доставлено вовремя: 82% / 95%") not in found  # another word (доставл-), not a form
    marks = page.eval_on_selector_all(".search-popup mark", "ms => ms.map(m => m.textContent.toLowerCase())")
    assert marks and all(m.startswith("достав") for m in marks)
    page.screenshot(path=str(tmp_path / f"popup-{typed}.png"))


def test_a_persona_in_another_case_and_her_goals_needs_pains(page, base: str) -> None:
    page.goto(base + "index.html")
    for typed in ("Марину", "Марины", "марине"):
        search(page, typed)
        assert ("persona", "Марина") in results(page), typed
    for typed in ("ндс", "перезванивать", "закупить мебель"):  # needs, pains, goals
        search(page, typed)
        assert ("persona", "Марина") in results(page), typed
        assert page.locator(".search-popup .result-excerpt mark").count() > 0, typed


def test_a_typo_is_forgiven_and_the_word_suggested(page, base: str, shots: Path) -> None:
    page.goto(base + "index.html")
    search(page, "доствка")
    suggestion = page.locator(".search-popup .search-suggestion")
    assert suggestion.is_visible()
    assert suggestion.locator("a").inner_text() == "доставка"
    assert ("stage", "Доставка") in results(page)
    assert "доставка" in page.locator("#site-search-status").inner_text()
    page.screenshot(path=str(shots / "typo.png"))
    search(page, "дсв")  # a short word: no guessing
    assert page.locator(".search-popup .search-suggestion").count() == 0
    assert results(page) == []


def test_every_lane_and_the_notes_are_searchable(page, base: str) -> None:
    page.goto(base + "index.html")
    cases = {
        "ткани": "action", "ошибиться": "thought", "окно": "quote", "логиста": "touchpoint",
        "курьер предупреждает": "obstacle", "раскладные": "note", "сборке": "note",
    }
    for typed, kind in cases.items():
        search(page, typed)
        assert kind in [k for k, _ in results(page)], (typed, results(page))


def test_a_word_of_the_map_title_does_not_match_every_entry(page, base: str) -> None:
    page.goto(base + "index.html")
    search(page, "дивана")
    found = results(page)
    assert ("map", "Покупка дивана через сайт") in found
    assert ("goal", "Найти диван под размеры комнаты") in found
    assert len(found) == 2  # not every stage, thought and touchpoint of the map
    search(page, "диван курьер")  # a word of the map's name narrows within it
    assert set(results(page)) == {("obstacle", "Курьер не предупреждает о задержке"),
                                  ("action", "Согласовывает время с курьером")}


def test_results_are_grouped_by_map_best_stage_first(page, base: str) -> None:
    page.goto(base + "index.html")
    search(page, "звонок")
    groups = page.eval_on_selector_all(".search-popup .search-group-title", "ps => ps.map(p => p.textContent)")
    assert groups[0] == "Покупка дивана через сайт"
    first = results(page)[0]
    assert first == ("touchpoint", "Звонок логиста (Телефон)")


def test_a_touchpoint_result_highlights_its_item_on_the_stage_card(page, base: str, shots: Path) -> None:
    page.goto(base + "index.html")
    search(page, "логиста")
    page.locator(".search-popup .search-result[data-kind=touchpoint]").first.click()
    page.wait_for_url(re.compile(r"maps/sofa\.html#stage-delivery$"))
    hit = page.locator("#stage-delivery .search-hit")
    hit.wait_for()
    assert hit.inner_text().strip().startswith("Звонок логиста")
    assert hit.is_visible()
    page.screenshot(path=str(shots / "touchpoint-hit.png"))
    # the card holds what the panel holds: actions, thoughts, quotes, touchpoints, funnel figures
    card = page.locator("#stage-delivery").inner_text()
    for text in ("Согласовывает время с курьером", "Сколько стоит подъём", "точное окно", "Звонок логиста", "300"):
        assert text in card


def test_a_note_result_highlights_its_paragraph(page, base: str) -> None:
    page.goto(base + "index.html")
    search(page, "раскладные")
    page.locator(".search-popup .search-result[data-kind=note]").first.click()
    page.wait_for_url(re.compile(r"#stage-choice$"))
    page.locator("#stage-choice .search-hit").wait_for()
    assert "раскладные" in page.locator("#stage-choice .search-hit").inner_text()


def test_search_works_from_a_file_share(page, www: Path) -> None:
    page.goto((www / "cjm" / "maps" / "sofa.html").as_uri())
    search(page, "доставку")
    assert ("stage", "Доставка") in results(page)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"search\.html\?q="))
    page.locator(".search-page-results .search-result").first.wait_for()
    assert page.locator(".search-page-results .search-group-title").first.inner_text() == "Покупка дивана через сайт"
