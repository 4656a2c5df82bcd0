"""Plan every PDF, take what the cache has, render the rest in parallel, report.

    printer, planned = plan_site(site_renderer)       # print HTML, in this process
    outcome = produce(planned, config, printer, ...)  # cache, then render the misses
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import quote

from cjmgen.config import SiteConfig
from cjmgen.content.model import Map
from cjmgen.diagnostics import Diagnostic, Severity, SourceLocation
from cjmgen.incremental.pdf_cache import FileDigests, PdfCache, job_key
from cjmgen.pdf import PdfError
from cjmgen.pdf.document import HANDOUT_PAGE, GitFacts, PlannedJob, PrintRenderer
from cjmgen.pdf.engine import JobResult, PdfUnavailable
from cjmgen.pdf.handout_volumes import HandoutVolume, handout_volumes
from cjmgen.pdf.layout import POSTER_SIZES, PageSizeError, PageSpec
from cjmgen.pdf.libraries import font_subsetter
from cjmgen.pdf.pool import RenderError, render_jobs
from cjmgen.site import urls as site
from cjmgen.site.render import SiteRenderer

if TYPE_CHECKING:
    from cjmgen.incremental.pdf_kept import PdfKeeper

__all__ = [
    "HANDOUT_PAGE",
    "POSTER_SIZES",
    "PageSizeError",
    "PageSpec",
    "PdfError",
    "PdfOutcome",
    "plan_handout",
    "plan_maps",
    "plan_one",
    "plan_site",
    "printer_for",
    "produce",
]

@dataclass
class PdfOutcome:
    files: dict[str, bytes] = field(default_factory=dict)  # output path -> PDF bytes
    rendered: list[str] = field(default_factory=list)  # names that were not in the cache
    diagnostics: list[Diagnostic] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # WeasyPrint's unexpected warnings
    fallbacks: list[str] = field(default_factory=list)  # optional libraries it went without (libraries.py)
    results: list[JobResult] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)  # PDF name -> its cache key
    seconds: float = 0.0


def printer_for(site_renderer: SiteRenderer, variant: str | None = None) -> PrintRenderer:
    config = site_renderer.repo.config
    git = GitFacts(config.root.resolve(), [config.content_dir, "cjmgen.yml"])
    return PrintRenderer(site_renderer, git, variant or config.pdf.variant)


def plan_maps(printer: PrintRenderer | PdfKeeper, maps: Sequence[Map], page: PageSpec, poster: bool = False,
              names: Sequence[str] | None = None) -> list[PlannedJob]:
    return [
        printer.map_job(m, page, names[i] if names else site.map_pdf_url(m.id), poster=poster)
        for i, m in enumerate(maps)
    ]


def plan_handout(printer: PrintRenderer | PdfKeeper, maps: Sequence[Map], subtitle: str = "",
                 volumes: Sequence[HandoutVolume] | None = None) -> list[PlannedJob]:
    """The handout of `maps`: one file per volume (default: volumes of pdf.handout_maps maps)."""
    if volumes is None:
        volumes = handout_volumes([m.id for m in maps], printer.config.pdf.handout_maps)
    return [printer.handout_job(maps[v.start:v.stop], v.path, subtitle, v) for v in volumes]


def plan_site(site_renderer: SiteRenderer, keeper: PdfKeeper | None = None) -> tuple[PrintRenderer, list[PlannedJob]]:
    """A PDF for every published map (the configured page size), and the handout's volumes
    (`site_renderer.handouts`: none where the build writes no handout). `keeper`: take the
    last build's PDFs whose inputs are unchanged without printing their HTML (a CLI build)."""
    printer = keeper.printer if keeper is not None else printer_for(site_renderer)
    config = site_renderer.repo.config
    page = PageSpec.parse(config.pdf.page_size)
    maps = list(site_renderer.catalog.maps)
    jobs = keeper if keeper is not None else printer
    planned = plan_maps(jobs, maps, page)
    planned.extend(plan_handout(jobs, maps, volumes=site_renderer.handouts))
    return printer, planned


def plan_one(site_renderer: SiteRenderer, path: str) -> tuple[PrintRenderer, list[PlannedJob]]:
    """The site's PDF at `path` (a map's, or a handout volume), or no job (serve's on-demand PDFs)."""
    printer = printer_for(site_renderer)
    maps = list(site_renderer.catalog.maps)
    for volume in site_renderer.handouts:
        if volume.path == path:
            return printer, plan_handout(printer, maps, volumes=[volume])
    chosen = [m for m in maps if site.map_pdf_url(m.id) == path]
    return printer, plan_maps(printer, chosen, PageSpec.parse(site_renderer.repo.config.pdf.page_size))


#: Seconds before the first progress line of a PDF render, and between two lines.
PROGRESS_AFTER = 10.0
PROGRESS_EVERY = 30.0


