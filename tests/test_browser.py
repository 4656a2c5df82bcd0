"""The published site in a real browser: Debian's headless Chromium driven by Playwright.

The bundled example is built once, served by a real HTTP server on 127.0.0.1
under a sub-path (/cjm/, as the intranet does) and also opened from file:// (a
file share). Screenshots at phone and desktop widths go to test-artifacts/browser/.
"""

from __future__ import annotations

import http.server
import itertools
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from cjmgen.site import search_index
from tests.helpers.cli import run
from tests.helpers.repos import PROJECT, write_files
from tests.helpers.sitecheck import broken_links, serving

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed: pip install -e '.[test]'"
)
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).is_file():
    pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium (see .ci/run)", allow_module_level=True)

LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
ARTIFACTS = PROJECT / "test-artifacts" / "browser"
PHONE, DESKTOP = 390, 1440

ADS_MAP = "maps/desktop/sofa-ads.html"
FUTURE_MAP = "maps/mobile/sofa-search-future.html"
PERSONA = "personas/anna.html"
OBSTACLE = "Счёт выставляют вручную, в конце рабочего дня"


# -- the site, a server, a browser ------------------------------------------------------


@pytest.fixture(scope="module")
def www(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled example built once (HTML only) into <www>/cjm/, as base_url says."""
    root = tmp_path_factory.mktemp("example")
    shutil.copytree(PROJECT / "maps", root / "maps")
    shutil.copy(PROJECT / "cjmgen.yml", root / "cjmgen.yml")
    www = root / "www"
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", "1793491200")
    result = run(["build", "--no-pdf", "--output", str(www / "cjm")], root)
    mp.undo()
    assert result.exit_code == 0, result.output
    return www


@pytest.fixture(scope="module")
def site(www: Path) -> Path:
    return www / "cjm"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def serve() -> Iterator:
    """serve(folder) -> http://127.0.0.1:<port>/: a real HTTP server for the module."""
    with serving() as start:
        yield lambda folder: start(folder, _QuietHandler)


@pytest.fixture(scope="module")
def base(www: Path, serve) -> str:
    """The site's address on the intranet-like server: under the sub-path /cjm/."""
    return serve(www) + "cjm/"


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


class Tab:
    """A page that records what went wrong: console errors, script errors, failed or foreign requests."""

    def __init__(self, page) -> None:
        self.page = page
        self.problems: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)
        page.on("request", self._local_only)

    def _console(self, message) -> None:
        if message.type == "error":
            self.problems.append(f"console: {message.text}")

    def _response(self, response) -> None:
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def _failed(self, request) -> None:
        if request.failure != "net::ERR_ABORTED":  # not a request cut short by the next navigation
            self.problems.append(f"request failed: {request.url} ({request.failure})")

    def _local_only(self, request) -> None:
        if not request.url.startswith(("http://127.0.0.1:", "file://", "data:", "about:")):
            self.problems.append(f"external request: {request.url}")

    def goto(self, url: str) -> Tab:
        self.page.goto(url)
        self.page.wait_for_load_state("load")
        return self

    def clean(self) -> None:
        assert self.problems == []


@pytest.fixture
def tab(browser) -> Iterator[Tab]:
    context = browser.new_context(viewport={"width": DESKTOP, "height": 900})
    yield Tab(context.new_page())
    context.close()


def phone_tab(browser, **options) -> Tab:
    context = browser.new_context(viewport={"width": PHONE, "height": 844}, is_mobile=True, has_touch=True,
                                  device_scale_factor=2, **options)
    return Tab(context.new_page())


def shoot(tab: Tab, name: str, full_page: bool = True) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    tab.page.screenshot(path=str(path), full_page=full_page)
    return path


def search(tab: Tab, text: str) -> None:
    box = tab.page.locator("#site-search-q")
    box.click()
    box.fill(text)
    tab.page.wait_for_selector(".search-popup:not([hidden]) .search-count")


# -- loading -----------------------------------------------------------------------------


def test_every_page_loads_without_errors_under_a_sub_path(tab: Tab, site: Path, base: str) -> None:
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert len(pages) > 30
    for page in pages:
        if page == "404.html":
            continue  # served for unknown addresses; its links use base_url (checked in test_site)
        tab.goto(base + page)
        assert tab.page.locator("main h1").count() == 1, page
    tab.clean()


