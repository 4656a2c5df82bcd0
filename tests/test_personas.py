"""Several personas on one map: the reader, `check`, the two-curve chart in HTML and PDF,
persona pages, the diff and the export."""

from __future__ import annotations

import colorsys
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cjmgen.charts import PERSONA_COLOURS, contrast_ratio, emotion_curve
from cjmgen.charts.emotion import PERSONA_DASHES, PERSONA_MARKERS
from cjmgen.config import SiteConfig
from cjmgen.content.model import Map
from cjmgen.content.repository import parse_file
from cjmgen.i18n.labels import Locale
from cjmgen.interchange.export import map_dict
from cjmgen.interchange.mermaid import map_to_mermaid
from cjmgen.review.diff import diff_map
from tests.helpers.cli import check_json, run

#: The chart's backgrounds: the pale positive and negative bands, and the page.
BACKGROUNDS = ("#eafaf1", "#fdedec", "#ffffff")

ANNA = "---\nname: Анна, 29\n---\n"
SERGEY = "---\nname: Сергей, 42\n---\n"


def two_persona_map(header: str = "", first: str = "{anna: 1, sergey: -1}") -> str:
    return (
        "---\n"
        "title: Покупка в шоуруме\n"
        "personas: [anna, sergey]\n"
        "reviewed: 2026-10-01\n"
        f"{header}"
        "stages:\n"
        "  - id: visit\n"
        "    name: Визит\n"
        f"    emotion: {first}\n"
        "    thoughts:\n"
        "      - {text: Где бы посидеть на диване, persona: anna}\n"
        "      - {text: Из чего сделан каркас, persona: sergey}\n"
        "  - id: deal\n"
        "    name: Сделка\n"
        "    emotion: {anna: 0, sergey: -2}\n"
        "  - id: delivery\n"
        "    name: Доставка\n"
        "    emotion: 2\n"
        "---\n"
    )


def read_map(text: str, tmp_path: Path, site: str = "") -> tuple[Map | None, list[str]]:
    config = SiteConfig(tmp_path)
    if site:
        from cjmgen.config import load_config
        from cjmgen.diagnostics import Diagnostics

        (tmp_path / "cjmgen.yml").write_text(site, encoding="utf-8")
        config = load_config(tmp_path, Diagnostics())
    parsed = parse_file("maps/two.md", text.encode(), config)
    assert parsed is not None
    value = parsed.value
    assert value is None or isinstance(value, Map)
    problems = [f"{d.location.line}:{d.location.column} {d.code} {d.message}"
                for d in parsed.diagnostics if d.location is not None]
    return value, problems


def repo(make_repo, text: str | None = None) -> Path:
    return make_repo({
        "maps/personas/anna.md": ANNA, "maps/personas/sergey.md": SERGEY,
        "maps/showroom.md": text or two_persona_map(), "cjmgen.yml": "language: ru\n",
    })


# --- the model ---------------------------------------------------------------------------------


def test_a_map_reads_several_personas_and_an_emotion_per_persona(tmp_path: Path) -> None:
    journey_map, problems = read_map(two_persona_map(), tmp_path)
    assert problems == []
    assert journey_map is not None
    assert journey_map.personas == ("anna", "sergey")
    assert journey_map.persona == "anna"  # the first: every one-persona consumer reads it
    assert journey_map.persona_ids == ("anna", "sergey")
    visit, deal, delivery = journey_map.stages
    assert visit.emotions == (("anna", 1), ("sergey", -1))
    assert visit.emotion == 1  # the first persona's
    assert [deal.felt_by("anna"), deal.felt_by("sergey")] == [0, -2]
    assert [delivery.felt_by("anna"), delivery.felt_by("sergey")] == [2, 2]  # one value: everyone's
    assert [(i.text, i.persona) for i in visit.thoughts] == [
        ("Где бы посидеть на диване", "anna"), ("Из чего сделан каркас", "sergey")]


def test_the_persona_form_stays_as_it_was(tmp_path: Path) -> None:
    text = two_persona_map().replace("personas: [anna, sergey]", "persona: anna")
    text = text.replace("{anna: 1, sergey: -1}", "1").replace("{anna: 0, sergey: -2}", "0")
    text = text.replace(", persona: anna}", "}").replace(", persona: sergey}", "}")
    journey_map, problems = read_map(text, tmp_path)
    assert problems == [] and journey_map is not None
    assert journey_map.personas == () and journey_map.persona_ids == ("anna",)
    assert [s.emotions for s in journey_map.stages] == [(), (), ()]
    assert [s.level for s in journey_map.stages] == [None, None, None]


