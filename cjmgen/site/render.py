"""Model to HTML strings: every page of the site, through the theme's templates. No file I/O."""

from __future__ import annotations

import copy
import datetime as dt
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import jinja2
from markdown_it.token import Token
from markupsafe import Markup

from cjmgen import charts
from cjmgen.analysis import journey
from cjmgen.analysis.catalog import Catalog, StageRef
from cjmgen.analysis.features import features_of, items_marked
from cjmgen.analysis.hierarchy import Hierarchy
from cjmgen.analysis.measured_view import Attention, MeasuredKPI, attention, measured_kpis, needing_attention
from cjmgen.analysis.measures import TREND_PERIODS, MapMeasures, data_path, map_measures, measured_map
from cjmgen.analysis.phase_band import phase_band
from cjmgen.analysis.rows import DEFAULT_ROWS, map_rows, page_specs
from cjmgen.checks.rules import is_stale
from cjmgen.content import opportunities
from cjmgen.content.markdown import MarkdownRenderer
from cjmgen.content.model import Map, Persona, Stage
from cjmgen.content.repository import Repository
from cjmgen.i18n.labels import Locale
from cjmgen.incremental.page_reuse import BodyLinks, Pieces, StableNames
from cjmgen.pdf.handout_volumes import HandoutVolume, handout_volumes
from cjmgen.review.history import recently_changed
from cjmgen.site import portfolio, search_index
from cjmgen.site import urls as site
from cjmgen.site.edit_links import EditView, edit_links, map_views, persona_view, stage_lines
from cjmgen.site.facets import Facets
from cjmgen.site.kpi_trends import HistoryTrend, history_trends
from cjmgen.site.links import Links
from cjmgen.site.measured_rows import measured_rows
from cjmgen.site.pagination import Pagination, on_first_page, per_page_option
from cjmgen.site.theme import Theme, ThemeError

if TYPE_CHECKING:
    from cjmgen.site.pages import PageWork

#: site.relative is pure and called for every link of every page (owner and channel
#: pages hold thousands): memoised, it costs a dict look-up instead of posixpath.relpath.
_relative = functools.lru_cache(maxsize=1 << 16)(site.relative)

BUILT_IN_LANES = DEFAULT_ROWS


@dataclass(frozen=True)
class StageView:
    stage: Stage
    anchor: str
    conversion: float | None  # computed from counts, 0..1
    notes: Markup  # the stage's section of the body, rendered
    mismatch: journey.Mismatch | None = None  # a stated conversion the counts contradict
    stated: float | None = None  # the stated conversion, 0..1 (printed like the computed one)


@dataclass(frozen=True)
class Figures:
    """The headline numbers of a map, shown on the index and in comparisons."""

    stages: int
    overall: journey.Overall | None
    lowest: Stage | None
    kpis_met: int
    kpis_known: int  # with a status (met or missed)
    kpis_total: int = 0  # all of them: the counts say "3 of 10", never "3/9" for 10 KPIs
    mismatches: tuple[str, ...] = ()  # names of stages whose stated conversion the counts contradict


def figures(journey_map: Map) -> Figures:
    kpis = [k for s in journey_map.stages for k in s.kpis]
    known = [k for k in kpis if k.status != "unknown"]
    return Figures(
        len(journey_map.stages), journey.overall_conversion(journey_map),
        journey.lowest_emotion(journey_map), sum(k.status == "met" for k in known), len(known), len(kpis),
        tuple(m.stage.name for m in journey.mismatches(journey_map)),
    )


@dataclass
class RenderedSite:
    pages: dict[str, str] = field(default_factory=dict)  # site path -> text
    files: dict[str, str] = field(default_factory=dict)  # site path -> repository path to copy


class PageError(Exception):
    """A template failed; the message names template:line."""


