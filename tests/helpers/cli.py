"""The real CLI, invoked in-process the way a user types it."""

from __future__ import annotations

import json
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
