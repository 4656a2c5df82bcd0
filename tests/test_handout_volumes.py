"""The handout of a large repository is split into volumes (`pdf.handout_maps`):
one WeasyPrint document of every map would take 38 MB and 1.9 s a map."""

from __future__ import annotations

import itertools
import re
import shutil
from pathlib import Path

import pytest

from cjmgen.build.pipeline import build
from cjmgen.pdf.handout_volumes import handout_volumes
from tests.helpers.cli import run
from tests.helpers.repos import simple_map, write_files
from tests.test_pdf import RU_CONFIG, make_ru_repo, pdfinfo, pdftext


def ids(count: int, prefix: str = "seg/m") -> list[str]:
    return [f"{prefix}{number:05d}" for number in range(count)]


def test_volumes_hold_between_half_and_all_of_handout_maps() -> None:
    volumes = handout_volumes(ids(1000), 12)
    sizes = [v.stop - v.start for v in volumes]
    assert sum(sizes) == 1000 and max(sizes) <= 12 and min(sizes[:-1]) >= 6
    assert [(v.start, v.stop) for v in volumes[1:]] == [(a.stop, b.stop) for a, b in itertools.pairwise(volumes)]
    assert [v.path for v in volumes[:2]] == ["handout-1.pdf", "handout-2.pdf"]
    assert {(v.number, v.count) for v in volumes} == {(n, len(volumes)) for n in range(1, len(volumes) + 1)}
    assert 1000 / 12 <= len(volumes) <= 1000 / 6 + 1


@pytest.mark.parametrize(("maps", "most"), [(12, 12), (1, 12), (500, 0)])
def test_a_handout_that_fits_is_one_file(maps: int, most: int) -> None:
    volumes = handout_volumes(ids(maps), most)
    assert [(v.path, v.start, v.stop, v.split) for v in volumes] == [("handout.pdf", 0, maps, False)]
    assert handout_volumes([], most) == ()


@pytest.mark.parametrize("where", [0, 137, 500, 998])
def test_adding_or_removing_a_map_changes_the_volume_it_is_in_not_every_later_one(where: int) -> None:
    def contents(map_ids: list[str]) -> set[tuple[str, ...]]:
        return {tuple(map_ids[v.start:v.stop]) for v in handout_volumes(map_ids, 12)}

    before = ids(1000)
    added = before[:where] + ["seg/new-map"] + before[where:]
    removed = before[:where] + before[where + 1:]
    for after in (added, removed):
        changed = contents(after) - contents(before)
        assert 1 <= len(changed) <= 3, (where, len(changed))  # counting from the start: dozens


pdf_tools = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


