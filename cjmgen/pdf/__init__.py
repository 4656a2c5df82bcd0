"""PDF infographics, posters and the training handout (WeasyPrint).

Modules: `layout` (page sizes, type scale), `document` (print HTML from the
model), `engine` (the only place WeasyPrint is imported: safe URL fetcher,
log capture, fitting), `cache` (content-hash cache), `pool` (parallel
rendering), `publish` (plan, cache, render, report). Importing this package
imports none of them, so `cjmgen check` and `build --no-pdf` stay light.
"""

from __future__ import annotations


class PdfError(Exception):
    """PDFs cannot be made at all (WeasyPrint missing, a worker died): one clear message."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
