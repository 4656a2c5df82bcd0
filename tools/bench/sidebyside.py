"""Two checkouts of cjmgen timed side by side on the same generated maps.

Each checkout's `cjmgen/` and `themes/` are copied into the work folder and
compiled to bytecode (so neither side compiles at start-up, and the other
checkout is only read), then run as `python -m cjmgen` with that copy on
PYTHONPATH. Each side builds its own copy of the repository, because a build
made by other code is never reused by the caches. The runs alternate between
the two sides, and the side that goes first alternates between rounds, so a
burst of load on the machine slows both.
"""

from __future__ import annotations

import compileall
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tools.bench.corpus import edit_one_map, generate, map_spec
from tools.bench.timing import BenchError, Figure, checked, load_range, remove, run, save_to_page, seconds_of

RELOAD_PATH = "/__cjmgen__/wait"  # the dev server's long-poll URL (cjmgen/serve/server.py)
SERVE_SAVES = 6  # saves timed per side and size: each is cheap, and serve figures are noisy
LIMIT = 0.05  # the limit: within 5% of the baseline


@dataclass(frozen=True)
class Side:
    """One checkout as the benchmark runs it: a compiled copy on PYTHONPATH."""

    label: str
    source: Path  # holds cjmgen/ and themes/

    def command(self, root: Path, *args: str) -> list[str]:
        return [sys.executable, "-m", "cjmgen", "-C", str(root), *args]

    def env(self) -> dict[str, str]:
        return {**os.environ, "PYTHONPATH": str(self.source)}


def snapshot(checkout: Path, dest: Path, label: str) -> Side:
    """Copy a checkout's package and themes to `dest` and compile them, as `pip install` does."""
    if not (checkout / "cjmgen" / "__init__.py").is_file():
        raise BenchError(f"{checkout} is not a cjmgen checkout (no cjmgen/__init__.py)")
    remove(dest)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(checkout / "cjmgen", dest / "cjmgen", ignore=ignore)
    if (checkout / "themes").is_dir():
        shutil.copytree(checkout / "themes", dest / "themes", ignore=ignore)
    compileall.compile_dir(str(dest / "cjmgen"), quiet=1)
    return Side(label, dest)


@dataclass
class Pair:
    """One scenario at one corpus and size: a figure per side."""

    corpus: str
    maps: int
    scenario: str
    figures: dict[str, Figure] = field(default_factory=dict)

    def add(self, side: Side, seconds: float) -> None:
        self.figures.setdefault(side.label, Figure()).add(seconds)


def _in_turn(sides: list[Side], index: int) -> list[Side]:
    return sides if index % 2 == 0 else sides[::-1]


def time_builds(sides: list[Side], roots: dict[str, Path], corpus: str, maps: int, runs: int,
                log: Callable[[str], None]) -> list[Pair]:
    """Cold build, no-change rebuild and one-map edit, each run by both sides in turn, `runs` rounds."""
    cold, nochange, edit = (Pair(corpus, maps, name) for name in ("cold build", "no-change rebuild", "one-map edit"))
    originals = {side.label: (roots[side.label] / map_spec(1).path).read_bytes() for side in sides}
    for index in range(runs):
        order = _in_turn(sides, index)
        log(f"side by side, {maps} {corpus} maps: round {index + 1} of {runs}")
        for side in order:
            root = roots[side.label]
            remove(root / "site")
            remove(root / ".cjmgen-cache")
            (root / map_spec(1).path).write_bytes(originals[side.label])
            cold.add(side, checked(run(side.command(root, "build", "--no-pdf"), cwd=side.source, env=side.env()),
                                   f"{side.label}: cold build").seconds)
        for side in order:
            root = roots[side.label]
            nochange.add(side, checked(run(side.command(root, "build", "--no-pdf"), cwd=side.source,
                                           env=side.env()), f"{side.label}: no-change rebuild").seconds)
        for side in order:
            root = roots[side.label]
            edit_one_map(root, index)
            edit.add(side, checked(run(side.command(root, "build", "--no-pdf"), cwd=side.source, env=side.env()),
                                   f"{side.label}: one-map edit").seconds)
    for side in sides:
        (roots[side.label] / map_spec(1).path).write_bytes(originals[side.label])
    return [cold, nochange, edit]


