"""Reading a PDF back as text with poppler's pdftotext, and skipping where it is missing.

A fresh machine may lack poppler-utils (`.ci/run` installs it): a test that reads a
PDF back is marked `@needs_pdftotext`, so `make test` there skips it with a reason.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def pdf_text(path: Path, layout: bool = True) -> str:
    """The PDF's text; `layout=False` reads each column of a two-column page on its own."""
    return subprocess.run(["pdftotext", *(["-layout"] if layout else []), str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
