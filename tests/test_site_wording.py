"""Labels that agree with their numbers and nouns, pages that speak the site's
language, filters that say what they could not apply: read in headless Chromium
and in the built HTML."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from cjmgen.build.pipeline import BuildOptions
from cjmgen.config import load_config
from cjmgen.diagnostics import Diagnostics
from cjmgen.incremental.rebuild import PreviewBuilds, SiteBuilder
from cjmgen.serve.error_page import failed_build_page
from cjmgen.serve.server import DevServer, error_page
from tests.helpers.cli import run
from tests.helpers.repos import PERSONA_ANNA, complete_stage, simple_map
from tests.test_serve import fetch, until

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).is_file(), reason="no Chromium")

BORIS = "---\nname: Борис\nrole: Закупщик\n---\n"


def funnel_map(first: int, second: int, title: str = "Воронка") -> str:
    return (f"---\ntitle: {title}\npersona: anna\nsegment: Сайт\nreviewed: 2026-10-01\nstages:\n"
            + complete_stage("Visit", "visit", first) + complete_stage("Order", "order", second) + "---\n")


def no_kpis_map() -> str:
    return ("---\ntitle: Без KPI\npersona: anna\nsegment: Сайт\nreviewed: 2026-10-01\nstages:\n"
            "  - id: one\n    name: Один\n    goals: [Цель]\n    emotion: 1\n"
            "  - id: two\n    name: Два\n    goals: [Цель]\n    emotion: -1\n---\n")


def build(make_repo, files: dict[str, str], language: str) -> Path:
    root = make_repo({**files, "cjmgen.yml": f"language: {language}\n"})
    result = run(["build", "--no-pdf"], root)
    assert result.exit_code == 0, result.output
    return root / "site"


def open_page(url: str, width: int = 1400):
    playwright = sync_api.sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(url)
    page.wait_for_load_state("load")
    return playwright, browser, page


@needs_chromium
@pytest.mark.parametrize("language, first, second, expected", [
    ("en", 100, 10, "+1 customer at the end"),
    ("en", 500, 50, "+5 customers at the end"),
    ("ru", 100, 10, "+1 клиент в конце"),
    ("ru", 300, 30, "+3 клиента в конце"),
    ("ru", 500, 50, "+5 клиентов в конце"),
])
def test_the_calculator_agrees_in_number(make_repo, language: str, first: int, second: int, expected: str) -> None:
    site = build(make_repo, {"maps/f.md": funnel_map(first, second)}, language)
    playwright, browser, page = open_page((site / "maps" / "f.html").as_uri())
    try:
        assert expected in page.locator(".calc-best-text").inner_text()
    finally:
        browser.close()
        playwright.stop()


def test_a_map_without_kpis_says_so_and_no_row_header_reads_строка(make_repo) -> None:
    site = build(make_repo, {"maps/x.md": no_kpis_map()}, "ru")
    html = (site / "maps" / "x.html").read_text(encoding="utf-8")
    assert "0/0" not in html and "0 из 0" not in html and "KPI: не заданы" in html
    corner = html[html.index('class="corner"'):html.index("</th>", html.index('class="corner"'))]
    assert 'aria-hidden="true">Этапы →' in corner  # shown; "Строка" only for screen readers
    assert "KPI: цель достигнута" not in html


def test_filter_any_agrees_with_its_noun_and_drafts_do_not_count_personas(make_repo) -> None:
    draft = simple_map(title="Черновик", persona="boris", header="status: draft\n")
    site = build(make_repo, {"maps/a.md": simple_map(title="Карта"), "maps/b.md": draft,
                             "maps/personas/boris.md": BORIS}, "ru")
    html = (site / "index.html").read_text(encoding="utf-8")
    persona = html[html.index('id="filter-persona"'):html.index("</select>", html.index('id="filter-persona"'))]
    assert '<option value="">любая</option>' in persona
    segment = html[html.index('id="filter-segment"'):html.index("</select>", html.index('id="filter-segment"'))]
    assert '<option value="">любой</option>' in segment
    assert "1\u00a0карта · 1\u00a0персона" in html  # Борис is only in a draft


@needs_chromium
def test_unknown_filter_values_in_the_address_are_reported(make_repo) -> None:
    site = build(make_repo, {"maps/a.md": simple_map(title="Карта")}, "ru")
    playwright, browser, page = open_page((site / "index.html").as_uri() + "#persona=nobody&segment=Mobile&colour=red")
    try:
        note = page.locator(".filter-unknown")
        assert note.is_visible()
        text = note.inner_text()
        assert "Персона: nobody" in text and "colour: red" in text and "Mobile" not in text
        assert page.locator("#filter-segment").input_value() == "Mobile"  # the known one applies
        page.evaluate("location.hash = 'segment=Mobile'")
        page.wait_for_function("document.querySelector('.filter-unknown').hidden")
    finally:
        browser.close()
        playwright.stop()


@needs_chromium
def test_the_persona_page_uses_the_width(make_repo) -> None:
    persona = PERSONA_ANNA.replace("role: Young professional", "role: Young professional\ngoals: [A sofa]\n"
                                   "needs: [Delivery on Saturday]\npains: [Waiting at home all day]")
    site = build(make_repo, {"maps/a.md": simple_map(), "maps/personas/anna.md": persona}, "en")
    playwright, browser, page = open_page((site / "personas" / "anna.html").as_uri())
    try:
        main = page.locator("main").bounding_box()
        text = page.locator(".persona-card > div").bounding_box()
        assert text["width"] > 0.6 * main["width"]
    finally:
        browser.close()
        playwright.stop()


def test_the_serve_error_page_speaks_the_site_language(make_repo) -> None:
    russian = failed_build_page(load_config(make_repo({"cjmgen.yml": "language: ru\n"}, name="ru"), Diagnostics()),
                                "<p>x</p>")
    assert "Сайт не удалось собрать" in russian and '<html lang="ru">' in russian and "<p>x</p>" in russian
    assert "The site could not be built" in error_page(failed_build_page(None, "<p>x</p>"), 1).decode()
    root = make_repo({"maps/sofa.md": simple_map(), "cjmgen.yml": "language: ru\n"})
    builds = PreviewBuilds(SiteBuilder(root, BuildOptions()))
    dev = DevServer(builds, lambda: [root / "cjmgen.yml", root / "maps"], port=0, log=lambda line: None)
    url = dev.start()
    thread = threading.Thread(target=dev.serve_forever, daemon=True)
    thread.start()
    try:
        (root / "maps" / "sofa.md").write_text("---\ntitle: [Sofa\n---\n", encoding="utf-8")
        until(lambda: fetch(url + "index.html")[0] == 500, "the error page")
        _status, page = fetch(url + "index.html")
        assert "Сайт не удалось собрать" in page and "Исправьте ошибки" in page
    finally:
        dev.close()
        thread.join(timeout=5)


def test_a_theme_restyles_the_serve_error_page_and_a_broken_one_falls_back(make_repo) -> None:
    """`serve_error.html` in theme.custom_dir replaces the default page; when that template
    fails itself, the default theme's page still shows the problems."""
    own = make_repo({"cjmgen.yml": "theme: {custom_dir: overrides}\n",
                     "overrides/templates/serve_error.html": "<html><body><h1>Ours: {{ T.serve_failed_heading }}</h1>"
                                                             "{{ diagnostics }}</body></html>"}, name="own")
    page = failed_build_page(load_config(own, Diagnostics()), "<p class='diag'>maps/a.md:3:1 bad</p>")
    assert page.startswith("<html><body><h1>Ours: The site could not be built</h1>")
    assert "<p class='diag'>maps/a.md:3:1 bad</p>" in page  # the problems, not escaped twice
    broken = make_repo({"cjmgen.yml": "theme: {custom_dir: overrides}\n",
                        "overrides/templates/serve_error.html": "{{ no_such_value.x }}"}, name="broken")
    page = failed_build_page(load_config(broken, Diagnostics()), "<p>maps/a.md:3:1 bad</p>")
    assert "The site could not be built" in page and "<p>maps/a.md:3:1 bad</p>" in page
