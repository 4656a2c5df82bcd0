"""The build pipeline, top to bottom: load, check, render, write atomically, PDFs."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cjmgen.build.faults import wait_point
from cjmgen.build.gcpause import freeze_what_lives_on
from cjmgen.build.output_lock import output_lock
from cjmgen.build.stageclock import StageClock
from cjmgen.build.swap import recover_interrupted
from cjmgen.build.workers import Share, WorkerDied, share_out, worker_count
from cjmgen.build.writer import OutputError, StagedOutput, check_output_location
from cjmgen.checks.levels import apply_levels, blocks
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
from cjmgen.diagnostics import Diagnostic, Diagnostics, SourceLocation
from cjmgen.incremental.cache_dir import write_atomically
from cjmgen.incremental.codestamp import code_stamp
from cjmgen.incremental.store import Caches
from cjmgen.paths import contains
from cjmgen.site.theme import Theme, ThemeError, load_theme
from cjmgen.site.urls import SITEMAP, extra_files

if TYPE_CHECKING:
    import jinja2

    from cjmgen.content.project import LoadedProject
    from cjmgen.incremental.page_reuse import PageReuse
    from cjmgen.incremental.parse_cache import ParseCache
    from cjmgen.incremental.pdf_cache import PdfCache
    from cjmgen.site.page_run import RenderedPages
    from cjmgen.site.render import SiteRenderer

# Parsing, checking and rendering (jinja2, markdown-it, the model) are imported when a
# build has work to do: a build whose inputs are unchanged answers in start-up time.


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


def effective_config(root: Path, options: BuildOptions, diagnostics: Diagnostics) -> SiteConfig:
    config = load_config(root.resolve(), diagnostics)
    site_url = normalise_site_url(options.site_url) if options.site_url else None
    base_url = options.base_url or (site_url_path(site_url) if site_url else None)
    return config.with_overrides(
        site_url=site_url,
        base_url=normalise_base_url(base_url) if base_url else None,
        strict=options.strict or None,
    )


def leveled(diagnostics: Diagnostics | list[Diagnostic], config: SiteConfig) -> list[Diagnostic]:
    """The diagnostics at the levels of cjmgen.yml's `validation:` (levels.py)."""
    items = diagnostics.items if isinstance(diagnostics, Diagnostics) else diagnostics
    return apply_levels(items, dict(config.validation))


def build(root: Path, options: BuildOptions = BuildOptions(), no_cache: bool = False) -> BuildResult:
    """Check the repository, then publish the site; on any error nothing is written.
    `no_cache` (or CJMGEN_NO_CACHE=1): read and keep no cache (incremental.store)."""
    started = time.perf_counter()
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
    with contextlib.nullcontext() if outside else output_lock(output, options.progress):  # one build at a time
        recovered = None if outside else recover_interrupted(output)
        result = _build_locked(root, options, config, config_diagnostics, output, clock, caches)
    if recovered:
        result.notes.insert(0, recovered)
    result.seconds = time.perf_counter() - started
    return result


