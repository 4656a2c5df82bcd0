"""Model to print HTML: the map infographic (page, poster) and the training handout.

No WeasyPrint here: this runs in the main process and produces `Job`s, plain
strings plus the list of local files they may fetch (for the cache key) and
where each embedded URL was written (so a refused URL is reported at its line).
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import math
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from cjmgen import __version__, charts
from cjmgen.analysis import journey
from cjmgen.analysis.measures import data_path
from cjmgen.analysis.moments import moments
from cjmgen.analysis.phase_band import BandCell, phase_band
from cjmgen.analysis.rows import Row, map_rows, page_specs
from cjmgen.content.assets import resolve_asset
from cjmgen.content.gitio import run_git
from cjmgen.content.markdown import is_external, is_local
from cjmgen.content.model import Map, Persona, Stage
from cjmgen.content.repository import classify
from cjmgen.diagnostics import SourceLocation
from cjmgen.pdf import layout
from cjmgen.pdf.engine import FitSpec, Job
from cjmgen.pdf.handout_volumes import HandoutVolume
from cjmgen.pdf.layout import CellText, LaneText, PageSpec, SheetText
from cjmgen.site import urls as site
from cjmgen.site.render import TEMPLATE_FAULTS, PageError, SiteRenderer, StageView, _template_error, figures

FONT_FAMILY = "CJM Sans"
HANDOUT_PAGE = PageSpec("A4", landscape=False)
#: The map's sheet in the handout folds out as A3: on A4 a map's text came to 2.5-4 pt.
HANDOUT_SHEET = PageSpec("A3", landscape=True)
HANDOUT_MARGIN = 0.8  # handout sheets use the estimate less a margin (measured on the bundled maps): usually one layout

#: WeasyPrint 70 moves a table below a float when the table's width equals the room beside the
#: float and rounding makes it a hair wider (`float.avoid_collisions`). The grid beside the side
#: column is such a table: on about one map in seven its whole grid dropped below the side column
#: onto a second page, at every font size. Half a point narrower, it always fits beside it.
PRINT_FIXES = "<style>.with-side > .grid-wrap > table.grid { width: calc(100% - 0.5pt); }</style>\n"


# --- git facts for the stamp --------------------------------------------------------


def handout_graph_width(stages: int, narrowest: float = 56.0, gap: float = charts.NODE_GAP) -> tuple[float, bool]:
    """Node width (chart units) of the handout's journey graph, and whether it needs the
    A3 fold-out page: the chart is scaled to the page's width, and its smallest text
    (charts.LOOP_FONT units) must print at 7 pt at least. `narrowest`: the node that
    holds the longest word of a stage name (charts.min_node_width); `gap`: between nodes
    (charts.web_gap: wider for the labels of transitions)."""
    a4_text_pt = (210 - 2 * 17) * layout.MM  # handout.html: A4 with 17 mm side margins
    for page_pt, wide in ((a4_text_pt, False), (HANDOUT_SHEET.content_pt()[0], True)):
        most_units = page_pt * charts.LOOP_FONT / 7.0
        room = most_units - 2 * charts.GRAPH_MARGIN - (stages - 1) * gap
        node_width = min(max(120.0, narrowest), room / max(1, stages))
        if node_width >= max(56.0, narrowest):
            return round(node_width, 1), wide
    return max(56.0, narrowest), True


@dataclass(frozen=True)
class Revision:
    """The commit a PDF's sources were last changed in, and whether they changed since."""

    commit: str | None = None
    date: dt.datetime | None = None
    dirty: bool = False


