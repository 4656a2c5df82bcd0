"""A built site in headless Chromium, for the test files of the site's readers
(search, access, wording): a real HTTP server on 127.0.0.1 and Debian's Chromium."""

from __future__ import annotations

import http.server
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.sitecheck import start_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def http_server(folder: Path) -> Iterator[str]:
    """`http://127.0.0.1:<port>/` serving `folder` until the block ends."""
    httpd = start_server(folder, _QuietHandler)
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# Module fixtures for a test file that defines `www` (a folder with the site under cjm/):
# import them by name (`from tests.helpers.site_browser import base, browser, shots`).


@pytest.fixture(scope="module")
def base(www: Path) -> Iterator[str]:
    """The site's address under the sub-path /cjm/, as an intranet serves it."""
    with http_server(www) as url:
        yield url + "cjm/"


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where a module's screenshots are kept (in its tmp_path): look at them."""
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched
