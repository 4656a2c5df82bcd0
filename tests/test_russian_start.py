"""A Russian team starts in Russian: `init --language ru`, `new persona` without a missing
photo, counts that agree in number, and a CSV that Excel in a Russian locale opens."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cjmgen.cli.main import cli
from cjmgen.i18n.labels import Locale
from tests.helpers.cli import run
from tests.helpers.repos import complete_stage, simple_map

CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


def init(target: Path, *args: str) -> None:
    result = CliRunner().invoke(cli, ["init", str(target), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output


def test_init_in_russian_writes_russian_files_that_check_clean_and_build(tmp_path: Path) -> None:
    root = tmp_path / "cjm"
    init(root, "--language", "ru")
    config = (root / "cjmgen.yml").read_text(encoding="utf-8")
    assert "title: Карты пути клиента" in config and "language: ru" in config
    # Every explanation is in Russian (a commented-out setting such as `#   stage-incomplete: ignore` is not one).
    comments = [line.rsplit("#", 1)[1] for line in config.splitlines()
                if "#" in line and not re.fullmatch(r"#\s+[\w-]+:( [^#]*)?", line.strip())]
    assert len(comments) >= 12 and [c for c in comments if not CYRILLIC.search(c)] == []
    example = (root / "maps" / "example.md").read_text(encoding="utf-8")
    assert "title: Покупка дивана онлайн" in example and "name: Осведомлённость" in example
    assert "status: published" in example
    persona = (root / "maps" / "personas" / "anna.md").read_text(encoding="utf-8")
    assert "name: Анна, 32" in persona and "photo: assets/anna.svg" in persona
    assert (root / "maps" / "assets" / "anna.svg").is_file()
    channels = (root / "maps" / "channels.yml").read_text(encoding="utf-8")
    assert "Поисковая реклама" in channels and "Курьерская доставка" in channels

    report = json.loads(run(["check", "--format", "json"], root).stdout)
    assert report["diagnostics"] == []
    assert run(["build", "--no-pdf"], root).exit_code == 0
    page = (root / "site" / "maps" / "example.html").read_text(encoding="utf-8")
    assert '<html lang="ru">' in page and "Покупка дивана онлайн" in page and "Осведомлённость" in page
    assert "Поисковая реклама" in page and "Анна, 32" in page
    assert "Buying a sofa" not in page and "Search ads" not in page


def test_the_english_start_is_unchanged(tmp_path: Path) -> None:
    init(tmp_path / "en")
    example = (tmp_path / "en" / "maps" / "example.md").read_text()
    assert "title: Buying a sofa online" in example and not CYRILLIC.search(example)
    assert "title: Customer journey maps" in (tmp_path / "en" / "cjmgen.yml").read_text()


def test_a_title_given_is_kept_in_russian(tmp_path: Path) -> None:
    init(tmp_path / "cjm", "--language", "ru", "--title", "Пути клиентов «Мягкого угла»")
    assert "title: Пути клиентов «Мягкого угла»" in (tmp_path / "cjm" / "cjmgen.yml").read_text(encoding="utf-8")


@pytest.mark.parametrize("language", ["en", "ru"])
def test_new_persona_and_map_check_clean_in_either_language(tmp_path: Path, language: str) -> None:
    init(tmp_path, "--language", language)
    assert run(["new", "persona", "boris", "--name", "Борис, 45"], tmp_path).exit_code == 0
    assert run(["new", "map", "b2b/office", "--persona", "boris"], tmp_path).exit_code == 0
    persona = (tmp_path / "maps" / "personas" / "boris.md").read_text(encoding="utf-8")
    assert not re.search(r"^photo:", persona, re.MULTILINE)  # no picture of Boris exists
    assert re.search(r"^# photo: assets/boris.svg", persona, re.MULTILINE)
    new_map = (tmp_path / "maps" / "b2b" / "office.md").read_text(encoding="utf-8")
    assert bool(CYRILLIC.search(new_map.split("stages:")[1])) == (language == "ru")
    report = json.loads(run(["check", "--format", "json"], tmp_path).stdout)
    assert report["diagnostics"] == [], report


def test_new_persona_links_a_photo_that_is_there(tmp_path: Path) -> None:
    init(tmp_path)
    (tmp_path / "maps" / "assets" / "boris.svg").write_text((tmp_path / "maps" / "assets" / "anna.svg").read_text())
    assert run(["new", "persona", "boris"], tmp_path).exit_code == 0
    assert "\nphoto: assets/boris.svg" in (tmp_path / "maps" / "personas" / "boris.md").read_text()
    assert json.loads(run(["check", "--format", "json"], tmp_path).stdout)["diagnostics"] == []


def test_counts_agree_in_number(make_repo) -> None:
    root = make_repo({"maps/a.md": simple_map()})
    assert "checked 1 map, 1 persona: no problems found" in run(["check"], root).output
    built = run(["build", "--no-pdf"], root).output
    assert re.search(r"wrote \d+ pages for 1 map to .* 0 warnings$", built.strip())
    (root / "maps" / "b.md").write_text(simple_map(title="Chair", header="colour: red\n"))
    (root / "maps" / "personas" / "boris.md").write_text("---\nname: Boris\n---\n")
    assert "checked 2 maps, 2 personas: 0 errors, 1 warning in 1 file" in run(["check"], root).output
    assert run(["build", "--no-pdf"], root).output.strip().endswith(", 1 warning")
    exported = run(["export", "--format", "json", "a", "-o", str(root / "a.json")], root)
    assert "(1 map)" in exported.output


@pytest.mark.parametrize("count, english, russian", [
    (1, "1 map", "1 карта"), (2, "2 maps", "2 карты"), (5, "5 карт", ""), (11, "11 maps", "11 карт"),
    (21, "21 maps", "21 карта"), (22, "22 maps", "22 карты"),
])
def test_plural_forms(count: int, english: str, russian: str) -> None:
    if english.endswith("карт"):  # 5: only Russian differs from the rule of one
        english, russian = "5 maps", english
    assert Locale("en").count(count, "map").replace("\u00a0", " ") == english
    assert Locale("ru").count(count, "map").replace("\u00a0", " ") == russian


def test_the_russian_pull_request_comment_counts_in_russian(make_repo, tmp_path: Path) -> None:
    """The one place the CLI speaks Russian: `diff --format markdown` in a Russian repository."""
    old = tmp_path / "old"
    new = tmp_path / "new"
    for folder, count in ((old, 1000), (new, 900)):
        for name in ("a", "b", "c", "d", "e"):
            path = folder / f"{name}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(simple_map(title=f"Карта {name}").replace("count: 1000", f"count: {count}"))
    root = make_repo({"cjmgen.yml": "language: ru\n"})
    text = run(["diff", "--format", "markdown", str(old), str(new)], root).output
    assert "**5 карт с изменениями" in text.replace("\u00a0", " ")


# --- CSV for Excel -------------------------------------------------------------------

FUNNEL = (
    "---\ntitle: '=HYPERLINK(\"http://evil\")'\npersona: anna\nreviewed: 2026-10-01\nstages:\n"
    + complete_stage("Осведомлённость", "awareness", 1000, 1, extra="    conversion: 5%")
    + complete_stage("Сделка", "deal", 50, 0)
    + "---\n"
)


def test_excel_csv_has_a_bom_semicolons_and_decimal_commas(make_repo, tmp_path: Path) -> None:
    root = make_repo({"maps/sofa.md": FUNNEL})
    out = tmp_path / "sofa.csv"
    result = run(["export", "--format", "csv", "--excel", "sofa", "-o", str(out)], root)
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the BOM
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("map;map_title;stage_no;stage;stage_name;kind;")
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))
    kpi = next(r for r in rows if r["kind"] == "kpi")
    assert (kpi["stage_name"], kpi["value"], kpi["target"]) == ("Осведомлённость", "5%", "7%")
    funnel = next(r for r in rows if r["kind"] == "funnel" and r["stage"] == "awareness")
    assert (funnel["count"], funnel["conversion_computed"], funnel["conversion_stated"]) == ("1000", "0,05", "5%")
    assert rows[0]["map_title"] == "'=HYPERLINK(\"http://evil\")"  # text, never a formula


def test_plain_csv_is_unchanged_and_excel_needs_csv(make_repo) -> None:
    root = make_repo({"maps/sofa.md": FUNNEL})
    plain = run(["export", "--format", "csv", "sofa"], root).output
    assert not plain.startswith("\ufeff") and plain.startswith("map,map_title,")
    assert ",0.05," in plain
    assert run(["export", "--format", "json", "--excel"], root).exit_code == 2


def test_excel_numbers_with_a_decimal_point_get_a_comma(make_repo) -> None:
    root = make_repo({"maps/sofa.md": simple_map().replace("target: 7%", "target: 7.5%", 1)})
    text = run(["export", "--format", "csv", "--excel", "sofa"], root).output
    assert ";7,5%;" in text and "7.5%" not in text


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_commented_examples_of_the_config_work_when_uncommented(tmp_path: Path, language: str) -> None:
    """cjmgen.yml shows strict, validation and extra_css/js as comments; uncommented (with
    the files they name), they are valid settings."""
    init(tmp_path, "--language", language)
    config = tmp_path / "cjmgen.yml"
    text = config.read_text(encoding="utf-8")
    for key in ("strict:", "validation:", "  stage-incomplete:", "  conversion-mismatch:", "extra_css:",
                "extra_javascript:"):
        assert f"\n# {key}" in text, key
        text = text.replace(f"\n# {key}", f"\n{key}")
    config.write_text(text, encoding="utf-8")
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "brand.css").write_text("body { color: #222 }\n")
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "analytics.js").write_text("/* the team's counter */\n")
    report = json.loads(run(["check", "--format", "json"], tmp_path).stdout)
    assert report["diagnostics"] == [], report
    assert run(["build", "--no-pdf"], tmp_path).exit_code == 0
    assert (tmp_path / "site" / "files" / "styles" / "brand.css").is_file()
