"""The built-in catalogs (cjmgen/i18n/catalogs): one format, the same keys and placeholders in each language."""

from __future__ import annotations

import string

import pytest
import yaml

from cjmgen.i18n.catalog import BUILT_IN, PLURAL_RULES, TEXT_SECTIONS, languages, load_catalog
from cjmgen.i18n.labels import Locale


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def raw(language: str) -> dict:
    return yaml.safe_load((BUILT_IN / f"{language}.yml").read_text(encoding="utf-8"))


def test_the_built_in_languages_are_the_catalog_files() -> None:
    assert languages() == ["en", "ru"]
    assert sorted(path.stem for path in BUILT_IN.glob("*.yml")) == ["en", "ru"]


@pytest.mark.parametrize("section", TEXT_SECTIONS)
def test_russian_has_every_english_key_and_no_other(section: str) -> None:
    assert list(raw("ru")[section]) == list(raw("en")[section])


@pytest.mark.parametrize("section", ["labels", "phrases"])
def test_each_text_has_the_placeholders_of_its_english_text(section: str) -> None:
    english, russian = raw("en")[section], raw("ru")[section]
    for key, text in english.items():
        assert text and russian[key], key
        assert placeholders(text) == placeholders(russian[key]), key


def test_russian_phrases_use_russian_typography() -> None:
    for key, text in raw("ru")["phrases"].items():
        assert "->" not in text and '"' not in text and "'" not in text, key


def test_plural_forms_fit_the_rule_of_their_language() -> None:
    for language, forms in (("en", 2), ("ru", 3)):
        catalog = load_catalog(language)
        assert catalog.plural_rule in PLURAL_RULES
        assert {len(f) for f in catalog.plurals.values()} == {forms}, language
        assert {catalog.plural_index(n) for n in range(200)} == set(range(forms))


@pytest.mark.parametrize(("count", "index"), [(0, 2), (1, 0), (2, 1), (4, 1), (5, 2), (11, 2), (14, 2), (21, 0),
                                              (22, 1), (111, 2), (101, 0), (-1, 0)])
def test_the_east_slavic_rule(count: int, index: int) -> None:
    assert PLURAL_RULES["east-slavic"](count) == index


def test_numbers_quotes_and_dates_come_from_the_catalog() -> None:
    import datetime as dt

    ru, en = Locale("ru"), Locale("en")
    assert ru.number(-1234567.25, 2) == "−1\u202f234\u202f567,25"
    assert en.number(-1234567.25, 2) == "−1,234,567.25"
    assert (ru.percent(0.055), en.percent(0.055)) == ("5,5\u00a0%", "5.5%")
    assert (ru.text.open_quote, ru.text.close_quote) == ("«", "»")
    assert ru.date(dt.date(2026, 5, 1)) == "1\u00a0мая 2026"
    assert en.date(dt.date(2026, 5, 1)) == "1 May 2026"


def test_a_language_without_a_catalog_reads_in_english() -> None:
    assert Locale("xx").label("maps") == "Maps"
    assert Locale("xx").count(2, "map") == "2\u00a0maps"



def test_the_catalogs_are_part_of_the_code_stamp() -> None:
    """A cache made with other labels is not reused: the catalogs key cached pages as the .py files do."""
    from cjmgen.incremental.codestamp import code_files

    assert {BUILT_IN / "en.yml", BUILT_IN / "ru.yml"} <= set(code_files(BUILT_IN.parents[1]))
