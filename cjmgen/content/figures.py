"""Numbers with units as people write them in KPIs, in Russian and English.

`3 дня` and `1 день`, `26 ч` and `2 дня`, `1,2 млн ₽` and `900 тыс. руб.`,
`90%+`, `<35%`, `от 2 до 3 дней`, `2:15`: each becomes a `Reading`, an interval
in the base unit of its kind (minutes, roubles, percent...), so that a value and
a target spelt differently still compare. When they cannot be compared, the
reason says why in words a map's author can act on.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

INF = math.inf

#: Spaces people put inside numbers and between a number and its unit.
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007\u200a]+")
_DASHES = str.maketrans({"−": "-", "–": "-", "—": "-", "‒": "-"})

# kind, factor to the base unit, and the spellings (casefolded; a trailing '.' is optional)
_UNITS: tuple[tuple[str, float, tuple[str, ...]], ...] = (
    ("%", 1.0, ("%", "процент", "процента", "процентов", "percent", "per cent", "pct")),
    ("pp", 1.0, ("п.п", "п. п", "пп", "pp", "p.p", "п.п.", "процентных пункта", "процентных пунктов",
                 "процентный пункт", "percentage point", "percentage points", "points", "pts")),
    ("time", 1 / 60, ("с", "сек", "секунда", "секунды", "секунд", "s", "sec", "secs", "second", "seconds")),
    ("time", 1.0, ("м", "мин", "минута", "минуты", "минут", "минуту", "min", "mins", "minute", "minutes")),
    ("time", 60.0, ("ч", "час", "часа", "часов", "h", "hr", "hrs", "hour", "hours")),
    ("time", 1440.0, ("д", "дн", "день", "дня", "дней", "сут", "сутки", "суток", "d", "day", "days")),
    ("time", 10080.0, ("нед", "неделя", "недели", "недель", "неделю", "w", "wk", "wks", "week", "weeks")),
    ("time", 43200.0, ("мес", "месяц", "месяца", "месяцев", "mo", "month", "months")),
    ("time", 525600.0, ("год", "года", "лет", "y", "yr", "yrs", "year", "years")),
    ("money:RUB", 1.0, ("₽", "руб", "рубль", "рубля", "рублей", "р", "rub", "rur", "roubles", "rubles")),
    ("money:USD", 1.0, ("$", "usd", "доллар", "доллара", "долларов", "dollar", "dollars")),
    ("money:EUR", 1.0, ("€", "eur", "евро", "euro", "euros")),
)
_UNIT_INDEX: dict[str, tuple[str, float]] = {
    spelling: (kind, factor) for kind, factor, spellings in _UNITS for spelling in spellings
}
_MULTIPLIERS: dict[str, float] = {
    "тыс": 1e3, "тысяча": 1e3, "тысячи": 1e3, "тысяч": 1e3, "k": 1e3, "thousand": 1e3,
    "млн": 1e6, "миллион": 1e6, "миллиона": 1e6, "миллионов": 1e6, "mln": 1e6, "million": 1e6, "m": 1e6,
    "млрд": 1e9, "миллиард": 1e9, "миллиарда": 1e9, "миллиардов": 1e9, "bn": 1e9, "billion": 1e9,
}
_PREFIX_CURRENCY = {"$": "money:USD", "€": "money:EUR", "₽": "money:RUB"}

# Bounds: words before or after the figure, and which side of it they leave open.
_AT_LEAST_BEFORE = ("не менее", "не меньше", "минимум", "как минимум", "at least", "minimum", "min", "no less than",
                    "от", "from", ">=", "≥", "=>")
_ABOVE_BEFORE = ("более", "больше", "свыше", "выше", "over", "above", "more than", "greater than", ">")
_AT_MOST_BEFORE = ("не более", "не больше", "максимум", "как максимум", "at most", "maximum", "max", "no more than",
                   "up to", "до", "<=", "≤", "=<")
_BELOW_BEFORE = ("менее", "меньше", "ниже", "under", "below", "less than", "<")
_AT_LEAST_AFTER = ("+", "и более", "и больше", "или более", "или больше",
                   "or more", "and more", "and above", "or above")
_AT_MOST_AFTER = ("и менее", "и меньше", "или менее", "или меньше", "or less", "and less", "and below", "or below")

_NUMBER = r"[-+]?\d(?:[\d ]*\d)?(?:[.,]\d+)*"
_GROUPED = re.compile(r"[-+]?\d{1,3}(?: \d{3})+(?:[.,]\d+)?")
_DURATION = re.compile(r"^(?P<h>\d+):(?P<m>[0-5]\d)(?::(?P<s>[0-5]\d))?$")
_RANGE = re.compile(
    rf"^(?:от|from|between)?\s*(?P<a>{_NUMBER})\s*(?P<unit_a>[^\d<>≤≥]*?)\s*"
    rf"(?:-|\.\.\.?|…|до|to|and|и)\s*(?P<b>{_NUMBER})\s*(?P<unit_b>.*)$"
)
_SINGLE = re.compile(rf"^(?P<cur>[$€₽])?\s*(?P<num>{_NUMBER})\s*(?P<unit>.*)$")


@dataclass(frozen=True)
class Reading:
    """A figure as an interval [low, high] in the base unit of its `kind`.

    `kind` is `""` for a plain number, `%`, `pp` (percentage points), `time`
    (minutes), `money:RUB` and the like, or `unit:<word>` for a unit this module
    does not know (compared by the word itself). `factor` is the written unit's
    size in the base unit: a plain number next to `3 дня` is read in days.
    `strict` marks `<`/`>` bounds (the edge itself is outside).
    """

    low: float
    high: float
    kind: str = ""
    factor: float = 1.0
    strict: bool = False

    def in_units_of(self, other: Reading) -> Reading:
        """A plain number read in the other figure's unit (`3` next to `1 день` is 3 days)."""
        if self.kind or not other.kind:
            return self
        scale = other.factor
        return Reading(self.low * scale, self.high * scale, other.kind, other.factor, self.strict)


