"""Access for everyone, in headless Chromium: focus that shows, SVG text that reads,
landmarks with their own names, printing that is always light.

axe (tests/test_browser.py) checks HTML text but not SVG text, and cannot see a
focus ring: these tests measure both. The bundled example is built once and
served over HTTP under a sub-path; screenshots go to the module's tmp_path.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from tests.helpers.cli import run
from tests.helpers.repos import PROJECT
from tests.helpers.site_browser import CHROMIUM, base, browser, shots  # noqa: F401 - pytest fixtures, used as parameters

pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
Image = pytest.importorskip("PIL.Image")
ImageChops = pytest.importorskip("PIL.ImageChops")
if not Path(CHROMIUM).is_file():
    pytest.skip(f"no Chromium at {CHROMIUM}", allow_module_level=True)

MAPS = ["maps/desktop/sofa-ads.html", "maps/mobile/sofa-search-future.html", "maps/en/office-chairs-b2b.html"]
SCHEMES = ["light", "dark"]


@pytest.fixture(scope="module")
def www(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("access")
    shutil.copytree(PROJECT / "maps", root / "maps")
    shutil.copy(PROJECT / "cjmgen.yml", root / "cjmgen.yml")
    result = run(["build", "--no-pdf", "--output", str(root / "www" / "cjm")], root)
    assert result.exit_code == 0, result.output
    return root / "www"


def new_page(browser, scheme: str, width: int = 1400, height: int = 900):
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    return context.new_page()


# -- focus ------------------------------------------------------------------------------

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const r = el.getBoundingClientRect();
  return {x: r.x, y: r.y, width: r.width, height: r.height,
          what: el.tagName + (el.className ? "." + String(el.className).split(" ").join(".") : "")
                + " " + (el.textContent || el.value || "").trim().slice(0, 30)};
}"""


def region(page, box: dict, margin: int = 6):
    """The pixels around `box` (a bounding rect), as an image."""
    viewport = page.viewport_size
    x = max(0, box["x"] - margin)
    y = max(0, box["y"] - margin)
    right = min(viewport["width"], box["x"] + box["width"] + margin)
    bottom = min(viewport["height"], box["y"] + box["height"] + margin)
    png = page.screenshot(clip={"x": x, "y": y, "width": max(1, right - x), "height": max(1, bottom - y)})
    return Image.open(io.BytesIO(png)).convert("RGB")


def changed_pixels(a, b) -> int:
    difference = ImageChops.difference(a, b).convert("L").point(lambda v: 255 if v > 24 else 0)
    return difference.histogram()[255]


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("path", ["index.html", MAPS[1]])
def test_every_control_shows_where_the_focus_is(browser, base: str, scheme: str, path: str, shots: Path) -> None:
    """Tab through the page: every stop changes pixels around itself when it gets the focus."""
    page = new_page(browser, scheme)
    page.goto(base + path)
    page.wait_for_load_state("load")
    invisible: list[str] = []
    seen = 0
    stage_heads = 0
    for _ in range(70):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None or focused["width"] == 0:
            break
        page.wait_for_timeout(20)
        with_focus = region(page, focused)
        page.evaluate("document.activeElement.setAttribute('data-was-focused', ''); document.activeElement.blur()")
        page.wait_for_timeout(20)
        without = region(page, focused)
        page.evaluate("document.querySelector('[data-was-focused]').focus({focusVisible: true})")
        page.evaluate("document.querySelector('[data-was-focused]').removeAttribute('data-was-focused')")
        seen += 1
        if "stage-head" in page.evaluate("document.activeElement.parentElement.className"):
            stage_heads += 1
            if stage_heads == 1:
                with_focus.save(shots / f"stage-head-focused-{scheme}.png")
                without.save(shots / f"stage-head-unfocused-{scheme}.png")
        if changed_pixels(with_focus, without) < 40:
            invisible.append(focused["what"])
    assert seen >= 20
    if path != "index.html":
        assert stage_heads >= 3  # the grid's stage headers were among them
    assert invisible == []
    page.context.close()