def _build_locked(root: Path, options: BuildOptions, config: SiteConfig, config_diagnostics: Diagnostics,
                  output: Path, clock: StageClock, caches: Caches) -> BuildResult:
    fresh = UpToDate.check(config, options, output, config_diagnostics, caches)
    clock.lap("read cjmgen.yml and compared every input with the last build")
    cache_notes = caches.notes()  # cache folders that are links: not used (cache_dir)
    run_notes = [*cache_notes, *filter(None, [outside_content_note(config)])]  # said every run, never stored
    if fresh.result is not None:
        fresh.result.notes[:0] = run_notes
        return fresh.result
    from cjmgen.checks.rules import RepositoryChecker
    from cjmgen.content.markdown import BUILD_TOKEN_CACHE, MarkdownRenderer
    from cjmgen.content.project import load_project
    from cjmgen.content.repository import is_published, read_sources
    from cjmgen.pdf import PdfError
    from cjmgen.review.history import prefetch_histories
    from cjmgen.site.render import PageError

    # Published maps' body links are checked while their pages render (the body is parsed
    # there anyway); if the build stops before rendering, they are checked here instead.
    def rendered_later(journey_map: Any) -> bool:
        return is_published(journey_map, options.drafts)

    parsed = caches.parse_cache()  # unchanged files are loaded, not parsed again
    sources = read_sources(config, fresh.content)
    fresh.content = {}
    if parsed is not None:
        parsed.parse_ahead(sources, config)  # forks: before the git thread below starts
    histories = prefetch_histories(config.root, config)  # git log runs while the maps are parsed
    project = load_project(root, config, MarkdownRenderer(BUILD_TOKEN_CACHE), as_of=fresh.as_of,
                           keep_sources=bool(options.compare),
                           bodies_later=rendered_later, permanent=True, parse=parsed.parse if parsed else None,
                           sources=sources)
    del sources
    if parsed is not None:
        parsed.compact()
    diagnostics = project.diagnostics
    diagnostics.extend(config_diagnostics)
    diagnostics.items = leveled(diagnostics, config)
    clock.lap(f"parsed and checked {plural(len(project.repo.maps), 'map', 'maps')}, "
              f"{plural(len(project.repo.personas), 'persona', 'personas')}")
    result = BuildResult([], output, notes=list(run_notes))

    if not diagnostics.has_errors:
        try:
            check_output_location(output, config.root, config.content_path)
        except OutputError as exc:
            diagnostics.error("output", str(exc))
    changes = _compare(project, options.compare, diagnostics) if options.compare else None
    if blocks(diagnostics.items, options.strict):  # every problem of the run is reported at once: the bodies too
        histories(())  # no pages: only wait for git, leaving no thread behind
        RepositoryChecker(project.repo, diagnostics, project.as_of.date(), project.markdown).map_bodies(
            [m for m in project.repo.maps if rendered_later(m)])
        if parsed is not None:
            parsed.store_pending()  # the next build, after the fix, loads what parsed fine
    else:
        try:
            _publish(project, options, output, result, caches, changes, histories, fresh=fresh, parsed=parsed,
                     clock=clock)
        except (ThemeError, PageError) as exc:
            diagnostics.error("theme", str(exc))
        except (OutputError, WorkerDied) as exc:
            diagnostics.error("output", str(exc))
        except (_PdfWarningsStrict, _LateProblems):
            pass  # the problems are in the diagnostics; the old site stays
        except PdfError as exc:
            diagnostics.error("pdf", exc.message, hint=exc.hint)
        except OSError as exc:
            diagnostics.error("output", f"cannot write the site: {exc}")
    result.diagnostics = diagnostics.sorted()
    result.maps = len(project.repo.published(options.drafts))
    if result.written and not cache_notes:  # a record's notes would outlive the links
        result.notes = result.notes[len(run_notes):]  # stored without this run's notes
        fresh.save(result, caches)
        result.notes[:0] = run_notes
    return result


# --- the up-to-date check: a build whose every input is unchanged writes nothing -----------