@dataclass(frozen=True)
class Unreadable:
    """A figure that is not a number this module understands, and why."""

    text: str


def parse_number(text: str) -> float | None:
    """`1 200`, `1,200`, `5,5`, `5.5`, `−3`, `1 234 567,89` -> float; None if it is not one number."""
    text = _SPACES.sub(" ", text.translate(_DASHES)).strip()
    if " " in text and not _GROUPED.fullmatch(text):
        return None  # `5 5` is two numbers, not fifty-five
    text = text.replace(" ", "")
    if not text:
        return None
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):  # 1.234,5: German-style
            text = text.replace(".", "").replace(",", ".")
        else:  # 1,234.5
            text = text.replace(",", "")
    elif "," in text:
        head, _, tail = text.rpartition(",")
        if text.count(",") > 1:
            if not all(len(group) == 3 for group in text.split(",")[1:]):
                return None
            text = text.replace(",", "")
        elif len(tail) == 3 and head.lstrip("+-") not in ("", "0"):
            text = text.replace(",", "")  # 1,200: a thousands separator
        else:
            text = text.replace(",", ".")  # 5,5: a decimal comma
    elif text.count(".") > 1:
        if not all(len(group) == 3 for group in text.split(".")[1:]):
            return None
        text = text.replace(".", "")  # 1.200.000
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None  # `inf`, `nan`, 400 digits: no figure


def _unit(text: str) -> tuple[str, float] | None:
    """The kind and factor of a unit as written (`дня`, `тыс. ₽`, `млн руб.`); None if it is no unit."""
    words = text.strip().casefold()
    if not words:
        return "", 1.0
    multiplier = 1.0
    head, _, rest = words.partition(" ")
    bare = head.rstrip(".")
    if bare in _MULTIPLIERS and (bare != "m" or rest.rstrip(".") in _UNIT_INDEX):
        multiplier = _MULTIPLIERS[bare]
        words = rest.strip()
    elif bare[:-1] in _MULTIPLIERS and bare[-1:] in "₽$€":  # 5k$ / 5тыс₽
        multiplier, words = _MULTIPLIERS[bare[:-1]], bare[-1]
    if not words:
        return "", multiplier
    key = words.rstrip(".")
    if words in _UNIT_INDEX:
        kind, factor = _UNIT_INDEX[words]
    elif key in _UNIT_INDEX:
        kind, factor = _UNIT_INDEX[key]
    elif re.search(r"\d", key) and not re.match(r"^(из|of|/)\s*\d", key):
        return None  # `5 5`, `12 - 3`: not one figure
    else:
        kind, factor = f"unit:{_stem(key)}", 1.0
    return kind, factor * multiplier


def _stem(word: str) -> str:
    """A rough stem so that `заказа`/`заказов`/`заказ` and `order`/`orders` compare."""
    word = _SPACES.sub(" ", word.strip())
    for ending in ("ами", "ями", "ов", "ев", "ей", "ам", "ям", "ах", "ях", "а", "я", "ы", "и", "у", "ю", "ь", "й", "s"):
        if len(word) > len(ending) + 2 and word.endswith(ending):
            return word[: -len(ending)]
    return word


