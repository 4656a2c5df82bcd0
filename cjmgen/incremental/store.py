"""Every cache cjmgen keeps, behind one object made once per run from the repository root.

`.cjmgen-cache/` holds one folder per cache:
- `build/`     the record of the last build into each output folder (is the site
               up to date? which pages and PDFs can be kept?), plain JSON;
- `parsed/`    parsed files, pickled and signed (parse_cache);
- `pieces/`    pieces of listing pages, pickled and signed (page_reuse.PieceStore);
- `templates/` a theme with the repository's templates, compiled by Jinja and signed
               (site.theme.make_environment; cjmgen's own theme is compiled into
               `$XDG_CACHE_HOME/cjmgen/templates/`, shared by every repository);
- `pdf/`       rendered PDFs by the hash of their inputs (pdf_cache);
- `kpi-values/` typed KPI values of past versions of maps, by blob id (kpi_values).
`serve` also keeps parsed files and rendered pages in memory between rebuilds.

Code asks `Caches` for each of them; `NoCaches` (`--no-cache`, `CJMGEN_NO_CACHE=1`)
answers "none" every time, so a run reads nothing from and writes nothing to
`.cjmgen-cache/` and keeps nothing between rebuilds: the same bytes, only slower.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cjmgen.incremental.cache_dir import cache_folder, link_notes, real_folder
from cjmgen.incremental.kpi_values import KpiValueStore
from cjmgen.incremental.signing import Signer, user_cache_home

if TYPE_CHECKING:
    from cjmgen.incremental.page_reuse import PieceStore, StableNames
    from cjmgen.incremental.parse_cache import ParseCache
    from cjmgen.incremental.pdf_cache import PdfCache

BUILD_RECORDS = "build"
PARSED = "parsed"
PIECES = "pieces"
TEMPLATES = "templates"
PDF = "pdf"
KPI_VALUES = "kpi-values"
#: Every folder of `.cjmgen-cache/`, in the order the build's notes name them.
CACHE_NAMES = (BUILD_RECORDS, PARSED, PIECES, PDF, TEMPLATES, KPI_VALUES)
NO_CACHE_VARIABLE = "CJMGEN_NO_CACHE"


@dataclass(frozen=True)
class Caches:
    """The caches of the repository at `root`. Folders that are links are never used
    (cache_dir); signed caches need this user's key (signing), made on first use
    unless `create_key` is false (a run that writes nothing: `cjmgen check`)."""

    root: Path
    create_key: bool = True

    #: Whether serve keeps parsed files, pages and compiled templates between rebuilds.
    keeps_between_rebuilds = True

    @staticmethod
    def for_run(root: Path, no_cache: bool = False, create_key: bool = True) -> Caches:
        """The caches of one run: none with `--no-cache` or CJMGEN_NO_CACHE set (not empty, not 0)."""
        if no_cache or os.environ.get(NO_CACHE_VARIABLE, "") not in ("", "0"):
            return NoCaches(Path(root))
        return Caches(Path(root), create_key)

    def folder(self, name: str, create: bool = True) -> Path | None:
        """`.cjmgen-cache/<name>` (one of CACHE_NAMES); None when it must not be used."""
        return cache_folder(self.root, name, create=create and self.create_key)

    @functools.cached_property
    def signer(self) -> Signer | None:
        return Signer.for_user(create=self.create_key)

    def notes(self) -> list[str]:
        """What the build tells the user about cache folders it would not use (links)."""
        return link_notes(self.root, CACHE_NAMES)

    def build_records(self, create: bool = False) -> Path | None:
        return self.folder(BUILD_RECORDS, create=create)

    def parse_cache(self) -> ParseCache | None:
        # Parsing's modules load only when a build has work to do: an up-to-date build
        # answers in start-up time (build.pipeline).
        from cjmgen.incremental.parse_cache import ParseCache

        folder = self.folder(PARSED)
        if self.signer is None or folder is None:
            return None
        return ParseCache.open(folder, self.signer)

    def compiled_templates(self, sandboxed: bool, first_build: bool = False) -> tuple[Path, Signer] | None:
        """Where the theme's compiled templates are kept, and the signer that vouches for them.

        cjmgen's own templates (`sandboxed` false: the repository brings none) are kept in
        the user's cache, `$XDG_CACHE_HOME/cjmgen/templates`, as Python keeps the bytecode
        of its modules: once compiled on a machine, the first build of any clone compiles
        nothing. A repository's templates are kept in its own cache from its second build
        on (`first_build`: not yet)."""
        if self.signer is None:
            return None
        if not sandboxed:
            home = user_cache_home()  # neither its `cjmgen` folder nor `templates` may be a link
            folder = real_folder(home.parent, (home.name, TEMPLATES), create=self.create_key)
        else:
            folder = None if first_build else self.folder(TEMPLATES)
        return (folder, self.signer) if folder is not None else None

    def piece_store(self, names: StableNames) -> PieceStore | None:
        from cjmgen.incremental.page_reuse import PieceStore  # with the renderer: see parse_cache

        folder = self.folder(PIECES)
        return PieceStore(folder, self.signer, names) if folder is not None and self.signer is not None else None

    def pdf_cache(self) -> PdfCache | None:
        from cjmgen.incremental.pdf_cache import PdfCache  # only a build that prints: see parse_cache

        return PdfCache(functools.partial(self.folder, PDF))

    def kpi_values(self) -> KpiValueStore | None:
        return KpiValueStore(functools.partial(self.folder, KPI_VALUES))


@dataclass(frozen=True)
class NoCaches(Caches):
    """No cache at all: nothing is read from or written to `.cjmgen-cache/`, and serve
    renders every page of every rebuild."""

    keeps_between_rebuilds = False

    def folder(self, name: str, create: bool = True) -> Path | None:
        return None

    @functools.cached_property
    def signer(self) -> Signer | None:
        return None

    def notes(self) -> list[str]:
        return []

    def parse_cache(self) -> ParseCache | None:
        return None

    def pdf_cache(self) -> PdfCache | None:
        return None

    def kpi_values(self) -> KpiValueStore | None:
        return None
