"""Whether one path lies inside another: the rule every "nothing outside the repository" check uses."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path


def contains(outer: str | Path, inner: str | Path) -> bool:
    """`inner` is `outer` or below it. Both absolute and already resolved (no `..`, no
    symlinks left): the comparison is of names, so that it costs no file-system call."""
    outer, inner = os.fspath(outer), os.fspath(inner)
    return inner == outer or inner.startswith(outer.rstrip(os.sep) + os.sep)


def resolves_within(path: str | Path, roots: Iterable[str | Path]) -> bool:
    """`path`, its symlinks followed, lies in one of `roots` (theirs followed too): a
    file that links out of the folder it is read from is not read."""
    real = os.path.realpath(path)
    return any(contains(os.path.realpath(root), real) for root in roots)
