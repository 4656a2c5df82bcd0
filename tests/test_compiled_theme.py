"""cjmgen's own theme is compiled once per machine, not once per clone: its compiled
templates are kept, signed, in the user's cache (`$XDG_CACHE_HOME/cjmgen/templates`), as
Python keeps the bytecode of its modules (incremental.store.Caches.compiled_templates).
A repository's own templates stay in its `.cjmgen-cache` (tests/test_hostile_templates.py)."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from tests.helpers.cli import run
from tests.helpers.repos import simple_map
from tests.test_page_reuse import tree as site_files


def _compiled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates Jinja compiles from now on, in order."""
    names: list[str] = []
    original = jinja2.Environment.compile

    def compile_and_note(self, source, name=None, filename=None, raw=False, defer_init=False):
        names.append(name)
        return original(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", compile_and_note)
    return names


def _repo(make_repo, name: str) -> Path:
    return make_repo({"maps/sofa.md": simple_map("Sofa"), "maps/bed.md": simple_map("Bed")}, name=name)


def test_the_first_build_of_another_clone_compiles_nothing(make_repo, own_cache_key: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = _repo(make_repo, "first"), _repo(make_repo, "second")
    compiled = _compiled(monkeypatch)
    assert run(["build", "--no-pdf"], first).exit_code == 0
    assert {"map.html", "base.html", "index.html"} <= set(compiled)
    kept = list((own_cache_key / "cjmgen/templates").iterdir())
    assert len(kept) == len(set(compiled))
    compiled.clear()
    assert run(["build", "--no-pdf"], second).exit_code == 0
    assert compiled == []
    assert not (second / ".cjmgen-cache/templates").exists()  # kept once, for every repository


def test_the_compiled_theme_gives_the_bytes_of_a_freshly_compiled_one(make_repo, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _repo(make_repo, "repo")
    assert run(["build", "--no-pdf", "--no-cache"], root).exit_code == 0
    fresh = site_files(root / "site")
    compiled = _compiled(monkeypatch)
    for _ in range(2):  # the first fills the user's cache, the second compiles nothing
        compiled.clear()
        assert run(["build", "--no-pdf"], root).exit_code == 0
    assert compiled == []
    assert site_files(root / "site") == fresh


def test_no_cache_keeps_nothing_in_the_user_s_cache(make_repo, own_cache_key: Path) -> None:
    root = _repo(make_repo, "repo")
    assert run(["build", "--no-pdf", "--no-cache"], root).exit_code == 0
    assert not (own_cache_key / "cjmgen/templates").exists()


def test_a_compiled_template_that_does_not_verify_is_compiled_again(make_repo, own_cache_key: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A file changed in the user's cache (by hand, by another tool) is never run: it is
    compiled again and replaced."""
    first, second = _repo(make_repo, "first"), _repo(make_repo, "second")
    assert run(["build", "--no-pdf"], first).exit_code == 0
    kept = sorted((own_cache_key / "cjmgen/templates").iterdir())
    for path in kept:
        data = bytearray(path.read_bytes())
        data[-1] ^= 1
        path.write_bytes(bytes(data))
    compiled = _compiled(monkeypatch)
    assert run(["build", "--no-pdf"], second).exit_code == 0
    assert len(compiled) == len(kept)
    assert site_files(second / "site") == site_files(first / "site")
    compiled.clear()
    assert run(["build", "--no-pdf"], first).exit_code == 0
    assert compiled == []  # replaced by files that verify


def test_templates_compiled_by_other_code_are_compiled_again(make_repo, monkeypatch: pytest.MonkeyPatch) -> None:
    """Jinja checks a cached template's source and Python's version, not its own version nor
    the environment's settings: the signature covers the code that compiled it (code_stamp)."""
    from cjmgen.incremental import codestamp

    first, second = _repo(make_repo, "first"), _repo(make_repo, "second")
    assert run(["build", "--no-pdf"], first).exit_code == 0
    monkeypatch.setattr(codestamp, "code_stamp", lambda pdf=False: b"another cjmgen or Jinja")
    compiled = _compiled(monkeypatch)
    assert run(["build", "--no-pdf"], second).exit_code == 0
    assert "map.html" in compiled


@pytest.mark.parametrize("linked", ["cjmgen/templates", "cjmgen"])
def test_a_linked_folder_in_the_user_s_cache_is_not_written_through(
        make_repo, own_cache_key: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, linked: str) -> None:
    """The compiled theme is kept only where neither `cjmgen` nor its `templates` folder is a
    link: the build compiles every time instead (the signing key may still be kept there)."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (own_cache_key / linked).parent.mkdir(parents=True, exist_ok=True)
    (own_cache_key / linked).symlink_to(elsewhere)
    root = _repo(make_repo, "repo")
    for title in ("Sofa", "Sofa, again"):
        (root / "maps/sofa.md").write_text(simple_map(title), encoding="utf-8")
        compiled = _compiled(monkeypatch)
        assert run(["build", "--no-pdf"], root).exit_code == 0
        assert "map.html" in compiled  # compiled each time: nothing is kept through the link
    assert not (elsewhere / "templates").exists() and not [p for p in elsewhere.iterdir() if p.name != "cache-key"]


def test_serve_s_first_rebuild_loads_the_compiled_theme(make_repo, monkeypatch: pytest.MonkeyPatch) -> None:
    """`cjmgen serve` starts without compiling the theme a build compiled before it."""
    from cjmgen.incremental.rebuild import SiteBuilder

    first, second = _repo(make_repo, "first"), _repo(make_repo, "second")
    assert run(["build", "--no-pdf"], first).exit_code == 0
    compiled = _compiled(monkeypatch)
    outcome = SiteBuilder(second).rebuild()
    assert outcome.rendered is not None and "index.html" in outcome.rendered.pages
    assert compiled == []
