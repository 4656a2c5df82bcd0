"""The site's page list: one small generator per page kind, each yielding page specs.

A page spec says where a page goes, what it shows beyond what every page
shows (its key, compared by serve's page cache and the CLI's page reuse) and
how to render it: `render(work)` returns the page's text and puts the files it
publishes and what its body checks found into `work`. Planning renders
nothing, so every build process plans the same list in the same order and
takes its share of it (page_run).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from cjmgen.analysis.catalog import StageRef
from cjmgen.analysis.measured_view import Attention
from cjmgen.analysis.moments import moments
from cjmgen.content.model import Map, Persona
from cjmgen.diagnostics import Diagnostic
from cjmgen.incremental.lazy_map import moment_flags
from cjmgen.incremental.page_reuse import BodyLinks, Pieces
from cjmgen.site import portfolio, search_index
from cjmgen.site import urls as site
from cjmgen.site.pagination import Pagination, on_first_page, paginate

if TYPE_CHECKING:
    from cjmgen.site.render import SiteRenderer


@dataclass
class PageWork:
    """What rendering one page collects besides its text."""

    path: str
    files: dict[str, str] = field(default_factory=dict)  # site path -> repository path it publishes
    late: list[Diagnostic] = field(default_factory=list)  # what the page's body checks found
    pieces: Pieces | None = None  # the page's pieces kept between CLI builds

    def piece(self, *key: Any, caller: Any) -> Markup:
        """`{% call piece(ref.map, ref.stage) %}...{% endcall %}` in a template: the block's
        HTML, kept between builds under `key` (see page_reuse.Pieces). The key must hold
        everything the block shows besides the page it is on and what every page
        depends on; outside a CLI build the block is simply rendered."""
        if self.pieces is None:
            return Markup(caller())
        code = caller._func.__code__
        place = f"html:{code.co_filename}:{code.co_firstlineno}"  # the block's place in the theme
        return Markup(self.pieces.get((place, *key), lambda: str(caller())))


FIRST, LAST = 0, -1  # PageSpec.pinned: the first build process, the last


@dataclass(frozen=True)
class PageSpec:
    """One page: its site path, its key and how to render it."""

    path: str
    # What the page shows beyond the global key; a callable is worked out only by the
    # process that renders the page; None: the page is never kept, always rendered.
    key: Any
    render: Callable[[PageWork], str]
    # Pages sharing one costly piece of work go to one build process, which does that work
    # once: the search index's parts to the first, and with data files the pages summarising
    # every map's measured KPIs to the last (`_summaries`), so that after an edit the two are
    # drawn side by side rather than one after the other. None: whichever process is free.
    pinned: int | None = None


def plan(r: SiteRenderer) -> list[PageSpec]:
    """Every page of the site, in a fixed order. The pages that list every map come first:
    the longest jobs go out first, so that the processes sharing the pages end together."""
    return [
        *search_pages(r), *owner_pages(r), *channel_pages(r), *index_page(r), *segment_pages(r),
        *persona_pages(r), *map_pages(r), *portfolio_page(r), *changes_page(r), *not_found_page(r),
    ]


def search_pages(r: SiteRenderer) -> Iterator[PageSpec]:
    """The search index (`search-index.js` and its parts under `search/`) and `search.html`.
    The parts are known from the number of maps, so every build process names the same pages."""
    key = (r.catalog.maps, _frozen(r.repo.personas))
    for path in [search_index.PATH, *search_index.part_paths(len(r.catalog.maps))]:
        yield PageSpec(path, key, partial(_search_file, r, path), pinned=FIRST)
    yield PageSpec(search_index.PAGE, (), lambda work: r.page(work, "search.html", r.locale.label("search")))


def owner_pages(r: SiteRenderer) -> Iterator[PageSpec]:
    owners = r.catalog.owners
    counts = tuple(len(r.catalog.by_owner.get(o, [])) for o in owners)
    yield PageSpec(site.OWNERS, (tuple(owners), counts),
                   lambda work: r.page(work, "owners.html", r.locale.label("owners"), owners=owners))
    for owner in owners:
        refs = tuple(r.catalog.by_owner.get(owner, []))
        maps = tuple(r.catalog.maps_by_owner.get(owner, []))
        for path, chunk, pagination in paginate(site.owner_url(owner), refs, r.per_page):
            listed = maps if on_first_page(pagination) else ()  # the maps: on the first page
            yield PageSpec(path, partial(_owner_key, r, owner, chunk, listed, pagination), partial(
                _owner_page, r, owner=owner, refs=list(chunk), maps=list(listed), pagination=pagination),
                pinned=_summaries(r))


def _summaries(r: SiteRenderer) -> int | None:
    """Where the pages that summarise every map go: with data files they measure every map,
    which one process does once (the last: the first draws the search index)."""
    return LAST if r.summarises_data else None


def _owner_attention(r: SiteRenderer, owner: str, pagination: Pagination | None) -> Attention:
    """The owner's KPIs that need attention: on the first page of their list."""
    return r.attention.of_owner(owner) if on_first_page(pagination) else Attention()


def _owner_key(r: SiteRenderer, owner: str, chunk: tuple[Any, ...], listed: tuple[Map, ...],
               pagination: Pagination | None) -> tuple[Any, ...]:
    """The data digests of its stages' maps (the stage cards show their measured values), and
    on the first page the maps its KPIs that need attention come from, with theirs: the
    list is made from them alone, as the index's summary is (index_page)."""
    maps = tuple({ref.map.path: ref.map for ref in chunk}.values())
    attention = r.attention_maps(owner) if on_first_page(pagination) else ()
    return owner, chunk, listed, pagination, r.measures_key(maps), attention, r.measures_key(attention)


def _owner_page(r: SiteRenderer, work: PageWork, owner: str, refs: list[StageRef], pagination: Pagination | None,
                **context: Any) -> str:
    return r.page(work, "owner.html", r.paged_title(owner, pagination), owner=owner, pagination=pagination,
                  refs=r.measured_refs(refs), attention=_owner_attention(r, owner, pagination), **context)


def channel_pages(r: SiteRenderer) -> Iterator[PageSpec]:
    ids = r.catalog.channel_ids()
    groups = [
        (kind, [c for c in ids if r.catalog.channel_kind(c) == kind])
        for kind in ("online", "offline", None)
    ]
    groups = [(kind, group) for kind, group in groups if group]
    counts = tuple(len(r.catalog.by_channel.get(c, [])) for c in ids)
    yield PageSpec(site.CHANNELS, (tuple(ids), counts), lambda work: r.page(
        work, "channels.html", r.locale.label("channels"), channel_groups=groups))
    for channel_id in ids:
        channel = (r.repo.channels or {}).get(channel_id)
        personas = tuple(p for p in r.repo.personas.values() if channel_id in p.channels)
        refs = tuple(r.catalog.by_channel.get(channel_id, []))
        title = r.catalog.channel_name(channel_id)
        for path, chunk, pagination in paginate(site.channel_url(channel_id), refs, r.per_page):
            yield PageSpec(path, (channel_id, chunk, personas, pagination), partial(
                _channel_page, r, channel_id=channel_id, channel=channel, channel_name=title, refs=list(chunk),
                personas=list(personas), pagination=pagination))


def _channel_page(r: SiteRenderer, work: PageWork, channel_name: str, pagination: Pagination | None,
                  **context: Any) -> str:
    return r.page(work, "channel.html", r.paged_title(channel_name, pagination), channel_name=channel_name,
                  pagination=pagination, **context)


def index_page(r: SiteRenderer) -> Iterator[PageSpec]:
    maps = r.catalog.maps

    def render(work: PageWork) -> str:
        groups = []
        for segment, segment_maps in r.catalog.by_segment.items():
            by_persona: dict[str, list[Map]] = {}
            for journey_map in segment_maps:
                by_persona.setdefault(journey_map.persona or "", []).append(journey_map)
            groups.append((segment, sorted(by_persona.items())))
        return r.page(
            work, "index.html", r.repo.config.title,
            groups=groups, figures=r.figures_of, stale=r.stale, personas=r.repo.personas,
            handout=r.handout, handouts=r.handouts, filters=r.facets.filter_options(maps),
            attention=r.attention,
            moments=moments(maps, moment_flags),
            tree=[(None, node) for node in r.hierarchy.tree()],
        )

    # the summary of KPIs missed and got worse comes from the maps and their data files alone:
    # both are in the key (the summary's rows are thousands of values at 1,000 maps)
    yield PageSpec(site.INDEX, (maps, _frozen(r.repo.personas), tuple(r.recently_changed), r.measures_key(maps)),
                   render, pinned=_summaries(r))


