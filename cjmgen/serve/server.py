"""The live-preview server: a small stdlib HTTP server, a polling watcher, long-poll reloads.

It knows nothing about maps: it receives a `rebuild` callable that returns what
changed, writes nothing but into its own temporary folder, and never stops on a
broken map (the page shows the diagnostics instead, and reloads when fixed).

Why not the `livereload` package: its handler drops a reload that comes within
3 s of the previous one (handlers.py, DEFAULT_RELOAD_TIME), so the second of two
saves a second apart never reaches the browser; it polls every 0.8 s; and
importing it (tornado) costs about three times http.server's start-up.
"""

from __future__ import annotations

import html
import http.server
import os
import posixpath
import shutil
import socket
import socketserver
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from cjmgen.serve.error_page import failed_build_page
from cjmgen.serve.guard import BACKLOG, MAX_TARGET, READ_TIMEOUT, host_allowed
from cjmgen.terminal import printable

RELOAD_PATH = "/__cjmgen__/wait"
POLL_SECONDS = 0.05  # how often the watcher looks at the files
LONG_POLL_SECONDS = 25.0
IDLE_SECONDS = 1.0  # quiet time after a rebuild before pages that were put off are rendered


@dataclass
class BuildReport:
    """What a rebuild tells the server: files to write or delete, or the errors to show."""

    ok: bool
    write: dict[str, bytes] = field(default_factory=dict)  # site path -> bytes (only changed ones)
    delete: list[str] = field(default_factory=list)
    error_page: str = ""  # the page that shows the problems, when not ok (serve.error_page)
    summary: str = ""


@dataclass
class ReloadState:
    """The build version the browsers wait on; bumped after every rebuild that changed something."""

    version: int = 0
    error_page: str | None = None
    condition: threading.Condition = field(default_factory=threading.Condition)

    def bump(self, error_page: str | None) -> None:
        with self.condition:
            self.version += 1
            self.error_page = error_page
            self.condition.notify_all()

    def wait_newer(self, seen: int, timeout: float) -> int:
        with self.condition:
            self.condition.wait_for(lambda: self.version != seen, timeout=timeout)
            return self.version


RELOAD_SCRIPT = """<script>
(function () {
  var seen = %d;
  function wait() {
    fetch("%s?v=" + seen, {cache: "no-store"}).then(function (r) { return r.json(); })
      .then(function (d) { if (d.version !== seen) { location.reload(); } else { wait(); } })
      .catch(function () { setTimeout(wait, 1000); });
  }
  wait();
})();
</script>"""


def inject_reload(page: bytes, version: int) -> bytes:
    script = (RELOAD_SCRIPT % (version, RELOAD_PATH)).encode()
    marker = page.rfind(b"</body>")
    return page[:marker] + script + page[marker:] if marker >= 0 else page + script


def error_page(page: str, version: int) -> bytes:
    """The failed build's page (serve.error_page) with the script that reloads it after a fix."""
    return inject_reload(page.encode("utf-8"), version)


class SiteFolder:
    """The temporary folder the preview is built into: outside every watched path."""

    def __init__(self) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="cjmgen-serve-"))

    def apply(self, report: BuildReport) -> None:
        for relative in report.delete:
            target = self.resolve(relative)
            if target is not None and target.is_file():
                target.unlink()
        for relative, data in report.write.items():
            target = self.resolve(relative)
            if target is None:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.partial")
            partial.write_bytes(data)
            os.replace(partial, target)  # a request never sees half a page

    def resolve(self, relative: str) -> Path | None:
        """The file for a site path, or None when the path would leave the folder."""
        clean = posixpath.normpath("/" + relative.lstrip("/")).lstrip("/")
        if clean.startswith("..") or "\x00" in clean:
            return None
        target = (self.path / clean).resolve()
        try:
            target.relative_to(self.path.resolve())
        except ValueError:
            return None
        return target

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


class Watcher:
    """Stat-polls files; a burst of changes becomes one call once things are quiet."""

    def __init__(self, roots: Callable[[], list[Path]], on_change: Callable[[list[str]], None],
                 on_idle: Callable[[], None] | None = None) -> None:
        self.roots = roots
        self.on_change = on_change
        self.on_idle = on_idle  # called between polls once nothing has changed for IDLE_SECONDS
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, name="cjmgen-watcher", daemon=True)
        self.previous: dict[str, tuple[int, int]] | None = None

    def prime(self) -> None:
        """Take the baseline now, before the first build, so a save made meanwhile is not missed."""
        self.previous = self.snapshot()

    def snapshot(self) -> dict[str, tuple[int, int]]:
        seen: dict[str, tuple[int, int]] = {}
        for root in self.roots():
            if root.is_file():
                stat = root.stat()
                seen[str(root)] = (stat.st_mtime_ns, stat.st_size)
            elif root.is_dir():
                _scan(str(root), seen)
        return seen

    def run(self) -> None:
        previous = self.previous if self.previous is not None else self.snapshot()
        quiet_since = time.monotonic()
        while not self.stop.wait(POLL_SECONDS):
            current = self.snapshot()
            if current == previous:
                if self.on_idle is not None and time.monotonic() - quiet_since >= IDLE_SECONDS:
                    self.on_idle()  # a small piece of work: the next poll comes right after it
                continue
            changed = set(current.items()) ^ set(previous.items())
            # Wait for quiet: an editor or `git checkout` writes several files.
            while not self.stop.wait(POLL_SECONDS):
                settled = self.snapshot()
                if settled == current:
                    break
                changed |= set(settled.items()) ^ set(current.items())
                current = settled
            previous = current
            self.on_change(sorted({path for path, _ in changed}))
            quiet_since = time.monotonic()


