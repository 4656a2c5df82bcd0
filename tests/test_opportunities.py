"""Tracked opportunities: reading, `check` diagnostics at file:line:column, export, schema
and the diff of their status on a real git repository."""

from __future__ import annotations

import json
from pathlib import Path

from cjmgen.content.jsonschema import map_schema
from cjmgen.content.model import Item, Opportunity
from cjmgen.content.opportunities import band, level_of, status_of, ticket_problem, ticket_url
from cjmgen.content.project import load_project
from tests.helpers.cli import check_json, run
from tests.helpers.git_repos import commit, init
from tests.helpers.repos import write_files

MAP = """---
title: Поиск дивана
segment: B2C
reviewed: 2026-01-01
stages:
  - name: Поиск
    id: search
    owner: Маркетинг
    kpis:
      - {name: Конверсия в карточку, value: 5%, target: 7%}
    opportunities:
      - Простая строка
      - {text: С источником, source: интервью}
      - text: Фильтр по размеру
        id: size-filter
        owner: Анна
        status: в работе
        impact: high
        effort: 2
        ticket: CX-12
        kpi: конверсия-в-карточку
  - name: Оплата
    id: pay
    opportunities:
      - {text: Оплата частями, id: split-pay, status: planned, impact: 4, effort: низкий, kpi: search/конверсия-в-карточку}
---
"""


def _diagnostics(root: Path) -> list[dict]:
    return [d for d in check_json(root)["diagnostics"] if d["code"] not in ("stage-incomplete", "stale")]


def test_plain_lines_stay_items_and_mappings_with_tracking_fields_become_opportunities(tmp_path: Path) -> None:
    write_files(tmp_path, {"maps/a.md": MAP})
    project = load_project(tmp_path)
    stages = project.repo.maps[0].stages
    plain, sourced, tracked = stages[0].opportunities
    assert type(plain) is Item and type(sourced) is Item and sourced.source == "интервью"
    assert isinstance(tracked, Opportunity)
    assert (tracked.id, tracked.owner, tracked.status, tracked.impact, tracked.effort, tracked.ticket, tracked.kpi) == (
        "size-filter", "Анна", "in progress", 5, 2, "CX-12", "конверсия-в-карточку")
    split = stages[1].opportunities[0]
    assert isinstance(split, Opportunity) and (split.status, split.impact, split.effort) == ("planned", 4, 1)
    assert _diagnostics(tmp_path) == []


def test_words_and_levels() -> None:
    assert status_of("In Progress") == "in progress" == status_of("в работе") == status_of("in-progress")
    assert status_of("сделано") == "done" and status_of("wip") is None
    assert [level_of(v) for v in (1, 5, "3", "high", "Низкий", 0, 6, True, "huge")] == [1, 5, 3, 5, 1, None, None,
                                                                                         None, None]
    assert [band(v) for v in (1, 2, 3, 4, 5, None)] == ["low", "low", "medium", "high", "high", None]


def test_tickets_link_only_over_http() -> None:
    assert ticket_problem("CX-12") is None and ticket_problem("https://jira.example.com/browse/CX-12") is None
    assert "http(s)" in (ticket_problem("javascript:alert(1)") or "")
    assert "http(s)" in (ticket_problem("JavaScript:alert(1)") or "")
    assert "host" in (ticket_problem("https:///nohost") or "")
    assert ticket_url("CX 12", "https://jira.example.com/browse/{id}") == "https://jira.example.com/browse/CX%2012"
    assert ticket_url("CX-12", None) is None
    assert ticket_url("javascript:alert(1)", "https://j.example.com/{id}") is None


