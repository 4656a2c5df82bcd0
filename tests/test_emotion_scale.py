"""A configurable emotion scale: per site and per map, numeric or named, on the chart,
in `check`, the JSON Schema, the diff, textconv and the export."""

from __future__ import annotations

import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from cjmgen.charts import emotion_curve
from cjmgen.config import load_config
from cjmgen.content.emotion_scale import DEFAULT_SCALE, EmotionScale
from cjmgen.content.jsonschema import map_schema
from cjmgen.content.model import Map
from cjmgen.content.repository import parse_file
from cjmgen.diagnostics import Diagnostics
from cjmgen.i18n.labels import Locale
from cjmgen.interchange.export import map_dict
from cjmgen.review.diff import diff_map
from cjmgen.review.formats import normalised_map
from tests.helpers.cli import check_json, run

NAMED = "[ужас, плохо, нормально, хорошо, восторг]"


def scale_map(scale: str | None = NAMED, emotions: tuple[str, ...] = ("нормально", "Восторг", "2")) -> str:
    head = f"emotion_scale: {scale}\n" if scale else ""
    stages = "".join(f"  - name: Этап {n}\n    emotion: {e}\n" for n, e in enumerate(emotions, 1))
    return f"---\ntitle: Шкала\npersona: anna\n{head}stages:\n{stages}---\n"


def read(text: str, root: Path, site: str = "") -> tuple[Map | None, list[str]]:
    (root / "cjmgen.yml").write_text(site, encoding="utf-8")
    diagnostics = Diagnostics()
    config = load_config(root, diagnostics)
    parsed = parse_file("maps/scale.md", text.encode(), config)
    assert parsed is not None
    value = parsed.value
    assert value is None or isinstance(value, Map)
    problems = [f"{d.location.path}:{d.location.line}:{d.location.column} {d.code} {d.message}"
                for d in (*diagnostics.items, *parsed.diagnostics) if d.location is not None]
    return value, problems


def test_the_default_is_minus_two_to_two_and_reads_as_before(tmp_path: Path) -> None:
    journey_map, problems = read(scale_map(None, ("-2", "0", "2")), tmp_path)
    assert problems == [] and journey_map is not None
    assert journey_map.emotion_scale == DEFAULT_SCALE
    assert [(s.emotion, s.level) for s in journey_map.stages] == [(-2, None), (0, None), (2, None)]


def test_named_levels_are_read_by_name_or_number(tmp_path: Path) -> None:
    journey_map, problems = read(scale_map(), tmp_path)
    assert problems == [] and journey_map is not None
    assert journey_map.emotion_scale == EmotionScale(1, 5, ("ужас", "плохо", "нормально", "хорошо", "восторг"))
    assert [s.level for s in journey_map.stages] == [3, 5, 2]
    assert [s.emotion for s in journey_map.stages] == [0, 2, -1]  # the moods labels and colours speak


@pytest.mark.parametrize(("scale", "level", "mood"), [
    ("1..5", 1, -2), ("1..5", 4, 1), ("1..10", 7, 1), ("1..10", 5, 0), ("1..10", 6, 0), ("1..10", 10, 2),
    ("0..100", 0, -2), ("0..100", 50, 0), ("0..100", 87, 1), ("0..100", 88, 2),
])
def test_a_range_maps_onto_the_five_moods(tmp_path: Path, scale: str, level: int, mood: int) -> None:
    journey_map, problems = read(scale_map(scale, (str(level),)), tmp_path)
    assert problems == [] and journey_map is not None
    stage = journey_map.stages[0]
    assert (stage.level, stage.emotion, stage.felt) == (level, mood, level)


def test_the_site_scale_applies_unless_the_map_sets_its_own(tmp_path: Path) -> None:
    site = "emotion_scale: 1..10\n"
    on_site, problems = read(scale_map(None, ("9",)), tmp_path, site)
    assert problems == [] and on_site is not None and on_site.emotion_scale == EmotionScale(1, 10)
    own, problems = read(scale_map("1..5", ("4",)), tmp_path, site)
    assert problems == [] and own is not None and own.emotion_scale == EmotionScale(1, 5)