def test_no_page_scrolls_sideways_on_a_phone(browser, site: Path, base: str) -> None:
    """Wide grids and tables scroll inside their boxes; a page wider than the phone gets zoomed out."""
    tab = phone_tab(browser)
    wide = []
    for page in sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")):
        if page != "404.html":
            tab.goto(base + page)
            width = tab.page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE:
                wide.append((page, width))
    assert wide == []
    tab.clean()
    tab.page.context.close()


def test_pages_work_from_a_file_share(tab: Tab, site: Path) -> None:
    """file:// pages: the scripts run, and search loads its index without fetch()."""
    tab.goto((site / FUTURE_MAP).as_uri())
    assert tab.page.locator(".map-tools").is_visible()
    assert tab.page.locator("#calculator").is_visible()
    search(tab, "ОТЗЫВ")
    assert tab.page.locator(".search-popup .search-result").count() > 0
    tab.goto((site / "index.html").as_uri())
    tab.page.select_option("#filter-state", "future")
    assert "state=future" in tab.page.url
    assert tab.page.locator("main tr[data-facets]:visible").count() == 1
    tab.clean()


def test_every_internal_link_resolves(site: Path) -> None:
    assert broken_links(site) == []


# -- search ------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["СЧЕТ ВЫСТАВЛЯЮТ", "счет выставляют", "Счёт выставл"])
def test_search_finds_a_russian_obstacle_and_goes_to_its_stage(tab: Tab, base: str, typed: str) -> None:
    tab.goto(base + PERSONA)  # any page: the box is in the header of every one
    search(tab, typed)
    first = tab.page.locator(".search-popup .search-result").first
    assert first.locator(".result-title").inner_text() == OBSTACLE
    assert first.locator(".result-kind").inner_text() == "Препятствие"
    assert "Сделка" in first.locator(".result-context").inner_text()
    assert tab.page.locator(".search-popup mark").count() >= 2  # the typed words are marked
    assert tab.page.locator("#site-search-status").inner_text().startswith("Найдено")
    first.click()
    tab.page.wait_for_url(re.compile(re.escape(base + ADS_MAP) + "#stage-deal$"))
    card = tab.page.locator("#stage-deal")
    assert OBSTACLE in card.inner_text()
    assert card.is_visible()
    box = card.bounding_box()
    assert box is not None and 0 <= box["y"] < 900  # scrolled to the stage
    assert tab.page.locator("th.stage-head.col-focus").inner_text().strip().endswith("Сделка")
    assert tab.page.locator("#stage-deal .search-hit").inner_text().strip().startswith(OBSTACLE)
    tab.clean()


def test_search_by_keyboard_in_english_from_a_nested_page(tab: Tab, base: str) -> None:
    tab.goto(base + FUTURE_MAP)
    search(tab, "office CHAIRS")
    page = tab.page
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Buying office chairs" in focused
    page.keyboard.press("Enter")
    page.wait_for_url(base + "maps/en/office-chairs-b2b.html")
    search(tab, "zzzz qqqq")  # the English map's page speaks English (its own `language: en`)
    assert "Nothing found" in page.locator(".search-popup").inner_text()
    page.keyboard.press("Escape")
    assert page.locator(".search-popup").is_hidden()
    tab.clean()


def test_search_page_lists_every_result(tab: Tab, base: str) -> None:
    tab.goto(base + "maps/en/office-chairs-b2b.html")
    search(tab, "диван")
    tab.page.keyboard.press("Enter")  # the form: search.html?q=...
    tab.page.wait_for_url(re.compile(r"search\.html\?q="))
    results = tab.page.locator(".search-page-results .search-result")
    results.first.wait_for()
    assert results.count() > 8  # more than the header's popup shows
    assert "диван" in tab.page.locator("h1").inner_text()
    assert tab.page.locator("#site-search-q").input_value() == "диван"
    tab.clean()


# -- filters -----------------------------------------------------------------------------


def visible_maps(tab: Tab) -> list[str]:
    return tab.page.eval_on_selector_all(
        "main tr[data-facets]", "rows => rows.filter(r => r.offsetParent !== null).map(r => r.dataset.map)")


