"""What `cjmgen serve` prints: every log line escaped for the terminal (paths come from
requests and file names), and the missing-library note of on-demand PDFs, once."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from cjmgen.pdf.libraries import notices
from cjmgen.serve.preview import open_preview
from cjmgen.serve.server import BuildReport, DevServer
from tests.helpers.cli import ctrl_c_stops, stop_serve
from tests.helpers.repos import simple_map
from tests.test_fresh_machine import NOTICE, two_maps, without_harfbuzz_subset  # noqa: F401 - a fixture
from tests.test_serve import WAIT, fetch

PAGE = b"<!doctype html><html><body>preview</body></html>"


def test_a_request_path_reaches_the_log_escaped(tmp_path: Path) -> None:
    lines: list[str] = []

    def on_demand(relative: str) -> dict[str, bytes] | None:
        raise RuntimeError("the renderer broke")

    dev = DevServer(lambda: BuildReport(True, {"index.html": PAGE}), lambda: [tmp_path], port=0,
                    on_demand=on_demand, log=lines.append)
    url = dev.start()
    thread = threading.Thread(target=dev.serve_forever, daemon=True)
    thread.start()
    try:
        status, _ = fetch(url + "%1b%5d0%3bowned%07%e2%80%aeevil.html")  # ESC ] 0 ; ... BEL, RLO
        assert status == 404
    finally:
        dev.close()
        thread.join(timeout=5)
    logged = [line for line in lines if "while rendering" in line]
    assert logged and all(not any(ch in line for ch in "\x1b\x07\u202e") for line in lines)
    assert "internal error while rendering \\x1b]0;owned\\x07\\u202eevil.html: " in logged[0]


def test_a_changed_file_name_is_printed_escaped(make_repo, tmp_path: Path) -> None:
    root = make_repo({"maps/sofa.md": simple_map(title="Sofa journey")})
    process = subprocess.Popen([sys.executable, "-m", "cjmgen", "-C", str(root), "serve", "-a", "127.0.0.1:0"],
                               stderr=subprocess.PIPE, env={**os.environ, "TMPDIR": str(tmp_path)},
                               preexec_fn=ctrl_c_stops)  # noqa: PLW1509 - one signal() call
    assert process.stderr is not None
    lines: list[bytes] = []
    try:
        deadline = time.monotonic() + WAIT
        while not (lines and lines[-1].startswith(b"Serving")) and time.monotonic() < deadline:
            lines.append(process.stderr.readline())
        (root / "maps" / "\x1b[2Jforged\u202e.md").write_text(simple_map(title="Forged"), encoding="utf-8")
        while not (lines and lines[-1].startswith(b"changed ")) and time.monotonic() < deadline:
            lines.append(process.stderr.readline())
    finally:
        stop_serve(process)
        lines.extend(process.stderr.readlines())
        process.stderr.close()
    changed = [line.decode() for line in lines if line.startswith(b"changed ")]
    assert changed and "maps/\\x1b[2Jforged\\u202e.md" in changed[0], lines
    assert not any(b"\x1b" in line or "\u202e".encode() in line for line in lines)


def test_on_demand_pdfs_say_once_which_library_is_missing(tmp_path: Path, without_harfbuzz_subset: None) -> None:
    root = two_maps(tmp_path / "repo")
    lines: list[str] = []
    dev = open_preview(root, "127.0.0.1", 0, drafts=True, eager_pdf=False, log=lines.append, stages=None,
                       show_problems=lambda found: lines.extend(d.message for d in found))
    url = dev.start()
    thread = threading.Thread(target=dev.serve_forever, daemon=True)
    thread.start()
    try:
        assert not any(NOTICE in line for line in lines)  # nothing printed before a PDF is asked for
        for name in ("one", "two", "one"):
            with urllib.request.urlopen(f"{url}maps/{name}.pdf", timeout=120) as response:
                assert response.read().startswith(b"%PDF")
    finally:
        dev.close()
        thread.join(timeout=5)
    said = [line for line in lines if NOTICE in line]
    assert said == notices(["harfbuzz-subset"])  # the very line `build` prints, once for the session
