"""The build pipeline, top to bottom: load, check, render, write atomically, PDFs."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cjmgen.build.checking import Blocked, BuildChecks, body_problems
from cjmgen.build.faults import wait_point
from cjmgen.build.gcpause import freeze_what_lives_on, without_cyclic_gc

# BuildOptions and BuildResult are named here too: the pipeline is where callers look for them
from cjmgen.build.options import BuildOptions as BuildOptions
from cjmgen.build.options import BuildResult as BuildResult
from cjmgen.build.output_lock import output_lock
from cjmgen.build.stageclock import StageClock
from cjmgen.build.swap import recover_interrupted
from cjmgen.build.up_to_date import UpToDate
from cjmgen.build.workers import Share, WorkerDied, share_out, worker_count
from cjmgen.build.writer import OutputError, StagedOutput
from cjmgen.checks.report import plural
from cjmgen.config import (
    SiteConfig,
    load_config,
    normalise_base_url,
    normalise_site_url,
    output_outside,
    outside_content_note,
    site_url_path,
)
from cjmgen.diagnostics import Diagnostics, SourceLocation
from cjmgen.incremental.store import Caches
from cjmgen.site.sitemap import sitemap as site_map
from cjmgen.site.theme import Theme, ThemeError, load_theme, make_environment
from cjmgen.site.urls import SITEMAP, extra_files

if TYPE_CHECKING:
    import jinja2

    from cjmgen.content.project import LoadedProject
    from cjmgen.incremental.page_reuse import PageReuse
    from cjmgen.incremental.parse_cache import ParseCache
    from cjmgen.site.page_run import RenderedPages
    from cjmgen.site.pages import PageSpec
    from cjmgen.site.render import SiteRenderer

# Parsing, checking and rendering (jinja2, markdown-it, the model) are imported when a
# build has work to do: a build whose inputs are unchanged answers in start-up time.


def effective_config(root: Path, options: BuildOptions, diagnostics: Diagnostics) -> SiteConfig:
    config = load_config(root.resolve(), diagnostics)
    site_url = normalise_site_url(options.site_url) if options.site_url else None
    base_url = options.base_url or (site_url_path(site_url) if site_url else None)
    return config.with_overrides(
        site_url=site_url,
        base_url=normalise_base_url(base_url) if base_url else None,
        strict=options.strict or None,
    )


def build(root: Path, options: BuildOptions = BuildOptions(), no_cache: bool = False) -> BuildResult:
    """Check the repository, then publish the site; on any error nothing is written.
    `no_cache` (or CJMGEN_NO_CACHE=1): read and keep no cache (incremental.store)."""
    started = time.perf_counter()
    run = BuildRun.configure(root, options, no_cache)
    with run.one_at_a_time() as recovered:
        result = _stages(run)
    if recovered:
        result.notes.insert(0, recovered)
    result.seconds = time.perf_counter() - started
    return result


def _stages(run: BuildRun) -> BuildResult:
    """The stages of a build, in order: up to date?, load, check, plan, render, write, PDFs."""
    fresh = UpToDate.check(run.config, run.options, run.output, run.config_diagnostics, run.caches,
                           run.theme_digest)
    run.clock.lap("read cjmgen.yml and compared every input with the last build")
    if fresh.result is not None:
        return run.with_notes(fresh.result)
    # Rendering is imported only when there is work: an up-to-date build never pays for it
    from cjmgen.pdf import PdfError
    from cjmgen.site.render import PageError

    loaded = _load(run, fresh)
    project = loaded.project
    run.clock.lap(f"parsed and checked {plural(len(project.repo.maps), 'map', 'maps')}, "
                  f"{plural(len(project.repo.personas), 'persona', 'personas')}")
    run.checks.loaded(project, run.config_diagnostics, run.output)
    changes = _compare(project, run.options.compare, project.diagnostics) if run.options.compare else None
    result = BuildResult([], run.output)
    if run.checks.blocks(project):  # every problem of the run is reported at once: the bodies too
        loaded.histories(())  # no pages: only wait for git, leaving no thread behind
        run.checks.bodies_now(project)
        if loaded.parsed is not None:
            loaded.parsed.store_pending()  # the next build, after the fix, loads what parsed fine
    else:
        try:
            _publish(run, loaded, result, changes, fresh)
        except (ThemeError, PageError) as exc:
            project.diagnostics.error("theme", str(exc))
        except (OutputError, WorkerDied) as exc:
            project.diagnostics.error("output", str(exc))
        except Blocked:
            pass  # the problems are in the diagnostics; the old site stays
        except PdfError as exc:
            project.diagnostics.error("pdf", exc.message, hint=exc.hint)
        except OSError as exc:
            project.diagnostics.error("output", f"cannot write the site: {exc}")
    if loaded.parsed is not None:
        loaded.parsed.join_helpers()  # a parse helper's pack is written before the build ends
    result.diagnostics = project.diagnostics.sorted()
    result.maps = len(project.repo.published(run.options.drafts))
    if result.written and not run.cache_notes:  # a record's notes would outlive the links
        fresh.save(result, run.caches)  # stored without this run's notes
    return run.with_notes(result)


def _publish(run: BuildRun, loaded: Loaded, result: BuildResult, changes: Any, fresh: UpToDate) -> None:
    """Plan the site, render its pages into a staging folder with the theme's and the
    repository's files and the PDFs, and swap it in. With a parse cache and the last
    build's record, pages and PDFs whose inputs are unchanged are kept from the last site."""
    from cjmgen.site.page_run import keeps_pages
    from cjmgen.site.pages import plan

    project, parsed = loaded.project, loaded.parsed
    theme = run.theme_or_raise()
    recorded = parsed is not None and fresh.record is not None
    renderer = make_renderer(project, theme, run.options, changes, histories=loaded.histories,
                             env=make_environment(theme, run.caches, first_build=not recorded),
                             body_checker=lambda journey_map: body_problems(project, journey_map),
                             global_inputs=(run.theme_digest,), names=parsed.names if parsed else None)
    kept_from = fresh if recorded and keeps_pages(theme) else None
    freeze_what_lives_on()  # the model and the catalog live on: the collector stops walking them while planning
    specs = plan(renderer)
    with StagedOutput(run.output) as staging:
        reuse = _page_reuse(run, parsed, kept_from, staging) if parsed and kept_from else None
        pages = render_pages(renderer, specs, staging, reuse, parsed.store_pending if parsed else None)
        result.pages = len(pages.paths)
        run.clock.lap(f"rendered {plural(result.pages, 'page', 'pages')}")
        if reuse is not None:
            fresh.pages = reuse.records
            if reuse.pieces is not None:
                reuse.pieces.prune(set(reuse.records))
        run.checks.admit(project, pages.late)
        _copy_files(staging, theme, pages.files, run.config)
        run.clock.lap("copied the theme's and the repository's files")
        if renderer.pdf_maps:
            _write_pdfs(run, renderer, loaded, kept_from, staging, result)
            run.clock.lap(f"{plural(result.pdfs, 'PDF', 'PDFs')} ({result.pdfs_rendered} rendered)")
    run.clock.lap("swapped the new site in")
    result.written = True


