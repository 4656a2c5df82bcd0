"""Incremental rebuilds give the bytes of a full build, on random sequences of edits."""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import pytest

from cjmgen.incremental.rebuild import SiteBuilder, listing_page
from tests.helpers.repos import complete_stage, write_files

PERSONA = "---\nname: {name}\nrole: {role}\nphoto: assets/p.svg\n---\nAbout {name}. See [the first map](../m0.md).\n"
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>'


ROOT_OF: list[Path] = []  # the repository being edited, so new maps name existing personas


def a_map(rng: random.Random, index: int, map_ids: list[str]) -> str:
    existing = sorted(p.stem for p in (ROOT_OF[0] / "maps" / "personas").glob("*.md")) if ROOT_OF else []
    persona_line = f"persona: {rng.choice(existing)}\n" if existing else ""
    related = rng.sample(map_ids, k=min(len(map_ids), rng.randint(0, 2)))
    related = [r for r in related if r != f"m{index}"]
    header = f"related: [{', '.join(related)}]\n" if related else ""
    if rng.random() < 0.15 and map_ids:
        header += f"state: future\ncurrent: {rng.choice(map_ids)}\n"
    stages = "".join(
        complete_stage(name, name.lower(), count, rng.randint(-2, 2))
        for name, count in (("Awareness", 1000), ("Deal", rng.randint(10, 900)))
    )
    body = rng.choice(["", "Story.\n\n## Deal\nWhy they stop.\n", "See [other](m1.md) and ![pic](assets/p.svg).\n"])
    owner = rng.choice(["Sales", "Marketing", "Support"])
    return (
        f"---\ntitle: Map {index} v{rng.randint(0, 99)}\n{persona_line}"
        f"segment: {rng.choice(['Mobile', 'Desktop', 'Мобильные'])}\nowner: {owner}\n"
        f"reviewed: 2026-{rng.randint(1, 10):02d}-01\nstatus: {rng.choice(['published', 'published', 'draft'])}\n"
        f"{header}stages:\n{stages}---\n{body}"
    )


def full_build(root: Path) -> dict:
    outcome = SiteBuilder(root).rebuild()
    return _snapshot(outcome)


def _snapshot(outcome, builder: SiteBuilder | None = None) -> dict:
    if outcome.rendered is None:
        return {"errors": [d.as_dict() for d in outcome.diagnostics]}
    pages, files = dict(outcome.rendered.pages), dict(outcome.rendered.files)
    for path in sorted(builder.pages.pending if builder else ()):  # the pages put off, rendered now
        assert builder is not None
        finished = builder.finish(path)
        assert finished is not None, path
        pages[path], published = finished
        files.update(published)
    return {"pages": pages, "files": files}


def current_maps(root: Path) -> list[str]:
    return sorted(p.stem for p in (root / "maps").glob("m*.md"))


def names(text: str, removed: str) -> bool:
    """Whether a map's frontmatter refers to `removed` (a map id, or `persona: id`)."""
    if removed.startswith("persona: "):
        return f"{removed}\n" in text
    return re.search(rf"^(current: {removed}|related: \[.*\b{removed}\b.*\])$", text, re.MULTILINE) is not None


def repair_references(rng: random.Random, root: Path, removed: str) -> None:
    """What the author does in the same burst of saves: rewrite the maps that named it."""
    for path in sorted((root / "maps").glob("m*.md")):
        if names(path.read_text(), removed):
            text = a_map(rng, int(path.stem[1:]), [m for m in current_maps(root) if m != removed])
            while names(text, removed):
                text = a_map(rng, int(path.stem[1:]), [m for m in current_maps(root) if m != removed])
            path.write_text(text)


def random_edit(rng: random.Random, root: Path, counter: list[int]) -> str:
    maps = current_maps(root)
    choice = rng.choice(["add", "change", "change", "change", "change", "rename", "delete", "persona", "persona",
                         "persona-delete", "asset", "break"])
    if choice == "add" or not maps:
        counter[0] += 1
        index = counter[0]
        (root / "maps" / f"m{index}.md").write_text(a_map(rng, index, maps))
        return f"add m{index}"
    name = rng.choice(maps)
    path = root / "maps" / f"{name}.md"
    if choice == "change":
        path.write_text(a_map(rng, int(name[1:]), maps))
    elif choice == "break":
        path.write_text("---\ntitle: [half written\n")  # an editor's save mid-typing
    elif choice == "rename":
        counter[0] += 1
        path.rename(root / "maps" / f"m{counter[0]}.md")
        repair_references(rng, root, name)
    elif choice == "delete":
        path.unlink()
        repair_references(rng, root, name)
    elif choice == "persona":
        who = rng.choice(["anna", "boris", "vera"])
        write_files(root, {f"maps/personas/{who}.md": PERSONA.format(name=f"{who.title()} {rng.randint(20, 60)}", role=rng.choice(["Buyer", "Manager"]))})
    elif choice == "persona-delete":
        target = root / "maps" / "personas" / f"{rng.choice(['anna', 'boris', 'vera'])}.md"
        if target.exists():
            target.unlink()
            repair_references(rng, root, f"persona: {target.stem}")
    else:
        asset = root / "maps" / "assets" / "p.svg"
        if asset.exists():
            asset.unlink()
        else:
            asset.write_text(SVG)
    return f"{choice} {name}"


