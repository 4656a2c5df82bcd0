"""Faults at the worst moment, with real processes: kills during the swap, killed and
terminated builds with workers running, two builds into one site at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers.repos import CHANNELS, PERSONA_ANNA, simple_map, write_files


def _repo(root: Path, maps: int = 2, title: str = "Buying a sofa") -> Path:
    files: dict[str, str | bytes] = {"maps/personas/anna.md": PERSONA_ANNA, "maps/channels.yml": CHANNELS}
    for index in range(maps):
        files[f"maps/m{index:03}.md"] = simple_map(title=f"{title} {index}")
    return write_files(root, files)


def _cjmgen(root: Path, *args: str, env: dict[str, str] | None = None, **popen) -> subprocess.Popen:
    environment = {**os.environ, **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "cjmgen", "-C", str(root), *args], env=environment,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


def _finish(process: subprocess.Popen, timeout: float = 120) -> tuple[int, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out + err


def _alive(pid: int) -> bool:
    """True while `pid` runs (a zombie, dead but not reaped by its parent, counts as ended)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stream:
            return stream.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _wait_for(condition, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def _site_title(root: Path) -> str:
    return (root / "site" / "maps" / "m000.html").read_text(encoding="utf-8")


# --- a kill during the swap --------------------------------------------------------------


@pytest.mark.parametrize("moment, env", [
    ("after-exchange", {}),
    ("between-renames", {"CJMGEN_TEST_NO_EXCHANGE": "1"}),
])
def test_a_build_killed_during_the_swap_leaves_a_site(tmp_path: Path, moment: str, env: dict[str, str]) -> None:
    root = _repo(tmp_path / "repo", title="Old sofa")
    assert _finish(_cjmgen(root, "build", "--no-pdf"))[0] == 0
    _repo(root, title="New sofa")
    code, _ = _finish(_cjmgen(root, "build", "--no-pdf", env={**env, "CJMGEN_TEST_KILL_AT": moment}))
    assert code == -signal.SIGKILL  # really killed at the named moment
    if moment == "after-exchange":
        assert "New sofa" in _site_title(root)  # the exchange is atomic: the new site is in place
    else:
        assert not (root / "site").exists()  # the moment the issue describes: no site/ at all
    code, output = _finish(_cjmgen(root, "build", "--no-pdf", env=env))
    assert code == 0, output
    if moment == "between-renames":
        assert "restored the site" in output and "killed while it swapped" in output
    assert "New sofa" in _site_title(root)
    assert not list(root.glob(".site.old-*"))


def test_recovery_puts_the_old_site_back_before_anything_else(tmp_path: Path) -> None:
    """The next run restores what was published even if it cannot build (an error in a map)."""
    root = _repo(tmp_path / "repo", title="Old sofa")
    assert _finish(_cjmgen(root, "build", "--no-pdf"))[0] == 0
    _repo(root, title="New sofa")
    env = {"CJMGEN_TEST_NO_EXCHANGE": "1"}
    _finish(_cjmgen(root, "build", "--no-pdf", env={**env, "CJMGEN_TEST_KILL_AT": "between-renames"}))
    (root / "maps" / "m001.md").write_text("---\ntitle: [broken\n---\n", encoding="utf-8")
    code, output = _finish(_cjmgen(root, "build", "--no-pdf", env=env))
    assert code == 1 and "restored the site" in output
    assert "Old sofa" in _site_title(root)


def test_the_exchange_really_is_used_on_linux(tmp_path: Path) -> None:
    from cjmgen.build.swap import exchange

    if not sys.platform.startswith("linux"):
        pytest.skip("renameat2 is Linux only")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one").touch()
    (tmp_path / "b").mkdir()
    assert exchange(tmp_path / "a", tmp_path / "b")
    assert (tmp_path / "b" / "one").exists() and not (tmp_path / "a" / "one").exists()


# --- workers do not outlive the build ----------------------------------------------------


def _children_at(barrier: Path, name: str, count: int) -> list[int]:
    assert _wait_for(lambda: len(list(barrier.glob(f"{name}-*"))) >= count), "no worker reached the barrier"
    return [int(path.name.rsplit("-", 1)[1]) for path in barrier.glob(f"{name}-*")]


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
@pytest.mark.parametrize("where, args, env", [
    ("render-worker", ["--no-pdf"], {"CJMGEN_WORKERS": "2"}),
    ("pdf-render", [], {"CJMGEN_PDF_WORKERS": "2", "CJMGEN_WORKERS": "1"}),
])
def test_workers_end_with_the_build(tmp_path: Path, sig: int, where: str, args: list[str],
                                    env: dict[str, str]) -> None:
    pytest.importorskip("weasyprint")
    root = _repo(tmp_path / "repo", maps=3)
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    build = _cjmgen(root, "build", *args,
                    env={**env, "CJMGEN_TEST_WAIT_AT": where, "CJMGEN_TEST_BARRIER": str(barrier)})
    try:
        workers = _children_at(barrier, where, 1 if where == "render-worker" else 2)
        assert all(pid != build.pid and _alive(pid) for pid in workers)
        assert list(root.glob(".site.new-*"))  # the staging folder is being written
        build.send_signal(sig)
        code, output = _finish(build, timeout=30)
        assert _wait_for(lambda: not any(_alive(pid) for pid in workers), 5), "a worker outlived the build"
        if sig == signal.SIGTERM:
            assert code == 128 + signal.SIGTERM, output
            assert "stopped (SIGTERM)" in output and "Traceback" not in output
            assert not list(root.glob(".site.new-*"))  # the staging folder is removed
            assert not (root / "site").exists()
        else:
            assert code == -signal.SIGKILL
    finally:
        if build.poll() is None:
            build.kill()
            build.communicate()


# --- two builds into one site at once ----------------------------------------------------


def test_two_builds_into_one_site_take_turns(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo", maps=4, title="First")
    assert _finish(_cjmgen(root, "build", "--no-pdf"))[0] == 0
    for round_ in range(4):
        _repo(root, maps=4, title=f"Round {round_}")
        builds = [_cjmgen(root, "build", "--no-pdf") for _ in range(2)]
        outcomes = [_finish(build) for build in builds]
        for code, output in outcomes:
            assert code == 0, output
            assert "internal error" not in output and "Traceback" not in output
        pages = [_site_title(root)] + [(root / "site" / "maps" / f"m{i:03}.html").read_text() for i in range(1, 4)]
        assert all(f"Round {round_}" in page for page in pages)  # one version throughout
    assert not list(root.glob(".site.new-*")) and not list(root.glob(".site.old-*"))


def test_a_second_build_waits_and_says_so(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo")
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    first = _cjmgen(root, "build", env={"CJMGEN_TEST_WAIT_AT": "pdf-render", "CJMGEN_TEST_BARRIER": str(barrier),
                                        "CJMGEN_PDF_WORKERS": "1"})
    try:
        pytest.importorskip("weasyprint")
        _children_at(barrier, "pdf-render", 1)  # the first build holds the lock, printing
        second = _cjmgen(root, "build", "--no-pdf")
        time.sleep(1.0)
        assert second.poll() is None  # waiting, not failing
        first.send_signal(signal.SIGTERM)
        _finish(first)
        code, output = _finish(second)
        assert code == 0, output
        assert f"another cjmgen build (pid {first.pid}) is writing" in output
        assert "Buying a sofa 0" in _site_title(root)
    finally:
        if first.poll() is None:
            first.kill()
            first.communicate()