class GitFacts:
    """Two git calls per build: the last commit of every content file, and what is uncommitted."""

    def __init__(self, root: Path, paths: Sequence[str]) -> None:
        self.root = root
        self.last: dict[str, tuple[str, dt.datetime]] = {}
        self.dirty: set[str] = set()
        self.in_git = run_git(root, "rev-parse", "--is-inside-work-tree") is not None
        if not self.in_git:
            return
        prefix = (run_git(root, "rev-parse", "--show-prefix") or "").strip()
        log = run_git(
            root, "log", "--no-renames", "--format=%x1e%H%x1f%cI", "--name-only", "--", *paths,
        ) or ""
        for block in log.split("\x1e"):
            lines = block.strip("\n").split("\n")
            if not lines or "\x1f" not in lines[0]:
                continue
            sha, date = lines[0].split("\x1f")
            when = dt.datetime.fromisoformat(date)
            for line in lines[1:]:
                name = line.strip()
                if name.startswith(prefix):
                    self.last.setdefault(name[len(prefix):], (sha, when))
        status = run_git(root, "status", "--porcelain", "-z", "--untracked-files=all", "--", *paths) or ""
        for entry in status.split("\0"):
            if len(entry) > 3:
                name = entry[3:]
                self.dirty.add(name.removeprefix(prefix))

    def revision(self, paths: Iterable[str]) -> Revision:
        if not self.in_git:
            return Revision()
        known = [self.last[p] for p in paths if p in self.last]
        dirty = any(p in self.dirty or p not in self.last for p in paths)
        if not known:
            return Revision(None, None, True)
        sha, when = max(known, key=lambda pair: pair[1])
        return Revision(sha[:10], when, dirty)


def epoch_date() -> dt.datetime | None:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    return None


# --- what a job carries besides its HTML ---------------------------------------------


@dataclass
class Sources:
    """Local files a document fetches, and the source location of each embedded URL."""

    files: set[Path] = field(default_factory=set)
    locations: dict[str, SourceLocation] = field(default_factory=dict)
    inputs: set[str] = field(default_factory=set)  # repository files whose change shows in the PDF

    def add_url(self, url: str, location: SourceLocation | None) -> None:
        if location is not None:
            self.locations.setdefault(url, location)


@dataclass
class PlannedJob:
    job: Job
    sources: Sources
    kind: str  # map | poster | handout
    map_id: str | None = None
    fallback: SourceLocation | None = None  # where a refusal without a known line is reported
    # A PDF of the last build (pdf/kept.py): its cache key, and how to print its HTML after
    # all if the cache no longer has it. Its job has no HTML.
    cache_key: str | None = None
    replan: Callable[[], PlannedJob] | None = None


@dataclass(frozen=True)
class Sheet:
    index: int
    first: int
    end: int
    side: bool
    views: tuple[StageView, ...]
    emotion_svg: Markup
    anchor: str
    graph_svg: Markup | None = None  # the journey graph under the columns, when it branches or loops
    phases: tuple[BandCell, ...] = ()  # the band of phases over these columns (none without phases)


_REFUSED_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?(?P<url>[A-Za-z][A-Za-z0-9+.-]*:[^)\s>]*)")


def css_string(text: str) -> Markup:
    """A CSS string literal, safe inside <style> (no quote, backslash or `<` left raw)."""
    out = []
    for char in str(text):
        if char.isalnum() or char in " .,:;-_/()%#+=!?@·—–«»…№’‘“”" or (ord(char) > 0x7F and char.isprintable()):
            out.append(char)
        else:
            out.append(f"\\{ord(char):x} ")
    return Markup('"' + "".join(out) + '"')


def css_counter_text(template: str) -> Markup:
    """`Page {page} of {pages}` as CSS content with counters in place of the fields."""
    parts = re.split(r"(\{page\}|\{pages\})", template)
    tokens = []
    for part in parts:
        if part == "{page}":
            tokens.append("counter(page)")
        elif part == "{pages}":
            tokens.append("counter(pages)")
        elif part:
            tokens.append(css_string(part))
    return Markup(" ".join(tokens))


def file_url(path: Path) -> str:
    return path.resolve().as_uri()


