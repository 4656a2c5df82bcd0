"""`cjmgen serve` against a real HTTP server on 127.0.0.1: edits, errors, deletes, reloads."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from cjmgen.build.pipeline import BuildOptions
from cjmgen.incremental.rebuild import PreviewBuilds, SiteBuilder
from cjmgen.serve.address import is_loopback
from cjmgen.serve.server import DevServer
from tests.helpers.cli import ctrl_c_stops
from tests.helpers.repos import simple_map
from tests.helpers.text import search

WAIT = 60.0  # upper bound for anything to happen (a loaded CI machine starts serve slowly); polls return as soon as it does


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", errors="replace")


def until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def server(make_repo):
    root = make_repo({
        "maps/sofa.md": simple_map(title="Sofa journey"),
        "maps/chair.md": simple_map(title="Chair journey"),
        "cjmgen.yml": "base_url: /cjm/\n",
    })
    builds = PreviewBuilds(SiteBuilder(root, BuildOptions(drafts=True)))  # PDF links on, rendered on demand
    calls = []
    original = builds.__call__

    def counting():
        calls.append(time.monotonic())
        return original()

    dev = DevServer(counting, lambda: [root / "cjmgen.yml", root / "maps"], port=0, base_path="/cjm/",
                    on_demand=builds.on_demand, idle=builds.idle, log=lambda line: None)
    url = dev.start()
    thread = threading.Thread(target=dev.serve_forever, daemon=True)
    thread.start()
    yield root, url, dev, calls
    dev.close()
    thread.join(timeout=5)


def test_serves_the_site_under_its_base_path(server) -> None:
    root, url, dev, _ = server
    assert url.startswith("http://127.0.0.1:") and url.endswith("/cjm/")
    status, html = fetch(url + "index.html")
    assert status == 200 and "Sofa journey" in html
    assert "/__cjmgen__/wait" in html  # the reload script is injected when serving...
    assert "__cjmgen__" not in (dev.folder.path / "index.html").read_text()  # ...not written
    assert fetch(url)[1] == html  # the folder URL serves its index
    assert not str(dev.folder.path).startswith(str(root))  # never inside the watched tree


def test_edit_reaches_the_page(server) -> None:
    root, url, _, _ = server
    (root / "maps" / "sofa.md").write_text(simple_map(title="Sofa journey, revised"))
    until(lambda: "Sofa journey, revised" in fetch(url + "maps/sofa.html")[1], "the edit to show")
    assert "Sofa journey, revised" in fetch(url + "index.html")[1]


def test_listing_pages_are_rendered_when_idle(server) -> None:
    root, url, dev, _ = server
    (root / "maps" / "sofa.md").write_text(simple_map(title="Sofa journey, idle"))
    until(lambda: "Sofa journey, idle" in fetch(url + "maps/sofa.html")[1], "the edit to show")
    index = dev.folder.path / "index.html"  # nobody asks for the index: the idle watcher renders it
    until(lambda: index.is_file() and "Sofa journey, idle" in index.read_text(), "the index in the background")


def test_broken_yaml_shows_diagnostics_then_recovers(server) -> None:
    root, url, dev, _ = server
    good = (root / "maps" / "sofa.md").read_text()
    (root / "maps" / "sofa.md").write_text("---\ntitle: [Sofa\n---\n")
    # (a save may be seen half written first: wait for the final diagnostics)
    until(lambda: "maps/sofa.md:3:1" in fetch(url + "maps/chair.html")[1], "the error page")
    status, page = fetch(url + "maps/chair.html")
    assert status == 500 and "The site could not be built" in page
    assert "maps/sofa.md:3:1" in page and "yaml-syntax" in page
    assert "/__cjmgen__/wait" in page  # it reloads by itself when fixed
    assert dev.watcher.thread.is_alive()
    (root / "maps" / "sofa.md").write_text(good)
    until(lambda: fetch(url + "maps/chair.html")[0] == 200, "recovery")


def test_deleted_map_is_gone_and_unlisted(server) -> None:
    root, url, _, _ = server
    assert fetch(url + "maps/chair.html")[0] == 200
    (root / "maps" / "chair.md").unlink()
    until(lambda: fetch(url + "maps/chair.html")[0] == 404, "the page to go")
    assert "Chair journey" not in fetch(url + "index.html")[1]


def test_the_404_page_is_rendered_when_it_was_put_off(server) -> None:
    root, url, dev, _ = server
    assert "Page not found" in fetch(url + "nowhere.html")[1]
    version = dev.state.version
    catalog = root / "maps" / "channels.yml"  # the catalog is read by every page: all re-render
    catalog.write_text(catalog.read_text() + "email: {name: E-mail, kind: online}\n")
    until(lambda: dev.state.version != version, "the rebuild")
    status, page = fetch(url + "nowhere.html")
    assert status == 404 and "Page not found" in page


def test_paths_outside_the_site_are_refused(server) -> None:
    _, url, _, _ = server
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    for path in ("/cjm/../../../etc/passwd", "/cjm/%2e%2e/%2e%2e/etc/passwd", "/cjm/..%2f..%2fetc/passwd"):
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        assert response.status in (403, 404), path
        assert b"root:" not in body


def test_two_saves_a_second_apart_both_reach_the_browser(server) -> None:
    root, url, dev, _ = server
    start = dev.state.version
    (root / "maps" / "sofa.md").write_text(simple_map(title="First save"))
    _status, answer = fetch(url.replace("/cjm/", "/__cjmgen__/wait") + f"?v={start}")
    first = json.loads(answer)["version"]
    assert first > start
    time.sleep(1.0)  # the scenario itself: a second save one second later
    (root / "maps" / "sofa.md").write_text(simple_map(title="Second save"))
    second = json.loads(fetch(url.replace("/cjm/", "/__cjmgen__/wait") + f"?v={first}")[1])["version"]
    assert second > first
    assert "Second save" in fetch(url + "maps/sofa.html")[1]


def test_a_burst_of_saves_is_one_rebuild(server) -> None:
    root, url, _dev, calls = server
    before = len(calls)
    for index in range(8):  # what `git checkout` or an editor's "save all" does
        (root / "maps" / f"new{index}.md").write_text(simple_map(title=f"New {index}"))
    until(lambda: "New 7" in fetch(url + "index.html")[1], "the burst to land")
    time.sleep(0.3)
    assert len(calls) - before == 1


def test_saving_unchanged_content_does_not_reload(server) -> None:
    root, _, dev, calls = server
    version, before = dev.state.version, len(calls)
    path = root / "maps" / "sofa.md"
    path.write_text(path.read_text())
    os.utime(path, (time.time() + 5, time.time() + 5))
    until(lambda: len(calls) > before, "the rebuild")
    assert dev.state.version == version  # nothing changed in the model: no reload


def test_loopback_detection() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10")


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "kill"])
def test_ctrl_c_stops_cleanly_and_removes_its_folder(make_repo, tmp_path: Path, stop: int) -> None:
    root = make_repo({"maps/sofa.md": simple_map()})
    env = {**os.environ, "TMPDIR": str(tmp_path / "tmp"), "PYTHONFAULTHANDLER": "1"}
    (tmp_path / "tmp").mkdir()
    # A shell runs background jobs with SIGINT ignored, and children inherit that: give the
    # server a terminal's default, as when a user presses Ctrl-C.
    process = subprocess.Popen([sys.executable, "-m", "cjmgen", "-C", str(root), "serve", "--port", "0"],
                               stderr=subprocess.PIPE, text=True, env=env,
                               preexec_fn=ctrl_c_stops)  # noqa: PLW1509 - one signal() call
    assert process.stderr is not None
    line = ""
    deadline = time.monotonic() + WAIT
    while "Serving" not in line and time.monotonic() < deadline:
        line = process.stderr.readline()
    assert "Serving http://127.0.0.1:" in line
    served = line.split()[-1]
    status, page = fetch(served + "index.html")
    assert status == 200
    assert any((tmp_path / "tmp").iterdir())
    # A browser tab waits on its long-poll (25 s): Ctrl-C must not wait for it.
    version = search(r"var seen = (\d+);", page)[1]

    def long_poll() -> None:
        try:
            fetch(served + f"__cjmgen__/wait?v={version}")
        except OSError:
            pass  # the server went away under it: what a browser tab sees too

    waiting = threading.Thread(target=long_poll, daemon=True)
    waiting.start()
    time.sleep(0.3)
    process.send_signal(stop)
    try:
        assert process.wait(timeout=WAIT) == 0
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGABRT)  # faulthandler prints every thread's stack
        raise AssertionError("serve did not stop on Ctrl-C:\n" + process.stderr.read()) from None
    process.stderr.close()
    assert list((tmp_path / "tmp").iterdir()) == []
    assert not (root / "site").exists()  # serve never writes site/


def test_pdfs_are_rendered_on_demand(server) -> None:
    _root, url, dev, _ = server
    html = fetch(url + "maps/sofa.html")[1]
    assert 'href="sofa.pdf"' in html  # the link is there before any PDF exists
    assert not (dev.folder.path / "maps" / "sofa.pdf").exists()  # not rendered on save
    with urllib.request.urlopen(url + "maps/sofa.pdf", timeout=120) as response:
        data = response.read()
        assert response.headers["Content-Type"] == "application/pdf"
    assert data.startswith(b"%PDF")
    assert fetch(url + "maps/nothing.pdf")[0] == 404
