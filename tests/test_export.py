"""`cjmgen export` (Mermaid, JSON, CSV), `cjmgen import mermaid`, and the CI scaffolds."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import yaml

from conftest import check_json, run, simple_map
from cjmgen.mermaid import emotion_of, parse_mermaid, score_of

MERMAID_DOCS_EXAMPLE = """\
journey
    title My working day
    section Go to work
      Make tea: 5: Me
      Go upstairs: 3: Me
      Do work: 1: Me, Cat
    section Go home
      Go downstairs: 5: Me
      Sit down: 5: Me
"""

FIVE_STAGES = (
    "---\ntitle: Sofa, online\npersona: anna\nstages:\n"
    "  - {id: awareness, name: Awareness, emotion: -2, actions: [Searches \"sofa\", 'Reads reviews: 4.3 stars']}\n"
    "  - {id: choice, name: Choice, emotion: -1}\n"
    "  - {id: deal, name: Deal, emotion: 0, actions: [Pays; gets a receipt]}\n"
    "  - {id: delivery, name: Delivery, emotion: 1, actions: ['Waits #2 days']}\n"
    "  - {id: loyalty, name: Loyalty, emotion: 2, actions: [Comes back]}\n"
    "---\n"
)


def frontmatter(text: str) -> dict:
    return yaml.safe_load(text.split("---\n")[1])


def test_scores_and_emotions_map_both_ways() -> None:
    assert [score_of(e) for e in (-2, -1, 0, 1, 2, None)] == [1, 2, 3, 4, 5, 3]
    assert emotion_of([5, 3, 1]) == 0 and emotion_of([5, 5]) == 2 and emotion_of([4, 5]) == 2
    assert emotion_of([1, 2]) == -1 and emotion_of([9]) == 2 and emotion_of([]) is None


def test_export_mermaid(make_repo) -> None:
    root = make_repo({"maps/sofa.md": FIVE_STAGES})
    result = run(["export", "--format", "mermaid", "sofa"], root)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:6] == [
        "%% sofa", "journey", "    title Sofa, online", "    section Awareness",
        '      Searches "sofa": 1: Anna', "      Reads reviews∶ 4.3 stars: 1: Anna",
    ]
    assert "    section Choice\n      Choice: 2: Anna" in result.stdout  # no actions: the stage itself
    assert "      Pays, gets a receipt: 3: Anna" in result.stdout  # ';' is not allowed in a task
    assert "      Waits №2 days: 4: Anna" in result.stdout


def test_mermaid_round_trip_keeps_stages_and_emotions(make_repo, tmp_path: Path) -> None:
    root = make_repo({"maps/sofa.md": FIVE_STAGES})
    diagram = tmp_path / "sofa.mmd"
    assert run(["export", "--format", "mermaid", "sofa", "-o", str(diagram)], root).exit_code == 0
    result = run(["import", "mermaid", str(diagram), "-o", "-"], root)
    assert result.exit_code == 0, result.output
    imported = frontmatter(result.stdout)
    original = frontmatter(FIVE_STAGES)
    assert [(s["id"], s["name"], s["emotion"]) for s in imported["stages"]] == [
        (s["id"], s["name"], s["emotion"]) for s in original["stages"]]
    assert imported["title"] == "Sofa, online"
    assert imported["stages"][1].get("actions") is None
    assert imported["stages"][3]["actions"] == ["Waits №2 days"]


def test_import_mermaid_documentation_example(make_repo, tmp_path: Path) -> None:
    root = make_repo({"maps/sofa.md": simple_map()})
    source = tmp_path / "day.mmd"
    source.write_text(MERMAID_DOCS_EXAMPLE)
    result = run(["import", "mermaid", str(source)], root)
    assert result.exit_code == 0, result.output
    created = root / "maps/my-working-day.md"
    assert f"created {created} with 2 stages" in result.output
    data = frontmatter(created.read_text())
    assert data["title"] == "My working day" and data["status"] == "draft"
    assert data["stages"] == [
        {"id": "go-to-work", "name": "Go to work", "actions": ["Make tea", "Go upstairs", "Do work"], "emotion": 0},
        {"id": "go-home", "name": "Go home", "actions": ["Go downstairs", "Sit down"], "emotion": 2},
    ]
    assert "# actors in the Mermaid diagram: Me, Cat" in created.read_text()
    report = check_json(root)
    assert [d for d in report["diagnostics"] if d["severity"] == "error"] == []
    again = run(["import", "mermaid", str(source)], root)
    assert again.exit_code == 2 and "exists" in again.output


def test_import_reads_a_fenced_block_and_skips_comments_and_config() -> None:
    text = ("# Notes\n\n```mermaid\n---\nconfig: {theme: forest}\n---\njourney\n  %% a comment\n"
            "  accTitle: Day\n  title Day\n  section One\n    Task: 4: Me\n```\n")
    journey = parse_mermaid(text)
    assert journey.title == "Day" and [(s.name, s.emotion, s.actions) for s in journey.sections] == [
        ("One", 1, ["Task"])]


def test_import_errors_name_the_line(make_repo, tmp_path: Path) -> None:
    root = make_repo({})
    bad = tmp_path / "bad.mmd"
    bad.write_text("journey\n  section A\n    Task: high: Me\n")
    result = run(["import", "mermaid", str(bad), "-o", "-"], root)
    assert result.exit_code == 2 and "line 3: the score must be a whole number" in result.output
    bad.write_text("flowchart LR\n  A --> B\n")
    result = run(["import", "mermaid", str(bad), "-o", "-"], root)
    assert "expected 'journey'" in result.output


def test_export_json_is_the_full_model(make_repo) -> None:
    root = make_repo({"maps/sofa.md": simple_map(), "maps/chairs.md": simple_map("Chairs")})
    result = run(["export", "--format", "json"], root)
    payload = json.loads(result.stdout)
    assert payload["format"] == "cjmgen-maps" and payload["version"] == 1
    assert [m["id"] for m in payload["maps"]] == ["chairs", "sofa"]
    stage = payload["maps"][1]["stages"][0]
    assert stage["kpis"][0] == {
        "name": "KPI Awareness", "value": {"raw": "5%", "number": 5.0, "percent": True, "unit": None},
        "target": {"raw": "7%", "number": 7.0, "percent": True, "unit": None}, "unit": None,
        "better": "higher", "status": "missed", "status_reason": None, "source": None,
    }
    assert stage["conversion_computed"] == 0.05 and stage["count"] == 1000
    assert payload["maps"][1]["reviewed"] == "2026-10-01"


def test_export_csv_has_kpis_and_funnel(make_repo, tmp_path: Path) -> None:
    root = make_repo({"maps/sofa.md": simple_map()})
    out = tmp_path / "sofa.csv"
    assert run(["export", "--format", "csv", "maps/sofa.md", "-o", str(out)], root).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8"), newline="")))
    kinds = [(r["stage"], r["kind"], r["name"], r["value"], r["target"], r["count"], r["conversion_computed"]) for r in rows]
    assert kinds == [
        ("awareness", "kpi", "KPI Awareness", "5%", "7%", "", ""),
        ("awareness", "funnel", "", "", "", "1000", "0.05"),
        ("deal", "kpi", "KPI Deal", "5%", "7%", "", ""),
        ("deal", "funnel", "", "", "", "50", ""),
    ]
    assert out.read_bytes().count(b"\r\n") == 5


def test_export_unknown_map_is_a_clear_error(make_repo) -> None:
    root = make_repo({"maps/sofa.md": simple_map()})
    result = run(["export", "--format", "json", "nope"], root)
    assert result.exit_code == 2 and "no map 'nope'" in result.output


def test_init_ci_github_writes_a_workflow(tmp_path: Path) -> None:
    result = run(["init", str(tmp_path / "site"), "--ci", "github"])
    assert result.exit_code == 0, result.output
    workflow = yaml.safe_load((tmp_path / "site/.github/workflows/cjmgen.yml").read_text())
    jobs = workflow["jobs"]
    assert set(jobs) == {"check", "diff", "publish"}
    assert any(step.get("run") == "cjmgen check" for step in jobs["check"]["steps"])
    diff_steps = " ".join(step.get("run", "") for step in jobs["diff"]["steps"])
    assert "cjmgen diff" in diff_steps and "--format markdown" in diff_steps and "gh pr comment" in diff_steps
    assert jobs["diff"]["steps"][0]["with"]["fetch-depth"] == 0
    assert "default_branch" in jobs["publish"]["if"]
    assert any("cjmgen build" in step.get("run", "") for step in jobs["publish"]["steps"])


def test_init_ci_gitlab_writes_a_pipeline(tmp_path: Path) -> None:
    result = run(["init", str(tmp_path / "site"), "--ci", "gitlab"])
    assert result.exit_code == 0, result.output
    pipeline = yaml.safe_load((tmp_path / "site/.gitlab-ci.yml").read_text())
    assert pipeline["check"]["script"] == ["cjmgen check"]
    assert any("--format markdown" in line for line in pipeline["diff"]["script"])
    assert pipeline["diff"]["rules"][0]["if"] == '$CI_PIPELINE_SOURCE == "merge_request_event"'
    assert pipeline["pages"]["artifacts"]["paths"] == ["public"]


def test_pre_commit_hook_definition() -> None:
    hooks = yaml.safe_load((Path(__file__).parent.parent / ".pre-commit-hooks.yaml").read_text())
    [hook] = hooks
    assert hook["id"] == "cjmgen-check" and hook["entry"] == "cjmgen check"
    assert hook["language"] == "python" and hook["pass_filenames"] is False
