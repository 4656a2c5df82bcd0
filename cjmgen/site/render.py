"""Model to HTML strings: every page of the site, through the theme's templates. No file I/O."""

from __future__ import annotations

import copy
import datetime as dt
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import jinja2
from markupsafe import Markup

from cjmgen import charts
from cjmgen.analysis import journey
from cjmgen.analysis.catalog import Catalog
from cjmgen.build.workers import Tickets
from cjmgen.checks.rules import is_stale
from cjmgen.content.assets import active_problem, resolve_asset
from cjmgen.content.markdown import MarkdownRenderer, is_external, is_local
from cjmgen.content.model import Map, Persona, Stage
from cjmgen.content.repository import Repository, classify
from cjmgen.i18n.labels import Locale
from cjmgen.incremental.codestamp import code_stamp
from cjmgen.incremental.page_reuse import BodyLinks, PageRecord, PageReuse, Pieces
from cjmgen.pdf.handout_volumes import HandoutVolume, handout_volumes
from cjmgen.site import search_index
from cjmgen.site import urls as site
from cjmgen.site.pagination import Pagination, on_first_page, paginate, per_page_option
from cjmgen.site.theme import Theme, ThemeError

#: site.relative is pure and called for every link of every page (owner and channel
#: pages hold thousands): memoised, it costs a dict look-up instead of posixpath.relpath.
_relative = functools.lru_cache(maxsize=1 << 16)(site.relative)

BUILT_IN_LANES = (
    "goals", "actions", "thoughts", "touchpoints", "emotion", "kpis", "obstacles",
    "triggers", "push", "opportunities", "backstage", "owner",
)


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
class PageCache:
    """Rendered pages kept between builds of `serve`, each under the key of its inputs.

    A page is reused only when its key (everything its template reads that is
    not global) equals the key it was rendered with, and the global key (config,
    theme files, date, options, channel catalog) is unchanged: so an
    incremental build gives the bytes of a full one.
    """

    global_key: Any = None
    pages: dict[str, tuple[Any, str, dict[str, str]]] = field(default_factory=dict)
    rendered: int = 0
    reused: int = 0
    # Which changed pages may wait (serve renders the edited map's page at once and the
    # pages that list every map when they are asked for, or when the server is idle).
    defer: Callable[[str], bool] | None = None
    pending: dict[str, Callable[[], tuple[str, dict[str, str]]]] = field(default_factory=dict)