@pytest.mark.parametrize(("scale", "emotions", "expected"), [
    (NAMED, ("хорошо", "великолепно"),
     ("maps/scale.md:9:14 emotion-range emotion 'великолепно' is not a level of the scale "
     "(ужас, плохо, нормально, хорошо, восторг)")),
    (NAMED, ("хорошо", "хороошо"),
     ("maps/scale.md:9:14 emotion-range emotion 'хороошо' is not a level of the scale "
     "(ужас, плохо, нормально, хорошо, восторг) (did you mean 'хорошо'?)")),
    (NAMED, ("6",), ("maps/scale.md:7:14 emotion-range emotion must be on the map's scale 1..5 "
                    "(ужас, плохо, нормально, хорошо, восторг), got 6")),
    ("1..10", ("0",), "maps/scale.md:7:14 emotion-range emotion must be on the map's scale 1..10, got 0"),
    ("1..10", ("-2",), "maps/scale.md:7:14 emotion-range emotion must be on the map's scale 1..10, got -2"),
    ("5..1", ("1",), ("maps/scale.md:4:16 emotion-scale emotion_scale: the top of the scale must be above its "
                     "bottom, got 5..1")),
    ("low..high", ("1",), ("maps/scale.md:4:16 emotion-scale emotion_scale: expected a range such as 1..5 or a "
                          "list of named levels, got 'low..high'")),
    ("[плохо, хорошо, Плохо]", ("1",), ("maps/scale.md:4:32 emotion-scale emotion_scale: the level 'Плохо' is "
                                        "named twice")),
    ("[одно]", ("1",), ("maps/scale.md:4:16 emotion-scale emotion_scale: a list of named levels needs 2 to 101 "
                       "names, got 1")),
])
def test_check_rejects_what_is_off_the_scale_where_it_is(
    tmp_path: Path, scale: str, emotions: tuple[str, ...], expected: str
) -> None:
    _, problems = read(scale_map(scale, emotions), tmp_path)
    assert expected in problems


def test_a_broken_site_scale_is_a_config_error_and_maps_keep_minus_two_to_two(tmp_path: Path) -> None:
    journey_map, problems = read(scale_map(None, ("2",)), tmp_path, "emotion_scale: {from: 1}\n")
    assert problems == [("cjmgen.yml:1:16 config emotion_scale: expected a range such as 1..5 or a list of "
                        "named levels")]
    assert journey_map is not None and journey_map.emotion_scale == DEFAULT_SCALE


def test_check_reports_every_value_off_the_scale_at_once(make_repo) -> None:
    root = make_repo({"maps/scale.md": scale_map(NAMED, ("чудесно", "7", "хорошо"))})
    result = run(["check"], root)
    assert result.exit_code == 1
    assert "maps/scale.md:7:14: error: emotion 'чудесно' is not a level of the scale" in result.output
    assert "maps/scale.md:9:14: error: emotion must be on the map's scale 1..5" in result.output
    assert "[emotion-range]" in result.output


def test_the_chart_places_levels_by_the_scale_and_labels_it(tmp_path: Path) -> None:
    journey_map, _ = read(scale_map(NAMED, ("ужас", "нормально", "восторг")), tmp_path)
    assert journey_map is not None
    svg = emotion_curve(journey_map.stages, Locale("ru"), scale=journey_map.emotion_scale)
    labels = re.findall(r'class="emo-scale-label"[^>]*>([^<]+)<', svg)
    assert labels == ["ужас", "плохо", "нормально", "хорошо", "восторг"]
    ys = [float(y) for y in re.findall(r'<circle cx="[\d.]+" cy="([\d.]+)"', svg)]
    assert ys[0] > ys[1] > ys[2]  # worse is lower
    assert abs((ys[0] - ys[1]) - (ys[1] - ys[2])) < 0.2  # evenly spaced
    desc = re.search(r"<desc[^>]*>([^<]+)</desc>", svg)
    assert desc is not None and desc.group(1) == "Этап 1: ужас (1); Этап 2: нормально (3); Этап 3: восторг (5)"
    assert "<title>Этап 3: восторг</title>" in svg


