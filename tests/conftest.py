"""The suite's fixtures: a map repository from a dict of files, a fixed date, a private cache key.

Plain helpers (map text, the CLI) live in tests/helpers/ and are imported by name."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from tests.helpers.repos import CHANNELS, PERSONA_ANNA, PROJECT, write_files


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[..., Path]:
    """make_repo({path: text}) -> root; a persona 'anna' and a channel catalog are included."""

    def make(files: Mapping[str, str | bytes], base: bool = True, name: str = "repo") -> Path:
        root = tmp_path / name
        defaults: dict[str, str | bytes] = {
            "maps/personas/anna.md": PERSONA_ANNA,
            "maps/channels.yml": CHANNELS,
        } if base else {}
        return write_files(root, {**defaults, **files})

    return make


@pytest.fixture(autouse=True)
def fixed_date(monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds are "as of" 2026-11-01 unless a test says otherwise: no clock in results."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1793491200")  # 2026-11-01T00:00:00Z
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture(autouse=True)
def own_cache_key(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The key that signs cache files (cjmgen.incremental.signing) lives in a test folder, not in ~/.cache."""
    home = tmp_path_factory.mktemp("xdg-cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


@pytest.fixture
def example_repo(tmp_path: Path) -> Path:
    """A copy of the bundled example repository (maps/ and cjmgen.yml)."""
    root = tmp_path / "example"
    root.mkdir()
    shutil.copytree(PROJECT / "maps", root / "maps")
    shutil.copy(PROJECT / "cjmgen.yml", root / "cjmgen.yml")
    return root
