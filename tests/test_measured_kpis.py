"""Measured KPIs: data files read with positions, matched to a map's KPIs, drawn as trends."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from cjmgen.analysis import measures
from cjmgen.build.pipeline import BuildOptions, build
from cjmgen.charts.trend import TrendPoint, trend_sparkline
from cjmgen.content.datafiles import DataFile, Period, parse_data_file
from cjmgen.content.model import Map
from cjmgen.content.project import load_project
from cjmgen.content.repository import Repository
from cjmgen.diagnostics import Diagnostics
from cjmgen.i18n.labels import Locale
from cjmgen.incremental.lazy_map import MapPart
from tests.helpers.cli import check_json, run
from tests.helpers.git_repos import commit, init
from tests.helpers.pdf_text import needs_pdftotext, pdf_text
from tests.helpers.repos import complete_stage
from tests.test_lazy_map import cached_maps
from tools.bench.corpus import generate
from tools.bench.measured import add_data_files, bench_measured
from tools.bench.run import cjmgen_command


def data_map(data: str = "data/sofa.csv", kpis: str = "") -> str:
    kpi_lines = kpis or (
        "    kpis:\n      - {name: CTR in search, id: ctr, value: 5%, target: 7%}\n"
        "      - {name: Cost of a visit, value: 38, target: 30, unit: RUB, better: lower}\n")
    return (
        "---\ntitle: Buying a sofa\npersona: anna\nsegment: Mobile\nreviewed: 2026-10-01\n"
        f"data: {data}\n"
        "stages:\n"
        "  - id: awareness\n    name: Awareness\n    goals: [Find a sofa]\n    obstacles: [Slow site]\n"
        "    owner: Marketing\n    emotion: 1\n    touchpoints: [website]\n    count: 1000\n"
        + kpi_lines
        + complete_stage("Deal", "deal", 50, -1)
        + "---\n"
    )


SOFA_CSV = (
    "map,stage,kpi,period,value\n"
    "sofa,awareness,ctr,2026-07,5.1\n"
    "sofa,awareness,ctr,2026-09,7.4\n"
    "sofa,awareness,ctr,2026-08,6.0\n"
    "sofa,awareness,cost-of-a-visit,2026-09,31\n"
    "sofa,awareness,count,2026-09,1200\n"
    "sofa,deal,count,2026-09,60\n"
    "sofa,awareness,count,2026-08,900\n"
)


def read(text: str, path: str = "maps/data/x.csv") -> tuple[DataFile | None, list[str]]:
    diagnostics = Diagnostics()
    found = parse_data_file(path, text.encode(), diagnostics)
    return found, [f"{d.location.line}:{d.code}:{d.message}" for d in diagnostics.items if d.location]


def test_kpi_id_defaults_to_the_slug_of_its_name(make_repo) -> None:
    root = make_repo({"maps/sofa.md": data_map(), "maps/data/sofa.csv": SOFA_CSV})
    repo = load_project(root).repo
    kpis = repo.maps[0].stages[0].kpis
    assert [k.id for k in kpis] == ["ctr", "cost-of-a-visit"]
    assert repo.maps[0].data == ("data/sofa.csv",)


def test_series_is_sorted_by_period_with_met_per_period(make_repo) -> None:
    root = make_repo({"maps/sofa.md": data_map(), "maps/data/sofa.csv": SOFA_CSV})
    repo = load_project(root).repo
    found = measures.series(repo.maps[0], repo, "awareness", "ctr")
    assert [(m.period, m.value.raw, m.met) for m in found] == [
        ("2026-07", "5.1%", False), ("2026-08", "6.0%", False), ("2026-09", "7.4%", True)]
    assert found[0].location is not None and found[0].location.line == 2
    lower = measures.series(repo.maps[0], repo, "awareness", "cost-of-a-visit")
    assert [(m.value.number, m.met) for m in lower] == [(31.0, False)]


def test_the_measured_map_takes_the_latest_values_and_counts(make_repo) -> None:
    root = make_repo({"maps/sofa.md": data_map(), "maps/data/sofa.csv": SOFA_CSV})
    repo = load_project(root).repo
    found = measures.map_measures(repo.maps[0], repo)
    assert found.count_period() == "2026-09"
    shown = measures.measured_map(repo.maps[0], found)
    assert shown.stages[0].kpis[0].value is not None and shown.stages[0].kpis[0].value.raw == "7.4%"
    assert shown.stages[0].kpis[0].status == "met"
    assert [s.count for s in shown.stages] == [1200, 60]
    assert repo.maps[0].stages[0].count == 1000  # the model itself is untouched


def test_a_map_without_data_is_its_own_measured_map(make_repo) -> None:
    root = make_repo({"maps/sofa.md": data_map().replace("data: data/sofa.csv\n", "")})
    repo = load_project(root).repo
    found = measures.map_measures(repo.maps[0], repo)
    assert not found
    assert measures.measured_map(repo.maps[0], found) is repo.maps[0]


def test_periods_months_quarters_and_days() -> None:
    march = Period.parse("2026-3")
    assert march is not None and (march.text, march.end) == ("2026-03", dt.date(2026, 3, 31))
    quarter = Period.parse("2026-q4")
    assert quarter is not None and (quarter.text, quarter.start, quarter.end) == (
        "2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert Period.parse("2026-02-30") is None and Period.parse("2026-13") is None
    assert Period.parse("March") is None


def test_semicolon_csv_with_decimal_commas_as_a_russian_spreadsheet_saves_it() -> None:
    found, problems = read("\ufeffStage;KPI;Period;Value\nawareness;ctr;2026-03;\"5,2\"\nawareness;ctr;2026-04;6,1 %\n")
    assert problems == [] and found is not None
    assert [(r.period.text, r.value.number) for r in found.rows] == [("2026-03", 5.2), ("2026-04", 6.1)]


def test_bad_rows_are_reported_at_their_lines_and_reading_goes_on() -> None:
    found, problems = read(
        "stage,kpi,period,value\n"
        "awareness,ctr,2026-03,5\n"
        "awareness,ctr,March,5\n"
        "awareness,ctr,2026-04,lots\n"
        "awareness,ctr,2026-03,6\n"
        ",ctr,2026-05,5\n"
        "deal,count,2026-05,12.5\n"
        "awareness,ctr,2026-06,\n"
        "awareness,ctr,2026-07,7\n"
    )
    assert problems == [
        "3:data-period:period must be a month 2026-03, a quarter 2026-Q1 or a day 2026-03-15, got 'March'",
        "4:data-value:value 'lots' is not a number",
        "5:data-duplicate:a second row for awareness/ctr in 2026-03 (the first is on line 2)",
        "6:data-row:the row has no stage",
        "7:data-value:a count must be a whole number of customers, got '12.5'",
        "8:data-value:the row has no value",
    ]
    assert found is not None and [r.period.text for r in found.rows] == ["2026-03", "2026-07"]


def test_rows_of_separators_only_are_blank_lines_not_bad_rows() -> None:
    """A spreadsheet pads a file's rows to its widest one: a line of separators only, however
    many, is a blank line; a row with more cells than the header names is an error."""
    found, problems = read("stage;kpi;period;value\nawareness;ctr;2026-09;4,2\n;;;;;;\n;;;\n\nawareness;ctr;2026-10;5;x\n")
    assert problems == ["6:data-row:5 cells, but the header names 4 columns"]
    assert found is not None and [r.period.text for r in found.rows] == ["2026-09"]


def test_missing_columns_are_named() -> None:
    found, problems = read("stage,metric,month,value\nawareness,ctr,2026-03,5\n")
    assert found is None
    assert problems == ["1:data-columns:the data file has no column 'kpi', 'period'"]


def test_json_rows_carry_the_line_they_start_on() -> None:
    found, problems = read(
        '[\n  {"stage": "awareness", "kpi": "ctr", "period": "2026-03", "value": 5.5},\n'
        '  {"stage": "awareness", "kpi": "ctr", "period": "2026-04", "value": "n/a"},\n'
        '  {"stage": "deal", "kpi": "count",\n   "period": "2026-04", "value": 40}\n]\n', "maps/data/x.json")
    assert problems == ["3:data-value:value 'n/a' is not a number"] and found is not None
    assert [(r.kpi, r.location.line, r.value.number) for r in found.rows] == [
        ("ctr", 2, 5.5), ("count", 4, 40.0)]
    _, broken = read('[{"stage": "a", "kpi": "b", "period": "2026-03", "value": 1},\n oops]', "maps/data/x.json")
    assert broken == ["2:data-json:not valid JSON: Expecting value"]


def test_trend_sparkline_draws_each_point_with_its_verdict_and_a_text_alternative() -> None:
    locale = Locale("en")
    points = [TrendPoint("2026-07", 5.1, False), TrendPoint("2026-08", 6.0, False, "abc123"),
              TrendPoint("2026-09", 7.4, True, shown="7.4%")]
    svg = trend_sparkline(points, locale, name="CTR", target=7.0)
    assert svg.count("<circle") == 3
    assert svg.count('class="trend-point kpi-missed"') == 2 and 'class="trend-point kpi-met"' in svg
    assert 'class="trend-target"' in svg and "<polyline" in svg
    assert "<title id=\"trend-" in svg and "CTR: 2026-09 7.4%" in svg
    assert "2026-08: 6 (target missed), abc123" in svg
    assert svg == trend_sparkline(points, locale, name="CTR", target=7.0)  # stable ids
    assert trend_sparkline([], locale, name="CTR") == ""
    one = trend_sparkline([TrendPoint("2026-09", 3.0)], locale, name="CTR")
    assert "<polyline" not in one and 'class="trend-point kpi-unknown"' in one
    # the target as the map writes it, where the chart only has its number
    written = trend_sparkline(points, locale, name="CTR", target=7.0, target_text="7%", prefix="trend-3")
    assert "Target: 7%</desc>" in written and "<title>Target: 7%</title>" in written
    assert 'id="trend-3-title"' in written and "Target: 7</desc>" in svg


def test_worse_over_the_last_periods_follows_better() -> None:
    def series(*values: float) -> tuple[measures.Measurement, ...]:
        from cjmgen.content.model import Quantity
        return tuple(measures.Measurement(f"2026-0{i + 1}", Quantity.parse(v), None) for i, v in enumerate(values))

    assert measures.worsened(series(5, 6, 4), "higher")
    assert not measures.worsened(series(5, 6, 7), "higher")
    assert measures.worsened(series(30, 31), "lower")
    assert not measures.worsened(series(30), "lower")


def test_data_path_stays_in_the_content_folder(make_repo) -> None:
    root: Path = make_repo({"maps/sofa.md": data_map()})
    repo = load_project(root).repo
    assert measures.data_path("data/sofa.csv", repo) == "maps/data/sofa.csv"
    assert measures.data_path("../secret.csv", repo) is None
    assert measures.data_path("/etc/x.csv", repo) is None


def codes_at(root: Path) -> list[str]:
    found = check_json(root)["diagnostics"]
    return sorted(f"{d['path']}:{d['line']}:{d['code']}" for d in found if d["code"].startswith(("data", "kpi-id")))


BROKEN_CHECK_FILES = {
    "maps/sofa.md": data_map("[data/sofa.csv, data/more.json, data/gone.csv, ../outside.csv, link.csv]"),
    "maps/other.md": data_map("data/other.csv").replace("title: Buying a sofa", "title: Other"),
    "maps/data/sofa.csv": (
        "map,stage,kpi,period,value\n"
        "sofa,awareness,ctr,2026-09,7\n"
        "sofa,awarenes,ctr,2026-09,7\n"
        "sofa,awareness,cta,2026-09,7\n"
        "sofa,awareness,ctr,2026-Q2,7\n"
        "nobody,awareness,ctr,2026-09,7\n"
        "other,awareness,ctr,2026-09,7\n"
    ),
    "maps/data/more.json": '[\n{"map": "sofa", "stage": "awareness", "kpi": "ctr", "period": "2026-09", "value": 8}\n]\n',
    "maps/data/other.csv": "stage,kpi,period,value\nawareness,ctr,2026-01,5\n",
}


def test_check_reports_every_data_problem_at_its_file_and_line(make_repo, tmp_path: Path) -> None:
    root = make_repo(BROKEN_CHECK_FILES)
    (tmp_path / "secret.csv").write_text("stage,kpi,period,value\n", encoding="utf-8")
    (root / "maps" / "link.csv").symlink_to(tmp_path / "secret.csv")
    assert codes_at(root) == [
        "maps/data/more.json:2:data-duplicate",  # 2026-09 of ctr is in sofa.csv too
        "maps/data/sofa.csv:3:data-stage",
        "maps/data/sofa.csv:4:data-kpi",
        "maps/data/sofa.csv:5:data-period",  # a quarter among months
        "maps/data/sofa.csv:6:data-map",  # no such map
        "maps/data/sofa.csv:7:data-not-listed",  # 'other' does not list sofa.csv
        "maps/other.md:6:data-stale",  # its only period, 2026-01, is long past
        "maps/sofa.md:6:data-missing",
        "maps/sofa.md:6:data-outside",
        "maps/sofa.md:6:data-outside",
    ]
    found = check_json(root)["diagnostics"]
    messages = {d["message"] for d in found}
    assert "stage 'awareness' of map 'sofa' has no KPI 'cta' (did you mean 'ctr'?)" in messages
    assert "map 'sofa' has no stage 'awarenes' (did you mean 'awareness'?)" in messages
    assert any(d["code"] == "outside-repository" and d["path"] == "maps/link.csv" for d in found)
    assert run_exit(root) == 1


def run_exit(root: Path) -> int:
    return int(run(["check"], root).exit_code)


def test_parallel_check_reports_the_same_data_problems(make_repo, monkeypatch) -> None:
    from cjmgen.checks import parallel as parallel_check
    files = dict(BROKEN_CHECK_FILES)
    files["maps/sofa.md"] = data_map("[data/sofa.csv, data/more.json, data/gone.csv]")
    root = make_repo(files)
    monkeypatch.setenv("CJMGEN_WORKERS", "1")
    alone = check_json(root)
    forked: list[int] = []
    original = parallel_check._run

    def counted_run(*args):
        forked.append(1)
        return original(*args)

    monkeypatch.setattr(parallel_check, "_run", counted_run)
    monkeypatch.setenv("CJMGEN_WORKERS", "2")
    shared = check_json(root)
    assert forked and shared == alone
    assert {"data-map", "data-kpi", "data-stage", "data-missing"} <= {d["code"] for d in alone["diagnostics"]}


def test_other_csv_and_json_files_in_the_content_folder_are_left_alone(make_repo, monkeypatch) -> None:
    """A CSV or JSON file is a data file when a map lists it: a contacts export or an editor's
    settings beside the maps must not fail `check` or `build`. One that reads as a data file
    but that no map lists gets a warning: its figures are not shown anywhere."""
    root = make_repo({
        "maps/sofa.md": data_map(), "maps/data/sofa.csv": SOFA_CSV + "sofa,awareness,ctr,2026-10,many\n",
        "maps/contacts.csv": "name;phone\nAnna;+7 900 000-00-00\n",
        "maps/tools/settings.json": '{"editor.wordWrap": "on"}\n',
        "maps/broken.json": "[{\"stage\": ",
        "maps/data/orphan.csv": "stage,kpi,period,value\nawareness,ctr,2026-09,7\n",
    })
    for workers in ("1", "2"):  # one process, and the parallel check
        monkeypatch.setenv("CJMGEN_WORKERS", workers)
        assert codes_at(root) == [
            "maps/data/orphan.csv:1:data-unlisted",
            "maps/data/sofa.csv:9:data-value",  # a listed file's problems are reported as ever
        ]
    (root / "maps" / "data" / "sofa.csv").write_text(SOFA_CSV, encoding="utf-8")
    assert run_exit(root) == 0
    assert run(["build", "--no-pdf"], root).exit_code == 0
    assert (root / "site" / "maps" / "sofa.html").is_file()
    assert not list((root / "site").rglob("contacts*")) and not list((root / "site").rglob("settings*"))


def test_a_pull_request_that_breaks_only_a_data_file_shows_check_s_new_error(make_repo) -> None:
    """The review's check delta parses the maps that list a changed data file: its problems
    are reported only for a listed file, and an unchanged map lists this one."""
    root = make_repo({"maps/sofa.md": data_map(), "maps/data/sofa.csv": SOFA_CSV,
                      "maps/other.md": data_map("data/other.csv").replace("title: Buying a sofa", "title: Other")})
    init(root)
    commit(root, "maps with data", "2026-10-01T10:00:00+00:00")
    commit(root, "September's export", "2026-10-02T10:00:00+00:00",
           {"maps/data/sofa.csv": SOFA_CSV + "sofa,awareness,ctr,2026-10,many\n"})
    result = run(["diff", "HEAD~1", "HEAD", "--format", "json"], root)
    assert result.exit_code == 0, result.output
    other = json.loads(result.stdout)["other"]
    assert [(c["field"], c["new"]) for c in other if c["code"] == "check-error"] == [
        ("data-value", "maps/data/sofa.csv:9:1")]


def test_kpi_ids_that_cannot_be_used_and_clashes(make_repo) -> None:
    kpis = ("    kpis:\n      - {name: CTR, id: count, target: 5%}\n      - {name: A, id: 'a/b'}\n"
            "      - {name: Cost}\n      - {name: Other cost, id: cost}\n")
    root = make_repo({"maps/sofa.md": data_map(kpis=kpis).replace("data: data/sofa.csv\n", "data: notes.txt\n")})
    found = {(d["line"], d["code"]) for d in check_json(root)["diagnostics"]}
    assert {(6, "data-file"), (17, "kpi-id"), (18, "kpi-id"), (20, "kpi-id-clash")} <= found


PAGE_CSV = (
    "stage,kpi,period,value\n"
    "awareness,ctr,2026-04,7.2\n"
    "awareness,ctr,2026-05,6.1\n"
    "awareness,ctr,2026-06,5.4\n"
    "awareness,cost-of-a-visit,2026-10,29\n"
    "awareness,count,2026-10,2000\n"
    "deal,count,2026-10,80\n"
)


def build_site(root: Path) -> Path:
    result = run(["build", "--no-pdf"], root)
    assert result.exit_code == 0, result.output
    return root / "site"


def test_the_map_page_shows_latest_values_trends_stale_data_and_the_funnel_of_the_latest_period(make_repo) -> None:
    root = make_repo({"maps/sofa.md": data_map(), "maps/data/sofa.csv": PAGE_CSV,
                      "maps/plain.md": data_map().replace("data: data/sofa.csv\n", "").replace("Buying", "Plain")})
    page = (build_site(root) / "maps" / "sofa.html").read_text(encoding="utf-8")
    section = page[page.index('<section class="measured"'):page.index("</section>", page.index('class="measured"'))]
    assert section.count("<tr class=") == 2
    ctr = section[section.index("CTR in search"):section.index("Cost of a visit")]
    assert "5.4%" in ctr and "2026-06" in ctr  # the latest period's value
    assert 'class="badge stale"' in ctr  # June ended more than 90 days before 2026-11-01
    assert "got worse" in ctr  # 7.2 -> 5.4 with better: higher
    assert ctr.count('class="trend-point kpi-missed"') == 2 and 'class="trend-point kpi-met"' in ctr
    cost = section[section.index("Cost of a visit"):]
    assert "✓" in cost and "29\u00a0RUB" in cost and "stale" not in cost
    assert "Counts from the data, period 2026-10." in page
    funnel = page[page.index('<section class="funnel"'):page.index('id="calculator"')]
    assert "2,000" in funnel and "4%" in funnel  # 80 of 2,000
    calc = page[page.index('class="calc-data">'):]
    assert '"count": 2000' in calc[:calc.index("</script>")]
    plain = (root / "site" / "maps" / "plain.html").read_text(encoding="utf-8")
    assert 'class="measured"' not in plain and "Counts from the data" not in plain
    assert "1,000" in plain  # the typed count


def test_an_edit_of_the_data_file_renders_that_map_page_again(make_repo) -> None:
    root = make_repo({"maps/sofa.md": data_map(), "maps/data/sofa.csv": PAGE_CSV,
                      "maps/plain.md": data_map().replace("data: data/sofa.csv\n", "").replace("Buying", "Plain")})
    site = build_site(root)
    before = (site / "maps" / "plain.html").stat().st_ino
    edited = PAGE_CSV.replace("deal,count,2026-10,80", "deal,count,2026-10,100") + "awareness,ctr,2026-10,7.9\n"
    (root / "maps" / "data" / "sofa.csv").write_text(edited, encoding="utf-8")
    site = build_site(root)
    page = (site / "maps" / "sofa.html").read_text(encoding="utf-8")
    assert "7.9%" in page and page.count('class="badge stale"') == 0
    index = (site / "index.html").read_text(encoding="utf-8")
    row = index[index.index('<tr data-map="sofa"'):]
    assert ">5%" in row[:row.index("</tr>")]  # the index's piece of the map is not the last build's
    assert (site / "maps" / "plain.html").stat().st_ino == before  # kept: its inputs did not change


def test_an_owner_page_shows_its_stages_measured_values_and_follows_an_edit_of_the_data(make_repo) -> None:
    root = make_repo({"maps/sofa.md": data_map(), "maps/data/sofa.csv": PAGE_CSV})
    site = build_site(root)
    owner = (site / "owners" / "marketing.html").read_text(encoding="utf-8")
    kpis = owner[owner.index('class="stage-card"'):]
    assert 'kpi-value">5.4%<' in kpis and 'kpi-value">29\u00a0RUB<' in kpis  # the latest periods', as on the map page
    assert 'kpi-value">38\u00a0RUB<' not in kpis  # not the typed value
    # met before and after, and better: no KPI joins or leaves the owner's attention list
    (root / "maps" / "data" / "sofa.csv").write_text(PAGE_CSV + "awareness,cost-of-a-visit,2026-11,28\n",
                                                     encoding="utf-8")
    site = build_site(root)  # an incremental build: the owner page's key holds the data's digest
    owner = (site / "owners" / "marketing.html").read_text(encoding="utf-8")
    assert 'kpi-value">28\u00a0RUB<' in owner[owner.index('class="stage-card"'):]


def test_pieces_of_measured_stages_are_named_not_walked(make_repo, monkeypatch) -> None:
    """An owner page's stage with data is a piece keyed by the measured copy of its map:
    named after the parsed map and its data files' digests, as a parsed map is named. Walked
    field by field, the keys of 67 owner pages took 9 s of a 1,000-map build."""
    from cjmgen.incremental.page_reuse import Pieces

    monkeypatch.setenv("CJMGEN_WORKERS", "1")  # the pieces are asked for in this process
    root = make_repo({"maps/sofa.md": data_map(), "maps/data/sofa.csv": PAGE_CSV})
    asked: list[str | None] = []
    get = Pieces.get

    def spied(self: Pieces, key: tuple[Any, ...], produce: Any) -> Any:
        if any(isinstance(part, Map) for part in key):
            asked.append(self.names.short_name(key))
        return get(self, key, produce)

    monkeypatch.setattr(Pieces, "get", spied)
    build_site(root)
    measured = [name for name in asked if name is not None and "|measured:" in name]
    assert measured and None not in asked, asked


def test_the_measures_export_is_a_data_file_cjmgen_reads_back(make_repo, tmp_path: Path) -> None:
    root = make_repo({"maps/sofa.md": data_map(), "maps/data/sofa.csv": SOFA_CSV})
    result = run(["export", "--format", "measures", "sofa"], root)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("map,stage,kpi,period,value,unit,target,better,status,")
    assert lines[1].startswith("sofa,awareness,ctr,2026-07,5.1%,,7%,higher,missed,Buying a sofa,Awareness,CTR in search,"
                               "maps/data/sofa.csv,2")
    assert "sofa,awareness,count,2026-08,900," in result.stdout
    again = make_repo({"maps/sofa.md": data_map("data/exported.csv"), "maps/data/exported.csv": result.stdout},
                      name="again")
    first, second = load_project(root).repo, load_project(again).repo
    def figures_of(repo: Repository) -> object:
        found = measures.map_measures(repo.maps[0], repo)
        return ([(key, [(m.period, m.value.number, m.met) for m in series]) for key, series in found.kpis],
                found.counts)

    assert figures_of(first) == figures_of(second)
    excel = run(["export", "--format", "measures", "--excel"], root).stdout
    assert excel.startswith("\ufeffmap;stage;") and ";5,1%;" in excel
    as_json = json.loads(run(["export", "--format", "measures-json"], root).stdout)
    assert as_json["format"] == "cjmgen-measures"
    assert as_json["rows"][2] == {
        "map": "sofa", "stage": "awareness", "kpi": "ctr", "period": "2026-09", "value": "7.4%", "unit": "",
        "target": "7%", "better": "higher", "status": "met", "map_title": "Buying a sofa", "stage_name": "Awareness",
        "kpi_name": "CTR in search", "file": "maps/data/sofa.csv", "line": 3}


def test_index_and_owner_pages_sum_up_missed_and_worse_kpis_per_owner(make_repo) -> None:
    root = make_repo({"maps/sofa.md": data_map(), "maps/data/sofa.csv": PAGE_CSV})
    site = build_site(root)
    index = (site / "index.html").read_text(encoding="utf-8")
    table = index[index.index('<section class="attention"'):index.index("</section>", index.index("attention-title"))]
    # CTR (Awareness, owner Marketing) is missed and got worse; the cost of a visit is met
    assert 'href="owners/marketing.html#attention-title">Marketing</a></th><td class="num">1</td><td class="num">1</td>' \
        in table
    assert "KPIs missed now" in table and "got worse" in table
    owner = (site / "owners" / "marketing.html").read_text(encoding="utf-8")
    listed = owner[owner.index('<section class="attention"'):owner.index("</section>", owner.index("attention-title"))]
    assert listed.count("CTR in search") == 2 and "5.4%" in listed and "Cost of a visit" not in listed
    row = index[index.index('<tr data-map="sofa"'):]
    assert ">4%" in row[:row.index("</tr>")]  # the overall conversion of the measured counts: 80 of 2,000


def test_pages_without_data_show_no_summary(make_repo) -> None:
    root = make_repo({"maps/plain.md": data_map().replace("data: data/sofa.csv\n", "")})
    site = build_site(root)
    assert 'class="attention"' not in (site / "index.html").read_text(encoding="utf-8")
    assert 'class="attention"' not in (site / "owners" / "marketing.html").read_text(encoding="utf-8")


@needs_pdftotext
def test_the_pdf_sheet_prints_the_measured_values_and_their_period(make_repo) -> None:
    root = make_repo({"maps/sofa.md": data_map(), "maps/data/sofa.csv": PAGE_CSV})
    result = run(["pdf", "sofa", "-o", str(root / "sofa.pdf")], root)
    assert result.exit_code == 0, result.output
    text = pdf_text(root / "sofa.pdf", layout=False)
    flat = " ".join(text.split())
    assert "5.4%" in flat and "29 RUB" in flat.replace("\u00a0", " ")  # the latest values in the grid
    assert "Counts from the data, period 2026-10." in flat
    assert "2 KPIs from the data files, latest period 2026-10; 1 missed." in flat
    assert "2,000" in flat.replace("\u202f", ",")  # the funnel of the latest counted period


def test_a_new_repository_shows_data_commented_and_works_when_uncommented(tmp_path: Path) -> None:
    root = tmp_path / "new"
    assert run(["init", str(root)]).exit_code == 0
    example = root / "maps" / "example.md"
    text = example.read_text(encoding="utf-8")
    assert "# data: data/kpi.csv" in text and "{name: ..., id: ctr}" in text
    example.write_text(text.replace("# data: data/kpi.csv", "data: data/kpi.csv"), encoding="utf-8")
    (root / "maps" / "data").mkdir()
    (root / "maps" / "data" / "kpi.csv").write_text(
        "stage,kpi,period,value\nawareness,ad-click-through-rate,2026-10,7.9\nawareness,count,2026-10,1200\n",
        encoding="utf-8")
    found = check_json(root)["diagnostics"]
    assert [d for d in found if d["code"].startswith("data")] == []
    repo = load_project(root).repo
    assert [m.value.raw for m in measures.series(repo.maps[0], repo, "awareness", "ad-click-through-rate")] == ["7.9%"]


def test_the_json_export_keeps_a_written_kpi_id_and_the_data_files(make_repo) -> None:
    root = make_repo({"maps/sofa.md": data_map(), "maps/data/sofa.csv": SOFA_CSV,
                      "maps/plain.md": data_map().replace("data: data/sofa.csv\n", "").replace("Buying", "Plain")})
    exported = {m["id"]: m for m in json.loads(run(["export", "--format", "json"], root).stdout)["maps"]}
    assert exported["sofa"]["data"] == ["data/sofa.csv"] and "data" not in exported["plain"]
    kpis = exported["sofa"]["stages"][0]["kpis"]
    assert kpis[0]["id"] == "ctr" and "id" not in kpis[1]  # the second one's id is its name's slug


def test_the_diff_reports_a_changed_data_list(make_repo) -> None:
    from cjmgen.review.diff import diff_map
    from cjmgen.review.formats import normalised_map

    root = make_repo({"maps/sofa.md": data_map(), "maps/data/sofa.csv": SOFA_CSV})
    old = load_project(root).repo.maps[0]
    (root / "maps" / "sofa.md").write_text(data_map("[data/sofa.csv, data/crm.json]"), encoding="utf-8")
    new = load_project(root).repo.maps[0]
    [change] = [c for c in diff_map(old, new) if c.code == "data-changed"]
    assert change.old == ["data/sofa.csv"] and change.new == ["data/sofa.csv", "data/crm.json"]
    assert "data: data/sofa.csv, data/crm.json" in normalised_map(new)


def test_the_benchmark_case_builds_the_maps_with_and_without_data(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH")  # the generated repository's commit date is "as of"
    plain = generate(tmp_path / "plain", 2)
    result = bench_measured(tmp_path, plain, 2, 1, cjmgen_command(), lambda line: None)
    assert result["rows"] > 2 * 12 and len(result["with"].values) == len(result["without"].values) == 1
    assert len(result["edited with"].values) == len(result["edited without"].values) == 1
    assert (plain / "maps").is_dir() and "edited" not in "".join(
        p.read_text(encoding="utf-8") for p in (plain / "maps").rglob("*.md"))  # the corpus as it was
    copy = generate(tmp_path / "again", 2)
    add_data_files(copy)
    found = check_json(copy)["diagnostics"]
    assert [d for d in found if d["code"].startswith(("data", "kpi-id"))] == []
    repo = load_project(copy).repo
    assert all(len(series) == 12 for _, series in measures.map_measures(repo.maps[0], repo).kpis)


def test_the_measured_copy_is_the_map_with_its_measured_values_even_from_the_parse_cache(make_repo) -> None:
    """measured_map copies maps, stages and KPIs without their `__init__`: each copy must be
    what `dataclasses.replace` gives, of the plain class, for a map parsed now and for a
    lazy one from the parse cache."""
    root = make_repo({"maps/sofa.md": data_map(), "maps/data/sofa.csv": SOFA_CSV})
    assert build(root, BuildOptions(pdf=False)).written  # writes the parse cache
    repo = load_project(root).repo
    lazy = cached_maps(root)["maps/sofa.md"]
    assert type(lazy) is MapPart
    for journey_map in (repo.maps[0], lazy):
        found = measures.map_measures(journey_map, repo)
        shown = measures.measured_map(journey_map, found)
        stages = tuple(dataclasses.replace(
            stage, count={"awareness": 1200, "deal": 60}[stage.id],
            kpis=tuple(dataclasses.replace(kpi, value=series[-1].value) if (series := found.series(stage.id, kpi.id))
                       else kpi for kpi in stage.kpis)) for stage in repo.maps[0].stages)
        expected = dataclasses.replace(repo.maps[0], stages=stages)
        assert type(shown) is Map and all(type(stage) is type(repo.maps[0].stages[0]) for stage in shown.stages)
        assert shown == expected and hash(shown) == hash(expected)
        assert shown.stages[0].kpis[0].id == "ctr" and shown.stages[0].kpis[0].status == "met"
        assert vars(shown).keys() == vars(expected).keys()  # no field missing, none extra
        with pytest.raises(dataclasses.FrozenInstanceError):
            shown.title = "changed"  # type: ignore[misc]