def test_a_flat_printed_chart_labels_only_the_ends(tmp_path: Path) -> None:
    journey_map, _ = read(scale_map(NAMED, ("ужас", "восторг")), tmp_path)
    assert journey_map is not None
    svg = emotion_curve(journey_map.stages, Locale("ru"), scale=journey_map.emotion_scale, height=40,
                        text_size=9)
    assert re.findall(r'class="emo-scale-label"[^>]*>([^<]+)<', svg) == ["ужас", "восторг"]


def test_a_default_map_has_no_scale_labels(tmp_path: Path) -> None:
    journey_map, _ = read(scale_map(None, ("1", "-1")), tmp_path)
    assert journey_map is not None
    assert "emo-scale-label" not in emotion_curve(journey_map.stages, Locale("ru"))


def test_the_map_page_speaks_the_scale(make_repo) -> None:
    root = make_repo({"maps/scale.md": scale_map(NAMED, ("плохо", "восторг")), "cjmgen.yml": "language: ru\n"})
    assert run(["build", "--no-pdf"], root).exit_code == 0
    page = (root / "site/maps/scale.html").read_text(encoding="utf-8")
    assert page.count('class="emo-scale-label"') == 5
    assert "</span> восторг (5)</td>" in page  # the glance row


def test_the_json_schema_knows_the_site_scale_and_lets_a_map_bring_its_own() -> None:
    schema = map_schema(scale=EmotionScale(1, 10))
    validator = jsonschema.Draft202012Validator(schema)

    def errors(text: str) -> list[str]:
        return [e.message for e in validator.iter_errors(yaml.safe_load(text.split("---")[1]))]

    assert errors(scale_map(None, ("7",))) == []
    assert errors(scale_map(None, ("11",)))  # off the site's scale
    assert errors(scale_map(NAMED, ("хорошо",))) == []  # the map's own: `check` checks it
    assert errors(scale_map(None, ("7",)).replace("persona: anna", "persona: anna\npersonas: [anna]"))
    default = jsonschema.Draft202012Validator(map_schema())
    assert not list(default.iter_errors(yaml.safe_load(scale_map(None, ("2",)).split("---")[1])))
    assert list(default.iter_errors(yaml.safe_load(scale_map(None, ("3",)).split("---")[1])))


def test_diff_textconv_and_export_speak_the_scale(tmp_path: Path) -> None:
    old, _ = read(scale_map(NAMED, ("хорошо",)), tmp_path)
    new, _ = read(scale_map(NAMED, ("плохо",)), tmp_path)
    assert old is not None and new is not None
    said = [(c.code, c.message) for c in diff_map(old, new)]
    assert said == [("emotion-changed", "emotion at Этап 1 хорошо -> плохо")]
    wider, _ = read(scale_map("1..10", ("2",)), tmp_path)
    assert wider is not None
    codes = {c.code: (c.old, c.new) for c in diff_map(old, wider)}
    assert codes["emotion-scale-changed"] == ("ужас, плохо, нормально, хорошо, восторг", "1..10")
    assert "[этап-1] emotion: хорошо (4)" in normalised_map(old)
    assert "emotion_scale: ужас, плохо, нормально, хорошо, восторг" in normalised_map(old)
    out = map_dict(old)
    assert out["emotion_scale"] == {"low": 1, "high": 5, "names": ["ужас", "плохо", "нормально", "хорошо", "восторг"]}
    assert out["stages"][0]["emotion"] == 4


def test_check_accepts_the_bundled_style_of_a_named_two_persona_map(make_repo) -> None:
    text = scale_map(NAMED, ("{anna: хорошо, sergey: ужас}",)).replace("persona: anna", "personas: [anna, sergey]")
    root = make_repo({"maps/scale.md": text, "maps/personas/sergey.md": "---\nname: Сергей\n---\n"})
    report = check_json(root)
    assert [d for d in report["diagnostics"] if d["severity"] == "error"] == []