# -- SVG text contrast --------------------------------------------------------------------

SVG_CONTRAST = """() => {
  function rgb(value) {
    const m = /rgba?\\(([^)]+)\\)/.exec(value || "");
    if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  }
  function luminance(c) {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  }
  function ratio(a, b) {
    const x = luminance(a), y = luminance(b);
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  }
  const SHAPES = ["rect", "path", "circle", "ellipse", "polygon"];
  function backdrop(text, x, y) {
    for (const el of document.elementsFromPoint(x, y)) {
      if (el === text || el.tagName === "text" || el.tagName === "tspan") continue;
      const style = getComputedStyle(el);
      if (SHAPES.includes(el.tagName)) {
        const fill = rgb(style.fill);
        if (fill && fill.a > 0 && style.fillOpacity !== "0") return fill;
        continue;
      }
      const bg = rgb(style.backgroundColor);
      if (bg && bg.a > 0) return bg;
    }
    return rgb(getComputedStyle(document.documentElement).backgroundColor);
  }
  const out = [];
  for (const text of document.querySelectorAll("main svg text")) {
    const box = text.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    text.scrollIntoView({block: "center", inline: "center"});
    const r = text.getBoundingClientRect();
    const fill = rgb(getComputedStyle(text).fill);
    const back = backdrop(text, r.x + r.width / 2, r.y + r.height / 2);
    out.push({text: text.textContent, ratio: ratio(fill, back), size: parseFloat(getComputedStyle(text).fontSize),
              scale: r.height / text.getBBox().height, fill: getComputedStyle(text).fill,
              chart: text.closest("svg").getAttribute("class")});
  }
  return out;
}"""


@pytest.mark.parametrize("scheme", SCHEMES)
def test_svg_text_meets_aa_contrast(browser, base: str, scheme: str, shots: Path) -> None:
    """Every label of every chart (journey graph, funnel, emotion curve) against what is
    painted behind it, as Chromium paints it: at least 4.5:1."""
    page = new_page(browser, scheme)
    poor = []
    counted = 0
    for path in MAPS:
        page.goto(base + path)
        page.wait_for_load_state("load")
        page.locator(".compare-toggle").click() if page.locator(".compare-toggle").count() else None
        for label in page.evaluate(SVG_CONTRAST):
            counted += 1
            if label["ratio"] < 4.5:
                poor.append((path, label["chart"], label["text"], round(label["ratio"], 2), label["fill"]))
        page.locator("section.journey-graph").screenshot(path=str(shots / f"graph-{scheme}-{Path(path).stem}.png"))
        page.locator("section.funnel").screenshot(path=str(shots / f"funnel-{scheme}-{Path(path).stem}.png"))
    assert counted > 50
    assert poor == []
    page.context.close()


# -- landmarks ------------------------------------------------------------------------------

LANDMARKS = """() => {
  const name = el => {
    if (el.getAttribute("aria-label")) return el.getAttribute("aria-label").trim();
    const ids = (el.getAttribute("aria-labelledby") || "").split(/\\s+/).filter(Boolean);
    return ids.map(id => (document.getElementById(id) || {textContent: ""}).textContent.trim()).join(" ");
  };
  const visible = el => !el.closest("[hidden]") && getComputedStyle(el).display !== "none";
  const out = [];
  const add = (role, el) => visible(el) && out.push([role, name(el)]);
  document.querySelectorAll("nav, [role=navigation]").forEach(el => add("navigation", el));
  document.querySelectorAll("[role=search]").forEach(el => add("search", el));
  document.querySelectorAll("aside, [role=complementary]").forEach(el => add("complementary", el));
  document.querySelectorAll("section[aria-label], section[aria-labelledby], [role=region]")
    .forEach(el => add("region", el));
  document.querySelectorAll("form[aria-label], form[aria-labelledby]").forEach(el => {
    if (el.getAttribute("role") !== "search") add("form", el); });
  return out;
}"""


