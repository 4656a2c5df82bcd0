"""PDFs cached by a hash of everything that goes into them (`.cjmgen-cache/pdf/`, see incremental.store).

The key covers the print HTML (map, persona, labels, stamp, type scale), the
bytes of every file the renderer may fetch (stylesheet, fonts, images), the
render options, and the versions of cjmgen and WeasyPrint. A hit also returns
what the render reported (refused URLs, WeasyPrint's warnings), so that a
cached build shows the same diagnostics as the one that rendered.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict
from importlib import metadata
from pathlib import Path

from cjmgen import __version__
from cjmgen.incremental.cache_dir import read_no_follow
from cjmgen.pdf.engine import Job, JobResult
from cjmgen.pdf.libraries import font_subsetter

KEEP_DAYS = 30


def weasyprint_version() -> str:
    """The installed WeasyPrint's version, read without importing it."""
    try:
        return metadata.version("weasyprint")
    except metadata.PackageNotFoundError:
        return "missing"


class FileDigests:
    """sha256 of files, each read once per build."""

    def __init__(self) -> None:
        self._seen: dict[Path, str] = {}

    def __call__(self, path: Path) -> str:
        if path not in self._seen:
            try:
                self._seen[path] = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                self._seen[path] = "unreadable"
        return self._seen[path]


def job_key(job: Job, files: Iterable[Path], digests: FileDigests, config: str,
            subsetter: str | None = None) -> str:
    """`subsetter`: font_subsetter(), when the caller asked it once for many jobs."""
    h = hashlib.sha256()
    parts = {
        "cjmgen": __version__,
        "weasyprint": weasyprint_version(),
        "font_subsetter": subsetter or font_subsetter(),  # HarfBuzz-Subset and fontTools differ
        "config": config,
        "job": {k: v for k, v in asdict(job).items() if k not in ("html", "name")},  # the name: see _planned
        "files": sorted((str(p), digests(p)) for p in set(files)),
    }
    h.update(json.dumps(parts, sort_keys=True, default=str).encode("utf-8"))
    h.update(b"\0")
    h.update(job.html.encode("utf-8"))
    return h.hexdigest()


class PdfCache:
    """`locate(create)`: the cache's folder (made only to write into it), None when it is
    a link: then nothing is cached, read or pruned there (see cache_dir)."""

    def __init__(self, locate: Callable[[bool], Path | None]) -> None:
        self.locate = locate
        self.folder = locate(False)

    def get(self, key: str, name: str) -> JobResult | None:
        if self.folder is None:
            return None
        pdf_path, meta_path = self._paths(key)
        try:
            meta = json.loads(read_no_follow(meta_path).decode("utf-8"))
            pdf = read_no_follow(pdf_path)
        except (OSError, ValueError):
            return None
        if hashlib.sha256(pdf).hexdigest() != meta.get("sha256"):
            return None
        now = time.time()
        for path in (pdf_path, meta_path):
            try:
                os.utime(path, (now, now))
            except OSError:
                pass
        return JobResult(
            name, pdf, int(meta.get("pages", 0)), meta.get("font"),
            [tuple(r) for r in meta.get("refused", [])],
            list(meta.get("log", [])), 0, 0.0, list(meta.get("fallbacks", [])),
        )

    def has(self, key: str) -> bool:
        """Whether an entry is there (`get` still checks its bytes)."""
        return self.folder is not None and all(path.is_file() for path in self._paths(key))

    def put(self, key: str, result: JobResult) -> None:
        meta = {
            "name": result.name, "pages": result.pages, "font": result.font,
            "refused": result.refused, "log": result.log, "fallbacks": result.fallbacks,
            "sha256": hashlib.sha256(result.pdf).hexdigest(),
        }
        self.folder = self.locate(True)
        if self.folder is None:
            return
        pdf_path, meta_path = self._paths(key)
        try:
            _atomic_write(pdf_path, result.pdf)
            _atomic_write(meta_path, json.dumps(meta, ensure_ascii=False, indent=1).encode("utf-8"))
        except OSError:
            pass  # a read-only checkout still builds, it only renders every time

    def prune(self, keep_days: int = KEEP_DAYS) -> None:
        """Forget entries unused for `keep_days` (every hit refreshes an entry's time)."""
        if self.folder is None or not self.folder.is_dir():
            return
        limit = time.time() - keep_days * 86400
        for path in self.folder.iterdir():
            try:  # an entry is unlinked, never followed: a planted link goes, its target stays
                if path.is_file() and path.lstat().st_mtime < limit:
                    path.unlink()
            except OSError:
                pass

    def _paths(self, key: str) -> tuple[Path, Path]:
        assert self.folder is not None
        return self.folder / f"{key}.pdf", self.folder / f"{key}.json"


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
