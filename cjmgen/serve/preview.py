"""The preview `cjmgen serve` runs: the dev server wired to the incremental builder,
watching every file a rebuild reads."""

from __future__ import annotations

import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from cjmgen.build.options import BuildOptions
from cjmgen.config import load_config
from cjmgen.diagnostics import Diagnostic, Diagnostics
from cjmgen.incremental.rebuild import PreviewBuilds, SiteBuilder
from cjmgen.incremental.store import Caches
from cjmgen.serve.server import DevServer
from cjmgen.site.theme import ThemeError, load_theme
from cjmgen.site.urls import extra_files


@dataclass
class WatchedPaths:
    """The files and folders to watch: asked every poll, worked out again when cjmgen.yml changes."""

    root: Path
    known: dict[object, list[Path]] = field(default_factory=dict)  # cjmgen.yml's stamp -> its paths

    def __call__(self) -> list[Path]:
        try:
            info = (self.root / "cjmgen.yml").stat()
            stamp: object = (info.st_mtime_ns, info.st_size)
        except OSError:
            stamp = None
        if stamp not in self.known:
            self.known.clear()
            self.known[stamp] = self.paths()
        return self.known[stamp]

    def paths(self) -> list[Path]:
        """cjmgen.yml, the content folder, extra files and the theme's folders."""
        config = load_config(self.root, Diagnostics())
        paths = [self.root / "cjmgen.yml", config.content_path, *extra_files(config).values()]
        try:
            theme = load_theme(config)
            paths += theme.layers()
        except ThemeError:
            if config.theme_custom_dir:
                paths.append(self.root / config.theme_custom_dir)
        return paths


def open_preview(root: Path, host: str, port: int, *, drafts: bool, eager_pdf: bool, no_cache: bool = False,
                 log: Callable[[str], None], stages: Callable[[str], None] | None,
                 show_problems: Callable[[list[Diagnostic]], None]) -> DevServer:
    """A dev server for the repository at `root`, not started yet.

    PDF links are on and their files rendered when asked for (every save with
    `eager_pdf`); `no_cache` keeps nothing between rebuilds nor in .cjmgen-cache;
    `log` gets a line per rebuild and the notes, `stages` the timed stages of
    each rebuild (-v), `show_problems` each new set of diagnostics.
    """
    root = root.resolve()
    builder = SiteBuilder(root, BuildOptions(drafts=drafts, pdf=True, stages=stages),
                          Caches.for_run(root, no_cache))
    builds = PreviewBuilds(builder, printer=show_problems, eager_pdf=eager_pdf, say=log)
    base_path = urlsplit(load_config(root, Diagnostics()).base_url).path or "/"
    return DevServer(builds, WatchedPaths(root), host, port, base_path, on_demand=builds.on_demand,
                     idle=builds.idle, log=log)


def interrupt_on_sigterm() -> None:
    """`kill` ends the preview as Ctrl-C does: through KeyboardInterrupt, so its folder is removed."""
    signal.signal(signal.SIGTERM, _interrupt)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