@dataclass
class RenderProgress:
    """"PDF: 120 of 1084 rendered (75 s)" now and then while a long render runs: a first
    build of 1,000 maps renders PDFs for about half an hour, and silence looks like a hang
    (some CI services stop a job that prints nothing for ten minutes)."""

    total: int
    say: Callable[[str], None]
    clock: Callable[[], float] = time.monotonic
    done: int = 0
    started: float = 0.0
    next_at: float = 0.0

    def __post_init__(self) -> None:
        self.started = self.clock()
        self.next_at = self.started + PROGRESS_AFTER

    def __call__(self, result: JobResult) -> None:
        self.done += 1
        now = self.clock()
        if now >= self.next_at and self.done < self.total:
            self.say(f"PDF: {self.done} of {self.total} rendered ({now - self.started:.0f} s)")
            self.next_at = now + PROGRESS_EVERY


def produce(
    planned: Sequence[PlannedJob], config: SiteConfig, printer: PrintRenderer | None = None,
    known: Sequence[Diagnostic] = (), workers: int | None = None, cache: PdfCache | None = None,
    progress: Callable[[str], None] | None = None,
) -> PdfOutcome:
    """Take what `cache` has (incremental.store.Caches.pdf_cache; None: render every PDF),
    render the rest in parallel, and report what was refused.
    `progress`: told how far a long render has got (see RenderProgress)."""
    started = time.perf_counter()
    outcome = PdfOutcome()
    digests = FileDigests()
    config_key = repr(config.shaping_pdfs())
    subsetter = font_subsetter()
    planned = list(planned)
    keys = [p.cache_key or job_key(p.job, p.sources.files, digests, config_key, subsetter) for p in planned]
    results: dict[int, JobResult] = {}
    if cache is not None:
        for index, key in enumerate(keys):
            hit = cache.get(key, planned[index].job.name)
            if hit is None and planned[index].replan is not None:  # kept, but gone from the cache
                planned[index] = planned[index].replan()  # type: ignore[misc]
                keys[index] = job_key(planned[index].job, planned[index].sources.files, digests, config_key,
                                      subsetter)
                hit = cache.get(keys[index], planned[index].job.name)
            if hit is not None:
                results[index] = hit
    outcome.keys = {p.job.name: key for p, key in zip(planned, keys)}
    missing = [i for i in range(len(planned)) if i not in results]
    if missing:
        index_of = {planned[i].job.name: i for i in missing}
        report = RenderProgress(len(missing), progress) if progress is not None else None

        def finished(result: JobResult) -> None:
            # Into the cache as each PDF comes: a first build of a large repository that is
            # stopped half an hour in (a CI time limit, Ctrl-C) leaves its PDFs to the next.
            if cache is not None:
                cache.put(keys[index_of[result.name]], result)
            if report is not None:
                report(result)

        try:
            fresh = render_jobs([planned[i].job for i in missing], workers, finished)
        except PdfUnavailable as exc:
            raise PdfError(str(exc), hint="or set `pdf: {enabled: false}` in cjmgen.yml") from exc
        except RenderError as exc:
            raise PdfError(str(exc)) from exc
        for index, result in zip(missing, fresh):
            results[index] = result
            outcome.rendered.append(result.name)
        if cache is not None:
            cache.prune()
    problems = printer.problems if printer is not None else []
    outcome.diagnostics.extend(_problems(problems, known))
    for index, plan in enumerate(planned):
        result = results[index]
        outcome.results.append(result)
        outcome.files[plan.job.name] = result.pdf
        outcome.diagnostics.extend(_refusals(plan, result, known))
        outcome.notes.extend(f"{plan.job.name}: WeasyPrint {message}" for message in result.log)
        outcome.fallbacks.extend(k for k in result.fallbacks if k not in outcome.fallbacks)
    outcome.diagnostics = list(dict.fromkeys(outcome.diagnostics))
    outcome.seconds = time.perf_counter() - started
    return outcome


def _problems(problems: Sequence[tuple[str, str, SourceLocation | None]],
              known: Sequence[Diagnostic]) -> list[Diagnostic]:
    seen = {d.location for d in known if d.severity == Severity.WARNING}
    return [
        Diagnostic(Severity.WARNING, code, message, where,
                   "copy the file into the repository (e.g. maps/assets/) and link it by a relative path")
        for code, message, where in dict.fromkeys(problems) if where not in seen
    ]


def _refusals(plan: PlannedJob, result: JobResult, known: Sequence[Diagnostic]) -> list[Diagnostic]:
    """A warning at the line that wrote each refused URL (checks may have reported it already)."""
    already = {d.location for d in known if d.code == "external-resource"}
    out = []
    for url, reason in result.refused:
        where = plan.sources.locations.get(url) or plan.sources.locations.get(quote(url, safe=":/?#[]@!$&'()*+,;=~%"))
        where = where or plan.fallback
        if where in already:
            continue
        shown = url if len(url) <= 80 else url[:77] + "..."
        out.append(Diagnostic(
            Severity.WARNING, "pdf-resource", f"'{shown}' was not embedded in {plan.job.name}: {reason}",
            where, "copy the file into the repository (e.g. maps/assets/) and link it by a relative path",
        ))
    return out
