"""Swap a new folder in for an old one so that the old name never stands empty.

Linux has `renameat2(RENAME_EXCHANGE)`: both names trade places in one step, so
a kill at any moment leaves either the old site or the new one under the name.
Where it is missing (macOS, Windows, old kernels, file systems without it) the
swap is two renames; a kill between them leaves the old site under
`.<name>.old-*`, and `recover_interrupted` puts it back on the next build.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import sys
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from cjmgen.build.faults import kill_point

MARKER = ".cjmgen-site"
AT_FDCWD = -100
RENAME_EXCHANGE = 2
#: Tests set this to exercise the two-rename swap (and its recovery) on Linux too.
NO_EXCHANGE = "CJMGEN_TEST_NO_EXCHANGE"


@lru_cache(maxsize=1)
def _renameat2() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        function = libc.renameat2  # glibc 2.28 and later
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def exchange(first: Path, second: Path) -> bool:
    """Trade the names of two existing folders atomically; False where the system cannot."""
    function = None if os.environ.get(NO_EXCHANGE) else _renameat2()
    if function is None:
        return False
    if function(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False  # the kernel or the file system does not exchange: rename twice
    raise OSError(code, os.strerror(code), str(first), None, str(second))


def swap_in(new: Path, target: Path, old: Path) -> Path | None:
    """Put folder `new` under the name `target`; the previous folder (if any) ends up at
    the returned path, for the caller to delete. `old` is a free name beside `target`."""
    if not target.exists():
        os.rename(new, target)
        return None
    if exchange(new, target):
        kill_point("after-exchange")
        return new  # now holds the previous site
    os.rename(target, old)
    kill_point("between-renames")
    os.rename(new, target)
    return old


def recover_interrupted(target: Path) -> str | None:
    """When `target` is missing and a build died between the two renames, rename the
    site it had moved aside back into place; a sentence saying so, or None."""
    if os.path.lexists(target):
        return None
    prefix = f".{target.name}.old-"
    candidates = []
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return None
    for entry in entries:
        if entry.name.startswith(prefix) and entry.is_dir(follow_symlinks=False) \
                and os.path.isfile(os.path.join(entry.path, MARKER)):
            candidates.append((entry.stat(follow_symlinks=False).st_mtime, entry.path))
    if not candidates:
        return None
    newest = max(candidates)[1]
    try:
        os.rename(newest, target)
    except OSError:
        return None  # the build then publishes a fresh site under the name
    return (f"restored the site {target} from {os.path.basename(newest)}: an earlier build was "
            "killed while it swapped the new site in")