def test_filters_change_the_list_and_the_url_and_the_url_restores_them(tab: Tab, base: str) -> None:
    tab.goto(base + "index.html")
    page = tab.page
    assert len(visible_maps(tab)) == 5
    page.select_option("#filter-tag", "поиск")
    assert visible_maps(tab) == ["mobile/sofa-search", "mobile/sofa-search-future"]
    page.select_option("#filter-state", "future")
    assert visible_maps(tab) == ["mobile/sofa-search-future"]
    assert "2 из 5" not in page.locator(".filter-count").inner_text()
    assert page.locator(".filter-count").inner_text() == "Показано карт: 1 из 5"
    shared = page.url
    assert re.search(r"#.*tag=%D0%BF%D0%BE%D0%B8%D1%81%D0%BA", shared) and "state=future" in shared
    # only the segment of what is left is shown
    assert page.locator("main .segment-group:visible").count() == 1

    other = tab.page.context.new_page()
    other.goto(shared)
    assert other.locator("#filter-state").input_value() == "future"
    assert other.locator("#filter-tag").input_value() == "поиск"
    assert other.eval_on_selector_all(
        "main tr[data-facets]", "rows => rows.filter(r => r.offsetParent !== null).length") == 1
    other.close()

    page.select_option("#filter-channel", "phone")  # nothing left: say so
    assert visible_maps(tab) == []
    assert page.locator(".filter-none").is_visible()

    page.go_back()  # Back undoes the last filter, then the one before
    page.wait_for_function("document.querySelectorAll('main tr[data-facets]:not([hidden])').length === 1")
    assert page.locator("#filter-channel").input_value() == ""
    assert page.locator("#filter-state").input_value() == "future"
    page.go_back()
    page.wait_for_function("document.querySelectorAll('main tr[data-facets]:not([hidden])').length === 2")
    assert page.locator("#filter-state").input_value() == ""
    assert visible_maps(tab) == ["mobile/sofa-search", "mobile/sofa-search-future"]
    page.go_forward()
    page.wait_for_function("document.querySelectorAll('main tr[data-facets]:not([hidden])').length === 1")

    page.click(".filters button[type=reset]")
    page.wait_for_function("document.querySelectorAll('main tr[data-facets]:not([hidden])').length === 5")
    assert "#" not in page.url or page.url.endswith("#")
    tab.clean()


@pytest.mark.parametrize("facet,value,expected", [
    ("segment", "Посетители с компьютера из рекламы", ["desktop/sofa-ads"]),
    ("persona", "irina", ["en/office-chairs-b2b"]),
    ("owner", "Служба поддержки", ["desktop/sofa-ads"]),  # a stage's owner finds the map too
    ("channel", "phone", None),
    ("status", "published", None),
    ("staleness", "fresh", None),
])
def test_each_filter_narrows_by_its_facet(tab: Tab, base: str, facet: str, value: str, expected) -> None:
    tab.goto(base + f"index.html#{facet}={value}")
    shown = visible_maps(tab)
    if expected is not None:
        assert shown == expected
    facets = tab.page.eval_on_selector_all("main tr[data-facets]", "rows => rows.map(r => [r.dataset.map, JSON.parse(r.dataset.facets), r.offsetParent !== null])")
    for map_id, data, visible in facets:
        has = value in data[facet] if isinstance(data[facet], list) else data[facet] == value
        assert visible == has, map_id
    assert shown
    tab.clean()


# -- the map page ------------------------------------------------------------------------


def test_focus_a_stage_emotion_tooltips_lanes_and_comparison(tab: Tab, base: str) -> None:
    tab.goto(base + FUTURE_MAP)
    page = tab.page
    # click a stage: its column is marked, the panel shows everything of it, notes included
    page.click("th.stage-head >> nth=1")
    panel = page.locator(".stage-focus")
    assert panel.is_visible()
    assert "Оценка и выбор" in panel.locator("h3").inner_text()
    assert "потрогать ткань" in panel.inner_text()  # the stage's notes from the body
    assert panel.locator(".kpi").count() >= 3 and panel.locator("cite.source").count() >= 1
    assert page.evaluate("document.activeElement.classList.contains('stage-focus-title')")
    assert page.url.endswith("#stage-evaluation")
    assert page.evaluate("new Set([...document.querySelectorAll('[id]')].map(e => e.id)).size"
                         " === document.querySelectorAll('[id]').length")  # copies carry no ids
    panel.locator(".stage-next").click()
    assert "Сделка" in panel.locator("h3").inner_text()
    page.keyboard.press("Escape")
    assert panel.is_hidden()
    assert "Сделка" in page.evaluate("document.activeElement.textContent")

    # an emotion point: the stage's thoughts and quotes
    page.hover(".emo-point[data-stage=deal]")
    tip = page.locator(".emo-tip")
    assert tip.is_visible()
    assert "Всё посчитано сразу" in tip.inner_text()
    page.mouse.move(5, 5)
    assert tip.is_hidden()
    page.click(".emo-point[data-stage=deal]")  # a tap pins it
    page.mouse.move(5, 5)
    assert tip.is_visible()

    # rows on and off, remembered
    page.click(".lane-picker summary")
    backstage = page.locator(".lane-option", has_text="Закулисье").locator("input")
    backstage.uncheck()
    assert page.locator("tr.lane-backstage").is_hidden()
    page.reload()
    assert page.locator("tr.lane-backstage").is_hidden()
    page.click(".lane-picker summary")
    page.locator(".lane-option", has_text="Закулисье").locator("input").check()
    assert page.locator("tr.lane-backstage").is_visible()

    # the comparison with the current state
    ghost = page.locator(".emo-ghost-line").first
    assert ghost.is_hidden()
    page.click(".compare-toggle")
    assert page.locator(".compare-toggle").get_attribute("aria-pressed") == "true"
    assert ghost.is_visible()
    assert page.locator(".lane-funnel .was").first.inner_text().endswith("96\u202f000")
    tab.clean()


