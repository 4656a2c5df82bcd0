"""Catalogs: the labels, plural forms, diff phrases and number formats of one language, as data.

One YAML file per language (`catalogs/en.yml`, `catalogs/ru.yml`); a theme's
`i18n/<language>.yml` (and its `custom_dir`'s) is merged over them, so a theme
can reword any label or add a language. English is the base every language
starts from: a key a catalog leaves out reads in English (`cjmgen check` names
it, see cjmgen.i18n.catalog_check).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

BUILT_IN = Path(__file__).resolve().parent / "catalogs"
ENGLISH = "en"
#: Where a theme (and theme.custom_dir) keeps its catalogs: `i18n/<language>.yml`.
THEME_FOLDER = "i18n"
SUFFIX = ".yml"

#: The parts of a catalog holding one text per key; the other keys are settings.
TEXT_SECTIONS = ("labels", "plurals", "phrases")
SETTINGS = ("plural", "numbers", "date", "months", "quotes")
NUMBER_KEYS = ("decimal", "group", "minus", "percent")


def _east_slavic(count: int) -> int:
    """Russian, Ukrainian, Belarusian: 1, 21 карта (0); 2–4, 22 карты (1); 5–20, 11–14 карт (2)."""
    n = abs(count) % 100
    if 11 <= n <= 14:
        return 2
    last = n % 10
    return 0 if last == 1 else 1 if 2 <= last <= 4 else 2


#: The plural rules a catalog can name: count -> the index of the form to use.
PLURAL_RULES: dict[str, Callable[[int], int]] = {
    "one-other": lambda count: 0 if abs(count) == 1 else 1,
    "east-slavic": _east_slavic,
    "single": lambda count: 0,  # languages without plural forms (Japanese, Chinese...)
}


@dataclass(frozen=True)
class Catalog:
    """Every text and format of one language, the theme's catalogs merged over the built-in ones."""

    language: str
    plural_rule: str
    decimal: str
    group: str
    minus: str
    percent: str  # `{number}%`
    date: str  # `{day} {month} {year}`
    months: tuple[str, ...]
    quotes: tuple[str, str, str, str]  # outer open and close, then the pair used inside them
    labels: Mapping[str, str]
    plurals: Mapping[str, tuple[str, ...]]
    phrases: Mapping[str, str]

    def plural_index(self, count: int) -> int:
        return PLURAL_RULES.get(self.plural_rule, PLURAL_RULES["one-other"])(count)


def theme_folders(folders: tuple[Path, ...]) -> tuple[Path, ...]:
    """The catalog folders of a theme's folders (the theme, then its custom_dir)."""
    return tuple(folder / THEME_FOLDER for folder in folders)


def catalog_files(language: str, folders: tuple[Path, ...] = ()) -> list[Path]:
    """The files of `language`, later ones merged over earlier ones: built in, then the theme's."""
    candidates = [BUILT_IN / f"{language}{SUFFIX}", *(folder / f"{language}{SUFFIX}" for folder in folders)]
    return [path for path in candidates if path.is_file()]


def languages(folders: tuple[Path, ...] = ()) -> list[str]:
    """Every language with a catalog, built in or from the theme."""
    found = {path.stem for folder in (BUILT_IN, *folders) if folder.is_dir() for path in folder.glob(f"*{SUFFIX}")}
    return sorted(found)


def has_catalog(language: str, folders: tuple[Path, ...] = ()) -> bool:
    return bool(catalog_files(language, folders))


def load_catalog(language: str, folders: tuple[Path, ...] = ()) -> Catalog:
    """The catalog of `language` with the theme's catalog `folders` (i18n/) merged in: parsed once
    per process, and again when a theme's file changes (`serve` keeps running). A language
    without any file reads in English."""
    if not folders:
        return _built_in(language)
    files = catalog_files(ENGLISH, folders) + (catalog_files(language, folders) if language != ENGLISH else [])
    return _parsed(language, tuple((path, *_stamp(path)) for path in files))


@functools.cache
def _built_in(language: str) -> Catalog:
    """The package's own catalogs do not change while cjmgen runs: no need to look at them again."""
    files = catalog_files(ENGLISH) + (catalog_files(language) if language != ENGLISH else [])
    return _parsed(language, tuple((path, 0, 0) for path in files))


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


@functools.lru_cache(maxsize=64)
def _parsed(language: str, files: tuple[tuple[Path, int, int], ...]) -> Catalog:
    """The files merged in order; `files` carries each file's stamp so that an edited file is read again."""
    data: dict[str, Any] = {}
    for path, _, _ in files:
        _merge(data, read_file(path))
    numbers = data.get("numbers") or {}
    quotes = tuple(str(q) for q in data.get("quotes") or ()) + ("“", "”", "‘", "’")[len(data.get("quotes") or ()):]
    labels = {**data.get("labels", {}), "open_quote": quotes[0], "close_quote": quotes[1]}
    return Catalog(
        language=language,
        plural_rule=str(data.get("plural", "one-other")),
        decimal=str(numbers.get("decimal", ".")),
        group=str(numbers.get("group", ",")),
        minus=str(numbers.get("minus", "−")),
        percent=str(numbers.get("percent", "{number}%")),
        date=str(data.get("date", "{day} {month} {year}")),
        months=tuple(str(m) for m in data.get("months") or ()),
        quotes=(quotes[0], quotes[1], quotes[2], quotes[3]),
        labels=labels,
        plurals={key: tuple(str(form) for form in forms) for key, forms in data.get("plurals", {}).items()},
        phrases=data.get("phrases", {}),
    )


def read_file(path: Path) -> dict[str, Any]:
    """One catalog file as data; a file that does not read adds nothing (`cjmgen check` says why)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml parses a catalog ten times faster
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # a safe loader
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def _merge(into: dict[str, Any], data: dict[str, Any]) -> None:
    """Texts merge key by key (an empty text does not count); settings replace."""
    for key, value in data.items():
        if key in TEXT_SECTIONS and isinstance(value, dict):
            section = into.setdefault(key, {})
            for name, text in value.items():
                if key == "plurals" and isinstance(text, list) and text:
                    section[str(name)] = text
                elif key != "plurals" and isinstance(text, (str, int, float)) and str(text):
                    section[str(name)] = str(text)
        elif key == "numbers" and isinstance(value, dict):
            into.setdefault("numbers", {}).update({k: v for k, v in value.items() if isinstance(v, str)})
        elif key in SETTINGS and value is not None:
            into[key] = value