def test_landmarks_of_a_kind_have_their_own_names(browser, www: Path, base: str) -> None:
    page = new_page(browser, "light")
    duplicates = []
    pages = sorted(p.relative_to(www / "cjm").as_posix() for p in (www / "cjm").rglob("*.html"))
    for path in pages:
        if path == "404.html":
            continue
        page.goto(base + path)
        page.wait_for_load_state("load")
        page.locator(".stage-head a").first.click() if page.locator(".stage-head a").count() else None
        seen: dict[tuple[str, str], int] = {}
        for role, name in page.evaluate(LANDMARKS):
            seen[(role, name)] = seen.get((role, name), 0) + 1
        duplicates += [(path, role, name) for (role, name), n in seen.items() if n > 1 or not name]
    assert len(pages) > 30
    assert duplicates == [], "\n".join(map(str, duplicates))
    page.context.close()


# -- print ----------------------------------------------------------------------------------


def test_printing_from_a_dark_system_gives_the_light_print_layout(browser, base: str, shots: Path) -> None:
    page = new_page(browser, "dark")
    page.goto(base + MAPS[0])
    page.wait_for_load_state("load")
    on_screen = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    assert on_screen != "rgb(255, 255, 255)"  # the dark scheme on screen
    page.emulate_media(media="print", color_scheme="dark")
    colours = page.evaluate("""() => ({
        page: getComputedStyle(document.documentElement).backgroundColor,
        text: getComputedStyle(document.documentElement).color,
        header: getComputedStyle(document.querySelector('.site-header')).display,
        svg: [...document.querySelectorAll('main svg text')].map(t => getComputedStyle(t).fill),
        muted: getComputedStyle(document.querySelector('.lead, .muted')).color,
    })""")
    page.screenshot(path=str(shots / "print-from-dark.png"), full_page=True)
    assert colours["page"] == "rgb(255, 255, 255)"
    assert colours["text"] in ("rgb(27, 31, 36)", "rgb(0, 0, 0)")
    assert colours["header"] == "none"
    assert colours["svg"] and "rgb(230, 237, 243)" not in colours["svg"]  # no light-grey dark-scheme labels
    assert colours["muted"] != "rgb(145, 152, 161)"
    page.context.close()


# -- a phone and a laptop -----------------------------------------------------------------

PHONE = {"width": 390, "height": 844}

PHONE_PROBLEMS = """() => {
  const problems = [];
  const width = document.documentElement.clientWidth;
  // chart labels as drawn: font size times the scale the chart is shown at
  for (const text of document.querySelectorAll("main svg text")) {
    const box = text.getBoundingClientRect();
    if (!box.height) continue;
    const svg = text.closest("svg");
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const px = parseFloat(getComputedStyle(text).fontSize) * scale;
    if (px < 11) problems.push(`chart text ${px.toFixed(1)} px: ${text.textContent}`);
  }
  // a table wider than its box must be in a box that scrolls and shows it does
  for (const table of document.querySelectorAll("main table")) {
    if (table.getBoundingClientRect().width <= width) continue;
    const box = table.closest(".table-scroll, .grid-scroll, .glance");
    if (!box) { problems.push(`table wider than the phone, no scroll box: ${table.className}`); continue; }
    const style = getComputedStyle(box);
    if (!/auto|scroll/.test(style.overflowX)) problems.push(`box does not scroll: ${table.className}`);
    if (!/gradient/.test(style.backgroundImage)) problems.push(`no scroll cue: ${table.className}`);
  }
  for (const chart of document.querySelectorAll("main .chart")) {
    if (chart.scrollWidth > chart.clientWidth && !/gradient/.test(getComputedStyle(chart).backgroundImage))
      problems.push("a chart scrolls with no cue");
  }
  // the grid's sticky row names stay inside their column
  for (const th of document.querySelectorAll(".cjm-grid tbody th")) {
    if (th.scrollWidth > th.clientWidth + 1) problems.push(`row name spills out: ${th.textContent.trim()}`);
  }
  return problems;
}"""