def calculator_site(tmp_path: Path, language: str) -> Path:
    """The commercial-director article as a map: 1,000 see the ad, 5% click: 50 visits."""
    root = write_files(tmp_path / language, {
        "cjmgen.yml": f"language: {language}\n",
        "maps/ad.md": (
            "---\ntitle: The article's funnel\nreviewed: 2026-10-01\nstages:\n"
            "  - {id: views, name: Ad views, count: 1000, conversion: 5%}\n"
            "  - {id: visits, name: Site visits, count: 50}\n---\n"
        ),
    })
    result = run(["build", "--no-pdf"], root)
    assert result.exit_code == 0, result.output
    return root / "site"


@pytest.mark.parametrize("language,factor,best", [("en", "×1.5", "×1.2"), ("ru", "×1,5", "×1,2")])
def test_calculator_gives_the_articles_one_and_a_half_times(
    browser, tmp_path: Path, serve, language: str, factor: str, best: str,
) -> None:
    site = calculator_site(tmp_path, language)
    context = browser.new_context(viewport={"width": DESKTOP, "height": 900})
    tab = Tab(context.new_page()).goto(serve(site) + "maps/ad.html")
    page = tab.page
    calc = page.locator("#calculator")
    assert calc.is_visible()
    final = calc.locator(".calc-final")
    assert "50 → 50" in final.inner_text()
    # one point at the only stage with a conversion is the strongest lever: 50 -> 60
    assert "Ad views" in calc.locator(".calc-best").inner_text()
    assert "+10" in calc.locator(".calc-best").inner_text() and best in calc.locator(".calc-best").inner_text()
    delta = calc.locator(".calc-delta").first
    delta.fill("2.5")
    assert calc.locator("tr[data-index='1'] .calc-count").inner_text() == "75"
    assert calc.locator("tr[data-index='0'] .calc-rate").inner_text().replace("\u00a0", "") in ("7.5%", "7,5%")
    assert final.inner_text().endswith(f"50 → 75 ({factor})")
    delta.fill("-5")  # down to nothing
    assert calc.locator("tr[data-index='1'] .calc-count").inner_text() == "0"
    calc.locator(".calc-reset").click()
    assert "50 → 50" in final.inner_text()
    calc.locator(".calc-try").click()  # "add a point there"
    assert delta.input_value() == "1"
    assert calc.locator("tr[data-index='1'] .calc-count").inner_text() == "60"
    delta.fill("2.5")
    page.set_viewport_size({"width": PHONE, "height": 844})
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    calc.screenshot(path=str(ARTIFACTS / f"calculator-article-{language}-{PHONE}.png"))
    tab.clean()
    context.close()


def test_calculator_on_the_bundled_five_stage_funnel(tab: Tab, base: str) -> None:
    tab.goto(base + ADS_MAP)
    calc = tab.page.locator("#calculator")
    counts = [c.inner_text() for c in calc.locator(".calc-count").all()]
    before = list(counts)
    calc.locator(".calc-delta").nth(1).fill("1")
    after = [c.inner_text() for c in calc.locator(".calc-count").all()]
    assert after[:2] == before[:2] and all(a != b for a, b in zip(after[2:], before[2:]))
    # the server names the same lever as the calculator does with nothing changed
    calc.locator(".calc-reset").click()
    lever = tab.page.locator(".lever").inner_text()
    best = calc.locator(".calc-best-text").inner_text()
    stage = re.search(r"«([^»]+)»", best)
    assert stage and f"«{stage.group(1)}»" in lever
    tab.clean()


# -- accessibility -----------------------------------------------------------------------


