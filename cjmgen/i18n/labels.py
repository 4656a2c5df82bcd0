"""The site's language as the theme prints it: labels, plural forms, numbers and dates.

The words and formats are data (cjmgen/i18n/catalogs/<language>.yml, merged with
a theme's i18n/<language>.yml); this module only applies them.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

from cjmgen.content.figures import keep_together
from cjmgen.i18n.catalog import Catalog, load_catalog

if TYPE_CHECKING:
    from cjmgen.content.model import KPI, Quantity

NBSP = "\u00a0"


@dataclass(frozen=True)
class Locale:
    """Everything language-specific the theme prints: labels, plurals, numbers, dates."""

    language: str = "en"
    folders: tuple[Path, ...] = ()  # the theme's catalog folders (cjmgen.i18n.catalog.theme_folders)

    @functools.cached_property
    def catalog(self) -> Catalog:
        return load_catalog(self.language, self.folders)

    def in_language(self, language: str) -> Locale:
        """The same theme's catalogs in another language (a map's own `language:`)."""
        return Locale(language, self.folders)

    def has_label(self, key: str) -> bool:
        """Whether the catalog has a text for `key` (a word that agrees in gender: `filter_any_persona`)."""
        return key in self.catalog.labels

    def label(self, key: str, **values: object) -> str:
        text = self.catalog.labels[key]
        if not values:
            return text
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError):  # a theme's text with a value it does not have: cjmgen's own
            return (load_catalog(self.language).labels.get(key) or load_catalog("en").labels[key]).format(**values)

    @functools.cached_property
    def text(self) -> SimpleNamespace:
        """Every label as an attribute: templates write `T.source` for `L.label('source')`.

        A call from a template goes through Jinja's call machinery; a map page prints
        hundreds of labels, so calls were a large share of its rendering time.
        """
        return SimpleNamespace(**self.catalog.labels)

    def plural_form(self, count: int, noun: str) -> str:
        forms = self.catalog.plurals[noun]
        return forms[min(self.catalog.plural_index(count), len(forms) - 1)]

    def count(self, count: int, noun: str) -> str:
        """`1 map`, `5 maps`; `1 карта`, `3 карты`, `5 карт`, `21 карта`."""
        return f"{self.number(count)}{NBSP}{self.plural_form(count, noun)}"

    def number(self, value: float, decimals: int = 0) -> str:
        """1,234.5 in English; 1 234,5 in Russian (narrow no-break space, comma)."""
        text = f"{value:,.{decimals}f}"
        if decimals:
            text = text.rstrip("0").rstrip(".") if "." in text else text
        return text.translate(self._number_signs)

    @functools.cached_property
    def _number_signs(self) -> dict[int, str]:
        """Python's `,` `.` `-` to the language's group and decimal separators and minus sign."""
        catalog = self.catalog
        return str.maketrans({",": catalog.group, ".": catalog.decimal, "-": catalog.minus})

    def rate(self, rate: float) -> str:
        """A conversion as every page prints it: one decimal, more when it would read `0 %`
        (`5 %`, `0,37 %`, `0,037 %`): the chart, the table, the grid and the index agree."""
        points = abs(rate) * 100
        decimals = 1 if points >= 1 or points == 0 else 2 if points >= 0.1 else 3
        return self.percent(rate, decimals)

    def percent(self, rate: float, decimals: int = 1) -> str:
        """A 0..1 rate as a percentage: 5.5% in English, 5,5 % in Russian."""
        return self.catalog.percent.format(number=self.number(rate * 100, decimals))

    def date(self, value: dt.date | None) -> str:
        if value is None:
            return self.label("no_data")
        return self.catalog.date.format(day=value.day, month=self.catalog.months[value.month - 1], year=value.year)

    def signed(self, value: int) -> str:
        """An emotion score with its sign and a real minus: `+1`, `0`, `−2`."""
        return f"+{value}" if value > 0 else self.number(value)

    def figure(self, quantity: Quantity, unit: str | None = None) -> str:
        """An authored KPI figure printed like a computed one: `7.5%` reads `7,5 %` in Russian,
        `1200` reads `1 200`; anything else as written, its number kept with its unit.

        Memoised per locale: a KPI's figures print on its map page, in the measured table and
        on owner pages, and a data file repeats values."""
        key = (quantity.raw, quantity.number, quantity.percent, quantity.unit, unit)
        memo = self._figures
        found = memo.get(key)
        if found is None:
            if len(memo) >= 1 << 16:
                memo.clear()
            found = memo[key] = self._figure(quantity, unit)
        return found

    @functools.cached_property
    def _figures(self) -> dict[tuple[str, float | None, bool, str, str | None], str]:
        return {}

    def _figure(self, quantity: Quantity, unit: str | None) -> str:
        raw = quantity.raw.strip()
        shown = raw
        plain = re.fullmatch(r"[-+−]?[\d\s\u00a0\u202f]*\d(?:[.,](\d+))?\s*(%?)", raw)
        if quantity.number is not None and plain and (quantity.percent or not quantity.unit):
            decimals = len(plain.group(1) or "")
            number = self.number(quantity.number, decimals)
            if decimals:  # keep "7,50" as written: number() drops trailing zeros
                point = self.catalog.decimal
                whole, _, part = number.partition(point)
                number = f"{whole}{point}{part.ljust(decimals, '0')}"
            shown = self.percent(quantity.number / 100, decimals) if plain.group(2) else number
            if plain.group(2) and decimals:
                shown = self.catalog.percent.format(number=number)
        if unit:
            shown = f"{shown} {unit}"
        return keep_together(shown)

    def kpi_reason(self, kpi: KPI) -> str:
        """Why a KPI has no status, in words (`цель не задана`, `«около трёх» — не число`)."""
        verdict = kpi.verdict
        return self.label(f"kpi_why_{verdict.reason}", detail=verdict.detail) if verdict.reason else ""

    def emotion(self, value: int | None) -> str:
        names = {-2: "very_negative", -1: "negative", 0: "neutral", 1: "positive", 2: "very_positive"}
        return self.label(names[value]) if value is not None else self.label("no_data")
