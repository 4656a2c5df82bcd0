"""Timing the benchmark's commands: wall time and peak memory of a subprocess, medians of runs."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import threading
import time
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Run:
    seconds: float
    rss_mib: float  # the peak resident set of the process (and of any child it waited for)
    code: int
    stderr: str


def run(command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    """Run a command to its end; wall time and the peak RSS from `wait4`, for this child only.

    The files the last command wrote are flushed to disk first: a site of hundreds of
    megabytes written back while the next command runs slowed it by up to a second."""
    os.sync()
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    proc.stderr.close()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(seconds, usage.ru_maxrss / 1024, proc.returncode, err.decode("utf-8", "replace"))


@dataclass
class Figure:
    """Several runs of one measurement; the median is what the table shows."""

    values: list[float] = field(default_factory=list)
    rss: list[float] = field(default_factory=list)
    load: list[float] = field(default_factory=list)
    note: str = ""

    def add(self, seconds: float, rss: float = 0.0) -> None:
        self.values.append(seconds)
        self.rss.append(rss)
        self.load.append(os.getloadavg()[0])

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else float("nan")

    @property
    def peak_rss(self) -> float:
        return max(self.rss) if self.rss else float("nan")

    def as_dict(self) -> dict[str, Any]:
        return {"median": self.median, "runs": self.values, "rss_mib": self.rss, "load": self.load,
                "note": self.note}


class BenchError(Exception):
    """A measured command failed: the benchmark would compare the wrong thing."""


def checked(result: Run, what: str) -> Run:
    if result.code != 0:
        raise BenchError(f"{what} failed with exit code {result.code}:\n{result.stderr[-2000:]}")
    return result


def repeat(runs: int, prepare: Callable[[int], None], measure: Callable[[], Run], what: str) -> Figure:
    figure = Figure()
    for index in range(runs):
        prepare(index)
        result = checked(measure(), what)
        figure.add(result.seconds, result.rss_mib)
    return figure


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def save_to_page(wait_url: str, page_url: str, save: Callable[[], None], marker: bytes,
                 timeout: float = 60) -> float | None:
    """Play the browser of a dev server: wait on its long-poll URL, then fetch the page. `save` runs
    once the wait is under way. Seconds from the save to the page's bytes holding `marker`, or None
    when they never came."""
    done: dict[str, float] = {}

    def browser() -> None:
        with urllib.request.urlopen(wait_url, timeout=timeout) as answer:
            answer.read()
        with urllib.request.urlopen(page_url, timeout=timeout) as answer:
            body = answer.read()
        done["t"] = time.perf_counter()
        done["ok"] = float(marker in body)

    waiter = threading.Thread(target=browser)
    waiter.start()
    time.sleep(0.05)
    saved = time.perf_counter()
    save()
    waiter.join(timeout + 5)
    return done["t"] - saved if done.get("ok") else None


def seconds_of(line: str) -> float:
    """The `(0.12 s)` at the end of a dev server's log line."""
    try:
        return float(line.rsplit("(", 1)[1].split(" s)")[0])
    except (IndexError, ValueError):
        return float("nan")


def load_range(figures: Iterable[Figure]) -> str:
    """The machine's load average (1 min) over the runs of these figures, lowest to highest."""
    loads = [value for figure in figures for value in figure.load]
    return f"{min(loads, default=0):.2f}–{max(loads, default=0):.2f}"
