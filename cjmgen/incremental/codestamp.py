"""What identifies the code that turns inputs into output: cjmgen's sources, the
libraries that shape the output, and Python itself.

A cache entry (a build record, a parsed file) made by other code is never
reused: the stamp is part of every key.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sys
from pathlib import Path

SHAPING_LIBRARIES = ("jinja2", "markupsafe", "markdown_it", "yaml")


def library_stamp(module: str) -> tuple[str, int, int] | None:
    """Where a library is installed, with the size and time of its __init__ file: any
    upgrade or reinstall changes them. (Asking importlib.metadata for versions cost
    more than the rest of a no-change build of 100 maps; this does not import it.)"""
    import importlib.util

    try:
        spec = importlib.util.find_spec(module)
        if spec is None or spec.origin is None:
            return None
        info = os.stat(spec.origin)
    except (ImportError, ValueError, OSError):
        return None
    return spec.origin, info.st_size, info.st_mtime_ns


def code_files(package: Path) -> list[Path]:
    """cjmgen's sources: its .py files and the catalogs of its labels and phrases (cjmgen/i18n/catalogs)."""
    return sorted([*package.rglob("*.py"), *package.glob("i18n/catalogs/*.yml")])


@functools.lru_cache(maxsize=4)
def code_stamp(pdf: bool = False) -> bytes:
    """sha256 of cjmgen's .py files, the shaping libraries (WeasyPrint too with `pdf`)
    and the Python version. Read once per process."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    for path in code_files(package):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    for name in SHAPING_LIBRARIES + (("weasyprint",) if pdf else ()):
        digest.update(repr((name, library_stamp(name))).encode() + b"\0")
    digest.update(sys.version.encode())
    return digest.digest()
