"""Files that maps and personas point at: resolved, kept inside the repository."""

from __future__ import annotations

import os
import posixpath
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from cjmgen.config import SiteConfig
from cjmgen.content.active_content import needs_reading, suffix_problem, svg_problem
from cjmgen.content.repository import content_prefix
from cjmgen.paths import contains


@dataclass(frozen=True)
class Resolved:
    path: str | None  # repository-relative POSIX path of an existing file
    problem: str | None  # 'outside' | 'missing' | 'hidden' | None
    fragment: str = ""


def resolve_asset(target: str, referrer: str, config: SiteConfig) -> Resolved:
    """Resolve a local path written in `referrer` (a repository-relative file).

    Tried against the referring file's folder, then the content directory, so
    a persona's `photo: assets/anna.jpg` and a map's `![](../assets/x.png)`
    both work. Anything that leaves the repository is refused, symlinks included.
    """
    real = RealPaths.of(config)
    found = real.resolved.get((target, referrer))
    if found is None:  # the checks and the page keys resolve the same links: once per build
        found = real.resolved[(target, referrer)] = _resolve(target, referrer, config, real)
    return found


def _resolve(target: str, referrer: str, config: SiteConfig, real: RealPaths) -> Resolved:
    parts = urlsplit(target)
    raw = unquote(parts.path)
    if not raw:
        return Resolved(None, "missing")
    outside = raw.startswith("/")
    for base in dict.fromkeys((posixpath.dirname(referrer), content_prefix(config))):
        if outside:
            break
        candidate = posixpath.normpath(posixpath.join(base, raw))
        if candidate.startswith("../") or candidate == "..":
            outside = True
            continue
        if _hidden(candidate, config):  # `../.git/config`, `../.env`: never published
            return Resolved(None, "hidden", parts.fragment)
        found = real.file_inside(candidate)
        if found is None:
            outside = True
        elif found:
            return Resolved(candidate, None, parts.fragment)
    return Resolved(None, "outside" if outside else "missing", parts.fragment)


def _hidden(candidate: str, config: SiteConfig) -> bool:
    """A part of the path below the repository (the content folder's own name aside, which
    cjmgen.yml chooses) starts with '.': hidden files are ignored everywhere, links too."""
    prefix = content_prefix(config)
    below = candidate[len(prefix) + 1:] if prefix != "." and candidate.startswith(prefix + "/") else candidate
    return any(part.startswith(".") for part in below.split("/"))


def active_problem(path: str, config: SiteConfig) -> str | None:
    """Why the repository file `path` (resolved by `resolve_asset`) must not be published
    for a browser to open: a page, code or a scripted SVG (cjmgen.content.active_content)."""
    problem = suffix_problem(path)
    if problem is not None or not needs_reading(path):
        return problem
    real = RealPaths.of(config)
    if path not in real.active:  # a logo linked from every map is read once
        try:
            real.active[path] = svg_problem(read_asset(config, path))
        except OSError as exc:
            real.active[path] = f"the SVG cannot be read ({exc.strerror})"
    return real.active[path]


class RealPaths:
    """Where repository paths really lead, with each folder's real path looked up once.

    Every link and image of every body is resolved during a build (thousands);
    `Path.resolve` walks and lstats every component of each one. Folders are few,
    so their real paths are remembered for the life of one loaded config (one
    build, or one rebuild of `serve`), and so is each (target, referrer) answer.
    """

    def __init__(self, root: Path) -> None:
        self.root = os.path.realpath(root)
        self.folders: dict[str, str] = {}
        self.resolved: dict[tuple[str, str], Resolved] = {}
        self.active: dict[str, str | None] = {}  # repository path -> active_problem

    @classmethod
    def of(cls, config: SiteConfig) -> RealPaths:
        found = config.__dict__.get("_real_paths")
        if found is None:
            found = cls(config.root)
            object.__setattr__(config, "_real_paths", found)  # a memo, not a field: equality ignores it
        return found

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


def read_asset(config: SiteConfig, path: str) -> bytes:
    """Read a file already resolved by `resolve_asset` (so inside the repository)."""
    return (Path(config.root) / path).read_bytes()
