"""KPI figures as people write them: the number-and-unit reader, statuses, and what check and the page say."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cjmgen.content.figures import INF, Reading, Unreadable, compare, read_figure
from cjmgen.content.project import load_project
from tests.helpers.cli import check_json, run
from tests.helpers.repos import CHANNELS, PERSONA_ANNA, PROJECT, write_files

NBSP, NNBSP, THIN = "\u00a0", "\u202f", "\u2009"

DAY = 1440.0


@pytest.mark.parametrize("text, low, high, kind", [
    ("3 дня", 3 * DAY, 3 * DAY, "time"),
    ("1 день", DAY, DAY, "time"),
    ("5 дней", 5 * DAY, 5 * DAY, "time"),
    ("2 дн.", 2 * DAY, 2 * DAY, "time"),
    ("26 ч", 26 * 60, 26 * 60, "time"),
    ("15 мин", 15, 15, "time"),
    ("2:15", 135, 135, "time"),
    ("3.5 недели", 3.5 * 7 * DAY, 3.5 * 7 * DAY, "time"),
    ("3 days", 3 * DAY, 3 * DAY, "time"),
    ("1 day", DAY, DAY, "time"),
    ("4,8 с", 0.08, 0.08, "time"),
    ("5,5 %", 5.5, 5.5, "%"),
    ("5.5%", 5.5, 5.5, "%"),
    ("−3 %", -3, -3, "%"),
    ("+2 п.п.", 2, 2, "pp"),
    ("2 pp", 2, 2, "pp"),
    (f"29{NBSP}900{NBSP}₽", 29900, 29900, "money:RUB"),
    (f"1{NNBSP}200 руб.", 1200, 1200, "money:RUB"),
    (f"1{THIN}200", 1200, 1200, ""),
    ("1,2 млн ₽", 1.2e6, 1.2e6, "money:RUB"),
    ("900 тыс. руб.", 9e5, 9e5, "money:RUB"),
    ("$1,200", 1200, 1200, "money:USD"),
    ("1,200", 1200, 1200, ""),
    ("0,125", 0.125, 0.125, ""),
    ("90%+", 90, INF, "%"),
    ("<35%", -INF, 35, "%"),
    ("≥ 4,5", 4.5, INF, ""),
    ("не менее 90 %", 90, INF, "%"),
    ("at least 90%", 90, INF, "%"),
    (f"до 60{NBSP}000 ₽", -INF, 60000, "money:RUB"),
    ("up to 3 days", -INF, 3 * DAY, "time"),
    ("от 2 до 3 дней", 2 * DAY, 3 * DAY, "time"),
    ("2–3 дня", 2 * DAY, 3 * DAY, "time"),
    ("2 to 3 days", 2 * DAY, 3 * DAY, "time"),
    ("3 заказа", 3, 3, "unit:заказ"),
    ("5 заказов", 5, 5, "unit:заказ"),
])
def test_reads_figures_as_written(text: str, low: float, high: float, kind: str) -> None:
    reading = read_figure(text)
    assert isinstance(reading, Reading), reading
    assert reading.low == pytest.approx(low) and reading.high == pytest.approx(high) and reading.kind == kind


@pytest.mark.parametrize("text", ["about three", "5 5", "n/a", "—", "", "три дня"])
def test_what_is_no_number_says_so(text: str) -> None:
    assert isinstance(read_figure(text), Unreadable)


@pytest.mark.parametrize("value, target, better, unit, status", [
    ("3 дня", "1 день", "lower", None, "missed"),
    ("3 days", "1 day", "lower", None, "missed"),
    ("1 день", "2 дня", "lower", None, "met"),
    ("26", "2 дня", "lower", "ч", "met"),  # 26 hours are less than two days
    ("2:15", "2 ч", "lower", None, "missed"),
    ("92%", "90%+", "higher", None, "met"),
    ("35%", "<35%", "higher", None, "missed"),  # the bound's direction wins, and `<` is strict
    ("34,9 %", "<35%", "higher", None, "met"),
    ("2,5 дня", "от 2 до 3 дней", "lower", None, "met"),
    ("1,2 млн ₽", "900 тыс. руб.", "higher", None, "met"),
    ("5,5 %", "7", "higher", None, "missed"),  # percentages and plain numbers compare
    ("42", "35", "lower", "RUB", "missed"),
    ("4 заказа", "5 заказов", "higher", None, "missed"),
])
def test_status_of_figures_spelt_differently(value: str, target: str, better: str, unit: str | None, status: str) -> None:
    assert compare(read_figure(value, unit), read_figure(target, unit), better).status == status


@pytest.mark.parametrize("value, target, reason", [
    ("5%", "2 п.п.", "units"),
    ("3 дня", "500 ₽", "units"),
    ("about three", "4", "unreadable"),
    ("от 2 до 4 дней", "3 дня", "straddles"),
])
def test_no_status_has_a_reason(value: str, target: str, reason: str) -> None:
    verdict = compare(read_figure(value), read_figure(target), "lower")
    assert verdict.status == "unknown" and verdict.reason == reason


# --- properties -------------------------------------------------------------------------

TIME_SPELLINGS = {
    60.0: ["ч", "ч.", "час", "часа", "часов", "h", "hours", "hour"],
    1440.0: ["день", "дня", "дней", "дн.", "дн", "day", "days", "d"],
    1.0: ["мин", "мин.", "минута", "минуты", "минут", "min", "minutes"],
}


def ru_number(value: float, decimals: int, space: str) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", space).replace(".", ",").replace("-", "−")


def en_number(value: float, decimals: int, grouping: bool) -> str:
    return f"{value:{',' if grouping else ''}.{decimals}f}"


numbers = st.integers(min_value=-10**7, max_value=10**7).map(lambda n: n / 100)
spaces = st.sampled_from([" ", NBSP, NNBSP, THIN])


@settings(max_examples=300, deadline=None)
@given(numbers, st.sampled_from([0, 1, 2]), spaces, st.sampled_from(["", " ", NBSP]),
       st.sampled_from(sorted(TIME_SPELLINGS)), st.data())
def test_russian_numbers_with_units_read_back(value: float, decimals: int, space: str, gap: str,
                                             factor: float, data: st.DataObject) -> None:
    shown = round(value, decimals)
    unit = data.draw(st.sampled_from(TIME_SPELLINGS[factor]))
    text = f"{ru_number(shown, decimals, space)}{gap or ' '}{unit}"
    reading = read_figure(text)
    assert isinstance(reading, Reading), text
    assert reading.kind == "time" and reading.low == pytest.approx(shown * factor), text


@settings(max_examples=300, deadline=None)
@given(numbers, st.sampled_from([0, 1, 2]), st.booleans(), st.sampled_from(["%", " %", "", " ₽", " руб.", " $"]))
def test_english_and_plain_numbers_read_back(value: float, decimals: int, grouping: bool, unit: str) -> None:
    shown = round(value, decimals)
    text = en_number(shown, decimals, grouping) + unit
    reading = read_figure(text)
    assert isinstance(reading, Reading), text
    assert reading.low == pytest.approx(shown), text


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 500), st.integers(1, 500), st.sampled_from(sorted(TIME_SPELLINGS)),
       st.sampled_from(sorted(TIME_SPELLINGS)), st.sampled_from(["higher", "lower"]), st.data())
def test_status_agrees_with_the_arithmetic(a: int, b: int, unit_a: float, unit_b: float, better: str,
                                           data: st.DataObject) -> None:
    value = f"{a} {data.draw(st.sampled_from(TIME_SPELLINGS[unit_a]))}"
    target = f"{b} {data.draw(st.sampled_from(TIME_SPELLINGS[unit_b]))}"
    verdict = compare(read_figure(value), read_figure(target), better)
    good = a * unit_a <= b * unit_b if better == "lower" else a * unit_a >= b * unit_b
    assert verdict.status == ("met" if good else "missed"), (value, target)


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 400), st.integers(0, 400), st.sampled_from(["от {a} до {b} дней", "{a}–{b} дня", "{a} to {b} days"]))
def test_ranges_read_in_order(a: int, b: int, pattern: str) -> None:
    low, high = sorted((a, b))
    reading = read_figure(pattern.format(a=low, b=high))
    assert isinstance(reading, Reading)
    assert (reading.low, reading.high) == (low * DAY, high * DAY)


# --- the bundled maps, check, the page, the export --------------------------------------


def test_every_kpi_in_the_bundled_maps_has_a_status() -> None:
    project = load_project(PROJECT)
    kpis = [(m.id, k) for m in project.repo.maps for s in m.stages for k in s.kpis]
    assert len(kpis) > 50
    unknown = [(map_id, k.name, k.value, k.target) for map_id, k in kpis if k.status == "unknown"]
    assert unknown == []


MAP = """---
title: Показатели
persona: anna
reviewed: 2026-10-01
stages:
  - name: Поиск
    kpis:
      - {name: Конверсия, value: 5,5 %, target: 7%}
      - {name: Срок ответа, value: 3 дня, target: 1 день, better: lower}
      - {name: Оценка, value: около трёх, target: 4}
      - {name: Доля, value: 5%, target: 2 п.п.}
      - {name: Без цели, value: 10}
