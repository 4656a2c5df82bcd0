"""The diff's change messages in the site's language: the phrase table, Russian review output, English kept."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from cjmgen.content.schema import STATES, STATUSES
from cjmgen.i18n.catalog import load_catalog
from cjmgen.i18n.labels import Locale
from cjmgen.review import diff as diff_module
from cjmgen.review import formats as diff_format
from cjmgen.review.diff import CODES, LANE_NOUNS, Change, MapDiff, RepoDiff
from cjmgen.review.formats import MAP_STATUSES, comparing, format_markdown, summary_line
from cjmgen.review.phrases import Phrase, Rate
from tests.helpers.cli import run
from tests.helpers.git_repos import commit, init
from tests.helpers.repos import CHANNELS, PERSONA_ANNA

RU = Locale("ru")


def payment_map(stage_name: str, kpi: str, obstacles: str) -> str:
    return (
        "---\ntitle: Покупка дивана\npersona: anna\nsegment: Мобильные\nreviewed: 2026-01-01\nstages:\n"
        "  - id: pay\n"
        f"    name: {stage_name}\n"
        f"    kpis: [{{name: Конверсия в заказ, value: {kpi}, target: 8%}}]\n"
        "    owner: Продажи\n"
        "  - id: delivery\n"
        "    name: Доставка\n"
        f"    obstacles: [{obstacles}]\n"
        "    owner: Логистика\n"
        "---\nИстория.\n"
    )


@pytest.fixture
def russian_repo(tmp_path: Path) -> Path:
    """A Russian repository: base commit, then a renamed stage, a better KPI and a new obstacle in the work tree."""
    root = init(tmp_path / "repo", {
        "cjmgen.yml": "language: ru\n", "maps/personas/anna.md": PERSONA_ANNA, "maps/channels.yml": CHANNELS,
        "maps/sofa.md": payment_map("Оплата", "4%", "Долго ждать курьера"),
    })
    commit(root, "Начало", "2026-01-10T10:00:00+00:00")
    (root / "maps/sofa.md").write_text(
        payment_map("Оформление заказа", "6%", "Долго ждать курьера, Нет интервала доставки"), encoding="utf-8")
    return root


RUSSIAN = (
    "этап «Оплата» переименован в «Оформление заказа»",
    "KPI «Конверсия в заказ» на этапе «Оформление заказа»: 4% → 6% (цель 8%)",
    "добавлено препятствие на этапе «Доставка»: «Нет интервала доставки»",
)
ENGLISH = (
    "stage Оплата renamed to Оформление заказа",
    "KPI 'Конверсия в заказ' in stage Оформление заказа 4% -> 6% (target 8%)",
    'obstacle added in stage Доставка: "Нет интервала доставки"',
)
ENGLISH_WORDS = re.compile(r"\b(stage|renamed|added|removed|target|in stage|changed|warning|info)\b")


def test_markdown_comment_follows_the_repository_language(russian_repo: Path) -> None:
    text = run(["diff", "HEAD", "--format", "markdown"], russian_repo).stdout
    for phrase in RUSSIAN:
        assert phrase in text, phrase
    assert "## Изменения в картах пути клиента" in text
    # md() makes every run of whitespace one space, the no-break ones of Locale.count too
    assert "**1 карта с изменениями (изменена: 1); 3 изменения: 0 предупреждений, 3 для сведения**" in text
    assert "Сравнение: `HEAD (" in text and "→ `рабочая копия`" in text
    prose = re.sub(r"`[^`]*`", "", text)  # change codes and paths are not prose
    assert not ENGLISH_WORDS.search(prose), ENGLISH_WORDS.search(prose)


def test_html_page_follows_the_repository_language(russian_repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "diff.html"
    assert run(["diff", "HEAD", "--format", "html", "-o", str(out)], russian_repo).exit_code == 0
    page = out.read_text(encoding="utf-8")
    for phrase in RUSSIAN:
        assert phrase in page, phrase
    assert "renamed to" not in page and "in stage" not in page and " -> " not in page
    assert "рабочая копия" in page


def test_terminal_text_and_json_stay_english(russian_repo: Path) -> None:
    text = run(["diff", "HEAD"], russian_repo).stdout
    for phrase in ENGLISH:
        assert phrase in text, phrase
    assert text.startswith("cjmgen diff: 1 map changed (1 changed); 3 changes: 0 warnings, 3 info\n")
    json_text = run(["diff", "HEAD", "--format", "json"], russian_repo).stdout
    assert "renamed to Оформление заказа" in json_text and "переименован" not in json_text


def test_an_english_repository_keeps_the_english_messages(russian_repo: Path) -> None:
    (russian_repo / "cjmgen.yml").write_text("language: en\n")
    text = run(["diff", "HEAD", "--format", "markdown"], russian_repo).stdout
    assert text.startswith("## Journey map changes\n\n**1 map changed (1 changed); 3 changes: 0 warnings, 3 info**")
    for phrase in ENGLISH:
        assert phrase.replace(" -> ", " → ") in text, phrase
    assert "<details><summary>All 3 changes</summary>" in text


# --- the phrase table ----------------------------------------------------------------


def test_every_phrase_the_diff_asks_for_is_in_the_table() -> None:
    """Literal keys in the code, and the keys it builds from its own tables (lanes, fields, statuses)."""
    source = "".join(inspect.getsource(m) for m in (diff_module, diff_format))
    literal = set(re.findall(r'(?:_say|say|Phrase|Phrase\.of)\("([a-z][a-z.-]*)"', source))
    built = {f"field.{name}" for name in (*diff_module._MAP_FIELDS, "persona")}
    # every value of cjmgen's own the model can hold (the diff says those found in the table)
    built |= {f"value.{word}" for word in (*STATES, *STATUSES, "higher", "lower", "online", "offline")}
    built |= {f"lane.{lane}" for lane in LANE_NOUNS}
    built |= {f"persona.{name}" for name in diff_module._PERSONA_FIELDS}
    built |= {f"map-status.{status}" for status in MAP_STATUSES}
    built |= {f"{kind}.{whose}" for kind in ("owner-missing", "owner-changed") for whose in ("map", "stage")}
    nouns = {*LANE_NOUNS.values(), diff_module.CUSTOM_LANE_NOUN}
    built |= {f"noun.{noun}" for noun in nouns}
    built |= {f"{noun}-{verb}" for noun in nouns for verb in ("added", "removed", "changed")}
    item_codes = {code for code in CODES if code.rsplit("-", 1)[0] in nouns}
    missing = sorted((literal | built | item_codes) - load_catalog("ru").phrases.keys())
    assert not missing, missing


def test_russian_items_agree_in_gender() -> None:
    assert Phrase.of("goal-added", stage="Оплата", text="x").render("ru") == "добавлена цель на этапе «Оплата»: «x»"
    assert Phrase.of("trigger-removed", stage="A", text="x").render("ru") == "удалён триггер на этапе «A»: «x»"
    assert Phrase.of("obstacle-changed", stage="A", old="a", new="b").render("ru") == (
        "переформулировано препятствие на этапе «A»: «a» → «b»")


def test_rates_tuples_and_none_in_each_language() -> None:
    phrase = Phrase.of("conversion", stage="Оплата", old=Rate(0.05), new=Rate(0.1234))
    assert phrase.render("en") == "conversion from Оплата 5% -> 12.34%"
    assert phrase.render("ru") == "конверсия с этапа «Оплата»: 5\u00a0% → 12,34\u00a0%"
    tags = Phrase.of("field-changed", field=Phrase("field.tags"), old=None, new=("b2c", "мобильные"))
    assert tags.render("ru") == "теги: нет → b2c, мобильные"
    assert tags.render("en") == "tags: none -> b2c, мобильные"
    assert len({phrase, tags, Phrase.of("conversion", stage="Оплата", old=Rate(0.05), new=Rate(0.1234))}) == 2


def test_quotes_inside_russian_quotes_become_low_high_quotes() -> None:
    renamed = Phrase.of("stage-renamed", old="Оплата «онлайн»", new="Оформление")
    assert renamed.render("ru") == "этап «Оплата „онлайн“» переименован в «Оформление»"
    assert renamed.render("en") == "stage Оплата «онлайн» renamed to Оформление"  # as written
    shown_bare = Phrase.of("field-changed", field=Phrase("field.title"), old="Диван «Угол»", new="Диван")
    assert shown_bare.render("ru") == "название: Диван «Угол» → Диван"  # not quoted by us: untouched


def test_a_missing_translation_falls_back_to_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(load_catalog("ru").phrases, "stage-added", "добавлен этап «{other}»")
    assert Phrase.of("stage-added", stage="A").render("ru") == "stage A added"
    assert Phrase.of("stage-added", stage="A").render("de") == "stage A added"
    untranslated = Change("stage-added", "info", "m", None, None, None, None, Phrase.of("stage-added", stage="A"))
    assert untranslated.text(RU) == untranslated.message == "stage A added"
    assert Change("stage-added", "info", "m", None, None, None, None, "plain").text(RU) == "plain"


# --- the summary line and the compared sides ------------------------------------------------


def diff_with(changes: int, warnings: int = 0) -> RepoDiff:
    made = tuple(Change("stage-added" if n >= warnings else "stage-removed", "info" if n >= warnings else "warning",
                        "m", None, None, None, None, "x") for n in range(changes))
    entry = MapDiff("m", "M", "changed", "maps/m.md", "maps/m.md", None, None, made)
    return RepoDiff((entry,), base="merge base with main", head="working tree", base_commit="0123456789abcdef")


@pytest.mark.parametrize(("count", "words"), [(1, "1\u00a0изменение"), (3, "3\u00a0изменения"), (5, "5\u00a0изменений"),
                                              (11, "11\u00a0изменений"), (21, "21\u00a0изменение")])
def test_russian_summary_plurals(count: int, words: str) -> None:
    line = summary_line(diff_with(count, warnings=1), RU)
    info = f", {count - 1} для сведения" if count > 1 else ""
    assert line == f"1\u00a0карта с изменениями (изменена: 1); {words}: 1\u00a0предупреждение{info}"


def test_english_summary_and_sides_are_unchanged() -> None:
    diff = diff_with(2, warnings=1)
    assert summary_line(diff) == "1 map changed (1 changed); 2 changes: 1 warning, 1 info"
    assert comparing(diff) == "merge base with main (0123456789) -> working tree"
    assert comparing(diff, RU) == "база слияния с main (0123456789) → рабочая копия"
    assert summary_line(RepoDiff(()), RU) == "семантических изменений нет"
    assert format_markdown(diff) == format_markdown(diff, locale=Locale("en"))


def test_russian_html_kpi_deltas_and_markdown_curves(russian_repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "diff.html"
    run(["diff", "HEAD", "--format", "html", "-o", str(out)], russian_repo)
    page = out.read_text(encoding="utf-8")
    assert "+2 п.\u00a0п." in page and ">улучшился<" in page
    sofa = russian_repo / "maps/sofa.md"
    text = sofa.read_text(encoding="utf-8")
    sofa.write_text(text.replace("    owner: Логистика\n", "    owner: Логистика\n    emotion: -1\n"), encoding="utf-8")
    text = run(["diff", "HEAD", "--format", "markdown"], russian_repo).stdout
    assert "title Стало" in text and ": Клиент" in text and "Customer" not in text