class PrintRenderer:
    """Print HTML for maps, posters and handouts, through the theme's `pdf/` templates."""

    def __init__(self, site_renderer: SiteRenderer, git: GitFacts | None = None, variant: str | None = None) -> None:
        self.site = site_renderer
        self.repo = site_renderer.repo
        self.config = self.repo.config
        self.env: jinja2.Environment = site_renderer.env
        self.locale = site_renderer.locale
        self.catalog = site_renderer.catalog
        self.markdown = site_renderer.markdown
        self.theme = site_renderer.theme
        self.variant = variant
        self.root = self.config.root.resolve()
        self.git = git or GitFacts(self.root, [self.config.content_dir, "cjmgen.yml"])
        static = self.theme.static_files()
        self.static = static
        self.css_files = [static[name] for name in sorted(static) if name == "pdf.css" or name.startswith("fonts/")]
        self.roots = tuple(dict.fromkeys(
            str(p) for p in [self.root, self.theme.folder.resolve(), *(
                [self.theme.custom_dir.resolve()] if self.theme.custom_dir else [])]
        ))
        self.problems: list[tuple[str, str, SourceLocation | None]] = []  # (code, message, where)
        # The handout's stage pages list only open opportunities (`pdf --handout --open-opportunities`)
        self.open_opportunities = False

    # -- shared pieces ----------------------------------------------------------

    def static_url(self, name: str) -> str:
        return file_url(self.static[name])

    def live_url(self, target: str) -> str:
        """The page's address on the published site: absolute where site_url says where that is."""
        return site.absolute(self.config.site_url or self.config.base_url, target)

    def author(self) -> str:
        return self.config.author or self.config.title

    def stamp(self, revision: Revision, target: str | None) -> str:
        L = self.locale
        parts = []
        if revision.commit:
            text = L.label("pdf_revision", commit=revision.commit)
            if revision.dirty:
                text += f" ({L.label('pdf_local_changes')})"
            parts.append(text)
        elif self.git.in_git and revision.dirty:
            parts.append(L.label("pdf_uncommitted"))
        date = revision.date or epoch_date()
        if date is not None:
            parts.append(L.date(date.date()))
        if target:
            parts.append(self.live_url(target))
        return " · ".join(parts)

    def doc_meta(self, title: str, revision: Revision, description: str = "",
                 keywords: Sequence[str] = ()) -> dict[str, Any]:
        date = revision.date or epoch_date()
        return {
            "title": title,
            "lang": self.locale.language,
            "author": self.author(),
            "description": description,
            "keywords": ", ".join(keywords),
            "generator": f"cjmgen {__version__}",
            "date": date.isoformat() if date else None,
        }

    def render_template(self, name: str, **context: Any) -> str:
        try:
            return self.env.get_template(name).render(
                site=self.config, theme=self.theme.options, L=self.locale, T=self.locale.text, catalog=self.catalog,
                emotion_colour=charts.emotion_colour, text_colour_on=charts.text_colour_on,
                css_string=css_string, css_counter_text=css_counter_text,
                static_url=self.static_url, font_family=FONT_FAMILY, **context,
            )
        except (jinja2.TemplateError, *TEMPLATE_FAULTS) as exc:
            raise PageError(_template_error(exc)) from exc

    def _svg(self, svg: str) -> Markup:
        """Inline SVG does not inherit the page's font in WeasyPrint: give it ours."""
        return Markup(svg.replace("<svg ", f'<svg style="font-family: \'{FONT_FAMILY}\'" ', 1))

    def gauge(self, kpi: Any, prefix: str) -> Markup:
        return self._svg(charts.kpi_gauge(kpi, self.locale, prefix=prefix)) if kpi.status != "unknown" else Markup("")

    # -- bodies and their resources -------------------------------------------

    def resolver(self, referrer: str, sources: Sources, first_line: int, body: str) -> Callable[[str, str], str | None]:
        refs = {ref.target: ref for ref in self.markdown.references(body)}

        def where(target: str) -> SourceLocation | None:
            ref = refs.get(target)
            if ref is None:
                return SourceLocation(referrer, first_line)
            return SourceLocation(referrer, ref.line + first_line - 1, ref.column)

        def resolve(target: str, kind: str) -> str | None:
            if target.startswith("#"):
                return None
            if kind == "link":
                if is_external(target):
                    return target
                if not is_local(target):
                    return None
                found = resolve_asset(target, referrer, self.config)
                if found.path is None:
                    return None
                kind_id = classify(found.path, self.config)
                if kind_id and kind_id[0] == "map" and kind_id[1] in self.catalog.published_ids:
                    url = self.live_url(site.map_url(kind_id[1]))
                    return url if "://" in url else None
                return None
            if not is_local(target):
                sources.add_url(target, where(target))
                return target  # the fetcher refuses it and the refusal is reported here
            found = resolve_asset(target, referrer, self.config)
            if found.path is None:
                return None
            path = self.root / found.path
            url = file_url(path)
            sources.files.add(path.resolve())
            sources.inputs.add(found.path)
            sources.add_url(url, where(target))
            return url

        return resolve

    def markdown_html(self, tokens: Sequence[Any], referrer: str, first_line: int, body: str,
                      sources: Sources) -> Markup:
        return Markup(self.markdown.render(tuple(tokens), self.resolver(referrer, sources, first_line, body)))

    def refused_syntax(self, path: str, body: str, first_line: int) -> None:
        """Images whose URL markdown-it refuses (`file:`, `javascript:`): report them, they stay text."""
        for number, line in enumerate(body.split("\n"), start=first_line):
            for match in _REFUSED_IMAGE.finditer(line):
                url = match["url"]
                scheme = url.split(":", 1)[0].lower()
                if scheme in ("http", "https", "data"):
                    continue
                self.problems.append((
                    "pdf-resource",
                    f"image '{url}' is not embedded: only files inside the repository are; it is printed as text",
                    SourceLocation(path, number, match.start("url") + 1),
                ))

    def photo_url(self, persona: Persona, sources: Sources) -> str | None:
        if not persona.photo:
            return None
        found = resolve_asset(persona.photo, persona.path, self.config)
        if found.path is None:
            return None
        path = self.root / found.path
        sources.files.add(path.resolve())
        sources.inputs.add(found.path)
        url = file_url(path)
        sources.add_url(url, persona.field_locations.get("photo"))
        return url

    # -- one map's views --------------------------------------------------------

    def stage_views(self, journey_map: Map, sources: Sources) -> tuple[list[StageView], Markup]:
        body = self.markdown.split(journey_map.body, journey_map.section_keys())
        rates = journey.conversions(journey_map)
        first = journey_map.body_first_line
        views = [
            StageView(
                stage, f"{_anchor(journey_map.id)}-{site.stage_anchor(stage.id)}", rates[i],
                self.markdown_html(body.sections.get(stage.id, ()), journey_map.path, first, journey_map.body, sources),
            )
            for i, stage in enumerate(journey_map.stages)
        ]
        intro = self.markdown_html(body.intro, journey_map.path, first, journey_map.body, sources)
        self.refused_syntax(journey_map.path, journey_map.body, first)
        return views, intro

    def lane_rows(self, journey_map: Map) -> list[Row]:
        """The map's rows, as the map page shows them (analysis/rows.py)."""
        return map_rows(journey_map, page_specs(self.site.lanes, dict(self.config.lanes), self.locale.label))

    def sheet_text(self, journey_map: Map, rows: Sequence[Row], persona: Persona | None) -> SheetText:
        lanes = []
        for row in rows:
            if row.kind == "emotion":
                lanes.append(LaneText(row.label, (), layout.EMOTION_ROW_HEIGHT))
                continue
            if row.kind == "funnel":
                lanes.append(LaneText(row.label, (), layout.FUNNEL_ROW))
                continue
            cells: list[CellText | None] = []
            for cell in row.cells:
                if not cell.items:
                    cells.append(None)
                elif row.kind == "kpis":
                    cells.append(CellText(tuple(k.name for k in cell.items),
                                          extra_lines=len(cell.items) + sum(k.status == "unknown" for k in cell.items)))
                elif row.kind == "touchpoints":
                    cells.append(CellText(tuple(
                        f"{t.name or self.catalog.channel_name(t.channel)} {self.locale.label('offline')}"
                        for t in cell.items
                    )))
                elif row.kind == "owner":
                    cells.append(CellText(tuple(cell.items), bold=True))
                elif row.key == "goals":  # pdf.css sets the goals lane in bold
                    cells.append(CellText(tuple(getattr(i, "text", str(i)) for i in cell.items), bold=True))
                else:
                    cells.append(CellText(tuple(getattr(i, "text", str(i)) for i in cell.items),
                                          extra_lines=0.6 if row.kind == "push" else 0))
            lanes.append(LaneText(row.label, tuple(cells)))
        rollups = self.site.hierarchy.place(journey_map).rollups
        if rollups:  # the roll-up row: the detailed map's title and three lines of figures
            opened = dict(rollups)
            lanes.insert(0, LaneText(self.locale.label("detail_map"), tuple(
                CellText((opened[s.id].map.title,), extra_lines=3) if s.id in opened else None
                for s in journey_map.stages)))
        if not charts.is_straight(journey_map):
            lanes.insert(0, LaneText(self.locale.label("journey_graph"), (),
                                     layout.graph_row_rem(charts.graph_height(journey_map))))
        if journey_map.phases:
            lanes.insert(0, LaneText(self.locale.label("phases"), (), layout.PHASE_ROW))
        side: list[str] = []
        fixed = 17.0  # legend, lever and headings of the side column
        counted = sum(1 for s in journey_map.stages if s.count is not None)
        if counted:
            fixed += 3.5 + counted * 3.0  # the funnel chart: a bar and a rate per counted stage
        fixed += 1.2 * sum(len(s.exits) for s in journey_map.stages if s.count is not None)  # drop-off lines
        if journey_map.sources:
            fixed += 2.0
            side += [f"{s.title} {s.url or ''}" for s in journey_map.sources]
        if persona is not None:
            side += [persona.name, persona.role or "", persona.quote or ""]
            side += [i.text for i in (*persona.goals, *persona.needs, *persona.pains)]
            fixed += 9.0 + (6.0 if persona.photo else 0.0)
        return SheetText(
            journey_map.title, tuple(f"{s.name}\n{s.time}" if s.time else s.name for s in journey_map.stages),
            tuple(lanes),
            tuple(s for s in side if s), fixed,
        )

    def one_sheet_poster(self, journey_map: Map) -> PageSpec | None:
        """The smallest poster on which the map fits one sheet at legible type (by the
        estimate), for a map that A3 splits over several sheets; None if even A0 splits it."""
        journey_map = self.site.measured(journey_map)[0]
        text = self.sheet_text(journey_map, self.lane_rows(journey_map),
                               self.repo.personas.get(journey_map.persona or ""))
        for size in layout.POSTER_SIZES:
            if layout.choose_fit(text, PageSpec(size)).sheets == 1:
                return PageSpec(size)
        return None

    def map_context(self, journey_map: Map, page: PageSpec, sources: Sources, fit: layout.Fit | None = None,
                    poster: bool = False, prefix: str = "") -> dict[str, Any]:
        count_period = self.site.measures_of(journey_map).count_period()
        journey_map, measured = self.site.measured(journey_map)  # its measured values, as on its page
        persona = self.repo.personas.get(journey_map.persona or "")
        views, intro = self.stage_views(journey_map, sources)
        rows = self.lane_rows(journey_map)
        text = self.sheet_text(journey_map, rows, persona)
        fit = fit or layout.choose_fit(text, page)
        width_pt, _ = page.content_pt()
        sheets = []
        straight = charts.is_straight(journey_map)
        for index, (first, end) in enumerate(fit.chunks):
            side = index == 0
            grid_pt = width_pt * (1 - layout.SIDE_SHARE) - layout.GAP * fit.font if side else width_pt
            column_pt = (grid_pt - layout.LABEL_COL * fit.font) / (end - first)
            height = layout.EMOTION_ROW * 0.8 * fit.font * 160 / column_pt
            emotion = charts.emotion_curve(
                journey_map.stages[first:end], self.locale, column_width=160, height=round(height, 1),
                prefix=f"{prefix}emo-{index + 1}", scale=journey_map.emotion_scale,
                personas=journey.cast(journey_map, self.repo.personas),
                text_size=round(0.8 * fit.font * 160 / column_pt, 2),  # the sheet's small print
            )
            graph = None
            if not straight:
                graph = self._svg(charts.journey_row(
                    journey_map, self.locale, first=first, end=end, prefix=f"{prefix}graph-{index + 1}",
                    column_width=round(column_pt * charts.GRAPH_FONT / (layout.GRAPH_TEXT_EM * fit.font), 1),
                ))
            sheets.append(Sheet(index, first, end, side, tuple(views[first:end]), self._svg(emotion),
                                f"{prefix}sheet-{index + 1}", graph, tuple(phase_band(journey_map, first, end))))
        sources.inputs.update(self.map_inputs(journey_map))
        revision = self.git.revision(sorted(sources.inputs))
        changed = self.git.revision([journey_map.path])
        counts = [s.count for s in journey_map.stages if s.count is not None]
        side_pt = width_pt * layout.SIDE_SHARE - 1.2 * fit.font
        # the chart's smallest text (11 units) prints at the sheet's smallest size (0.8 em)
        funnel = charts.funnel_chart(
            journey_map, self.locale, width=math.floor(side_pt * charts.FUNNEL_GAP_FONT / (0.82 * fit.font)),
            bar_height=24,
            prefix=f"{prefix}funnel",
        )
        lever = journey.best_lever(journey_map)
        return {
            "map": journey_map,
            "persona": persona,
            "persona_photo": self.photo_url(persona, sources) if persona else None,
            "persona_body": None,
            "views": views,
            "intro": intro,
            "rows": rows,
            "sheets": sheets,
            "fit": fit,
            "page": page,
            "poster": poster,
            "figures": figures(journey_map),
            "lever": lever,
            "has_moments": bool(moments([journey_map])),
            "max_count": max(counts) if counts else 0,
            "funnel_svg": self._svg(funnel) if funnel else None,
            "rate_percent": lambda rate: charts.rate_percent(rate, self.locale),
            "contradicts": journey.contradicts,
            "stated_rate": journey.stated_rate,
            "gauge": self.gauge,
            "revision": revision,
            "changed": changed.date,
            "stale": self.site.stale(journey_map),
            "live_url": self.live_url(site.map_url(journey_map.id)),
            "channel_kind": self.catalog.channel_kind,
            "channel_name": self.catalog.channel_name,
            "prefix": prefix,
            "measured": measured,
            "measured_period": max((m.latest.period for m in measured), default=None),
            "count_period": count_period,
            "place": self.site.hierarchy.place(journey_map),
        }

    def map_inputs(self, journey_map: Map) -> set[str]:
        inputs = {journey_map.path}
        persona = self.repo.personas.get(journey_map.persona or "")
        if persona is not None:
            inputs.add(persona.path)
        if self.repo.channels is not None:
            inputs.add(f"{self.config.content_dir.strip('/')}/channels.yml")
        if self.config.source_path:
            inputs.add(self.config.source_path)
        inputs.update(path for path in (data_path(written, self.repo) for written in journey_map.data)
                      if path is not None and path in self.repo.data)
        inputs.update(m.path for m in self.site.hierarchy.shown_with(journey_map))  # breadcrumbs, roll-ups
        return inputs

    # -- jobs ------------------------------------------------------------------

    def in_language(self, language: str) -> PrintRenderer:
        """This printer in `language` (a map's own `language:`)."""
        other = copy.copy(self)
        other.locale = self.locale.in_language(language)
        return other

    def map_job(self, journey_map: Map, page: PageSpec, name: str, poster: bool = False) -> PlannedJob:
        if journey_map.language and journey_map.language != self.locale.language:
            return self.in_language(journey_map.language).map_job(journey_map, page, name, poster)
        sources = Sources(files=set(self.css_files))
        context = self.map_context(journey_map, page, sources, poster=poster)
        fit: layout.Fit = context["fit"]
        revision: Revision = context["revision"]
        html = self.render_template(
            "pdf/infographic.html",
            doc=self.doc_meta(journey_map.title, revision, journey_map.description or journey_map.segment or "",
                              journey_map.tags),
            stamp=self.stamp(revision, site.map_url(journey_map.id)),
            font=fit.font, page=page, poster=poster, ctx=context,
        )
        html = with_print_fixes(html)
        spec = FitSpec(fit.font, fit.min_font, fit.max_font, fit.sheets)
        return self._planned(name, html, sources, "poster" if poster else "map", journey_map, spec)

    def handout_job(self, maps: Sequence[Map], name: str, subtitle: str = "",
                    volume: HandoutVolume | None = None) -> PlannedJob:
        """The A4 booklet of `maps`; `volume`: which file of a handout split in volumes it is."""
        sources = Sources(files=set(self.css_files))
        chapters = []
        for number, journey_map in enumerate(maps, start=1):
            chapters.append(self.handout_chapter(journey_map, number, sources))
        persona_ids = sorted({m.persona for m in maps if m.persona and m.persona in self.repo.personas})
        personas = []
        for persona_id in persona_ids:
            persona = self.repo.personas[persona_id]
            sources.inputs.add(persona.path)
            body = self.markdown.parse(persona.body)
            self.refused_syntax(persona.path, persona.body, persona.body_first_line)
            personas.append({
                "persona": persona,
                "photo": self.photo_url(persona, sources),
                "body": self.markdown_html(body, persona.path, persona.body_first_line, persona.body, sources),
                "maps": [m for m in maps if m.persona == persona_id],
                "anchor": f"persona-{_anchor(persona_id)}",
            })
        owners: dict[str, list[tuple[Map, Stage]]] = {}
        owned_maps: dict[str, list[Map]] = {}
        for journey_map in maps:
            if journey_map.owner:
                owned_maps.setdefault(journey_map.owner, []).append(journey_map)
            for stage in journey_map.stages:
                if stage.owner:
                    owners.setdefault(stage.owner, []).append((journey_map, stage))
        owner_names = sorted(set(owners) | set(owned_maps), key=str.casefold)
        revision = self.git.revision(sorted(sources.inputs))
        title = f"{self.config.title} — {self.locale.label('handout_title')}"
        # A volume names the segments of its maps, not its number: a volume that only moved
        # (a map added before it) is then the same PDF, from the cache (handout_volumes.py).
        volume_scope = ""
        segments = ", ".join(dict.fromkeys(m.segment for m in maps if m.segment))
        if volume is not None and volume.split and segments:
            volume_scope = self.locale.label("handout_segments", names=segments)
            title += f" · {volume_scope}"
        html = self.render_template(
            "pdf/handout.html",
            doc=self.doc_meta(title, revision, subtitle), volume_scope=volume_scope,
            stamp=self.stamp(revision, site.INDEX),
            subtitle=subtitle,
            chapters=chapters,
            personas=personas,
            owners=[{"name": o, "stages": owners.get(o, []), "maps": owned_maps.get(o, []),
                     "anchor": f"owner-{index}"} for index, o in enumerate(owner_names, start=1)],
            page=HANDOUT_PAGE, sheet_page=HANDOUT_SHEET, revision=revision,
            stage_anchor=lambda m, s: f"{_anchor(m.id)}-{site.stage_anchor(s.id)}",
            map_anchor={m.id: f"map-{i}" for i, m in enumerate(maps, start=1)},
            gauge=self.gauge, channel_name=self.catalog.channel_name, channel_kind=self.catalog.channel_kind,
            figures=figures, rate_percent=lambda rate: charts.rate_percent(rate, self.locale),
            contradicts=journey.contradicts, stated_rate=journey.stated_rate,
        )
        html = with_print_fixes(html)
        planned = self._planned(name, html, sources, "handout", None, None)
        planned.job = replace(planned.job, shrink_sheets=True)
        return planned

    def handout_chapter(self, journey_map: Map, number: int, sources: Sources,
                        lang: str | None = None) -> dict[str, Any]:
        """One map's chapter of the handout, in the map's own language (`html`: its markup;
        `lang`: the chapter's language where it is not the handout's)."""
        if journey_map.language and journey_map.language != self.locale.language:
            printer = self.in_language(journey_map.language)
            return printer.handout_chapter(journey_map, number, sources, lang=journey_map.language)
        journey_map = self.site.measured(journey_map)[0]
        estimate = layout.choose_fit(self.sheet_text(journey_map, self.lane_rows(journey_map),
                                                     self.repo.personas.get(journey_map.persona or "")),
                                     HANDOUT_SHEET)
        fit = replace(estimate, font=round(max(estimate.min_font, estimate.font * HANDOUT_MARGIN), 2))
        context = self.map_context(journey_map, HANDOUT_SHEET, sources, fit=fit, prefix=f"m{number}-")
        context["number"] = number
        context["anchor"] = f"map-{number}"
        overview_funnel = charts.funnel_chart(journey_map, self.locale, width=560, prefix=f"m{number}-overview-funnel")
        context["overview_funnel_svg"] = self._svg(overview_funnel)
        narrowest = charts.min_node_width(journey_map.stages)
        node_width, wide = handout_graph_width(len(journey_map.stages), narrowest, charts.web_gap(journey_map))
        context["graph_svg"] = self._svg(charts.journey_graph(journey_map, self.locale, node_width=node_width,
                                                              prefix=f"m{number}-graph"))
        context["graph_wide"] = wide
        context["lang"] = lang
        context["html"] = Markup(self.render_template(
            "pdf/_map_chapter.html", c=context, gauge=self.gauge, open_opportunities=self.open_opportunities,
            channel_name=self.catalog.channel_name, channel_kind=self.catalog.channel_kind,
        ))
        return context

    def _planned(self, name: str, html: str, sources: Sources, kind: str, journey_map: Map | None,
                 fit: FitSpec | None) -> PlannedJob:
        # Of the content alone: a handout volume renamed (handout-3 -> handout-4) is the same PDF.
        # Of the content, not of where the repository and the theme happen to lie on disk:
        # two clones print the same bytes.
        portable = html
        for number, root in enumerate((str(self.root), *self.roots)):
            portable = portable.replace(file_url(Path(root)), f"root-{number}:")
        identifier = hashlib.md5(portable.encode("utf-8")).hexdigest()  # an id, not security
        job = Job(name, html, file_url(self.root) + "/", self.roots, identifier, self.variant, fit)
        fallback = journey_map.location if journey_map else None
        if journey_map is not None and fallback is None:
            fallback = SourceLocation(journey_map.path)
        return PlannedJob(job, sources, kind, journey_map.id if journey_map else None, fallback)


def with_print_fixes(html: str) -> str:
    """The theme's print HTML with PRINT_FIXES at the end of its head (after the theme's CSS)."""
    head, found, rest = html.partition("</head>")
    return f"{head}{PRINT_FIXES}</head>{rest}" if found else PRINT_FIXES + html


def _anchor(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "x"
