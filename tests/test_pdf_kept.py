"""A build with PDFs prints the HTML only of the PDFs whose inputs changed (pdf/kept.py);
the others come from the PDF cache as they are, byte for byte what printing gives."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cjmgen.build.pipeline import BuildOptions, build
from cjmgen.pdf.document import PrintRenderer
from tests.helpers.repos import simple_map
from tests.test_pdf import git, make_ru_repo, pdftext

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

PICTURE = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="{}"/></svg>'
# An image in the repository, and one whose URL markdown-it refuses (reported while printing).
CHAIRS_BODY = "Intro.\n\n![plan](../assets/plan.svg)\n\n![leak](file:///etc/passwd)\n"


@pytest.fixture
def printed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the PDFs whose HTML is printed from now on."""
    names: list[str] = []
    map_job, handout_job = PrintRenderer.map_job, PrintRenderer.handout_job

    def printing_map(self, journey_map, page, name, poster=False):
        names.append(name)
        return map_job(self, journey_map, page, name, poster=poster)

    def printing_handout(self, maps, name, subtitle="", volume=None):
        names.append(name)
        return handout_job(self, maps, name, subtitle, volume)

    monkeypatch.setattr(PrintRenderer, "map_job", printing_map)
    monkeypatch.setattr(PrintRenderer, "handout_job", printing_handout)
    return names


def make_repo(root: Path) -> Path:
    return make_ru_repo(root, {
        "maps/en/chairs.md": simple_map("Buying office chairs", persona="irina", body=CHAIRS_BODY),
        "maps/assets/plan.svg": PICTURE.format("red"),
    })


def pdfs(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*.pdf"))}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_an_edit_prints_only_the_pdfs_that_show_the_edited_map(tmp_path: Path, printed: list[str]) -> None:
    root = make_repo(tmp_path / "repo")
    first = build(root)
    assert first.written and first.pdfs == 3 and len(printed) == 3
    assert any(d.code == "pdf-resource" and d.location and d.location.path == "maps/en/chairs.md"
               for d in first.diagnostics)  # found while printing chairs' HTML
    printed.clear()
    edit(root / "maps/mobile/sofa.md", "Цель этапа 2", "Изменённая цель этапа 2")
    second = build(root)
    assert second.written and second.pdfs == 3 and second.pdfs_rendered == 2
    assert sorted(printed) == ["handout.pdf", "maps/mobile/sofa.pdf"]  # chairs' PDF was not printed
    assert [d.as_dict() for d in second.diagnostics] == [d.as_dict() for d in first.diagnostics]
    assert "Изменённая цель этапа 2" in pdftext(root / "site/maps/mobile/sofa.pdf")
    # Another output folder has no record: every PDF is printed, and the bytes are the same.
    printed.clear()
    third = build(root, BuildOptions(output=tmp_path / "printed"))
    assert third.written and len(printed) == 3 and third.pdfs_rendered == 0
    assert pdfs(tmp_path / "printed") == pdfs(root / "site")
    assert [d.as_dict() for d in third.diagnostics] == [d.as_dict() for d in second.diagnostics]


def test_what_the_map_file_does_not_hold_is_an_input_too(tmp_path: Path, printed: list[str]) -> None:
    root = make_repo(tmp_path / "repo")
    assert build(root).written
    printed.clear()
    (root / "maps/assets/plan.svg").write_text(PICTURE.format("blue"), encoding="utf-8")  # an image it shows
    assert build(root).pdfs_rendered == 2
    assert sorted(printed) == ["handout.pdf", "maps/en/chairs.pdf"]
    printed.clear()
    git(root, "add", "-A")  # the stamp names the last commit of what each PDF shows
    git(root, "commit", "-q", "-m", "a blue plan")
    assert build(root).written
    assert sorted(printed) == ["handout.pdf", "maps/en/chairs.pdf"]
    printed.clear()
    edit(root / "maps/personas/irina.md", "office manager", "office manager, Kazan")  # the persona it shows
    assert build(root).written
    assert sorted(printed) == ["handout.pdf", "maps/en/chairs.pdf"]


def test_a_kept_pdf_the_cache_lost_is_printed_and_rendered_again(tmp_path: Path, printed: list[str]) -> None:
    root = make_repo(tmp_path / "repo")
    assert build(root).written
    cached = sorted((root / ".cjmgen-cache/pdf").glob("*.pdf"))
    assert len(cached) == 3
    cached[0].unlink()  # gone: seen before printing
    for damaged in cached[1:]:
        damaged.write_bytes(b"%PDF-1.7 damaged")  # there, but not what was stored: seen when read
    printed.clear()
    (root / "notes.txt").write_text("a file no PDF shows: the build runs, every PDF is kept\n", encoding="utf-8")
    again = build(root)
    assert again.written and again.pdfs_rendered == 3 and len(printed) == 3
    assert "Покупка дивана с телефона" in pdftext(root / "site/maps/mobile/sofa.pdf")
    assert "Buying office chairs" in pdftext(root / "site/maps/en/chairs.pdf")
