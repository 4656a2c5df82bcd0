"""Files that maps and personas point at: resolved, kept inside the repository."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from cjmgen.config import SiteConfig
from cjmgen.repository import content_prefix


@dataclass(frozen=True)
class Resolved:
    path: str | None  # repository-relative POSIX path of an existing file
    problem: str | None  # 'outside' | 'missing' | None
    fragment: str = ""


def resolve_asset(target: str, referrer: str, config: SiteConfig) -> Resolved:
    """Resolve a local path written in `referrer` (a repository-relative file).

    Tried against the referring file's folder, then the content directory, so
    a persona's `photo: assets/anna.jpg` and a map's `![](../assets/x.png)`
    both work. Anything that leaves the repository is refused, symlinks included.
    """
    parts = urlsplit(target)
    raw = unquote(parts.path)
    if not raw:
        return Resolved(None, "missing")
    bases = [posixpath.dirname(referrer), content_prefix(config)]
    root = config.root.resolve()
    outside = False
    for base in dict.fromkeys(bases):
        candidate = posixpath.normpath(posixpath.join(base, raw.lstrip("/") if raw.startswith("/") else raw))
        if candidate.startswith("../") or candidate == ".." or raw.startswith("/"):
            outside = True
            continue
        try:
            real = (root / candidate).resolve()
            real.relative_to(root)
        except ValueError:
            outside = True
            continue
        except OSError:  # a name too long for the file system, a loop of symlinks
            continue
        if real.is_file():
            return Resolved(candidate, None, parts.fragment)
    return Resolved(None, "outside" if outside else "missing", parts.fragment)


def read_asset(config: SiteConfig, path: str) -> bytes:
    """Read a file already resolved by `resolve_asset` (so inside the repository)."""
    return (Path(config.root) / path).read_bytes()