@pytest.mark.parametrize(("change", "expected"), [
    (("personas: [anna, sergey]\n", "persona: anna\npersonas: [anna, sergey]\n"),
     "4:1 value a map names its persona with 'persona' or its personas with 'personas', not both"),
    (("personas: [anna, sergey]", "personas: [anna, sergey, anna]"), "3:1 value 'personas' names 'anna' twice"),
    (("personas: [anna, sergey]", "personas: [a, b, c, d, e, f]"),
     "3:1 value 'personas' names 6 personas; a map has at most 5 (the emotion chart draws a curve for each)"),
    (("{anna: 1, sergey: -1}", "{anna: 1, sergei: -1}"),
     "8:24 persona-ref 'sergei' is not one of this map's personas (anna, sergey) (did you mean 'sergey'?)"),
    (("persona: sergey}", "persona: boris}"), "11:48 persona-ref 'boris' is not one of this map's personas (anna, sergey)"),
    (("{anna: 1, sergey: -1}", "{anna: 1, sergey: 3}"),
     "8:32 emotion-range emotion must be from -2 (very negative) to 2 (very positive), got 3"),
])
def test_check_points_at_what_is_wrong(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    _, problems = read_map(two_persona_map().replace(*change), tmp_path)
    assert expected in problems


def test_a_per_persona_emotion_needs_the_map_to_name_its_personas(tmp_path: Path) -> None:
    text = two_persona_map().replace("personas: [anna, sergey]\n", "")
    _, problems = read_map(text, tmp_path)
    assert "7:15 persona-ref 'anna' is not a persona of this map" in problems


def test_check_reports_an_unknown_persona_of_the_list_at_the_key(make_repo) -> None:
    root = repo(make_repo, two_persona_map().replace("[anna, sergey]", "[anna, sergej]")
                .replace("sergey:", "sergej:").replace("persona: sergey", "persona: sergej"))
    report = check_json(root)
    found = [(d["line"], d["column"], d["message"]) for d in report["diagnostics"] if d["code"] == "persona-ref"]
    assert found == [(3, 11, "unknown persona 'sergej' (did you mean 'sergey'?)")]


# --- the chart ----------------------------------------------------------------------------------


def _hue(colour: str) -> float:
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return colorsys.rgb_to_hls(r, g, b)[0] * 360


def test_each_persona_colour_has_aa_contrast_against_the_chart_and_a_hue_of_its_own() -> None:
    assert len(PERSONA_COLOURS) == len(PERSONA_DASHES) == len(PERSONA_MARKERS) == 5
    for colour in PERSONA_COLOURS:
        for background in BACKGROUNDS:
            assert contrast_ratio(colour, background) >= 4.5, (colour, background)
    hues = [_hue(c) for c in PERSONA_COLOURS]
    for i, first in enumerate(hues):
        for second in hues[i + 1:]:
            apart = abs(first - second)
            assert min(apart, 360 - apart) >= 40, (first, second)
    assert len(set(PERSONA_DASHES)) == 5 and len(set(PERSONA_MARKERS)) == 5


def test_the_chart_draws_a_curve_per_persona_with_a_legend_and_a_text_alternative(tmp_path: Path) -> None:
    journey_map, _ = read_map(two_persona_map(), tmp_path)
    assert journey_map is not None
    svg = emotion_curve(journey_map.stages, Locale("ru"), personas=[("anna", "Анна, 29"), ("sergey", "Сергей, 42")])
    curves = re.findall(r'<g class="emo-persona" data-persona="(\w+)">', svg)
    assert curves == ["anna", "sergey"]
    lines = re.findall(r'<path class="emo-line emo-persona-line" d="[^"]+" fill="none" stroke="(#\w+)"', svg)
    assert lines == list(PERSONA_COLOURS[:2])
    assert 'stroke-dasharray="7 4"' in svg  # the second curve is dashed
    legend = re.findall(r'<text[^>]*class="emo-legend-name"[^>]*>([^<]+)</text>', svg)
    assert legend == ["Анна, 29", "Сергей, 42"]
    desc = re.search(r"<desc[^>]*>([^<]+)</desc>", svg)
    assert desc is not None
    assert desc.group(1) == (
        "Анна, 29: Визит: позитивно (1); Сделка: нейтрально (0); Доставка: очень позитивно (2). "
        "Сергей, 42: Визит: негативно (−1); Сделка: очень негативно (−2); Доставка: очень позитивно (2)")


def test_one_persona_draws_the_chart_as_before(tmp_path: Path) -> None:
    text = two_persona_map().replace("personas: [anna, sergey]", "persona: anna")
    text = text.replace("{anna: 1, sergey: -1}", "1").replace("{anna: 0, sergey: -2}", "0")
    text = text.replace(", persona: anna}", "}").replace(", persona: sergey}", "}")
    journey_map, _ = read_map(text, tmp_path)
    assert journey_map is not None
    locale = Locale("ru")
    plain = emotion_curve(journey_map.stages, locale)
    assert emotion_curve(journey_map.stages, locale, personas=[("anna", "Анна")]) == plain
    assert "emo-legend" not in plain and "emo-persona" not in plain


# --- the site and the PDF -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("personas") / "repo"
    for relative, text in {
        "maps/personas/anna.md": ANNA, "maps/personas/sergey.md": SERGEY,
        "maps/showroom.md": two_persona_map(), "cjmgen.yml": "language: ru\n",
    }.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    result = run(["build"], root)
    assert result.exit_code == 0, result.output
    return root / "site"


def test_the_map_page_shows_two_curves_a_legend_and_every_persona(built: Path) -> None:
    page = (built / "maps/showroom.html").read_text(encoding="utf-8")
    svg = page[page.index('<svg xmlns="http://www.w3.org/2000/svg" class="cjm-chart emotion-curve emotion-personas"'):]
    svg = svg[:svg.index("</svg>")]
    assert re.findall(r'class="emo-legend-entry" data-persona="(\w+)"', svg) == ["anna", "sergey"]  # legend entries
    assert svg.count('class="emo-persona"') == 2
    assert "Анна, 29: Визит: позитивно (1)" in svg and "Сергей, 42: Визит: негативно (−1)" in svg
    assert '<span class="item-persona">Сергей, 42:</span> Из чего сделан каркас' in page
    assert 'Сергей, 42: негативно' in page  # the glance row, per persona
    assert re.search(r"<dt>Персоны</dt><dd><a [^>]+>Анна, 29</a>, <a [^>]+>Сергей, 42</a>", page)


def test_each_persona_page_lists_the_map(built: Path) -> None:
    for persona in ("anna", "sergey"):
        page = (built / f"personas/{persona}.html").read_text(encoding="utf-8")
        assert "Покупка в шоуруме" in page, persona


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_pdf_prints_both_curves_and_the_legend(built: Path) -> None:
    pdf = built / "maps/showroom.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    # the meta line names both, and the legend above the curves names each again
    assert text.count("Анна, 29") >= 2 and text.count("Сергей, 42") >= 2
    pdfplumber = pytest.importorskip("pdfplumber")
    with pdfplumber.open(str(pdf)) as document:
        page = document.pages[0]
        strokes = {tuple(round(c, 2) for c in o.get("stroking_color") or ()) for o in page.curves + page.lines}
    for colour in PERSONA_COLOURS[:2]:
        rgb = tuple(round(int(colour[i:i + 2], 16) / 255, 2) for i in (1, 3, 5))
        assert rgb in strokes, colour


# --- diff and export ----------------------------------------------------------------------------


def test_the_diff_reports_each_personas_emotion(tmp_path: Path) -> None:
    old, _ = read_map(two_persona_map(), tmp_path)
    new, _ = read_map(two_persona_map(first="{anna: 1, sergey: 1}").replace(
        "personas: [anna, sergey]", "personas: [anna, sergey, galina]"), tmp_path)
    assert old is not None and new is not None
    changes = {(c.code, c.field): (c.old, c.new) for c in diff_map(old, new)}
    assert changes[("emotion-changed", "emotion.sergey")] == (-1, 1)
    assert ("emotion-changed", "emotion.anna") not in changes
    assert changes[("personas-changed", "personas")] == (["anna", "sergey"], ["anna", "sergey", "galina"])
    said = [c.message for c in diff_map(old, new) if c.field == "emotion.sergey"]
    assert said == ["emotion of sergey at Визит -1 -> 1"]


def test_the_export_carries_personas_and_their_emotions(tmp_path: Path) -> None:
    journey_map, _ = read_map(two_persona_map(), tmp_path)
    assert journey_map is not None
    out = json.loads(json.dumps(map_dict(journey_map)))
    assert out["personas"] == ["anna", "sergey"]
    visit = out["stages"][0]
    assert visit["emotion"] == 1 and visit["emotions"] == {"anna": 1, "sergey": -1}
    assert [t["persona"] for t in visit["thoughts"]] == ["anna", "sergey"]
    assert "emotions" not in out["stages"][2]  # one value for everyone


def test_mermaid_scores_each_stage_by_the_first_persona(tmp_path: Path) -> None:
    text = two_persona_map().replace("    name: Сделка\n", "    name: Сделка\n    actions: [Оплатить]\n")
    journey_map, _ = read_map(text, tmp_path)
    assert journey_map is not None
    assert "Оплатить: 3" in map_to_mermaid(journey_map)  # anna 0 -> 3 (sergey's -2 would be 1)
