"""Map and persona ids name pages: an id that would place a page outside `maps/`, over a
page of the site itself, or under a name the file system refuses is an error of
`check` with its position, and the build writes nothing (issue 23)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.cli import run
from tests.helpers.repos import simple_map

HOSTILE_IDS = ["../index", "../personas/anna", "../../../../tmp/cjmgen-escape", "a/../../index", "./x",
               "x/.hidden", "a" * 300, "ok/" + "я" * 130]


@pytest.mark.parametrize("bad_id", HOSTILE_IDS)
def test_a_map_id_that_is_not_a_plain_page_name_is_an_error_at_its_key(make_repo, tmp_path: Path, bad_id: str) -> None:
    root = make_repo({"maps/evil.md": simple_map("Evil", header=f"id: '{bad_id}'\n"),
                      "maps/fine.md": simple_map("Fine")})
    checked = run(["check"], root)
    assert checked.exit_code == 1
    assert "maps/evil.md:6:5: error: map id '" in checked.output and "[map-id]" in checked.output, checked.output
    assert "Traceback" not in checked.output
    built = run(["build", "--no-pdf"], root)
    assert built.exit_code == 1 and "maps/evil.md:6:5: error: map id" in built.output
    assert not (root / "site").exists() and not (tmp_path.parent / "tmp").exists()


def test_a_map_id_cannot_replace_the_sites_own_pages(make_repo) -> None:
    root = make_repo({"maps/fine.md": simple_map("Fine")})
    assert run(["build", "--no-pdf"], root).exit_code == 0
    index = (root / "site/index.html").read_bytes()
    persona = (root / "site/personas/anna.html").read_bytes()
    (root / "maps/evil.md").write_text(simple_map("Evil", header="id: ../index\n"), encoding="utf-8")
    (root / "maps/evil2.md").write_text(simple_map("Evil 2", header="id: ../personas/anna\n"), encoding="utf-8")
    result = run(["build", "--no-pdf"], root)
    assert result.exit_code == 1 and result.output.count("[map-id]") == 2
    assert (root / "site/index.html").read_bytes() == index
    assert (root / "site/personas/anna.html").read_bytes() == persona


def test_a_file_whose_page_name_is_too_long_is_an_error_at_the_file(make_repo) -> None:
    stem = "s" * 251  # stem.md is 254 bytes (a valid file), stem.html 256: no file system takes it
    root = make_repo({f"maps/b2c/{stem}.md": simple_map("Long"), f"maps/personas/{'p' * 251}.md": "---\nname: P\n---\n"})
    result = run(["check"], root)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"maps/b2c/{stem}.md:1:1: error: map id 'b2c/" in result.output
    assert "page name would be 256 bytes, file systems take at most 255 [map-id]" in result.output
    assert f"maps/personas/{'p' * 251}.md:1:1: error: persona id" in result.output and "[persona-id]" in result.output
    assert run(["build", "--no-pdf"], root).exit_code == 1 and not (root / "site").exists()


def test_a_long_owner_segment_or_channel_still_gets_a_page(make_repo) -> None:
    owner = "Отдел " + "очень " * 60  # 360 characters, some 700 bytes: a slug cut and hashed
    root = make_repo({"maps/long.md": simple_map("Long", header=f"owner: {owner}\n").replace(
        "segment: Mobile", f"segment: {'Segment ' * 50}")})
    result = run(["build", "--no-pdf"], root)
    assert result.exit_code == 0, result.output
    names = [p.name for p in (root / "site").rglob("*.html")]
    assert max(len(name.encode("utf-8")) for name in names) <= 255
    owner_pages = [p for p in (root / "site/owners").glob("*.html") if p.name != "index.html"]
    assert any(owner.strip() in p.read_text(encoding="utf-8") for p in owner_pages)