class Server:
    """`cjmgen serve` of one side in a subprocess, its log lines collected as they come."""

    def __init__(self, side: Side, root: Path) -> None:
        self.side = side
        self.lines: list[str] = []
        self.url = ""
        self.ready = threading.Event()
        self.process = subprocess.Popen(side.command(root, "serve", "--port", "0"), cwd=side.source,
                                        env=side.env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                        text=True, encoding="utf-8", errors="replace")
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))
            found = re.search(r"Serving (http://[^\s\x1b]+)", line)
            if found:
                self.url = found.group(1).rstrip("/") + "/"
                self.ready.set()
        self.ready.set()

    def wait_ready(self, timeout: float) -> None:
        if not self.ready.wait(timeout) or not self.url:
            raise BenchError(f"{self.side.label}: serve did not start:\n" + "\n".join(self.lines[-20:]))

    def cpu_ticks(self) -> int:
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0
        return int(fields[11]) + int(fields[12])  # utime + stime

    def version(self) -> int:
        origin = self.url.split("/", 3)
        with urllib.request.urlopen(f"{origin[0]}//{origin[2]}{RELOAD_PATH}?v=-1", timeout=30) as answer:
            return int(json.loads(answer.read())["version"])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def wait_quiet(server: Server, timeout: float = 120.0) -> None:
    """Until the server uses less than a third of a core: the work it puts off until idle (listing
    pages) is done, and only its watcher's polling is left."""
    tick = os.sysconf("SC_CLK_TCK")
    deadline = time.perf_counter() + timeout
    last = server.cpu_ticks()
    while time.perf_counter() < deadline:
        time.sleep(0.5)
        now = server.cpu_ticks()
        if now - last < tick * 0.5 / 3:
            return
        last = now


def save_to_browser(server: Server, root: Path, edit: int) -> tuple[float, float]:
    """Save a one-map edit; seconds until the long-poll answered and the page's new bytes arrived,
    and the rebuild's own seconds from the server's log."""
    origin = server.url.split("/", 3)
    wait = f"{origin[0]}//{origin[2]}{RELOAD_PATH}?v={server.version()}"
    logged = len(server.lines)
    seconds = save_to_page(wait, server.url + f"maps/{map_spec(1).id}.html", lambda: edit_one_map(root, edit),
                           f"edited {edit}".encode())
    if seconds is None:
        raise BenchError(f"{server.side.label}: serve: the edited page never reached the browser:\n"
                         + "\n".join(server.lines[-10:]))
    # The server logs its rebuild after it published the pages: the browser may be first
    deadline = time.perf_counter() + 10
    while True:
        rebuilt = [line for line in server.lines[logged:] if line.rstrip().endswith(" s)")]
        if rebuilt or time.perf_counter() > deadline:
            break
        time.sleep(0.05)
    return seconds, seconds_of(rebuilt[0]) if rebuilt else float("nan")


def time_serve(sides: list[Side], roots: dict[str, Path], corpus: str, maps: int, saves: int,
               log: Callable[[str], None]) -> list[Pair]:
    """Each side's dev server in turn, one at a time (a second server's watcher would take CPU from the
    timed one): two blocks of saves per side, in the order A B B A."""
    latency, rebuild = Pair(corpus, maps, "serve: save → page"), Pair(corpus, maps, "serve: rebuild")
    originals = {side.label: (roots[side.label] / map_spec(1).path).read_bytes() for side in sides}
    blocks = [(sides[0], 0), (sides[1], 0), (sides[1], 1), (sides[0], 1)]
    per_block = (saves + 1) // 2
    try:
        for side, block in blocks:
            log(f"side by side, {maps} {corpus} maps: {side.label}'s serve, saves {block + 1} of 2")
            server = Server(side, roots[side.label])
            try:
                server.wait_ready(900)
                for index in range(per_block):
                    wait_quiet(server)
                    time.sleep(0.3)  # the watcher has seen the last save settle
                    edit = 100 + block * per_block + index
                    seconds, rebuilt = save_to_browser(server, roots[side.label], edit)
                    latency.add(side, seconds)
                    rebuild.add(side, rebuilt)
            finally:
                server.stop()
    finally:
        for side in sides:
            (roots[side.label] / map_spec(1).path).write_bytes(originals[side.label])
    return [latency, rebuild]