def _strip_bound(text: str) -> tuple[str, str | None, bool]:
    """`≥ 90%` -> (`90%`, 'low', False); `<35%` -> (`35%`, 'high', True); `90%+` -> (`90%`, 'low', False)."""
    lowered = text.casefold()
    for words, side, strict in ((_AT_LEAST_BEFORE, "low", False), (_ABOVE_BEFORE, "low", True),
                                (_AT_MOST_BEFORE, "high", False), (_BELOW_BEFORE, "high", True)):
        for word in sorted(words, key=len, reverse=True):
            if lowered.startswith(word) and (not word[-1].isalpha() or not lowered[len(word):][:1].isalpha()):
                rest = text[len(word):].strip()
                if rest and (rest[0].isdigit() or rest[0] in "$€₽-+"):
                    return rest, side, strict
    for suffixes, side in ((_AT_LEAST_AFTER, "low"), (_AT_MOST_AFTER, "high")):
        for word in sorted(suffixes, key=len, reverse=True):
            if lowered.endswith(word) and len(text) > len(word):
                return text[: -len(word)].strip(), side, False
    return text, None, False


def read_figure(value: object, unit: str | None = None) -> Reading | Unreadable:
    """A KPI's `value` or `target` (a YAML number or text) as a Reading.

    `unit` is the KPI's `unit:` field: it gives plain numbers their unit.
    """
    if type(value) is str:
        return _read_text(value, unit)
    return _read(value, unit)


@functools.lru_cache(maxsize=1 << 14)
def _read_text(value: str, unit: str | None) -> Reading | Unreadable:
    """Written figures repeat (a target on every period of a data file): each read once."""
    return _read(value, unit)


def _read(value: object, unit: str | None) -> Reading | Unreadable:
    if isinstance(value, bool):
        return Unreadable(str(value))
    default = _unit(unit) if unit else ("", 1.0)
    if default is None:
        default = (f"unit:{_stem(unit.casefold())}", 1.0) if unit else ("", 1.0)
    if isinstance(value, (int, float)):
        number = float(value) * default[1]
        return Reading(number, number, default[0], default[1])
    raw = str(value)
    text = _SPACES.sub(" ", raw.translate(_DASHES)).strip()
    duration = _DURATION.match(text)
    if duration:
        minutes = int(duration["h"]) * 60 + int(duration["m"]) + int(duration["s"] or 0) / 60
        return Reading(minutes, minutes, "time", 60.0)
    span = _RANGE.match(text)
    if span:
        low, high = parse_number(span["a"]), parse_number(span["b"])
        unit_b = _unit(span["unit_b"])
        unit_a = _unit(span["unit_a"]) if span["unit_a"] else unit_b
        if low is not None and high is not None and unit_a and unit_b:
            if unit_a[0] == "" and unit_b[0]:
                unit_a = unit_b
            if unit_b[0] == "" and unit_a[0]:
                unit_b = unit_a
            if unit_a[0] == unit_b[0] or not (unit_a[0] and unit_b[0]):
                kind, factor = (unit_b if unit_b[0] else default)
                low_base = low * (unit_a[1] if unit_a[0] else factor)
                high_base = high * (unit_b[1] if unit_b[0] else factor)
                if low_base <= high_base:
                    return Reading(low_base, high_base, kind, factor)
    body, side, strict = _strip_bound(text)
    single = _SINGLE.match(body)
    if not single:
        return Unreadable(raw)
    figure = parse_number(single["num"])
    unit_text = single["unit"]
    if single["cur"]:
        unit_text = f"{unit_text} {single['cur']}".strip()
    read = _unit(unit_text)
    if figure is None or read is None:
        return Unreadable(raw)
    kind, factor = read if (read[0] or not unit) else (default[0], default[1] * read[1])
    base = figure * factor
    if side == "low":
        return Reading(base, INF, kind, factor, strict)
    if side == "high":
        return Reading(-INF, base, kind, factor, strict)
    return Reading(base, base, kind, factor)


# --- status -----------------------------------------------------------------------------

_KIND_NAMES = {"": "a plain number", "%": "a percentage", "pp": "percentage points", "time": "a duration"}


def kind_name(kind: str) -> str:
    if kind.startswith("money:"):
        return f"an amount in {kind.split(':', 1)[1]}"
    if kind.startswith("unit:"):
        return f"'{kind.split(':', 1)[1]}'"
    return _KIND_NAMES.get(kind, kind)


