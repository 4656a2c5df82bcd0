"""One build at a time into one output folder: a lock file beside it.

Two builds into the same site at once (two CI jobs, a build started while the
last one still prints PDFs) would read, link from and swap the same folders.
The second build waits for the first, saying so, then builds on what the first
published. The lock is `flock` on `.<output>.lock` beside the output folder: the
kernel releases it when its holder dies, however it dies, so a killed build
never blocks the next one. The file itself stays (it is empty but for the pid).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

if sys.platform != "win32":  # Windows has no flock: builds there are not serialised
    import fcntl


def lock_path(output: Path) -> Path:
    return output.parent / f".{output.name}.lock"


@contextlib.contextmanager
def output_lock(output: Path, say: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the output folder's lock for the block; wait (saying so) while another build holds it.

    Where the lock file cannot be made (a read-only folder), the build goes on
    without it: it cannot write a site there either, and says so itself.
    """
    if sys.platform == "win32":
        yield
        return
    path = lock_path(output)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError:
        yield
        return
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(descriptor, 32, 0).decode("ascii", "replace").strip() or "?"
            if say is not None:
                say(f"another cjmgen build (pid {holder}) is writing {output}; waiting for it to finish")
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(descriptor)  # releases the lock
