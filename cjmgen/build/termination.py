"""Ending cleanly on SIGTERM, and worker processes that never outlive cjmgen.

A cancelled CI job or `kill` sends SIGTERM: cjmgen turns it into an exception
(`Terminated`), so every `finally` runs: the staging folder is removed, worker
processes are stopped, the lock is released. SIGKILL runs nothing; there the
kernel itself ends the workers, because each asks (PR_SET_PDEATHSIG) to be
killed when the process that forked it dies.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
from functools import lru_cache
from typing import Any

PR_SET_PDEATHSIG = 1
EXIT_TERMINATED = 128 + signal.SIGTERM


class Terminated(BaseException):
    """SIGTERM arrived: stop, cleaning up on the way out (not an error of the maps)."""


def _raise_terminated(signum: int, frame: Any) -> None:
    raise Terminated()


def end_cleanly_on_sigterm() -> None:
    """In the command line's main process: SIGTERM raises Terminated."""
    signal.signal(signal.SIGTERM, _raise_terminated)


@lru_cache(maxsize=1)
def _prctl() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl
    except (OSError, AttributeError):
        return None


def die_with_parent(parent: int) -> None:
    """In a forked worker: be killed when `parent` dies (Linux), and die at once on SIGTERM.

    `parent` is the pid that forked us, taken before the fork: if it died before
    the request took effect, the worker ends here instead of running orphaned.
    """
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    prctl = _prctl()
    if prctl is not None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def stop_processes(processes: Any) -> None:
    """Kill worker processes (multiprocessing.Process objects) and reap them."""
    for process in processes:
        try:
            process.kill()
        except (OSError, ValueError, AttributeError):
            continue
    for process in processes:
        try:
            process.join(5)
        except (OSError, ValueError, AssertionError):
            continue