@dataclass
class BuildRun:
    """What every stage of one build reads: the options, the configuration over them, where
    the site goes, the caches, the theme (loaded and digested once), the checks, the clock."""

    root: Path
    options: BuildOptions
    config: SiteConfig
    config_diagnostics: Diagnostics  # cjmgen.yml's problems, reported with the rest
    output: Path
    outside: bool  # the configured output folder is outside the repository: nothing is written
    caches: Caches
    checks: BuildChecks
    clock: StageClock
    theme: Theme | None  # None: loading it failed with `theme_error`, reported if the build gets there
    theme_error: Exception | None
    theme_digest: str | None
    notes: list[str]  # said every run, never stored with the build's record
    cache_notes: list[str]  # cache folders that are links: not used (cache_dir)

    @classmethod
    def configure(cls, root: Path, options: BuildOptions, no_cache: bool) -> BuildRun:
        clock = StageClock(options.stages)
        config_diagnostics = Diagnostics()
        config = effective_config(root, options, config_diagnostics)
        caches = Caches.for_run(config.root, no_cache)
        options = replace(options, strict=config.strict)  # `strict: true` in cjmgen.yml is --strict
        output = options.output.resolve() if options.output else config.output_path
        # A repository does not choose where cjmgen writes: not even a lock file or a recovery there.
        outside = options.output is None and output_outside(config)
        if outside:
            config_diagnostics.error("output", outside, config.output_dir_location or SourceLocation(config.output_dir),
                                     hint="output_dir is a folder of the repository, such as site/")
        theme, theme_error, theme_digest = _theme(config)
        cache_notes = caches.notes()
        return cls(root, options, config, config_diagnostics, output, bool(outside), caches,
                   BuildChecks(config, options.strict, options.drafts), clock, theme, theme_error, theme_digest,
                   [*cache_notes, *filter(None, [outside_content_note(config)])], cache_notes)

    @contextlib.contextmanager
    def one_at_a_time(self) -> Iterator[str | None]:
        """Hold the output folder's lock (one build at a time); a swap an interrupted build
        left half done is repaired first: yields what was repaired, if anything."""
        if self.outside:
            yield None
            return
        with output_lock(self.output, self.options.progress):
            yield recover_interrupted(self.output)

    def with_notes(self, result: BuildResult) -> BuildResult:
        result.notes[:0] = self.notes
        return result

    def theme_or_raise(self) -> Theme:
        if self.theme is None:
            assert self.theme_error is not None
            raise self.theme_error
        return self.theme


