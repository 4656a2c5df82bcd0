"""What a build is asked to do (BuildOptions) and what it did (BuildResult): shared by the
pipeline, the up-to-date check that stores a result and the commands that print one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cjmgen.diagnostics import Diagnostic


@dataclass(frozen=True)
class BuildOptions:
    output: Path | None = None  # default: the config's output_dir
    base_url: str | None = None
    site_url: str | None = None  # an absolute http(s) URL (checked by the CLI); its path is the base URL
    drafts: bool = False
    strict: bool = False
    pdf: bool = True
    compare: str | None = None  # a git revision: add the "What changed" page (changes.html)
    # Lines for the person waiting (how far a long PDF render has got); not an input.
    progress: Callable[[str], None] | None = field(default=None, repr=False, compare=False)
    # Each stage's line with its time (`-v`); not an input either.
    stages: Callable[[str], None] | None = field(default=None, repr=False, compare=False)


@dataclass
class BuildResult:
    diagnostics: list[Diagnostic]
    output: Path
    written: bool = False
    pages: int = 0
    maps: int = 0
    pdfs: int = 0
    pdfs_rendered: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    # Optional system libraries the PDF renderer went without (cjmgen.pdf.libraries keys).
    fallbacks: list[str] = field(default_factory=list)