@dataclass(frozen=True)
class Verdict:
    """A KPI's status and, when there is none, the reason as a code and its details.

    Reasons: `no_value`, `no_target` (nothing to compare: not a problem),
    `unreadable` (a figure that is no number), `units` (kinds that do not
    compare), `straddles` (a range on both sides of the target).
    """

    status: str  # met | missed | unknown
    reason: str | None = None
    detail: str = ""


def compare(value: Reading | Unreadable | None, target: Reading | Unreadable | None, better: str) -> Verdict:
    if value is None:
        return Verdict("unknown", "no_value")
    if target is None:
        return Verdict("unknown", "no_target")
    for figure in (value, target):
        if isinstance(figure, Unreadable):
            return Verdict("unknown", "unreadable", figure.text)
    assert isinstance(value, Reading) and isinstance(target, Reading)
    value, target = value.in_units_of(target), target.in_units_of(value)
    if {value.kind, target.kind} == {"", "%"}:  # the format compares percentages with plain numbers
        pass
    elif value.kind != target.kind:
        return Verdict("unknown", "units", f"{kind_name(value.kind)} / {kind_name(target.kind)}")
    if target.high == INF and target.low > -INF:  # `90%+`, `не менее 90%`: higher is the way
        better, edge = "higher", target.low
    elif target.low == -INF and target.high < INF:  # `<35%`, `до 2 дней`
        better, edge = "lower", target.high
    else:  # one figure or a range: its lenient end
        edge = target.low if better != "lower" else target.high
    strict = target.strict
    if better == "lower":
        if value.high < edge or (value.high == edge and not strict):
            return Verdict("met")
        if value.low > edge or (value.low == edge and strict):
            return Verdict("missed")
    else:
        if value.low > edge or (value.low == edge and not strict):
            return Verdict("met")
        if value.high < edge or (value.high == edge and strict):
            return Verdict("missed")
    return Verdict("unknown", "straddles")


def split_flow_value(key: str) -> bool:
    """True for the stray key YAML makes of `value: 5,5 %` inside `{...}` (`5 %`, `5`, `200 ₽`)."""
    return bool(re.match(r"^\s*\d[\d\s\u00a0\u202f]*(?:[.,]\d+)?\s*\S{0,12}\s*$", key))


@functools.lru_cache(maxsize=1 << 16)  # a value measured in each period is judged on its page, then copied
def verdict(value: str | None, target: str | None, unit: str | None, better: str) -> Verdict:
    """A KPI's verdict from its figures as written (memoised: templates ask several times)."""
    return compare(
        None if value is None else read_figure(value, unit),
        None if target is None else read_figure(target, unit),
        better,
    )


def representative(reading: Reading) -> float:
    """One number for a bar: the figure itself, the middle of a range, the edge of a bound."""
    if reading.low == -INF:
        return reading.high
    if reading.high == INF:
        return reading.low
    return (reading.low + reading.high) / 2


# --- printing figures -------------------------------------------------------------------

NBSP = "\u00a0"
_GROUP_SPACE = re.compile(r"(?<=\d) (?=\d{3}(?!\d))")
_UNIT_AFTER = re.compile(
    r"(?<=\d)[ ](?=(?:₽|%|‰|руб|р\.|тыс|млн|млрд|ч\b|час|мин|сек|с\b|дн|д\.|день|дня|дней|недел|мес|лет|год|шт|"
    r"п\.\s?п|pp\b|days?\b|hours?\b|h\b|min\b|sec\b|weeks?\b|months?\b|years?\b|RUB|USD|EUR|k\b|mln|bn))",
    re.IGNORECASE,
)
_BEFORE_NUMBER = re.compile(
    r"(?<![\w])(до|от|на|за|по|около|свыше|более|менее|№|up to|to|from|over|under|\$|€)[ ](?=[\d−-])", re.IGNORECASE)


#: What each of the three rules above needs: a digit, or a minus after a preposition.
_FIGURE_HINT = re.compile(r"[\d−-]")


def keep_together(text: str) -> str:
    """Non-breaking spaces where a line break would split a figure: `60 000`, `29 900 ₽`,
    `до 60 000 ₽`, `3 дня`, `5,5 %` stay on one line of a printed page."""
    if _FIGURE_HINT.search(text) is None:  # most prose: one search instead of three substitutions
        return text
    text = _GROUP_SPACE.sub(NBSP, text)
    text = _UNIT_AFTER.sub(NBSP, text)
    return _BEFORE_NUMBER.sub(lambda m: m.group(1) + NBSP, text)
