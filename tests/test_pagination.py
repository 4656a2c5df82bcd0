"""Owner and channel pages cut long lists into pages (theme option `per_page`)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from cjmgen.site.pagination import Pagination, paginate, per_page_option
from tests.helpers.cli import run
from tests.helpers.repos import simple_map, write_files
from tests.helpers.sitecheck import broken_links, parse


def test_a_list_is_cut_into_pages_that_know_their_neighbours() -> None:
    pages = paginate("owners/sales.html", list(range(7)), 3)
    assert [(path, items) for path, items, _ in pages] == [
        ("owners/sales.html", (0, 1, 2)), ("owners/sales/page-2.html", (3, 4, 5)), ("owners/sales/page-3.html", (6,)),
    ]
    middle = pages[1][2]
    assert isinstance(middle, Pagination) and (middle.number, middle.count) == (2, 3)
    assert (middle.previous, middle.next) == ("owners/sales.html", "owners/sales/page-3.html")
    first, last = pages[0][2], pages[2][2]
    assert first is not None and first.previous is None and last is not None and last.next is None
    assert middle.links == [(1, "owners/sales.html"), (2, "owners/sales/page-2.html"), (3, "owners/sales/page-3.html")]


@pytest.mark.parametrize(("items", "per_page"), [(3, 3), (0, 3), (500, 0)])
def test_a_list_that_fits_stays_one_page_without_a_pager(items: int, per_page: int) -> None:
    assert paginate("channels/web.html", list(range(items)), per_page) == [
        ("channels/web.html", tuple(range(items)), None)]


@pytest.mark.parametrize("value", ["many", -1, 2.5, True])
def test_per_page_must_be_a_whole_number(value: object) -> None:
    with pytest.raises(ValueError, match="per_page"):
        per_page_option({"per_page": value})
    assert per_page_option({}) == 100 and per_page_option({"per_page": 0}) == 0


@pytest.fixture
def paged_repo(make_repo) -> Path:
    """Three maps of Marketing, two stages each, every stage owned by Marketing on the website: six rows."""
    return make_repo({
        "cjmgen.yml": "theme: {name: default, per_page: 4}\nsite_url: https://maps.example.com/\n",
        **{f"maps/{name}.md": simple_map(title, header="owner: Marketing\n") for name, title in
           (("a", "Buying a sofa"), ("b", "Returning a sofa"), ("c", "Choosing a chair"))},
    })


def test_owner_and_channel_pages_are_paged_and_linked(paged_repo: Path) -> None:
    result = run(["build", "--no-pdf"], paged_repo)
    assert result.exit_code == 0, result.output
    site = paged_repo / "site"
    assert broken_links(site) == []
    for first in ("owners/marketing.html", "channels/website.html"):
        second = first.removesuffix(".html") + "/page-2.html"
        assert not (site / first.removesuffix(".html") / "page-3.html").exists()
        one, two = (site / first).read_text(), (site / second).read_text()
        rows = re.compile(r'#stage-(?:awareness|deal)">')
        assert (len(rows.findall(one)), len(rows.findall(two))) == (4, 2)  # every row once, four a page
        assert 'rel="next" href="' + Path(first).stem + '/page-2.html"' in one and 'rel="prev"' not in one
        assert 'rel="prev" href="../' + Path(first).name + '"' in two and 'rel="next"' not in two
        assert re.search(r"<title>[^<]*page 2 of 2", two) and "page 2 of 2" not in one
        assert '<span aria-current="page">2</span>' in two
        sitemap = (site / "sitemap.xml").read_text()
        assert second in sitemap
    owner_one = (site / "owners/marketing.html").read_text()
    owner_two = (site / "owners/marketing/page-2.html").read_text()
    # The owner's maps are listed on the list's first page only.
    assert all(f'maps/{name}.html">' in owner_one for name in "abc")
    assert "<p>Maps:" not in owner_two and 'class="pager"' in owner_two
    assert [tag for tag, _, url in parse(site / "owners/marketing/page-2.html").links if url.endswith("style.css")]


def test_an_edit_remakes_only_the_pages_that_show_the_edited_map(paged_repo: Path) -> None:
    write_files(paged_repo, {"cjmgen.yml": "theme: {name: default, per_page: 2}\n"})  # a page per map
    assert run(["build", "--no-pdf"], paged_repo).exit_code == 0
    site = paged_repo / "site"
    pages = [f"{first}{suffix}" for first in ("owners/marketing", "channels/website")
             for suffix in (".html", "/page-2.html", "/page-3.html")]
    # Rows of a map on each page, in the maps' order; the owner's first page lists every map.
    holding = {page for page in pages if "Choosing a chair" in (site / page).read_text()}
    assert holding == {"owners/marketing.html", "owners/marketing/page-3.html", "channels/website/page-3.html"}
    inodes = {page: os.stat(site / page).st_ino for page in pages}
    write_files(paged_repo, {"maps/c.md": simple_map("Choosing a chair", header="owner: Marketing\n").replace(
        "Goal of Deal", "A new goal")})
    assert run(["build", "--no-pdf"], paged_repo).exit_code == 0
    for page in pages:
        assert (os.stat(site / page).st_ino == inodes[page]) == (page not in holding), page  # kept: the same file
    assert "A new goal" in (site / "owners/marketing/page-3.html").read_text()


def test_a_wrong_per_page_is_reported_where_it_is_written(paged_repo: Path) -> None:
    write_files(paged_repo, {"cjmgen.yml": "title: Maps\ntheme: {name: default, per_page: lots}\n"})
    for command in (["check"], ["build", "--no-pdf"]):
        result = run(command, paged_repo)
        assert result.exit_code == 1
        assert re.search(r"cjmgen\.yml:2:\d+: error: theme\.per_page: .*'lots'", result.output), result.output
        assert "Traceback" not in result.output
    assert not (paged_repo / "site").exists()