@pdf_tools
def test_build_writes_one_volume_a_map_and_links_each(tmp_path: Path) -> None:
    root = make_ru_repo(tmp_path / "repo", commit=False)
    (root / "cjmgen.yml").write_text(RU_CONFIG.replace("pdf: {page_size: A3 landscape}", "pdf: {handout_maps: 1}"), encoding="utf-8")
    first = build(root)
    assert first.written and first.pdfs == 4 and first.pdfs_rendered == 4
    site = root / "site"
    assert not (site / "handout.pdf").exists()
    texts = {n: " ".join(pdftext(site / f"handout-{n}.pdf").split()) for n in (1, 2)}
    # the site's order: each map in exactly one volume, the cover saying which volume
    assert ("Покупка дивана с телефона" in texts[1]) != ("Покупка дивана с телефона" in texts[2])
    assert ("Buying office chairs" in texts[1]) != ("Buying office chairs" in texts[2])
    # the cover and the title name the segments of a volume's maps (not its number: see handout_volumes)
    segment = {"Покупка дивана с телефона": "Мобильные посетители из поиска", "Buying office chairs": "Mobile"}
    for number, text in texts.items():
        title = "Покупка дивана с телефона" if "Покупка дивана с телефона" in text else "Buying office chairs"
        assert f"Сегменты: {segment[title]}" in text
        assert pdfinfo(site / f"handout-{number}.pdf")["Title"] == f"Карты пути клиента — тест — Учебное пособие · Сегменты: {segment[title]}"
    index = (site / "index.html").read_text(encoding="utf-8")
    volumes = re.search(r'<details class="handout-volumes">\s*<summary>Учебное пособие \(PDF\): 2\xa0тома</summary>(.*?)</details>', index, re.DOTALL)
    assert volumes, index
    links = re.findall(r'<li><a href="(handout-\d\.pdf)" title="([^"]+)">(Том \d)</a>\s*<span class="muted">· ([^<]+)</span>', volumes.group(1))
    assert [(path, shown) for path, _, shown, _ in links] == [("handout-1.pdf", "Том 1"), ("handout-2.pdf", "Том 2")]
    assert sorted(title for _, title, _, _ in links) == ["Buying office chairs", "Покупка дивана с телефона"]
    assert sorted(facts for *_, facts in links) == ["Mobile · 1\xa0карта", "Мобильные посетители из поиска · 1\xa0карта"]
    assert 'href="handout.pdf"' not in index
    # an edit renders the map's own PDF and its volume, not the other volume
    path = root / "maps/en/chairs.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Goal of Deal", "A changed goal"), encoding="utf-8")
    second = build(root)
    assert second.pdfs_rendered == 2
    chairs = 1 if "Buying office chairs" in texts[1] else 2
    assert "A changed goal" in pdftext(site / f"handout-{chairs}.pdf")
    # a map that comes first in the site's order: the other volumes move up a number, from the cache
    moved = {n: (site / f"handout-{n}.pdf").read_bytes() for n in (1, 2)}
    write_files(root, {"maps/a/first.md": simple_map("A first map", persona="irina")})
    third = build(root)
    assert third.written and third.pdfs == 6 and third.pdfs_rendered == 2  # its own PDF and its volume
    assert "A first map" in pdftext(site / "handout-1.pdf")
    assert [(site / f"handout-{n}.pdf").read_bytes() for n in (2, 3)] == [moved[1], moved[2]]


@pdf_tools
def test_the_handout_command_writes_volumes_next_to_the_named_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_ru_repo(tmp_path / "repo", commit=False)
    (root / "cjmgen.yml").write_text(RU_CONFIG.replace("pdf: {page_size: A3 landscape}", "pdf: {handout_maps: 1}"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run(["pdf", "--handout", "-o", "all.pdf"], root)
    assert result.exit_code == 0, result.output
    assert "wrote all-1.pdf" in result.output and "wrote all-2.pdf" in result.output
    assert not (tmp_path / "all.pdf").exists()
    assert "Сегменты: " in pdftext(tmp_path / "all-2.pdf")


@pytest.mark.parametrize("value", ["-1", "many", "2.5"])
def test_a_wrong_handout_maps_is_reported_where_it_is_written(tmp_path: Path, value: str) -> None:
    root = tmp_path / "repo"
    write_files(root, {"cjmgen.yml": f"title: Maps\npdf:\n  handout_maps: {value}\n",
                       "maps/a.md": "---\ntitle: A\nstages: [{id: s, name: S}]\n---\n"})
    result = run(["check"], root)
    assert result.exit_code == 1
    assert re.search(r"cjmgen\.yml:3:17: error: pdf\.handout_maps: expected a whole number", result.output), result.output
    assert "Traceback" not in result.output


@pdf_tools
def test_serve_renders_a_volume_when_the_browser_asks_for_it(tmp_path: Path) -> None:
    from cjmgen.build.pipeline import BuildOptions
    from cjmgen.incremental.rebuild import PreviewBuilds, SiteBuilder

    root = make_ru_repo(tmp_path / "repo", commit=False)
    (root / "cjmgen.yml").write_text(RU_CONFIG.replace("pdf: {page_size: A3 landscape}", "pdf: {handout_maps: 1}"), encoding="utf-8")
    builds = PreviewBuilds(SiteBuilder(root, BuildOptions(drafts=True)))
    assert builds().ok
    served = builds.on_demand("handout-2.pdf")
    assert served is not None and list(served) == ["handout-2.pdf"]
    assert served["handout-2.pdf"].startswith(b"%PDF")
    assert builds.on_demand("handout.pdf") is None  # split: there is no single file
    assert builds.on_demand("handout-3.pdf") is None
