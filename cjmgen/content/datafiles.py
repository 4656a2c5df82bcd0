"""Data files of measured KPIs: CSV or JSON exports, one row per KPI (or count) and period.

A row names a stage and a KPI of a map (`stage`, `kpi`, optionally `map`), a
`period` (`2026-03`, `2026-Q1` or a day `2026-03-15`) and a `value`. The file is
read here on its own, like a map (a pure function of its path and bytes, so the
parse cache keeps it); whether its stages and KPIs exist is for
`analysis.measures`, which sees the maps. Every problem is reported at the row's
line, and reading goes on.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import itertools
import json
import operator
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple, overload

from cjmgen.content.frontmatter import decode
from cjmgen.content.model import Quantity
from cjmgen.diagnostics import Diagnostics, SourceLocation

REQUIRED_COLUMNS = ("stage", "kpi", "period", "value")
OPTIONAL_COLUMNS = ("map",)
COUNT_KPI = "count"  # the `kpi` of a row that gives the stage's count of customers
DATA_SUFFIXES = (".csv", ".json")
_DELIMITERS = (",", ";", "\t")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-[qQ]([1-4])$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, order=True)
class Period:
    """A month, a quarter or a day: ordered by its first day, shown as written in ISO form."""

    start: dt.date
    end: dt.date
    text: str
    kind: str  # month | quarter | day

    @classmethod
    def parse(cls, text: str) -> Period | None:
        return _period(text.strip())

    @classmethod
    def _read(cls, text: str) -> Period | None:
        if match := _MONTH.match(text):
            year, month = int(match[1]), int(match[2])
            if not 1 <= month <= 12 or year < 1:
                return None
            return cls(dt.date(year, month, 1), _month_end(year, month), f"{year:04d}-{month:02d}", "month")
        if match := _QUARTER.match(text):
            year, quarter = int(match[1]), int(match[2])
            if year < 1:
                return None
            return cls(dt.date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter), f"{year:04d}-Q{quarter}",
                       "quarter")
        if _DAY.match(text):
            try:
                day = dt.date.fromisoformat(text)
            except ValueError:
                return None
            return cls(day, day, text, "day")
        return None


@functools.lru_cache(maxsize=4096)
def _period(text: str) -> Period | None:
    """Periods repeat in every series of a file (twelve months, thousands of rows): read once."""
    return Period._read(text)


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


class DataRow(NamedTuple):
    """One measured figure: a KPI's value (or, with `kpi: count`, a stage's count) in a period.

    A named tuple, not a dataclass (as SourceLocation): a thousand maps' data files are a
    quarter of a million rows, and a tuple is made in a fraction of the time."""

    map: str | None  # a map id; None: every map that lists the file
    stage: str
    kpi: str
    period: Period
    value: Quantity
    location: SourceLocation


_location = functools.partial(tuple.__new__, SourceLocation)  # tuple's C constructor
_data_row = functools.partial(tuple.__new__, DataRow)


class Series(NamedTuple):
    """One KPI's (or one stage's count's) rows in one data file, as columns, in the file's order.

    A thousand maps' files are a quarter of a million rows: a row object each, grouped
    afterwards, was most of reading them and of measuring them (docs/benchmarks.md,
    measured KPIs). A series is cut out of the file's columns in one piece; `rows()`
    gives its rows one by one where a diagnostic needs them."""

    map: str | None  # a map id; None: every map that lists the file
    stage: str
    kpi: str
    periods: tuple[Period, ...]
    values: tuple[Quantity, ...]
    locations: Sequence[SourceLocation]

    def rows(self) -> list[DataRow]:
        return [_data_row((self.map, self.stage, self.kpi, period, value, where))
                for period, value, where in zip(self.periods, self.values, self.locations, strict=True)]

    def picked(self, indices: Sequence[int]) -> Series:
        """The series with only the rows at `indices`, in that order."""
        locations = list(self.locations)
        return self._replace(periods=tuple(self.periods[i] for i in indices),
                             values=tuple(self.values[i] for i in indices),
                             locations=tuple(locations[i] for i in indices))

    def joined(self, other: Series) -> Series:
        """Both series' rows, these first (a map's rows from two files, or two parts of one)."""
        return self._replace(periods=self.periods + other.periods, values=self.values + other.values,
                             locations=(*self.locations, *other.locations))


_series = functools.partial(tuple.__new__, Series)


class LineLocations(Sequence[SourceLocation]):
    """The locations of consecutive lines of a CSV file, made when asked for: most rows'
    are never shown (a diagnostic, the export's `line` column)."""

    __slots__ = ("lines", "path")

    def __init__(self, path: str, lines: range) -> None:
        self.path = path
        self.lines = lines

    def __len__(self) -> int:
        return len(self.lines)

    @overload
    def __getitem__(self, index: int) -> SourceLocation: ...

    @overload
    def __getitem__(self, index: slice) -> LineLocations: ...

    def __getitem__(self, index: int | slice) -> SourceLocation | LineLocations:
        if isinstance(index, slice):
            return LineLocations(self.path, self.lines[index])
        return _location((self.path, self.lines[index], 1))

    def __iter__(self) -> Iterator[SourceLocation]:
        return map(_location, zip(itertools.repeat(self.path), self.lines, itertools.repeat(1)))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    def __hash__(self) -> int:
        return hash(tuple(self))  # as the tuple of the same locations, which it equals

    def __repr__(self) -> str:
        return f"LineLocations({self.path!r}, {self.lines!r})"


@dataclass(frozen=True)
class DataFile:
    path: str  # repository-relative
    series: tuple[Series, ...]  # in the order of each one's first row
    digest: str = ""  # of the file's bytes: what a page built from it is keyed by (site.render)

    @functools.cached_property
    def rows(self) -> tuple[DataRow, ...]:
        """Every row read, in the file's order."""
        return tuple(sorted((row for series in self.series for row in series.rows()),
                            key=operator.attrgetter("location")))

    def series_about(self, map_id: str) -> list[dict[tuple[str, str], Series]]:
        """The series naming the map, then those naming none (about every map that lists the
        file), each by (stage, KPI) in the file's order. Within one of the two, a period
        comes once (parsing dropped the duplicates); across them it may come twice."""
        return [found for found in (self._series.get(map_id), self._series.get(None)) if found]

    @functools.cached_property
    def _series(self) -> dict[str | None, dict[tuple[str, str], Series]]:
        """Series by the map they name and by (stage, KPI): one export may feed a thousand maps."""
        grouped: dict[str | None, dict[tuple[str, str], Series]] = {}
        for series in self.series:
            grouped.setdefault(series.map, {})[series.stage, series.kpi] = series
        return grouped


def is_data_path(path: str) -> bool:
    return path.lower().endswith(DATA_SUFFIXES)


def parse_data_file(path: str, data: bytes, diagnostics: Diagnostics) -> DataFile | None:
    """The file's series; None when it cannot be read at all (the reason is in `diagnostics`)."""
    text = decode(data, path, diagnostics)
    if text is None:
        return None
    digest = hashlib.sha256(data).hexdigest()[:32]
    is_json = path.lower().endswith(".json")
    if not is_json and (clean := _clean_csv(text, path)) is not None:
        return DataFile(path, clean, digest)
    records = _json_records(text, path, diagnostics) if is_json else _csv_records(text, path, diagnostics)
    if records is None:
        return None
    rows: list[DataRow] = []
    seen: dict[tuple[str | None, str, str, str], SourceLocation] = {}
    for cells, where in records:
        row = _good_row(cells, where) or _row(cells, where, diagnostics)
        if row is None:
            continue
        key = (row.map, row.stage, row.kpi, row.period.text)
        first = seen.setdefault(key, where)
        if first is not where:
            diagnostics.error(
                "data-duplicate", f"a second row for {row.stage}/{row.kpi} in {row.period.text} "
                f"(the first is on line {first.line})", where, hint="keep one row per KPI and period",
            )
            continue
        rows.append(row)
    return DataFile(path, _series_of_rows(rows), digest)


def _series_of_rows(rows: list[DataRow]) -> tuple[Series, ...]:
    grouped: dict[tuple[str | None, str, str], list[DataRow]] = {}
    for row in rows:
        grouped.setdefault((row.map, row.stage, row.kpi), []).append(row)
    return tuple(_series((*key, tuple(r.period for r in found), tuple(r.value for r in found),
                          tuple(r.location for r in found))) for key, found in grouped.items())


def _clean_csv(text: str, path: str) -> tuple[Series, ...] | None:
    """A CSV file without a problem, read a column at a time, its series cut out of the
    columns in one piece; None for any other file, which the row-by-row reading reports.

    Each step is one call into C over a whole column (csv, zip, map over the cached
    readings of periods and values): a quarter of a million rows are read in about half
    the time they take one by one. Clean means: one record a line (no blank lines, no
    quoted line breaks), as many cells as the header names, a stage, a KPI, a period and a
    number in each row, a count a whole number, and no period twice in a series."""
    lines = text.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines or not lines[0].strip():
        return None
    delimiter = max(_DELIMITERS, key=lines[0].count)
    try:
        records = list(csv.reader(lines, delimiter=delimiter))
    except csv.Error:
        return None
    columns = [name.strip().lower() for name in records[0]]
    if len(records) != len(lines) or any(name not in columns for name in REQUIRED_COLUMNS):
        return None
    body = records[1:]
    if not body:
        return ()
    if set(map(len, body)) != {len(columns)}:
        return None
    cells = list(zip(*body, strict=True))
    stages, kpis, written = (_stripped(cells[columns.index(name)]) for name in ("stage", "kpi", "period"))
    raw = cells[columns.index("value")]
    if "" in stages or "" in kpis or not _all_read(written, raw):
        return None
    maps: Sequence[str | None] = [None] * len(body)
    if "map" in columns:
        named = _stripped(cells[columns.index("map")])
        ids = {cell: cell.strip("/") or None for cell in set(named)}
        maps = list(map(ids.__getitem__, named))
    periods = list(map(_period, written))
    values = list(map(_value, raw))
    runs: dict[tuple[str | None, str, str], list[range]] = {}
    for key, run in itertools.groupby(range(len(body)), list(zip(maps, stages, kpis)).__getitem__):
        indices = list(run)
        runs.setdefault(key, []).append(range(indices[0], indices[-1] + 1))
    out: list[Series] = []
    for (map_id, stage, kpi), parts in runs.items():
        found = [_series((map_id, stage, kpi, tuple(periods[part.start:part.stop]), tuple(values[part.start:part.stop]),
                          LineLocations(path, range(part.start + 2, part.stop + 2)))) for part in parts]
        series = functools.reduce(Series.joined, found)
        texts = list(map(_TEXT, series.periods))
        if len(set(texts)) != len(texts) or (kpi == COUNT_KPI and not all(map(_is_count, series.values))):
            return None
        out.append(series)
    return tuple(out)


_TEXT = operator.attrgetter("text")


def _stripped(column: tuple[str, ...]) -> tuple[str, ...]:
    """A column's cells without the white space around them, as `str.strip` takes it (looked
    for first: exports rarely have any). Every white space character but the space itself
    is unprintable to Python (a tab, a no-break space from a spreadsheet, an ideographic
    space), so one scan of the joined cells finds whether any cell may need stripping."""
    joined = "".join(column)
    return tuple(map(str.strip, column)) if " " in joined or not joined.isprintable() else column


def _all_read(periods: Sequence[str], values: Sequence[str]) -> bool:
    """Whether every period and value reads: each distinct text is asked once."""
    return all(_period(text) is not None for text in set(periods)) and \
        all(_value(text).number is not None for text in set(values))


#: A row as read: its map, stage, kpi, period and value cells (stripped; "" where missing) and where it starts.
Record = tuple[tuple[str, str, str, str, str], SourceLocation]
_FIELDS = ("map", *REQUIRED_COLUMNS)


def _csv_records(text: str, path: str, diagnostics: Diagnostics) -> list[Record] | None:
    """Rows of a CSV file as {column: text}: comma, semicolon (a spreadsheet in a Russian
    locale) or tab separated, as the header line shows."""
    lines = text.split("\n")
    header_line = next((number for number, line in enumerate(lines, 1) if line.strip()), None)
    if header_line is None:
        diagnostics.error("data-columns", "the data file is empty: it needs a header line "
                          f"{','.join(REQUIRED_COLUMNS)}", SourceLocation(path, 1, 1))
        return None
    head = lines[header_line - 1]
    delimiter = max(_DELIMITERS, key=head.count)
    reader = csv.reader(lines[header_line - 1:], delimiter=delimiter)
    try:
        columns = [name.strip().lower() for name in next(reader)]
        if not _has_columns(columns, SourceLocation(path, header_line, 1), diagnostics):
            return None
        width = len(columns)
        # a missing `map` column reads index -1: the "" padded after a row's cells
        pick = operator.itemgetter(*(columns.index(name) if name in columns else -1 for name in _FIELDS))
        out: list[Record] = []
        end = reader.line_num
        for cells in reader:
            first = header_line + end  # the line this record starts on (a quoted cell may span lines)
            end = reader.line_num
            if not "".join(cells).strip():  # a blank line, or one of separators only (a spreadsheet's padding)
                continue
            if len(cells) > width:
                diagnostics.error("data-row", f"{len(cells)} cells, but the header names {width} columns",
                                  SourceLocation(path, first, 1), hint=f"separate cells with '{delimiter}' only")
                continue
            cells.append("")  # the "" of a missing column
            if len(cells) <= width:  # a short row
                cells.extend([""] * (width + 1 - len(cells)))
            m, st, k, p, v = pick(cells)
            # a location and a record per row: made by tuple's C constructor, not the named tuple's
            out.append(((m.strip(), st.strip(), k.strip(), p.strip(), v.strip()), _location((path, first, 1))))
    except csv.Error as exc:
        diagnostics.error("data-row", f"cannot read the CSV file: {exc}", SourceLocation(path, header_line + end, 1))
        return None
    return out


def _has_columns(columns: list[str], where: SourceLocation, diagnostics: Diagnostics) -> bool:
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        diagnostics.error(
            "data-columns", f"the data file has no column {', '.join(repr(m) for m in missing)}", where,
            hint=f"the first line names the columns: map (optional),{','.join(REQUIRED_COLUMNS)}",
        )
    return not missing


def _json_records(text: str, path: str, diagnostics: Diagnostics) -> list[Record] | None:
    """Objects of a JSON list, each with the line it starts on (json gives no positions,
    so the list is walked one element at a time)."""
    decoder = json.JSONDecoder()
    out: list[Record] = []
    position = _skip_space(text, 0)
    try:
        if text[position:position + 1] != "[":
            raise json.JSONDecodeError("expected a list of rows: [{...}, {...}]", text, position)
        position = _skip_space(text, position + 1)
        while text[position:position + 1] != "]":
            value, end = decoder.raw_decode(text, position)
            where = SourceLocation(path, text.count("\n", 0, position) + 1,
                                   position - text.rfind("\n", 0, position))
            if isinstance(value, dict):
                cells = {str(k).strip().lower(): _cell(v) for k, v in value.items()}
                missing = [name for name in REQUIRED_COLUMNS if name not in cells]
                if missing:
                    diagnostics.error("data-columns", f"the row has no {', '.join(repr(m) for m in missing)}", where)
                else:
                    m, st, k, p, v = (cells.get(name, "").strip() for name in _FIELDS)
                    out.append(((m, st, k, p, v), where))
            else:
                diagnostics.error("data-row", "a row must be an object like "
                                  '{"stage": "deal", "kpi": "ctr", "period": "2026-03", "value": 4.2}', where)
            position = _skip_space(text, end)
            if text[position:position + 1] == ",":
                position = _skip_space(text, position + 1)
            elif text[position:position + 1] != "]":
                raise json.JSONDecodeError("expected ',' or ']'", text, position)
        if text[_skip_space(text, position + 1):].strip():
            raise json.JSONDecodeError("text after the list", text, _skip_space(text, position + 1))
    except json.JSONDecodeError as exc:
        diagnostics.error("data-json", f"not valid JSON: {exc.msg}", SourceLocation(path, exc.lineno, exc.colno))
        return None
    return out


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\n\r":
        position += 1
    return position


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()  # not a number: reported as such
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _row(cells: tuple[str, str, str, str, str], where: SourceLocation, diagnostics: Diagnostics) -> DataRow | None:
    """A record as a row, or None with each of its problems reported."""
    map_id, stage, kpi, written, raw = cells
    ok = bool(stage and kpi)
    if not ok:
        for name, cell in (("stage", stage), ("kpi", kpi)):
            if not cell:
                diagnostics.error("data-row", f"the row has no {name}", where)
    period = _period(written)
    if period is None:
        shown = f"'{written}'" if written else "nothing"
        diagnostics.error("data-period", f"period must be a month 2026-03, a quarter 2026-Q1 or a day "
                          f"2026-03-15, got {shown}", where)
        ok = False
    value = _value(raw) if raw else None
    if value is None:
        diagnostics.error("data-value", "the row has no value", where,
                          hint="leave out the row of a period without data")
        ok = False
    elif value.number is None:
        diagnostics.error("data-value", f"value '{raw[:40]}' is not a number", where,
                          hint="write a number as 4.2, 4,2, 4.2% or 1 200")
        ok = False
    elif kpi == COUNT_KPI and not _is_count(value):
        diagnostics.error("data-value", f"a count must be a whole number of customers, got '{raw[:40]}'", where)
        ok = False
    if not ok or period is None or value is None:
        return None
    return DataRow(map_id.strip("/") or None, stage, kpi, period, value, where)


def _good_row(cells: tuple[str, str, str, str, str], where: SourceLocation) -> DataRow | None:
    """A record without a problem as its row, quickly (a quarter of a million rows at 1,000
    maps); None for any other, which `_row` reads again and reports."""
    map_id, stage, kpi, written, raw = cells
    if not (stage and kpi and raw):
        return None
    period = _period(written)
    value = _value(raw)
    if period is None or value.number is None or (kpi == COUNT_KPI and not _is_count(value)):
        return None
    return _data_row((map_id.strip("/") or None, stage, kpi, period, value, where))


def _is_count(value: Quantity) -> bool:
    """A count of customers: a whole number, no unit, not a share."""
    number = value.number
    return number is not None and not value.unit and not value.percent and number.is_integer() and number >= 0


@functools.lru_cache(maxsize=1 << 16)
def _value(raw: str) -> Quantity:
    """Values repeat across a file's rows (and a Quantity never changes): each read once."""
    return Quantity.parse(raw)
