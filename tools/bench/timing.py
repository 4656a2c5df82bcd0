"""Timing the benchmark's commands: wall time and peak memory of a subprocess, medians of runs."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable
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
    """Run a command to its end; wall time and the peak RSS from `wait4`, for this child only."""
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
