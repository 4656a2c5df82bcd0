"""Positions stay right with odd input: YAML-only line breaks, refused characters,
alias and merge bombs, very long legitimate documents."""

from __future__ import annotations

from cjmgen.content.yamltree import MAX_VALUES, parse_yaml
from cjmgen.diagnostics import Diagnostics
from tests.helpers.cli import check_json
from tests.helpers.repos import simple_map


def _codes(found: Diagnostics) -> list[str]:
    return [d.code for d in found.items]


def test_yaml_only_line_breaks_in_a_value_do_not_shift_later_lines() -> None:
    for separator in ("\u2028", "\u2029", "\x85"):
        text = f'title: "one{separator}two{separator}three"\nsegment: x\nbad: [1, 2\n'
        found = Diagnostics()
        assert parse_yaml(text, "m.md", found, first_line=2) is None
        (error,) = found.items
        assert error.location is not None and error.location.line >= 4  # the unclosed list, on file line 4 or later; never 6
        text = f'title: "one{separator}two"\nsegment: x\n'
        tree = parse_yaml(text, "m.md", Diagnostics(), first_line=2)
        assert tree is not None
        assert tree.value["segment"].loc.line == 3 and tree.value["segment"].loc.column == 10
        assert tree.value["segment"].key_loc.line == 3


def test_a_later_error_points_at_its_own_line_after_a_line_separator(make_repo) -> None:
    text = simple_map().replace("segment: Mobile", 'segment: "Mob\u2028ile\u2029 and \x85 more"')
    text = text.replace("owner: Marketing", "owner: Marketing\n    bogus_field: 1", 1)
    root = make_repo({"maps/a.md": text})
    line = text.split("\n").index("    bogus_field: 1") + 1
    found = [d for d in check_json(root)["diagnostics"] if "bogus_field" in d["message"]]
    assert found and found[0]["line"] == line and found[0]["column"] == 5


def test_a_refused_control_character_is_pointed_at(make_repo) -> None:
    text = simple_map().replace("segment: Mobile", "segment: Mé\x01bile")
    root = make_repo({"maps/a.md": text})
    (error,) = [d for d in check_json(root)["diagnostics"] if d["code"] == "yaml-syntax"]
    line = next(i for i, row in enumerate(text.split("\n"), 1) if "\x01" in row)
    assert (error["line"], error["column"]) == (line, len("segment: Mé") + 1)
    assert "U+0001" in error["message"]


def test_a_merge_bomb_is_one_error_not_a_cascade() -> None:
    lines = ["a0: &a0 {x: 1, y: 2, z: 3, w: 4, v: 5, u: 6, t: 7, s: 8, r: 9}"]
    for level in range(1, 12):
        previous = f"*a{level - 1}"
        lines.append(f"a{level}: &a{level} {{<<: [{', '.join([previous] * 9)}], k{level}: 1}}")
    lines.append("title: boom")
    found = Diagnostics()
    parse_yaml("\n".join(lines) + "\n", "m.md", found)
    assert _codes(found) == ["yaml-too-large"]


def test_an_alias_bomb_is_still_refused() -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for level in range(1, 9):
        lines.append(f"{chr(97 + level)}: &{chr(97 + level)} [{', '.join(['*' + chr(96 + level)] * 9)}]")
    found = Diagnostics()
    assert parse_yaml("\n".join(lines) + "\n", "m.md", found) is None
    assert _codes(found) == ["yaml-too-large"]


def test_a_legitimate_twenty_thousand_stage_map_checks(make_repo) -> None:
    """Not refused as an alias bomb (140,000 values > MAX_VALUES), and checked in linear
    time: the funnel check once rebuilt the stage index per stage (an hour at 20,000)."""
    stages = "".join(f"  - {{id: s{i}, name: Stage {i}, goals: G, owner: O, emotion: 0, count: {40_000 - i}}}\n"
                     for i in range(20_000))
    root = make_repo({"maps/long.md": "---\ntitle: Long\npersona: anna\nsegment: M\nreviewed: 2026-10-01\n"
                                      "stages:\n" + stages + "---\n"})
    report = check_json(root)
    assert report["errors"] == 0, [d for d in report["diagnostics"] if d["severity"] == "error"][:3]
    assert MAX_VALUES < 7 * 20_000 and not [d for d in report["diagnostics"] if d["code"] == "yaml-too-large"]


def test_no_nul_byte_reaches_the_site(make_repo) -> None:
    from tests.helpers.cli import run

    text = simple_map(title='"Sofa\\0 deal"', body="# Notes\n\nA NUL \x00 here and \x00 there.\n")
    text = text.replace("    owner: Marketing", '    owner: "Mar\\0keting"', 1)
    root = make_repo({"maps/a.md": text})
    result = run(["build", "--no-pdf"], root)
    assert result.exit_code == 0, result.output
    pages = [page for page in (root / "site").rglob("*") if page.suffix in (".html", ".js", ".json", ".xml")]
    assert pages and not [page for page in pages if b"\x00" in page.read_bytes()]
    html = (root / "site" / "maps" / "a.html").read_text(encoding="utf-8")
    assert "Sofa\ufffd deal" in html and "A NUL \ufffd here" in html


def test_link_and_image_diagnostics_point_at_their_own_occurrence(make_repo) -> None:
    body = ("# Notes\n\n"
            "See [data](data.md) and [a](a.md), then ![pic](missing.png)\n"
            "and [again](a.md) with ![pic2](missing.png).\n")
    text = simple_map(body=body)
    root = make_repo({"maps/x.md": text})
    rows = text.split("\n")
    first = rows.index("See [data](data.md) and [a](a.md), then ![pic](missing.png)") + 1
    found = sorted((d["line"], d["column"], d["message"]) for d in check_json(root)["diagnostics"]
                   if d["path"] == "maps/x.md" and ("a.md" in d["message"] or "missing.png" in d["message"]))
    positions = [(line, column) for line, column, _ in found]
    row1, row2 = rows[first - 1], rows[first]
    assert positions == sorted([
        (first, row1.index("data.md") + 1), (first, row1.index("(a.md)") + 2),
        (first, row1.index("missing.png") + 1),
        (first + 1, row2.index("a.md") + 1), (first + 1, row2.index("missing.png") + 1),
    ]), found
