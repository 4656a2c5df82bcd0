"""`strict:` and `validation:` in cjmgen.yml: per-code levels for check, build and serve."""

from __future__ import annotations

import json
import re
from pathlib import Path

from cjmgen.build.pipeline import BuildOptions
from cjmgen.checks.levels import DEFAULT_LEVELS
from cjmgen.incremental.rebuild import SiteBuilder
from tests.helpers.cli import run
from tests.helpers.repos import PROJECT, complete_stage

# One stage states 50% where the counts give 5% (conversion-mismatch); the other lacks
# goals, KPIs, obstacles and an owner (stage-incomplete).
MAP = (
    "---\ntitle: Sofa\npersona: anna\nreviewed: 2026-10-01\nstages:\n"
    + complete_stage("Awareness", "awareness", 1000, 1, extra="    conversion: 50%")
    + "  - id: deal\n    name: Deal\n    count: 50\n---\n"
)


def codes(root: Path) -> dict[str, str]:
    result = run(["check", "--format", "json"], root)
    return {d["code"]: d["severity"] for d in json.loads(result.stdout)["diagnostics"]}


def test_without_validation_both_are_warnings(make_repo) -> None:
    root = make_repo({"maps/sofa.md": MAP})
    assert codes(root) == {"conversion-mismatch": "warning", "stage-incomplete": "warning"}
    assert run(["check"], root).exit_code == 0


def test_levels_ignore_and_promote(make_repo) -> None:
    root = make_repo({"maps/sofa.md": MAP, "cjmgen.yml":
                      "validation: {stage-incomplete: ignore, conversion-mismatch: error}\n"})
    assert codes(root) == {"conversion-mismatch": "error"}
    result = run(["check"], root)
    assert result.exit_code == 1
    assert "error: stated conversion 50%" in result.output and "stage-incomplete" not in result.output
    built = run(["build", "--no-pdf"], root)
    assert built.exit_code == 1 and not (root / "site").exists()
    assert "build failed: 1 error;" in built.output


def test_info_is_shown_and_never_fails_even_strict(make_repo) -> None:
    root = make_repo({"maps/sofa.md": MAP, "cjmgen.yml":
                      "validation:\n  stage-incomplete: info\n  conversion-mismatch: info\n"})
    result = run(["check", "--strict"], root)
    assert result.exit_code == 0
    assert re.search(r"maps/sofa.md:\d+:\d+: info: stage 'Deal' has no goals", result.output)
    assert "no problems found (2 infos)" in result.output
    payload = json.loads(run(["check", "--format", "json"], root).stdout)
    assert (payload["errors"], payload["warnings"], payload["infos"]) == (0, 0, 2)
    assert run(["build", "--no-pdf", "--strict"], root).exit_code == 0


def test_strict_in_the_config_is_the_flag(make_repo) -> None:
    root = make_repo({"maps/sofa.md": MAP, "cjmgen.yml": "strict: true\n"})
    assert run(["check"], root).exit_code == 1
    built = run(["build", "--no-pdf"], root)
    assert built.exit_code == 1 and "2 warnings (--strict)" in built.output
    assert not (root / "site").exists()
    (root / "cjmgen.yml").write_text(
        "strict: true\nvalidation: {stage-incomplete: ignore, conversion-mismatch: info}\n")
    assert run(["check"], root).exit_code == 0
    assert run(["build", "--no-pdf"], root).exit_code == 0 and (root / "site" / "index.html").is_file()


def test_serve_applies_the_levels_and_strict(make_repo) -> None:
    root = make_repo({"maps/sofa.md": MAP, "cjmgen.yml": "validation: {conversion-mismatch: error}\n"})
    builder = SiteBuilder(root, BuildOptions(pdf=False))
    outcome = builder.rebuild()
    assert not outcome.ok and [d.code for d in outcome.diagnostics if d.severity == "error"] == ["conversion-mismatch"]
    (root / "cjmgen.yml").write_text("validation: {conversion-mismatch: ignore, stage-incomplete: ignore}\n")
    outcome = builder.rebuild()
    assert outcome.ok and outcome.diagnostics == []
    (root / "cjmgen.yml").write_text("strict: true\n")
    assert not builder.rebuild().ok


