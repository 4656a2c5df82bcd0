"""A theme's catalogs: reword a label, add a language with a catalog file, and `cjmgen check` says what is wrong."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cjmgen.i18n.catalog import load_catalog
from cjmgen.i18n.labels import Locale
from tests.helpers.cli import check_json, run
from tests.helpers.git_repos import commit, init
from tests.helpers.repos import PERSONA_ANNA, write_files

MAP = """---
title: Seĝoj
persona: anna
reviewed: 2026-10-01
stages:
  - name: Konatiĝo
    count: 2000
    goals: [Trovi seĝon]
  - name: Aĉeto
    count: 11
---
"""

#: A small language: a few labels, plural forms and phrases; everything else reads in English.
ESPERANTO = """\
plural: one-other
numbers: {decimal: ",", group: " ", minus: "-", percent: "{number} %"}
date: "la {day}-a de {month} {year}"
months: [januaro, februaro, marto, aprilo, majo, junio, julio, aŭgusto, septembro, oktobro, novembro, decembro]
quotes: ["„", "“", "‚", "‘"]
labels:
  index: Ĉiuj mapoj
  overall_conversion: Entuta konverto
  goals: Celoj
plurals:
  map: [mapo, mapoj]
phrases:
  stage-added: "etapo „{stage}“ aldonita"
