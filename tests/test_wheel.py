"""The themes reach an installed wheel, not only the editable source tree."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.helpers.repos import PERSONA_ANNA, PROJECT, simple_map, write_files


def test_wheel_contains_themes_and_builds_a_site(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(PROJECT)],
        check=True, capture_output=True,
    )
    [wheel] = dist.glob("cjmgen-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "cjmgen/themes/default/templates/map.html" in names
    assert "cjmgen/themes/default/static/style.css" in names
    assert {"cjmgen/i18n/catalogs/en.yml", "cjmgen/i18n/catalogs/ru.yml"} <= set(names)  # every label and phrase
    assert not [n for n in names if "bench" in n or n.startswith("tools/")]  # the product only

    target = tmp_path / "installed"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True, capture_output=True,
    )
    repo = write_files(tmp_path / "repo", {"maps/x.md": simple_map(), "maps/personas/anna.md": PERSONA_ANNA})
    env = {**os.environ, "PYTHONPATH": str(target)}
    probe = subprocess.run([sys.executable, "-c", "import cjmgen; print(cjmgen.__file__)"],
                           capture_output=True, text=True, env=env, cwd=tmp_path)
    assert probe.stdout.startswith(str(target))  # the wheel, not the source tree
    result = subprocess.run([sys.executable, "-m", "cjmgen", "build", "--no-pdf"],
                            capture_output=True, text=True, env=env, cwd=repo)
    assert result.returncode == 0, result.stderr
    assert (repo / "site" / "maps" / "x.html").is_file()
    assert (repo / "site" / "static" / "style.css").is_file()
