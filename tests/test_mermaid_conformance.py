"""cjmgen reads every journey diagram as Mermaid does, and writes diagrams Mermaid reads back exactly.

The fixtures are the journey diagrams of Mermaid's own documentation, demos,
Cypress and parser tests (tests/fixtures/mermaid, see its README) and edge cases
of the grammar (tests/fixtures/mermaid/edge). Mermaid's reading of each is stored
in expected.json; where Node and the npm package are installed
(tests/mermaid-oracle, `.ci/run` installs them) Mermaid itself is asked too.
"""

from __future__ import annotations

import json
import math

import pytest
import yaml

from cjmgen.interchange.mermaid_syntax import MermaidError, parse_journey, visible
from tests import mermaid_oracle
from tests.helpers.cli import run

EXPECTED = json.loads(mermaid_oracle.EXPECTED.read_text(encoding="utf-8"))
FIXTURES = mermaid_oracle.fixtures()
NAMES = [p.relative_to(mermaid_oracle.FIXTURES).as_posix() for p in FIXTURES]


def mermaid_reading(result: dict) -> dict:
    """What Mermaid's db holds, as a reader sees it (entity codes decoded, names trimmed)."""
    sections = list(result["sections"])
    if any(task["section"] == "" for task in result["tasks"]):
        sections.insert(0, "")
    return {
        "title": visible(result["title"]).strip() or None,
        "acc": (visible(result["accTitle"]) or None, visible(result["accDescr"]) or None),
        "sections": [visible(s).strip() for s in sections],
        "tasks": [(visible(t["section"]).strip(), visible(t["task"]).strip(), t["score"],
                   [visible(p) for p in t["people"]]) for t in result["tasks"]],
    }


def cjmgen_reading(text: str) -> dict:
    journey = parse_journey(text)
    return {
        "title": journey.title,
        "acc": (journey.acc_title, journey.acc_description),
        "sections": [s.name.strip() for s in journey.sections],
        "tasks": [(s.name.strip(), t.name.strip(), "NaN" if math.isnan(t.score) else t.score, t.actors)
                  for s in journey.sections for t in s.tasks],
    }


def test_the_fixtures_are_mermaids_own_diagrams() -> None:
    sources = [n for n in NAMES if not n.startswith("edge/")]
    assert len(sources) >= 43
    readme = (mermaid_oracle.FIXTURES / "README.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in readme for name in sources)
    assert all(EXPECTED[name]["ok"] for name in sources), "Mermaid accepts every diagram of its own sources"
    assert set(EXPECTED) == set(NAMES), "expected.json is stale: run python tests/mermaid_oracle.py"


@pytest.mark.parametrize("name", NAMES)
def test_cjmgen_reads_each_diagram_as_mermaid_does(name: str) -> None:
    text = (mermaid_oracle.FIXTURES / name).read_text(encoding="utf-8")
    expected = EXPECTED[name]
    if not expected["ok"]:
        with pytest.raises(MermaidError) as refused:
            parse_journey(text)
        assert refused.value.line is not None
        return
    assert cjmgen_reading(text) == mermaid_reading(expected)


def test_the_stored_expectations_are_what_mermaid_says() -> None:
    live = mermaid_oracle.read([p.read_text(encoding="utf-8") for p in FIXTURES])
    if live is None:
        pytest.skip("Mermaid (node + tests/mermaid-oracle/node_modules) is not installed; expected.json stands in")
    assert dict(zip(NAMES, live)) == EXPECTED


@pytest.mark.parametrize("name", [n for n in NAMES if EXPECTED[n]["ok"]])
def test_every_accepted_diagram_imports_as_a_map_that_checks(make_repo, name: str) -> None:
    root = make_repo({})
    source = mermaid_oracle.FIXTURES / name
    result = run(["import", "mermaid", str(source), "-o", str(root / "maps" / "imported.md")], root)
    assert result.exit_code == 0, result.output
    text = (root / "maps" / "imported.md").read_text(encoding="utf-8")
    front = text.split("---\n")[1]
    assert yaml.load(front, Loader=yaml.SafeLoader) == yaml.load(front, Loader=yaml.CSafeLoader)
    data = yaml.load(front, Loader=yaml.SafeLoader)
    reading = mermaid_reading(EXPECTED[name])
    actions = [(a["text"], a.get("score", "NaN"), a.get("actors", [])) for s in data["stages"] for a in s.get("actions", [])]
    assert actions == [(t, s, [p for p in people if p]) for _, t, s, people in reading["tasks"]]
    assert data["title"] == (reading["title"] or reading["acc"][0] or source.stem)
    for part in reading["acc"]:
        if part and part != data["title"]:
            assert part in data["description"]
    check = json.loads(run(["check", "--format", "json"], root).stdout)
    assert [d for d in check["diagnostics"] if d["severity"] == "error"] == []


def test_br_stays_text_as_in_mermaids_task_boxes() -> None:
    journey = parse_journey("journey\nsection One<br>Two\n  Task<br >two: 3\n  Pay #35;1 ﬂ°°35¶ß: 4\n")
    assert journey.sections[0].name == "One<br>Two"
    assert [t.name for t in journey.sections[0].tasks] == ["Task<br >two", "Pay #1 #"]
