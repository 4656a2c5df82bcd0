"""`cjmgen export --format mermaid` and `cjmgen import mermaid` end to end: exact round trips,
several maps, what the import keeps and warns about, and hostile or malformed input."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import yaml

from cjmgen.interchange.mermaid_syntax import parse_journey, visible
from tests import mermaid_oracle
from tests.helpers.cli import check_json, run

HOSTILE_MAP = """\
---
title: 'Sofa: online #1; 100% & more <b> "q" > style:#x;'
persona: anna
description: "Accessible: described; #tag & <i>\\n%% second: style:#x; line }"
stages:
  - id: awareness
    name: 'Awareness: phase #1; 50%'
    emotion: 1
    actions:
      - Section of the site
      - Journey planner
      - Title page
      - 'accTitle: not a title'
      - '%% not a comment'
      - Pays; gets a receipt
      - 'Reads reviews: 4.3 stars'
      - 'Waits #2 days'
      - '#35; literally'
      - a <br> tag & "quotes"
      - "Line\\nbreak"
      - 'Ends with a comma,'
      - 'Кириллица: тест'
      - '50% off & "quoted" > less, 100%% sure'
      - 'a %%{init: {"theme": "dark"}}%% b'
      - 'style:#red; and classDef x:#fff;'
      - 'ﬂ°°35¶ß marker'
      - {text: Decimal score, score: 4.5, actors: ['Anna, 32', 'Bob: admin']}
  - id: section
    name: section
    actions: [section]
  - id: quiet
    name: Quiet stage
    emotion: -2
---
"""


def frontmatter(text: str) -> dict:
    return yaml.safe_load(text.split("---\n")[1])


def expected_tasks(data: dict) -> list[tuple[str, str, float, list[str]]]:
    """(section, task, score, actors) that the exported diagram must say, from the map's YAML."""
    out = []
    for stage in data["stages"]:
        for action in stage.get("actions", []):
            item = action if isinstance(action, dict) else {"text": action}
            score = item.get("score", stage.get("emotion", 0) + 3)
            text = item["text"].replace("\n", "<br>")  # Mermaid has no line break in a name
            out.append((stage["name"], text, score, item.get("actors", ["Anna"])))
    return out


def read_back(diagram: str) -> list[dict]:
    """The diagram as cjmgen reads it and, where it runs, as Mermaid itself reads it."""
    return read_back_all([diagram])[0]


def read_back_all(diagrams: list[str]) -> list[list[dict]]:
    """read_back for several diagrams, with one call of Mermaid for all."""
    out = []
    for diagram in diagrams:
        journey = parse_journey(diagram)
        out.append([{
            "title": journey.title, "description": journey.acc_description,
            "sections": [s.name for s in journey.sections],
            "tasks": [(s.name, t.name, t.score, t.actors) for s in journey.sections for t in s.tasks],
        }])
    for readings, result in zip(out, mermaid_oracle.read(diagrams) or []):
        assert result["ok"], result
        readings.append({
            "title": visible(result["title"]).strip(), "description": visible(result["accDescr"]) or None,
            "sections": [visible(s) for s in result["sections"]],
            "tasks": [(visible(t["section"]), visible(t["task"]), t["score"], [visible(p) for p in t["people"]])
                      for t in result["tasks"]],
        })
    return out


def test_export_is_read_back_exactly_by_mermaid(make_repo) -> None:
    root = make_repo({"maps/sofa.md": HOSTILE_MAP})
    result = run(["export", "--format", "mermaid", "sofa"], root)
    assert result.exit_code == 0, result.output
    diagram = result.stdout
    data = frontmatter(HOSTILE_MAP)
    assert "∶" not in diagram and "№" not in diagram, "no look-alike characters"
    assert "#58;" in diagram and "#59;" in diagram and "#35;" in diagram
    for reading in read_back(diagram):
        assert reading["title"] == data["title"]
        assert reading["description"] == data["description"]
        assert reading["sections"] == [s["name"] for s in data["stages"]]
        assert reading["tasks"] == expected_tasks(data)


def test_export_then_import_gives_back_stages_actions_scores_and_actors(make_repo, tmp_path: Path) -> None:
    root = make_repo({"maps/sofa.md": HOSTILE_MAP})
    diagram = tmp_path / "sofa.mmd"
    assert run(["export", "--format", "mermaid", "sofa", "-o", str(diagram)], root).exit_code == 0
    result = run(["import", "mermaid", str(diagram), "-o", "-"], root)
    assert result.exit_code == 0, result.output
    imported = frontmatter(result.stdout)
    original = frontmatter(HOSTILE_MAP)
    assert imported["title"] == original["title"] and imported["description"] == original["description"]
    assert [s["name"] for s in imported["stages"]] == [s["name"] for s in original["stages"]]
    assert [(s["name"], a["text"], a["score"], a["actors"]) for s in imported["stages"] for a in s.get("actions", [])] \
        == expected_tasks(original)
    assert imported["stages"][1]["actions"] == [{"text": "section", "score": 3, "actors": ["Anna"]}], \
        "a task named like its section is kept"
    assert "actions" not in imported["stages"][2]


