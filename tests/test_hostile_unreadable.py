"""A map file or folder cjmgen may not read is an error naming it, never a missing map.

The machine's tests run as root, who reads everything; the command therefore runs
as root without the capabilities that bypass permission bits (CAP_DAC_OVERRIDE,
CAP_DAC_READ_SEARCH), so the kernel checks the bits as it would for any user
(a plain non-root user cannot run this venv's Python: it lives under /root).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.repos import simple_map

AS_A_USER = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--"]


def _as_a_user(root: Path, *args: str) -> subprocess.CompletedProcess:
    prefix: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root and setpriv (util-linux) is missing: permissions cannot be enforced")
        prefix = AS_A_USER
    return subprocess.run([*prefix, sys.executable, "-m", "cjmgen", "-C", str(root), *args],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("what, mode, named", [
    ("maps/b2c/sofa.md", 0o000, "maps/b2c/sofa.md"),  # a file
    ("maps/b2c", 0o000, "maps/b2c"),  # a folder that cannot be listed
    ("maps/b2c", 0o644, "maps/b2c/sofa.md"),  # listed but not entered
])
def test_an_unreadable_map_is_an_error_naming_it(make_repo, what: str, mode: int, named: str) -> None:
    root = make_repo({"maps/b2c/sofa.md": simple_map(), "maps/chair.md": simple_map("Chair")})
    os.chmod(root / what, mode)
    try:
        checked = _as_a_user(root, "check", "--format", "json")
        report = json.loads(checked.stdout)
        unreadable = [d for d in report["diagnostics"] if d["code"] == "unreadable"]
        assert checked.returncode == 1 and len(unreadable) == 1, checked.stdout + checked.stderr
        assert unreadable[0]["path"] == named and "Permission denied" in unreadable[0]["message"]
        built = _as_a_user(root, "build", "--no-pdf")
        assert built.returncode == 1
        assert f"{named}:1:1: error: cannot read '{named}': Permission denied" in built.stderr
        assert "Traceback" not in built.stderr and not (root / "site").exists()
    finally:
        os.chmod(root / what, 0o755)