def test_check_reports_every_problem_at_its_key(tmp_path: Path) -> None:
    bad = """---
title: Плохие возможности
reviewed: 2026-01-01
stages:
  - name: Поиск
    id: search
    kpis: [{name: Конверсия, value: 5%, target: 7%}]
    opportunities:
      - text: Первая
        id: dup
        status: wip
        impact: 9
        effort: huge
        ticket: "javascript:alert(1)"
        kpi: nothing
        done: March
      - {text: Вторая, id: dup, kpi: pay/конверсия, colour: red}
---
"""
    other = MAP.replace("id: size-filter", "id: dup")
    write_files(tmp_path, {"maps/bad.md": bad, "maps/other.md": other})
    found = {(d["path"], d["line"], d["column"], d["code"], d["severity"]) for d in _diagnostics(tmp_path)}
    assert ("maps/bad.md", 11, 17, "value", "error") in found  # status
    assert ("maps/bad.md", 12, 17, "value", "error") in found  # impact
    assert ("maps/bad.md", 13, 17, "value", "error") in found  # effort
    assert ("maps/bad.md", 14, 17, "ticket-url", "error") in found
    assert ("maps/bad.md", 15, 14, "opportunity-kpi", "error") in found
    assert ("maps/bad.md", 16, 15, "value", "error") in found  # done: March
    assert ("maps/bad.md", 17, 38, "opportunity-kpi", "error") in found  # the stage pay does not exist
    assert ("maps/bad.md", 17, 28, "duplicate-opportunity", "error") in found  # twice in this map
    assert ("maps/bad.md", 17, 53, "unknown-key", "warning") in found
    assert ("maps/other.md", 15, 13, "duplicate-opportunity", "error") in found  # and once more in another map
    messages = " ".join(d["message"] for d in _diagnostics(tmp_path))
    assert "'status' must be one of idea, planned, in progress, done, dropped, got 'wip'" in messages
    assert "opportunity id 'dup' is also used by maps/bad.md" in messages
    result = run(["check"], tmp_path)
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_tickets_pattern_in_the_config_is_checked(tmp_path: Path) -> None:
    write_files(tmp_path, {"maps/a.md": MAP, "cjmgen.yml": "tickets: javascript:go({id})\n"})
    found = [d for d in check_json(tmp_path)["diagnostics"] if d["code"] == "config"]
    assert found and found[0]["path"] == "cjmgen.yml" and "tickets" in found[0]["message"]


def test_export_carries_the_fields_and_plain_lines_export_as_before(tmp_path: Path) -> None:
    write_files(tmp_path, {"maps/a.md": MAP})
    result = run(["export", "--format", "json"], tmp_path)
    stage = json.loads(result.stdout)["maps"][0]["stages"][0]
    plain, sourced, tracked = stage["opportunities"]
    assert plain == {"text": "Простая строка", "source": None}
    assert sourced == {"text": "С источником", "source": "интервью"}
    assert tracked == {"text": "Фильтр по размеру", "source": None, "id": "size-filter", "owner": "Анна",
                       "status": "in progress", "impact": 5, "effort": 2, "priority": None, "ticket": "CX-12",
                       "kpi": "конверсия-в-карточку", "done": None}


def test_the_schema_describes_opportunities() -> None:
    lane = map_schema()["properties"]["stages"]["items"]["properties"]["opportunities"]
    tracked = lane["anyOf"][0]["anyOf"][-1]
    assert set(tracked["properties"]) >= {"id", "owner", "status", "impact", "effort", "ticket", "kpi"}
    assert "в работе" in tracked["properties"]["status"]["enum"]


def test_the_diff_reports_status_changes_in_every_format(tmp_path: Path) -> None:
    root = init(tmp_path / "repo", {"maps/a.md": MAP})
    commit(root, "start", "2026-01-10T10:00:00+00:00")
    changed = MAP.replace("status: в работе", "status: done").replace("status: planned", "status: dropped")
    commit(root, "progress", "2026-02-10T10:00:00+00:00", {"maps/a.md": changed})
    text = run(["diff", "HEAD~1", "HEAD"], root)
    assert 'opportunity "Фильтр по размеру" in stage Поиск: in progress -> done' in text.output
    assert 'opportunity "Оплата частями" in stage Оплата: planned -> dropped' in text.output
    data = json.loads(run(["diff", "HEAD~1", "HEAD", "--format", "json"], root).stdout)
    codes = [c for m in data["maps"] for c in m["changes"] if c["code"] == "opportunity-status-changed"]
    assert [(c["stage"], c["old"], c["new"]) for c in codes] == [("search", "in progress", "done"),
                                                                 ("pay", "planned", "dropped")]
    write_files(root, {"cjmgen.yml": "language: ru\n"})
    commit(root, "ru", "2026-02-11T10:00:00+00:00")
    markdown = run(["diff", "HEAD~2", "HEAD", "--format", "markdown"], root).output
    assert "возможность «Фильтр по размеру» на этапе «Поиск»: в работе → сделана" in markdown


def test_kpi_since_compares_the_last_period_before_with_the_latest() -> None:
    import datetime as dt

    from cjmgen.analysis.measures import Measurement
    from cjmgen.analysis.opportunity_effect import kpi_since
    from cjmgen.content.model import Quantity

    def month(text: str, value: float, end: str) -> Measurement:
        return Measurement(text, Quantity(str(value), value), None, dt.date.fromisoformat(end))

    series = [month("2026-01", 10, "2026-01-31"), month("2026-02", 12, "2026-02-28"), month("2026-04", 9, "2026-04-30")]
    since = kpi_since("2026-03", series, "higher")
    assert since is not None and (since.before.period, since.after.period, since.moved) == ("2026-02", "2026-04", "worse")
    lower_is_better = kpi_since("2026-03", series, "lower")
    assert lower_is_better is not None and lower_is_better.moved == "better"
    assert kpi_since("2026-01", series, "higher") is None  # nothing measured before it shipped
    assert kpi_since("2026-05", series, "higher") is None  # nothing measured since
    assert kpi_since(None, series, "higher") is None


