"""A fresh machine: PDFs without the optional HarfBuzz-Subset library (WeasyPrint's fontTools fallback).

Debian's `libharfbuzz-subset0` is not pulled in by WeasyPrint's other libraries. Without
it WeasyPrint 70 subsets fonts with fontTools and warns once per font of every PDF. The
build must still pass, print the same bytes every time, say once what to install, and
still report any other WeasyPrint warning. The in-process tests hide the library from
WeasyPrint; the last one runs `cjmgen build` where the library really cannot be loaded.
"""

from __future__ import annotations

import ctypes
import io
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cjmgen.incremental.pdf_cache import FileDigests, job_key
from cjmgen.pdf import engine, libraries
from tests.helpers.cli import run
from tests.helpers.repos import PROJECT, simple_map, write_files

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

NOTICE = "apt-get install libharfbuzz-subset0"
FONTS = PROJECT / "themes/default/static/fonts"


def two_maps(root: Path) -> Path:
    """Two maps and the handout: three PDFs."""
    return write_files(root, {
        "cjmgen.yml": "title: Fresh machine\n",
        "maps/personas/anna.md": "---\nname: Anna\n---\n",
        "maps/one.md": simple_map("First map"),
        "maps/two.md": simple_map("Second map"),
    })


@pytest.fixture
def without_harfbuzz_subset(monkeypatch: pytest.MonkeyPatch) -> None:
    """WeasyPrint as loaded on a machine without libharfbuzz-subset0 (renders in this process)."""
    try:
        engine.import_weasyprint()
    except engine.PdfUnavailable as exc:
        pytest.skip(str(exc))
    from weasyprint.pdf import fonts
    from weasyprint.text import ffi

    monkeypatch.setattr(ffi, "harfbuzz_subset", None)
    monkeypatch.setattr(fonts, "harfbuzz_subset", None)
    monkeypatch.setenv("CJMGEN_PDF_WORKERS", "1")


def embedded_font_dates(pdf: Path) -> set[int]:
    """`head.modified` of every font embedded in the PDF."""
    from fontTools.ttLib import TTFont
    from pypdf import PdfReader

    dates = set()
    for page in PdfReader(pdf).pages:
        resources: Any = page["/Resources"]  # walked by key: pypdf types every step as a bare PdfObject
        for reference in resources["/Font"].values():
            font = reference.get_object()
            for descendant in font.get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                if "/FontFile2" in descriptor:
                    data = descriptor["/FontFile2"].get_object().get_data()
                    dates.add(TTFont(io.BytesIO(data))["head"].modified)
    return dates


