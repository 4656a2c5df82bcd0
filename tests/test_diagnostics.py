"""Every diagnostic of the format contract, with its line and column (fixture-file driven)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers.cli import check_json, run
from tests.helpers.repos import simple_map

FIXTURES = Path(__file__).parent / "fixtures" / "diagnostics.txt"


def load_cases() -> list[tuple[str, str, list[str]]]:
    cases = []
    text = FIXTURES.read_text(encoding="utf-8")
    for block in re.split(r"^=== ", text, flags=re.MULTILINE)[1:]:
        name, _, rest = block.partition("\n")
        source, _, expected = rest.partition("--- expected\n")
        lines = [line.strip() for line in expected.strip().splitlines() if line.strip()]
        cases.append((name.strip(), source.rstrip("\n") + "\n", lines))
    return cases


CASES = load_cases()


@pytest.mark.parametrize("name,source,expected", CASES, ids=[c[0] for c in CASES])
def test_fixture_case(make_repo, name: str, source: str, expected: list[str]) -> None:
    root = make_repo({"maps/case.md": source})
    report = check_json(root)
    got = sorted(
        f"{d['line']}:{d['column']} {d['severity']} {d['code']}"
        for d in report["diagnostics"] if d["path"] == "maps/case.md"
    )
    assert got == sorted(expected)
    others = [d for d in report["diagnostics"] if d["path"] != "maps/case.md"]
    assert others == []


def test_fixture_file_has_cases() -> None:
    assert len(CASES) >= 20


def test_conversion_message_shows_both_figures(make_repo) -> None:
    source = dict(CASES_BY_NAME)["stated conversion contradicts the counts; a count grows"]
    report = check_json(make_repo({"maps/case.md": source}))
    messages = [d["message"] for d in report["diagnostics"] if d["code"] == "conversion-mismatch"]
    assert messages == ["stated conversion 5% contradicts the counts: stated 5%, counts give 0.5% (50 of 10000)"]


CASES_BY_NAME = [(c[0], c[1]) for c in CASES]


def test_unknown_key_suggests_closest(make_repo) -> None:
    source = dict(CASES_BY_NAME)["unknown keys with the closest known key"]
    report = check_json(make_repo({"maps/case.md": source}))
    messages = {d["message"] for d in report["diagnostics"] if d["code"] == "unknown-key"}
    assert "unknown key 'reviewd' in a map (did you mean 'reviewed'?)" in messages
    assert "unknown key 'obstacels' in a stage (did you mean 'obstacles'?)" in messages


def test_implicit_type_keeps_text_and_hints_quoting(make_repo) -> None:
    source = dict(CASES_BY_NAME)["booleans, dates and decimals where text is expected"]
    report = check_json(make_repo({"maps/case.md": source}))
    hints = [d["hint"] for d in report["diagnostics"] if d["code"] == "yaml-implicit-type"]
    assert 'quote it: goals: "no"' in hints


def test_not_utf8_points_at_the_byte(make_repo) -> None:
    root = make_repo({"maps/case.md": b"---\ntitle: Caf\xe9\nstages: [{name: A}]\n---\n"})
    report = check_json(root)
    [diag] = [d for d in report["diagnostics"] if d["path"] == "maps/case.md"]
    assert (diag["line"], diag["column"], diag["code"]) == (2, 11, "encoding")


def test_duplicate_map_ids_across_files(make_repo) -> None:
    root = make_repo({
        "maps/a.md": simple_map(header="id: shared\n"),
        "maps/b.md": simple_map(header="id: shared\n"),
    })
    report = check_json(root)
    codes = [(d["path"], d["code"]) for d in report["diagnostics"]]
    assert ("maps/b.md", "duplicate-map") in codes


def test_persona_channel_and_photo_checks(make_repo) -> None:
    root = make_repo({
        "maps/personas/anna.md": "---\nname: Anna\nphoto: ../../outside.jpg\nchannels: [website, fax]\n---\n",
        "maps/a.md": simple_map(),
    })
    report = check_json(root)
    found = {(d["line"], d["code"]) for d in report["diagnostics"] if d["path"] == "maps/personas/anna.md"}
    assert found == {(3, "asset-path"), (4, "channel-ref")}


def test_current_must_point_at_current_state(make_repo) -> None:
    root = make_repo({
        "maps/a.md": simple_map(header="state: future\n"),
        "maps/b.md": simple_map(header="state: future\ncurrent: a\n"),
    })
    report = check_json(root)
    assert [(d["path"], d["code"]) for d in report["diagnostics"]] == [("maps/b.md", "current-ref")]


def test_all_errors_reported_at_once_sorted(make_repo) -> None:
    root = make_repo({
        "maps/b.md": "---\ntitle: [\n---\n",
        "maps/a.md": "---\ntitle: A\npersona: nobody\nstages: [{name: X, emotion: 9}]\n---\n",
    })
    result = run(["check"], root)
    assert result.exit_code == 1
    text = result.stderr
    first, second, third = (text.index(s) for s in ("maps/a.md:3:", "maps/a.md:4:", "maps/b.md:"))
    assert first < second < third
    assert "error: unknown persona 'nobody'" in text
    assert "\n 3 | persona: nobody\n   |          ^" in text
    assert "errors" in text.splitlines()[-1]


def test_parallel_check_reports_exactly_what_one_process_does(make_repo, monkeypatch) -> None:
    """`check` splits the maps across forked workers; cross-file checks (duplicate ids,
    related and current-state maps, personas) must come out the same as in one process."""
    from cjmgen.checks import parallel as parallel_check
    files = {f"maps/case-{i:02d}.md": source for i, (_, source, _) in enumerate(CASES)}
    files.update({
        "maps/a.md": simple_map(header="id: same\n"),
        "maps/z/b.md": simple_map(header="id: same\n"),
        "maps/c.md": simple_map(header="state: future\ncurrent: same\nrelated: [a, c, nothing-like-it]\n"),
        "maps/d.md": simple_map(persona="anne", header="state: future\ncurrent: c\n"),
        "maps/personas/boris.md": "---\nname: Boris\nchannels: [telegram]\nphoto: nope.png\n---\n![x](../../x.png)\n",
    })
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
    assert forked  # the parallel path ran
    assert shared == alone
    codes = {d["code"] for d in alone["diagnostics"]}
    assert {"duplicate-map", "map-ref", "current-ref", "persona-ref", "channel-ref", "yaml-syntax"} <= codes


@pytest.mark.parametrize("workers", ["1", "2"])
def test_check_after_a_build_loads_the_parse_cache_and_reports_the_same(make_repo, monkeypatch, workers: str) -> None:
    """`check` reads the files the last build parsed from its cache (never writing it):
    every diagnostic is the one a check without the cache reports."""
    import cjmgen.content.repository
    import cjmgen.incremental.parse_cache

    files = {f"maps/case-{i:02d}.md": source for i, (_, source, _) in enumerate(CASES)}
    files.update({
        "maps/a.md": simple_map(header="id: same\n"),
        "maps/z/b.md": simple_map(header="id: same\ncurrent: nothing\n"),
        "maps/c.md": simple_map(body="See [nowhere](missing.md).\n"),
    })
    root = make_repo(files)
    monkeypatch.setenv("CJMGEN_WORKERS", workers)
    without_cache = check_json(root)
    assert not (root / ".cjmgen-cache").exists()  # check writes nothing
    run(["build", "--no-pdf"], root)  # fails (errors), but keeps what it parsed
    assert (root / ".cjmgen-cache" / "parsed").is_dir()

    def parse_again(*args):
        raise AssertionError("a file the build parsed was parsed again")

    # Both ways a file can be parsed (forked workers inherit the patches): every file must load.
    monkeypatch.setattr(cjmgen.incremental.parse_cache, "parse_file", parse_again)
    monkeypatch.setattr(cjmgen.content.repository, "parse_file", parse_again)
    assert check_json(root) == without_cache
    assert {"duplicate-map", "map-ref", "yaml-syntax"} <= {d["code"] for d in without_cache["diagnostics"]}


def test_check_makes_no_signing_key(make_repo, monkeypatch, tmp_path) -> None:
    root = make_repo({"maps/a.md": simple_map()})
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "fresh-home"))
    assert run(["check"], root).exit_code == 0
    assert not (tmp_path / "fresh-home").exists()
