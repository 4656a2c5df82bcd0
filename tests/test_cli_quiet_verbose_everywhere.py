"""`-q` and `-v` mean the same for every command as for check and build.

-q: only errors and the verdict (diff's and export's report itself, the exit status);
no notes, warnings or "wrote/created" lines. -v: a timed line per stage where a
command has stages (diff, export, import); before or after the command name.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cjmgen.cli.main import cli
from tests.helpers.cli import run
from tests.helpers.repos import simple_map

# Tasks before the first section: the import warns that they became a stage of their own
DIAGRAM = "journey\n  title Sofa\n  Look around: 4: Me\n  section Buy\n    Pay: 3: Me\n"


def stage_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("  ") and line.endswith(" s)")]


@pytest.fixture
def two_versions(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "old.md", tmp_path / "new.md"
    old.write_text(simple_map(title="Buying a sofa"), encoding="utf-8")
    new.write_text(simple_map(title="Buying a sofa online"), encoding="utf-8")
    return old, new


@pytest.mark.parametrize("where", ["before", "after"])
def test_quiet_diff_prints_the_report_and_nothing_else(make_repo, two_versions, tmp_path: Path, where: str) -> None:
    root = make_repo({"maps/a.md": simple_map()})
    old, new = two_versions
    target = tmp_path / "report.md"
    args = ["diff", str(old), str(new), "--format", "markdown", "-o", str(target)]
    normal = run(args, root)
    assert normal.exit_code == 0 and normal.stderr == f"wrote {target}\n"
    report = target.read_text(encoding="utf-8")
    assert "Buying a sofa online" in report
    target.unlink()
    quiet = run(["-q", *args] if where == "before" else [*args, "-q"], root)
    assert quiet.exit_code == 0 and quiet.output == ""
    assert target.read_text(encoding="utf-8") == report  # the same report: only the chatter went
    to_stdout = run(["diff", "-q", str(old), str(new)], root)
    assert to_stdout.stdout == run(["diff", str(old), str(new)], root).stdout != ""


def test_quiet_diff_still_fails_on_what_ci_asked_for(make_repo, tmp_path: Path) -> None:
    root = make_repo({"maps/a.md": simple_map()})
    old, new = tmp_path / "old.md", tmp_path / "new.md"
    old.write_text(simple_map(), encoding="utf-8")
    new.write_text(simple_map(persona="boris"), encoding="utf-8")  # an unknown persona: check will say so
    loud = run(["diff", str(old), str(new), "--fail-on", "warning"], root)
    quiet = run(["diff", "-q", str(old), str(new), "--fail-on", "warning"], root)
    assert loud.exit_code == quiet.exit_code == 1
    assert quiet.stderr == "" and quiet.stdout == loud.stdout


def test_verbose_diff_times_reading_comparing_and_writing(make_repo, two_versions) -> None:
    root = make_repo({"maps/a.md": simple_map()})
    old, new = two_versions
    result = run(["diff", str(old), str(new), "-v"], root)
    assert result.exit_code == 0
    stages = [line.split(" (")[0].strip() for line in stage_lines(result.stderr)]
    assert stages == [
        "read cjmgen.yml",
        f"compared {old} with {new}: 1 map changed, " + stages[1].rpartition(", ")[2],
        "wrote the text report",
    ]
    assert stages[1].endswith(("1 change", " changes"))
    assert stage_lines(run(["diff", str(old), str(new)], root).stderr) == []  # without -v: none


def test_quiet_and_verbose_export(make_repo, tmp_path: Path) -> None:
    root = make_repo({"maps/a.md": simple_map(), "maps/b.md": simple_map(title="Chair")})
    target = tmp_path / "maps.csv"
    normal = run(["export", "--format", "csv", "-o", str(target)], root)
    assert normal.stderr == f"wrote {target} (2 maps)\n"
    data = target.read_bytes()
    quiet = run(["export", "-q", "--format", "csv", "-o", str(target)], root)
    assert quiet.exit_code == 0 and quiet.output == "" and target.read_bytes() == data
    verbose = run(["-v", "export", "--format", "csv", "-o", str(target)], root)
    assert [line.split(" (")[0].strip() for line in stage_lines(verbose.stderr)] == [
        "read 2 maps, chose 2", "exported 2 maps as csv"]
    assert verbose.stderr.splitlines()[-1] == f"wrote {target} (2 maps)"
    diagrams = run(["export", "--format", "mermaid", "--output-dir", str(tmp_path / "mmd"), "--quiet"], root)
    assert diagrams.output == "" and sorted(p.name for p in (tmp_path / "mmd").iterdir()) == ["a.mmd", "b.mmd"]
    printed = run(["export", "-q", "--format", "json", "a"], root)
    assert printed.stdout.startswith("{") and printed.stderr == ""  # the export is the verdict


def test_quiet_import_hides_its_warnings_and_created_lines(make_repo, tmp_path: Path) -> None:
    root = make_repo({})
    diagram = tmp_path / "journey.mmd"
    diagram.write_text(DIAGRAM, encoding="utf-8")
    normal = run(["import", "mermaid", str(diagram), "-o", "-"], root)
    assert f"{diagram}:3: warning: tasks before the first section" in normal.stderr
    quiet = run(["import", "mermaid", str(diagram), "-o", "-", "-q"], root)
    assert quiet.exit_code == 0 and quiet.stderr == "" and quiet.stdout == normal.stdout
    written = run(["-q", "import", "mermaid", str(diagram)], root)
    assert written.exit_code == 0 and written.output == ""
    assert (root / "maps" / "sofa.md").is_file()
    refused = run(["-q", "import", "mermaid", str(diagram)], root)  # errors still show
    assert refused.exit_code == 2 and "exists; --force overwrites it" in refused.stderr
    verbose = run(["import", "mermaid", str(diagram), "-v", "--force"], root)
    assert [line.split(" (")[0].strip() for line in stage_lines(verbose.stderr)] == [
        "read 1 journey diagram and made 1 map", "wrote 1 map file"]
    assert "created " in verbose.stdout and "warning: tasks before the first section" in verbose.stderr


def test_quiet_init_and_new_print_nothing_but_errors(tmp_path: Path) -> None:
    target = tmp_path / "repo"
    normal = CliRunner().invoke(cli, ["init", str(tmp_path / "other")])
    assert "  created cjmgen.yml" in normal.stdout and normal.stdout.splitlines()[-1].startswith("Next: cd ")
    for args in (["-q", "init", str(target)], ["init", str(target), "--quiet", "--ci", "github"]):
        quiet = CliRunner().invoke(cli, args)
        assert quiet.exit_code == 0 and quiet.output == "", quiet.output
    assert (target / "cjmgen.yml").is_file() and (target / ".github/workflows").is_dir()
    assert run(["new", "map", "b2c/sofa", "-q"], target).output == ""
    assert run(["-q", "new", "persona", "boris"], target).output == ""
    assert (target / "maps/b2c/sofa.md").is_file() and (target / "maps/personas/boris.md").is_file()
    again = run(["new", "map", "b2c/sofa", "-q"], target)
    assert again.exit_code == 1 and again.stderr == "maps/b2c/sofa.md exists; not overwritten\n"
    assert run(["new", "map", "b2c/chair"], target).stdout == "created maps/b2c/chair.md\n"


def test_verbose_init_and_new_have_no_stages_and_say_what_they_always_say(tmp_path: Path) -> None:
    plain = CliRunner().invoke(cli, ["init", str(tmp_path / "a")])
    verbose = CliRunner().invoke(cli, ["init", "-v", str(tmp_path / "b")])
    assert verbose.exit_code == 0
    assert verbose.output == plain.output.replace(str(tmp_path / "a"), str(tmp_path / "b"))
    assert run(["new", "map", "x", "-v"], tmp_path / "b").output == "created maps/x.md\n"


def test_quiet_schema_writes_its_files_silently(make_repo, tmp_path: Path) -> None:
    root = make_repo({})
    assert run(["schema", "--output", str(tmp_path / "s")], root).stdout.count("wrote ") == 3
    quiet = run(["schema", "-q", "--output", str(tmp_path / "q")], root)
    assert quiet.output == "" and len(list((tmp_path / "q").iterdir())) == 3


def test_every_command_takes_q_and_v_after_its_name(make_repo) -> None:
    root = make_repo({"maps/a.md": simple_map()})
    for command in (["check"], ["build"], ["diff"], ["export"], ["import", "mermaid"], ["init"], ["new", "map"],
                    ["new", "persona"], ["schema"], ["pdf"], ["serve"]):
        help_text = run([*command, "--help"], root).stdout
        assert "-q, --quiet" in help_text and "-v, --verbose" in help_text, command
