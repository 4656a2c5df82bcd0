"""The up-to-date check: a build whose every input is unchanged writes nothing.

It digests every input in one walk of the repository and compares the digest and
the output folder's files with the record the last build left in the cache; the
record also carries what page reuse needs when only some inputs changed.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cjmgen.build.options import BuildOptions, BuildResult
from cjmgen.build.output_lock import lock_path
from cjmgen.config import SiteConfig
from cjmgen.diagnostics import Diagnostic, Diagnostics
from cjmgen.incremental.cache_dir import write_atomically
from cjmgen.incremental.codestamp import code_stamp
from cjmgen.incremental.store import Caches
from cjmgen.paths import contains


@dataclass
class UpToDate:
    """A digest of everything a build reads, and the record of the last build into `output`.

    The record (under `.cjmgen-cache/build/`) keeps the digest, the result and
    the size and mtime of every file the build left in the output folder. When
    the digest and the folder both match, the site on disk is exactly what this
    build would write, so the build only reports the stored result: nothing is
    parsed, rendered or swapped. Inputs: cjmgen's own code, the versions of the
    libraries that shape the output, the effective configuration and options,
    the theme's files, the date the build is "as of" and the git HEAD (history),
    the bytes of every content file and the size and mtime of every other file
    in the repository (assets, and links that may start or stop resolving).

    The record also keeps, per page, what page_reuse needs to keep that page in
    the next build when the inputs changed elsewhere.
    """

    record: Path | None = None
    digest: str = ""
    output: Path = Path()
    as_of: Any = None
    result: BuildResult | None = None
    previous_pages: dict[str, Any] = field(default_factory=dict)  # site path -> page_reuse.PageRecord
    pages: dict[str, Any] = field(default_factory=dict)  # this build's PageRecords, saved with it
    previous_pdfs: dict[str, Any] = field(default_factory=dict)  # PDF name -> pdf.kept.PdfRecord (JSON)
    pdfs: dict[str, Any] = field(default_factory=dict)  # this build's, saved with it
    content: dict[str, bytes] = field(default_factory=dict)  # the content files read for the digest

    @classmethod
    def check(cls, config: SiteConfig, options: BuildOptions, output: Path, config_diagnostics: Diagnostics,
              caches: Caches, theme_digest: str | None) -> UpToDate:
        """`theme_digest`: None where the theme cannot be loaded (a real build reports why)."""
        from cjmgen.content.gitio import head_commit, source_date

        if options.compare or config_diagnostics.items or theme_digest is None:
            return cls()  # --compare reads other revisions; config problems are reported by a real build
        try:
            as_of = source_date(config.root)
            head = head_commit(config.root)
            content: dict[str, bytes] = {}
            digest = _input_digest(config, options, output, as_of, head.sha if head else None, theme_digest, content)
        except (OSError, ValueError):
            return cls()
        if digest is None:
            return cls(as_of=as_of)
        records = caches.build_records()
        if records is None:  # no cache, or a link (cache_dir): no record read or written, the build says so
            return cls(as_of=as_of, content=content)
        record = records / (hashlib.sha256(str(output).encode()).hexdigest()[:16] + ".json")
        found = cls(record, digest, output, as_of, content=content)
        try:
            stored = json.loads(record.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return found
        files_now = _output_files(output)
        if stored.get("digest") == digest and stored.get("files") == files_now:
            found.result = _result_from(stored["result"], output)
        elif isinstance(stored.get("pages"), dict) and isinstance(stored.get("files"), dict):
            from cjmgen.incremental.page_reuse import load_previous

            found.previous_pages = load_previous(stored["pages"], stored["files"], files_now)
        if isinstance(stored.get("pdfs"), dict):  # PDFs come from the PDF cache, not the old site
            found.previous_pdfs = stored["pdfs"]
        return found

    def save(self, result: BuildResult, caches: Caches) -> None:
        if self.record is None:
            return
        stored = {
            "digest": self.digest, "files": _output_files(self.output), "result": _result_to(result),
            "pages": {path: record.to_json() for path, record in sorted(self.pages.items())},
            "pdfs": self.pdfs,
        }
        try:
            if caches.build_records(create=True) is not None:
                write_atomically(self.record, json.dumps(stored, ensure_ascii=False).encode("utf-8"))
        except OSError:
            pass  # a read-only checkout builds every time


MAX_WALKED_FILES = 50_000  # beyond this the repository listing costs too much: no shortcut


def _input_digest(config: SiteConfig, options: BuildOptions, output: Path, as_of: Any, head: str | None,
                  theme_digest: str, content_read: dict[str, bytes]) -> str | None:
    """The digest of every input; the content files' bytes go into `content_read`
    (file path -> bytes), so that the build does not read them twice."""
    digest = hashlib.sha256()

    def add(*parts: object) -> None:
        for part in parts:
            digest.update(part if isinstance(part, bytes) else repr(part).encode("utf-8"))
            digest.update(b"\0")

    add(code_stamp(options.pdf), config, options, str(output), as_of, head)
    add(theme_digest)
    root = config.root.resolve()
    content = str(config.content_path)
    if not contains(root, content):  # content outside the repository
        from cjmgen.content.repository import read_sources

        for path, data in read_sources(config).items():
            add(path, data)
    walked = 0
    # The output folder's lock file sits beside it, often in the repository, and every
    # build writes its pid into it: counted as an input, no build would ever be up to date.
    lock = str(lock_path(output).resolve())
    # One walk: the bytes of every Markdown file and catalog of the content folder (a
    # superset of what the build reads), the size and time of every other file.
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__" and here / d != output)
        in_content = folder == content or folder.startswith(content + os.sep)
        for name in sorted(files):
            path = os.path.join(folder, name)
            if path == lock:
                continue
            if in_content and (name.endswith(".md") or name == "channels.yml"):
                with open(path, "rb") as stream:
                    data = content_read[path] = stream.read()
                add(os.path.relpath(path, root), data)
            else:
                stat = os.stat(path)
                add(os.path.relpath(path, root), stat.st_size, stat.st_mtime_ns)
            walked += 1
        if walked > MAX_WALKED_FILES:
            return None
    return digest.hexdigest()


def _output_files(output: Path) -> dict[str, list[int]] | None:
    """Every file of the site: relative path -> [size, mtime]. Asked twice a build, so
    os.scandir without a `relpath` per file (faster than `os.walk`; docs/benchmarks.md)."""
    if not output.is_dir():
        return None
    found: dict[str, list[int]] = {}
    folders = [(str(output), "")]
    while folders:
        folder, prefix = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append((entry.path, prefix + entry.name + os.sep))
                elif not entry.is_dir():  # a link to a folder is neither entered nor listed
                    stat = entry.stat()
                    found[prefix + entry.name] = [stat.st_size, stat.st_mtime_ns]
    return dict(sorted(found.items()))


def _result_to(result: BuildResult) -> dict[str, Any]:
    return {
        "diagnostics": [d.as_dict() for d in result.diagnostics], "pages": result.pages, "maps": result.maps,
        "pdfs": result.pdfs, "notes": result.notes, "fallbacks": result.fallbacks,
    }


def _result_from(stored: dict[str, Any], output: Path) -> BuildResult:
    diagnostics = [Diagnostic.from_dict(d) for d in stored["diagnostics"]]
    return BuildResult(diagnostics, output, written=True, pages=stored["pages"], maps=stored["maps"],
                       pdfs=stored["pdfs"], pdfs_rendered=0, notes=list(stored["notes"]),
                       fallbacks=list(stored.get("fallbacks", [])))
