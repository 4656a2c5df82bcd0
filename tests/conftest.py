"""Shared test helpers: repositories made from a dict of files, the real CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cjmgen.cli.main import cli

PROJECT = Path(__file__).resolve().parent.parent

PERSONA_ANNA = "---\nname: Anna, 32\nrole: Young professional\n---\nAnna's story.\n"
CHANNELS = (
    "search-ads: {name: Search ads, kind: online}\n"
    "website: {name: Website, kind: online}\n"
    "phone: {name: Phone call, kind: offline}\n"
    "courier: {name: Courier delivery, kind: offline}\n"
)


def complete_stage(name: str, stage_id: str, count: int | None = None, emotion: int = 0, extra: str = "") -> str:
    """A stage that satisfies the checklist (goal, KPI, obstacle, owner)."""
    lines = [
        f"  - id: {stage_id}",
        f"    name: {name}",
        f"    goals: Goal of {name}",
        f"    kpis: [{{name: KPI {name}, value: 5%, target: 7%}}]",
        f"    obstacles: [Obstacle of {name}]",
        "    owner: Marketing",
        f"    emotion: {emotion}",
        "    touchpoints: [website]",
    ]
    if count is not None:
        lines.append(f"    count: {count}")
    if extra:
        lines.append(extra)
    return "\n".join(lines) + "\n"


def simple_map(title: str = "Buying a sofa", persona: str = "anna", body: str = "", header: str = "") -> str:
    return (
        "---\n"
        f"title: {title}\n"
        f"persona: {persona}\n"
        "segment: Mobile\n"
        "reviewed: 2026-10-01\n"
        f"{header}"
        "stages:\n"
        + complete_stage("Awareness", "awareness", 1000, 1)
        + complete_stage("Deal", "deal", 50, -1)
        + "---\n"
        + body
    )


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def make_repo(tmp_path: Path):
    """make_repo({path: text}) -> root; a persona 'anna' and a channel catalog are included."""

    def make(files: dict[str, str | bytes], base: bool = True, name: str = "repo") -> Path:
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


def run(args: list[str], root: Path | None = None):  # type: ignore[no-untyped-def]
    """Invoke the real CLI in-process; returns click's Result (exit_code, output)."""
    prefix = ["-C", str(root)] if root is not None else []
    return CliRunner().invoke(cli, [*prefix, *args], catch_exceptions=False)


def check_json(root: Path) -> dict:
    result = run(["check", "--format", "json"], root)
    return json.loads(result.stdout)


@pytest.fixture
def example_repo(tmp_path: Path) -> Path:
    """A copy of the bundled example repository (maps/ and cjmgen.yml)."""
    root = tmp_path / "example"
    root.mkdir()
    shutil.copytree(PROJECT / "maps", root / "maps")
    shutil.copy(PROJECT / "cjmgen.yml", root / "cjmgen.yml")
    return root