@dataclass
class SiteRenderer:
    """What every page of the site is rendered with (the shared render context), and the
    templates' helpers. It renders one page at a time for site.pages' specs; which
    pages, in which process, kept or written where, is page_run's job."""

    repo: Repository
    theme: Theme
    env: jinja2.Environment
    markdown: MarkdownRenderer
    as_of: dt.datetime
    drafts: bool = False
    pdf_maps: frozenset[str] = frozenset()  # ids of maps that get a PDF
    handout: bool = False
    extra_nav: tuple[tuple[str, str], ...] = ()  # (label, site path) added by other features
    history: dict[str, Any] | None = None  # map path -> history.MapHistory; None outside git
    changes: Any = None  # diff.RepoDiff: the "What changed" page of `build --compare REV`
    global_inputs: tuple[Any, ...] = ()  # what every page depends on beyond the config (theme digest...)
    # The build checks each map's body links here, where the body is parsed for its page
    # anyway (once, not twice): what it finds goes to the page's PageWork.late.
    body_checker: Callable[[Map], list[Any]] | None = None
    names: StableNames | None = None  # a CLI build's names of parsed objects: page keys name them

    def __post_init__(self) -> None:
        self.locale = Locale(self.repo.config.language, self.theme.catalog_folders())
        self.catalog = Catalog.build(self.repo, self.drafts)
        self.links = Links(self.repo, self.catalog, self.markdown)
        self.hierarchy = Hierarchy(self.catalog.maps, self.repo.config.content_dir)
        self.facets = Facets(self.catalog, self.repo.personas, self.locale, self.stale)
        lanes = self.theme.options.get("lanes") or list(BUILT_IN_LANES)
        hidden = set(self.theme.options.get("hide_lanes") or [])
        custom = [key for key, _ in self.repo.config.lanes]
        self.lanes = [lane for lane in [*lanes, *[c for c in custom if c not in lanes]] if lane not in hidden]
        self._gauges: dict[Any, Markup] = {}
        config = self.repo.config
        self.edit_links = edit_links(config.repo_url, config.edit_uri, config.edit_uri_template)
        self._measures: dict[str, MapMeasures] = {}
        self._measured: dict[str, tuple[Map, Map, list[MeasuredKPI]]] = {}
        self._latest: dict[str, tuple[Map, Map]] = {}  # with_latest_values
        self._latest_measures: dict[str, tuple[Map, MapMeasures]] = {}
        self._search_built: dict[str, str] | None = None
        try:
            self.per_page = per_page_option(self.theme.options)
        except ValueError as exc:
            raise ThemeError(str(exc)) from exc

    def global_key(self) -> tuple[Any, ...]:
        """What every page depends on; each page's own key holds the rest."""
        return (
            # Whether maps get PDFs, not which: every published map does, and each page's
            # key holds the maps it shows (a deleted map must not re-render every page).
            # Pages print the day only: outside git, "as of" is the clock (a new time at every save).
            self.repo.config.shaping_pages(), self.as_of.date(), self.drafts, bool(self.pdf_maps), self.handout,
            self.extra_nav, _frozen(self.repo.channels), self.global_inputs, self.changes is not None,
            bool(self.portfolio),  # the navigation links the portfolio page when there is one
        )

    # -- one page -------------------------------------------------------

    def page(self, work: PageWork, template: str, title: str, **context: Any) -> str:
        """The text of the page `work.path`: `template` with the context every page shares."""
        path = work.path

        def url(target: str) -> str:
            return _relative(path, target)

        try:
            return self.env.get_template(template).render(
                page={"path": path, "title": title, "lang": self.locale.language},
                site=self.repo.config,
                theme=self.theme.options,
                L=self.locale,
                T=self.locale.text,
                url=url,
                static=lambda name: url(site.static_url(name)),
                nav=self.navigation(),
                as_of=self.as_of.date(),
                site_paths=site,
                catalog=self.catalog,
                emotion_colour=charts.emotion_colour,
                kpi_gauge=self.kpi_gauge,
                data_key=self.data_key,
                history=self.history_of(path),
                kpi_history=self.kpi_history,
                recently_changed=self.recently_changed,
                map_facets=self.facets.map_facets,
                items_marked=items_marked,
                piece=work.piece,
                features=context.pop("features", None),  # a map page's (analysis/features.py)
                **context,
            )
        except jinja2.TemplateError as exc:
            raise PageError(_template_error(exc)) from exc
        except TEMPLATE_FAULTS as exc:  # `{{ 1 / 0 }}`, `range(10**9)`: the theme's error, not cjmgen's
            raise PageError(_template_error(exc)) from exc

    def navigation(self) -> list[tuple[str, str]]:
        nav = [
            (self.locale.label("index"), site.INDEX),
            (self.locale.label("segments"), site.SEGMENTS),
            (self.locale.label("personas"), site.PERSONAS),
            (self.locale.label("channels"), site.CHANNELS),
            (self.locale.label("owners"), site.OWNERS),
        ]
        if self.portfolio:
            nav.append((self.locale.label("portfolio"), portfolio.PATH))
        return nav + list(self.extra_nav)

    @functools.cached_property
    def portfolio(self) -> list[portfolio.Entry]:
        """The portfolio page's rows: the tracked opportunities of the published maps."""
        return portfolio.entries(self.catalog.maps, self.repo, self.history)

    def body_html(self, tokens: tuple[Token, ...], work: PageWork, referrer: str) -> Markup:
        return Markup(self.markdown.render(tokens, self.links.resolver(work, referrer)))

    def kpi_gauge(self, kpi: Any) -> Markup:
        """A KPI's gauge SVG; a KPI shows on several pages and twice on its map: draw it once."""
        gauges = self._gauges
        found = gauges.get(kpi)
        if found is None:
            if len(gauges) >= 4096:
                gauges.clear()  # bounded: every KPI of 5,000 maps would hold 130 MB of SVG
            found = gauges[kpi] = Markup(charts.kpi_gauge(kpi, self.locale))
        return found

    def stale(self, journey_map: Map) -> bool:
        return is_stale(journey_map, self.as_of.date(), self.repo.config.stale_after_days)

    @functools.cached_property
    def handouts(self) -> tuple[HandoutVolume, ...]:
        """The files of the training handout `build` writes (none without `handout`)."""
        if not self.handout:
            return ()
        return handout_volumes([m.id for m in self.catalog.maps], self.repo.config.pdf.handout_maps)

    def personas_of(self, maps: Iterable[Map]) -> tuple[Persona | None, ...]:
        ids = sorted({m.persona for m in maps if m.persona})
        return tuple(self.repo.personas.get(pid) for pid in ids)

    # -- map pages ------------------------------------------------------

    def in_language(self, language: str) -> SiteRenderer:
        """This renderer printing in `language` (a map's own); it writes to the same site."""
        other = copy.copy(self)
        other.locale = self.locale.in_language(language)
        other._gauges = {}  # drawn with the site's labels: not this language's
        return other

    def map_page_key(self, journey_map: Map, path: str) -> tuple[Any, ...]:
        """What a map's page shows besides the map: (map, persona, current, futures, related, ...)."""
        persona = self.repo.personas.get(journey_map.persona or "")
        current = self.repo.map(journey_map.current) if journey_map.current else None
        if current is not None and current.id not in self.links.published_ids:
            current = None
        futures = tuple(self.catalog.futures.get(journey_map.id, []))
        related = tuple((rid, self.repo.map(rid), self.links.map_link(rid)) for rid in journey_map.related)
        return (
            journey_map, persona, current, futures, related, self.links.photo_key(persona),
            BodyLinks(journey_map.path, journey_map), self.history_of(path),
            stage_lines(journey_map) if self.edit_links is not None else None, self.data_key(journey_map),
            self.hierarchy.shown_with(journey_map),
            tuple(journey.cast(journey_map, self.repo.personas)),  # the chart's legend, items' persona tags
        )

    def page_address(self, path: str) -> str | None:
        """The absolute address of a page of the site, where the site's is known (site_url)."""
        config = self.repo.config
        base = config.site_url or (config.base_url if "://" in config.base_url else None)
        return site.absolute(base, path) if base is not None else None

    def map_edit_views(self, journey_map: Map) -> tuple[EditView | None, dict[str, EditView]]:
        """The map's and its stages' edit links; none without repo_url."""
        if self.edit_links is None:
            return None, {}
        return map_views(self.edit_links, self.locale.label, journey_map,
                         self.page_address(site.map_url(journey_map.id)))

    def persona_edit_view(self, persona: Persona) -> EditView | None:
        if self.edit_links is None:
            return None
        return persona_view(self.edit_links, self.locale.label, persona,
                            self.page_address(site.persona_url(persona.id)))

    # -- measured KPIs ----------------------------------------------------

    def measures_of(self, journey_map: Map) -> MapMeasures:
        """What the map's data files say about it (nothing for a map without data); worked
        out once a map, as several pages show it."""
        if not journey_map.data:
            return map_measures(journey_map, self.repo)
        found = self._measures.get(journey_map.path)
        if found is None:
            found = self._measures[journey_map.path] = map_measures(journey_map, self.repo)
        return found

    def data_key(self, journey_map: Map) -> str | None:
        """The digests of the data files a map lists: with the map, they make what its measures
        show (a page key holds this short string, not the measures, which take long to digest)."""
        if not journey_map.data:
            return None
        files = self.repo.data
        return " ".join(files[path].digest if path in files else "-"
                        for path in (data_path(written, self.repo) or "" for written in journey_map.data))

    def measures_key(self, maps: Iterable[Map]) -> tuple[Any, ...]:
        """What a page listing `maps` shows of their data: a part of its key."""
        return tuple((m.id, self.data_key(m)) for m in maps if m.data)

    def figures_of(self, journey_map: Map) -> Figures:
        """The key figures of a map as listed: with its measured values, where it has data."""
        return figures(self.with_latest_values(journey_map))

    def measured(self, journey_map: Map) -> tuple[Map, list[MeasuredKPI]]:
        """The map with its measured values in place, and its measured KPIs (once a map: the
        map page and the PDF ask; the whole series is measured by the process that draws
        the map's page)."""
        if not journey_map.data:
            return journey_map, []
        found = self._measured.get(journey_map.path)
        if found is None or found[0] is not journey_map:
            measures = self.measures_of(journey_map)
            shown = self._shown(journey_map, measures)
            found = self._measured[journey_map.path] = (journey_map, shown, measured_kpis(
                shown, measures, self.as_of.date(), self.repo.config.kpi_stale_after_days))
        return found[1], found[2]

    def with_latest_values(self, journey_map: Map) -> Map:
        """The map as the listings and the summaries show it: with its latest measured values
        (once a map). Each series' latest TREND_PERIODS periods are all they need; the pages
        that summarise every map are drawn by one build process (site.pages), which measures
        every map so."""
        if not journey_map.data:
            return journey_map
        for found in (self._measured.get(journey_map.path), self._latest.get(journey_map.path)):
            if found is not None and found[0] is journey_map:
                return found[1]
        shown = self._shown(journey_map, self.latest_measures(journey_map))
        self._latest[journey_map.path] = (journey_map, shown)
        return shown

    def latest_measures(self, journey_map: Map) -> MapMeasures:
        """Each series' latest TREND_PERIODS periods: all that the listings and the summaries
        show of a map's data (measured once a map)."""
        found = self._latest_measures.get(journey_map.path)
        if found is None or found[0] is not journey_map:
            found = self._latest_measures[journey_map.path] = (
                journey_map, map_measures(journey_map, self.repo, last=TREND_PERIODS))
        return found[1]

    def _shown(self, journey_map: Map, measures: MapMeasures) -> Map:
        """The measured copy of the map, named after it (both variants show the same values)."""
        shown = measured_map(journey_map, measures)
        if self.names is not None and shown is not journey_map:
            self.names.derive(shown, journey_map, f"|measured:{self.data_key(journey_map)}")
        return shown

    def measured_refs(self, refs: list[StageRef]) -> list[StageRef]:
        """Stages as their map pages show them: with the latest measured values, where the
        map has data files (an owner's page lists its stages' KPIs)."""
        out = []
        for ref in refs:
            if not ref.map.data:
                out.append(ref)
                continue
            shown = self.with_latest_values(ref.map)
            index = ref.map.stages.index(ref.stage)  # list.index asks `is` before `==`
            out.append(StageRef(shown, shown.stages[index]))
        return out

    @functools.cached_property
    def summarises_data(self) -> bool:
        """Whether the index, owner, segment and persona pages measure maps' data files: then
        they go to one build process, which measures each map once (site.pages)."""
        return any(journey_map.data for journey_map in self.catalog.maps)

    @functools.cached_property
    def attention(self) -> Attention:
        """The KPIs missed now or got worse across the site's maps (the index and owner pages)."""
        today, days = self.as_of.date(), self.repo.config.kpi_stale_after_days
        return attention(row for journey_map in self.catalog.maps if journey_map.data
                         for row in needing_attention(journey_map, self.latest_measures(journey_map), today, days))

    def attention_maps(self, owner: str) -> tuple[Map, ...]:
        """The maps with data files in which `owner` answers for a stage (its own, or the map's
        where the stage names none): all that the owner's part of `attention` is made from.
        With their data digests they key the owner's page; the rows themselves (700 KPIs an
        owner at 1,000 maps, fourteen values each) took longer to digest than to list, and
        asking for them measured every map even when the page was kept."""
        return self._attention_maps.get(owner, ())

    @functools.cached_property
    def _attention_maps(self) -> dict[str, tuple[Map, ...]]:
        found: dict[str, list[Map]] = {}
        for journey_map in self.catalog.maps:
            if journey_map.data:
                for owner in {stage.owner or journey_map.owner for stage in journey_map.stages}:
                    if owner:
                        found.setdefault(owner, []).append(journey_map)
        return {owner: tuple(maps) for owner, maps in found.items()}

    def render_map_page(
        self, work: PageWork, journey_map: Map, persona: Persona | None, current: Map | None,
        futures: tuple[Map, ...], related: tuple[Any, ...],
    ) -> str:
        if journey_map.language and journey_map.language != self.locale.language:
            # a map in its own language: labels, quotes, numbers and `lang` follow it
            return self.in_language(journey_map.language).render_map_page(
                work, journey_map, persona, current, futures, related)
        if self.body_checker is not None:
            work.late.extend(self.body_checker(journey_map))
        count_period = self.measures_of(journey_map).count_period()
        journey_map, measured = self.measured(journey_map)  # the latest measured values, where there are data
        body = self.markdown.split(journey_map.body, journey_map.section_keys())
        rates = journey.conversions(journey_map)
        stages = [
            StageView(
                stage, site.stage_anchor(stage.id), rates[i],
                self.body_html(body.sections.get(stage.id, ()), work, journey_map.path),
                journey.mismatch(journey_map, i), journey.stated_rate(stage.conversion),
            )
            for i, stage in enumerate(journey_map.stages)
        ]
        edit, stage_edits = self.map_edit_views(journey_map)
        place = self.hierarchy.place(journey_map)
        history = self.history_of(work.path)
        return self.page(
            work, "map.html", journey_map.title,
            map=journey_map,
            edit=edit,
            stage_edits=stage_edits,
            stages=stages,
            lanes=self.lanes,
            lane_labels=dict(self.repo.config.lanes),
            rows=map_rows(journey_map, page_specs(self.lanes, dict(self.repo.config.lanes), self.locale.label)),
            phases=phase_band(journey_map),
            persona=persona,
            persona_photo=self.links.photo(persona, work) if persona else None,
            intro=self.body_html(body.intro, work, journey_map.path),
            figures=figures(journey_map),
            current=current,
            current_figures=figures(current) if current else None,
            comparison=comparison_rows(current, journey_map) if current else [],
            futures=list(futures),
            related=list(related),
            stale=self.stale(journey_map),
            pdf=site.map_pdf_url(journey_map.id) if journey_map.id in self.pdf_maps else None,
            lever=journey.best_lever(journey_map),
            emotion_svg=Markup(charts.emotion_curve(
                journey_map.stages, self.locale, ghost=current.stages if current else None,
                scale=journey_map.emotion_scale, personas=journey.cast(journey_map, self.repo.personas))),
            feelings=self.feelings(journey_map),
            funnel_svg=Markup(charts.funnel_chart(journey_map, self.locale)),
            graph_svg=Markup(charts.journey_graph(journey_map, self.locale)),
            has_counts=journey.has_counts(journey_map),
            funnel_model=funnel_model(journey_map),
            portfolio_filter=portfolio.stage_filter,
            tracked_opportunities=opportunities.has_structured(journey_map),
            opportunity_kpis=opportunities.kpi_names(journey_map),
            ticket_url=lambda ticket: opportunities.ticket_url(ticket, self.repo.config.tickets),
            measured=measured,
            measured_rows=measured_rows(measured, self.locale, self.trend),
            trend=self.trend,
            count_period=count_period,
            place=place,
            drawn_once=drawn_once,
            features=features_of(journey_map.stages, details=bool(place.rollups),
                                 kpi_history=bool(history and history.kpis), stage_edits=bool(stage_edits),
                                 cites=bool(journey_map.sources)),
        )

    def trend(self, row: MeasuredKPI, number: int) -> Markup:
        """The sparkline of the `number`th measured KPI of a map page (its ids: `trend-<number>`)."""
        target = row.kpi.target
        return Markup(charts.trend_sparkline(
            row.points(), self.locale, name=row.kpi.name, target=row.target_number(), prefix=f"trend-{number}",
            target_text=self.locale.figure(target, row.kpi.unit) if target is not None else None))

    def feelings(self, journey_map: Map) -> Callable[[Stage], list[tuple[str, str]]] | None:
        """A stage's emotion in words on a map with its own scale or several personas (else
        the page shows the five moods as it always did)."""
        personas = journey.cast(journey_map, self.repo.personas)
        if journey_map.emotion_scale.is_default and len(personas) < 2:
            return None
        return functools.partial(charts.stage_feelings, locale=self.locale, scale=journey_map.emotion_scale,
                                 personas=personas)

    def paged_title(self, title: str, pagination: Pagination | None) -> str:
        """A list's title, with "page 2 of 7" after it on every page but the first."""
        if pagination is None or on_first_page(pagination):
            return title
        return f"{title} · {self.locale.label('page_of', number=pagination.number, count=pagination.count)}"

    def search_files(self, work: PageWork) -> dict[str, str]:
        """Every file of the search index, made once per render (its maps' chunks are
        pieces of the page that asks first)."""
        if self._search_built is None:
            groups = [self.search_chunk(journey_map, work.pieces) for journey_map in self.catalog.maps]
            notes = {p.id: search_index.plain(p.body) for p in self.repo.personas.values()}
            groups.append(search_index.chunk(search_index.other_entries(self.catalog, self.locale, notes)))
            self._search_built = search_index.build(groups, self.locale, len(self.catalog.maps)).files
        return self._search_built

    def search_chunk(self, journey_map: Map, pieces: Pieces | None) -> search_index.Chunk:
        """One map's search entries and stems, kept between CLI builds (they show its persona's name)."""
        def produce() -> search_index.Chunk:
            notes = search_index.notes_text(journey_map.body, journey_map.section_keys())
            return search_index.map_chunk(journey_map, self.catalog, notes)

        if pieces is None:
            return produce()
        chunk: search_index.Chunk = pieces.get(
            ("search", journey_map, self.repo.personas.get(journey_map.persona or "")), produce)
        return chunk

    # -- history and review (git) -----------------------------------------

    def history_of(self, page_path: str) -> Any:
        """The git history of the map shown on `page_path` (None for other pages, outside git)."""
        return self._history_by_page.get(page_path) if self.history else None

    @functools.cached_property
    def _history_by_page(self) -> dict[str, Any]:
        history = self.history or {}
        return {site.map_url(m.id): history[m.path] for m in self.catalog.maps if m.path in history}

    def kpi_history(self, history: Any, journey_map: Map, stage: Stage, anchor: str) -> tuple[HistoryTrend, ...]:
        """The trends of a stage's typed KPIs over git history (site.kpi_trends); a KPI
        measured from a data file shows the data's trend instead."""
        if not history or not history.kpis:
            return ()
        measured = {key for key, _ in self.measures_of(journey_map).kpis}
        return history_trends(history, stage, self.locale, anchor, measured)

    @functools.cached_property
    def recently_changed(self) -> list[Any]:
        """(map, last commit) of the most recently changed maps; theme option `recent_maps`."""
        if not self.history:
            return []
        count = int(self.theme.options.get("recent_maps", 10) or 0)
        return recently_changed(self.catalog.maps, self.history, count) if count > 0 else []


