"""`-q` and `-v` on check and build, and `serve -a HOST:PORT` (MkDocs' --dev-addr)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cjmgen.serve.address import AddressError, split_address
from tests.helpers.cli import ctrl_c_stops, run, stop_serve
from tests.helpers.repos import simple_map
from tests.test_serve import WAIT, fetch

BROKEN = simple_map(header="colour: red\n")  # a warning: unknown-key


def test_quiet_check_prints_errors_and_the_verdict_only(make_repo) -> None:
    root = make_repo({"maps/a.md": BROKEN, "maps/b.md": simple_map(persona="ana")})
    normal = run(["check"], root)
    assert "warning: unknown key 'colour'" in normal.output and "error: unknown persona 'ana'" in normal.output
    for args in (["-q", "check"], ["check", "-q"], ["check", "--quiet"]):
        quiet = run(args, root)
        assert quiet.exit_code == 1
        assert "warning" not in quiet.output.split("checked")[0]
        assert "error: unknown persona 'ana'" in quiet.output
        assert quiet.output.splitlines()[-1] == "checked 2 maps, 1 persona: 1 error, 1 warning in 2 files"


def test_quiet_build_prints_only_the_verdict(make_repo) -> None:
    root = make_repo({"maps/a.md": BROKEN})
    result = run(["build", "--no-pdf", "-q"], root)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == 1 and lines[0].startswith("wrote ") and "for 1 map to " in lines[0]
    assert lines[0].endswith(", 1 warning")


def test_verbose_build_says_what_each_stage_took(make_repo) -> None:
    root = make_repo({"maps/a.md": simple_map(), "maps/b.md": simple_map(title="Chair")})
    result = run(["-v", "build", "--no-pdf"], root)
    assert result.exit_code == 0
    stages = [line for line in result.output.splitlines() if line.startswith("  ")]
    assert [line.split(" (")[0].strip() for line in stages] == [
        "read cjmgen.yml and compared every input with the last build",
        "parsed and checked 2 maps, 1 persona",
        stages[2].split(" (")[0].strip(),
        "copied the theme's and the repository's files",
        "swapped the new site in",
    ]
    assert stages[2].strip().startswith("rendered ") and all(line.endswith(" s)") for line in stages)
    assert result.output.splitlines()[-1].startswith("wrote ")
    assert "  " not in run(["build", "--no-pdf"], root).output  # without -v: no stage lines
    verbose_check = run(["check", "-v"], root)
    assert "  read cjmgen.yml (" in verbose_check.output
    assert "  read, parsed and checked 2 maps, 1 persona on 1 process (" in verbose_check.output


def test_quiet_and_verbose_together_is_a_usage_error(make_repo) -> None:
    root = make_repo({"maps/a.md": simple_map()})
    assert run(["-q", "-v", "check"], root).exit_code == 2


@pytest.mark.parametrize("text, expected", [
    ("127.0.0.1:8000", ("127.0.0.1", 8000)),
    ("0.0.0.0:8080", ("0.0.0.0", 8080)),
    ("localhost:0", ("localhost", 0)),
    (":9000", ("127.0.0.1", 9000)),
    ("[::1]:8000", ("::1", 8000)),
])
def test_dev_addr_is_host_and_port(text: str, expected: tuple[str, int]) -> None:
    assert split_address(text) == expected


@pytest.mark.parametrize("text", ["8000", "localhost", "host:port", "::1:8000", "1.2.3.4:70000"])
def test_a_bad_dev_addr_is_refused(text: str) -> None:
    with pytest.raises(AddressError):
        split_address(text)


def test_dev_addr_and_port_together_is_a_usage_error(make_repo) -> None:
    root = make_repo({"maps/a.md": simple_map()})
    result = run(["serve", "-a", "127.0.0.1:0", "--port", "9000"], root)
    assert result.exit_code == 2 and "-a HOST:PORT and --port" in result.output
    assert run(["serve", "-a", "nonsense"], root).exit_code == 2


def serve(root: Path, tmp_path: Path, *args: str) -> tuple[list[str], str]:
    """Start `cjmgen serve` with `args`, wait for its URL, fetch the index, stop it: (lines, page)."""
    process = subprocess.Popen([sys.executable, "-m", "cjmgen", "-C", str(root), "serve", *args],
                               stderr=subprocess.PIPE, text=True, env={**os.environ, "TMPDIR": str(tmp_path)},
                               preexec_fn=ctrl_c_stops)  # noqa: PLW1509 - one signal() call
    assert process.stderr is not None
    lines: list[str] = []
    deadline = time.monotonic() + WAIT
    try:
        while not (lines and "Serving" in lines[-1]) and time.monotonic() < deadline:
            lines.append(process.stderr.readline().rstrip("\n"))
        assert "Serving" in lines[-1], lines
        status, page = fetch(lines[-1].split()[-1].replace("0.0.0.0", "127.0.0.1") + "index.html")
        assert status == 200
        return lines, page
    finally:
        stop_serve(process)
        process.stderr.close()


def test_serve_on_a_dev_addr_of_loopback_says_nothing_about_the_network(make_repo, tmp_path: Path) -> None:
    root = make_repo({"maps/a.md": simple_map(title="Sofa journey")})
    lines, page = serve(root, tmp_path, "-a", "127.0.0.1:0")
    assert lines[-1].startswith("Serving http://127.0.0.1:") and "Sofa journey" in page
    assert not any("network" in line for line in lines)


def test_serve_on_all_interfaces_warns_that_the_network_can_see_it(make_repo, tmp_path: Path) -> None:
    root = make_repo({"maps/a.md": simple_map(title="Sofa journey")})
    lines, page = serve(root, tmp_path, "-a", "0.0.0.0:0", "-q")
    assert "warning: serving on 0.0.0.0: anyone on the network can read the maps" in lines
    assert lines[-1].startswith("Serving http://0.0.0.0:") and "Sofa journey" in page
    assert not any(line.startswith("Watching") for line in lines)  # -q


def test_verbose_serve_times_each_rebuild_stage(make_repo, tmp_path: Path) -> None:
    root = make_repo({"maps/a.md": simple_map(title="Sofa journey")})
    lines, _ = serve(root, tmp_path, "-a", "127.0.0.1:0", "-v")
    stages = [line for line in lines if line.startswith("  ")]
    assert stages[0].startswith("  parsed and checked 1 map (") and stages[0].endswith(" s)")
    assert stages[1].startswith("  rendered ") and ", reused 0 (" in stages[1]
    assert any(line.startswith("initial build: ") for line in lines)
    plain_lines, _ = serve(root, tmp_path, "-a", "127.0.0.1:0")  # without -v: no stage lines
    assert not any(line.startswith("  ") for line in plain_lines)