def test_several_maps_export_as_markdown_and_import_back_with_all(make_repo, tmp_path: Path) -> None:
    root = make_repo({"maps/sofa.md": HOSTILE_MAP,
                      "maps/b2b/chairs.md": "---\ntitle: Chairs\nstages:\n  - {name: Order, emotion: 2, actions: [Orders]}\n---\n"})
    result = run(["export", "--format", "mermaid"], root)
    assert result.exit_code == 0, result.output
    document = result.stdout
    assert document.count("```mermaid\njourney\n") == 2 and "Map `b2b/chairs`." in document
    source = tmp_path / "maps.md"
    source.write_text(document, encoding="utf-8")
    refused = run(["import", "mermaid", str(source)], root)
    assert refused.exit_code == 2 and "2 journey diagrams" in refused.output and "--all" in refused.output
    picked = run(["import", "mermaid", str(source), "--pick", "2", "-o", "-"], root)
    assert frontmatter(picked.stdout)["title"] == frontmatter(HOSTILE_MAP)["title"]
    fresh = make_repo({}, name="fresh")
    result = run(["import", "mermaid", str(source), "--all"], fresh)
    assert result.exit_code == 0, result.output
    created = sorted(p.relative_to(fresh).as_posix() for p in (fresh / "maps").glob("*.md"))
    assert created == ["maps/chairs.md", "maps/sofa-online-1-100-more-b-q-style-x.md"]
    chairs = frontmatter((fresh / "maps/chairs.md").read_text(encoding="utf-8"))
    assert chairs["stages"][0]["actions"] == [{"text": "Orders", "score": 5, "actors": ["Customer"]}]
    assert not [d for d in check_json(fresh)["diagnostics"] if d["severity"] == "error"]


def test_every_bundled_example_map_is_read_back_exactly(example_repo: Path) -> None:
    from cjmgen.content.project import load_project

    maps = load_project(example_repo).repo.maps
    assert maps
    out = example_repo / "diagrams"
    assert run(["export", "--format", "mermaid", "--output-dir", str(out)], example_repo).exit_code == 0
    diagrams = [(out / f"{m.id}.mmd").read_text(encoding="utf-8") for m in maps]
    for journey_map, readings in zip(maps, read_back_all(diagrams)):
        for reading in readings:
            assert reading["title"] == journey_map.title
            assert reading["sections"] == [s.name for s in journey_map.stages]
            assert [(s, t) for s, t, _, _ in reading["tasks"]] == [
                (stage.name, action.text.replace("\n", "<br>")) for stage in journey_map.stages for action in stage.actions]


def test_a_markdown_page_like_mermaids_docs_imports_every_journey_fence(make_repo, tmp_path: Path) -> None:
    fixtures = mermaid_oracle.FIXTURES
    example = (fixtures / "01-docs-syntax-userjourney-1.mmd").read_text(encoding="utf-8")
    demo = (fixtures / "14-demos-journey.mmd").read_text(encoding="utf-8")
    page = (f"# User Journey Diagram\n\n```mermaid-example\n{example}```\n\nA flowchart:\n\n"
            "```mermaid\nflowchart LR\n  journey --> B\n```\n\n"
            f"~~~~ Mermaid\n{demo}\n~~~~\n\n```js\njourney\n```\n")
    source = tmp_path / "userJourney.md"
    source.write_text(page, encoding="utf-8")
    root = make_repo({})
    refused = run(["import", "mermaid", str(source)], root)
    assert refused.exit_code == 2 and "2 journey diagrams (at lines 4, 23)" in refused.output
    result = run(["import", "mermaid", str(source), "--all"], root)
    assert result.exit_code == 0, result.output
    first = frontmatter((root / "maps/my-working-day.md").read_text(encoding="utf-8"))
    second = frontmatter((root / "maps/my-working-day-2.md").read_text(encoding="utf-8"))
    assert [len(s["actions"]) for s in first["stages"]] == [3, 2]
    assert second["description"] == "Very simple journey demo\n2 main sections: work and home, each with just a few tasks"


