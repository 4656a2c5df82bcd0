"""Pausing Python's cyclic garbage collector while many long-lived objects are made.

Its own module, importing nothing of cjmgen: the build, the parallel check and
the diff (also run by git as a textconv driver, where start-up counts) use it.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def without_cyclic_gc(freeze: bool = False) -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the model is built.

    Parsing makes hundreds of thousands of long-lived objects and no cycles;
    each of the collector's full passes walks all of them again, and those passes
    were most of parsing and checking (docs/benchmarks.md). Memory is still freed by
    reference counting meanwhile.

    `freeze`: before the collector resumes, move everything to its permanent
    generation. Otherwise its first pass walks the whole new model, and later passes
    while pages and PDFs render walk it again
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


#: Allocations between two passes of the collector's youngest generation while pages
#: render (Python's default is 700). Rendering makes and drops millions of small objects,
#: nearly all freed by reference counting before any pass sees them; at 10,000 the passes
#: take a fraction of the default's time (measured with gc.callbacks: docs/benchmarks.md).
RENDER_GC_THRESHOLD = 10_000


def freeze_what_lives_on() -> None:
    """Before a CLI build renders: move every object that exists now to the collector's
    permanent generation, and let it pass less often.

    The catalog (a ref per stage and per touchpoint of every map, made after the model
    was frozen) lives until the process ends, and each full pass while pages rendered
    walked it again, a tenth of the render at 5,000 maps (docs/benchmarks.md). Only for
    a process that ends with the build.
    """
    gc.freeze()
    gc.set_threshold(RENDER_GC_THRESHOLD, *gc.get_threshold()[1:])
