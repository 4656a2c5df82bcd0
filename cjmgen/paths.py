"""Whether one path lies inside another: the rule every "nothing outside the repository" check uses."""

from __future__ import annotations

import os
import posixpath
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cjmgen.content.assets import Resolved


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


class RealPaths:
    """Where repository paths really lead, with each folder's real path looked up once.

    Every link and image of every body is resolved during a build (thousands);
    `Path.resolve` walks and lstats every component of each one. Folders are few,
    so their real paths are remembered for the life of one loaded config (one
    build, or one rebuild of `serve`: `SiteConfig.real_paths`), and so is each
    (target, referrer) answer of content.assets.
    """

    def __init__(self, root: Path) -> None:
        self.root = os.path.realpath(root)
        self.folders: dict[str, str] = {}
        self.resolved: dict[tuple[str, str], Resolved] = {}  # (target, referrer) -> content.assets' answer
        self.active: dict[str, str | None] = {}  # repository path -> active_problem

    def file_inside(self, relative: str) -> bool | None:
        """True: a file inside the repository; False: nothing there; None: it leads outside."""
        folder, name = posixpath.split(relative)
        real_folder = self.folders.get(folder)
        if real_folder is None:
            try:
                real_folder = os.path.realpath(os.path.join(self.root, folder))
            except OSError:  # a name too long for the file system, a loop of symlinks
                return False
            self.folders[folder] = real_folder
        if not contains(self.root, real_folder):
            return None
        leaf = os.path.join(real_folder, name)
        try:
            info = os.lstat(leaf)
            if stat.S_ISLNK(info.st_mode):
                leaf = os.path.realpath(leaf)
                if not contains(self.root, leaf):
                    return None
                info = os.stat(leaf)
        except (OSError, ValueError):
            return False
        return stat.S_ISREG(info.st_mode)