@dataclass
class UpToDate:
    """A digest of everything a build reads, and the record of the last build into `output`.

    The record (under `.cjmgen-cache/build/`) keeps the digest, the result and
    the size and mtime of every file the build left in the output folder. When
    the digest and the folder both match, the site on disk is exactly what this
    build would write, so the build only reports the stored result: nothing is
    parsed, rendered or swapped. Inputs: cjmgen's own code, the versions of the
    libraries that shape the output, the effective configuration and options,
    the theme's files, the date the build is "as of" and the git HEAD (history),
    the bytes of every content file and the size and mtime of every other file
    in the repository (assets, and links that may start or stop resolving).

    The record also keeps, per page, what page_reuse needs to keep that page in
    the next build when the inputs changed elsewhere.
    """

    record: Path | None = None
    digest: str = ""
    output: Path = Path()
    as_of: Any = None
    result: BuildResult | None = None
    previous_pages: dict[str, Any] = field(default_factory=dict)  # site path -> page_reuse.PageRecord
    pages: dict[str, Any] = field(default_factory=dict)  # this build's PageRecords, saved with it
    previous_pdfs: dict[str, Any] = field(default_factory=dict)  # PDF name -> pdf.kept.PdfRecord (JSON)
    pdfs: dict[str, Any] = field(default_factory=dict)  # this build's, saved with it
    content: dict[str, bytes] = field(default_factory=dict)  # the content files read for the digest

    @classmethod
    def check(cls, config: SiteConfig, options: BuildOptions, output: Path, config_diagnostics: Diagnostics,
              caches: Caches) -> UpToDate:
        from cjmgen.content.gitio import head_commit, source_date

        if options.compare or config_diagnostics.items:
            return cls()  # --compare reads other revisions; config problems are reported by a real build
        try:
            as_of = source_date(config.root)
            head = head_commit(config.root)
            content: dict[str, bytes] = {}
            digest = _input_digest(config, options, output, as_of, head.sha if head else None, content)
        except (OSError, ThemeError, ValueError):
            return cls()
        if digest is None:
            return cls(as_of=as_of)
        records = caches.build_records()
        if records is None:  # no cache, or a link (cache_dir): no record read or written, the build says so
            return cls(as_of=as_of, content=content)
        record = records / (hashlib.sha256(str(output).encode()).hexdigest()[:16] + ".json")
        found = cls(record, digest, output, as_of, content=content)
        try:
            stored = json.loads(record.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return found
        files_now = _output_files(output)
        if stored.get("digest") == digest and stored.get("files") == files_now:
            found.result = _result_from(stored["result"], output)
        elif isinstance(stored.get("pages"), dict) and isinstance(stored.get("files"), dict):
            from cjmgen.incremental.page_reuse import load_previous

            found.previous_pages = load_previous(stored["pages"], stored["files"], files_now)
        if isinstance(stored.get("pdfs"), dict):  # PDFs come from the PDF cache, not the old site
            found.previous_pdfs = stored["pdfs"]
        return found

    def save(self, result: BuildResult, caches: Caches) -> None:
        if self.record is None:
            return
        stored = {
            "digest": self.digest, "files": _output_files(self.output), "result": _result_to(result),
            "pages": {path: record.to_json() for path, record in sorted(self.pages.items())},
            "pdfs": self.pdfs,
        }
        try:
            if caches.build_records(create=True) is not None:
                write_atomically(self.record, json.dumps(stored, ensure_ascii=False).encode("utf-8"))
        except OSError:
            pass  # a read-only checkout builds every time


MAX_WALKED_FILES = 50_000  # beyond this the repository listing costs too much: no shortcut


def _input_digest(config: SiteConfig, options: BuildOptions, output: Path, as_of: Any, head: str | None,
                  content_read: dict[str, bytes]) -> str | None:
    """The digest of every input; the content files' bytes go into `content_read`
    (file path -> bytes), so that the build does not read them twice."""
    digest = hashlib.sha256()

    def add(*parts: object) -> None:
        for part in parts:
            digest.update(part if isinstance(part, bytes) else repr(part).encode("utf-8"))
            digest.update(b"\0")

    add(code_stamp(options.pdf), config, options, str(output), as_of, head)
    add(load_theme(config).digest())
    root = config.root.resolve()
    content = str(config.content_path)
    if not contains(root, content):  # content outside the repository
        from cjmgen.content.repository import read_sources

        for path, data in read_sources(config).items():
            add(path, data)
    walked = 0
    # One walk: the bytes of every Markdown file and catalog of the content folder (a
    # superset of what the build reads), the size and time of every other file.
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__" and here / d != output)
        in_content = folder == content or folder.startswith(content + os.sep)
        for name in sorted(files):
            path = os.path.join(folder, name)
            if in_content and (name.endswith(".md") or name == "channels.yml"):
                with open(path, "rb") as stream:
                    data = content_read[path] = stream.read()
                add(os.path.relpath(path, root), data)
            else:
                stat = os.stat(path)
                add(os.path.relpath(path, root), stat.st_size, stat.st_mtime_ns)
            walked += 1
        if walked > MAX_WALKED_FILES:
            return None
    return digest.hexdigest()


def _output_files(output: Path) -> dict[str, list[int]] | None:
    """Every file of the site: relative path -> [size, mtime]. Asked twice a build, so
    os.scandir without a `relpath` per file (faster than `os.walk`; docs/benchmarks.md)."""
    if not output.is_dir():
        return None
    found: dict[str, list[int]] = {}
    folders = [(str(output), "")]
    while folders:
        folder, prefix = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append((entry.path, prefix + entry.name + os.sep))
                elif not entry.is_dir():  # a link to a folder is neither entered nor listed
                    stat = entry.stat()
                    found[prefix + entry.name] = [stat.st_size, stat.st_mtime_ns]
    return dict(sorted(found.items()))


def _result_to(result: BuildResult) -> dict[str, Any]:
    return {
        "diagnostics": [d.as_dict() for d in result.diagnostics], "pages": result.pages, "maps": result.maps,
        "pdfs": result.pdfs, "notes": result.notes, "fallbacks": result.fallbacks,
    }


def _result_from(stored: dict[str, Any], output: Path) -> BuildResult:
    diagnostics = [Diagnostic.from_dict(d) for d in stored["diagnostics"]]
    return BuildResult(diagnostics, output, written=True, pages=stored["pages"], maps=stored["maps"],
                       pdfs=stored["pdfs"], pdfs_rendered=0, notes=list(stored["notes"]),
                       fallbacks=list(stored.get("fallbacks", [])))


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
                  env: jinja2.Environment | None = None, histories: Any = None, **extra: Any) -> SiteRenderer:
    """The site renderer of a build; `serve` uses the same one, so both give the same pages.

    `env`: the theme's template environment of an earlier build, when the theme's
    files are unchanged (serve): its templates are compiled already. `histories`:
    history.prefetch_histories started earlier (the build's git log runs meanwhile).
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
        history=(histories(repo.maps) if histories else map_histories(repo.config.root, repo.config, repo.maps)) or None,
        changes=changes,
        pdf_maps=frozenset(m.id for m in published) if pdf else frozenset(),
        handout=pdf and repo.config.pdf.handout and bool(published),
        **extra,
    )


def body_problems(project: LoadedProject, journey_map: Any) -> list[Diagnostic]:
    """The diagnostics of one map's body links (what `check` reports for them)."""
    from cjmgen.checks.rules import RepositoryChecker

    found = Diagnostics()
    RepositoryChecker(project.repo, found, project.as_of.date(), project.markdown).map_body(journey_map)
    return found.items


