"""Data files read a column at a time: the same series, rows, locations and measures as
reading them row by row (content/datafiles `_clean_csv` against the row-by-row path)."""

from __future__ import annotations

import pickle

import pytest

from cjmgen.analysis import measures
from cjmgen.content import datafiles
from cjmgen.content.datafiles import DataFile, LineLocations, Series, parse_data_file
from cjmgen.content.model import KPI, Quantity
from cjmgen.diagnostics import Diagnostics, SourceLocation

CLEAN = {
    "plain": "stage,kpi,period,value\nawareness,ctr,2026-07,5.1\nawareness,ctr,2026-08,6\ndeal,count,2026-08,60\n",
    "a map column, series apart and out of order": (
        "map,stage,kpi,period,value\n"
        "sofa,awareness,ctr,2026-09,7.4\n"
        "/sofa/,deal,count,2026-09,60\n"
        "sofa,awareness,ctr,2026-07,5.1\n"
        ",awareness,ctr,2026-08,6.0\n"
        "chair,awareness,ctr,2026-08,6.0\n"
        "sofa,awareness,count,2026-08,900\n"
    ),
    "semicolons, spaces and decimal commas": (
        "\ufeffStage; KPI ;Period;Value\n осведомлённость ; ctr ;2026-Q1; 4,2 %\nосведомлённость;ctr;2026-Q2;1 200\n"
    ),
    "quoted cells": 'stage,kpi,period,value\nawareness,ctr,2026-03,"5,2"\n"awareness",ctr,2026-04,"6"\n',
    "no-break and ideographic spaces around cells": (
        "stage,kpi,period,value\n\u00a0awareness\u00a0,ctr\u3000,\u20032026-07,5\u00a0%\nawareness,ctr,2026-08,6\n"
    ),
    "a NUL byte after a figure (read as its unit, either way)": "stage,kpi,period,value\nawareness,ctr,2026-07,5\x00\n",
    "tabs and days": "stage\tkpi\tperiod\tvalue\nawareness\tctr\t2026-03-01\t5\nawareness\tctr\t2026-03-02\t7\n\n\n",
}

NOT_CLEAN = {
    "columns of other names": "Этап;KPI;Период;Значение\nосведомлённость;ctr;2026-07;5\n",
    "a blank line": "stage,kpi,period,value\nawareness,ctr,2026-07,5\n\nawareness,ctr,2026-08,6\n",
    "a short row": "stage,kpi,period,value,map\nawareness,ctr,2026-07,5\n",
    "a long row": "stage,kpi,period,value\nawareness,ctr,2026-07,5,x\n",
    "a bad period": "stage,kpi,period,value\nawareness,ctr,March,5\n",
    "a word for a value": "stage,kpi,period,value\nawareness,ctr,2026-07,lots\n",
    "no value": "stage,kpi,period,value\nawareness,ctr,2026-07,\n",
    "no stage": "stage,kpi,period,value\n,ctr,2026-07,5\n",
    "a period twice": "stage,kpi,period,value\nawareness,ctr,2026-07,5\nawareness,ctr,2026-07,6\n",
    "a period twice, apart": "stage,kpi,period,value\na,ctr,2026-07,5\na,x,2026-07,5\na,ctr,2026-07,6\n",
    "a count that is no whole number": "stage,kpi,period,value\ndeal,count,2026-07,12.5\n",
    "a control character in a period": "stage,kpi,period,value\nawareness,ctr,2026-07\x1b,5\n",
    "a quoted line break": 'stage,kpi,period,value\nawareness,"c\ntr",2026-07,5\n',
    "a header after a blank line": "\nstage,kpi,period,value\nawareness,ctr,2026-07,5\n",
}


