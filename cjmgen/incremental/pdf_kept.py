"""PDFs of the last build taken again without printing their HTML.

A PDF's cache key (pdf/cache.job_key) is a hash of its print HTML, so a build
with PDFs printed the HTML of every map and of every handout volume only to
find that the cache holds them all: the template, the Markdown, the charts and
the type-size estimate for every map and the handout (half a minute at 1,000 maps
in docs/benchmarks.md), on every build after any edit.

So the build record keeps, per PDF, a digest of what its HTML is made from and
the cache key that HTML had. When the digest is the same and the cache still
holds the PDF, the PDF is taken from the cache without printing anything; else
it is printed as before (and a PDF whose HTML comes out the same is still a
cache hit). What the HTML is made from:
- what every page of the site depends on (code, configuration, theme, the
  channel catalog, the "as of" date: `SiteRenderer.global_key`), and the
  versions of cjmgen and WeasyPrint, and which library subsets the fonts;
- the maps and personas it prints, named by their parse-cache entries
  (page_reuse.StableNames), the page size, poster or not, the PDF variant;
- how the local links and images of the bodies it prints resolve now (a
  linked map published or not, an image there or not);
- the bytes of every file the renderer fetches (stylesheet, fonts, images) and
  the last commit of every repository file it shows (the stamp), and
  SOURCE_DATE_EPOCH.
What printing the HTML reported (refused image syntax) and where each embedded
URL was written (to report what WeasyPrint refuses) are kept with the record.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cjmgen import __version__
from cjmgen.content.model import Map, Persona
from cjmgen.diagnostics import SourceLocation
from cjmgen.incremental.codestamp import code_stamp
from cjmgen.incremental.page_reuse import StableNames
from cjmgen.incremental.pdf_cache import FileDigests, PdfCache, weasyprint_version
from cjmgen.pdf.document import PlannedJob, PrintRenderer, Sources, epoch_date
from cjmgen.pdf.engine import Job
from cjmgen.pdf.handout_volumes import HandoutVolume
from cjmgen.pdf.layout import PageSpec
from cjmgen.pdf.libraries import font_subsetter

Body = tuple[str, list[str]]  # (the repository file a body is written in, its local link targets)


@dataclass
class PdfRecord:
    """What a build remembers of one PDF (stored as JSON in the build record)."""

    inputs: str  # the digest of what its HTML is made from (see the module)
    key: str  # its PDF cache key
    bodies: list[Body]
    files: list[str]  # files the renderer fetches
    paths: list[str]  # repository files whose last commit the stamp shows
    problems: list[tuple[str, str, SourceLocation | None]]  # what printing the HTML reported
    locations: dict[str, SourceLocation]  # embedded URL -> where it is written

    def to_json(self) -> dict[str, Any]:
        return {
            "inputs": self.inputs, "key": self.key, "bodies": [list(body) for body in self.bodies],
            "files": self.files, "paths": self.paths,
            "problems": [[code, message, list(where) if where else None] for code, message, where in self.problems],
            "locations": {url: list(where) for url, where in self.locations.items()},
        }

    @classmethod
    def from_json(cls, data: Any) -> PdfRecord:
        """A stored record; ValueError, KeyError or TypeError if it is not one."""
        def location(value: Any) -> SourceLocation | None:
            return SourceLocation(str(value[0]), int(value[1]), int(value[2])) if value else None

        bodies = [(str(referrer), [str(t) for t in targets]) for referrer, targets in data["bodies"]]
        return cls(
            str(data["inputs"]), str(data["key"]), bodies, [str(f) for f in data["files"]],
            [str(p) for p in data["paths"]],
            [(str(code), str(message), location(where)) for code, message, where in data["problems"]],
            {str(url): location(where) for url, where in data["locations"].items()},  # type: ignore[misc]
        )


@dataclass
class PdfKeeper:
    """Makes a build's PDF jobs like PrintRenderer does, taking the last build's where it can.

    `map_job` and `handout_job` have PrintRenderer's signatures (publish.plan_maps and
    plan_handout call them); after `produce`, `records(keys)` is what the build stores.
    """

    printer: PrintRenderer
    names: StableNames
    previous: dict[str, Any]  # PDF name -> stored record (JSON), from the last build
    cache: PdfCache
    digests: FileDigests = field(default_factory=FileDigests)
    kept: dict[str, PdfRecord] = field(default_factory=dict)
    # Printed in this build: PDF name -> (the record without its cache key, known after produce)
    printed: dict[str, PdfRecord] = field(default_factory=dict)

    @property
    def config(self) -> Any:
        return self.printer.config

    def map_job(self, journey_map: Map, page: PageSpec, name: str, poster: bool = False) -> PlannedJob:
        persona = self.printer.repo.personas.get(journey_map.persona or "")
        what: tuple[Any, ...] = ("map", journey_map, persona, page, poster)
        shown = self.printer.site.hierarchy.shown_with(journey_map)
        if shown:  # its breadcrumbs and roll-ups show these maps
            what += (shown,)

        def print_it() -> PlannedJob:
            start = len(self.printer.problems)
            planned = self.printer.map_job(journey_map, page, name, poster=poster)
            self._printed(name, what, planned, [journey_map], start)
            return planned

        fallback = journey_map.location or SourceLocation(journey_map.path)
        kept = self._kept(name, what, "poster" if poster else "map", journey_map.id, fallback, print_it)
        return kept or print_it()

    def handout_job(self, maps: Sequence[Map], name: str, subtitle: str = "",
                    volume: HandoutVolume | None = None) -> PlannedJob:
        personas = self.printer.repo.personas
        shown = [personas[pid] for pid in sorted({m.persona for m in maps if m.persona and m.persona in personas})]
        what = ("handout", tuple(maps), tuple(shown), subtitle, volume.split if volume else None)

        def print_it() -> PlannedJob:
            start = len(self.printer.problems)
            planned = self.printer.handout_job(maps, name, subtitle, volume)
            self._printed(name, what, planned, [*maps, *shown], start)
            return planned

        return self._kept(name, what, "handout", None, None, print_it) or print_it()

    def records(self, keys: dict[str, str]) -> dict[str, dict[str, Any]]:
        """Every PDF of this build as the next build reads it: `keys` maps the printed
        ones to the cache keys `produce` worked out."""
        out = {name: record.to_json() for name, record in self.kept.items()}
        for name, record in self.printed.items():
            if name in keys:
                record.key = keys[name]
                out[name] = record.to_json()
        return dict(sorted(out.items()))

    # -- the two halves ------------------------------------------------------------

    def _kept(self, name: str, what: tuple[Any, ...], kind: str, map_id: str | None, fallback: SourceLocation | None,
              print_it: Callable[[], PlannedJob]) -> PlannedJob | None:
        """The last build's PDF `name` as a job that needs no HTML, if nothing it shows changed."""
        stored = self.previous.get(name)
        if stored is None:
            return None
        try:
            record = PdfRecord.from_json(stored)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):
            return None
        if self._inputs(what, record.bodies, record.files, record.paths) != record.inputs:
            return None
        if not self.cache.has(record.key):
            return None
        self.kept[name] = record
        self.printer.problems.extend(record.problems)

        def lost() -> PlannedJob:  # the cache lost it after all (damaged): print it after all
            self.kept.pop(name, None)
            return print_it()

        sources = Sources({Path(f) for f in record.files}, dict(record.locations), set(record.paths))
        job = Job(name, "", "", (), "", self.printer.variant)  # never rendered: its PDF is in the cache
        return PlannedJob(job, sources, kind, map_id, fallback, cache_key=record.key, replan=lost)

    def _printed(self, name: str, what: tuple[Any, ...], planned: PlannedJob, shown: Sequence[Map | Persona],
                 start: int) -> None:
        bodies: list[Body] = [(item.path, self.printer.site.links.local_targets(item.body)) for item in shown]
        files = sorted(str(f) for f in planned.sources.files)
        paths = sorted(planned.sources.inputs)
        record = PdfRecord(self._inputs(what, bodies, files, paths), "", bodies, files, paths,
                           list(self.printer.problems[start:]), dict(planned.sources.locations))
        self.printed[name] = record

    @functools.cached_property
    def _every_pdf(self) -> str:
        """What every PDF's HTML depends on: worked out once, not per PDF."""
        printer = self.printer
        return self.names.digest((
            code_stamp(), __version__, weasyprint_version(), font_subsetter(), printer.site.global_key(), printer.roots,
            printer.variant, repr(epoch_date()),
        ))

    def _inputs(self, what: tuple[Any, ...], bodies: Sequence[Body], files: Sequence[str], paths: Sequence[str]) -> str:
        git = self.printer.git
        link_states = self.printer.site.links.link_states
        links = [(referrer, link_states(referrer, list(targets))) for referrer, targets in bodies]
        return self.names.digest((
            self._every_pdf, what, links, [(f, self.digests(Path(f))) for f in files],
            repr(git.revision(list(paths))), [repr(git.revision([referrer])) for referrer, _ in bodies],
        ))