def drawn_once(macro: Callable[..., Any]) -> Callable[..., Any]:
    """`{% set item_list = drawn_once(item_list) %}`: a list macro that draws each list once
    while a page renders (a map's grid and its stage cards show the same lists of each stage).
    A list is known by the object itself, which the memo holds so that its id stays its own."""
    drawn: dict[tuple[Any, ...], tuple[Any, Any]] = {}

    def draw(items: Any, *args: Any, **kwargs: Any) -> Any:
        if kwargs:
            return macro(items, *args, **kwargs)
        key = (id(items), *args)
        found = drawn.get(key)
        if found is None or found[0] is not items:
            found = drawn[key] = (items, macro(items, *args))
        return found[1]

    return draw


def funnel_model(journey_map: Map) -> list[dict[str, Any]]:
    """The funnel as the theme's calculator reads it: each stage's count, its computed
    conversion (0..1) and the index of the stage that conversion leads to."""
    position = journey.stage_positions(journey_map)
    rates = journey.conversions(journey_map)
    out = []
    for index, stage in enumerate(journey_map.stages):
        target = journey.forward_target(journey_map, index, position)
        out.append({
            "id": stage.id, "name": stage.name, "count": stage.count, "rate": rates[index],
            "next": position[target.id] if target is not None and rates[index] is not None else None,
        })
    return out


