"""Moments that matter, exits and map-wide sources (issue 22): the reader and `check`,
the map page, the index, the funnel, the export and the PDF."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cjmgen.analysis import journey
from cjmgen.content.project import load_project
from tests.helpers.cli import check_json, run
from tests.helpers.pdf_text import needs_pdftotext, pdf_text
from tests.helpers.repos import complete_stage
from tests.helpers.text import search

SOURCES = (
    "sources:\n"
    "  interviews-2026: {title: 'Интервью, март 2026', url: 'https://example.com/interviews'}\n"
    "  crm: CRM, заказы шоурума\n"
)


def journey_map(header: str = SOURCES, first: str = "", second: str = "", body: str = "") -> str:
    """A two-stage map with counts; `first` and `second` are extra lines of each stage."""
    return (
        "---\ntitle: Покупка дивана\npersona: anna\nreviewed: 2026-10-01\n"
        + header
        + "stages:\n"
        + complete_stage("Выбор", "choice", 1000, 1, first)
        + complete_stage("Сделка", "deal", 600, -1, second)
        + "---\n" + body
    )


FEATURED = journey_map(
    first=(
        "    moment: Первое впечатление от шоурума\n"
        "    actions:\n"
        "      - {text: Садится на диван в шоуруме, source: interviews-2026, moment: true}\n"
        "      - {text: Сравнивает цены, source: crm}\n"
        "    quotes: [{text: Удобный, source: interviews-2026}]\n"
        "    exits:\n"
        "      - {name: бросил корзину, count: 300, source: crm}\n"
        "      - ушёл к конкурентам"
    ),
    second="    quotes: [{text: Цена другая, source: опрос после доставки}]",
)


def diagnostics(root: Path, code: str) -> list[dict]:
    return [d for d in check_json(root)["diagnostics"] if d["code"] == code]


# -- the reader and check -----------------------------------------------------


def test_a_map_with_moments_exits_and_sources_checks_clean(make_repo) -> None:
    root = make_repo({"maps/m.md": FEATURED})
    found = check_json(root)["diagnostics"]
    assert [d for d in found if d["severity"] != "info"] == []
    the_map = load_project(root).repo.map("m")
    assert the_map is not None
    stage = the_map.stages[0]
    assert stage.moment is not None and stage.moment.note == "Первое впечатление от шоурума"
    assert [i.moment for i in stage.actions] == [True, False]
    assert [(e.name, e.count, e.source) for e in stage.exits] == [
        ("бросил корзину", 300, "crm"), ("ушёл к конкурентам", None, None)]
    assert [(s.key, s.title, s.url) for s in the_map.sources] == [
        ("interviews-2026", "Интервью, март 2026", "https://example.com/interviews"),
        ("crm", "CRM, заказы шоурума", None)]


def test_unused_source_is_a_warning_at_its_key(make_repo) -> None:
    text = journey_map(header=SOURCES + "  never-cited: Никто не ссылается\n",
                       first="    actions: [{text: A, source: interviews-2026}, {text: B, source: crm}]")
    root = make_repo({"maps/m.md": text})
    [unused] = diagnostics(root, "source-unused")
    assert unused["severity"] == "warning" and "never-cited" in unused["message"]
    assert (unused["path"], unused["line"], unused["column"]) == ("maps/m.md", 8, 3)


def test_a_citation_that_looks_like_a_missing_key_is_warned_about(make_repo) -> None:
    text = journey_map(first=(
        "    actions:\n"
        "      - {text: A, source: interviews-2026}\n"
        "      - {text: B, source: crm}\n"
        "      - {text: C, source: interview-2026}\n"   # a typo of a key
        "      - {text: D, source: survey-2025}\n"      # reads as a key, declares none
        "      - {text: E, source: Метрика}\n"          # one word of free text: kept as it is
        "      - {text: F, source: опрос после доставки}"))
    root = make_repo({"maps/m.md": text})
    found = diagnostics(root, "source-unknown")
    assert [search(r"'([^']+)'", d["message"])[1] for d in found] == ["interview-2026", "survey-2025"]
    assert "did you mean 'interviews-2026'" in found[0]["message"]
    assert all(d["path"] == "maps/m.md" and d["line"] > 0 for d in found)


def test_free_text_sources_stay_free_text_without_map_wide_sources(make_repo) -> None:
    text = journey_map(header="", first="    actions: [{text: A, source: survey-2025}]")
    root = make_repo({"maps/m.md": text})
    assert diagnostics(root, "source-unknown") == []


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x",
                                 "vbscript:x", "ftp://example.com", "//example.com/x", "https://"])
def test_a_source_url_must_be_a_web_address(make_repo, url: str) -> None:
    text = journey_map(header=f"sources:\n  bad: {{title: X, url: '{url}'}}\n",
                       first="    actions: [{text: A, source: bad}]")
    root = make_repo({"maps/m.md": text})
    [error] = diagnostics(root, "source-url")
    assert error["severity"] == "error" and (error["line"], error["column"]) == (6, 24)
    assert run(["build"], root).exit_code == 1
    assert not (root / "site").exists()


def test_bad_sources_moments_and_exits_are_errors_at_their_place(make_repo) -> None:
    text = journey_map(
        header="sources:\n  'two words': X\n  empty: {url: 'https://example.com'}\n",
        first="    moment: 5\n    exits: [{name: ушёл, count: -3}, {count: 4}, {name: x, cuont: 2}]",
        second="    actions: [{text: A, moment: maybe}]")
    root = make_repo({"maps/m.md": text})
    found = check_json(root)["diagnostics"]
    at = {(d["code"], d["line"]) for d in found if d["severity"] == "error"}
    assert ("value", 6) in at  # the key with a space
    assert ("missing-field", 7) in at  # a source without a title
    messages = " | ".join(d["message"] for d in found)
    assert "'moment' must be true or a text" in messages
    assert "count must not be negative, got -3" in messages
    assert "an exit is missing the required field 'name'" in messages
    assert "unknown key 'cuont' in an exit (did you mean 'count'?)" in messages
    assert "'moment' must be true or false" in messages


def test_a_persona_item_is_no_moment(make_repo) -> None:
    root = make_repo({"maps/m.md": journey_map(header=""),
                      "maps/personas/anna.md": "---\nname: Anna\ngoals: [{text: G, moment: true}]\n---\n"})
    [unknown] = diagnostics(root, "unknown-key")
    assert "unknown key 'moment' in an item of 'goals'" in unknown["message"]


# -- exits and the funnel -------------------------------------------------------


def test_exits_more_than_the_stage_lost_are_a_warning(make_repo) -> None:
    text = journey_map(header="", first="    exits: [{name: бросил корзину, count: 450}, {name: ушёл, count: 1}]")
    root = make_repo({"maps/m.md": text})
    [warning] = diagnostics(root, "exits-exceed")
    assert warning["severity"] == "warning"
    assert "451 customers leave 'Выбор' at its exits and 600 go on to 'Сделка', more than the 1000" \
        in warning["message"]
    assert (warning["line"], warning["column"]) == (15, 12)  # the first stage's `exits:`


def test_exits_within_the_drop_are_consistent(make_repo) -> None:
    """1000 in, 600 on, 300 + 100 leave at exits: every customer accounted for; fewer is fine too."""
    text = journey_map(header="", first="    exits: [{name: a, count: 300}, {name: b, count: 100}]",
                       second="    exits: [{name: вернул диван, count: 20}]")
    root = make_repo({"maps/m.md": text})
    assert diagnostics(root, "exits-exceed") == []
    the_map = load_project(root).repo.map("m")
    assert the_map is not None
    assert [journey.exit_count(s) for s in the_map.stages] == [400, 20]
    assert journey.conversions(the_map)[0] == pytest.approx(0.6)  # exits do not change the conversion


def test_the_funnel_chart_draws_exits_as_drop_off_branches(make_repo) -> None:
    root = make_repo({"maps/m.md": FEATURED})
    assert run(["build", "--no-pdf"], root).exit_code == 0
    page = (root / "site/maps/m.html").read_text(encoding="utf-8")
    svg = page[page.index('<svg', page.index('id="funnel-heading"')):]
    svg = svg[:svg.index("</svg>")]
    assert re.findall(r'class="funnel-exit-text"[^>]*>([^<]+)<', svg) == [
        "↘ бросил корзину: 300", "↘ ушёл к конкурентам"]
    desc = search(r"<desc[^>]*>([^<]+)</desc>", svg)[1]
    assert "Exits: бросил корзину: 300, ушёл к конкурентам" in desc
    # the funnel table lists them under their stage, with the count
    rows = re.findall(r'<tr class="funnel-exit">(.*?)</tr>', page, re.DOTALL)
    assert len(rows) == 2 and "бросил корзину" in rows[0] and '<td class="num">300</td>' in rows[0]


# -- the map page and the index -------------------------------------------------


def test_the_map_page_marks_moments_and_links_citations_to_the_sources(make_repo) -> None:
    root = make_repo({"maps/m.md": FEATURED})
    assert run(["build", "--no-pdf"], root).exit_code == 0
    page = (root / "site/maps/m.html").read_text(encoding="utf-8")
    head = search(r'<th scope="col" class="stage-head moment".*?</th>', page, re.DOTALL)[0]
    assert "★" in head and "Moment that matters (Первое впечатление от шоурума): " in head
    assert 'class="visually-hidden">Moment that matters: </span></span>Садится на диван' in page
    assert '<a class="source-ref" href="#source-interviews-2026">Интервью, март 2026</a>' in page
    assert '<a class="source-ref" href="#source-crm">CRM, заказы шоурума</a>' in page
    assert "опрос после доставки</cite>" in page  # free text stays as written
    section = search(r'<section class="map-sources" id="sources".*?</section>', page, re.DOTALL)[0]
    link = '<a href="https://example.com/interviews" rel="noopener noreferrer">Интервью, март 2026</a>'
    assert f'<li id="source-interviews-2026">{link}' in section
    assert '<li id="source-crm">CRM, заказы шоурума' in section


def test_the_index_collects_moments_across_published_maps(make_repo) -> None:
    other = journey_map(header="", first="    thoughts: [{text: Найти диван за вечер, moment: true}]").replace(
        "title: Покупка дивана", "title: Другая карта")
    draft = journey_map(header="", first="    moment: true").replace(
        "title: Покупка дивана", "title: Черновик\nstatus: draft")
    root = make_repo({"maps/m.md": FEATURED, "maps/b/other.md": other, "maps/draft.md": draft})
    assert run(["build", "--no-pdf"], root).exit_code == 0
    index = (root / "site/index.html").read_text(encoding="utf-8")
    section = search(r'<section class="moments".*?</section>', index, re.DOTALL)[0]
    assert 'href="maps/m.html#stage-choice">Выбор</a>' in section
    assert "Первое впечатление от шоурума" in section and "Садится на диван в шоуруме" in section
    assert 'href="maps/b/other.html#stage-choice">Выбор</a>' in section and "Найти диван за вечер" in section
    assert "Черновик" not in section  # drafts stay off the site
    assert section.count("<li ") == 3


def test_an_index_without_moments_has_no_moments_section(make_repo) -> None:
    root = make_repo({"maps/m.md": journey_map(header="")})
    assert run(["build", "--no-pdf"], root).exit_code == 0
    assert 'class="moments"' not in (root / "site/index.html").read_text(encoding="utf-8")
    assert 'id="sources"' not in (root / "site/maps/m.html").read_text(encoding="utf-8")


# -- export and the JSON Schema --------------------------------------------------


def test_export_json_and_csv_carry_moments_exits_and_sources(make_repo) -> None:
    root = make_repo({"maps/m.md": FEATURED})
    data = json.loads(run(["export", "--format", "json"], root).stdout)
    [exported] = data["maps"]
    assert exported["sources"] == {
        "interviews-2026": {"title": "Интервью, март 2026", "url": "https://example.com/interviews"},
        "crm": {"title": "CRM, заказы шоурума", "url": None}}
    first, second = exported["stages"]
    assert first["moment"] == {"note": "Первое впечатление от шоурума"}
    assert first["actions"][0]["moment"] is True and "moment" not in first["actions"][1]
    assert first["exits"] == [{"name": "бросил корзину", "count": 300, "source": "crm"},
                              {"name": "ушёл к конкурентам", "count": None, "source": None}]
    assert "moment" not in second and "exits" not in second
    csv_text = run(["export", "--format", "csv"], root).stdout
    assert "m,Покупка дивана,1,choice,Выбор,exit,бросил корзину,,,,,,300,,,crm" in csv_text


def test_export_of_a_map_without_them_has_no_new_keys(make_repo) -> None:
    root = make_repo({"maps/m.md": journey_map(header="")})
    exported = json.loads(run(["export", "--format", "json"], root).stdout)["maps"][0]
    assert "sources" not in exported
    assert all("moment" not in s and "exits" not in s for s in exported["stages"])


def test_the_json_schema_describes_them() -> None:
    from cjmgen.content.jsonschema import map_schema, persona_schema

    schema = map_schema()
    stage = schema["properties"]["stages"]["items"]["properties"]
    assert stage["moment"]["type"] == ["boolean", "string"]
    exit_object = stage["exits"]["anyOf"][0]["anyOf"][1]
    assert exit_object["required"] == ["name"] and set(exit_object["properties"]) == {"name", "count", "source"}
    item = stage["goals"]["anyOf"][0]["anyOf"][1]
    assert item["properties"]["moment"]["type"] == "boolean"
    source = schema["properties"]["sources"]["additionalProperties"]["anyOf"][1]
    assert source["properties"]["url"]["pattern"] == "^(https?://|mailto:)"
    persona_item = persona_schema()["properties"]["goals"]["anyOf"][0]["anyOf"][1]
    assert "moment" not in persona_item["properties"]


# -- the PDF -----------------------------------------------------------------------

@needs_pdftotext
def test_the_pdf_shows_moments_exits_and_the_sources(make_repo) -> None:
    root = make_repo({"maps/m.md": FEATURED})
    assert run(["pdf", "m", "-o", str(root / "m.pdf")], root).exit_code == 0
    text = pdf_text(root / "m.pdf")
    assert "★ Выбор" in text  # the stage's mark in the grid's header
    assert "★ Садится на диван в шоуруме" in text
    assert "Moment that matters" in text  # the legend explains the mark
    assert "↘ бросил корзину: 300" in text and "↘ ушёл к конкурентам" in text
    flat = " ".join(text.split())
    assert "SOURCES Интервью, март 2026 https://" in flat
    assert "https://example.com/interviews" in flat.replace(" ", "")  # the box may wrap the address
    assert "CRM, заказы шоурума" in flat


@needs_pdftotext
def test_the_handout_cites_sources_by_title(make_repo) -> None:
    root = make_repo({"maps/m.md": FEATURED})
    assert run(["pdf", "--handout", "-o", str(root / "h.pdf")], root).exit_code == 0
    flat = " ".join(pdf_text(root / "h.pdf", layout=False).split())
    assert "“Удобный” — Интервью, март 2026" in flat
    assert "— interviews-2026" not in flat
    assert "Moment that matters: Первое впечатление от шоурума" in flat
    assert "Exits" in flat and "↘ бросил корзину: 300" in flat


def test_a_rebuild_lists_the_moments_of_maps_it_did_not_load(make_repo, monkeypatch: pytest.MonkeyPatch) -> None:
    """The index is made on every build; the moments of unchanged maps come with their
    skeletons from the parse cache, so listing them loads no whole map."""
    import cjmgen.incremental.parse_cache as parse_cache
    from cjmgen.build.pipeline import BuildOptions, build
    from cjmgen.incremental.lazy_map import from_skeleton

    monkeypatch.setenv("CJMGEN_WORKERS", "1")  # the loads are counted in this process
    other = journey_map(header="").replace("title: Покупка дивана", "title: Другая карта")
    root = make_repo({"maps/m.md": FEATURED, "maps/other.md": other})
    assert build(root, BuildOptions(pdf=False)).written
    loaded: list[str] = []
    original = from_skeleton

    def counting(skeleton, load_whole):
        def load():
            loaded.append(dict(skeleton.map_fields)["path"])
            return load_whole()
        return original(skeleton, load)

    monkeypatch.setattr(parse_cache, "from_skeleton", counting)
    (root / "maps/other.md").write_text(other.replace("Другая карта", "Другая карта, правка"), encoding="utf-8")
    assert build(root, BuildOptions(pdf=False)).written
    assert "maps/m.md" not in loaded
    index = (root / "site/index.html").read_text(encoding="utf-8")
    assert "Садится на диван в шоуруме" in index and "Первое впечатление от шоурума" in index


# -- the diff --------------------------------------------------------------------


def test_the_diff_reports_moments_exits_and_sources(tmp_path: Path) -> None:
    from tests.helpers.git_repos import commit, init
    from tests.helpers.repos import CHANNELS, PERSONA_ANNA

    base = {"maps/personas/anna.md": PERSONA_ANNA, "maps/channels.yml": CHANNELS}
    before = journey_map(
        header="sources:\n  crm: CRM\n  old-survey: Опрос 2025\n",
        first=("    actions: [{text: Садится на диван, source: crm}, {text: Уходит, source: old-survey}]\n"
               "    exits: [{name: бросил корзину, count: 300}, {name: передумал, count: 10}]"))
    after = journey_map(
        header="sources:\n  crm: {title: CRM, url: 'https://crm.example.com'}\n  interviews-2026: Интервью\n",
        first=("    moment: true\n"
               "    actions: [{text: Садится на диван, source: crm, moment: true}, "
               "{text: Уходит, source: interviews-2026}]\n"
               "    exits: [{name: бросил корзину, count: 250}, {name: ушёл к конкурентам, count: 40}]"))
    root = init(tmp_path / "repo", base)
    old = commit(root, "before", "2026-01-10T10:00:00+00:00", {"maps/m.md": before})
    new = commit(root, "after", "2026-01-11T10:00:00+00:00", {"maps/m.md": after})
    result = run(["diff", "--format", "json", old, new], root)
    changes = [c for m in json.loads(result.stdout)["maps"] for c in m["changes"]]
    by_code: dict[str, list[dict]] = {}
    for change in changes:
        by_code.setdefault(change["code"], []).append(change)
    assert sorted(c["message"] for c in by_code["moment-added"]) == [
        'action "Садится на диван" in stage Выбор is now a moment that matters',
        "stage Выбор is now a moment that matters"]
    assert by_code["exit-count-changed"][0]["old"] == 300 and by_code["exit-count-changed"][0]["new"] == 250
    assert by_code["exit-added"][0]["message"] == 'exit added in stage Выбор: "ушёл к конкурентам", 40 customers'
    assert by_code["exit-removed"][0]["old"] == {"name": "передумал", "count": 10}
    assert by_code["map-source-added"][0]["new"] == {"key": "interviews-2026", "title": "Интервью", "url": None}
    assert by_code["map-source-removed"][0]["message"] == "source old-survey removed: Опрос 2025"
    assert by_code["map-source-changed"][0]["message"] == "source crm: none -> https://crm.example.com"
    assert all(c["severity"] == "info" for code in by_code if code.startswith(("moment", "exit", "map-source"))
               for c in by_code[code])
    text = run(["diff", old, new], root).stdout
    assert "stage Выбор is now a moment that matters" in text and "ушёл к конкурентам" in text
