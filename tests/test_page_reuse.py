"""`cjmgen build` after edits keeps the unchanged pages of the last build and gives the
bytes of a full build; the signed caches it keeps cannot be forged."""

from __future__ import annotations

import dataclasses
import os
import pickle
import random
import re
from pathlib import Path

import pytest

from cjmgen.content.model import Map
from cjmgen.incremental.cache_dir import CACHE_ROOT
from cjmgen.incremental.store import BUILD_RECORDS, PARSED, PIECES, Caches
from tests.helpers.cli import run
from tests.helpers.repos import simple_map, write_files
from tests.test_incremental import random_edit, start_repository

CACHE_DIR = Path(CACHE_ROOT) / PARSED
PIECES_DIR = Path(CACHE_ROOT) / PIECES


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def problems(output: str) -> list[str]:
    """The diagnostics of a run, without the output folder and the time of the summary line."""
    return [re.sub(r" in [\d.]+ s", "", re.sub(r" to \S+", " to SITE", line)) for line in output.splitlines()]


def build_without_caches(root: Path, output: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, list[str]]:
    """A full build: no signing key can be kept, so no cache is read or written."""
    with monkeypatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(root / "cjmgen.yml-is-not-a-folder" / "x"))
        (root / "cjmgen.yml-is-not-a-folder").write_text("")
        result = run(["build", "--no-pdf", "--output", str(output)], root)
        (root / "cjmgen.yml-is-not-a-folder").unlink()
    return result.exit_code, problems(result.output)


