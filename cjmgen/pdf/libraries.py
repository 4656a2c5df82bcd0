"""System libraries WeasyPrint can do without, and the one line a build prints when one is missing.

WeasyPrint 70 subsets the fonts it embeds with HarfBuzz-Subset (`libharfbuzz-subset.so.0`,
Debian's `libharfbuzz-subset0`) when it can load a version of at least 4.1.0, and falls
back to fontTools otherwise, logging the same warning for every font of every PDF. The
PDFs are correct either way, so cjmgen takes that warning as expected (any other
WeasyPrint warning is still reported) and says once per build what to install.

Nothing here imports WeasyPrint: `font_subsetter` is asked for every PDF's cache key,
also in builds that take every PDF from the cache and never load WeasyPrint.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class OptionalLibrary:
    key: str  # stored with cached PDFs
    name: str
    install: str  # the command, on Debian and Ubuntu
    package: str  # what other systems call it
    without: str  # what WeasyPrint does instead
    log_prefix: str  # the start of WeasyPrint's warning when it goes without


HARFBUZZ_SUBSET = OptionalLibrary(
    key="harfbuzz-subset",
    name="HarfBuzz-Subset (4.1.0 or newer)",
    install="apt-get install libharfbuzz-subset0",
    package="HarfBuzz",
    without="the PDFs' fonts were subset with fontTools instead (slower; future WeasyPrint versions require it)",
    log_prefix="Using fontTools instead of HarfBuzz-Subset",
)
OPTIONAL = (HARFBUZZ_SUBSET,)

#: The names WeasyPrint 70 (weasyprint/text/ffi.py) tries, in its order.
_SUBSET_NAMES = ("libharfbuzz-subset.so.0", "libharfbuzz-subset.0.dylib", "libharfbuzz-subset-0.dll")
_HARFBUZZ_NAMES = ("libharfbuzz.so.0", "libharfbuzz.0.dylib", "libharfbuzz-0.dll")


def gone_without(message: str) -> OptionalLibrary | None:
    """The library a WeasyPrint log message says it went without, if it says that."""
    return next((lib for lib in OPTIONAL if message.startswith(lib.log_prefix)), None)


def notices(keys: Iterable[str]) -> list[str]:
    """One line per missing library, with the command that installs it."""
    wanted = set(keys)
    return [
        f"note: the optional system library {lib.name} is missing: {lib.without}; "
        f"install it with `{lib.install}` (Debian/Ubuntu; elsewhere, your system's {lib.package} package)"
        for lib in OPTIONAL if lib.key in wanted
    ]


def font_subsetter() -> str:
    """"harfbuzz" or "fonttools": which one WeasyPrint subsets fonts with on this machine.

    The two give different bytes, so the name is part of every PDF's cache key: after
    the library is installed (or removed) the PDFs are rendered again. Once WeasyPrint is
    loaded its own answer is used; before, the libraries are probed the same way.
    """
    ffi = sys.modules.get("weasyprint.text.ffi")
    if ffi is not None:
        usable = ffi.harfbuzz_subset is not None and bool(ffi.harfbuzz.hb_version_atleast(4, 1, 0))
        return "harfbuzz" if usable else "fonttools"
    return probed_font_subsetter()


def probed_font_subsetter() -> str:
    """font_subsetter() found without WeasyPrint: the libraries loaded as WeasyPrint loads them."""
    return "harfbuzz" if _load(_SUBSET_NAMES) is not None and _harfbuzz_at_least(4, 1, 0) else "fonttools"


def _load(names: tuple[str, ...]) -> ctypes.CDLL | None:
    for name in names:
        try:
            return ctypes.CDLL(name)
        except OSError:
            continue
    return None


def _harfbuzz_at_least(major: int, minor: int, micro: int) -> bool:
    harfbuzz = _load(_HARFBUZZ_NAMES)
    if harfbuzz is None:
        return False
    try:
        return bool(harfbuzz.hb_version_atleast(major, minor, micro))
    except AttributeError:
        return False