---
"""


@pytest.fixture
def kpi_repo(tmp_path: Path) -> Path:
    return write_files(tmp_path / "repo", {
        "cjmgen.yml": "title: Т\nlanguage: ru\n",
        "maps/personas/anna.md": PERSONA_ANNA,
        "maps/channels.yml": CHANNELS,
        "maps/kpi.md": MAP,
    })


def test_check_says_why_a_kpi_has_no_status_and_hints_at_quoting(kpi_repo: Path) -> None:
    found = check_json(kpi_repo)["diagnostics"]
    by_code: dict[str, list[dict]] = {}
    for d in found:
        by_code.setdefault(d["code"], []).append(d)
    (split,) = by_code["kpi-value-split"]
    assert split["line"] == 8 and "'5,5 %'" in split["hint"] and split["severity"] == "warning"
    assert "unknown-key" not in by_code  # the stray `5 %` key is explained, not reported twice
    no_status = {d["line"]: d for d in by_code["kpi-no-status"]}
    assert set(no_status) == {10, 11}  # the unreadable figure and the units that do not compare
    assert "около трёх" in no_status[10]["message"] and no_status[10]["hint"]
    assert "п.п." in no_status[11]["message"] and "% and п.п. do not" in no_status[11]["hint"]


def test_export_keeps_the_rejoined_value_and_the_reason(kpi_repo: Path) -> None:
    result = run(["export", "--format", "json", "kpi"], kpi_repo)
    assert result.exit_code == 0, result.output
    kpis = json.loads(result.stdout)["maps"][0]["stages"][0]["kpis"] if "maps" in json.loads(result.stdout) \
        else json.loads(result.stdout)["stages"][0]["kpis"]
    by_name = {k["name"]: k for k in kpis}
    assert by_name["Конверсия"]["value"]["raw"] == "5,5 %" and by_name["Конверсия"]["status"] == "missed"
    assert by_name["Срок ответа"]["status"] == "missed"
    assert by_name["Оценка"]["status"] == "unknown" and by_name["Оценка"]["status_reason"] == "unreadable"
    assert by_name["Без цели"]["status_reason"] == "no_target"


def test_page_shows_no_status_with_its_reason_and_counts_of_all(kpi_repo: Path) -> None:
    result = run(["build", "--no-pdf"], kpi_repo)
    assert result.exit_code == 0, result.output
    page = (kpi_repo / "site/maps/kpi.html").read_text(encoding="utf-8")
    assert "без статуса: «около трёх» — не число" in page
    assert "без статуса: значение и цель в разных единицах" in page
    assert "без статуса: цель не задана" in page
    assert "0 из 5" in page and "без статуса: 3" in page