@dataclass
class SiteRenderer:
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
    cache: PageCache | None = None  # serve's incremental rebuilds
    shard: tuple[int, int] | None = None  # (k, n): render only the k-th of every n pages (build.py's workers)
    tickets: Tickets | None = None  # with `shard`: pages go to whichever process is free instead
    global_inputs: tuple = ()  # what every page depends on beyond the config (theme digest...)
    # The build checks each map's body links here, where the body is parsed for its page
    # anyway (once, not twice): what it finds is collected in `late_diagnostics`.
    body_checker: Callable[[Map], list[Any]] | None = None
    reuse: PageReuse | None = None  # a CLI build: pages of the last build kept when unchanged

    def __post_init__(self) -> None:
        self.locale = Locale(self.repo.config.language, self.theme.catalog_folders())
        self.catalog = Catalog.build(self.repo, self.drafts)
        self.output = RenderedSite()
        lanes = self.theme.options.get("lanes") or list(BUILT_IN_LANES)
        hidden = set(self.theme.options.get("hide_lanes") or [])
        custom = [key for key, _ in self.repo.config.lanes]
        self.lanes = [lane for lane in [*lanes, *[c for c in custom if c not in lanes]] if lane not in hidden]
        self._page_files: dict[str, str] = {}
        self.late_diagnostics: list[Any] = []
        self._pieces: Pieces | None = None  # the kept pieces of the page being rendered (CLI builds)
        try:
            self.per_page = per_page_option(self.theme.options)
        except ValueError as exc:
            raise ThemeError(str(exc)) from exc
        if not self.theme.options.get("keep_pages", True):
            self.cache = None  # the theme's pages show more than their keys hold: render each page
        if self.cache is not None:
            global_key = self.global_key()
            if self.cache.global_key != global_key:
                self.cache.pages.clear()
                self.cache.global_key = global_key

    def global_key(self) -> tuple:
        """What every page depends on; each page's own key holds the rest."""
        return (
            # Whether maps get PDFs, not which: every published map does, and each page's
            # key holds the maps it shows (a deleted map must not re-render every page).
            # Pages print the day only: outside git, "as of" is the clock (a new time at every save).
            self.repo.config.shaping_pages(), self.as_of.date(), self.drafts, bool(self.pdf_maps), self.handout,
            self.extra_nav, _frozen(self.repo.channels), self.global_inputs, self.changes is not None,
        )

    @functools.cached_property
    def _reuse_global(self) -> str:
        assert self.reuse is not None
        return self.reuse.names.digest((code_stamp(), self.global_key()))

    # -- the whole site -------------------------------------------------

    def render_all(self) -> RenderedSite:
        # The pages that list every map first: the longest jobs go out first, so that
        # the processes sharing the pages (build's Tickets) end together. Each page is
        # rendered on its own: the order changes no byte.
        self.search_pages()
        self.owner_pages()
        self.channel_pages()
        self.index()
        self.segment_pages()
        self.persona_pages()
        for journey_map in self.catalog.maps:
            self.map_page(journey_map)
        if self.changes is not None:
            self.changes_page()
        self.not_found()
        pending = list(self.cache.pending) if self.cache is not None else []
        sitemap = self.sitemap([*self.output.pages, *pending])
        if sitemap is not None:
            self.output.pages[site.SITEMAP] = sitemap
        return self.output

    # -- plumbing -------------------------------------------------------

    def page(self, path: str, template: str, title: str, **context: Any) -> str:
        if self.shard is not None and self.shard[0] and not self.__dict__.get("_in_cached"):
            return ""  # a page rendered outside `cached` belongs to the first shard
        url = lambda target: _relative(path, target)
        try:
            html = self.env.get_template(template).render(
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
                history=self.history_of(path),
                recently_changed=self.recently_changed(),
                map_facets=self.map_facets,
                piece=self.piece,
                **context,
            )
        except jinja2.TemplateError as exc:
            raise PageError(_template_error(exc)) from exc
        except TEMPLATE_FAULTS as exc:  # `{{ 1 / 0 }}`, `range(10**9)`: the theme's error, not cjmgen's
            raise PageError(_template_error(exc)) from exc
        self.output.pages[path] = html
        return html

    def cached(self, path: str, key: Any, produce: Callable[[], Any], first_process: bool = False) -> None:
        """Render `path` with `produce()` unless the cache holds it under the same `key`
        (a function that returns the key: it is worked out only by the process that
        renders the page). `first_process`: pages that share one costly piece of work
        (the search index's parts) all go to the first build process, which does that
        work once, instead of to whichever process is free."""
        if self.shard is not None:
            number = self.__dict__.get("_shard_counter", 0)
            self.__dict__["_shard_counter"] = number + 1
            if first_process:
                mine = self.shard[0] == 0
            else:
                mine = self.tickets.mine(number, self.shard) if self.tickets else number % self.shard[1] == self.shard[0]
            if not mine:
                return  # another process renders this page: the same order everywhere
            self.__dict__["_in_cached"] = True
        if callable(key):
            key = key()
        cache = self.cache
        body = next((part for part in key if isinstance(part, BodyLinks)), None) if isinstance(key, tuple) else None
        if cache is not None:
            if body is not None:  # in memory: the links' state itself is the key
                key = tuple(self.links_key(p) if isinstance(p, BodyLinks) else p for p in key)
            hit = cache.pages.get(path)
            if hit is not None and hit[0] == key:
                self.output.pages[path] = hit[1]
                self.output.files.update(hit[2])
                cache.reused += 1
                return
            if cache.defer is not None and cache.defer(path):
                cache.pending[path] = functools.partial(self.render_page, path, key, produce)
                return
        if self.reuse is not None:
            self.render_or_keep(path, key, body, produce)
        else:
            self.render_page(path, key, produce)
        self.__dict__["_in_cached"] = False

    def render_or_keep(self, path: str, key: Any, body: BodyLinks | None, produce: Callable[[], Any]) -> None:
        """A CLI build: keep the last build's page if its key is unchanged, else render it."""
        assert self.reuse is not None
        digest = self.reuse.names.digest((self._reuse_global, key))
        kept = self.reuse.keep(path, digest, body, self.link_states)
        if kept is not None:
            dict.__setitem__(self.output.pages, path, "")  # listed, not written: the old file is linked
            self.output.files.update(kept.files)
            self.late_diagnostics.extend(kept.late)
            return
        found = len(self.late_diagnostics)
        store = self.reuse.pieces
        self._pieces = store.open(path, self._reuse_global) if store is not None else None
        try:
            _, files = self.render_page(path, key, produce)
            if store is not None and self._pieces is not None and self._pieces.new:
                store.save(path, self._reuse_global, self._pieces)
        finally:
            self._pieces = None
        links = self.body_link_states(body) if body is not None else []
        self.reuse.records[path] = PageRecord(digest, links, dict(files), self.late_diagnostics[found:])

    def render_page(self, path: str, key: Any, produce: Callable[[], Any]) -> tuple[str, dict[str, str]]:
        """Render `path` now (and keep it in the cache under `key`): its text and the
        files it publishes (site path -> repository path). `cached` calls it at once,
        or hands it to the cache's pending pages to be called later."""
        self._page_files = {}
        produce()
        if self.cache is None:  # a build writes pages as they come (build._WrittenPages): no text kept
            return "", self._page_files
        text = self.output.pages[path]
        self.cache.pages[path] = (key, text, self._page_files)
        self.cache.rendered += 1
        return text, self._page_files

    def piece(self, *key: Any, caller: Any) -> Markup:
        """`{% call piece(ref.map, ref.stage) %}...{% endcall %}` in a template: the block's
        HTML, kept between builds under `key` (see page_reuse.Pieces). The key must hold
        everything the block shows besides the page it is on and what every page
        depends on; outside a CLI build the block is simply rendered."""
        pieces = self._pieces
        if pieces is None:
            return caller()
        code = caller._func.__code__
        place = f"html:{code.co_filename}:{code.co_firstlineno}"  # the block's place in the theme
        return Markup(pieces.get((place, *key), lambda: str(caller())))

    def navigation(self) -> list[tuple[str, str]]:
        nav = [
            (self.locale.label("index"), site.INDEX),
            (self.locale.label("segments"), site.SEGMENTS),
            (self.locale.label("personas"), site.PERSONAS),
            (self.locale.label("channels"), site.CHANNELS),
            (self.locale.label("owners"), site.OWNERS),
        ]
        return nav + list(self.extra_nav)

    def resolver(self, page_path: str, referrer: str) -> Callable[[str, str], str | None]:
        """Turn link and image targets in a body into page-relative site URLs."""

        def resolve(target: str, kind: str) -> str | None:
            if target.startswith("#"):
                return target
            if is_external(target):
                return None if kind == "image" else target
            if not is_local(target):
                return None  # data:, javascript: and other schemes
            found = resolve_asset(target, referrer, self.repo.config)
            if found.path is None:
                return None
            suffix = f"#{found.fragment}" if found.fragment else ""
            kind_id = classify(found.path, self.repo.config)
            if kind_id and kind_id[0] == "map":
                linked = self.published_by_path.get(found.path)
                return site.relative(page_path, site.map_url(linked.id)) + suffix if linked else None
            if kind_id and kind_id[0] == "persona" and kind_id[1] in self.repo.personas:
                return site.relative(page_path, site.persona_url(kind_id[1])) + suffix
            return self.publish_file(page_path, found.path) + suffix

        return resolve

    def publish_file(self, page_path: str, repo_path: str) -> str:
        target = site.file_url(repo_path)
        self.output.files[target] = repo_path
        self._page_files[target] = repo_path
        return site.relative(page_path, target)

    def body_html(self, tokens, page_path: str, referrer: str) -> Markup:  # type: ignore[no-untyped-def]
        return Markup(self.markdown.render(tokens, self.resolver(page_path, referrer)))

    @functools.cached_property
    def published_ids(self) -> frozenset[str]:
        """The catalog's published ids, computed once (the catalog rebuilds the set per call)."""
        return frozenset(self.catalog.published_ids)

    @functools.cached_property
    def published_by_path(self) -> dict[str, Map]:
        """Published maps by repository path (the first of duplicates, as a linear search)."""
        found: dict[str, Map] = {}
        for journey_map in self.catalog.maps:
            found.setdefault(journey_map.path, journey_map)
        return found

    def kpi_gauge(self, kpi: Any) -> Markup:
        """A KPI's gauge SVG; a KPI shows on several pages and twice on its map: draw it once."""
        gauges = self.__dict__.setdefault("_gauges", {})
        found = gauges.get(kpi)
        if found is None:
            if len(gauges) >= 4096:
                gauges.clear()  # bounded: every KPI of 5,000 maps would hold 130 MB of SVG
            found = gauges[kpi] = Markup(charts.kpi_gauge(kpi, self.locale))
        return found

    def map_link(self, map_id: str) -> str | None:
        return site.map_url(map_id) if map_id in self.published_ids else None

    def stale(self, journey_map: Map) -> bool:
        return is_stale(journey_map, self.as_of.date(), self.repo.config.stale_after_days)

    def map_facets(self, journey_map: Map) -> dict[str, Any]:
        """What the index filters read from a map's row (`data-facets`): one value or a list each."""
        owners = {journey_map.owner, *(s.owner for s in journey_map.stages)} - {None, ""}
        channels = {tp.channel for s in journey_map.stages for tp in s.touchpoints}
        return {
            "segment": journey_map.segment or "", "persona": journey_map.persona or "",
            "owner": sorted(owners, key=str.casefold), "channel": sorted(channels, key=str.casefold),
            "tag": list(journey_map.tags), "state": journey_map.state, "status": journey_map.status,
            "staleness": "stale" if self.stale(journey_map) else "fresh",
        }

    def filter_options(self, maps: Iterable[Map]) -> list[tuple[str, str, list[tuple[str, str]]]]:
        """The index filters: (facet, label, [(value, shown name)]), only values some map has."""
        facets = [self.map_facets(m) for m in maps]

        def values(key: str) -> list[str]:
            found: set[str] = set()
            for facet in facets:
                value = facet[key]
                found.update(value if isinstance(value, list) else [value])
            return sorted(found, key=str.casefold)

        personas = self.repo.personas
        label = self.locale.label
        return [
            ("segment", label("segment"), [(v, v or label("without_segment")) for v in values("segment")]),
            ("persona", label("persona"),
             [(v, personas[v].name if v in personas else (v or label("without_persona"))) for v in values("persona")]),
            ("owner", label("owner"), [(v, v) for v in values("owner")]),
            ("channel", label("channel"), [(v, self.catalog.channel_name(v)) for v in values("channel")]),
            ("tag", label("tags"), [(v, v) for v in values("tag")]),
            ("state", label("state"), [(v, label(f"state_{v}")) for v in values("state")]),
            ("status", label("status"), [(v, label(f"status_{v}")) for v in values("status")]),
            ("staleness", label("staleness"), [(v, label(v)) for v in values("staleness")]),
        ]

    def photo(self, persona: Persona, page_path: str) -> str | None:
        if not persona.photo:
            return None
        found = resolve_asset(persona.photo, persona.path, self.repo.config)
        return self.publish_file(page_path, found.path) if found.path else None

    # -- pages ----------------------------------------------------------

    def links_key(self, body: BodyLinks) -> tuple:
        """`body_link_states` as a hashable part of a page's key (serve's page cache)."""
        return tuple(tuple(state) for state in self.body_link_states(body))

    def body_link_states(self, body: BodyLinks) -> list[list[Any]]:
        """How the local links and images of a body resolve now (see `link_states`)."""
        return self.link_states(body.referrer, self.local_targets(body.body))

    def local_targets(self, body: str) -> list[str]:
        """The local link and image targets of a Markdown body, in order."""
        return [ref.target for ref in self.markdown.references(body) if is_local(ref.target)]

    def link_states(self, referrer: str, targets: list[str]) -> list[list[Any]]:
        """[target, repository path, linked map id / whether the persona exists / why the
        file may not be published] of each target: a kept page whose SVG gained a script
        since is rendered (and its body checked) again."""
        out = []
        for target in targets:
            found = resolve_asset(target, referrer, self.repo.config)
            kind_id = classify(found.path, self.repo.config) if found.path else None
            linked = None
            if kind_id and kind_id[0] == "map":
                linked = found_map.id if (found_map := self.published_by_path.get(found.path)) else None
            elif kind_id and kind_id[0] == "persona":
                linked = kind_id[1] in self.repo.personas
            elif found.path is not None:
                linked = active_problem(found.path, self.repo.config)
            out.append([target, found.path, linked])
        return out

    def photo_key(self, persona: Persona | None) -> str | None:
        if persona is None or not persona.photo:
            return None
        return resolve_asset(persona.photo, persona.path, self.repo.config).path

    @functools.cached_property
    def handouts(self) -> tuple[HandoutVolume, ...]:
        """The files of the training handout `build` writes (none without `handout`)."""
        if not self.handout:
            return ()
        return handout_volumes([m.id for m in self.catalog.maps], self.repo.config.pdf.handout_maps)

    def personas_of(self, maps: Iterable[Map]) -> tuple:
        ids = sorted({m.persona for m in maps if m.persona})
        return tuple(self.repo.personas.get(pid) for pid in ids)

    # -- pages ----------------------------------------------------------

    def index(self) -> None:
        maps = self.catalog.maps
        key = (maps, _frozen(self.repo.personas), tuple(self.recently_changed()))

        def produce() -> None:
            groups = []
            for segment, segment_maps in self.catalog.by_segment.items():
                by_persona: dict[str, list[Map]] = {}
                for journey_map in segment_maps:
                    by_persona.setdefault(journey_map.persona or "", []).append(journey_map)
                groups.append((segment, sorted(by_persona.items())))
            self.page(
                site.INDEX, "index.html", self.repo.config.title,
                groups=groups, figures=figures, stale=self.stale, personas=self.repo.personas,
                handout=self.handout, handouts=self.handouts, filters=self.filter_options(maps),
            )

        self.cached(site.INDEX, key, produce)

    def map_page(self, journey_map: Map) -> None:
        path = site.map_url(journey_map.id)
        self.cached(path, lambda: self.map_page_key(journey_map, path), lambda: self.render_map_page(
            journey_map, path, *self.map_page_key(journey_map, path)[1:5]))

    def in_language(self, language: str) -> SiteRenderer:
        """This renderer printing in `language` (a map's own); it writes to the same site."""
        other = copy.copy(self)
        other.locale = self.locale.in_language(language)
        other.__dict__.pop("_gauges", None)  # drawn with the site's labels: not this language's
        return other

    def map_page_key(self, journey_map: Map, path: str) -> tuple:
        """What a map's page shows besides the map: (map, persona, current, futures, related, ...)."""
        persona = self.repo.personas.get(journey_map.persona or "")
        current = self.repo.map(journey_map.current) if journey_map.current else None
        if current is not None and current.id not in self.published_ids:
            current = None
        futures = tuple(self.catalog.futures.get(journey_map.id, []))
        related = tuple((rid, self.repo.map(rid), self.map_link(rid)) for rid in journey_map.related)
        return (
            journey_map, persona, current, futures, related, self.photo_key(persona),
            BodyLinks(journey_map.path, journey_map), self.history_of(path),
        )

    def render_map_page(
        self, journey_map: Map, path: str, persona: Persona | None, current: Map | None,
        futures: tuple[Map, ...], related: tuple,
    ) -> None:
        if journey_map.language and journey_map.language != self.locale.language:
            # a map in its own language: labels, quotes, numbers and `lang` follow it
            return self.in_language(journey_map.language).render_map_page(
                journey_map, path, persona, current, futures, related)
        if self.body_checker is not None:
            self.late_diagnostics.extend(self.body_checker(journey_map))
        body = self.markdown.split(journey_map.body, journey_map.section_keys())
        rates = journey.conversions(journey_map)
        stages = [
            StageView(
                stage, site.stage_anchor(stage.id), rates[i],
                self.body_html(body.sections.get(stage.id, ()), path, journey_map.path),
                journey.mismatch(journey_map, i), journey.stated_rate(stage.conversion),
            )
            for i, stage in enumerate(journey_map.stages)
        ]
        self.page(
            path, "map.html", journey_map.title,
            map=journey_map,
            stages=stages,
            lanes=self.lanes,
            lane_labels=dict(self.repo.config.lanes),
            persona=persona,
            persona_photo=self.photo(persona, path) if persona else None,
            intro=self.body_html(body.intro, path, journey_map.path),
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
                journey_map.stages, self.locale, ghost=current.stages if current else None)),
            funnel_svg=Markup(charts.funnel_chart(journey_map, self.locale)),
            graph_svg=Markup(charts.journey_graph(journey_map, self.locale)),
            has_counts=journey.has_counts(journey_map),
            funnel_model=funnel_model(journey_map),
        )

    def persona_pages(self) -> None:
        personas = list(self.repo.personas.values())
        counts = tuple(len(self.catalog.by_persona.get(p.id, [])) for p in personas)
        photos = tuple(self.photo_key(p) for p in personas)

        def produce_list() -> None:
            self.page(site.PERSONAS, "personas.html", self.locale.label("personas"), personas=personas,
                      photos={p.id: self.photo(p, site.PERSONAS) for p in personas})

        self.cached(site.PERSONAS, (tuple(personas), counts, photos), produce_list)
        for persona in personas:
            path = site.persona_url(persona.id)
            maps = tuple(self.catalog.by_persona.get(persona.id, []))
            key = (persona, self.photo_key(persona), BodyLinks(persona.path, persona), maps)

            def produce(persona: Persona = persona, path: str = path, maps: tuple = maps) -> None:
                body = self.markdown.parse(persona.body)
                self.page(
                    path, "persona.html", persona.name, persona=persona,
                    photo=self.photo(persona, path), body=self.body_html(body, path, persona.path),
                    maps=list(maps), figures=figures,
                )

            self.cached(path, key, produce)

    def channel_pages(self) -> None:
        ids = self.catalog.channel_ids()
        groups = [
            (kind, [c for c in ids if self.catalog.channel_kind(c) == kind])
            for kind in ("online", "offline", None)
        ]
        groups = [(kind, group) for kind, group in groups if group]
        counts = tuple(len(self.catalog.by_channel.get(c, [])) for c in ids)
        self.cached(site.CHANNELS, (tuple(ids), counts), lambda: self.page(
            site.CHANNELS, "channels.html", self.locale.label("channels"), channel_groups=groups))
        for channel_id in ids:
            channel = (self.repo.channels or {}).get(channel_id)
            personas = tuple(p for p in self.repo.personas.values() if channel_id in p.channels)
            refs = tuple(self.catalog.by_channel.get(channel_id, []))
            title = self.catalog.channel_name(channel_id)
            for path, chunk, pagination in paginate(site.channel_url(channel_id), refs, self.per_page):
                self.cached(path, (channel_id, chunk, personas, pagination), lambda path=path, channel_id=channel_id,
                            channel=channel, chunk=chunk, personas=personas, pagination=pagination: self.page(
                    path, "channel.html", self.paged_title(title, pagination),
                    channel_id=channel_id, channel=channel, channel_name=title, refs=list(chunk),
                    personas=list(personas), pagination=pagination,
                ))

    def owner_pages(self) -> None:
        owners = self.catalog.owners
        counts = tuple(len(self.catalog.by_owner.get(o, [])) for o in owners)
        self.cached(site.OWNERS, (tuple(owners), counts), lambda: self.page(
            site.OWNERS, "owners.html", self.locale.label("owners"), owners=owners))
        for owner in owners:
            refs = tuple(self.catalog.by_owner.get(owner, []))
            maps = tuple(self.catalog.maps_by_owner.get(owner, []))
            for path, chunk, pagination in paginate(site.owner_url(owner), refs, self.per_page):
                listed = maps if on_first_page(pagination) else ()  # the maps: on the first page
                self.cached(path, (owner, chunk, listed, pagination), lambda path=path, owner=owner, chunk=chunk,
                            listed=listed, pagination=pagination: self.page(
                    path, "owner.html", self.paged_title(owner, pagination), owner=owner, refs=list(chunk),
                    maps=list(listed), pagination=pagination,
                ))

    def paged_title(self, title: str, pagination: Pagination | None) -> str:
        """A list's title, with "page 2 of 7" after it on every page but the first."""
        if on_first_page(pagination):
            return title
        return f"{title} · {self.locale.label('page_of', number=pagination.number, count=pagination.count)}"

    def segment_pages(self) -> None:
        segments = self.catalog.by_segment
        summary = tuple((segment, len(maps)) for segment, maps in segments.items())
        self.cached(site.SEGMENTS, summary, lambda: self.page(
            site.SEGMENTS, "segments.html", self.locale.label("segments"), segments=segments))
        for segment, maps in segments.items():
            title = segment or self.locale.label("without_segment")
            path = site.segment_url(title)
            key = (title, tuple(maps), self.personas_of(maps))
            self.cached(path, key, lambda path=path, title=title, maps=maps: self.page(
                path, "segment.html", title, segment=title, maps=maps, figures=figures, stale=self.stale,
            ))

    def search_pages(self) -> None:
        """The search index (`search-index.js` and its parts under `search/`) and
        `search.html` (all results of a query). The parts are known from the number of
        maps, so every build process names the same pages; all go to the first process,
        which works the index out once (the others render other pages meanwhile)."""
        key = (self.catalog.maps, _frozen(self.repo.personas))
        paths = [search_index.PATH, *search_index.part_paths(len(self.catalog.maps))]
        for path in paths:
            self.cached(path, key, lambda path=path: self.output.pages.__setitem__(
                path, self.search_files()[path]), first_process=True)
        self.cached(search_index.PAGE, (), lambda: self.page(
            search_index.PAGE, "search.html", self.locale.label("search")))

    def search_files(self) -> dict[str, str]:
        """Every file of the search index, made once per render."""
        built = self.__dict__.get("_search_built")
        if built is None:
            groups = [self.search_chunk(journey_map) for journey_map in self.catalog.maps]
            notes = {p.id: search_index.plain(p.body) for p in self.repo.personas.values()}
            groups.append(search_index.chunk(search_index.other_entries(self.catalog, self.locale, notes)))
            built = search_index.build(groups, self.locale, len(self.catalog.maps)).files
            self.__dict__["_search_built"] = built
        return built

    def search_chunk(self, journey_map: Map) -> search_index.Chunk:
        """One map's search entries and stems, kept between CLI builds (they show its persona's name)."""
        def produce() -> search_index.Chunk:
            notes = search_index.notes_text(journey_map.body, journey_map.section_keys())
            return search_index.map_chunk(journey_map, self.catalog, notes)

        if self._pieces is None:
            return produce()
        return self._pieces.get(("search", journey_map, self.repo.personas.get(journey_map.persona or "")), produce)

    def not_found(self) -> None:
        self.cached(site.NOT_FOUND, (), lambda: self.page(
            site.NOT_FOUND, "404.html", self.locale.label("not_found")))

    def sitemap(self, pages: Iterable[str] | None = None) -> str | None:
        """sitemap.xml, or None where the site's absolute address is unknown: a sitemap lists
        full URLs (sitemaps.org), and a list of paths misleads the crawlers that read it."""
        config = self.repo.config
        base = config.site_url or (config.base_url if "://" in config.base_url else None)
        if base is None:
            return None
        pages = self.output.pages if pages is None else pages
        paths = sorted(p for p in pages if p.endswith(".html") and p != site.NOT_FOUND)
        rows = "".join(f"  <url><loc>{_xml(site.absolute(base, p))}</loc></url>\n" for p in paths)
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{rows}</urlset>\n"
        )

    # -- history and review (git) -----------------------------------------

    def history_of(self, page_path: str) -> Any:
        """The git history of the map shown on `page_path` (None for other pages, outside git)."""
        if not self.history:
            return None
        if not hasattr(self, "_history_by_page"):
            self._history_by_page = {
                site.map_url(m.id): self.history[m.path] for m in self.catalog.maps if m.path in self.history
            }
        return self._history_by_page.get(page_path)

    def recently_changed(self) -> list[Any]:
        """(map, last commit) of the most recently changed maps; theme option `recent_maps`."""
        if not self.history:
            return []
        if not hasattr(self, "_recent"):
            from cjmgen.review.history import recently_changed

            count = int(self.theme.options.get("recent_maps", 10) or 0)
            self._recent = recently_changed(self.catalog.maps, self.history, count) if count > 0 else []
        return self._recent

    def changes_page(self) -> None:
        """`changes.html`: every map that differs from the compared revision, as a visual diff."""
        from cjmgen.review.page import PAGE_PATH, context

        lane_labels = dict(self.repo.config.lanes)
        self.page(
            PAGE_PATH, "diff.html", self.locale.label("what_changed"), layout="base.html",
            standalone=False,
            **context(self.changes, self.locale, self.lanes, lane_labels,
                      lambda map_id: site.relative(PAGE_PATH, link) if (link := self.map_link(map_id)) else None,
                      {c: self.catalog.channel_name(c) for c in self.catalog.channel_ids()}),
        )


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


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


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
