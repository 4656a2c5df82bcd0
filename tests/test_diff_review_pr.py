"""`cjmgen diff` on a realistic multi-commit pull request (tests/helpers/review_pr.py): every consequence a
reviewer must know, in the text, Markdown and JSON a reviewer and a tool read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.cli import run
from tests.helpers.review_pr import make_pull_request


@pytest.fixture(scope="module")
def pull_request(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_pull_request(tmp_path_factory.mktemp("pr"))


@pytest.fixture(scope="module")
def outputs(pull_request: Path) -> dict[str, str]:
    found = {}
    for fmt in ("text", "markdown", "json", "html"):
        result = run(["diff", "main", "feature", "--format", fmt], pull_request)
        assert result.exit_code == 0, result.output
        found[fmt] = result.stdout
    return found


def changes(outputs: dict[str, str], map_id: str, code: str) -> list[dict]:
    report = json.loads(outputs["json"])
    entry = next(m for m in report["maps"] if m["id"] == map_id)
    return [c for c in entry["changes"] if c["code"] == code]


SOFA, CHAIRS = "b2c/sofa-search", "en/chairs-for-teams"


def test_reordering_names_the_rewired_stages_and_the_lost_conversion(outputs: dict[str, str]) -> None:
    text, markdown = outputs["text"], outputs["markdown"]
    assert ("~ stage Осведомлённость now leads to Визит в шоурум (was Оценка и выбор) — the stage after it in the "
            "list, as it names no next [next-changed]") in text
    assert ("этап «Оценка и выбор» теперь ведёт на «Сделка» (было: «Визит в шоурум») — следующий по списку, "
            "так как next у него не задан `next-changed`") in markdown
    [rewired] = [c for c in changes(outputs, SOFA, "next-changed") if c["stage"] == "awareness"]
    assert (rewired["old"], rewired["new"], rewired["severity"]) == (["evaluation"], ["showroom"], "info")

    assert ("warning: conversion from Осведомлённость 23.44% is no longer computed (now into Визит в шоурум, "
            "was into Оценка и выбор) [conversion-lost]") in text
    assert ("⚠️ **предупреждение** конверсия с этапа «Осведомлённость» (23,44 %) больше не рассчитывается "
            "(теперь на «Визит в шоурум», было на «Оценка и выбор») `conversion-lost`") in markdown
    [lost] = changes(outputs, SOFA, "conversion-lost")
    assert (lost["severity"], lost["stage"], lost["old"], lost["new"]) == ("warning", "awareness", 0.2344, None)
    [gained] = changes(outputs, SOFA, "conversion-added")
    assert (gained["stage"], gained["new"]) == ("evaluation", round(500 / 2344, 6))
    assert "+ conversion from Оценка и выбор is now 21.33% (now into Сделка, was into Визит в шоурум)" in text


def test_a_stage_id_renamed_without_its_heading_detaches_its_notes(outputs: dict[str, str]) -> None:
    [detached] = changes(outputs, SOFA, "notes-detached")
    assert (detached["severity"], detached["stage"], detached["old"]) == ("warning", "purchase", "deal")
    assert ('warning: notes under heading "## deal" no longer belong to stage Сделка: no stage has this name or id '
            "now, so the site shows them with the map's text [notes-detached]") in outputs["text"]
    assert "заметки под заголовком «\\#\\# deal» больше не относятся к этапу «Сделка»" in outputs["markdown"]


def test_a_new_loop_is_called_a_loop(outputs: dict[str, str]) -> None:
    [loop] = changes(outputs, CHAIRS, "loop-added")
    assert (loop["stage"], loop["new"]) == ("approval", ["approval", "compare"])
    assert "+ new loop: from Approval back to Compare [loop-added]" in outputs["text"]
    assert "новая петля: с этапа «Approval» назад на «Compare» `loop-added`" in outputs["markdown"]
    assert not changes(outputs, CHAIRS, "next-changed")  # it still leads forward to Order


def test_a_renamed_or_moved_map_says_its_page_moves(outputs: dict[str, str]) -> None:
    [moved] = changes(outputs, SOFA, "url-changed")
    assert (moved["severity"], moved["old"], moved["new"]) == (
        "warning", "/cjm/maps/mobile/sofa-search.html", "/cjm/maps/b2c/sofa-search.html")
    [renamed] = changes(outputs, CHAIRS, "url-changed")
    assert renamed["new"] == "/cjm/maps/en/chairs-for-teams.html"
    assert ("warning: the map's page moves: /cjm/maps/en/office-chairs.html -> /cjm/maps/en/chairs-for-teams.html; "
            "bookmarks and links to the old address break [url-changed]") in outputs["text"]
    assert ("страница карты переезжает: /cjm/maps/mobile/sofa-search.html → /cjm/maps/b2c/sofa-search.html; "
            "закладки и ссылки на старый адрес перестанут работать") in outputs["markdown"]


def test_kpi_edits_in_the_english_map(outputs: dict[str, str]) -> None:
    assert "~ KPI 'Days to decide' in stage Compare 12 -> 9 (target 7) [kpi-improved]" in outputs["text"]
    assert "~ warning: KPI 'Quote acceptance' in stage Approval 40% -> 35% (target 50%) [kpi-regressed]" in outputs["text"]


def test_prose_edits_show_the_section_and_the_changed_words(outputs: dict[str, str]) -> None:
    text, markdown, html = outputs["text"], outputs["markdown"], outputs["html"]
    assert ("~ notes on stage Сделка edited: Доставка занимает [-пять-]{+три+} рабочих [-дней,-]{+дня,+} и клиентка "
            "[-сомневается,-]{+уверена,+} успеет ли к переезду. [body-changed]") in text
    assert ("заметки к этапу «Сделка» — правка: Доставка занимает ~~пять~~ **три** рабочих ~~дней,~~ **дня,** "
            "и клиентка ~~сомневается,~~ **уверена,** успеет ли к переезду. `body-changed`") in markdown
    assert ("~ the map's notes edited: Boris equips a new office of [-twelve-]{+twenty+} people and must stay "
            "within the …") in text
    assert "{+orders+} a sample [-chair.-]{+chair from the two cheapest.+}" in text
    assert "заметки к этапу «Сделка» — правка: Доставка занимает <del>пять</del> <ins>три</ins>" in html
    [sofa_notes] = changes(outputs, SOFA, "body-changed")
    assert sofa_notes["stage"] == "purchase"
    assert "пять рабочих дней" in sofa_notes["old"] and "три рабочих дня" in sofa_notes["new"]
    chairs_notes = changes(outputs, CHAIRS, "body-changed")
    assert [c["stage"] for c in chairs_notes] == [None, "compare"]
    assert "lines" not in text and "строк" not in markdown


def test_a_reference_the_move_breaks_is_an_error_as_check_gives_it(pull_request: Path,
                                                                   outputs: dict[str, str]) -> None:
    report = json.loads(outputs["json"])
    affected = next(m for m in report["maps"] if m["id"] == "desktop/sofa-ads")
    assert (affected["status"], affected["old_path"], affected["new_path"]) == (
        "affected", "maps/desktop/sofa-ads.md", "maps/desktop/sofa-ads.md")
    [broken] = affected["changes"]
    assert (broken["code"], broken["severity"], broken["field"], broken["new"]) == (
        "check-error", "error", "map-ref", "maps/desktop/sofa-ads.md:5:10")
    assert report["summary"]["highest"] == "error" and report["summary"]["maps"]["affected"] == 1
    assert ("! map desktop/sofa-ads \"Покупка дивана с компьютера\" (maps/desktop/sofa-ads.md)\n"
            "    ! error: check now reports at maps/desktop/sofa-ads.md:5:10: unknown related map 'mobile/sofa-search' "
            "(did you mean 'b2c/sofa-search'?) [map-ref]; that map, Покупка дивана со смартфона, is now "
            "b2c/sofa-search [check-error]") in outputs["text"]
    assert "❌ **ошибка** cjmgen check теперь сообщает (maps/desktop/sofa-ads.md:5:10)" in outputs["markdown"]
    # the same as `cjmgen check` says on the branch
    check = run(["check", "--format", "json"], pull_request)
    assert check.exit_code == 1
    assert [(d["code"], d["path"], d["line"]) for d in json.loads(check.stdout)["diagnostics"]
            if d["severity"] == "error"] == [("map-ref", "maps/desktop/sofa-ads.md", 5)]
    assert run(["diff", "main", "feature", "--fail-on", "error"], pull_request).exit_code == 1


def test_personas_are_named_as_the_site_names_them(outputs: dict[str, str]) -> None:
    [persona] = changes(outputs, SOFA, "persona-changed")
    assert (persona["old"], persona["new"]) == ("sergey", "anna")
    assert "~ warning: persona: Сергей, 42 -> Анна, 32 [persona-changed]" in outputs["text"]
    assert "персона: Сергей, 42 → Анна, 32" in outputs["markdown"]
    assert "sergey" not in outputs["markdown"]


def test_touchpoints_by_the_channel_names_of_the_catalog(outputs: dict[str, str]) -> None:
    [added] = changes(outputs, SOFA, "touchpoint-added")
    assert (added["stage"], added["new"]) == ("showroom", "Шоурум")
    assert "+ touchpoint added in stage Визит в шоурум: Шоурум [touchpoint-added]" in outputs["text"]
    assert "добавлена точка контакта на этапе «Визит в шоурум»: Шоурум" in outputs["markdown"]


def test_the_html_page_marks_words_and_lists_the_affected_map_without_a_grid(outputs: dict[str, str]) -> None:
    html = outputs["html"]
    assert '<span class="badge diff-badge diff-affected">затронута</span>' in html
    affected = html.split('data-status="affected"')[1].split("</section>")[0]
    assert "diff-grid" not in affected and "<svg" not in affected
    assert 'data-code="check-error"' in affected and "unknown related map &#39;mobile/sofa-search&#39;" in affected
    assert "затронута 1" in html.split("</p>")[0]


def test_related_maps_by_their_titles(outputs: dict[str, str]) -> None:
    [related] = changes(outputs, CHAIRS, "related-changed")
    assert (related["old"], related["new"]) == ([], ["desktop/sofa-ads"])
    assert "~ related: none -> Покупка дивана с компьютера [related-changed]" in outputs["text"]
    assert "связанные карты: нет → Покупка дивана с компьютера" in outputs["markdown"]