@pytest.mark.parametrize(("seed", "workers"), [(0, "1"), (1, "1"), (2, "2"), (3, "2")])
def test_rebuilds_after_edits_give_the_bytes_of_a_full_build(tmp_path: Path, seed: int, workers: str,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CJMGEN_WORKERS", workers)  # "2": pages shared by two forked processes
    rng = random.Random(seed)
    root = tmp_path / "repo"
    counter = start_repository(root, rng, maps=5)
    steps, kept, built = [], 0, 0
    for step in range(14):
        if step:
            steps.append(random_edit(rng, root, counter))
        before = {p: os.stat(p).st_ino for p in (root / "site").rglob("*.html")} if (root / "site").is_dir() else {}
        result = run(["build", "--no-pdf"], root)
        code, output = build_without_caches(root, tmp_path / "full", monkeypatch)
        assert result.exit_code == code, steps
        assert problems(result.output) == output, steps
        if code == 0:
            built += 1
            assert tree(root / "site") == tree(tmp_path / "full"), steps
            kept += sum(os.stat(p).st_ino == before.get(p) for p in (root / "site").rglob("*.html"))
    assert built >= 5  # real builds, not only errors
    assert kept > 0  # pages were linked from the last site, not rendered again


def test_one_edited_map_renders_its_page_and_keeps_the_others(make_repo, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_repo({
        "maps/a.md": simple_map("Buying a sofa", body="See [the image](missing.png).\n"),
        "maps/b.md": simple_map("Returning a sofa"),
    })
    first = run(["build", "--no-pdf"], root)
    assert first.exit_code == 0 and "missing.png" in first.output  # a broken link: a warning

    def inode(name: str) -> int:
        return os.stat(root / "site" / "maps" / name).st_ino

    a_before, b_before = inode("a.html"), inode("b.html")
    write_files(root, {"maps/b.md": simple_map("Returning a sofa, again")})
    second = run(["build", "--no-pdf"], root)
    assert second.exit_code == 0
    assert inode("a.html") == a_before  # the same file: linked from the last site
    assert inode("b.html") != b_before and "again" in (root / "site" / "maps" / "b.html").read_text()
    assert "again" in (root / "site" / "index.html").read_text()
    assert "missing.png" in second.output  # the kept page's warning is still reported
    # The link's target appears: the page that links to it is rendered again.
    write_files(root, {"maps/missing.png": b"\x89PNG\r\n\x1a\n"})
    third = run(["build", "--no-pdf"], root)
    assert third.exit_code == 0 and "missing.png" not in third.output
    assert inode("a.html") != a_before and list((root / "site").rglob("missing.png"))


class Explodes:
    """Unpickling this runs code: what a crafted cache file would do."""

    def __reduce__(self):
        return (os.system, ("touch PWNED",))


def test_forged_cache_files_are_never_loaded(make_repo) -> None:
    root = make_repo({"maps/a.md": simple_map("Buying a sofa"), "maps/b.md": simple_map("Returning a sofa")})
    assert run(["build", "--no-pdf"], root).exit_code == 0
    parsed = sorted((root / CACHE_DIR).iterdir())
    pieces = sorted((root / PIECES_DIR).iterdir())
    assert parsed and pieces
    evil = pickle.dumps(Explodes())
    for path in parsed + pieces:
        path.write_bytes(b"\0" * 32 + evil)  # not signed with this user's key
    write_files(root, {"maps/b.md": simple_map("Returning a sofa, again")})  # so pages are made again
    result = run(["build", "--no-pdf"], root)
    assert result.exit_code == 0
    assert not (root / "PWNED").exists() and not (Path.cwd() / "PWNED").exists()
    assert "Buying a sofa" in (root / "site" / "index.html").read_text()
    # A piece file signed with another key (another user, another machine) is ignored too.
    other = root / "other-home"
    write_files(root, {"maps/a.md": simple_map("Buying a sofa, edited")})
    os.environ["XDG_CACHE_HOME"] = str(other)  # restored by the autouse fixture's monkeypatch
    assert run(["build", "--no-pdf"], root).exit_code == 0
    assert "Buying a sofa, edited" in (root / "site" / "index.html").read_text()


def test_a_theme_can_turn_kept_pages_off(make_repo) -> None:
    """A custom theme that shows every map on every page cannot be kept page by page."""
    root = make_repo({
        "maps/a.md": simple_map("Buying a sofa"), "maps/b.md": simple_map("Returning a sofa"),
        "cjmgen.yml": "theme: {custom_dir: overrides, keep_pages: false}\n",
        "overrides/templates/base.html": (
            '{% extends "!theme/base.html" %}{% block footer %}'
            '{% for m in catalog.maps %}<span class="every-map">{{ m.title }}</span>{% endfor %}{% endblock %}'
        ),
    })
    assert run(["build", "--no-pdf"], root).exit_code == 0
    write_files(root, {"maps/b.md": simple_map("Returning a sofa, again")})
    assert run(["build", "--no-pdf"], root).exit_code == 0
    assert "Returning a sofa, again" in (root / "site" / "maps" / "a.html").read_text()


def test_the_parse_cache_stays_the_size_of_the_repository(make_repo) -> None:
    from cjmgen.incremental.parse_cache import MAX_PACKS

    root = make_repo({"maps/a.md": simple_map("Buying a sofa"), "maps/b.md": simple_map("Returning a sofa")})
    for number in range(MAX_PACKS + 4):
        write_files(root, {"maps/b.md": simple_map(f"Returning a sofa, edit {number}")})
        assert run(["build", "--no-pdf"], root).exit_code == 0
    packs = list((root / CACHE_DIR).iterdir())
    assert 1 <= len(packs) <= MAX_PACKS + 1  # old versions are dropped when the packs are rewritten


def test_a_build_record_naming_files_outside_the_repository_is_not_trusted(make_repo, tmp_path: Path) -> None:
    """The build record is plain JSON beside the caches: a kept page's files are copied again,
    so a record that names a file outside the repository is dropped, never followed."""
    import json

    (tmp_path / "secret.txt").write_text("top secret")
    root = make_repo({"maps/a.md": simple_map("Buying a sofa"), "maps/b.md": simple_map("Returning a sofa")})
    assert run(["build", "--no-pdf"], root).exit_code == 0
    (record_file,) = (root / CACHE_ROOT / BUILD_RECORDS).iterdir()
    record = json.loads(record_file.read_text())
    record["pages"]["maps/a.html"]["files"] = {"files/evil.txt": "../secret.txt"}
    record_file.write_text(json.dumps(record))
    write_files(root, {"maps/b.md": simple_map("Returning a sofa, again")})
    assert run(["build", "--no-pdf"], root).exit_code == 0
    assert not list((root / "site").rglob("evil.txt"))
    assert all(b"top secret" not in data for data in tree(root / "site").values())


def test_a_first_build_parses_on_both_cores_and_the_next_loads_it_all(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """parse_cache.parse_ahead: a forked helper parses the last files and sends them
    pickled; the site and the diagnostics are those of a build without caches."""
    import cjmgen.incremental.parse_cache as parse_cache
    from cjmgen.build.workers import spawn
    from cjmgen.content.repository import parse_file

    monkeypatch.setenv("CJMGEN_WORKERS", "2")
    root = tmp_path / "repo"
    maps = {f"maps/m{n:03}.md": simple_map(f"Map {n}") for n in range(60)}
    maps["maps/m059.md"] = simple_map("Map 59", header="colour: blue\n")  # a warning, from the helper's share
    write_files(root, {"cjmgen.yml": "title: Maps\n", **maps})
    forks: list[tuple[object, ...]] = []
    parsed_here: list[str] = []

    def counted_spawn(*args, **kwargs):
        forks.append(args)
        return spawn(*args, **kwargs)

    def counted_parse(*args):
        parsed_here.append(args[0])
        return parse_file(*args)

    monkeypatch.setattr(parse_cache, "spawn", counted_spawn)
    monkeypatch.setattr(parse_cache, "parse_file", counted_parse)

    first = run(["build", "--no-pdf"], root)
    assert len(forks) == 1 and 0 < len(parsed_here) < 60  # the rest came from the helper
    assert "m059.md" not in " ".join(parsed_here) and "unknown key 'colour'" in first.output
    assert (first.exit_code, problems(first.output)) == build_without_caches(root, tmp_path / "full", monkeypatch)
    assert tree(root / "site") == tree(tmp_path / "full")

    parsed_here.clear()
    write_files(root, {"maps/m001.md": simple_map("Map 1, edited")})
    second = run(["build", "--no-pdf"], root)
    assert parsed_here == ["maps/m001.md"]  # the helper's pack was written and is trusted
    assert (second.exit_code, problems(second.output)) == build_without_caches(root, tmp_path / "full", monkeypatch)
    assert tree(root / "site") == tree(tmp_path / "full")


def test_catalog_refs_are_named_only_when_their_objects_belong_together(make_repo) -> None:
    from cjmgen.analysis.catalog import StageRef, TouchpointRef
    from cjmgen.config import load_config
    from cjmgen.content.repository import parse_file
    from cjmgen.diagnostics import Diagnostics
    from cjmgen.incremental.page_reuse import StableNames

    root = make_repo({"maps/a.md": simple_map("Buying a sofa"), "maps/b.md": simple_map("Returning a sofa")})
    config = load_config(root, Diagnostics())
    parsed = [parse_file(f"maps/{n}.md", (root / "maps" / f"{n}.md").read_bytes(), config) for n in "ab"]
    a, b = (p.value for p in parsed if p is not None and isinstance(p.value, Map))
    names = StableNames()
    names.add(a, "entry-a")
    names.add(b, "entry-b")
    stage, touchpoint = a.stages[0], a.stages[0].touchpoints[0]
    good, mixed = TouchpointRef(a, stage, touchpoint), TouchpointRef(b, stage, touchpoint)
    assert names.parts(good) == ["TouchpointRef:entry-a/0/0"]  # one name, not a walk of its fields
    assert names.parts(mixed) == ["TouchpointRef", "entry-b", "entry-a/0", "entry-a/0/0", ")"]
    assert names.digest(good) != names.digest(mixed)
    assert names.parts(StageRef(a, a.stages[1])) == ["StageRef:entry-a/1"]
    copy = dataclasses.replace(a, title="Measured")  # a map with its data's values in place
    names.derive(copy, a, "|measured:digest")
    assert names.parts(StageRef(copy, copy.stages[1])) == ["StageRef:entry-a|measured:digest/1"]
    unnamed = dataclasses.replace(b, title="Other")
    names.derive(copy, unnamed, "|x")  # from an object that has no name: nothing changes
    names.derive(unnamed, dataclasses.replace(a), "|x")
    assert names.parts(copy) == ["entry-a|measured:digest"] and names.parts(unnamed)[0] == "Map"


def test_the_parse_helpers_results_are_not_held_after_loading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Memory: at 5,000 maps the helpers' pickles (65 MB) and the files' bytes (115 MB)
    were kept through the whole build; they go once loaded."""
    from cjmgen.config import load_config
    from cjmgen.content.repository import read_sources
    from cjmgen.diagnostics import Diagnostics

    monkeypatch.setenv("CJMGEN_WORKERS", "2")
    root = write_files(tmp_path / "repo", {f"maps/m{n:03}.md": simple_map(f"Map {n}") for n in range(60)})
    config = load_config(root, Diagnostics())
    sources = read_sources(config)
    cache = Caches(root).parse_cache()
    assert cache is not None
    cache.parse_ahead(sources, config)
    maps = [cache.parse(path, data, config) for path, data in sources.items()]
    assert [p.value.title for p in maps if p is not None and isinstance(p.value, Map)] == [f"Map {n}" for n in range(60)]
    assert cache.from_helpers and not cache.from_helpers & cache.entries.keys()
    cache.compact()  # does not wait for the helper: it may still be making its skeletons
    assert cache.known_names == {}
    cache.join_helpers()  # what the build does at its end
    assert cache.helpers == []
    assert len(list((root / ".cjmgen-cache" / "parsed").iterdir())) == 1  # the helper's pack, written


def test_compacting_leaves_a_helpers_pack_on_its_way_in_and_removes_other_strays(tmp_path: Path) -> None:
    """The parse helper writes its pack after sending its maps, while the parent compacts:
    its partial file is no stray; a partial of no pack of this build is."""
    root = write_files(tmp_path / "repo", {"maps/a.md": simple_map("A")})
    cache = Caches(root).parse_cache()
    assert cache is not None
    cache.folder.mkdir(parents=True, exist_ok=True)
    cache.packs.append("pack-0123456789abcdef")
    cache.helper_packs.append("pack-0123456789abcdef")
    on_its_way = cache.folder / ".pack-0123456789abcdef.k2j4l1.partial"
    left_over = cache.folder / ".pack-fedcba9876543210.x8y7z6.partial"
    planted = cache.folder / "not-ours"
    for path in (on_its_way, left_over, planted):
        path.write_bytes(b"...")
    cache.compact()
    assert on_its_way.exists()
    assert not left_over.exists() and not planted.exists()