def test_output_dir_writes_one_diagram_a_map(make_repo, tmp_path: Path) -> None:
    root = make_repo({"maps/sofa.md": HOSTILE_MAP,
                      "maps/b2b/chairs.md": "---\ntitle: Chairs\nstages:\n  - {name: Order, actions: [Orders]}\n---\n"})
    out = tmp_path / "diagrams"
    result = run(["export", "--format", "mermaid", "--output-dir", str(out)], root)
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.mmd")) == ["b2b/chairs.mmd", "sofa.mmd"]
    assert parse_journey((out / "b2b/chairs.mmd").read_text(encoding="utf-8")).title == "Chairs"


def test_import_keeps_everything_and_warns_about_what_mermaid_does_oddly(make_repo, tmp_path: Path) -> None:
    root = make_repo({})
    source = tmp_path / "day.md"
    source.write_text(
        "# Notes\n\n```mermaid-example\n---\ntitle: Ignored: the diagram's own title wins\n---\n"
        "JOURNEY_IS_NOT_HERE\n```\n\n"
        "Text.\n\n```mermaid\n---\ntitle: From the frontmatter\n---\njourney\n"
        "  accTitle: Day\n  accDescr {\n    Several\n    lines\n  }\n"
        "  Early: 4: Me\n"
        "  section Work\n    Tea: 5: Me\n    Stairs: 3: Me, Cat\n    Work: 1: Me\n"
        "  section Odd\n    Decimal: 3.5: Me\n    Blank: : Me\n    Over: 7\n    Words: high: Me\n```\n",
        encoding="utf-8")
    result = run(["import", "mermaid", str(source), "-o", "-"], root)
    assert result.exit_code == 0, result.output
    data = frontmatter(result.stdout)
    assert data["title"] == "From the frontmatter"
    assert data["description"] == "Day\nSeveral\nlines"
    assert data["tags"] == ["Me", "Cat"]
    stages = data["stages"]
    assert [s["name"] for s in stages] == ["Stage 1", "Work", "Odd"]
    assert stages[0]["actions"] == [{"text": "Early", "score": 4, "actors": ["Me"]}]
    assert [a["score"] for a in stages[1]["actions"]] == [5, 3, 1] and stages[1]["emotion"] == 0
    assert "emotion: 0   # the Mermaid scores 5, 3, 1: their mean 3, rounded, minus 3" in result.stdout
    assert [a.get("score") for a in stages[2]["actions"]] == [3.5, 0, 7, None]
    errors = result.stderr
    assert f"{source}:23: warning: stage 'Work': its tasks score 5, 3, 1" in errors
    assert "score 0 (a blank score: Mermaid reads it as 0), outside Mermaid's 1..5; kept" in errors
    assert "score 7, outside Mermaid's 1..5" in errors and "'high', which is not a score (Mermaid reads NaN)" in errors
    assert "tasks before the first section became the stage 'Stage 1'" in errors


@pytest.mark.parametrize("place", ["tags", "touchpoints", "personas"])
def test_actors_go_where_the_user_says_and_the_map_checks(make_repo, tmp_path: Path, place: str) -> None:
    root = make_repo({}, base=False)
    (root / "maps").mkdir(parents=True, exist_ok=True)
    source = tmp_path / "day.mmd"
    source.write_text("journey\ntitle Day\nsection Work\n  Tea: 5: Me\n  Stairs: 3: Me, The cat\n", encoding="utf-8")
    result = run(["import", "mermaid", str(source), "--actors", place], root)
    assert result.exit_code == 0, result.output
    data = frontmatter((root / "maps/day.md").read_text(encoding="utf-8"))
    if place == "tags":
        assert data["tags"] == ["Me", "The cat"]
    elif place == "touchpoints":
        assert data["stages"][0]["touchpoints"] == [{"channel": "me", "name": "Me"}, {"channel": "the-cat", "name": "The cat"}]
    else:
        assert data["persona"] == "me" and (root / "maps/personas/me.md").is_file()
    assert data["stages"][0]["actions"][1]["actors"] == ["Me", "The cat"]
    assert not [d for d in check_json(root)["diagnostics"] if d["severity"] == "error"]


def test_touchpoint_actors_need_channels_when_there_is_a_catalog(make_repo, tmp_path: Path) -> None:
    root = make_repo({})
    source = tmp_path / "day.mmd"
    source.write_text("journey\nsection Work\n  Tea: 5: Me\n", encoding="utf-8")
    result = run(["import", "mermaid", str(source), "--actors", "touchpoints"], root)
    assert result.exit_code == 2 and f"{source}:2: the channel catalog has no channel 'me'" in result.output


def files_outside_maps(root: Path, before: set[Path]) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and p not in before and "maps" not in p.relative_to(root).parts[:1]]