"""


def repo_with(tmp_path: Path, language: str, catalogs: dict[str, str]) -> Path:
    return write_files(tmp_path / "repo", {
        "cjmgen.yml": f"title: Mapoj\nlanguage: {language}\ntheme:\n  custom_dir: overrides\n",
        "maps/personas/anna.md": PERSONA_ANNA,
        "maps/chairs.md": MAP,
        **{f"overrides/i18n/{name}.yml": text for name, text in catalogs.items()},
    })


def diagnostics_of(root: Path) -> list[dict]:
    return check_json(root)["diagnostics"]


def test_a_theme_adds_a_language_with_one_catalog_file(tmp_path: Path) -> None:
    root = repo_with(tmp_path, "eo", {"eo": ESPERANTO})
    result = run(["build", "--no-pdf"], root)
    assert result.exit_code == 0, result.output
    page = (root / "site/maps/chairs.html").read_text(encoding="utf-8")
    assert '<html lang="eo">' in page
    assert "Entuta konverto" in page and "Overall conversion" not in page
    assert "Celoj" in page
    assert "0,55 %" in page  # 11 of 2,000 with the catalog's decimal comma and percent pattern
    assert "Stages in detail" in page  # a key the catalog leaves out reads in English
    index = (root / "site/index.html").read_text(encoding="utf-8")
    assert "Ĉiuj mapoj" in index and "la 1-a de oktobro 2026" in index


def test_the_keys_a_new_language_leaves_out_are_named_once(tmp_path: Path) -> None:
    root = repo_with(tmp_path, "eo", {"eo": ESPERANTO})
    [missing] = [d for d in diagnostics_of(root) if d["code"] == "catalog-missing"]
    assert missing["severity"] == "warning"
    assert missing["path"] == "overrides/i18n/eo.yml"
    assert "have no 'eo' text and read in English: labels.last_change, labels.pdf_lever_title" in missing["message"]
    assert "labels.index" not in missing["message"]


def test_a_theme_rewords_a_built_in_label(tmp_path: Path) -> None:
    root = repo_with(tmp_path, "ru", {"ru": "labels:\n  index: Все наши карты\n"})
    assert run(["build", "--no-pdf"], root).exit_code == 0
    index = (root / "site/index.html").read_text(encoding="utf-8")
    assert "Все наши карты" in index and "Все карты" not in index
    assert "Карты" in index  # the other labels stay the built-in Russian ones
    assert [d for d in diagnostics_of(root) if d["code"].startswith("catalog")] == []


def test_a_theme_rewords_english_and_russian_keeps_its_own(tmp_path: Path) -> None:
    root = repo_with(tmp_path, "ru", {"en": "labels:\n  index: Every journey\n"})
    folders = (root / "overrides/i18n",)
    assert Locale("en", folders).label("index") == "Every journey"
    assert Locale("ru", folders).label("index") == "Все карты"


def test_unknown_keys_and_wrong_placeholders_are_reported_at_their_line(tmp_path: Path) -> None:
    root = repo_with(tmp_path, "ru", {"ru": (
        "labels:\n"
        "  mpas: Карты\n"
        "  as_of: На {day}\n"
        "plurals:\n"
        "  map: карта\n"
        "colours: [red]\n"
    )})
    found = {(d["line"], d["code"]): d["message"] for d in diagnostics_of(root)
             if d["path"] == "overrides/i18n/ru.yml"}
    assert found[(2, "catalog-key")] == "unknown label 'mpas' (did you mean 'maps'?): cjmgen never asks for it"
    assert "labels.as_of: {day} is not a value of this text (it has {date})" in found[(3, "catalog-key")]
    assert "plurals.map: expected a list of forms" in found[(5, "catalog-key")]
    assert found[(6, "catalog-key")].startswith("unknown setting 'colours'")
    result = run(["build", "--no-pdf"], root)
    assert result.exit_code == 0  # warnings: the page shows the built-in texts instead
    assert "По состоянию на" in (root / "site/index.html").read_text(encoding="utf-8")


def test_a_catalog_that_is_not_a_mapping_fails_the_check(tmp_path: Path) -> None:
    root = repo_with(tmp_path, "ru", {"ru": "- labels\n"})
    result = run(["check"], root)
    assert result.exit_code == 1
    assert "overrides/i18n/ru.yml:1:1: error: a catalog must be a mapping" in result.output


def test_a_language_without_a_catalog_is_an_error_at_its_line(tmp_path: Path) -> None:
    root = repo_with(tmp_path, "de", {})
    result = run(["check"], root)
    assert result.exit_code == 1
    assert "cjmgen.yml:2:11: error: language: no catalog for 'de': the built-in languages are en, ru" in result.output
    assert "i18n/de.yml" in result.output  # the hint says how to add one


def test_the_pull_request_comment_speaks_the_themes_language(tmp_path: Path) -> None:
    root = init(tmp_path / "repo")
    repo_with(tmp_path, "eo", {"eo": ESPERANTO})
    commit(root, "first", "2026-10-01T10:00:00")
    commit(root, "a stage", "2026-10-02T10:00:00", {"maps/chairs.md": MAP.replace(
        "  - name: Aĉeto", "  - name: Pago\n    count: 40\n  - name: Aĉeto")})
    result = run(["diff", "HEAD~1", "HEAD", "--format", "markdown"], root)
    assert "etapo „Pago“ aldonita" in result.output
    assert "**1 mapo changed" in result.output  # the catalog's plural; a sentence it leaves out in English


def test_an_edited_catalog_is_read_again(tmp_path: Path) -> None:
    """`serve` keeps its process: a theme's catalog edited meanwhile must not stay cached."""
    folder = tmp_path / "i18n"
    catalog = write_files(folder, {"eo.yml": "labels:\n  index: Mapoj\n"}) / "eo.yml"
    assert load_catalog("eo", (folder,)).labels["index"] == "Mapoj"
    catalog.write_text("labels:\n  index: Ĉiuj la mapoj\n", encoding="utf-8")
    os.utime(catalog, ns=(1, 1))  # a different stamp even within the file system's clock tick
    assert load_catalog("eo", (folder,)).labels["index"] == "Ĉiuj la mapoj"


@pytest.mark.parametrize("language", ["de-", "Deutsch", "../en"])
def test_a_language_that_is_no_language_code_is_refused(tmp_path: Path, language: str) -> None:
    root = repo_with(tmp_path, language, {})
    [error] = [d for d in diagnostics_of(root) if d["code"] == "config"]
    assert "expected a language code such as en, ru or pt-BR" in error["message"]