@pytest.mark.parametrize("path", ["index.html", MAPS[0], MAPS[1], "channels/index.html", "owners/логистика.html"])
def test_a_phone_reaches_every_column_and_reads_every_chart(browser, base: str, path: str, shots: Path) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=1)
    page = context.new_page()
    response = page.goto(base + path)
    assert response is not None and response.ok, path
    page.wait_for_load_state("load")
    page.screenshot(path=str(shots / f"phone-{path.replace('/', '-')}.png"), full_page=True)
    assert page.evaluate(PHONE_PROBLEMS) == []
    context.close()


def test_a_tapped_stage_column_stands_clear_of_the_row_names(browser, base: str, shots: Path) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=1)
    page = context.new_page()
    page.goto(base + MAPS[0])
    page.wait_for_load_state("load")
    page.evaluate("window.scrollTo(0, document.querySelector('.grid-scroll').getBoundingClientRect().top + scrollY - 80)")
    names = page.locator(".cjm-grid thead th.corner").bounding_box()
    head = page.locator(".cjm-grid thead th.stage-head").nth(2)
    # scroll the grid so that the third stage is half under the sticky row names, then tap it
    page.evaluate("""() => {
      const box = document.querySelector('.grid-scroll');
      const head = document.querySelectorAll('.cjm-grid thead th.stage-head')[2];
      box.scrollLeft = head.offsetLeft - document.querySelector('thead th.corner').offsetWidth + head.offsetWidth / 2;
    }""")
    before = head.bounding_box()
    assert before["x"] < names["x"] + names["width"]  # partly hidden
    page.touchscreen.tap(before["x"] + before["width"] - 10, before["y"] + before["height"] / 2)
    page.wait_for_selector(".stage-focus:not([hidden])")
    after = head.bounding_box()
    assert after["x"] >= names["x"] + names["width"] - 1
    assert after["x"] + after["width"] <= PHONE["width"]
    page.locator(".grid-scroll").screenshot(path=str(shots / "phone-tapped-stage.png"))
    context.close()


def test_the_search_popup_keeps_off_the_phone_edges(browser, base: str, shots: Path) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=1)
    page = context.new_page()
    page.goto(base + "index.html")
    page.locator("#site-search-q").fill("диван")
    popup = page.locator(".search-popup:not([hidden])")
    popup.wait_for()
    box = popup.bounding_box()
    page.screenshot(path=str(shots / "phone-search.png"))
    assert box["x"] >= 8 and box["x"] + box["width"] <= PHONE["width"] - 8
    context.close()


@pytest.mark.parametrize("scheme", SCHEMES)
def test_a_laptop_shows_emotions_funnel_and_kpis_without_scrolling(browser, base: str, scheme: str, shots: Path) -> None:
    """1400×900: the at-a-glance rows (emotion, funnel, KPI status of every stage) are on
    screen as the page opens, outside any box that scrolls."""
    page = new_page(browser, scheme)
    for path in MAPS:
        page.goto(base + path)
        page.wait_for_load_state("load")
        page.screenshot(path=str(shots / f"laptop-{scheme}-{Path(path).stem}.png"))
        for row in (".glance-emotion", ".glance-funnel", ".glance-kpis"):
            box = page.locator(row).bounding_box()
            assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 900, (path, row)
        glance = page.locator(".glance")
        assert glance.evaluate("el => el.scrollWidth <= el.clientWidth && el.scrollHeight <= el.clientHeight")
        stages = page.locator(".cjm-grid thead th.stage-head").count()
        assert page.locator(".glance-emotion td").count() == stages
    page.context.close()