def _theme(config: SiteConfig) -> tuple[Theme | None, Exception | None, str | None]:
    """The theme and the digest of its files, or why it cannot be loaded."""
    try:
        theme = load_theme(config)
        return theme, None, theme.digest()
    except (ThemeError, OSError, ValueError) as exc:
        return None, exc, None


@dataclass
class Loaded:
    project: LoadedProject
    parsed: ParseCache | None  # names the model, signs cache files; None without a cache
    histories: Callable[[Any], Any]  # history.prefetch_histories: git's history, read meanwhile


def _load(run: BuildRun, fresh: UpToDate) -> Loaded:
    """Parse the content (unchanged files from the parse cache) and run every check of
    `cjmgen check` but the published maps' bodies (BuildChecks); git's history is read
    meanwhile, in a thread."""
    from cjmgen.content.markdown import BUILD_TOKEN_CACHE, MarkdownRenderer
    from cjmgen.content.project import load_project
    from cjmgen.content.repository import read_sources
    from cjmgen.review.history import prefetch_histories

    config, parsed = run.config, run.caches.parse_cache()
    sources = read_sources(config, fresh.content)
    fresh.content = {}
    if parsed is not None:
        parsed.parse_ahead(sources, config)  # forks: before the git thread below starts
    histories = prefetch_histories(config.root, config, store=run.caches.kpi_values(), sources=sources)
    project = load_project(run.root, config, MarkdownRenderer(BUILD_TOKEN_CACHE), as_of=fresh.as_of,
                           keep_sources=bool(run.options.compare), bodies_later=run.checks.body_with_page,
                           permanent=True, parse=parsed.parse if parsed else None, sources=sources)
    del sources
    if parsed is not None:
        parsed.compact()
    return Loaded(project, parsed, histories)


def _compare(project: LoadedProject, revision: str, diagnostics: Diagnostics) -> Any:
    """The semantic diff from `revision` to the files being built; a git problem is an error."""
    from cjmgen.content.gitio import GitError, shorten
    from cjmgen.review.history import compare_revisions

    try:
        return compare_revisions(project.repo.config.root, project.repo.config, revision,
                                 head_sources=project.repo.sources)
    except GitError as exc:
        diagnostics.error("compare", f"--compare {shorten(revision)}: {exc}")
        return None


def make_renderer(project: LoadedProject, theme: Theme, options: BuildOptions, changes: Any = None,
                  env: jinja2.Environment | None = None, histories: Any = None, kpi_values: Any = None,
                  **extra: Any) -> SiteRenderer:
    """The site renderer of a build; `serve` uses the same one, so both give the same pages.

    `env`: the theme's template environment of an earlier build, when the theme's
    files are unchanged (serve): its templates are compiled already. `histories`:
    history.prefetch_histories started earlier (the build's git log runs meanwhile);
    else `kpi_values` (incremental.kpi_values) keeps past KPI values between serve's rebuilds.
    """
    from cjmgen.review.history import map_histories
    from cjmgen.site.render import SiteRenderer
    from cjmgen.site.theme import make_environment, site_locale

    repo = project.repo
    extra_nav = ((site_locale(repo.config, theme).label("what_changed"), "changes.html"),) if changes else ()
    published = repo.published(options.drafts)
    pdf = options.pdf and repo.config.pdf.enabled
    return SiteRenderer(
        repo, theme, env or make_environment(theme), project.markdown, project.as_of, drafts=options.drafts,
        extra_nav=extra_nav,
        history=(histories(repo.maps) if histories
                 else map_histories(repo.config.root, repo.config, repo.maps, store=kpi_values,
                                    sources=repo.sources)) or None,
        changes=changes,
        pdf_maps=frozenset(m.id for m in published) if pdf else frozenset(),
        handout=pdf and repo.config.pdf.handout and bool(published),
        **extra,
    )


def _page_reuse(run: BuildRun, parsed: ParseCache, fresh: UpToDate, staging: StagedOutput) -> PageReuse:
    """The last build's pages whose inputs are unchanged, linked from the old site into the new."""
    from cjmgen.incremental.page_reuse import PageReuse, hardlink_or_copy

    made: set[Path] = set()
    return PageReuse(parsed.names, fresh.previous_pages, run.output,
                     lambda path, old: hardlink_or_copy(staging.target(path), old, made),
                     run.caches.piece_store(parsed.names))


