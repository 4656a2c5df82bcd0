"""The real CLI, invoked in-process the way a user types it."""

from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from cjmgen.cli.main import cli


def run(args: list[str], root: Path | None = None) -> Result:
    """Invoke the real CLI in-process; returns click's Result (exit_code, output)."""
    prefix = ["-C", str(root)] if root is not None else []
    return CliRunner().invoke(cli, [*prefix, *args], catch_exceptions=False)


def check_json(root: Path) -> dict[str, Any]:
    """`cjmgen check --format json`'s report, read back."""
    report: dict[str, Any] = json.loads(run(["check", "--format", "json"], root).stdout)
    return report


def ctrl_c_stops() -> None:
    """`preexec_fn` of a serve subprocess the test stops with Ctrl-C (SIGINT): a test run
    started in the background (a CI script's `make test &`) ignores SIGINT, its children
    inherit that, and Popen cannot undo it otherwise."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def stop_serve(process: subprocess.Popen[Any], wait: float = 60.0) -> None:
    """Ctrl-C a `cjmgen serve` subprocess. One that does not stop is killed, never left
    running after the test (a fresh machine's run once left four serving for hours), and
    the test fails."""
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise AssertionError("cjmgen serve did not stop on Ctrl-C") from None
