"""A pull-request comment that would exceed the code host's limit keeps what fits and says what it left out."""

from __future__ import annotations

import re
from pathlib import Path

from tests.helpers.cli import run
from tests.helpers.git_repos import commit, git, init
from tests.helpers.review_pr import make_pull_request
from tools.bench.corpus import review_map

PERSONA = "---\nname: Anna, 32\n---\n"


def test_a_comment_over_the_limit_keeps_details_that_fit_and_names_what_it_left_out(tmp_path: Path) -> None:
    maps = {f"maps/team/journey-{n:02d}.md": review_map(n, 0) for n in range(55)}
    root = init(tmp_path / "repo", {"maps/personas/anna.md": PERSONA, **maps})
    commit(root, "55 journeys", "2026-10-01T10:00:00+00:00")
    git(root, "checkout", "-q", "-b", "feature")
    commit(root, "Every KPI after the quarter", "2026-10-02T10:00:00+00:00",
           {path: review_map(n, 1) for n, path in enumerate(maps)})
    report = "https://ci.example.com/acme/maps/actions/runs/42"
    result = run(["diff", "main", "feature", "--format", "markdown", "--full-report", report], root)
    assert result.exit_code == 0, result.output
    comment = result.stdout
    assert len(comment) <= 60000
    whole = run(["diff", "main", "feature", "--format", "markdown", "--max-chars", "10000000"], root).stdout
    assert len(whole) > 60000 and "Not everything fits" not in whole

    # every map keeps its row, its section and its warnings; the details of the first ones are kept
    for n in range(55):
        assert f"### ✏️ Journey {n} (`team/journey-{n:02d}`)" in comment
    assert comment.count("⚠️ **warning** KPI 'Cost 0' in stage Awareness 40 RUB → 39 RUB") == 0  # improved: info
    assert comment.count("**warning** KPI 'KPI 0' in stage Awareness") == 0
    kept = comment.count("<details><summary>")
    assert 10 < kept < 55
    assert comment.count("</details>") == kept
    assert "<details><summary>All" in comment.split("### ✏️ Journey 0 ")[1].split("### ")[0]

    [note] = [line for line in comment.splitlines() if "Not everything fits" in line]
    left_out = 55 - kept
    assert f"the lists of every change are left out for these maps ({left_out}): Journey {kept}, " in note
    assert f"and {left_out - 12} more" in note
    assert f"The full report: [the whole diff]({report})." in note
    assert "(the limit is 60,000 characters)" in note
    assert comment.rstrip().endswith(note)


def test_a_russian_comment_without_a_report_address_says_how_to_get_it(tmp_path: Path) -> None:
    root = make_pull_request(tmp_path)
    full = run(["diff", "main", "feature", "--format", "markdown"], root).stdout
    first_map = full.index("\n### ")
    limit = len(full) - 500
    comment = run(["diff", "main", "feature", "--format", "markdown", "--max-chars", str(limit)], root).stdout
    assert len(comment) <= limit
    note = next(line for line in comment.splitlines() if "В комментарий поместилось не всё" in line)
    assert re.search(r"подробные списки изменений опущены для карт \(\d\): ", note)
    assert "`cjmgen diff BASE HEAD --format html`" in note and "«Что изменилось»" in note
    assert comment[:first_map] == full[:first_map]  # the summary and the table are whole
    # the errors and warnings of every map stay in the comment
    for line in full.splitlines():
        if "**ошибка**" in line or "**предупреждение**" in line:
            assert line in comment


def test_the_ci_workflows_name_their_full_report() -> None:
    import yaml

    from cjmgen.scaffold.ci import github_workflow, gitlab_pipeline

    steps = yaml.safe_load(github_workflow("cjmgen"))["jobs"]["diff"]["steps"]
    script = next(s["run"] for s in steps if "--format markdown" in s.get("run", ""))
    assert '--full-report "$RUN_URL"' in script and "--format html --output cjmgen-diff.html" in script
    assert any(s.get("uses", "").startswith("actions/upload-artifact") and s["with"]["path"] == "cjmgen-diff.html"
               for s in steps)
    gitlab = yaml.safe_load(gitlab_pipeline("cjmgen"))["diff"]
    assert '--full-report "$CI_JOB_URL/artifacts/file/cjmgen-diff.html"' in gitlab["script"][1]
    assert "cjmgen-diff.html" in gitlab["artifacts"]["paths"]