def test_the_starter_map_shows_a_tracked_opportunity_that_checks_clean_when_uncommented(tmp_path: Path) -> None:
    for language in ("en", "ru"):
        root = tmp_path / language
        assert run(["init", "--language", language, str(root)]).exit_code == 0
        (path,) = [p for p in (root / "maps").rglob("*.md") if "ad-price" in p.read_text(encoding="utf-8")]
        text = path.read_text(encoding="utf-8").replace("      # - {", "      - {").replace("      #    effort",
                                                                                          "         effort")
        path.write_text(text, encoding="utf-8")
        config = root / "cjmgen.yml"
        config.write_text(config.read_text(encoding="utf-8").replace("# tickets:", "tickets:"), encoding="utf-8")
        report = check_json(root)
        assert [d for d in report["diagnostics"] if d["severity"] == "error" or d["code"] == "unknown-key"] == []
        tracked = [o for s in load_project(root).repo.maps[0].stages for o in s.opportunities
                   if isinstance(o, Opportunity)]
        assert [(o.id, o.status, o.ticket) for o in tracked] == [("ad-price", "in progress", "MKT-1")]


def test_the_opportunities_csv_lists_tracked_opportunities_for_a_tracker(tmp_path: Path) -> None:
    import csv
    import io

    write_files(tmp_path, {"maps/a.md": MAP, "cjmgen.yml": "tickets: https://jira.example.com/browse/{id}\n"})
    result = run(["export", "--format", "opportunities"], tmp_path)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["id"], r["status"], r["owner"], r["impact"], r["effort"], r["ticket_url"], r["kpi_name"], r["kpi_status"])
            for r in rows] == [
        ("size-filter", "in progress", "Анна", "5", "2", "https://jira.example.com/browse/CX-12",
         "Конверсия в карточку", "missed"),
        ("split-pay", "planned", "", "4", "1", "", "Конверсия в карточку", "missed"),
    ]
    excel = run(["export", "--format", "opportunities", "--excel"], tmp_path).stdout
    assert excel.startswith("\ufeffmap;map_title;stage;")


def test_textconv_shows_a_tracked_opportunitys_status(tmp_path: Path) -> None:
    write_files(tmp_path, {"maps/a.md": MAP})
    result = run(["diff", "--textconv", str(tmp_path / "maps/a.md")], tmp_path)
    assert "opportunity: Фильтр по размеру  [id: size-filter, status: in progress, owner: Анна]" in result.output
    assert "opportunity: Простая строка\n" in result.output  # plain lines as before


def test_a_done_opportunitys_typed_kpi_says_whether_it_moved_from_git_history(tmp_path: Path) -> None:
    """Without data files, the KPI's value at each commit that changed it is its history: the
    portfolio compares the last value committed before the opportunity shipped with the latest."""
    done = MAP.replace("status: в работе", "status: сделано\n        done: 2026-03")
    root = init(tmp_path / "repo", {"cjmgen.yml": "title: Диваны\nlanguage: en\n", "maps/sofa.md": done})
    commit(root, "the funnel as measured in January", "2026-01-10T10:00:00+00:00")
    commit(root, "still 5% in February", "2026-02-10T10:00:00+00:00",
           {"maps/sofa.md": done.replace("reviewed: 2026-01-01", "reviewed: 2026-02-01")})
    commit(root, "April's figure", "2026-04-05T10:00:00+00:00",
           {"maps/sofa.md": done.replace("value: 5%", "value: 7.5%")})
    result = run(["build", "--no-pdf"], root)
    assert result.exit_code == 0, result.output
    page = (root / "site" / "portfolio.html").read_text(encoding="utf-8")
    row = page[page.index('id="opp-size-filter"'):]
    since = row[row.index('class="kpi-since'):row.index("</p>", row.index('class="kpi-since'))]
    assert "kpi-moved-better" in since and "Since 2026-03: 5% (2026-01-10) → 7.5% (2026-04-05)" in since
    assert "the KPI improved" in since
    # a value that got worse, with `better: higher`
    commit(root, "May's figure", "2026-05-05T10:00:00+00:00", {"maps/sofa.md": done.replace("value: 5%", "value: 4%")})
    assert run(["build", "--no-pdf"], root).exit_code == 0
    page = (root / "site" / "portfolio.html").read_text(encoding="utf-8")
    assert "kpi-moved-worse" in page and "5% (2026-01-10) → 4% (2026-05-05)" in page
