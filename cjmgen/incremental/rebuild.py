"""Rebuild the site again and again, re-rendering only what changed (serve's engine).

Two caches make a rebuild cheap: parsed files by (path, bytes, lanes), and
rendered pages by the key of their inputs (page_run.PageCache). Both are exact:
the result is always what a full build of the same files gives, which a
property test checks on random sequences of edits.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from cjmgen.build.checking import leveled
from cjmgen.build.options import BuildOptions
from cjmgen.build.pipeline import effective_config, make_renderer
from cjmgen.build.stageclock import StageClock
from cjmgen.checks.levels import blocks
from cjmgen.checks.report import format_html, plural
from cjmgen.config import SiteConfig
from cjmgen.content.markdown import MarkdownRenderer
from cjmgen.content.project import load_project
from cjmgen.content.repository import ParsedFile, parse_file
from cjmgen.diagnostics import Diagnostic, Diagnostics, Severity
from cjmgen.incremental.store import Caches
from cjmgen.pdf.libraries import notices
from cjmgen.serve.error_page import failed_build_page
from cjmgen.serve.server import BuildReport
from cjmgen.site.page_run import PageCache, PageRun, keeps_pages
from cjmgen.site.pages import plan
from cjmgen.site.render import PageError, RenderedSite, SiteRenderer
from cjmgen.site.sitemap import sitemap as site_map
from cjmgen.site.theme import Theme, ThemeError, load_theme, make_environment
from cjmgen.site.urls import SITEMAP, extra_files


@dataclass
class Outcome:
    """One rebuild: either a rendered site or the diagnostics that stopped it."""

    diagnostics: list[Diagnostic]
    rendered: RenderedSite | None
    theme: Theme | None
    config: SiteConfig
    seconds: float
    pages_rendered: int = 0
    pages_reused: int = 0
    renderer: SiteRenderer | None = None  # of a successful build: PDFs are planned from it

    @property
    def ok(self) -> bool:
        return self.rendered is not None


@dataclass
class SiteBuilder:
    root: Path
    options: BuildOptions = BuildOptions()
    # Where PDFs are cached; NoCaches also keeps nothing below between rebuilds (--no-cache).
    caches: Caches | None = None  # None: Caches.for_run(root)
    markdown: MarkdownRenderer = field(default_factory=MarkdownRenderer)
    pages: PageCache = field(default_factory=PageCache)
    parsed: dict[tuple[Any, ...], ParsedFile | None] = field(default_factory=dict)
    # The theme and its digest, with its template environment: reused while the theme's
    # files are unchanged, so templates are compiled once, not on every save.
    environment: tuple[tuple[Theme, str], jinja2.Environment] | None = None

    def __post_init__(self) -> None:
        if self.caches is None:
            self.caches = Caches.for_run(self.root)

    def parse(self, path: str, data: bytes, config: SiteConfig) -> ParsedFile | None:
        key = (path, data, config.content_dir, config.lanes, config.emotion_scale)
        if key not in self.parsed:
            self.parsed[key] = parse_file(path, data, config)
        return self.parsed[key]

    def rebuild(self, defer: Callable[[str], bool] | None = None) -> Outcome:
        """Build again, reusing what is unchanged. Changed pages for which `defer(path)`
        is true are not rendered yet: they wait in `pending` (see `finish`)."""
        started = time.perf_counter()
        clock = StageClock(self.options.stages)
        assert self.caches is not None
        if not self.caches.keeps_between_rebuilds:  # every page rendered anew, every file parsed
            self.pages, self.parsed, self.environment = PageCache(), {}, None
        self.pages.pending.clear()
        self.pages.defer = defer
        config_diagnostics = Diagnostics()
        config = effective_config(self.root, self.options, config_diagnostics)
        live: set[tuple[Any, ...]] = set()

        def parse(path: str, data: bytes, cfg: SiteConfig) -> ParsedFile | None:
            live.add((path, data, cfg.content_dir, cfg.lanes, cfg.emotion_scale))
            return self.parse(path, data, cfg)

        project = load_project(self.root, config, self.markdown, parse=parse)
        for stale in set(self.parsed) - live:
            del self.parsed[stale]  # forget old versions: memory stays bounded
        diagnostics = project.diagnostics
        diagnostics.extend(config_diagnostics)
        diagnostics.items = leveled(diagnostics, config)
        clock.lap(f"parsed and checked {plural(len(project.repo.maps), 'map', 'maps')}")
        if blocks(diagnostics.items, config.strict):
            return Outcome(diagnostics.sorted(), None, None, config, time.perf_counter() - started)
        theme = None
        try:
            theme = load_theme(config)
            identity = (theme, theme.digest())
            env = self.environment[1] if self.environment and self.environment[0] == identity else None
            # A new environment (the first rebuild, or a theme file changed) loads what is
            # compiled already: only templates whose source changed are compiled again.
            env = env or make_environment(theme, self.caches)
            renderer = make_renderer(project, theme, self.options, env=env, global_inputs=(identity[1],),
                                     kpi_values=self.caches.kpi_values())
            self.environment = (identity, renderer.env)
            before = (self.pages.rendered, self.pages.reused)
            rendered = render_site(renderer, self.pages if keeps_pages(theme) else None)
            clock.lap(f"rendered {plural(self.pages.rendered - before[0], 'page', 'pages')}, "
                      f"reused {self.pages.reused - before[1]}")
        except (ThemeError, PageError) as exc:
            self.pages.pages.clear()
            self.pages.pending.clear()
            diagnostics.error("theme", str(exc))
            return Outcome(diagnostics.sorted(), None, theme, config, time.perf_counter() - started)
        return Outcome(
            diagnostics.sorted(), rendered, theme, config, time.perf_counter() - started,
            self.pages.rendered - before[0], self.pages.reused - before[1], renderer,
        )

    def finish(self, path: str) -> tuple[str, dict[str, str]] | None:
        """Render one page the last rebuild put off: (text, published files), or None if none waits."""
        produce = self.pages.pending.pop(path, None)
        return produce() if produce is not None else None


def render_site(renderer: SiteRenderer, cache: PageCache | None) -> RenderedSite:
    """Every page in memory, the ones `cache` holds unchanged reused; the sitemap lists the
    pages put off too (they are rendered when asked for)."""
    rendered = RenderedSite()
    done = PageRun(renderer, rendered.pages.__setitem__, cache=cache).run(plan(renderer))
    rendered.files = done.files
    sitemap = site_map(renderer.repo.config, [*done.paths, *(cache.pending if cache is not None else ())])
    if sitemap is not None:
        rendered.pages[SITEMAP] = sitemap
    return rendered


def listing_page(path: str) -> bool:
    """Pages that list many maps (index, owners, channels, segments, personas, search
    index): serve puts them off after a save. A map's own page is rendered at once."""
    return not (path.startswith("maps/") and path.endswith(".html"))


