"""What `cjmgen check` says about the theme's catalogs and the site's language.

A theme's catalog is read as it is used (a key that is not English's is never
asked for; a missing one reads in English), so mistakes in it are silent on the
page: here each one is named with file:line. The built-in catalogs are kept
right by tests, not checked on every run.
"""

from __future__ import annotations

import difflib
import string
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cjmgen.config import SiteConfig
from cjmgen.content.frontmatter import decode
from cjmgen.content.yamltree import YNode, parse_yaml
from cjmgen.diagnostics import Diagnostics, SourceLocation
from cjmgen.i18n.catalog import (
    BUILT_IN,
    ENGLISH,
    NUMBER_KEYS,
    PLURAL_RULES,
    SETTINGS,
    SUFFIX,
    TEXT_SECTIONS,
    Catalog,
    languages,
    load_catalog,
)
from cjmgen.site.theme import ThemeError, load_theme

BROKEN = "{"  # what _placeholders gives for a text whose braces do not pair
#: Missing keys named in the warning; the others are counted.
_NAMED_MISSING = 10


def check_catalogs(config: SiteConfig, diagnostics: Diagnostics) -> None:
    """Every catalog file of the theme and its custom_dir, and whether the site's language has one."""
    try:
        folders = load_theme(config).catalog_folders()
    except ThemeError:
        folders = ()  # the build says why the theme does not load
    files = sorted((path for folder in folders if folder.is_dir() for path in folder.glob(f"*{SUFFIX}")),
                   key=lambda path: (folders.index(path.parent), path.name))
    english = load_catalog(ENGLISH)
    given: dict[str, dict[str, set[str]]] = {}  # language -> section -> keys its theme files give
    for path in files:
        node = _read(path, config.root, diagnostics)
        if node is not None:
            sections = given.setdefault(path.stem, {})
            for section, keys in _CatalogFile(diagnostics, english).check(node).items():
                sections.setdefault(section, set()).update(keys)
    for language, sections in given.items():
        if not (BUILT_IN / f"{language}{SUFFIX}").is_file():
            last = [path for path in files if path.stem == language][-1]
            _missing(language, sections, SourceLocation(_shown(last, config.root)), diagnostics)
    if config.language not in languages(folders):
        diagnostics.error(
            "config", f"language: no catalog for '{config.language}': the built-in languages are "
                      f"{', '.join(languages())}", config.language_location or SourceLocation(config.source_path or ""),
            hint=f"a theme adds a language as i18n/{config.language}{SUFFIX} (theme.custom_dir works too)")


def _shown(path: Path, root: Path) -> str:
    """The file as a diagnostic names it: from the repository's root when it is inside."""
    try:
        return path.relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _read(path: Path, root: Path, diagnostics: Diagnostics) -> YNode | None:
    shown = _shown(path, root)
    try:
        text = decode(path.read_bytes(), shown, diagnostics)
    except OSError as exc:
        diagnostics.error("catalog", f"cannot read the catalog: {exc.strerror}", SourceLocation(shown))
        return None
    node = parse_yaml(text, shown, diagnostics) if text is not None else None
    if node is not None and node.kind != "map":
        diagnostics.error("catalog", "a catalog must be a mapping of settings and sections "
                                     f"({', '.join((*SETTINGS, *TEXT_SECTIONS))})", node.loc)
        return None
    return node


