"""Atomic output: build the site in a fresh folder beside the target, then swap it in.

A reader of the intranet never sees half a site, and a failed build leaves the
previously published site byte for byte as it was. The swap itself is atomic
where the system allows (cjmgen.build.swap); a build killed in it is repaired by the next. Nothing outside the output
folder is touched, and a folder that cjmgen did not make is never replaced.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path
from types import TracebackType

from cjmgen.build.swap import MARKER, swap_in
from cjmgen.paths import contains

MARKER_TEXT = "This folder is written by `cjmgen build` and replaced on every build.\n"


class OutputError(Exception):
    """The output folder cannot be used; the message says why and what to do."""


def check_output_location(output: Path, root: Path, content: Path) -> None:
    output, root, content = output.resolve(), root.resolve(), content.resolve()
    if contains(output, root):
        raise OutputError(f"output folder {output} is the repository or contains it; choose a subfolder such as site/")
    if contains(output, content):
        raise OutputError(f"output folder {output} contains the content folder {content}; it would be deleted")
    if contains(content, output):
        raise OutputError(f"output folder {output} is inside the content folder {content}; choose a folder outside it")
    if output.exists() and not output.is_dir():
        raise OutputError(f"output path {output} exists and is not a folder")
    if output.is_dir() and any(output.iterdir()) and not (output / MARKER).is_file():
        raise OutputError(
            f"output folder {output} is not empty and was not made by cjmgen; "
            "refusing to replace it (delete it yourself or choose another --output)"
        )


#: A staging folder older than this was left by a build that was killed (SIGKILL, a
#: cancelled CI job, a power cut: no `finally` ran). No build runs for a day, so the next
#: build removes it instead of letting thousands of files pile up beside the site.
ABANDONED_AFTER = 24 * 3600


def remove_abandoned(output: Path) -> None:
    """Remove `.<output>.new-*` and `.<output>.old-*` folders (ours: made by mkdtemp
    below) last changed more than ABANDONED_AFTER ago; never a link, never anything else."""
    prefixes = (f".{output.name}.new-", f".{output.name}.old-")
    now = time.time()
    try:
        entries = list(os.scandir(output.parent))
    except OSError:
        return
    for entry in entries:
        if not entry.name.startswith(prefixes):
            continue
        try:
            if (entry.is_dir(follow_symlinks=False)
                    and now - entry.stat(follow_symlinks=False).st_mtime > ABANDONED_AFTER):
                shutil.rmtree(entry.path, ignore_errors=True)
        except OSError:
            continue


class StagedOutput:
    """`with StagedOutput(path) as out: out.write(...)` swaps in only on success."""

    def __init__(self, output: Path) -> None:
        self.output = output.resolve()
        self.dir: Path = Path()

    def __enter__(self) -> StagedOutput:
        self.output.parent.mkdir(parents=True, exist_ok=True)
        remove_abandoned(self.output)
        self.dir = Path(tempfile.mkdtemp(prefix=f".{self.output.name}.new-", dir=self.output.parent))
        return self

    def target(self, relative: str) -> Path:
        """Where `relative` goes in the staging folder (never outside it). Checked by name:
        the folder is new and holds only what this build wrote, never a symlink."""
        target = Path(os.path.normpath(self.dir / relative))
        if not contains(self.dir, target):
            raise OutputError(f"refusing to write outside the output folder: {relative}")
        return target

    def write(self, relative: str, data: bytes) -> None:
        target = self.target(relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)

    def copy(self, relative: str, source: Path) -> None:
        self.write(relative, source.read_bytes())

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None,
    ) -> None:
        if exc_type is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            return
        (self.dir / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        os.chmod(self.dir, 0o755)  # mkdtemp makes 0700; web servers must read it
        free = Path(tempfile.mkdtemp(prefix=f".{self.output.name}.old-", dir=self.output.parent))
        os.rmdir(free)  # a name of ours, for the two-rename swap where the system cannot exchange
        previous = swap_in(self.dir, self.output, free)
        if previous is not None:
            shutil.rmtree(previous, ignore_errors=True)