def comparison_rows(current: Map, future: Map) -> list[tuple[str, Stage | None, Stage | None]]:
    """Stages of a current- and a future-state map side by side, matched by id."""
    rows: list[tuple[str, Stage | None, Stage | None]] = []
    future_ids = {s.id for s in future.stages}
    for stage in future.stages:
        rows.append((stage.name, current.stage(stage.id), stage))
    for stage in current.stages:
        if stage.id not in future_ids:
            rows.append((stage.name, stage, None))
    return rows


def _frozen(mapping: Any) -> Any:
    """A mapping as a comparable tuple of items (None stays None)."""
    return None if mapping is None else tuple(sorted(mapping.items()))


#: What an expression in a template can raise besides Jinja's own errors.
TEMPLATE_FAULTS = (ArithmeticError, LookupError, TypeError, ValueError, RecursionError)


def _template_error(exc: Exception) -> str:
    if isinstance(exc, jinja2.TemplatesNotFound):
        return f"template not found: {', '.join(map(str, exc.templates))} (theme or custom_dir)"
    if isinstance(exc, jinja2.TemplateNotFound):
        return f"template not found: {exc.name} (theme or custom_dir)"
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"{exc.filename or exc.name}:{exc.lineno}: {exc.message}"
    import traceback

    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith((".html", ".xml", ".j2"))]
    where = f"{frames[-1].filename}:{frames[-1].lineno}: " if frames else ""
    what = "" if isinstance(exc, jinja2.TemplateError) else f"{type(exc).__name__}: "
    return f"{where}{what}{exc}"


__all__ = ["PageError", "RenderedSite", "SiteRenderer", "ThemeError", "figures"]
