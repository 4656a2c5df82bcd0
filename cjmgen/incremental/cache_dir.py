"""The folders of `.cjmgen-cache/`, used only when no part of their path is a link.

The cache lives in the repository, and a repository can carry anything a
commit or an archive can hold: `.cjmgen-cache/parsed` committed as a symlink
to the user's home would have cjmgen write its packs there and delete the
"stray" files it finds beside them. So each cache folder is taken only when
`.cjmgen-cache` and the folder itself are real folders (not links); otherwise
that cache is simply not used (the build is as correct, only slower) and the
build says so (`link_notes`). Files inside a cache folder are written under
fresh names (`tempfile.mkstemp`) and renamed into place, so a planted link
among them is replaced, never written through.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

CACHE_ROOT = ".cjmgen-cache"  # its folders are named in incremental.store, the one place that opens them


def cache_folder(root: Path, name: str, create: bool = True) -> Path | None:
    """`root/.cjmgen-cache/name`, made if missing (unless `create` is false); None when
    it, or `.cjmgen-cache`, is a link or anything but a folder: never written through."""
    return real_folder(Path(root), (CACHE_ROOT, name), create)


def real_folder(base: Path, parts: tuple[str, ...], create: bool = True) -> Path | None:
    """`base/part/part...`, each part made if missing (unless `create` is false); None when
    any part is a link or anything but a folder (`base` itself may be a link: the user's
    ~/.cache often is one)."""
    folder = base
    for part in parts:
        folder = folder / part
        try:
            info = os.lstat(folder)
        except FileNotFoundError:
            if not create:
                return base.joinpath(*parts)  # nothing there yet: a reader finds nothing
            try:
                os.mkdir(folder)  # mkdir never follows a link: a link planted meanwhile fails it
                info = os.lstat(folder)
            except OSError:
                return None
        except OSError:
            return None
        if not stat.S_ISDIR(info.st_mode):  # a symlink's lstat is S_ISLNK, never S_ISDIR
            return None
    return folder


def link_notes(root: Path, names: Iterable[str]) -> list[str]:
    """What the build tells the user about cache folders (`names`) it would not use (links)."""
    notes = []
    for relative in (CACHE_ROOT, *(f"{CACHE_ROOT}/{name}" for name in names)):
        path = Path(root) / relative
        if path.is_symlink():
            notes.append(f"note: {relative} is a symbolic link; cjmgen never writes or deletes through a link, "
                         "so this build kept no cache there (remove the link to get the cache back)")
            if relative == CACHE_ROOT:
                break
        elif path.exists() and not path.is_dir():
            notes.append(f"note: {relative} is not a folder: this build kept no cache there")
    return notes


def write_atomically(path: Path, data: bytes | list[bytes], mode: int | None = None) -> None:
    """Write `path` through a new file of a random name beside it, then rename: a link
    already at `path` (or at any name this process could guess) is replaced, never followed."""
    fd, partial = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".partial", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            for chunk in data if isinstance(data, list) else [data]:
                stream.write(chunk)
        if mode is not None:
            os.chmod(partial, mode)
        os.replace(partial, path)
    except BaseException:
        try:
            os.unlink(partial)
        except OSError:
            pass
        raise


def read_no_follow(path: Path) -> bytes:
    """The bytes of `path`, refusing (OSError) when it is a link: a cache file planted as a
    link to a file elsewhere is never read into a site."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as stream:
        return stream.read()