def side_by_side(work: Path, baseline: Path, current: Path, sizes: list[int], corpora: list[str], runs: int,
                 log: Callable[[str], None], serve_saves: int = SERVE_SAVES,
                 progress: Callable[[str], None] | None = None) -> str:
    """Time `baseline` and `current` alternately; the Markdown table of both, and the change.
    Each size is done for every corpus before the next size; `progress` gets the table so far
    after each, so a long run that is stopped still leaves its figures."""
    sides = [snapshot(baseline, work / "side-baseline", "baseline"),
             snapshot(current, work / "side-current", "new")]
    pairs: list[Pair] = []
    for maps in sizes:
        for corpus in corpora:
            made = work / f"sbs-{corpus}-{maps}"
            if not (made / ".git").is_dir():
                remove(made)
                log(f"generating {maps} {corpus} maps in {made}")
                generate(made, maps, corpus=corpus)
            roots = {}
            for side in sides:
                roots[side.label] = work / f"sbs-{corpus}-{maps}-{side.source.name}"
                remove(roots[side.label])
                shutil.copytree(made, roots[side.label], symlinks=True)
            pairs += time_builds(sides, roots, corpus, maps, runs, log)
            if serve_saves > 0:
                pairs += time_serve(sides, roots, corpus, maps, serve_saves, log)
            for root in roots.values():
                remove(root)
            if progress is not None:
                progress(table(pairs, sides, runs, serve_saves, baseline, current))
    return table(pairs, sides, runs, serve_saves, baseline, current)


def _commit(checkout: Path) -> str:
    done = subprocess.run(["git", "-C", str(checkout), "log", "-1", "--format=%h"], check=False,
                          capture_output=True, text=True)
    return done.stdout.strip() or "?"


def _seconds(value: float) -> str:
    return "—" if value != value else (f"{value:.2f} s" if value >= 0.1 else f"{value * 1000:.0f} ms")


def table(pairs: list[Pair], sides: list[Side], runs: int, saves: int, baseline: Path, current: Path) -> str:
    """One row per corpus, size and scenario: the median of each side and the change."""
    old, new = (side.label for side in sides)
    lines = [
        (f"Side by side: baseline `{baseline}` ({_commit(baseline)}) against `{current}` ({_commit(current)}); "
         f"{os.cpu_count()} cores, Python {sys.version.split()[0]}; medians of {runs} rounds for builds "
         f"(serve: of {2 * ((saves + 1) // 2)} saves), the two sides alternating; load average (1 min) "
         f"{load_range(f for p in pairs for f in p.figures.values())}.\n\n"),
        f"| corpus | maps | scenario | {old} | {new} | change |\n|---|---:|---|---:|---:|---:|\n",
    ]
    for pair in pairs:
        before, after = pair.figures[old].median, pair.figures[new].median
        change = after / before - 1 if before == before and before > 0 else float("nan")
        mark = "" if change != change else (" ✅" if change <= LIMIT else " ❌")
        shown = "—" if change != change else f"{change * 100:+.1f}%"
        lines.append(f"| {pair.corpus} | {pair.maps:,} | {pair.scenario} | {_seconds(before)} | "
                     f"{_seconds(after)} | {shown}{mark} |\n")
    lines.append(f"\n✅: no more than {LIMIT * 100:.0f}% slower than the baseline (the issue's limit).\n")
    return "".join(lines)