class _LateProblems(Exception):
    """Rendering found errors in map bodies (or warnings with --strict): do not swap the site in."""


def _publish(project: LoadedProject, options: BuildOptions, output: Path, result: BuildResult, caches: Caches,
             changes: Any = None, histories: Any = None, fresh: UpToDate | None = None,
             parsed: ParseCache | None = None, clock: StageClock | None = None) -> None:
    """Render into a staging folder and swap it in. With the parse cache (`parsed`, which
    names the model and signs cache files) and a build record (`fresh.record`), pages whose
    inputs are unchanged are linked from the last site; each render process then writes
    its share of the newly parsed files to the parse cache."""
    from cjmgen.content.assets import active_problem
    from cjmgen.site.page_run import keeps_pages
    from cjmgen.site.theme import make_environment

    repo = project.repo
    theme = load_theme(repo.config)
    recorded = parsed is not None and fresh is not None and fresh.record is not None
    compiled = caches.compiled_templates() if recorded else None
    pdf_cache = caches.pdf_cache()
    renderer = make_renderer(project, theme, options, changes, histories=histories,
                             env=make_environment(theme, compiled),
                             body_checker=lambda journey_map: body_problems(project, journey_map),
                             global_inputs=(theme.digest(),))
    keep = recorded and keeps_pages(theme)
    pdf_plan, keeper = None, None
    if renderer.pdf_maps:
        from cjmgen.pdf.publish import plan_site, printer_for  # print HTML; WeasyPrint loads only to render

        if keep and pdf_cache is not None:
            from cjmgen.incremental.pdf_kept import PdfKeeper

            assert parsed is not None and fresh is not None
            keeper = PdfKeeper(printer_for(renderer), parsed.names, fresh.previous_pdfs, pdf_cache)
        pdf_plan = plan_site(renderer, keeper)
    with StagedOutput(output) as staging:
        reuse = None
        if keep:
            from cjmgen.incremental.page_reuse import PageReuse, hardlink_or_copy

            assert parsed is not None and fresh is not None
            made: set[Path] = set()
            reuse = PageReuse(parsed.names, fresh.previous_pages, output,
                              lambda path, old: hardlink_or_copy(staging.target(path), old, made),
                              caches.piece_store(parsed.names))
        clock = clock or StageClock()
        result.pages, files, late = render_pages(renderer, staging, reuse, parsed.store_pending if parsed else None)
        clock.lap(f"rendered {plural(result.pages, 'page', 'pages')}")
        if reuse is not None and fresh is not None:
            fresh.pages = reuse.records
            if reuse.pieces is not None:
                reuse.pieces.prune(set(reuse.records))
        late = leveled(late, repo.config)
        project.diagnostics.extend(late)
        if blocks(project.diagnostics.items, options.strict):
            raise _LateProblems()
        for name, source in theme.static_files().items():
            staging.copy(f"static/{name}", source)
        for path, repo_path in sorted(files.items()):
            if (problem := active_problem(repo_path, repo.config)) is not None:  # the checks said so first
                raise OutputError(f"refusing to publish {repo_path}: {problem}")
            staging.copy(path, repo.config.root / repo_path)
        for path, source in extra_files(repo.config).items():
            staging.copy(path, source)
        clock.lap("copied the theme's and the repository's files")
        if pdf_plan is not None:
            keys = _write_pdfs(project, options, pdf_plan, staging, result, pdf_cache)
            if keeper is not None and fresh is not None:
                fresh.pdfs = keeper.records(keys)
            clock.lap(f"{plural(result.pdfs, 'PDF', 'PDFs')} ({result.pdfs_rendered} rendered)")
    clock.lap("swapped the new site in")
    result.written = True


