"""`cjmgen export` (JSON, CSV) and the CI scaffolds; Mermaid is in test_mermaid_*.py."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import yaml

from tests.helpers.cli import run
from tests.helpers.repos import simple_map


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
    assert "cjmgen diff" in diff_steps and "--format markdown" in diff_steps and "gh api" in diff_steps
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