def axe_problems(tab: Tab) -> list[str]:
    tab.page.add_script_tag(path=str(AXE))
    result = tab.page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_problems(browser, base: str, scheme: str) -> None:
    context = browser.new_context(viewport={"width": DESKTOP, "height": 900}, color_scheme=scheme)
    tab = Tab(context.new_page())
    states = {}
    states["index"] = axe_problems(tab.goto(base + "index.html"))
    tab.page.select_option("#filter-tag", "поиск")
    states["index, filtered"] = axe_problems(tab)
    tab.goto(base + FUTURE_MAP)
    tab.page.click(".compare-toggle")
    tab.page.click("th.stage-head >> nth=2")
    states["map, stage in focus, compared"] = axe_problems(tab)
    states["map with the current state"] = axe_problems(tab.goto(base + ADS_MAP))
    states["persona"] = axe_problems(tab.goto(base + PERSONA))
    tab.goto(base + "index.html")
    search(tab, "счет")
    states["search results"] = axe_problems(tab)
    states["search page"] = axe_problems(tab.goto(base + "search.html?q=доставка"))
    states["owner"] = axe_problems(tab.goto(base + "owners/index.html"))
    assert {state: problems for state, problems in states.items() if problems} == {}
    tab.clean()
    context.close()


def test_keyboard_skip_link_landmarks_and_visible_focus(tab: Tab, base: str) -> None:
    tab.goto(base + ADS_MAP)
    page = tab.page
    page.keyboard.press("Tab")
    # Waits (up to 5 s), not a single look: focus and the hash change land a moment after the key.
    page.wait_for_function("document.activeElement && document.activeElement.className === 'skip-link'",
                           timeout=5000)
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    page.wait_for_url("**#main", timeout=5000)
    for _ in range(3):
        page.keyboard.press("Tab")
        style = page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]; })()")
        assert style[0] != "none" and style[1] != "0px", page.evaluate("document.activeElement.outerHTML")
    landmarks = page.evaluate(
        "['header.site-header', 'nav', 'main', 'footer', 'form[role=search]'].map(s => document.querySelectorAll(s).length)")
    assert landmarks == [1, 1, 1, 1, 1]
    levels = page.eval_on_selector_all("main h1, main h2, main h3, main h4", "hs => hs.map(h => Number(h.tagName[1]))")
    assert levels[0] == 1 and all(b - a <= 1 for a, b in itertools.pairwise(levels))
    assert page.eval_on_selector_all("img:not([alt])", "imgs => imgs.length") == 0
    assert page.eval_on_selector_all("svg[role=img]", "svgs => svgs.filter(s => !s.getAttribute('aria-labelledby')).length") == 0
    tab.clean()


