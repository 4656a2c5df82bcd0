"""The diff's change messages in the site's language, from the `phrases` of the catalogs.

A Change keeps its English `message` (the terminal and JSON print it, like every
diagnostic) and a `Phrase`: the key of its sentence and the values to fill in.
Review output that a team reads in its own language (the Markdown PR comment,
the "What changed" page) renders the phrase in the site's language instead.

Arguments are plain values, nested phrases (a lane noun, "none"), tuples
(joined with ", ") or a `Rate`, which each language prints its own way. A
missing or broken translation falls back to English: output never fails.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cjmgen.checks.rules import format_percent
from cjmgen.i18n.catalog import Catalog, load_catalog
from cjmgen.i18n.labels import Locale

ENGLISH = "en"

#: The labels `cjmgen diff` gives the two sides when they are not revisions as typed.
WORKING_TREE = "working tree"
MERGE_BASE = "merge base with "

#: Placeholders a phrase may leave out: a clause that only some changes have ("now into Deal, was ...").
_OPTIONAL = {"why": "", "span": ""}


def is_value_word(value: object) -> bool:
    """A field value that is a word of cjmgen's own (state, status, better, channel kind): the
    catalogs say it in each language as `value.<word>`."""
    return isinstance(value, str) and f"value.{value}" in load_catalog(ENGLISH).phrases

#: Who a phrase is said for: a language of the built-in catalogs, or a site's Locale (its theme's catalogs too).
Speaker = str | Locale


def catalog_of(speaker: Speaker) -> Catalog:
    return speaker.catalog if isinstance(speaker, Locale) else load_catalog(speaker)


@dataclass(frozen=True)
class Rate:
    """A 0..1 conversion, printed as a percentage the way each language writes it."""

    value: float

    def render(self, language: Speaker) -> str:
        locale = language if isinstance(language, Locale) else Locale(language)
        return format_percent(self.value) if locale.language == ENGLISH else locale.percent(self.value, 2)


@dataclass(frozen=True)
class Phrase:
    """A sentence (or word) of the table with its values: hashable, rendered on demand."""

    key: str
    args: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, key: str, **args: Any) -> Phrase:
        return cls(key, tuple(args.items()))

    def render(self, language: Speaker = ENGLISH) -> str:
        """The text in `language`; English when the phrase is not translated (or is broken)."""
        catalog = catalog_of(language)
        for candidate in (catalog, load_catalog(catalog.language)):  # the theme's text, then cjmgen's own
            if candidate is not load_catalog(ENGLISH):
                try:
                    return self._fill(candidate, language)
                except (KeyError, IndexError, ValueError):
                    pass
        return self._fill(load_catalog(ENGLISH), ENGLISH)

    def render_rich(self, language: Speaker, escape_text: Callable[[str], str], rich: Callable[[Any], str]) -> str:
        """The text in `language` for a markup format: plain text through `escape_text`, and each
        argument that is more than text (an excerpt of changed words) through `rich`."""
        marked = {name: f"\x00{index}\x00" for index, (name, value) in enumerate(self.args) if _is_rich(value)}
        if not marked:
            return escape_text(self.render(language))
        values = dict(self.args)
        text = Phrase(self.key, tuple((n, marked.get(n, v)) for n, v in self.args)).render(language)
        out = []
        for number, part in enumerate(text.split("\x00")):
            out.append(rich(values[self.args[int(part)][0]]) if number % 2 else escape_text(part))
        return "".join(out)

    def _fill(self, catalog: Catalog, language: Speaker) -> str:
        template = catalog.phrases[self.key]
        values = {**_OPTIONAL, **{name: value_text(value, language) for name, value in self.args}}
        outer_open, outer_close, inner_open, inner_close = catalog.quotes
        quoted = rf"{re.escape(outer_open)}\{{(\w+)\}}{re.escape(outer_close)}"
        for name in re.findall(quoted, template):  # «Оплата „онлайн“», not «Оплата «онлайн»»
            if name in values:
                values[name] = values[name].replace(outer_open, inner_open).replace(outer_close, inner_close)
        return template.format(**values)


def _is_rich(value: Any) -> bool:
    """An argument that a markup format shows with its own markup (diff_prose.Excerpt)."""
    return hasattr(value, "markdown") and hasattr(value, "html")


NONE = Phrase("none")


@dataclass(frozen=True)
class Names:
    """Stage (or map) names in a list: `Evaluation, Delivery`; in Russian «Оценка», «Доставка»."""

    names: tuple[str, ...]

    def render(self, language: Speaker) -> str:
        if not self.names:
            return Phrase("nowhere").render(language)
        return ", ".join(Phrase.of("names.item", name=name).render(language) for name in self.names)


def value_text(value: Any, language: Speaker) -> str:
    """One argument as text: phrases and rates in `language`, tuples joined, None as "none"."""
    if isinstance(value, (Phrase, Rate, Names)) or hasattr(value, "render"):
        rendered: str = value.render(language)
        return rendered
    if value is None:
        return NONE.render(language)
    if isinstance(value, tuple):
        return ", ".join(value_text(v, language) for v in value)
    return str(value)


def side_label(label: str) -> Phrase | str:
    """The label of a compared side, as a phrase when cjmgen chose it ("working tree")."""
    if label == WORKING_TREE:
        return Phrase("side.working-tree")
    if label.startswith(MERGE_BASE):
        return Phrase.of("side.merge-base", branch=label[len(MERGE_BASE):])
    return label


def say(key: str, language: Speaker = ENGLISH, **args: Any) -> str:
    """A phrase of the table in `language`, filled in."""
    return Phrase.of(key, **args).render(language)
