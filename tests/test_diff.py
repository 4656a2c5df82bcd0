"""`cjmgen diff` on real git repositories: every kind of change, its code and severity, each format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.cli import run
from tests.helpers.git_repos import commit, git, init
from tests.helpers.repos import CHANNELS, PERSONA_ANNA

BORIS = "---\nname: Boris, 45\nrole: Office manager\n---\nBoris's story.\n"


def stage(name: str, stage_id: str, *, count: int | None = None, emotion: int = 0, kpi: str = "5%",
          target: str = "7.5%", kpi_name: str | None = None, obstacles: tuple[str, ...] = ("Vague offer",),
          owner: str | None = "Marketing", better: str = "") -> str:
    lines = [
        f"  - id: {stage_id}",
        f"    name: {name}",
        f"    goals: [Goal of {stage_id}]",
        f"    kpis: [{{name: {kpi_name or 'KPI ' + stage_id}, value: {kpi}, target: {target}{better}}}]",
        f"    obstacles: [{', '.join(obstacles)}]" if obstacles else "    obstacles: []",
        f"    emotion: {emotion}",
        "    touchpoints: [website]",
    ]
    if owner:
        lines.append(f"    owner: {owner}")
    if count is not None:
        lines.append(f"    count: {count}")
    return "\n".join(lines) + "\n"


def a_map(title: str, stages: list[str], persona: str = "anna", extra: str = "", body: str = "Story.\n") -> str:
    return (f"---\ntitle: {title}\npersona: {persona}\nsegment: Mobile\nreviewed: 2026-01-01\n{extra}stages:\n"
            + "".join(stages) + "---\n" + body)


SOFA_V1 = a_map("Buying a sofa", [
    stage("Awareness", "awareness", count=1000, emotion=1, kpi_name="Ad CTR"),
    stage("Deal", "deal", count=50, emotion=-1, obstacles=("Vague offer", "No delivery dates")),
])
CHAIRS_V1 = a_map("Office chairs", [
    stage("Search", "search", emotion=0),
    stage("Compare", "compare", emotion=-1, kpi="12", target="10", better=", better: lower", kpi_name="Days to decide"),
    stage("Order", "order", emotion=1),
])
OLD = a_map("Old journey", [stage("Only", "only")])
MOVING = a_map("Moving house", [stage("Plan", "plan"), stage("Move", "move")])


@pytest.fixture
def history_repo(tmp_path: Path) -> Path:
    """main: one commit; feature: one commit per kind of change."""
    root = init(tmp_path / "repo", {
        "maps/personas/anna.md": PERSONA_ANNA, "maps/personas/boris.md": BORIS, "maps/channels.yml": CHANNELS,
        "maps/sofa.md": SOFA_V1, "maps/chairs.md": CHAIRS_V1, "maps/old.md": OLD, "maps/moving.md": MOVING,
    })
    commit(root, "Start", "2026-01-10T10:00:00+00:00")
    git(root, "checkout", "-q", "-b", "feature")
    sofa = [
        stage("Awareness", "awareness", count=1000, emotion=1, kpi_name="Ad CTR"),
        stage("Deal", "deal", count=50, emotion=-1, obstacles=("Vague offer", "No delivery dates")),
        stage("Loyalty", "loyalty", count=20, emotion=2),
    ]
    commit(root, "Stage added", "2026-01-11T10:00:00+00:00", {"maps/sofa.md": a_map("Buying a sofa", sofa)})
    sofa[0] = stage("Attention", "awareness", count=1000, emotion=1, kpi_name="Ad CTR")
    commit(root, "Stage renamed", "2026-01-12T10:00:00+00:00", {"maps/sofa.md": a_map("Buying a sofa", sofa)})
    chairs = a_map("Office chairs", [
        stage("Search", "search", emotion=0),
        stage("Order", "order", emotion=1),
        stage("Compare", "compare", emotion=-1, kpi="12", target="10", better=", better: lower", kpi_name="Days to decide"),
    ])
    commit(root, "Stages reordered", "2026-01-13T10:00:00+00:00", {"maps/chairs.md": chairs})
    sofa[0] = stage("Attention", "awareness", count=1000, emotion=1, kpi_name="Ad CTR", kpi="7%")
    sofa[1] = stage("Deal", "deal", count=40, emotion=-2, obstacles=("Vague offer",))
    commit(root, "KPI changed, obstacle removed", "2026-01-14T10:00:00+00:00",
           {"maps/sofa.md": a_map("Buying a sofa", sofa)})
    commit(root, "Chairs are for Boris", "2026-01-15T10:00:00+00:00",
           {"maps/chairs.md": chairs.replace("persona: anna", "persona: boris")})
    commit(root, "Old journey retired", "2026-01-16T10:00:00+00:00", remove=("maps/old.md",))
    commit(root, "Moving house into its folder", "2026-01-17T10:00:00+00:00",
           moves={"maps/moving.md": "maps/home/moving.md"})
    return root


def diff_json(root: Path, *args: str) -> dict:
    result = run(["diff", *args, "--format", "json"], root)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def changes_of(report: dict, map_id: str) -> list[dict]:
    entry = next(m for m in report["maps"] if m["id"] == map_id)
    return entry["changes"]


def codes(report: dict, map_id: str) -> list[tuple[str, str]]:
    return [(c["code"], c["severity"]) for c in changes_of(report, map_id)]


def test_every_kind_of_change_between_two_revisions(history_repo: Path) -> None:
    report = diff_json(history_repo, "main", "feature")
    assert report["format"] == "cjmgen-diff" and report["version"] == 1
    assert report["base"]["label"] == "main" and len(report["base"]["commit"]) == 40
    statuses = {m["id"]: m["status"] for m in report["maps"]}
    assert statuses == {"sofa": "changed", "chairs": "changed", "old": "removed", "home/moving": "renamed"}

    sofa = changes_of(report, "sofa")
    by_code = {c["code"]: c for c in sofa}
    assert by_code["stage-added"] == {
        "code": "stage-added", "severity": "info", "map": "sofa", "stage": "loyalty", "field": "stages",
        "old": None, "new": "Loyalty", "message": "stage Loyalty added",
    }
    assert by_code["stage-renamed"]["message"] == "stage Awareness renamed to Attention"
    assert (by_code["stage-renamed"]["old"], by_code["stage-renamed"]["new"]) == ("Awareness", "Attention")
    assert by_code["kpi-improved"]["message"] == "KPI 'Ad CTR' in stage Attention 5% -> 7% (target 7.5%)"
    assert by_code["kpi-improved"]["severity"] == "info"
    assert by_code["obstacle-removed"]["message"] == 'obstacle removed in stage Deal: "No delivery dates"'
    assert by_code["obstacle-removed"]["severity"] == "info"
    assert by_code["emotion-changed"]["message"] == "emotion at Deal -1 -> -2"
    assert (by_code["emotion-changed"]["old"], by_code["emotion-changed"]["new"]) == (-1, -2)
    assert by_code["conversion-dropped"]["severity"] == "warning"
    assert by_code["conversion-dropped"]["message"] == "conversion from Attention 5% -> 4%"
    assert by_code["count-changed"]["message"] == "customers at Deal 50 -> 40"
    assert "stage-removed" not in by_code and "stage-moved" not in by_code

    chairs = codes(report, "chairs")
    assert ("persona-changed", "warning") in chairs
    moved = [c for c in changes_of(report, "chairs") if c["code"] == "stage-moved"]
    # two neighbours swapped: one of them is reported as moved (the one after the swap)
    assert [(c["stage"], c["old"], c["new"], c["message"]) for c in moved] == [
        ("order", 3, 2, "stage Order moved: position 3 -> 2")]
    assert not any(code in ("stage-added", "stage-removed") for code, _ in chairs)

    assert codes(report, "old") == [("map-removed", "warning")]
    renamed = changes_of(report, "home/moving")
    assert renamed[0]["code"] == "map-renamed" and renamed[0]["severity"] == "info"
    assert (renamed[0]["old"], renamed[0]["new"]) == ("maps/moving.md", "maps/home/moving.md")
    assert report["summary"]["maps"] == {"added": 0, "removed": 1, "renamed": 1, "changed": 2, "unreadable": 0,
                                         "affected": 0}
    assert report["summary"]["highest"] == "warning"


def test_regressed_kpi_respects_better(history_repo: Path) -> None:
    chairs = (history_repo / "maps/chairs.md").read_text()
    worse = chairs.replace("value: 12", "value: 14")
    (history_repo / "maps/chairs.md").write_text(worse)
    report = diff_json(history_repo, "HEAD")
    [change] = changes_of(report, "chairs")
    assert change["code"] == "kpi-regressed" and change["severity"] == "warning"
    assert change["message"] == "KPI 'Days to decide' in stage Compare 12 -> 14 (target 10)"
    (history_repo / "maps/chairs.md").write_text(chairs.replace("value: 12", "value: 9"))
    [change] = changes_of(diff_json(history_repo, "HEAD"), "chairs")
    assert change["code"] == "kpi-improved" and change["severity"] == "info"


def test_persona_file_and_channel_changes_are_reported(history_repo: Path) -> None:
    (history_repo / "maps/personas/anna.md").write_text(PERSONA_ANNA.replace("Young professional", "Designer"))
    (history_repo / "maps/channels.yml").write_text(CHANNELS + "email: {name: Email, kind: online}\n")
    report = diff_json(history_repo, "HEAD")
    other = [(c["code"], c["severity"], c["message"]) for c in report["other"]]
    assert ("persona-edited", "info", "persona Anna, 32 edited: role") in other
    assert ("channel-added", "info", "channel Email added (online)") in other


def test_default_base_is_the_merge_base_and_head_the_working_tree(history_repo: Path) -> None:
    git(history_repo, "checkout", "-q", "main")
    commit(history_repo, "Unrelated change on main", "2026-01-20T10:00:00+00:00",
           {"maps/old.md": OLD.replace("Old journey", "Older journey")})
    git(history_repo, "checkout", "-q", "feature")
    (history_repo / "maps/sofa.md").write_text((history_repo / "maps/sofa.md").read_text().replace("Loyalty", "Repeat"))
    report = diff_json(history_repo)
    assert report["base"]["label"] == "merge base with main"
    assert report["head"] == {"label": "working tree", "commit": None}
    # the merge base predates main's later commit: old.md shows as removed, not retitled
    assert codes(report, "old") == [("map-removed", "warning")]
    sofa = {c["code"]: c for c in changes_of(report, "sofa")}
    assert sofa["stage-added"]["new"] == "Repeat"


def test_text_output_is_plan_style_with_summary_first(history_repo: Path) -> None:
    result = run(["diff", "main", "feature"], history_repo)
    lines = result.stdout.splitlines()
    assert lines[0] == ("cjmgen diff: 4 maps changed (1 removed, 1 renamed, 2 changed); "
                        f"{lines[0].split('; ')[1]}")
    assert "\x1b[" not in result.stdout  # not a terminal: no colour
    text = result.stdout
    assert '~ map sofa "Buying a sofa" (maps/sofa.md)' in text
    assert "    + stage Loyalty added [stage-added]" in text
    assert "    ~ KPI 'Ad CTR' in stage Attention 5% -> 7% (target 7.5%) [kpi-improved]" in text
    assert '    - obstacle removed in stage Deal: "No delivery dates" [obstacle-removed]' in text
    assert "    ~ emotion at Deal -1 -> -2 [emotion-changed]" in text
    assert "    ~ warning: conversion from Attention 5% -> 4% [conversion-dropped]" in text
    assert '- map old "Old journey" (maps/old.md)' in text
    assert '~ map home/moving "Moving house" (maps/moving.md -> maps/home/moving.md)' in text


def test_text_colour_only_on_a_terminal_and_never_with_no_color(history_repo: Path, monkeypatch) -> None:
    from cjmgen.config import SiteConfig
    from cjmgen.review.formats import format_text
    from cjmgen.review.history import compare_revisions

    diff = compare_revisions(history_repo, SiteConfig(root=history_repo), "main", "feature")
    assert "\x1b[32m+\x1b[0m" in format_text(diff, colour=True)
    from cjmgen.cli.common import wants_colour

    class Tty:
        def isatty(self) -> bool:
            return True

    assert wants_colour(Tty())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not wants_colour(Tty())


def test_markdown_has_a_summary_table_details_and_mermaid_curves(history_repo: Path) -> None:
    result = run(["diff", "main", "feature", "--format", "markdown"], history_repo)
    text = result.stdout
    assert text.startswith("## Journey map changes\n")
    assert "| | Map | Status | Changes | Warnings | Errors |" in text
    assert "| ✏️ | Buying a sofa (`sofa`) | changed |" in text
    assert "| ➖ | Old journey (`old`) | removed | 1 | 1 | 0 |" in text
    assert "### ✏️ Buying a sofa (`sofa`)" in text
    assert "<details><summary>All " in text and "</details>" in text
    assert "- ➕ stage Loyalty added `stage-added`" in text
    assert "- ✏️ ⚠️ **warning** conversion from Attention 5% → 4% `conversion-dropped`" in text
    assert "```mermaid\njourney\n    title Before\n    section Awareness\n      Awareness: 4: Customer" in text
    assert "    section Loyalty\n      Loyalty: 5: Customer" in text


def test_markdown_escapes_user_text() -> None:
    from cjmgen.review.formats import md

    assert md("<script>|*x*") == "&lt;script&gt;\\|\\*x\\*"


def test_fail_on_sets_the_exit_status(history_repo: Path) -> None:
    assert run(["diff", "main", "feature", "--fail-on", "error"], history_repo).exit_code == 0
    assert run(["diff", "main", "feature", "--fail-on", "warning"], history_repo).exit_code == 1
    assert run(["diff", "feature", "feature", "--fail-on", "warning"], history_repo).exit_code == 0


def test_no_changes(history_repo: Path) -> None:
    result = run(["diff", "HEAD"], history_repo)
    assert result.stdout.splitlines()[0] == "cjmgen diff: no semantic changes"
    assert diff_json(history_repo, "HEAD")["maps"] == []


def test_cosmetic_fields_are_downgraded_to_info(history_repo: Path) -> None:
    (history_repo / "cjmgen.yml").write_text("diff: {cosmetic: [persona, kpis]}\n")
    report = diff_json(history_repo, "main", "feature")
    assert ("persona-changed", "info") in codes(report, "chairs")
    chairs = history_repo / "maps/chairs.md"
    chairs.write_text(chairs.read_text().replace("value: 12", "value: 14"))
    assert codes(diff_json(history_repo, "HEAD"), "chairs") == [("kpi-regressed", "info")]


def test_parse_error_at_one_side_is_reported_and_the_rest_still_diffs(history_repo: Path) -> None:
    (history_repo / "maps/sofa.md").write_text("---\ntitle: [unclosed\n---\n")
    chairs = history_repo / "maps/chairs.md"
    chairs.write_text(chairs.read_text().replace("emotion: 1", "emotion: 2"))
    result = run(["diff", "HEAD", "--format", "json", "--fail-on", "error"], history_repo)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    [error] = changes_of(report, "sofa")
    assert (error["code"], error["severity"], error["field"]) == ("parse-error", "error", "head")
    assert error["message"].startswith("maps/sofa.md does not parse at working tree: 3:1: invalid YAML")
    assert next(m for m in report["maps"] if m["id"] == "sofa")["status"] == "unreadable"
    assert codes(report, "chairs") == [("emotion-changed", "info")]
    # and the other way round: broken at the base is a warning
    git(history_repo, "add", "-A")
    git(history_repo, "commit", "-q", "-m", "broken", date="2026-02-01T10:00:00+00:00")
    (history_repo / "maps/sofa.md").write_text(SOFA_V1)
    report = diff_json(history_repo, "HEAD")
    [error] = changes_of(report, "sofa")
    assert (error["code"], error["severity"], error["field"]) == ("parse-error", "warning", "base")


def test_a_huge_file_in_a_revision_is_named_not_parsed(history_repo: Path) -> None:
    """A map over the work tree's 8 MB limit, committed once by mistake, is reported at that
    side by its size (parsing it would take minutes and gigabytes), and the rest still diffs."""
    sofa = history_repo / "maps/sofa.md"
    kept = sofa.read_text()
    sofa.write_text(kept + "\n" + "Notes that were pasted twice. " * 300_000)  # about 9 MB
    git(history_repo, "add", "-A")
    git(history_repo, "commit", "-q", "-m", "pasted", date="2026-02-01T10:00:00+00:00")
    sofa.write_text(kept)
    chairs = history_repo / "maps/chairs.md"
    chairs.write_text(chairs.read_text().replace("emotion: 1", "emotion: 2"))
    report = diff_json(history_repo, "HEAD")
    [error] = changes_of(report, "sofa")
    assert (error["code"], error["severity"], error["field"]) == ("parse-error", "warning", "base")
    assert "'maps/sofa.md' is 8.6 MB; cjmgen reads content files of up to 8 MB" in error["message"]
    assert codes(report, "chairs") == [("emotion-changed", "info")]


def test_two_files_and_two_folders_without_git(tmp_path: Path) -> None:
    old, new = tmp_path / "old.md", tmp_path / "new.md"
    old.write_text(SOFA_V1)
    new.write_text(SOFA_V1.replace("emotion: -1", "emotion: -2"))
    result = run(["diff", str(old), str(new)], tmp_path)
    assert "~ emotion at Deal -1 -> -2 [emotion-changed]" in result.stdout
    a, b = tmp_path / "a", tmp_path / "b"
    (a / "x").mkdir(parents=True)
    (b / "x").mkdir(parents=True)
    (a / "x/sofa.md").write_text(SOFA_V1)
    (b / "x/sofa.md").write_text(SOFA_V1)
    (b / "x/old.md").write_text(OLD)
    result = run(["diff", str(a), str(b), "--format", "json"], tmp_path)
    assert [(m["id"], m["status"]) for m in json.loads(result.stdout)["maps"]] == [("x/old", "added")]


def test_clear_errors_for_git_problems(history_repo: Path, tmp_path: Path) -> None:
    result = run(["diff", "no-such-branch"], history_repo)
    assert result.exit_code == 2
    assert "unknown revision 'no-such-branch'" in result.output
    outside = tmp_path / "plain"
    outside.mkdir()
    result = run(["diff", "main"], outside)
    assert result.exit_code == 2 and "is not inside a git repository" in result.output
    assert "Traceback" not in result.output


def test_shallow_clone_without_the_base_says_so(history_repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "feature", f"file://{history_repo}", str(clone))
    result = run(["diff", "HEAD~3"], clone)
    assert result.exit_code == 2
    assert "unknown revision 'HEAD~3'" in result.output and "shallow clone" in result.output
    assert "fetch-depth: 0" in result.output


def test_html_is_self_contained_and_highlights_cells(history_repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "diff.html"
    result = run(["diff", "main", "feature", "--format", "html", "-o", str(out)], history_repo)
    assert result.exit_code == 0, result.output
    page = out.read_text()
    assert page.startswith("<!doctype html>")
    for needle in ('class="cell-added"', 'class="cell-changed"', "emo-ghost-line", "kpi-improved", "▲"):
        assert needle in page, needle
    assert "<link" not in page and "<script" not in page and "src=" not in page
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in page


def test_every_change_code_is_documented_with_its_severity() -> None:
    from cjmgen.review.diff import CODES

    docs = (Path(__file__).parent.parent / "docs/review.md").read_text(encoding="utf-8")
    for code, (severity, _) in CODES.items():
        assert f"`{code}`" in docs, code
        row = next((line for line in docs.splitlines() if line.startswith(f"| `{code}` |")), None)
        if row is not None:
            assert f"| {severity} |" in row, code
        else:  # lane items are listed together: all info
            assert severity == "info", code


def test_moved_and_edited_map_is_matched_by_git_rename_detection(history_repo: Path) -> None:
    (history_repo / "maps/b2b").mkdir()
    git(history_repo, "mv", "maps/chairs.md", "maps/b2b/chairs.md")
    moved = history_repo / "maps/b2b/chairs.md"
    moved.write_text(moved.read_text().replace("title: Office chairs", "title: Chairs for offices"))
    git(history_repo, "add", "-A")
    report = diff_json(history_repo, "HEAD")
    [entry] = report["maps"]
    assert (entry["id"], entry["status"], entry["old_path"], entry["new_path"]) == (
        "b2b/chairs", "renamed", "maps/chairs.md", "maps/b2b/chairs.md")
    assert [c["code"] for c in entry["changes"]] == ["map-renamed", "url-changed", "title-changed"]


def test_a_project_in_a_subfolder_of_the_git_repository(tmp_path: Path) -> None:
    root = init(tmp_path / "repo", {"cx/maps/personas/anna.md": PERSONA_ANNA, "cx/maps/sofa.md": SOFA_V1,
                                     "src/app.py": "print('not maps')\n"})
    commit(root, "Start", "2026-01-10T10:00:00+00:00")
    (root / "cx/maps/sofa.md").write_text(SOFA_V1.replace("emotion: -1", "emotion: 0"))
    (root / "src/app.py").write_text("print('changed')\n")
    report = diff_json(root / "cx", "HEAD")
    assert [(m["id"], m["old_path"]) for m in report["maps"]] == [("sofa", "maps/sofa.md")]
    assert codes(report, "sofa") == [("emotion-changed", "info")]