def test_everything_is_readable_without_javascript(browser, base: str) -> None:
    context = browser.new_context(viewport={"width": DESKTOP, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    page.goto(base + "index.html")
    assert page.locator("main tr[data-facets]:visible").count() == 5
    assert page.locator(".filters").is_hidden() and page.locator(".site-search").is_hidden()
    page.goto(base + FUTURE_MAP)
    assert page.locator(".cjm-grid").is_visible() and page.locator(".funnel-table").is_visible()
    assert page.locator(".map-tools").is_hidden() and page.locator("#calculator").is_hidden()
    assert page.locator(".emo-ghost-line").first.is_visible()  # the current state, always shown
    assert page.locator(".lever").is_visible()
    page.goto(base + "search.html?q=x")
    assert "JavaScript" in page.locator("main").inner_text()
    context.close()


# -- screenshots ---------------------------------------------------------------------------


def test_screenshots_at_phone_and_desktop_widths(browser, base: str) -> None:
    shots = []
    for width, scheme in ((PHONE, "light"), (DESKTOP, "light"), (PHONE, "dark"), (DESKTOP, "dark")):
        name = f"{width}-{scheme}"
        if width == PHONE:
            tab = phone_tab(browser, color_scheme=scheme)
        else:
            tab = Tab(browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme).new_page())
        shots.append(shoot(tab.goto(base + "index.html"), f"index-{name}"))
        tab.page.select_option("#filter-tag", "поиск")
        shots.append(shoot(tab, f"index-filtered-{name}", full_page=False))
        search(tab, "счет выставл")
        shots.append(shoot(tab, f"search-{name}", full_page=False))
        tab.goto(base + FUTURE_MAP)
        shots.append(shoot(tab, f"map-{name}", full_page=False))
        tab.page.click(".compare-toggle")
        tab.page.locator("tr.lane-emotion").scroll_into_view_if_needed()
        tab.page.click(".emo-point[data-stage=deal]")
        shots.append(shoot(tab, f"map-emotion-{name}", full_page=False))
        tab.page.click("th.stage-head >> nth=1")
        tab.page.locator(".grid-section").scroll_into_view_if_needed()
        shots.append(shoot(tab, f"map-focus-{name}", full_page=False))
        tab.page.locator("#calculator").scroll_into_view_if_needed()
        tab.page.locator(".calc-delta").first.fill("1")
        shots.append(shoot(tab, f"map-calculator-{name}", full_page=False))
        shots.append(shoot(tab.goto(base + PERSONA), f"persona-{name}"))
        shots.append(shoot(tab.goto(base + "search.html?q=доставка"), f"search-page-{name}", full_page=False))
        tab.clean()
        tab.page.context.close()
    for shot in shots:
        assert shot.stat().st_size > 5_000, shot


# -- the index file itself -------------------------------------------------------------------


def test_search_index_is_a_script_with_resolving_urls(site: Path) -> None:
    text = (site / search_index.PATH).read_text(encoding="utf-8")
    assert text.count("window.CJM_SEARCH = ") == 1
    _head, entries, terms = search_index.read_site(site)
    kinds = {e.kind for e in entries}
    assert kinds == set(search_index.KINDS)
    html: dict[str, str] = {}
    for entry in entries:
        path, _, anchor = entry.url.partition("#")
        assert (site / path).is_file(), entry
        if anchor:
            html.setdefault(path, (site / path).read_text(encoding="utf-8"))
            assert f'id="{anchor}"' in html[path], entry
    assert sum("ё" in e.title for e in entries) > 0  # shown as written...
    assert all("ё" not in term and "ё" not in form for term, (form, _) in terms.items())  # ...searched without ё


# -- long lists on pages (theme option per_page) -----------------------------------------


@pytest.fixture(scope="module")
def paged_base(tmp_path_factory: pytest.TempPathFactory, serve) -> str:
    """The bundled example with two rows a page, so that its owner and channel lists have pagers."""
    root = tmp_path_factory.mktemp("paged")
    shutil.copytree(PROJECT / "maps", root / "maps")
    config = (PROJECT / "cjmgen.yml").read_text(encoding="utf-8") + "theme: {name: default, per_page: 2}\n"
    (root / "cjmgen.yml").write_text(config, encoding="utf-8")
    result = run(["build", "--no-pdf", "--output", str(root / "www" / "cjm")], root)
    assert result.exit_code == 0, result.output
    return serve(root / "www") + "cjm/"


def test_a_paged_list_is_followed_by_keyboard_and_passes_axe(browser, paged_base: str) -> None:
    problems = {}
    for scheme in ("light", "dark"):
        tab = Tab(browser.new_context(viewport={"width": DESKTOP, "height": 900}, color_scheme=scheme).new_page())
        tab.goto(paged_base + "channels/index.html")
        # The channel with the most rows: its list has the most pages.
        tab.page.locator("main a[href^='website']").first.click()
        tab.page.wait_for_load_state("load")
        pager = tab.page.locator("nav.pager").first
        assert pager.get_attribute("aria-label") == "Страницы"
        assert pager.locator("[aria-current=page]").inner_text() == "1"
        problems[f"first page, {scheme}"] = axe_problems(tab)
        next_link = pager.locator("a[rel=next]")
        next_link.focus()
        tab.page.keyboard.press("Enter")
        tab.page.wait_for_url("**/channels/website/page-2.html", timeout=5000)
        pager = tab.page.locator("nav.pager").first
        assert pager.locator("[aria-current=page]").inner_text() == "2"
        assert "страница 2 из" in tab.page.title()
        problems[f"second page, {scheme}"] = axe_problems(tab)
        pager.locator("a[rel=prev]").click()
        tab.page.wait_for_url("**/channels/website.html", timeout=5000)
        tab.clean()
        tab.page.context.close()
    assert {state: found for state, found in problems.items() if found} == {}


def test_a_pager_fits_a_phone(browser, paged_base: str) -> None:
    tab = phone_tab(browser)
    tab.goto(paged_base + "channels/website/page-2.html")
    assert tab.page.locator("nav.pager").first.is_visible()
    assert tab.page.evaluate("document.documentElement.scrollWidth") <= PHONE
    shoot(tab, "pager-phone", full_page=False)
    tab.clean()
    tab.page.context.close()