class _CatalogFile:
    """One catalog file against the English one: unknown keys, placeholders, settings."""

    def __init__(self, diagnostics: Diagnostics, english: Catalog) -> None:
        self.diagnostics = diagnostics
        self.english: dict[str, Mapping[str, Any]] = {
            "labels": english.labels, "plurals": english.plurals, "phrases": english.phrases}

    def check(self, node: YNode) -> dict[str, set[str]]:
        """Problems go to the diagnostics; returns the keys the file gives, by section."""
        given: dict[str, set[str]] = {}
        for key, value in node.value.items():
            if key in TEXT_SECTIONS:
                given[key] = self._section(key, value)
            elif key in SETTINGS:
                self._setting(key, value)
            else:
                self._unknown(key, value, (*SETTINGS, *TEXT_SECTIONS), "setting")
        return given

    def _section(self, section: str, node: YNode) -> set[str]:
        if node.kind != "map":
            self._warn(node, f"{section}: expected a mapping of keys to texts")
            return set()
        known = self.english[section]
        given = set()
        for key, value in node.value.items():
            if key not in known and key not in ("open_quote", "close_quote"):
                self._unknown(key, value, list(known), section.removesuffix("s"))
            elif section == "plurals":
                if value.kind != "seq" or not value.value or any(f.kind not in ("str", "int") for f in value.value):
                    self._warn(value, f"plurals.{key}: expected a list of forms, e.g. [{', '.join(known[key])}]")
                else:
                    given.add(key)
            elif value.kind not in ("str", "int", "float"):
                self._warn(value, f"{section}.{key}: expected text")
            else:
                extra = _placeholders(str(value.value)) - _placeholders(known[key])
                if BROKEN in extra:
                    self._warn(value, f"{section}.{key}: a brace without its pair (write {{{{ for a brace): "
                                      "cjmgen's own text is shown instead")
                elif extra:
                    self._warn(value, f"{section}.{key}: {{{min(extra)}}} is not a value of this text "
                                      f"(it has {_listed(_placeholders(known[key]))}): cjmgen's own text is shown "
                                      "instead")
                given.add(key)
        return given

    def _setting(self, key: str, node: YNode) -> None:
        if key == "plural" and node.value not in PLURAL_RULES:
            self._warn(node, f"plural: expected one of {', '.join(PLURAL_RULES)}, got '{node.value}'")
        elif key == "numbers":
            if node.kind != "map":
                self._warn(node, f"numbers: expected a mapping of {', '.join(NUMBER_KEYS)}")
                return
            for name, value in node.value.items():
                if name not in NUMBER_KEYS:
                    self._unknown(name, value, NUMBER_KEYS, "number setting")
                elif value.kind != "str":
                    self._warn(value, f"numbers.{name}: expected text")
        elif key == "months" and (node.kind != "seq" or len(node.value) != 12):
            self._warn(node, "months: expected the names of the twelve months, as a date prints them")
        elif key == "quotes" and (node.kind != "seq" or len(node.value) != 4):
            self._warn(node, "quotes: expected four quotation marks: the outer pair, then the pair inside it")
        elif key == "date" and node.kind == "str" and not {"day", "month"} <= _placeholders(node.value):
            self._warn(node, "date: expected a pattern with {day}, {month} and {year}")

    def _unknown(self, key: str, node: YNode, known: tuple[str, ...] | list[str], what: str) -> None:
        close = difflib.get_close_matches(key, list(known), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        self.diagnostics.warning("catalog-key", f"unknown {what} '{key}'{hint}: cjmgen never asks for it",
                                 node.key_loc or node.loc)

    def _warn(self, node: YNode, message: str) -> None:
        self.diagnostics.warning("catalog-key", message, node.loc)


def _missing(language: str, sections: dict[str, set[str]], where: SourceLocation, diagnostics: Diagnostics) -> None:
    """One warning naming the keys a new language leaves out (they read in English)."""
    english = load_catalog(ENGLISH)
    wanted = {"labels": [k for k in english.labels if k not in ("open_quote", "close_quote")],
              "plurals": list(english.plurals), "phrases": list(english.phrases)}
    missing = [f"{section}.{key}" for section, keys in wanted.items() for key in keys
               if key not in sections.get(section, set())]
    if missing:
        named = ", ".join(missing[:_NAMED_MISSING])
        more = f" and {len(missing) - _NAMED_MISSING} more" if len(missing) > _NAMED_MISSING else ""
        diagnostics.warning("catalog-missing", f"{len(missing)} keys have no '{language}' text and read in English: "
                                               f"{named}{more}", where,
                            hint="cjmgen/i18n/catalogs/en.yml in cjmgen's source lists every key and its text")


def _placeholders(template: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name}
    except ValueError:  # an unmatched brace: the text cannot be filled in
        return {BROKEN}


def _listed(names: set[str]) -> str:
    return ", ".join(f"{{{name}}}" for name in sorted(names)) or "none"