@pytest.mark.parametrize("title", [
    "../../../etc/passwd", "/etc/hosts", "..", ".hidden", "a/b\\c", "x: y # z",
    "'quoted' \"double\" & *alias {x} [y] !tag %x @y `z` | > - ? ,", "no", "1.5", "~", "Δ" * 200,
    "title\twith\ttab and\u2028separator", "C:\\Windows\\x", "NUL", "com1", "\u202eevil",
])
def test_hostile_titles_stay_inside_maps_and_check(make_repo, tmp_path: Path, title: str) -> None:
    root = make_repo({})
    before = {p for p in root.rglob("*") if p.is_file()}
    source = tmp_path / "hostile.mmd"
    source.write_text(f"---\ntitle: {json.dumps(title)}\n---\njourney\nsection A\n  Task: 3: Me\n", encoding="utf-8")
    result = run(["import", "mermaid", str(source)], root)
    assert result.exit_code == 0, result.output
    assert files_outside_maps(root, before) == []
    created = [p for p in (root / "maps").rglob("*.md") if p not in before]
    assert len(created) == 1 and created[0].parent == root / "maps"
    assert len(created[0].name.encode("utf-8")) <= 124 and not created[0].name.startswith(".")
    assert created[0].stem.lower() not in ("nul", "com1")
    text = created[0].read_text(encoding="utf-8")
    front = text.split("---\n")[1]
    assert yaml.load(front, Loader=yaml.SafeLoader) == yaml.load(front, Loader=yaml.CSafeLoader)
    assert yaml.load(front, Loader=yaml.SafeLoader)["title"] == title.strip()
    assert not [d for d in check_json(root)["diagnostics"] if d["severity"] == "error"]


@pytest.mark.parametrize(("data", "message"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ":1:"),
    ("journey\nsection Café\n  Tea: 5: Me\n".encode("latin-1"), ":2:12: not UTF-8 text (byte 0xE9)"),
    (b"journey\nsection A\n  Tea\x00: 5: Me\n", ":3:6: a NUL byte"),
    (b"journey\nsection A\n  Tea\x1b[2J: 5: Me\n", ":3:6: the control character U+001B"),
    (b"journey\naccDescr {\n  never closed\nsection A\n", ":2: 'accDescr {' is never closed"),
    (b"journey\nsection A\n  Journey to the shops: 5: Me\n", ":3: Mermaid cannot read this line: the keyword 'journey'"),
    (b"journey\nsection A\n  Pay; get a receipt: 3: Me\n", ":3: Mermaid cannot read ';' here"),
    (b"journey\nsection A\n  No score\n", ":3: Mermaid expects ': score' after the task name 'No score'"),
    (b"flowchart LR\n  A --> B\n", ":1: not a journey diagram"),
    (b"", ":1: not a journey diagram"),
    (b"---\ntitle: [unclosed\n---\njourney\n", ":1: the diagram's frontmatter is not valid YAML"),
])
def test_malformed_input_is_refused_with_file_and_line(make_repo, tmp_path: Path, data: bytes, message: str) -> None:
    root = make_repo({})
    before = set(root.rglob("*"))
    source = tmp_path / "bad.mmd"
    source.write_bytes(data)
    result = run(["import", "mermaid", str(source)], root)
    assert result.exit_code == 2, result.output
    assert f"{source}{message}" in result.output
    assert "Traceback" not in result.output
    assert set(root.rglob("*")) == before


def test_utf16_with_a_byte_order_mark_is_read(make_repo, tmp_path: Path) -> None:
    root = make_repo({})
    source = tmp_path / "day.mmd"
    source.write_bytes("journey\ntitle День\nsection Работа\n  Чай: 5: Я\n".encode("utf-16"))
    result = run(["import", "mermaid", str(source), "-o", "-"], root)
    assert result.exit_code == 0, result.output
    assert frontmatter(result.stdout)["stages"][0]["actions"] == [{"text": "Чай", "score": 5, "actors": ["Я"]}]


def test_import_never_writes_through_a_symlink(make_repo, tmp_path: Path) -> None:
    root = make_repo({})
    outside = tmp_path / "outside.md"
    outside.write_text("precious\n", encoding="utf-8")
    (root / "maps/day.md").symlink_to(outside)
    source = tmp_path / "day.mmd"
    source.write_text("journey\ntitle Day\nsection A\n  T: 3: Me\n", encoding="utf-8")
    result = run(["import", "mermaid", str(source), "--force"], root)
    assert result.exit_code == 2 and "symbolic link" in result.output
    assert outside.read_text(encoding="utf-8") == "precious\n"


def test_emotion_and_score_helpers_agree_with_the_scale() -> None:
    from cjmgen.interchange.mermaid import emotion_of, score_of

    assert [score_of(e) for e in (-2, -1, 0, 1, 2, None)] == [1, 2, 3, 4, 5, 3]
    assert emotion_of([5, 3, 1]) == 0 and emotion_of([4, 5]) == 2 and emotion_of([math.nan]) is None
