"""Pausing Python's cyclic garbage collector while many long-lived objects are made.

Its own module, importing nothing of cjmgen: the build, the parallel check and
the diff (also run by git as a textconv driver, where start-up counts) use it.
"""

from __future__ import annotations

import contextlib
import gc
from typing import Iterator


@contextlib.contextmanager
def without_cyclic_gc(freeze: bool = False) -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the model is built.

    Parsing makes hundreds of thousands of long-lived objects and no cycles;
    each of the collector's full passes walks all of them again, and at 1,000
    maps those passes were 60% of parsing and checking (7.3 -> 2.6 s of CPU for
    the parse). Memory is still freed by reference counting meanwhile.

    `freeze`: before the collector resumes, move everything to its permanent
    generation. Otherwise its first pass walks the whole new model (0.3-0.4 s
    at 1,000 maps), and later passes while pages and PDFs render walk it again
    (in a forked child that also writes to every object, copying the heap).
    Only for a model that lives until the process ends: the CLI build.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if enabled:
            gc.enable()