def test_a_build_without_the_library_says_once_what_to_install(
    tmp_path: Path, without_harfbuzz_subset: None,
) -> None:
    root = two_maps(tmp_path / "repo")
    first = run(["build"], root)
    assert first.exit_code == 0, first.output
    assert "(3 PDFs, 3 rendered)" in first.output
    assert first.output.count(NOTICE) == 1, first.output  # not once per PDF, nor per font
    assert "HarfBuzz-Subset" in first.output
    assert "WeasyPrint warning" not in first.output  # the fallback's own warning is not repeated
    assert "Buying a sofa" not in first.output
    # The PDFs come from the cache next time: the notice still comes, once.
    (root / "maps/two.md").write_text(simple_map("Second map, edited"), encoding="utf-8")
    again = run(["build"], root)
    assert again.exit_code == 0 and again.output.count(NOTICE) == 1, again.output
    text = subprocess.run(["pdftotext", str(root / "site/handout.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "First map" in text and "Second map, edited" in text


def test_the_pdf_command_says_it_once_too(tmp_path: Path, without_harfbuzz_subset: None,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    root = two_maps(tmp_path / "repo")
    monkeypatch.chdir(tmp_path)
    result = run(["pdf", "one", "two", "-o", "out"], root)
    assert result.exit_code == 0, result.output
    assert result.output.count(NOTICE) == 1, result.output


def test_fonts_subset_by_fonttools_keep_their_date(tmp_path: Path, without_harfbuzz_subset: None,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """fontTools stamps a font it saves with the time of day unless told not to: the same
    map gave different PDF bytes from one second to the next (SOURCE_DATE_EPOCH unset)."""
    from fontTools.ttLib import TTFont

    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    root = two_maps(tmp_path / "repo")
    assert run(["build"], root).exit_code == 0
    theme_dates = {TTFont(path)["head"].modified for path in FONTS.glob("*.ttf")}
    embedded = embedded_font_dates(root / "site/maps/one.pdf")
    assert embedded and embedded <= theme_dates


def test_with_the_library_nothing_is_said(tmp_path: Path) -> None:
    if libraries.probed_font_subsetter() != "harfbuzz":
        pytest.skip("libharfbuzz-subset0 is not installed here: apt-get install libharfbuzz-subset0")
    root = two_maps(tmp_path / "repo")
    result = run(["build"], root)
    assert result.exit_code == 0, result.output
    assert NOTICE not in result.output and "WeasyPrint" not in result.output


def test_other_weasyprint_warnings_are_still_reported() -> None:
    weasyprint_log = logging.getLogger("weasyprint")
    with engine.capture_log() as log:
        weasyprint_log.warning('Using fontTools instead of HarfBuzz-Subset for font "%s". This will '
                               'be unsupported in future versions of WeasyPrint.', "CJM Sans")
        weasyprint_log.warning("Ignored `colr: red` at 3:1, unknown property.")
        weasyprint_log.error("Failed to load image at %r", "x.png")
    assert log.fallbacks == ["harfbuzz-subset"]
    assert log.messages == ["warning: Ignored `colr: red` at 3:1, unknown property.",
                            "error: Failed to load image at 'x.png'"]


def test_the_cache_tells_the_two_subsetters_apart(tmp_path: Path) -> None:
    """Installing the library later renders the PDFs again (the bytes differ)."""
    job = engine.Job("maps/one.pdf", "<p>x</p>", tmp_path.as_uri(), (), "id")
    digests = FileDigests()
    keys = {job_key(job, [], digests, "config", subsetter) for subsetter in ("harfbuzz", "fonttools")}
    assert len(keys) == 2


def test_the_probe_agrees_with_weasyprint() -> None:
    """The cache key asks without loading WeasyPrint; WeasyPrint's own answer must be the same."""
    try:
        engine.import_weasyprint()
    except engine.PdfUnavailable as exc:
        pytest.skip(str(exc))
    assert libraries.probed_font_subsetter() == libraries.font_subsetter()


def _real_library() -> Path | None:
    """The file the dynamic loader opens for libharfbuzz-subset.so.0, if it is there."""
    try:
        ctypes.CDLL("libharfbuzz-subset.so.0")
    except OSError:
        return None
    for line in Path("/proc/self/maps").read_text().splitlines():
        if "libharfbuzz-subset" in line:
            return Path(line.split()[-1]).resolve()
    return None


def _hidden_library_command(library: Path) -> list[str] | None:
    """A command prefix that runs without `library` (a private mount namespace), or None."""
    if shutil.which("unshare") is None or os.geteuid() != 0:
        return None
    probe = subprocess.run(["unshare", "-m", "sh", "-c", f"mount --bind /dev/null '{library}'"],
                           capture_output=True)
    if probe.returncode != 0:
        return None
    return ["unshare", "-m", "sh", "-c", f"mount --bind /dev/null '{library}' && exec \"$@\"", "sh"]


def test_cjmgen_build_where_the_library_cannot_be_loaded(tmp_path: Path) -> None:
    """Not simulated: a real `cjmgen build` process that cannot load libharfbuzz-subset.so.0
    (absent, or hidden by a private mount namespace when the tests run as root)."""
    library = _real_library()
    prefix: list[str] = []
    if library is not None:
        hidden = _hidden_library_command(library)
        if hidden is None:
            pytest.skip(f"{library} is installed and cannot be hidden (needs root and unshare); "
                        "the in-process tests above cover the fallback")
        prefix = hidden
    root = two_maps(tmp_path / "repo")
    result = subprocess.run([*prefix, sys.executable, "-m", "cjmgen", "-C", str(root), "build"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count(NOTICE) == 1, result.stderr
    assert "WeasyPrint warning" not in result.stderr and "DeprecationWarning" not in result.stderr
    assert (root / "site/maps/one.pdf").stat().st_size > 1000