def render_pages(renderer: SiteRenderer, specs: list[PageSpec], staging: StagedOutput,
                 reuse: PageReuse | None = None, side_work: Callable[[tuple[int, int]], None] | None = None,
                 ) -> RenderedPages:
    """Render the planned pages into the staging folder: every page written or kept, the
    repository files they publish, what their body checks found.

    With several workers each process renders its share of the plan (forked
    children inherit the parsed, checked repository), so the bytes are those of
    one process; the sitemap, which lists every page, is written last from all
    the paths. `side_work((index, count))`: each process's share of other work,
    after its pages (the parse cache's new entries).
    """
    from cjmgen.site.page_run import PageRun, RenderedPages
    from cjmgen.site.trusted_templates import TrustedEnvironment

    # cjmgen's own templates leave no reference cycles behind (trusted_templates.let_go), so
    # the pages' objects go as each page ends, and the cyclic collector, whose passes walked
    # each page's live objects again and again, rests while the pages render.
    # A repository's own templates (the sandbox) may leave cycles: the collector runs.
    # When it resumes, what the pages left alive (the renderer's caches: every map's
    # measures, measured copies, drawn pieces) goes to its permanent generation: its
    # first pass would walk all of it, and nothing of it is garbage (0.38 s of one
    # process at 1,000 maps with data files, 0.08 s without; docs/benchmarks.md).
    pause_collector = isinstance(renderer.env, TrustedEnvironment)

    def write(path: str, text: str) -> None:
        staging.write(path, text.encode("utf-8"))

    def render_share(share: Share) -> RenderedPages:
        if share.index:
            wait_point("render-worker")
        with without_cyclic_gc(freeze=True) if pause_collector else contextlib.nullcontext():
            done = PageRun(renderer, write, share, reuse=reuse).run(specs)
            if side_work is not None:
                side_work((share.index, share.count))
        return done

    pages = RenderedPages()
    for done in share_out(render_share, len(specs), worker_count(len(renderer.catalog.maps))):
        pages.paths.extend(done.paths)
        pages.files.update(done.files)
        pages.late.extend(done.late)
        if reuse is not None:
            reuse.records.update(done.records)
    sitemap = site_map(renderer.repo.config, pages.paths)
    if sitemap is not None:
        staging.write(SITEMAP, sitemap.encode("utf-8"))
        pages.paths.append(SITEMAP)
    return pages


def _copy_files(staging: StagedOutput, theme: Theme, files: dict[str, str], config: SiteConfig) -> None:
    """The theme's static files, the repository files the pages publish, the extra files."""
    from cjmgen.content.assets import active_problem

    for name, source in theme.static_files().items():
        staging.copy(f"static/{name}", source)
    for path, repo_path in sorted(files.items()):
        if (problem := active_problem(repo_path, config)) is not None:  # the checks said so first
            raise OutputError(f"refusing to publish {repo_path}: {problem}")
        staging.copy(path, config.root / repo_path)
    for path, source in extra_files(config).items():
        staging.copy(path, source)


def _write_pdfs(run: BuildRun, renderer: SiteRenderer, loaded: Loaded, fresh: UpToDate | None,
                staging: StagedOutput, result: BuildResult) -> None:
    """Plan every PDF (each map's, the handout's volumes), render those no cache holds, write
    them into the staging folder. `fresh`: the last build's record, whose PDFs may be kept
    without printing their HTML."""
    from cjmgen.pdf.publish import plan_site, printer_for, produce  # WeasyPrint loads only to render

    project, parsed, cache = loaded.project, loaded.parsed, run.caches.pdf_cache()
    keeper = None
    if fresh is not None and parsed is not None and cache is not None:
        from cjmgen.incremental.pdf_kept import PdfKeeper

        keeper = PdfKeeper(printer_for(renderer), parsed.names, fresh.previous_pdfs, cache)
    printer, planned = plan_site(renderer, keeper)
    outcome = produce(planned, run.config, printer, known=project.diagnostics.items, cache=cache,
                      progress=run.options.progress)
    for path, data in outcome.files.items():
        staging.write(path, data)
    result.notes.extend(outcome.notes)
    result.fallbacks.extend(outcome.fallbacks)
    result.pdfs = len(outcome.files)
    result.pdfs_rendered = len(outcome.rendered)
    run.checks.admit(project, outcome.diagnostics, on_their_own=True)  # --strict: a PDF warning stops the build
    if keeper is not None and fresh is not None:
        fresh.pdfs = keeper.records(outcome.keys)
