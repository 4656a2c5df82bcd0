"""`cjmgen serve` against hostile requests, on a real server bound to 127.0.0.1."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from cjmgen.serve.guard import host_allowed
from tests.helpers.repos import simple_map

WAIT = 60.0


def _raw(port: int, request: bytes, timeout: float = 10.0) -> bytes:
    """Send one raw HTTP request; the whole answer (b"" if the server dropped the connection)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def _get(port: int, target: str, host: str | None = None, timeout: float = 10.0) -> bytes:
    header = f"Host: {host}\r\n" if host is not None else ""
    return _raw(port, f"GET {target} HTTP/1.1\r\n{header}Connection: close\r\n\r\n".encode(), timeout)


def _status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0


@pytest.fixture
def served(make_repo, tmp_path: Path):
    """A real `cjmgen serve` process; (port, its stderr file)."""
    root = make_repo({"maps/sofa.md": simple_map(title="Sofa journey")})
    log = (tmp_path / "serve.log").open("w+")
    process = subprocess.Popen([sys.executable, "-m", "cjmgen", "-C", str(root), "serve", "--port", "0"],
                               stderr=log, stdout=subprocess.DEVNULL, env={**os.environ})
    deadline = time.monotonic() + WAIT
    url = ""
    while time.monotonic() < deadline and not url:
        log.seek(0)
        url = next((line.split()[-1] for line in log if "Serving http" in line), "")
        time.sleep(0.05)
    assert url, "serve did not start"
    yield urlsplit(url).port, log
    process.terminate()
    process.wait(timeout=WAIT)
    log.close()


def _no_traceback(log) -> None:
    log.seek(0)
    text = log.read()
    assert "Traceback" not in text and "Exception occurred" not in text, text


def test_bad_reload_versions_and_huge_paths_are_answered(served) -> None:
    port, log = served
    host = f"127.0.0.1:{port}"
    for target, expected in [
        ("/__cjmgen__/wait?v=abc", 400), ("/__cjmgen__/wait?v=1e9", 400), ("/__cjmgen__/wait?v=" + "9" * 400, 400),
        ("/" + "a" * 5000, 414), ("/__cjmgen__/wait?v=" + "x" * 5000, 414), ("/" + "b" * 300 + ".html", 404),
    ]:
        assert _status(_get(port, target, host)) == expected, target[:40]
    assert _status(_get(port, "/index.html", host)) == 200  # still serving
    _no_traceback(log)


@pytest.mark.parametrize("host, allowed", [
    ("evil.example", False), ("evil.example:{port}", False), ("127.0.0.1.evil.example:{port}", False),
    ("localhost:1", False), ("[::1]x", False),
    ("127.0.0.1:{port}", True), ("localhost:{port}", True), ("LOCALHOST", True), ("[::1]:{port}", True),
])
def test_a_foreign_host_header_is_refused(served, host: str, allowed: bool) -> None:
    port, _log = served
    answer = _get(port, "/index.html", host.format(port=port))
    assert _status(answer) == (200 if allowed else 403)
    if not allowed:
        assert b"Sofa journey" not in answer


def test_the_guard_follows_the_bound_address() -> None:
    assert host_allowed("my-laptop:8000", "0.0.0.0", 8000)  # serving the network: any name
    assert host_allowed("192.168.1.5:8000", "192.168.1.5", 8000)
    assert not host_allowed("evil.example:8000", "192.168.1.5", 8000)
    assert host_allowed(None, "127.0.0.1", 8000)  # HTTP/1.0 without a Host header


def test_a_flood_never_keeps_a_normal_request_waiting(served) -> None:
    """Silent connections, foreign hosts, bad versions and long paths from 40 threads for
    three seconds; a normal page is asked for meanwhile and must come back soon."""
    port, log = served
    host = f"127.0.0.1:{port}"
    stop = time.monotonic() + 3.0
    sent = [0]

    def flood(kind: int) -> None:
        while time.monotonic() < stop:
            try:
                if kind == 0:  # connect and say nothing: holds a thread until the read timeout
                    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
                    threading.Timer(6.0, sock.close).start()
                elif kind == 1:
                    _get(port, "/index.html", "evil.example", timeout=5)
                elif kind == 2:
                    _get(port, "/__cjmgen__/wait?v=abc", host, timeout=5)
                else:
                    _get(port, "/" + "z" * 5000, host, timeout=5)
                sent[0] += 1
            except OSError:
                pass

    threads = [threading.Thread(target=flood, args=(index % 4,), daemon=True) for index in range(40)]
    for thread in threads:
        thread.start()
    slowest = 0.0
    answered = 0
    while time.monotonic() < stop:
        started = time.monotonic()
        assert _status(_get(port, "/index.html", host, timeout=15)) == 200
        slowest = max(slowest, time.monotonic() - started)
        answered += 1
        time.sleep(0.1)
    for thread in threads:
        thread.join(timeout=15)
    print(f"flood: {sent[0]} requests; slowest normal request {slowest:.2f} s of {answered}")
    assert sent[0] > 100 and answered >= 5
    assert slowest < 3.0, f"a normal request waited {slowest:.1f} s during the flood"
    _no_traceback(log)