def test_unknown_codes_and_levels_point_into_the_config(make_repo) -> None:
    config = ("title: Maps\nvalidation:\n  stage-incomplet: ignore\n  conversion-mismatch: eror\n"
              "  yaml-syntax: warning\nstrict: maybe\n")
    root = make_repo({"maps/sofa.md": MAP, "cjmgen.yml": config})
    result = run(["check"], root)
    assert result.exit_code == 1
    out = result.output
    assert ("cjmgen.yml:3:3: error: validation: unknown diagnostic code 'stage-incomplet' "
            "(did you mean 'stage-incomplete'?) [config]") in out
    assert ("cjmgen.yml:4:24: error: validation.conversion-mismatch: expected one of ignore, info, "
            "warning, error, got 'eror' (did you mean 'error'?)") in out
    assert "cjmgen.yml:5:16: error: validation.yaml-syntax: 'yaml-syntax' is an error" in out
    assert "cjmgen.yml:6:9: error: strict: expected true or false" in out
    assert run(["build", "--no-pdf"], root).exit_code == 1 and not (root / "site").exists()


def test_every_code_and_its_default_level_is_documented() -> None:
    """docs/format.md's table of diagnostics and levels.DEFAULT_LEVELS say the same."""
    text = (PROJECT / "docs" / "format.md").read_text(encoding="utf-8")
    table = text.split("| code | default level | when |", 1)[1].split("\n\n", 1)[0]
    documented = {}
    for line in table.strip().splitlines()[1:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        for code in re.findall(r"`([a-z-]+)`", cells[0]):
            documented[code] = cells[1]
    assert documented == DEFAULT_LEVELS


def test_a_new_level_renders_no_page_and_no_pdf_again(make_repo) -> None:
    """`strict` and `validation` change what a run reports, never a page or a PDF: the
    pages are linked from the last site and the PDFs taken from the cache."""
    import os
    import shutil

    import pytest

    from cjmgen.build.pipeline import build

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed")
    root = make_repo({"maps/sofa.md": MAP, "cjmgen.yml": "title: Maps\n"})
    first = build(root)
    assert first.written and first.pdfs == 2 and first.pdfs_rendered == 2, first.diagnostics
    pages = {p: os.stat(p).st_ino for p in (root / "site").rglob("*.html")}
    (root / "cjmgen.yml").write_text("title: Maps\nstrict: true\n"
                                     "validation: {stage-incomplete: ignore, conversion-mismatch: info}\n")
    second = build(root)
    assert second.written and second.pdfs == 2 and second.pdfs_rendered == 0
    assert [d.code for d in second.diagnostics] == ["conversion-mismatch"]
    assert {p: os.stat(p).st_ino for p in (root / "site").rglob("*.html")} == pages


def test_every_code_the_source_reports_is_registered() -> None:
    """A new diagnostic code must be added to levels.DEFAULT_LEVELS (and so to the
    documented table), or `validation:` could not name it."""
    import ast

    reported: dict[str, str] = {}
    for path in sorted((PROJECT / "cjmgen").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[1] if name == "Diagnostic" and len(node.args) > 1 else node.args[0]
            if name in ("error", "warning", "Diagnostic") and isinstance(first, ast.Constant) \
                    and isinstance(first.value, str) and re.fullmatch(r"[a-z]+(-[a-z]+)*", first.value):
                reported[first.value] = path.name
    assert len(reported) > 30
    assert {code: where for code, where in reported.items() if code not in DEFAULT_LEVELS} == {}


def test_pdf_command_applies_the_levels(make_repo) -> None:
    root = make_repo({"maps/sofa.md": MAP, "cjmgen.yml": "validation: {stage-incomplete: error}\n"})
    result = run(["pdf", "sofa"], root)
    assert result.exit_code == 1 and "error: stage 'Deal' has no goals" in result.output
    assert "fix them first" in result.output and not list(root.rglob("*.pdf"))