def _scan(folder: str, seen: dict[str, tuple[int, int]]) -> None:
    """(mtime, size) of every file below `folder`: hidden names, editor droppings and
    symlinked folders left out. os.scandir, not os.walk: this runs every 50 ms."""
    try:
        entries = os.scandir(folder)
    except OSError:
        return
    with entries:
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                _scan(entry.path, seen)
            elif not name.endswith(("~", ".swp", ".tmp")):
                try:
                    stat = entry.stat()
                except OSError:
                    continue
                seen[entry.path] = (stat.st_mtime_ns, stat.st_size)


def make_handler(
    folder: SiteFolder,
    state: ReloadState,
    base_path: str,
    provide: Callable[[str], None],
    bound_host: str = "127.0.0.1",
) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        server_version = "cjmgen-serve"
        timeout = READ_TIMEOUT  # a silent connection frees its thread

        def log_message(self, format: str, *args: object) -> None:  # quiet by design
            return

        def do_GET(self) -> None:  # the stdlib's name
            address = self.server.server_address  # (host, port, ...) for a TCP server
            port = address[1] if isinstance(address, tuple) else 0
            if not host_allowed(self.headers.get("Host"), bound_host, port):
                return self.send(403, b"Forbidden: not a host this preview serves (DNS rebinding guard)", "text/plain")
            if len(self.path) > MAX_TARGET:
                return self.send(414, b"URI too long", "text/plain")
            url = urlsplit(self.path)
            if url.path == RELOAD_PATH:
                return self.reload(url.query)
            path = unquote(url.path)
            if not path.startswith(base_path):
                if path in ("/", "") or path + "/" == base_path:
                    return self.redirect(base_path)
                return self.send(404, b"Not found: the site is served under " + base_path.encode(), "text/plain")
            relative = path[len(base_path):] or "index.html"
            if relative.endswith("/"):
                relative += "index.html"
            if any(part == ".." for part in relative.split("/")):
                return self.send(403, b"Forbidden", "text/plain")
            target = folder.resolve(relative)
            if target is None:
                return self.send(403, b"Forbidden", "text/plain")
            if state.error_page is not None and relative.endswith(".html"):
                return self.send(500, error_page(state.error_page, state.version),
                                 "text/html; charset=utf-8")
            try:
                exists = target.is_file()
            except OSError:  # a name the system refuses (too long for a file name)
                return self.not_found()
            if not exists:
                provide(relative)  # a page put off after a save, a PDF nobody asked for before
            data = _read(target)  # a rebuild may take it away at any moment
            if data is None:
                return self.not_found()
            kind = _content_type(target.name)
            if kind.startswith("text/html"):
                data = inject_reload(data, state.version)
            return self.send(200, data, kind)

        def not_found(self) -> None:
            missing = folder.resolve("404.html")
            if missing is not None and not missing.is_file():
                provide("404.html")  # put off after a save, like the other listing pages
            body = _read(missing) if missing is not None else None
            self.send(404, inject_reload(body or b"Not found", state.version), "text/html; charset=utf-8")

        def reload(self, query: str) -> None:
            asked = parse_qs(query).get("v", ["-1"])[0] or "-1"
            if not asked.lstrip("-").isdigit() or len(asked) > 18:
                self.send(400, b"Bad request: v must be a version number", "text/plain")
                return
            version = state.wait_newer(int(asked), LONG_POLL_SECONDS)
            self.send(200, f'{{"version": {version}}}'.encode(), "application/json")

        def redirect(self, location: str) -> None:
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def send(self, status: int, body: bytes, kind: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler


_TYPES = {
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8", ".json": "application/json",
    ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".webp": "image/webp", ".gif": "image/gif", ".pdf": "application/pdf", ".xml": "application/xml",
    ".woff2": "font/woff2", ".ttf": "font/ttf",
}


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:  # gone, or a folder
        return None


def _content_type(name: str) -> str:
    return _TYPES.get(os.path.splitext(name)[1].lower(), "application/octet-stream")


class ThreadingServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = BACKLOG

    def handle_error(self, request: object, client_address: object) -> None:
        """One line, never a traceback: a preview server outlives any request."""
        error = sys.exc_info()[1]
        if not isinstance(error, (ConnectionError, TimeoutError)):
            sys.stderr.write(printable(f"cjmgen serve: request from {client_address} failed: {error!r}") + "\n")


class ThreadingServer6(ThreadingServer):
    """For an IPv6 address (`serve -a [::1]:8000`)."""

    address_family = socket.AF_INET6


@dataclass
class DevServer:
    """Glue: build, serve, watch; rebuild on change; bump the reload version."""

    rebuild: Callable[[], BuildReport]
    watched: Callable[[], list[Path]]
    host: str = "127.0.0.1"
    port: int = 8000
    base_path: str = "/"
    on_demand: Callable[[str], dict[str, bytes] | None] | None = None  # files for a site path not built yet
    idle: Callable[[], dict[str, bytes] | None] | None = None  # one piece of put-off work, or None
    log: Callable[[str], None] = print  # gets every line escaped (say): paths come from requests and file names

    def __post_init__(self) -> None:
        self.folder = SiteFolder()
        self.state = ReloadState()
        self.lock = threading.Lock()
        self.httpd: ThreadingServer | None = None
        self.serving: threading.Thread | None = None
        self.watcher = Watcher(self.watched, self.changed, self.when_idle if self.idle else None)

    def build_once(self, reason: str = "") -> None:
        with self.lock:
            started = time.perf_counter()
            report = self.rebuild()
            if report.ok:
                self.folder.apply(report)
            changed = bool(report.write or report.delete) or (self.state.error_page is not None) != (not report.ok)
            if changed or not report.ok:
                self.state.bump(None if report.ok else report.error_page)
            took = time.perf_counter() - started
            what = f"{reason}: " if reason else ""
            self.say(f"{what}{report.summary} ({took:.2f} s)")

    def say(self, line: str) -> None:
        """A log line, with what a terminal would act on shown as escapes (cjmgen.terminal)."""
        self.log(printable(line))

    def changed(self, paths: list[str]) -> None:
        shown = ", ".join(os.path.relpath(p) for p in paths[:3]) + (" …" if len(paths) > 3 else "")
        try:
            self.build_once(f"changed {shown}")
        except Exception as exc:  # a preview server must survive anything
            problem = f"<div class='diag'>internal error: {html.escape(repr(exc))}</div>"
            self.state.bump(failed_build_page(None, problem))
            self.say(f"internal error while rebuilding: {exc!r}")

    def provide(self, relative: str) -> None:
        """Produce a file the folder lacks, if the builder can (on demand)."""
        if self.on_demand is None:
            return
        if relative.endswith(".pdf"):  # seconds of work: not under the build lock
            produced = self.on_demand(relative)
            if produced:
                self.folder.apply(BuildReport(True, produced))
            return
        on_demand = self.on_demand
        with self.lock:  # a rebuild may not delete a page between rendering and writing it
            self.write_produced(lambda: on_demand(relative), relative)

    def when_idle(self) -> None:
        assert self.idle is not None
        with self.lock:
            self.write_produced(self.idle, "a page in the background")

    def write_produced(self, produce: Callable[[], dict[str, bytes] | None], what: str) -> None:
        """Write the files `produce()` renders into the folder. An error is logged, never
        raised: the request gets a 404 (the page fails again, in view, when asked for)."""
        try:
            produced = produce()
        except Exception as exc:  # a preview server must survive anything
            self.say(f"internal error while rendering {what}: {exc!r}")
            return
        if produced:
            self.folder.apply(BuildReport(True, produced))

    def start(self) -> str:
        """Build, bind, start watching; returns the URL."""
        self.watcher.prime()  # a save during the first build or before the thread runs still counts
        self.build_once("initial build")
        handler = make_handler(self.folder, self.state, self.base_path, self.provide, self.host)
        ipv6 = ":" in self.host
        self.httpd = (ThreadingServer6 if ipv6 else ThreadingServer)((self.host, self.port), handler)
        self.port = self.httpd.server_address[1]
        self.watcher.thread.start()
        shown = f"[{self.host}]" if ipv6 else self.host
        return f"http://{shown}:{self.port}{self.base_path}"

    def serve_forever(self) -> None:
        assert self.httpd is not None
        self.serving = threading.current_thread()
        self.httpd.serve_forever(poll_interval=0.2)

    def close(self) -> None:
        """Stop watching and serving and remove the temporary folder (Ctrl-C ends here)."""
        self.watcher.stop.set()
        if self.watcher.thread.is_alive() and self.watcher.thread is not threading.current_thread():
            self.watcher.thread.join(timeout=10)  # it may be rendering a put-off page: let it finish
        if self.httpd is not None:
            if self.serving is not None and self.serving is not threading.current_thread():
                self.httpd.shutdown()  # serve_forever runs in another thread: stop its loop
            self.httpd.server_close()
        with self.state.condition:
            self.state.condition.notify_all()
        self.folder.remove()
