"""A stage renamed without `id:`: check points at the loose notes and `next`, and names the id to set."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.cli import check_json, run
from tests.helpers.repos import PERSONA_ANNA, write_files

BEFORE = """---
title: Покупка дивана
persona: anna
reviewed: 2026-10-01
stages:
  - name: Поиск и оценка
    goals: [Найти диван]
  - name: Сделка
    next: [{next}]
  - name: Повторная покупка
---
История карты.

## {heading}
Анна сравнивает три магазина.

## Источники
Интервью, март 2026.
"""


def repo(root: Path, heading: str, next_id: str, stage_id: str = "") -> Path:
    # the stage "Поиск и оценка" renamed to "Поиск", with or without its old id
    renamed = f"  - name: Поиск\n    id: {stage_id}\n" if stage_id else "  - name: Поиск\n"
    text = BEFORE.format(heading=heading, next=next_id).replace("  - name: Поиск и оценка\n", renamed)
    return write_files(root, {
        "cjmgen.yml": "title: Т\nlanguage: ru\n",
        "maps/personas/anna.md": PERSONA_ANNA,
        "maps/sofa.md": text,
    })


def by_code(root: Path) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for d in check_json(root)["diagnostics"]:
        found.setdefault(d["code"], []).append(d)
    return found


def test_notes_of_a_renamed_stage_are_reported_with_the_closest_stage(tmp_path: Path) -> None:
    root = repo(tmp_path / "r", "Поиск и оценка", "поиск")
    (notes,) = by_code(root)["notes-unmatched"]  # "## Источники" is the story: not reported
    assert notes["line"] == 14 and notes["severity"] == "warning"
    assert "'## Поиск и оценка'" in notes["message"] and "closest: 'Поиск'" in notes["message"]
    assert "did you rename 'Поиск и оценка'? set id: поиск-и-оценка on stage 'Поиск'" in notes["hint"]


def test_a_dangling_next_after_a_rename_suggests_the_id(tmp_path: Path) -> None:
    root = repo(tmp_path / "r", "Поиск", "поиск-и-оценка")
    (ref,) = by_code(root)["stage-ref"]
    assert "'поиск-и-оценка'" in ref["message"] and ref["severity"] == "error"
    assert ref["hint"] == "did you rename 'поиск-и-оценка'? set id: поиск-и-оценка on stage 'Поиск' to keep links and notes"


def test_a_typo_in_next_still_gets_did_you_mean_and_no_rename_hint(tmp_path: Path) -> None:
    root = repo(tmp_path / "r", "Поиск", "сделкa")  # a Latin 'a'
    (ref,) = by_code(root)["stage-ref"]
    assert "did you mean 'сделка'" in ref["message"] and ref["hint"] is None


def test_setting_the_old_id_reattaches_notes_and_links(tmp_path: Path) -> None:
    root = repo(tmp_path / "r", "Поиск и оценка", "поиск-и-оценка", stage_id="поиск-и-оценка")
    found = by_code(root)
    assert "notes-unmatched" not in found and "stage-ref" not in found
    assert run(["build", "--no-pdf"], root).exit_code == 0
    page = (root / "site/maps/sofa.html").read_text(encoding="utf-8")
    card = page[page.index('id="stage-поиск-и-оценка"'):]
    assert "Анна сравнивает три магазина." in card[:card.index("</section>") if "</section>" in card else None]