@dataclass
class PreviewBuilds:
    """Adapts SiteBuilder to the dev server: each call says which files changed."""

    builder: SiteBuilder
    previous: dict[str, str | bytes] = field(default_factory=dict)
    last_printed: tuple[Any, ...] = ()
    printer: Callable[[list[Diagnostic]], None] | None = None
    say: Callable[[str], None] | None = None  # notes: which optional library the PDFs went without
    noted: set[str] = field(default_factory=set)  # libraries already named: once per session, not per PDF
    eager_pdf: bool = False  # render every PDF on each save (`serve --pdf`)
    renderer: SiteRenderer | None = None
    defer: Callable[[str], bool] | None = listing_page  # None: render every changed page at once
    lock: threading.RLock = field(default_factory=threading.RLock)  # builds, requests, idle work

    def __call__(self) -> BuildReport:
        with self.lock:
            return self.build()

    def build(self) -> BuildReport:
        # The first build renders everything; later ones put the listing pages off.
        outcome = self.builder.rebuild(defer=self.defer if self.previous else None)
        if outcome.renderer is not None:
            self.renderer = outcome.renderer
        if self.printer is not None and tuple(outcome.diagnostics) != self.last_printed:
            self.printer(outcome.diagnostics)  # the terminal shows each set of problems once
            self.last_printed = tuple(outcome.diagnostics)
        if outcome.rendered is None:
            errors = sum(d.severity.value == "error" for d in outcome.diagnostics)
            return BuildReport(
                False,
                error_page=failed_build_page(outcome.config, format_html(outcome.diagnostics, self.builder.root)),
                summary=f"build failed with {plural(errors, 'error', 'errors')}; showing them in the browser",
            )
        files: dict[str, str | bytes] = dict(outcome.rendered.pages)
        assert outcome.theme is not None
        for name, source in outcome.theme.static_files().items():
            files[f"static/{name}"] = source.read_bytes()
        for path, repo_path in outcome.rendered.files.items():
            files[path] = (outcome.config.root / repo_path).read_bytes()
        for path, source in extra_files(outcome.config).items():
            files[path] = source.read_bytes()
        if self.eager_pdf and outcome.renderer is not None and outcome.renderer.pdf_maps:
            files.update(self.render_pdfs(None))
        else:  # PDFs already served on demand stay until the next change
            files.update({p: b for p, b in self.previous.items() if p.endswith(".pdf") and p not in files})
        # A page put off keeps no stale copy: it is rendered, with the files it publishes,
        # when it is asked for (on_demand) or when the server is idle.
        waiting = self.builder.pages.pending
        write = {}
        for path, content in files.items():
            old = self.previous.get(path)
            if old is content or old == content:
                continue
            write[path] = content.encode("utf-8") if isinstance(content, str) else content
        delete = sorted(set(self.previous) - set(files))
        self.previous = files
        deferred = f", {len(waiting)} put off" if waiting else ""
        return BuildReport(
            True, write, delete,
            summary=f"{plural(outcome.pages_rendered, 'page', 'pages')} rendered, "
                    f"{outcome.pages_reused} reused{deferred}, "
                    f"{plural(len(write), 'file', 'files')} written, {len(delete)} removed",
        )

    def finish(self, path: str) -> dict[str, bytes]:
        """Render a page that was put off, with the files it publishes: what to write."""
        with self.lock:
            done = self.builder.finish(path)
            if done is None:
                return {}
            text, published = done
            out: dict[str, bytes] = {path: text.encode("utf-8")}
            for target, repo_path in published.items():
                out[target] = (self.builder.root / repo_path).read_bytes()
            self.previous.update(out)
            return out

    def idle(self) -> dict[str, bytes] | None:
        """One page that was put off, rendered while nothing else happens; None when none waits."""
        with self.lock:
            waiting = sorted(self.builder.pages.pending)
            return self.finish(waiting[0]) if waiting else None

    def render_pdfs(self, wanted: str | None) -> dict[str, bytes]:
        """Every PDF of the site (or only `wanted`, a site path), through the PDF cache."""
        renderer = self.renderer
        if renderer is None or not renderer.pdf_maps:
            return {}
        from cjmgen.pdf.publish import plan_one, plan_site, produce

        printer, planned = plan_site(renderer) if wanted is None else plan_one(renderer, wanted)
        if not planned:
            return {}
        assert self.builder.caches is not None
        outcome = produce(planned, renderer.repo.config, printer, cache=self.builder.caches.pdf_cache())
        self.note_missing(outcome.fallbacks)
        return outcome.files

    def note_missing(self, keys: list[str]) -> None:
        """Say once which optional library to install, as `build` does (cjmgen.pdf.libraries)."""
        new = [key for key in keys if key not in self.noted]
        self.noted.update(new)
        if self.say is not None:
            for line in notices(new):
                self.say(line)

    def on_demand(self, relative: str) -> dict[str, bytes] | None:
        """The dev server asks for a file it does not have: a page put off, or a PDF nobody rendered yet."""
        if relative in self.builder.pages.pending:
            return self.finish(relative)
        if not relative.endswith(".pdf"):
            return None
        with self.lock:
            return self.render_pdf(relative)

    def render_pdf(self, relative: str) -> dict[str, bytes] | None:
        from cjmgen.pdf import PdfError

        try:
            data = self.render_pdfs(relative).get(relative)
        except PdfError as exc:
            if self.printer is not None:
                self.printer([Diagnostic(Severity.ERROR, "pdf", exc.message, hint=exc.hint)])
            return None
        if data is None:
            return None
        self.previous[relative] = data
        return {relative: data}
