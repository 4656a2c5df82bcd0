"""The prebuilt offline search index of the site: one small script every page can load.

The index lists maps, stages, obstacles, KPIs, touchpoints, owners, personas and
channels, each with the site-root-relative URL it leads to (a stage's anchor on
its map page for everything that belongs to a stage). It is written as
`search-index.js`, a script that assigns a global, not as JSON: `fetch()` of a
local file is refused on `file://` pages, a `<script>` is not, so search works
from a file share too. The theme's `search.js` loads it on first use.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from cjmgen import site
from cjmgen.catalog import Catalog
from cjmgen.i18n import Locale
from cjmgen.model import KPI, Map

PATH = "search-index.js"
PAGE = "search.html"  # every result of a query: search.html?q=...
GLOBAL = "CJM_SEARCH"
FORMAT = 2  # 2: entries in groups (one per map), each with its own places

#: Kinds of entries, in the order results of equal quality are shown.
KINDS = ("map", "stage", "obstacle", "kpi", "touchpoint", "owner", "persona", "channel")

_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Text as search compares it: lower case, ё read as е, any run of spaces one space.

    The theme's search.js applies the same rules to what the user types, one
    character for one character, so that matches can be highlighted in the
    original text.
    """
    lowered = text.lower()
    if len(lowered) != len(text) or "Σ" in text:  # İ -> i̇, final sigma: lower per character
        lowered = "".join(ch.lower()[:1] or ch for ch in text)  # one char per char (İ -> i)
    return _SPACES.sub(" ", lowered.replace("ё", "е")).strip()


@dataclass(frozen=True)
class Entry:
    kind: str
    title: str  # what the result shows
    context: str  # where it is: "map › stage", a segment, a role
    url: str  # site-root-relative, with the stage anchor where there is one
    extra: str = ""  # more searchable text that is not shown (goals, tags, ids)



def _kpi_title(kpi: KPI) -> str:
    figures = ""
    if kpi.value:
        figures = kpi.value.raw + (f" {kpi.unit}" if kpi.unit else "")
    if kpi.target:
        figures += f" / {kpi.target.raw}" + (f" {kpi.unit}" if kpi.unit else "")
    return f"{kpi.name}: {figures.strip()}" if figures.strip() else kpi.name


def map_entries(journey_map: Map, catalog: Catalog) -> Iterable[Entry]:
    """The map itself, then each stage and what the stage carries."""
    url = site.map_url(journey_map.id)
    persona = catalog.repo.personas.get(journey_map.persona or "")
    yield Entry(
        "map", journey_map.title, journey_map.segment or "", url,
        " ".join([journey_map.description or "", *journey_map.tags, journey_map.owner or "",
                  persona.name if persona else "", journey_map.id]),
    )
    for stage in journey_map.stages:
        anchor = f"{url}#{site.stage_anchor(stage.id)}"
        where = f"{journey_map.title} › {stage.name}"
        yield Entry("stage", stage.name, journey_map.title, anchor,
                    " ".join([stage.id, *(g.text for g in stage.goals), stage.owner or ""]))
        for obstacle in stage.obstacles:
            yield Entry("obstacle", obstacle.text, where, anchor, obstacle.source or "")
        for kpi in stage.kpis:
            yield Entry("kpi", _kpi_title(kpi), where, anchor)
        for touchpoint in stage.touchpoints:
            # The channel is shown with a named touchpoint: a search for it finds this
            # entry, and the user sees why.
            channel = catalog.channel_name(touchpoint.channel)
            title = f"{touchpoint.name} ({channel})" if touchpoint.name and touchpoint.name != channel else channel
            yield Entry("touchpoint", title, where, anchor, touchpoint.channel)


def entries(catalog: Catalog, locale: Locale) -> Iterator[Entry]:
    """Every entry of the published site, in a stable order (one at a time: at 5,000 maps
    there are 300,000 of them)."""
    for journey_map in catalog.maps:
        yield from map_entries(journey_map, catalog)
    yield from other_entries(catalog, locale)


def other_entries(catalog: Catalog, locale: Locale) -> Iterator[Entry]:
    """The owners, personas and channels, after the maps."""
    for owner in catalog.owners:
        stages = catalog.by_owner.get(owner, [])
        maps = sorted({ref.map.title for ref in stages} | {m.title for m in catalog.maps_by_owner.get(owner, [])})
        yield Entry("owner", owner, ", ".join(maps), site.owner_url(owner), " ".join(ref.stage.name for ref in stages))
    for persona in catalog.repo.personas.values():
        yield Entry("persona", persona.name, persona.role or "", site.persona_url(persona.id),
                    " ".join([persona.id, persona.quote or ""]))
    for channel_id in catalog.channel_ids():
        name = catalog.channel_name(channel_id)
        kind = catalog.channel_kind(channel_id)
        yield Entry("channel", name, locale.label(kind) if kind else "", site.channel_url(channel_id), channel_id)


def map_chunk(journey_map: Map, catalog: Catalog) -> str:
    """One map's group of the index as JSON text (render.py keeps it between builds: after
    a one-map edit only that map's group is made again)."""
    return _group(map_entries(journey_map, catalog))


def _group(entries: Iterable[Entry]) -> str:
    """`[places, entries]`: everything of one stage shares its context and URL, stored once
    as a "place" that entries point at by number (within the group)."""
    places: dict[tuple[str, str], int] = {}
    rows = []
    for entry in entries:
        place = places.setdefault((entry.context, entry.url), len(places))
        rows.append([entry.kind, entry.title, place, normalise(entry.extra)])
    return _json([[list(place) for place in places], rows])


def build(catalog: Catalog, locale: Locale, chunk: Callable[[Map], str] | None = None) -> str:
    """The text of `search-index.js`: `window.CJM_SEARCH = {...};`, deterministic.
    One group per map, then one of the owners, personas and channels. The title and
    the context are searched too (search.js normalises them as it loads); `words`
    holds only the hidden text. `chunk(map)`: map_chunk, or a cache of it."""
    chunk = chunk or (lambda journey_map: map_chunk(journey_map, catalog))
    labels = {
        kind: locale.label(f"kind_{kind}" if kind in ("obstacle", "kpi", "touchpoint") else kind)
        for kind in KINDS
    }
    groups = [chunk(journey_map) for journey_map in catalog.maps]
    groups.append(_group(other_entries(catalog, locale)))
    head = _json({
        "format": FORMAT,
        "language": locale.language,
        "kinds": labels,
        "fields": ["kind", "title", "place", "words"],
    })
    return (
        "// The cjmgen search index: generated by `cjmgen build`, read by static/search.js.\n"
        f"window.{GLOBAL} = {head[:-1]},\"groups\":[{','.join(groups)}]}};\n"
    )


def _json(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    # `</script>` or U+2028 inside a string must not end or break the script.
    return text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def read(text: str) -> dict:
    """Parse a `search-index.js` back (tests, tools)."""
    start = text.index("=") + 1
    return json.loads(text[start:].strip().rstrip(";"))


def expand(data: dict) -> list[Entry]:
    """The entries of a parsed index, with their context and URL (what search.js shows)."""
    out = []
    for places, rows in data["groups"]:
        for kind, title, place, words in rows:
            context, url = places[place]
            out.append(Entry(kind, title, context, url, words))
    return out
