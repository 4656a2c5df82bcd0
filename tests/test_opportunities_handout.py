"""The handout with a stage's open opportunities only (`cjmgen pdf --handout
--open-opportunities`), and status markers on the map sheet: real PDFs read back."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers.cli import run
from tests.helpers.repos import write_files

pytest.importorskip("weasyprint", reason="WeasyPrint is needed for PDFs")
if shutil.which("pdftotext") is None:
    pytest.skip("pdftotext (poppler-utils) is needed to read the PDFs back", allow_module_level=True)

MAP = """---
title: Доставка
language: ru
reviewed: 2026-01-01
stages:
  - name: Доставка
    id: delivery
    owner: Логистика
    goals: [Получить диван вовремя]
    obstacles: [Окно доставки на весь день]
    kpis: [{name: Доставка в срок, value: 90%, target: 95%}]
    opportunities:
      - Вебинары
      - {text: Слоты, id: slots, owner: Борис, status: в работе, ticket: LOG-7, impact: 4, effort: 2}
      - {text: Трекинг, id: tracking, status: done, kpi: доставка-в-срок}
      - {text: Дроны, id: drones, status: dropped}
---
"""


def _handout_text(root: Path, *flags: str) -> str:
    out = root / f"handout{len(flags)}.pdf"
    result = run(["pdf", "--handout", *flags, "-o", str(out)], root)
    assert result.exit_code == 0, result.output
    return subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout


def test_the_handout_can_list_only_open_opportunities(tmp_path: Path) -> None:
    write_files(tmp_path, {"maps/delivery.md": MAP, "cjmgen.yml": "language: ru\n"})
    everything = _handout_text(tmp_path)
    open_only = _handout_text(tmp_path, "--open-opportunities")
    # The sheet lists every opportunity, with markers; the stage page all of them, or the open ones.
    assert everything.count("Трекинг") == 2 and everything.count("Дроны") == 2
    assert open_only.count("Трекинг") == 1 and open_only.count("Дроны") == 1
    assert open_only.count("Слоты") == 2 and open_only.count("Вебинары") == 2
    assert "Открытые возможности" in open_only and "Открытые возможности" not in everything
    stage_page = open_only[open_only.index("Открытые возможности"):]
    assert "в работе" in stage_page and "Борис" in stage_page and "LOG-7" in stage_page
    assert "сделана" in everything  # the done one's marker


def test_open_opportunities_is_for_the_handout_only(tmp_path: Path) -> None:
    write_files(tmp_path, {"maps/delivery.md": MAP})
    result = run(["pdf", "delivery", "--open-opportunities"], tmp_path)
    assert result.exit_code == 2 and "--open-opportunities" in result.output
