"""The site's page list is planned as page specs and rendered by page_run: explicit
writing, each page in exactly one share, the bytes of a real build."""

from __future__ import annotations

from pathlib import Path

from cjmgen.build.pipeline import BuildOptions, build, effective_config, make_renderer
from cjmgen.build.workers import Share
from cjmgen.content.project import load_project
from cjmgen.diagnostics import Diagnostics
from cjmgen.site.page_run import PageCache, PageRun
from cjmgen.site.pages import FIRST, LAST, plan
from cjmgen.site.render import SiteRenderer
from cjmgen.site.theme import load_theme
from cjmgen.site.urls import SITEMAP
from tests.helpers.repos import simple_map


def _renderer(root: Path) -> SiteRenderer:
    options = BuildOptions(pdf=False)
    config = effective_config(root, options, Diagnostics())
    return make_renderer(load_project(root, config), load_theme(config), options)


def _repo(make_repo) -> Path:
    return make_repo({
        "cjmgen.yml": "title: Plan\n",
        "maps/a.md": simple_map("Map A"),
        "maps/b.md": simple_map("Map B", body="See [the other map](a.md).\n"),
        "maps/c.md": simple_map("Map C", header="owner: Sales\n"),
    })


def test_planning_renders_nothing_and_names_every_page_once(make_repo) -> None:
    renderer = _renderer(_repo(make_repo))
    renderer.env.get_template = None  # type: ignore[assignment,method-assign]  # a template asked for fails here
    specs = plan(renderer)
    paths = [spec.path for spec in specs]
    assert len(paths) == len(set(paths))
    assert {"index.html", "maps/a.html", "maps/b.html", "maps/c.html", "404.html"} <= set(paths)
    assert paths[-1] == "404.html" and paths.index("index.html") < paths.index("maps/a.html")


def test_a_page_run_writes_the_pages_of_a_build_byte_for_byte(make_repo, tmp_path: Path) -> None:
    root = _repo(make_repo)
    result = build(root, BuildOptions(output=tmp_path / "site", pdf=False))
    assert result.written, result.diagnostics
    written: dict[str, str] = {}

    def write(path: str, text: str) -> None:
        assert path not in written, f"{path} written twice"
        written[path] = text

    renderer = _renderer(root)
    done = PageRun(renderer, write).run(plan(renderer))
    assert done.paths == list(written)
    for path, text in written.items():
        assert (tmp_path / "site" / path).read_bytes() == text.encode("utf-8"), path
    assert SITEMAP not in written  # the sitemap lists every process's pages: the caller writes it


def test_shares_split_the_pages_with_no_page_left_out_or_empty(make_repo) -> None:
    renderer = _renderer(_repo(make_repo))
    specs = plan(renderer)
    whole: dict[str, str] = {}
    PageRun(renderer, whole.__setitem__).run(specs)
    shares: list[dict[str, str]] = [{}, {}, {}]
    for index, pages in enumerate(shares):
        PageRun(renderer, pages.__setitem__, Share(index, len(shares))).run(specs)
    assert all(pages for pages in shares)
    assert sum(len(pages) for pages in shares) == len(whole)
    merged = {path: text for pages in shares for path, text in pages.items()}
    assert merged == whole
    assert all(text for text in merged.values())  # a page of another share is skipped, never ""
    # Pages that share the search index's work all go to the first process.
    assert "search-index.js" in shares[0]


def test_serve_cache_reuses_unchanged_pages_and_renders_changed_ones(make_repo) -> None:
    root = _repo(make_repo)
    cache = PageCache()
    first: dict[str, str] = {}
    renderer = _renderer(root)
    PageRun(renderer, first.__setitem__, cache=cache).run(plan(renderer))
    assert cache.reused == 0 and cache.rendered == len(first)
    (root / "maps" / "c.md").write_text((root / "maps" / "c.md").read_text().replace("Map C", "Map C2"))
    second: dict[str, str] = {}
    renderer = _renderer(root)
    PageRun(renderer, second.__setitem__, cache=cache).run(plan(renderer))
    assert "Map C2" in second["maps/c.html"]
    assert second["maps/a.html"] == first["maps/a.html"]
    assert cache.reused > 0 and cache.rendered < 2 * len(first)


def test_pinned_pages_go_to_their_process_whatever_the_count() -> None:
    """The search index's pages to the first process, the summaries of measured KPIs to the
    last (site.pages): side by side after an edit, one process when there is one."""
    assert [Share(index, 3).mine(7, FIRST) for index in range(3)] == [True, False, False]
    assert [Share(index, 3).mine(7, LAST) for index in range(3)] == [False, False, True]
    assert Share(0, 1).mine(7, FIRST) and Share(0, 1).mine(7, LAST)
    assert [Share(index, 2).mine(7) for index in range(2)] == [False, True]  # not pinned: shared
