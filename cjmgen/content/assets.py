"""Files that maps and personas point at: resolved, kept inside the repository."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from cjmgen.config import SiteConfig
from cjmgen.content.active_content import needs_reading, suffix_problem, svg_problem
from cjmgen.content.repository import content_prefix
from cjmgen.paths import RealPaths


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
    real = config.real_paths
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
    real = config.real_paths
    if path not in real.active:  # a logo linked from every map is read once
        try:
            real.active[path] = svg_problem(read_asset(config, path))
        except OSError as exc:
            real.active[path] = f"the SVG cannot be read ({exc.strerror})"
    return real.active[path]


def read_asset(config: SiteConfig, path: str) -> bytes:
    """Read a file already resolved by `resolve_asset` (so inside the repository)."""
    return (Path(config.root) / path).read_bytes()