def render_pages(renderer: SiteRenderer, staging: StagedOutput, reuse: PageReuse | None = None,
                 side_work: Callable[[tuple[int, int]], None] | None = None,
                 ) -> tuple[int, dict[str, str], list[Diagnostic]]:
    """Render every page into the staging folder: (pages written, repository files to
    publish, what the renderer's body checks found).

    With several workers each process plans every page and renders its share of
    them (forked children inherit the parsed, checked repository), so the bytes
    are those of one process; the sitemap, which lists every page, is written
    last from all the paths.
    """
    from cjmgen.site.page_run import PageRun
    from cjmgen.site.pages import plan

    freeze_what_lives_on()  # the model, the catalog, the caches: never walked by the collector again
    specs = plan(renderer)

    def write(path: str, text: str) -> None:
        staging.write(path, text.encode("utf-8"))

    def render_share(share: Share) -> RenderedPages:
        if share.index:
            wait_point("render-worker")
        done = PageRun(renderer, write, share, reuse=reuse).run(specs)
        if side_work is not None:
            side_work((share.index, share.count))
        return done

    shares = share_out(render_share, len(specs), worker_count(len(renderer.catalog.maps)))
    paths: list[str] = []
    files: dict[str, str] = {}
    late: list[Diagnostic] = []
    for done in shares:
        paths.extend(done.paths)
        files.update(done.files)
        late.extend(done.late)
        if reuse is not None:
            reuse.records.update(done.records)
    sitemap = renderer.sitemap(paths)
    if sitemap is not None:
        staging.write(SITEMAP, sitemap.encode("utf-8"))
    return len(paths) + (sitemap is not None), files, late


class _PdfWarningsStrict(Exception):
    """PDF rendering reported warnings and --strict is on: do not swap the site in."""


def _write_pdfs(project: LoadedProject, options: BuildOptions, plan, staging: StagedOutput,  # type: ignore[no-untyped-def]
                result: BuildResult, cache: PdfCache | None) -> dict[str, str]:
    """Render (or take from the cache) every PDF into the staging folder, before the swap;
    returns each PDF's cache key."""
    from cjmgen.pdf.publish import produce

    printer, planned = plan
    outcome = produce(planned, project.repo.config, printer, known=project.diagnostics.items,
                      cache=cache, progress=options.progress)
    for path, data in outcome.files.items():
        staging.write(path, data)
    found = leveled(outcome.diagnostics, project.repo.config)
    project.diagnostics.extend(found)
    result.notes.extend(outcome.notes)
    result.fallbacks.extend(outcome.fallbacks)
    result.pdfs = len(outcome.files)
    result.pdfs_rendered = len(outcome.rendered)
    if blocks(found, options.strict):
        raise _PdfWarningsStrict()
    return outcome.keys

