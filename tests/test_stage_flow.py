"""Phases over the stages, a time per stage and labelled transitions (issue 22): read and
checked at file:line:column, drawn on the map page, the journey graph and the PDF, exported,
diffed, described by the JSON Schema; a map that uses none of them renders as before."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
import yaml

from cjmgen import charts
from cjmgen.content.jsonschema import map_schema
from cjmgen.content.project import load_project
from cjmgen.i18n.catalog import load_catalog
from cjmgen.i18n.labels import Locale
from tests.helpers.cli import run
from tests.helpers.git_repos import commit, init
from tests.helpers.repos import complete_stage

NS = "{http://www.w3.org/2000/svg}"

PHASES = (
    "phases:\n"
    "  - {name: Поиск, from: awareness, to: evaluation}\n"
    "  - {name: Покупка, stages: [deal]}\n"
)
STAGES = (
    complete_stage("Осведомлённость", "awareness", 1000, 1,
                   "    time: 2 недели\n    next: [evaluation, {to: deal, label: сразу в магазин}]")
    + complete_stage("Оценка", "evaluation", 300, 0,
                     '    time: "Day 3"\n'
                     "    next: [{to: deal, label: выбрала диван}, {to: awareness, label: вернулась к поиску}]")
    + complete_stage("Сделка", "deal", 50, 1, "    time: 15 мин")
    + complete_stage("Опыт", "experience", 40, 2)
)


def sofa(phases: str = PHASES, stages: str = STAGES) -> str:
    return f"---\ntitle: Покупка дивана\npersona: anna\nreviewed: 2026-10-01\n{phases}stages:\n{stages}---\n"


@pytest.fixture
def repo(make_repo) -> Path:
    return make_repo({"cjmgen.yml": "title: Карты\nlanguage: ru\n", "maps/sofa.md": sofa()})


def the_map(root: Path):
    (journey_map,) = load_project(root).repo.maps
    return journey_map


# --- reading -----------------------------------------------------------------------------


def test_phases_times_and_labels_are_read_into_the_model(repo: Path) -> None:
    journey_map = the_map(repo)
    assert [(p.name, p.stages) for p in journey_map.phases] == [
        ("Поиск", ("awareness", "evaluation")), ("Покупка", ("deal",))]
    assert [s.time for s in journey_map.stages] == ["2 недели", "Day 3", "15 мин", None]
    evaluation = journey_map.stages[1]
    assert evaluation.next == ("deal", "awareness")  # the graph and the funnel see plain ids
    assert evaluation.next_label("deal") == "выбрала диван"
    assert journey_map.stages[0].next_labels == (("deal", "сразу в магазин"),)
    assert run(["check"], repo).exit_code == 0


BAD_PHASES = (
    "phases:\n"
    "  - {name: Разрыв, stages: [awareness, deal]}\n"  # line 6: evaluation is missing between them
    "  - {name: Нет такого, from: awarenes}\n"  # line 7
    "  - {name: Наоборот, from: deal, to: evaluation}\n"  # line 8
    "  - {name: Оба, stages: [deal], from: deal}\n"  # line 9
    "  - {name: Первая, from: evaluation, to: deal}\n"  # line 10
    "  - {name: Вторая, stages: [deal, experience]}\n"  # line 11: deal is in Первая already
    "  - {stages: [experience]}\n"  # line 12: no name
)


def test_check_reports_every_phase_problem_at_its_place(make_repo) -> None:
    root = make_repo({"maps/sofa.md": sofa(BAD_PHASES)})
    result = run(["check", "--format", "json"], root)
    assert result.exit_code == 1
    found = [(d["code"], d["line"], d["column"], d["message"]) for d in json.loads(result.stdout)["diagnostics"]
             if d["severity"] == "error"]
    assert found == [
        ("phase", 6, 40, ("phase 'Разрыв': its stages must follow one another in the map, "
                         "but 'deal' does not come right after 'awareness'")),
        ("stage-ref", 7, 30, "phase names unknown stage 'awarenes' (did you mean 'awareness'?)"),
        ("phase", 8, 38, "phase 'Наоборот': 'to' (evaluation) comes before 'from' (deal) in the map"),
        ("phase", 9, 5, "a phase gives either 'stages' or 'from'/'to', not both"),
        ("phase", 11, 5, "phase 'Вторая': stage 'deal' is already in phase 'Первая'"),
        ("missing-field", 12, 5, "a phase is missing the required field 'name'"),
    ]


def test_a_next_entry_needs_its_target_and_knows_its_keys(make_repo) -> None:
    stages = STAGES.replace("{to: deal, label: выбрала диван}", "{label: выбрала диван, tо: deal}")
    root = make_repo({"maps/sofa.md": sofa("", stages)})
    diagnostics = json.loads(run(["check", "--format", "json"], root).stdout)["diagnostics"]
    said = {(d["code"], d["message"]) for d in diagnostics}
    assert ("missing-field", "a 'next' entry is missing the required field 'to'") in said
    assert any(code == "unknown-key" and "'tо' in a 'next' entry" in message for code, message in said)


# --- the map page and the journey graph ------------------------------------------------------


def test_the_map_page_draws_the_band_over_the_stage_names_and_each_time_under_its_name(repo: Path) -> None:
    assert run(["build", "--no-pdf"], repo).exit_code == 0
    page = (repo / "site/maps/sofa.html").read_text(encoding="utf-8")
    band = re.search(r'<tr class="phase-band">(.*?)</tr>', page, re.DOTALL)
    assert band is not None
    cells = re.findall(r'<th scope="colgroup" colspan="(\d)" class="([^"]+)">([^<]*)</th>', band[1])
    assert cells == [("2", "phase", "Поиск"), ("1", "phase", "Покупка"), ("1", "phase phase-none", "")]
    assert '<th scope="row" class="phase-corner">Фазы</th>' in band[1]
    heads = re.findall(r'<th scope="col" class="stage-head".*?</th>', page, re.DOTALL)
    assert ['<span class="stage-time">' in h for h in heads] == [True, True, True, False]
    assert "Осведомлённость</a> <span class=\"stage-time\">2 недели</span>" in heads[0]


def graph(journey_map) -> ET.Element:
    return ET.fromstring(charts.journey_graph(journey_map, Locale("ru")))


def texts(root: ET.Element, css: str) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{NS}text") if css in t.get("class", "").split()]


def test_the_journey_graph_labels_its_arrows_and_gives_each_stage_its_time(repo: Path) -> None:
    svg = graph(the_map(repo))
    # a jump above, an arrow to the following stage, a loop below: each with its label
    assert sorted(texts(svg, "graph-edge-label")) == ["выбрала диван", "сразу в магазин"]
    assert texts(svg, "graph-loop-label") == ["вернулась к поиску"]
    assert texts(svg, "graph-time") == ["2 недели", "Day 3", "15 мин"]
    desc = svg.find(f"{NS}desc")
    assert desc is not None and desc.text is not None
    assert "Оценка → Сделка: выбрала диван" in desc.text
    assert "Оценка → Осведомлённость (возврат): вернулась к поиску" in desc.text
    tips = {g.get("data-source", "") + ">" + g.get("data-target", ""): "".join(g.findall(f"{NS}title")[0].itertext())
            for g in svg.iter(f"{NS}g") if "graph-edge" in g.get("class", "")}
    assert tips["awareness>deal"] == "Осведомлённость → Сделка: сразу в магазин"
    # every label lies inside the drawing
    height, width = float(svg.get("height", "0")), float(svg.get("width", "0"))
    for text in svg.iter(f"{NS}text"):
        assert 0 < float(text.get("y", "0")) <= height and 0 < float(text.get("x", "0")) < width


def test_unlabelled_entries_and_no_phases_render_as_plain_ids_always_did(make_repo) -> None:
    plain = STAGES.replace("{to: deal, label: сразу в магазин}", "deal").replace(
        "{to: deal, label: выбрала диван}, {to: awareness, label: вернулась к поиску}", "deal, awareness")
    plain = re.sub(r"    time: .*\n", "", plain)
    mapped = plain.replace("next: [evaluation, deal]", "next: [{to: evaluation}, {to: deal}]")
    assert mapped != plain
    pages = []
    for name, stages in (("plain", plain), ("mapped", mapped)):
        root = make_repo({"maps/sofa.md": sofa("", stages)}, name=name)
        assert run(["build", "--no-pdf"], root).exit_code == 0
        pages.append((root / "site/maps/sofa.html").read_bytes())
    assert pages[0] == pages[1]
    assert b"phase-band" not in pages[0] and b"stage-time" not in pages[0] and b"graph-edge-label" not in pages[0]


# --- the PDF ------------------------------------------------------------------------------------


def pdftext(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(out.split())


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_pdf_sheet_and_the_handout_print_the_band_the_times_and_the_labels(
        repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert run(["pdf", "sofa", "-o", "sheet.pdf"], repo).exit_code == 0
    assert run(["pdf", "--handout", "-o", "handout.pdf"], repo).exit_code == 0
    for name in ("sheet.pdf", "handout.pdf"):
        text = pdftext(tmp_path / name)
        assert "Фазы Поиск Покупка" in text, name
        for shown in ("2 недели", "Day 3", "15 мин", "выбрала диван", "сразу в магазин", "вернулась к поиску"):
            assert shown in text, (name, shown)


# --- export, diff, schema ----------------------------------------------------------------------------


def test_the_json_export_has_phases_times_and_transitions_only_where_a_map_has_them(
        repo: Path, make_repo) -> None:
    (exported,) = json.loads(run(["export", "--format", "json"], repo).stdout)["maps"]
    assert exported["phases"] == [{"name": "Поиск", "stages": ["awareness", "evaluation"]},
                                  {"name": "Покупка", "stages": ["deal"]}]
    evaluation = exported["stages"][1]
    assert evaluation["next"] == ["deal", "awareness"] and evaluation["time"] == "Day 3"
    assert evaluation["transitions"] == [{"to": "deal", "label": "выбрала диван"},
                                         {"to": "awareness", "label": "вернулась к поиску"}]
    assert "time" not in exported["stages"][3] and "transitions" not in exported["stages"][3]
    bare = make_repo({"maps/sofa.md": sofa("", complete_stage("A", "a") + complete_stage("B", "b"))}, name="bare")
    (plain,) = json.loads(run(["export", "--format", "json"], bare).stdout)["maps"]
    assert "phases" not in plain and all("time" not in s and "transitions" not in s for s in plain["stages"])


def test_the_diff_says_what_changed_in_phases_times_and_labels(tmp_path: Path) -> None:
    root = init(tmp_path / "repo", {
        "cjmgen.yml": "language: ru\n", "maps/personas/anna.md": "---\nname: Анна\n---\n",
        "maps/channels.yml": "website: {name: Сайт, kind: online}\n", "maps/sofa.md": sofa(),
    })
    commit(root, "Start", "2026-01-10T10:00:00+00:00")
    changed = (sofa()
               .replace("{name: Покупка, stages: [deal]}", "{name: Покупка, from: deal, to: experience}")
               .replace("time: 15 мин", "time: 20 мин")
               .replace("label: выбрала диван", "label: оплатила онлайн")
               .replace("{to: deal, label: сразу в магазин}", "deal"))
    (root / "maps/sofa.md").write_text(changed, encoding="utf-8")
    report = json.loads(run(["diff", "HEAD", "--format", "json"], root).stdout)
    changes = {(c["code"], c["stage"]): c for m in report["maps"] for c in m["changes"]}
    assert changes[("phases-changed", None)]["new"][1] == {"name": "Покупка", "stages": ["deal", "experience"]}
    assert changes[("time-changed", "deal")]["old"] == "15 мин" and changes[("time-changed", "deal")]["new"] == "20 мин"
    label = changes[("transition-label-changed", "evaluation")]
    assert (label["old"], label["new"]) == ({"to": "deal", "label": "выбрала диван"},
                                           {"to": "deal", "label": "оплатила онлайн"})
    assert changes[("transition-label-changed", "awareness")]["new"] == {"to": "deal", "label": None}
    markdown = run(["diff", "HEAD", "--format", "markdown"], root).stdout
    for said in ("переход «Оценка» → «Сделка» теперь подписан: «оплатила онлайн» (было: «выбрала диван»)",
                 "у перехода «Осведомлённость» → «Сделка» больше нет подписи (было: «сразу в магазин»)",
                 "время этапа «Сделка»: 15 мин → 20 мин",
                 ("фазы: Поиск (Осведомлённость – Оценка), Покупка (Сделка) → "
                 "Поиск (Осведомлённость – Оценка), Покупка (Сделка – Опыт)")):
        assert said in markdown, said


def test_every_phrase_of_these_changes_is_in_both_catalogs() -> None:
    keys = {"time-changed", "phases-changed",
            *(f"transition-label.{how}" for how in ("added", "changed", "removed"))}
    for language in ("en", "ru"):
        assert keys <= load_catalog(language).phrases.keys(), language


def test_the_json_schema_takes_the_new_forms_and_rejects_a_phase_without_stages(repo: Path) -> None:
    text = (repo / "maps/sofa.md").read_text(encoding="utf-8")
    frontmatter = yaml.safe_load(text.split("---\n")[1])
    frontmatter["reviewed"] = str(frontmatter["reviewed"])
    schema = map_schema()
    jsonschema.validate(frontmatter, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**frontmatter, "phases": [{"name": "Без этапов"}]}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**frontmatter, "stages": [{"name": "A", "next": [{"label": "без цели"}]}]}, schema)
