"""site_url (as in MkDocs): absolute sitemap and canonical links; the 404 page under any sub-path."""

from __future__ import annotations

import http.server
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.cli import run
from tests.helpers.repos import simple_map
from tests.helpers.sitecheck import parse, serving

SITE = "https://intranet.example.com/cjm/"


def repo_with(make_repo, config: str) -> Path:
    return make_repo({"cjmgen.yml": config, "maps/b2c/sofa.md": simple_map()})


def canonical(page: Path) -> list[str]:
    return re.findall(r'<link rel="canonical" href="([^"]+)">', page.read_text(encoding="utf-8"))


def test_site_url_gives_an_absolute_sitemap_and_canonical_links(make_repo) -> None:
    root = repo_with(make_repo, f"site_url: {SITE.rstrip('/')}\n")  # the slash is added
    result = run(["build", "--no-pdf"], root)
    assert result.exit_code == 0, result.output
    site = root / "site"
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{SITE}maps/b2c/sofa.html</loc>" in sitemap and f"<loc>{SITE}index.html</loc>" in sitemap
    assert "404.html" not in sitemap
    pages = [p for p in site.rglob("*.html") if p.name != "404.html"]
    assert len(pages) > 5
    for page in pages:
        assert canonical(page) == [SITE + page.relative_to(site).as_posix()], page
    not_found = site / "404.html"
    assert canonical(not_found) == [] and "<script>" not in not_found.read_text(encoding="utf-8")
    assert parse(not_found).base == "/cjm/"  # base_url: the path of site_url


def test_base_url_given_too_wins(make_repo) -> None:
    root = repo_with(make_repo, f"site_url: {SITE}\nbase_url: /elsewhere/\n")
    assert run(["build", "--no-pdf"], root).exit_code == 0
    assert parse(root / "site/404.html").base == "/elsewhere/"
    assert f"<loc>{SITE}index.html</loc>" in (root / "site/sitemap.xml").read_text(encoding="utf-8")


def test_without_site_url_there_is_no_sitemap_of_paths(make_repo) -> None:
    root = repo_with(make_repo, "base_url: /cjm/\n")
    result = run(["build", "--no-pdf"], root)
    assert result.exit_code == 0, result.output
    assert not (root / "site/sitemap.xml").exists()
    assert canonical(root / "site/index.html") == []


def test_a_full_base_url_still_gives_a_sitemap(make_repo) -> None:
    root = repo_with(make_repo, "base_url: https://maps.example.com/team/\n")
    assert run(["build", "--no-pdf"], root).exit_code == 0
    assert "<loc>https://maps.example.com/team/index.html</loc>" in (root / "site/sitemap.xml").read_text()


def test_site_url_flag_sets_both_and_overrides_the_file(make_repo) -> None:
    root = repo_with(make_repo, f"site_url: {SITE}\n")
    result = run(["build", "--no-pdf", "--site-url", "https://team.github.io/maps"], root)
    assert result.exit_code == 0, result.output
    assert parse(root / "site/404.html").base == "/maps/"
    assert canonical(root / "site/maps/b2c/sofa.html") == ["https://team.github.io/maps/maps/b2c/sofa.html"]


@pytest.mark.parametrize("value", ["/cjm/", "intranet/cjm", "ftp://host/x/", "https://host/x/?a=1"])
def test_a_site_url_that_is_not_an_address_is_an_error(make_repo, value: str) -> None:
    root = repo_with(make_repo, f"title: T\nsite_url: '{value}'\n")
    result = run(["build", "--no-pdf"], root)
    assert result.exit_code == 1
    assert "cjmgen.yml:2:11: error: site_url: expected an absolute http(s) address" in result.output
    assert not (root / "site").exists()
    flag = run(["build", "--no-pdf", "--site-url", value], repo_with(make_repo, "title: T\n"))
    assert flag.exit_code == 2 and "--site-url" in flag.output


# -- the 404 page, served by a real server for addresses that do not exist --------------


class _NotFoundHandler(http.server.SimpleHTTPRequestHandler):
    """Like a web server's `error_page 404 /sub/404.html`: the page, at the missing address."""

    page: bytes = b""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code != 404:
            super().send_error(code, message, explain)
            return
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.page)))
        self.end_headers()
        self.wfile.write(self.page)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator:
    """server(folder, not_found) -> its address: a real server answering 404 with that page."""
    with serving() as start:
        yield lambda folder, not_found: start(
            folder, type("Handler", (_NotFoundHandler,), {"page": not_found.read_bytes()}))


@pytest.mark.parametrize("config", ["title: T\n", "site_url: http://127.0.0.1/team/maps/\n"],
                         ids=["base-url-unknown", "from-site-url"])
def test_the_404_page_works_under_a_sub_path(make_repo, server, tmp_path: Path, config: str) -> None:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).is_file():
        pytest.skip(f"no Chromium at {chromium}: apt-get install chromium (see .ci/run)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed: pip install -e '.[test]'")
    root = repo_with(make_repo, config)
    www = tmp_path / "www"
    assert run(["build", "--no-pdf", "--output", str(www / "team/maps")], root).exit_code == 0
    address = server(www, www / "team/maps/404.html") + "team/maps/"
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page()
            failed: list[str] = []

            def on_response(r) -> None:  # the page itself, and the probes for the root, are 404s
                if r.status >= 400 and r.request.resource_type not in ("document", "xhr"):
                    failed.append(r.url)

            page.on("response", on_response)
            for missing in ("maps/b2c/gone.html", "gone.html", "personas/nobody.html"):
                page.goto(address + missing)
                page.wait_for_load_state("load")
                assert page.locator("h1").inner_text() == "Page not found"
                sheet = page.evaluate("[...document.styleSheets].filter(s => s.href).map(s => [s.href, s.cssRules.length])")
                assert [address + "static/style.css", True] in [[h, n > 10] for h, n in sheet], sheet
                href = page.evaluate("document.querySelector('a.button').href")
                assert href == address + "index.html", missing
            if "site_url" in config:  # (unknown base: the browser's preload scanner also guesses from "/")
                assert failed == []
        finally:
            browser.close()