def segment_pages(r: SiteRenderer) -> Iterator[PageSpec]:
    segments = r.catalog.by_segment
    summary = tuple((segment, len(maps)) for segment, maps in segments.items())
    yield PageSpec(site.SEGMENTS, summary, lambda work: r.page(
        work, "segments.html", r.locale.label("segments"), segments=segments))
    for segment, maps in segments.items():
        title = segment or r.locale.label("without_segment")
        path = site.segment_url(title)
        yield PageSpec(path, (title, tuple(maps), r.personas_of(maps), r.measures_key(maps)), partial(
            _page, r, "segment.html", title, segment=title, maps=maps, figures=r.figures_of, stale=r.stale),
            pinned=_summaries(r))


def persona_pages(r: SiteRenderer) -> Iterator[PageSpec]:
    personas = list(r.repo.personas.values())
    counts = tuple(len(r.catalog.by_persona.get(p.id, [])) for p in personas)
    photos = tuple(r.links.photo_key(p) for p in personas)
    yield PageSpec(site.PERSONAS, (tuple(personas), counts, photos), lambda work: r.page(
        work, "personas.html", r.locale.label("personas"), personas=personas,
        photos={p.id: r.links.photo(p, work) for p in personas}))
    for persona in personas:
        maps = tuple(r.catalog.by_persona.get(persona.id, []))
        key = (persona, r.links.photo_key(persona), BodyLinks(persona.path, persona), maps, r.measures_key(maps))

        def render(work: PageWork, persona: Persona = persona, maps: tuple[Map, ...] = maps) -> str:
            body = r.markdown.parse(persona.body)
            return r.page(
                work, "persona.html", persona.name, persona=persona, edit=r.persona_edit_view(persona),
                photo=r.links.photo(persona, work), body=r.body_html(body, work, persona.path),
                maps=list(maps), figures=r.figures_of,
            )

        yield PageSpec(site.persona_url(persona.id), key, render, pinned=_summaries(r))


def map_pages(r: SiteRenderer) -> Iterator[PageSpec]:
    for journey_map in r.catalog.maps:
        path = site.map_url(journey_map.id)
        yield PageSpec(path, partial(r.map_page_key, journey_map, path), partial(_map_page, r, journey_map))


def _map_page(r: SiteRenderer, journey_map: Map, work: PageWork) -> str:
    return r.render_map_page(work, journey_map, *r.map_page_key(journey_map, work.path)[1:5])


def portfolio_page(r: SiteRenderer) -> Iterator[PageSpec]:
    """`portfolio.html`: every tracked opportunity; none for a site without them."""
    rows = r.portfolio
    if not rows:
        return
    key = tuple((e.map.id, e.map.title, e.map.segment, e.stage.id, e.stage.name, e.stage.owner, e.opportunity,
                 e.kpi, e.since) for e in rows)
    yield PageSpec(portfolio.PATH, key, lambda work: r.page(
        work, "portfolio.html", r.locale.label("portfolio"), entries=rows,
        filters=portfolio.filter_options(rows, r.locale.label), matrix=portfolio.matrix(rows)))
    for name in portfolio.ASSETS:  # made here, not copied from static/: sites without a portfolio stay as they were
        yield PageSpec(f"static/{name}", (), partial(_theme_file, r, f"portfolio/{name}"))


def changes_page(r: SiteRenderer) -> Iterator[PageSpec]:
    """`changes.html` of `build --compare REV`: rendered by the first process, never kept."""
    if r.changes is not None:
        # Imported here: only a build with --compare has this page, and it has loaded the diff
        from cjmgen.site.changes_page import PAGE_PATH, render_changes_page

        yield PageSpec(PAGE_PATH, None, partial(render_changes_page, r), pinned=FIRST)


def not_found_page(r: SiteRenderer) -> Iterator[PageSpec]:
    yield PageSpec(site.NOT_FOUND, (), lambda work: r.page(work, "404.html", r.locale.label("not_found")))


def _page(r: SiteRenderer, template: str, title: str, work: PageWork, **context: Any) -> str:
    return r.page(work, template, title, **context)


def _theme_file(r: SiteRenderer, template: str, work: PageWork) -> str:
    return r.env.get_template(template).render()


def _search_file(r: SiteRenderer, path: str, work: PageWork) -> str:
    return r.search_files(work)[path]


def _frozen(mapping: Any) -> Any:
    """A mapping as a comparable tuple of items (None stays None)."""
    return None if mapping is None else tuple(sorted(mapping.items()))
