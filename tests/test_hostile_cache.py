"""A cache folder that is a link (a cloned repository can carry one) is never written
or deleted through: the build runs without that cache and says so (issue 23)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from cjmgen.incremental.cache_dir import cache_folder, write_atomically
from cjmgen.incremental.page_reuse import hardlink_or_copy
from tests.helpers.cli import run
from tests.helpers.repos import simple_map

CACHE_NAMES = [".cjmgen-cache", ".cjmgen-cache/parsed", ".cjmgen-cache/pieces", ".cjmgen-cache/pdf",
               ".cjmgen-cache/build", ".cjmgen-cache/templates"]


def snapshot(folder: Path) -> dict[str, str]:
    """Every entry below `folder` (links too) with a digest of its bytes."""
    return {p.relative_to(folder).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir")
            for p in sorted(folder.rglob("*"))}


@pytest.fixture
def precious(tmp_path: Path) -> Path:
    """The user's folder outside the repository, with files whose names look like cache files."""
    folder = tmp_path / "home-of-the-user"
    folder.mkdir()
    (folder / "thesis.txt").write_text("years of work\n", encoding="utf-8")
    (folder / "pack-0123456789abcdef").write_bytes(b"not a pack")  # a 'stray' the cache would delete
    (folder / ("0" * 32)).write_bytes(b"a name like a piece file")
    (folder / "build").mkdir()
    return folder


@pytest.mark.parametrize("linked", CACHE_NAMES)
def test_a_linked_cache_folder_is_neither_written_nor_deleted_through(make_repo, precious: Path, linked: str) -> None:
    root = make_repo({"maps/sofa.md": simple_map("Sofa"), "maps/chair.md": simple_map("Chair")})
    target = root / linked
    target.parent.mkdir(parents=True, exist_ok=True)
    target.symlink_to(precious, target_is_directory=True)
    before = snapshot(precious)
    for edit in range(3):  # a first build, an edit, a build with nothing changed
        if edit == 1:
            (root / "maps/sofa.md").write_text(simple_map("Sofa, edited"), encoding="utf-8")
        result = run(["build", "--no-pdf"], root)
        assert result.exit_code == 0, result.output
        assert f"note: {linked} is a symbolic link; cjmgen never writes or deletes through a link" in result.output
        assert snapshot(precious) == before
    assert "Sofa, edited" in (root / "site/maps/sofa.html").read_text(encoding="utf-8")
    assert run(["check"], root).exit_code == 0 and snapshot(precious) == before


def test_removing_the_link_gets_the_cache_back(make_repo, precious: Path) -> None:
    root = make_repo({"maps/sofa.md": simple_map("Sofa")})
    (root / ".cjmgen-cache").mkdir()
    (root / ".cjmgen-cache/parsed").symlink_to(precious, target_is_directory=True)
    assert run(["build", "--no-pdf"], root).exit_code == 0
    (root / ".cjmgen-cache/parsed").unlink()
    result = run(["build", "--no-pdf"], root)
    assert result.exit_code == 0 and "symbolic link" not in result.output
    assert any(p.name.startswith("pack-") for p in (root / ".cjmgen-cache/parsed").iterdir())


def test_a_planted_link_inside_a_cache_folder_is_replaced_not_written_through(tmp_path: Path, precious: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    folder = cache_folder(root, "build")
    assert folder is not None and not folder.is_symlink()
    (folder / "record.json").symlink_to(precious / "thesis.txt")
    write_atomically(folder / "record.json", b"{}")
    assert (folder / "record.json").read_bytes() == b"{}" and not (folder / "record.json").is_symlink()
    assert (precious / "thesis.txt").read_text(encoding="utf-8") == "years of work\n"
    # and a file that is not a folder where a cache folder belongs: no cache, nothing replaced
    (root / ".cjmgen-cache/pdf").write_text("mine", encoding="utf-8")
    assert cache_folder(root, "pdf") is None and (root / ".cjmgen-cache/pdf").read_text(encoding="utf-8") == "mine"


def test_a_page_of_the_last_site_that_is_a_link_is_rendered_again_not_linked(tmp_path: Path, precious: Path) -> None:
    old = tmp_path / "old-site"
    old.mkdir()
    (old / "index.html").symlink_to(precious / "thesis.txt")
    with pytest.raises(OSError):
        hardlink_or_copy(tmp_path / "new-site/index.html", old / "index.html", set())
    assert not (tmp_path / "new-site/index.html").exists()


def test_a_linked_pdf_cache_is_not_used_when_pdfs_are_printed(make_repo, precious: Path) -> None:
    root = make_repo({"maps/sofa.md": simple_map("Sofa"), "cjmgen.yml": "pdf: {handout: false}\n"})
    (root / ".cjmgen-cache").mkdir()
    (root / ".cjmgen-cache/pdf").symlink_to(precious, target_is_directory=True)
    before = snapshot(precious)
    result = run(["build"], root)
    assert result.exit_code == 0, result.output
    assert "note: .cjmgen-cache/pdf is a symbolic link" in result.output and "1 rendered)" in result.output
    assert snapshot(precious) == before and (root / "site/maps/sofa.pdf").read_bytes().startswith(b"%PDF")
