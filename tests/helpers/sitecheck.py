"""Read a built site back: every page parsed, every internal link followed."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import http.server
import posixpath
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


@dataclass
class PageLinks(HTMLParser):
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (tag, attr, url)
    ids: set[str] = field(default_factory=set)
    base: str | None = None
    canonical: str | None = None

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag == "base":
            self.base = values.get("href")
        if tag == "link" and values.get("rel") == "canonical":
            self.canonical = values.get("href")
            return  # the page's own published address: never fetched
        for attr in ("href", "src"):
            if values.get(attr) is not None:
                self.links.append((tag, attr, values[attr] or ""))


def parse(path: Path) -> PageLinks:
    parser = PageLinks()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def broken_links(site: Path) -> list[str]:
    """Every internal link that does not resolve to a file (and anchor) of the site."""
    problems = []
    pages = {p.relative_to(site).as_posix(): parse(p) for p in site.rglob("*.html")}
    for page, parsed in pages.items():
        if parsed.base is not None:
            continue  # the 404 page resolves against base_url; checked separately
        for tag, attr, url in parsed.links:
            parts = urlsplit(url)
            if parts.scheme or url.startswith("//"):
                if tag != "a":
                    problems.append(f"{page}: external resource {url}")
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path))) if parts.path else page
            if target.startswith("..") or not (site / target).is_file():
                problems.append(f"{page}: broken {attr} {url}")
                continue
            if "=" in parts.fragment:  # filter state (`#map=a&stage=b`): the page must have the filters
                if "filters" not in pages[target].ids:
                    problems.append(f"{page}: filter state for a page without filters {url}")
            elif parts.fragment and target.endswith(".html") and unquote(parts.fragment) not in pages[target].ids:
                problems.append(f"{page}: missing anchor {url}")
    return problems


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def start_server(folder: Path, handler: type[http.server.SimpleHTTPRequestHandler]) -> http.server.ThreadingHTTPServer:
    """A real HTTP server for `folder` on 127.0.0.1 (a free port), serving from a thread;
    the caller shuts it down (`shutdown()`, `server_close()`)."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


Handler = type[http.server.SimpleHTTPRequestHandler]


@contextlib.contextmanager
def serving() -> Iterator[Callable[[Path, Handler], str]]:
    """Yield start(folder, handler) -> "http://127.0.0.1:<port>/"; every server it
    started is shut down when the block ends (a fixture's teardown)."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(folder: Path, handler: Handler) -> str:
        servers.append(start_server(folder, handler))
        return f"http://127.0.0.1:{servers[-1].server_address[1]}/"

    try:
        yield start
    finally:
        for httpd in servers:
            httpd.shutdown()
            httpd.server_close()
