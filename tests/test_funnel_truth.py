"""Funnel numbers that tell the truth: contradictions in words wherever the number appears,
a chart legible over four orders of magnitude, one rounding everywhere, and a level for
`conversion-mismatch` from cjmgen.yml."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest

from cjmgen import charts
from cjmgen.content.project import load_project
from cjmgen.i18n.labels import Locale
from tests.helpers.cli import check_json, run
from tests.helpers.repos import PERSONA_ANNA, write_files

MISMATCH_RU = "не сходится с численностью"

FUNNEL_MAP = """---
title: Воронка дивана
persona: anna
reviewed: 2026-10-01
stages:
  - {id: search, name: Поиск, count: 96000, conversion: 6%}
  - {id: card, name: Карточка, count: 4800}
  - {id: cart, name: Корзина, count: 192}
  - {id: order, name: Заказ, count: 144}
  - {id: delivery, name: Доставка, count: 36}
---
"""


def funnel_repo(root: Path, config: str = "") -> Path:
    return write_files(root, {
        "cjmgen.yml": "title: Т\nlanguage: ru\n" + config,
        "maps/personas/anna.md": PERSONA_ANNA,
        "maps/funnel.md": FUNNEL_MAP,
    })


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = funnel_repo(tmp_path_factory.mktemp("funnel") / "repo")
    result = run(["build", "--no-pdf"], root)
    assert result.exit_code == 0, result.output
    return root / "site"


def text_of(html: str) -> str:
    """The page's text without tags and scripts: what a reader without JavaScript sees."""
    html = re.sub(r"<script\b.*?</script>", " ", html, flags=re.DOTALL)
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("\u00a0", " ").replace("\u202f", " ").split())


def section(html: str, start: str, end: str) -> str:
    at = html.index(start)
    return html[at:html.index(end, at)]


def test_a_contradiction_is_in_words_in_the_grid_table_chart_and_index(site: Path) -> None:
    page = (site / "maps/funnel.html").read_text(encoding="utf-8")
    grid_row = section(page, 'class="lane lane-funnel"', "</tr>")
    assert MISMATCH_RU in text_of(grid_row) and "заявлено 6 %" in text_of(grid_row)
    table = section(page, '<table class="funnel-table"', "</table>")
    assert f"заявлено 6 %: {MISMATCH_RU}" in text_of(table)
    chart = section(page, '<svg xmlns="http://www.w3.org/2000/svg" class="cjm-chart funnel"', "</svg>")
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", chart, re.DOTALL)
    assert desc and MISMATCH_RU in desc.group(1)  # the text alternative says it too
    assert MISMATCH_RU in text_of(chart.split("</desc>", 1)[1])  # and the drawn text
    assert MISMATCH_RU in text_of(section(page, '<section class="figures"', "</section>"))
    index = (site / "index.html").read_text(encoding="utf-8")
    assert f"заявленная конверсия {MISMATCH_RU}: Поиск" in text_of(index)


def test_a_consistent_funnel_says_nothing_of_the_kind(tmp_path: Path) -> None:
    root = funnel_repo(tmp_path / "repo")
    (root / "maps/funnel.md").write_text(FUNNEL_MAP.replace("conversion: 6%", "conversion: 5%"), encoding="utf-8")
    assert run(["build", "--no-pdf"], root).exit_code == 0
    page = text_of((root / "site/maps/funnel.html").read_text(encoding="utf-8"))
    assert "не сходится" not in page and "(заявлено 5 %)" in page


def test_one_rounding_for_a_rate_on_every_page(site: Path) -> None:
    page = text_of((site / "maps/funnel.html").read_text(encoding="utf-8"))
    index = text_of((site / "index.html").read_text(encoding="utf-8"))
    overall = Locale("ru").rate(36 / 96000).replace("\u00a0", " ")
    assert overall == "0,037 %"  # three decimals below 0.1 %, never "0,04 %" here and "0,037 %" there
    assert page.count(overall) >= 3  # the figure box, the chart (and its text alternative), the table's total
    assert overall in index
    assert "0,04 %" not in page


def test_conversion_mismatch_can_be_made_an_error(tmp_path: Path) -> None:
    root = funnel_repo(tmp_path / "repo", "validation: {conversion-mismatch: error}\n")
    found = check_json(root)
    (mismatch,) = [d for d in found["diagnostics"] if d["code"] == "conversion-mismatch"]
    assert mismatch["severity"] == "error" and mismatch["line"] == 6 and mismatch["hint"]
    assert run(["check"], root).exit_code == 1
    result = run(["build", "--no-pdf"], root)
    assert result.exit_code == 1 and not (root / "site/index.html").exists()


def bar_widths(svg: str) -> list[float]:
    root = ElementTree.fromstring(svg)
    return [float(r.get("width", "nan")) for r in root.iter("{http://www.w3.org/2000/svg}rect")
            if r.get("class") == "funnel-bar"]


def test_four_orders_of_magnitude_stay_legible_on_a_log_scale(tmp_path: Path) -> None:
    root = funnel_repo(tmp_path / "repo")
    project = load_project(root)
    (funnel_map,) = project.repo.maps
    svg = charts.funnel_chart(funnel_map, Locale("ru"))
    widths = bar_widths(svg)
    assert len(widths) == 5
    assert all(a > b for a, b in itertools.pairwise(widths)), widths  # order kept, every bar distinct
    assert min(widths) >= 0.15 * max(widths), widths  # no sliver: the smallest is a real bar
    assert all(a - b >= 5 for a, b in itertools.pairwise(widths)), widths  # 192 and 144 still differ
    assert "логарифмической шкале" in svg  # said on the chart and in its text alternative
    for count in ("96 000", "4 800", "192", "144", "36"):  # every bar carries its number
        assert count in svg.replace("\u202f", " ")


def test_a_funnel_within_fifty_times_stays_to_scale() -> None:
    from tests.test_charts import funnel_map  # (1000 -> 50: a plain, proportional chart)

    svg = charts.funnel_chart(funnel_map(1000, 50), Locale("en"))
    wide, narrow = bar_widths(svg)
    assert narrow / wide == pytest.approx(0.05, abs=0.01)
    assert "logarithmic" not in svg