def start_repository(root: Path, rng: random.Random, maps: int) -> list[int]:
    """An asset, three personas and `maps` random maps: where the random edits start.
    Owner and channel lists go three rows a page, so that edits move rows between pages.
    Returns the counter that `random_edit` numbers new maps with."""
    write_files(root, {
        "cjmgen.yml": "theme: {name: default, per_page: 3}\n",
        "maps/assets/p.svg": SVG,
        **{f"maps/personas/{who}.md": PERSONA.format(name=who.title(), role="Buyer") for who in ("anna", "boris", "vera")},
    })
    ROOT_OF[:] = [root]
    counter = [0]
    for _ in range(maps):
        counter[0] += 1
        (root / "maps" / f"m{counter[0]}.md").write_text(a_map(rng, counter[0], current_maps(root)))
    return counter


@pytest.mark.parametrize("seed", range(4))
def test_incremental_equals_full_build(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    modes = random.Random(-seed)  # its own stream: the edit sequence stays what it was
    root = tmp_path / "repo"
    counter = start_repository(root, rng, maps=4)
    builder = SiteBuilder(root)
    steps = []
    reused, successes = 0, 0
    for _ in range(22):
        steps.append(random_edit(rng, root, counter))
        lazy = modes.random() < 0.5  # as serve does: listing pages put off, rendered later
        incremental = builder.rebuild(defer=listing_page if lazy else None)
        reused += incremental.pages_reused
        successes += incremental.ok
        assert _snapshot(incremental, builder) == full_build(root), steps
    assert successes >= 5  # the sequence exercised real builds, not only errors
    assert reused > 0  # and the cache did real work


def test_a_save_that_changes_nothing_rebuilds_nothing(tmp_path: Path) -> None:
    from tests.helpers.repos import PROJECT

    root = tmp_path / "example"
    shutil.copytree(PROJECT / "maps", root / "maps")
    shutil.copy(PROJECT / "cjmgen.yml", root / "cjmgen.yml")
    builder = SiteBuilder(root)
    first = builder.rebuild()
    assert first.pages_rendered > 30
    path = root / "maps" / "mobile" / "sofa-search.md"
    path.write_text(path.read_text())  # saved again, same bytes
    assert builder.rebuild().pages_rendered == 0
    path.write_text(path.read_text().replace("title: Покупка дивана с телефона", "title: Покупка дивана со смартфона", 1))
    changed = builder.rebuild()
    # the map page, the pages that list it (index, its segment, persona, channels, owners)
    assert 1 < changed.pages_rendered < first.pages_rendered
    assert changed.rendered is not None
    assert "Покупка дивана со смартфона" in changed.rendered.pages["maps/mobile/sofa-search.html"]


def test_listing_pages_wait_until_finished(tmp_path: Path) -> None:
    from tests.helpers.repos import PROJECT

    root = tmp_path / "example"
    shutil.copytree(PROJECT / "maps", root / "maps")
    shutil.copy(PROJECT / "cjmgen.yml", root / "cjmgen.yml")
    builder = SiteBuilder(root)
    builder.rebuild()
    path = root / "maps" / "mobile" / "sofa-search.md"
    path.write_text(path.read_text().replace("title: Покупка дивана с телефона", "title: Диван со смартфона", 1))
    changed = builder.rebuild(defer=listing_page)
    assert changed.rendered is not None
    assert "Диван со смартфона" in changed.rendered.pages["maps/mobile/sofa-search.html"]  # at once
    waiting = set(builder.pages.pending)
    assert {"index.html", "search-index.js"} <= waiting and not any(p.startswith("maps/") for p in waiting)
    assert "index.html" not in changed.rendered.pages  # no stale copy is handed out
    assert "index.html" in changed.rendered.pages["sitemap.xml"]  # but the sitemap lists it
    finished = builder.finish("index.html")
    assert finished is not None
    text, _ = finished
    assert "Диван со смартфона" in text and "index.html" not in builder.pages.pending
    assert builder.finish("index.html") is None


def test_serve_engine_gives_the_pages_of_cjmgen_build(example_repo: Path) -> None:
    from cjmgen.build.pipeline import BuildOptions
    from tests.helpers.cli import run

    assert run(["build", "--no-pdf"], example_repo).exit_code == 0
    outcome = SiteBuilder(example_repo, BuildOptions(pdf=False)).rebuild()
    assert outcome.rendered is not None
    for path, text in outcome.rendered.pages.items():
        assert (example_repo / "site" / path).read_text(encoding="utf-8") == text, path
    built = {p.relative_to(example_repo / "site").as_posix() for p in (example_repo / "site").rglob("*.html")}
    assert built == {p for p in outcome.rendered.pages if p.endswith(".html")}


def test_a_new_time_of_day_reuses_pages(tmp_path: Path, monkeypatch) -> None:
    """Outside git the build is "as of" the clock; pages print only the day, so a save a
    minute later must not re-render every page."""
    from tests.helpers.repos import PROJECT

    root = tmp_path / "example"
    shutil.copytree(PROJECT / "maps", root / "maps")
    shutil.copy(PROJECT / "cjmgen.yml", root / "cjmgen.yml")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    builder = SiteBuilder(root)
    builder.rebuild()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000060")  # the same day, a minute later
    path = root / "maps" / "mobile" / "sofa-search.md"
    path.write_text(path.read_text() + "\nOne more line.\n")
    again = builder.rebuild()
    assert again.pages_reused > 10  # (none were, when the global key held the time)