def both_ways(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[tuple[DataFile | None, list[str]], ...]:
    """The file read as it is, then with the column reading turned off."""
    out = []
    for clean in (True, False):
        with monkeypatch.context() as patch:
            if not clean:
                patch.setattr(datafiles, "_clean_csv", lambda text, path: None)
            diagnostics = Diagnostics()
            found = parse_data_file("maps/data/x.csv", text.encode(), diagnostics)
            out.append((found, [f"{d.location}:{d.code}:{d.message}" for d in diagnostics.items]))
    return tuple(out)


def described(found: DataFile | None) -> object:
    """Everything a data file holds, with each location spelled out."""
    if found is None:
        return None
    return found.digest, [(s.map, s.stage, s.kpi, s.periods, s.values, list(s.locations)) for s in found.series], \
        found.rows


@pytest.mark.parametrize("name", sorted(CLEAN))
def test_a_clean_file_reads_as_row_by_row(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    text = CLEAN[name]
    (fast, fast_problems), (slow, slow_problems) = both_ways(text, monkeypatch)
    assert described(fast) == described(slow) and fast_problems == slow_problems
    assert datafiles._clean_csv(text.lstrip("\ufeff"), "maps/data/x.csv") is not None, "read a column at a time"
    assert fast is not None and fast.rows


@pytest.mark.parametrize("name", sorted(NOT_CLEAN))
def test_a_file_with_a_problem_is_read_row_by_row(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    text = NOT_CLEAN[name]
    assert datafiles._clean_csv(text, "maps/data/x.csv") is None
    (fast, fast_problems), (slow, slow_problems) = both_ways(text, monkeypatch)
    assert described(fast) == described(slow) and fast_problems == slow_problems


def test_series_are_cut_in_the_order_of_their_first_rows_with_their_lines() -> None:
    found = parse_data_file("maps/data/x.csv", CLEAN["a map column, series apart and out of order"].encode(),
                            Diagnostics())
    assert found is not None
    assert [(s.map, s.stage, s.kpi, [w.line for w in s.locations]) for s in found.series] == [
        ("sofa", "awareness", "ctr", [2, 4]), ("sofa", "deal", "count", [3]), (None, "awareness", "ctr", [5]),
        ("chair", "awareness", "ctr", [6]), ("sofa", "awareness", "count", [7])]
    assert [r.location.line for r in found.rows] == [2, 3, 4, 5, 6, 7]


def test_line_locations_are_made_when_asked_for() -> None:
    lines = LineLocations("maps/data/x.csv", range(2, 7))
    assert len(lines) == 5 and lines[0] == SourceLocation("maps/data/x.csv", 2, 1)
    assert lines[-1].line == 6 and list(lines[1:3]) == [SourceLocation("maps/data/x.csv", 3, 1),
                                                        SourceLocation("maps/data/x.csv", 4, 1)]
    assert lines == tuple(lines) and lines != tuple(lines)[:-1]
    assert hash(lines) == hash(tuple(lines))  # equal to its tuple, so hashed as it is
    assert pickle.loads(pickle.dumps(lines)) == lines


def test_measures_of_a_series_out_of_order_with_a_target_in_percent() -> None:
    """Each period once, oldest first; a bare number read as the target reads (`4.2` against
    `5%` is 4.2%); the same verdicts as the row by row judging of figures."""
    where = LineLocations("maps/data/x.csv", range(2, 6))
    values = tuple(Quantity.parse(v) for v in ("4.2", "6%", "4.2", "5"))
    periods = tuple(datafiles.Period.parse(p) for p in ("2026-09", "2026-07", "2026-08", "2026-10"))
    series = Series(None, "awareness", "ctr", periods, values, where)  # type: ignore[arg-type]
    kpi = KPI(name="CTR", value=None, target=Quantity.parse("5%"))
    found = measures.kpi_series(series, kpi)
    assert [(m.period, m.value.raw, m.met, m.location.line if m.location else 0) for m in found] == [
        ("2026-07", "6%", True, 3), ("2026-08", "4.2%", False, 4), ("2026-09", "4.2%", False, 2),
        ("2026-10", "5%", True, 5)]
    assert [m.period for m in measures.kpi_series(series, kpi, last=2)] == ["2026-09", "2026-10"]
    lower = KPI(name="CTR", value=None, target=Quantity.parse("5%"), better="lower")
    assert [m.met for m in measures.kpi_series(series, lower)] == [False, True, True, True]
    untargeted = KPI(name="CTR", value=None)
    assert {m.met for m in measures.kpi_series(series, untargeted)} == {None}
