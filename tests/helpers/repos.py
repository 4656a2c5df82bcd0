"""Map repositories written from a dict of files, and the map text the tests put in them."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]

PERSONA_ANNA = "---\nname: Anna, 32\nrole: Young professional\n---\nAnna's story.\n"
CHANNELS = (
    "search-ads: {name: Search ads, kind: online}\n"
    "website: {name: Website, kind: online}\n"
    "phone: {name: Phone call, kind: offline}\n"
    "courier: {name: Courier delivery, kind: offline}\n"
)


def complete_stage(name: str, stage_id: str, count: int | str | None = None, emotion: int = 0, extra: str = "") -> str:
    """A stage that satisfies the checklist (goal, KPI, obstacle, owner); `count` is written as given."""
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


def write_files(root: Path, files: Mapping[str, str | bytes]) -> Path:
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root
