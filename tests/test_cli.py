"""The command line as a user meets it: help, version, exit codes, colour, scaffolds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cjmgen import __version__
from cjmgen.cli.main import cli
from tests.helpers.cli import run
from tests.helpers.repos import PROJECT, simple_map


def all_commands(group=cli, prefix=()):
    for name, command in sorted(group.commands.items()):
        yield (*prefix, name)
        if hasattr(command, "commands"):
            yield from all_commands(command, (*prefix, name))


@pytest.mark.parametrize("command", list(all_commands()), ids=" ".join)
def test_every_command_has_help(command: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output and len(result.output.splitlines()) > 3


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_python_dash_m_works() -> None:
    result = subprocess.run([sys.executable, "-m", "cjmgen", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "check" in result.stdout


def test_usage_error_exits_2(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "cjmgen", "check", "--no-such-flag"],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 2
    assert "No such option" in result.stderr and "Traceback" not in result.stderr


def test_exit_codes_clean_errors_strict(make_repo) -> None:
    root = make_repo({"maps/x.md": simple_map()})
    assert run(["check"], root).exit_code == 0
    (root / "maps" / "y.md").write_text(simple_map(header="colour: red\n"))
    assert run(["check"], root).exit_code == 0
    assert run(["check", "--strict"], root).exit_code == 1
    (root / "maps" / "z.md").write_text("---\ntitle: [\n---\n")
    assert run(["check"], root).exit_code == 1


def test_check_writes_nothing(make_repo) -> None:
    root = make_repo({"maps/x.md": simple_map()})
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    run(["check"], root)
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_dash_C_before_or_after_the_command(make_repo, tmp_path: Path, monkeypatch) -> None:
    root = make_repo({"maps/x.md": simple_map(persona="nobody")})
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(cli, ["-C", str(root), "check"]).exit_code == 1
    assert CliRunner().invoke(cli, ["check", "-C", str(root)]).exit_code == 1


def test_json_format_for_ci(make_repo) -> None:
    root = make_repo({"maps/x.md": simple_map(persona="nobody")})
    result = run(["check", "--format", "json"], root)
    report = json.loads(result.stdout)
    assert report["errors"] == 1
    [diag] = report["diagnostics"]
    assert diag == {
        "path": "maps/x.md", "line": 3, "column": 10, "severity": "error", "code": "persona-ref",
        "message": "unknown persona 'nobody'", "hint": "a persona id is a file name in personas/ without .md",
    }


def _cli_in_subprocess(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cjmgen", "-C", str(root), *args],
                          capture_output=True, text=True, env={**os.environ, **(env or {})})


def test_no_colour_when_not_a_terminal_or_no_color(make_repo) -> None:
    root = make_repo({"maps/x.md": simple_map(persona="nobody")})
    assert "\x1b[" not in _cli_in_subprocess(root, "check").stderr
    script = (
        "import sys, pty, os\n"
        "pid, fd = pty.fork()\n"
        "if pid == 0:\n"
        f"    os.execv(sys.executable, [sys.executable, '-m', 'cjmgen', '-C', {str(root)!r}, 'check'])\n"
        "out = b''\n"
        "while True:\n"
        "    try:\n        chunk = os.read(fd, 4096)\n    except OSError:\n        break\n"
        "    if not chunk:\n        break\n    out += chunk\n"
        "sys.stdout.write(repr(out))\n"
    )
    on_tty = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env={k: v for k, v in os.environ.items() if k != "NO_COLOR"})
    assert "\\x1b[" in on_tty.stdout
    no_color = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              env={**os.environ, "NO_COLOR": "1"})
    assert "\\x1b[" not in no_color.stdout and "unknown persona" in no_color.stdout


def test_internal_error_shows_no_traceback(make_repo, monkeypatch, capsys) -> None:
    import cjmgen.checks.parallel
    from cjmgen.cli import main as cli_module
    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(cjmgen.checks.parallel, "check_project", explode)
    monkeypatch.setattr(cli_module, "hard_exit", sys.exit)  # os._exit would end pytest too
    root = make_repo({"maps/x.md": simple_map()})
    for debug in (False, True):
        monkeypatch.setattr(sys, "argv", ["cjmgen", *(["--debug"] if debug else []), "-C", str(root), "check"])
        with pytest.raises(SystemExit) as exit_info:
            cli_module.main()
        assert exit_info.value.code == 1
        err = capsys.readouterr().err
        assert ("Traceback" in err) is debug
        assert "boom" in err


def test_init_creates_a_repository_that_checks_and_builds(tmp_path: Path) -> None:
    target = tmp_path / "new-repo"
    result = CliRunner().invoke(cli, ["init", str(target), "--title", "Our journeys"])
    assert result.exit_code == 0
    for name in ("cjmgen.yml", ".gitignore", "maps/example.md", "maps/personas/anna.md",
                 "maps/channels.yml", ".cjmgen/map.schema.json"):
        assert (target / name).is_file(), name
    config = (target / "cjmgen.yml").read_text()
    assert config.count("#") >= 12  # every key commented
    assert "site/" in (target / ".gitignore").read_text()
    check = run(["check", "--strict"], target)
    assert check.exit_code == 0, check.output
    assert run(["build", "--no-pdf"], target).exit_code == 0
    assert (target / "site" / "maps" / "example.html").is_file()
    again = CliRunner().invoke(cli, ["init", str(target)])
    assert "kept    cjmgen.yml" in again.output  # never overwrites


def test_a_build_leaves_git_status_clean_in_a_new_repository(tmp_path: Path) -> None:
    """What a build writes (the site, the caches, the output folder's lock file) is ignored
    by the .gitignore `init` writes: a team commits its maps, not its builds."""
    from tests.helpers.git_repos import commit, git

    target = tmp_path / "new-repo"
    assert CliRunner().invoke(cli, ["init", str(target)]).exit_code == 0
    git(target, "init", "-q", "-b", "main")
    commit(target, "maps", "2026-01-10T10:00:00+00:00")
    assert run(["build", "--no-pdf"], target).exit_code == 0
    assert (target / "site" / "index.html").is_file() and (target / ".site.lock").is_file()
    assert git(target, "status", "--porcelain", "--untracked-files=all") == ""


def test_new_map_and_persona_are_valid(tmp_path: Path) -> None:
    CliRunner().invoke(cli, ["init", str(tmp_path)])
    assert run(["new", "map", "b2c/sofa-online", "--title", "Sofa online"], tmp_path).exit_code == 0
    assert run(["new", "persona", "boris", "--name", "Boris, 45"], tmp_path).exit_code == 0
    text = (tmp_path / "maps" / "b2c" / "sofa-online.md").read_text()
    for key in ("persona:", "segment:", "goals:", "kpis:", "obstacles:", "touchpoints:", "emotion:",
                "triggers:", "push:", "opportunities:", "backstage:", "owner:", "count:", "conversion:"):
        assert key in text, key
    assert "../../.cjmgen/map.schema.json" in text
    report = json.loads(run(["check", "--format", "json"], tmp_path).stdout)
    assert report["errors"] == 0, report
    assert run(["new", "map", "b2c/sofa-online"], tmp_path).exit_code == 1  # exists
    assert run(["new", "map", "../escape"], tmp_path).exit_code == 2


def test_schema_describes_every_field(make_repo) -> None:
    root = make_repo({"cjmgen.yml": "lanes: {choice_factors: Choice factors}\n"})
    schema = json.loads(run(["schema", "map"], root).stdout)
    stage = schema["properties"]["stages"]["items"]["properties"]
    assert {"goals", "kpis", "emotion", "push", "next", "choice_factors"} <= set(stage)
    on_site_scale = schema["else"]["properties"]["stages"]["items"]["properties"]["emotion"]["anyOf"][0]
    assert on_site_scale == {"type": "integer", "minimum": -2, "maximum": 2}  # unless the map sets emotion_scale
    assert json.loads(run(["schema", "persona"], root).stdout)["required"] == ["name"]
    assert "additionalProperties" in json.loads(run(["schema", "channels"], root).stdout)


def test_check_does_not_import_heavy_modules(make_repo) -> None:
    root = make_repo({"maps/x.md": simple_map()})
    code = (
        f"import sys\nimport cjmgen.cli.main as cli\nsys.argv=['cjmgen','-C',{str(root)!r},'check']\n"
        "cli.hard_exit = lambda code: None\ncli.main()\n"
        "print(sorted(m for m in ('weasyprint','livereload','tornado') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT)
    assert out.stdout.strip().endswith("[]"), out.stdout + out.stderr
