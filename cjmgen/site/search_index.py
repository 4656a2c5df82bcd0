"""The prebuilt offline search index of the site: small scripts that search.js loads.

Every map, stage and lane item (goals, actions, thoughts, quotes, touchpoints, KPIs,
obstacles, triggers, ...), every section of a map's notes, and the owners, personas
and channels are entries, each with the site-root-relative URL it leads to (a stage's
anchor on its map page for everything that belongs to a stage).

Words are found by their Snowball stem (cjmgen.site.stemming; the theme's stemmer.js
stems what the user types the same way), so one form finds all others. The index
is an inverted one, cut in pieces so that a keypress loads little even at
thousands of maps:

- `search-index.js`: the head (kinds, the number of parts, where each map's
  entries start); loaded when the search box is first used.
- `search/t<k>.js`: the terms whose stem begins with the letters that hash to `k`,
  each with its most frequent written form (for "did you mean") and its postings
  (entry number and where the word stands: title, the entry's own text, or only
  the name of its map or stage).
- `search/d<k>.js`: the entries (kind, title, place, text) of a run of maps,
  loaded only for the results shown.

Each is a script, not JSON: `fetch()` of a local file is refused on `file://` pages,
a `<script>` is not, so search works from a file share too.
"""

from __future__ import annotations

import itertools
import json
import math
import operator
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from cjmgen.analysis.catalog import Catalog
from cjmgen.content import lanes
from cjmgen.content.model import KPI, Item, Map, Stage
from cjmgen.i18n.labels import Locale
from cjmgen.site import urls as site
from cjmgen.site.stemming import stem, words

PATH = "search-index.js"
PAGE = "search.html"  # every result of a query: search.html?q=...
FOLDER = "search"
GLOBAL = "CJM_SEARCH"
PART_CALLBACK = "CJM_SEARCH_PART"
FORMAT = 3  # 3: stemmed, inverted, in parts

#: The lanes of a stage whose items are entries of their own: (attribute, kind).
ITEM_LANES = tuple((lane.key, lane.noun) for lane in lanes.ITEM_LANES)
#: Kinds of entries, in the order results of equal quality are shown.
KINDS = ("map", "stage", "goal", "action", "thought", "quote", "touchpoint", "kpi", "obstacle", "trigger",
         "push", "opportunity", "backstage", "lane", "note", "owner", "persona", "channel")

#: Where a word stands in an entry; search.js ranks by it (IN_CONTEXT: only in the name of
#: the entry's map or stage, which search.js looks up itself).
IN_TITLE, IN_TEXT, IN_CONTEXT = 3, 2, 1
PREFIX = 2  # terms are put in parts by the first letters of their stem
MAPS_PER_TERM_PART = 4
MAPS_PER_DOC_PART = 3  # a part of ~70 KB at rich maps: the 8 results of the popup load < 1 MB
OWNER_MAPS_SHOWN = 3
OWNER_STAGE_NAMES = 40

_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Text as search compares it: lower case, ё read as е, any run of spaces one space.

    The theme's search.js applies the same rules to what the user types, one
    character for one character, so that matches can be highlighted in the
    original text.
    """
    return _SPACES.sub(" ", _folded(text)).strip()


def _folded(text: str) -> str:
    """`normalise` but for spaces, which no word holds: what the index tokenises, cheaper."""
    lowered = text.lower()
    if len(lowered) != len(text) or "Σ" in text:  # İ -> i̇, final sigma: lower per character
        lowered = "".join(ch.lower()[:1] or ch for ch in text)  # one char per char (İ -> i)
    return lowered.replace("ё", "е")


class Entry(NamedTuple):
    """One result the index can give (a named tuple: a thousand maps are 170,000 entries)."""

    kind: str
    title: str  # what the result shows
    context: str  # where it is: "map › stage", a segment, a role
    url: str  # site-root-relative, with the stage anchor where there is one
    extra: str = ""  # more searchable text of the entry itself (shown as an excerpt when it matched)


def _kpi_title(kpi: KPI) -> str:
    figures = ""
    if kpi.value:
        figures = kpi.value.raw + (f" {kpi.unit}" if kpi.unit else "")
    if kpi.target:
        figures += f" / {kpi.target.raw}" + (f" {kpi.unit}" if kpi.unit else "")
    return f"{kpi.name}: {figures.strip()}" if figures.strip() else kpi.name


def _items(items: Iterable[Item]) -> str:
    return " ".join(item.text for item in items)


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKUP = re.compile(r"[*_`|>#~]+|<[^>]*>|^\s*[-+]\s+|^\s*\d+[.)]\s+|^\s*-{3,}\s*$", re.MULTILINE)


def notes_text(body: str, section_keys: dict[str, str]) -> dict[str, str]:
    """The words of a map's Markdown body by the stage whose `## section` holds them
    ("" for the text before and between them), as markdown.MarkdownRenderer.split
    attaches sections, without markup. Line by line, not parsed: a build reads every
    body for its page anyway, and search needs only the words."""
    sections: dict[str, list[str]] = {"": []}
    current = ""
    fence = ""
    for line in body.splitlines():
        opened = _FENCE.match(line)
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = ""
            else:
                sections[current].append(line)
            continue
        if opened:
            fence = opened.group(1)
            continue
        heading = _HEADING.match(line)
        if heading and len(heading.group(1)) <= 2:
            key = heading.group(2).strip().casefold()
            if len(heading.group(1)) == 2 and key in section_keys:
                current = section_keys[key]
                sections.setdefault(current, [])
                continue
            current = ""  # another heading ends the stage's section
        sections[current].append(line)
    return {key: plain(" ".join(lines)) for key, lines in sections.items()}


def plain(markdown: str) -> str:
    """Markdown text as words: links by their text, markup characters dropped."""
    return _SPACES.sub(" ", _MARKUP.sub(" ", _LINK.sub(r"\1", markdown))).strip()


def map_entries(journey_map: Map, catalog: Catalog, notes: dict[str, str] | None = None) -> Iterable[Entry]:
    """The map itself, then each stage and what the stage carries, then its notes.
    `notes`: the plain text of the map's Markdown, by stage id ("" for the text
    before and between the stages' sections)."""
    notes = notes or {}
    url = site.map_url(journey_map.id)
    persona = catalog.repo.personas.get(journey_map.persona or "")
    yield Entry(
        "map", journey_map.title, journey_map.segment or "", url,
        " ".join([journey_map.description or "", *journey_map.tags, journey_map.owner or "",
                  persona.name if persona else "", journey_map.id]),
    )
    if notes.get(""):  # before the stages: it belongs to none of them
        yield Entry("note", journey_map.title, journey_map.title, f"{url}#story-title", notes[""])
    for stage in journey_map.stages:
        yield from stage_entries(journey_map, stage, catalog, notes.get(stage.id, ""))


def stage_entries(journey_map: Map, stage: Stage, catalog: Catalog, notes: str) -> Iterator[Entry]:
    url = site.map_url(journey_map.id)
    anchor = f"{url}#{site.stage_anchor(stage.id)}"
    where = f"{journey_map.title} › {stage.name}"
    yield Entry("stage", stage.name, journey_map.title, anchor, " ".join([stage.id, stage.owner or ""]))
    for attribute, kind in ITEM_LANES:
        for item in getattr(stage, attribute):
            yield Entry(kind, item.text, where, anchor, item.source or "")
    for kpi in stage.kpis:
        yield Entry("kpi", _kpi_title(kpi), where, anchor, kpi.source or "")
    for touchpoint in stage.touchpoints:
        # The channel is shown with a named touchpoint: a search for it finds this
        # entry, and the user sees why.
        channel = catalog.channel_name(touchpoint.channel)
        title = f"{touchpoint.name} ({channel})" if touchpoint.name and touchpoint.name != channel else channel
        yield Entry("touchpoint", title, where, anchor, touchpoint.channel)
    for _, items in stage.lanes:
        for item in items:
            yield Entry("lane", item.text, where, anchor, item.source or "")
    if notes:
        yield Entry("note", stage.name, where, anchor, notes)


def other_entries(catalog: Catalog, locale: Locale, persona_notes: dict[str, str] | None = None) -> Iterator[Entry]:
    """The owners, personas (with their goals, needs, pains and notes) and channels."""
    persona_notes = persona_notes or {}
    for owner in catalog.owners:
        stages = catalog.by_owner.get(owner, [])
        maps = sorted({ref.map.title for ref in stages} | {m.title for m in catalog.maps_by_owner.get(owner, [])})
        # An owner of hundreds of stages: the first few maps and stage names tell who it is;
        # all of them would make one entry as large as a map.
        shown = ", ".join(maps[:OWNER_MAPS_SHOWN]) + (", …" if len(maps) > OWNER_MAPS_SHOWN else "")
        names = list(dict.fromkeys(ref.stage.name for ref in stages))[:OWNER_STAGE_NAMES]
        yield Entry("owner", owner, shown, site.owner_url(owner), " ".join(names))
    for persona in catalog.repo.personas.values():
        yield Entry("persona", persona.name, persona.role or "", site.persona_url(persona.id),
                    " ".join([persona.role or "", persona.quote or "", _items(persona.goals), _items(persona.needs),
                              _items(persona.pains), persona_notes.get(persona.id, ""), persona.id]))
    channels = catalog.repo.channels or {}
    for channel_id in catalog.channel_ids():
        name = catalog.channel_name(channel_id)
        kind = catalog.channel_kind(channel_id)
        described = channels.get(channel_id)
        yield Entry("channel", name, locale.label(kind) if kind else "", site.channel_url(channel_id),
                    f"{channel_id} {described.description or ''}" if described else channel_id)


@dataclass(frozen=True)
class Chunk:
    """The entries of one map (or of the other pages) with the stems they hold: what the
    index is made of. render.py keeps a map's chunk between builds, so that after a
    one-map edit only that map's words are stemmed again.

    A chunk holds its entries already as the index's text (`rows`: the JSON of
    `[places, rows]`, spliced into its part as it is) and its stems as postings local to
    the chunk: a string and a few large lists rather than an object per entry and per
    stem, so that the kept chunks of every map (the largest piece of a site:
    docs/benchmarks.md) are pickled and read back several times faster.

    An entry's context (its map's title, its stage's name) is not indexed with it:
    search.js finds those words in the map's and the stage's own entries, which come
    first in their group (`head.starts`, `head.stages`), and counts them only beside a
    word of the entry itself."""

    rows: str  # the JSON of `[places, rows]` of the chunk's entries (`_group`)
    size: int  # how many entries
    stages: tuple[int, ...]  # the numbers (within the chunk) of its stage entries
    postings: dict[str, tuple[int, ...]]  # stem -> entry number (within the chunk) * 4 + weight
    forms: tuple[tuple[str, int], ...]  # each written word (normalised) and how often


def chunk(entries: Iterable[Entry]) -> Chunk:
    listed = tuple(entries)
    # Each entry's words, then each distinct word's stem once: a map has thousands of
    # words but a few hundred distinct ones.
    texts = [(words(_folded(entry.title)), words(_folded(entry.extra)) if entry.extra else None)
             for entry in listed]
    written: list[str] = []
    for title, own in texts:
        written += title
        if own:
            written += own
    counted = Counter(written)
    stem_of = {word: stem(word) for word in counted}.__getitem__
    postings: defaultdict[str, list[int]] = defaultdict(list)
    for number, (title, own) in enumerate(texts):
        place = number * 4
        in_title = set(map(stem_of, title))
        for term in in_title:
            postings[term].append(place + IN_TITLE)
        if own:
            for term in set(map(stem_of, own)).difference(in_title):  # the title wins over the entry's text
                postings[term].append(place + IN_TEXT)
    stages = tuple(number for number, entry in enumerate(listed) if entry.kind == "stage")
    return Chunk(_json(_group(listed)), len(listed), stages, {term: tuple(values) for term, values in postings.items()},
                 tuple(counted.items()))


def map_chunk(journey_map: Map, catalog: Catalog, notes: dict[str, str] | None = None) -> Chunk:
    """One map's chunk of the index."""
    return chunk(map_entries(journey_map, catalog, notes))


# -- the index in parts ---------------------------------------------------------------

def term_parts(maps: int) -> int:
    """How many term parts a site of `maps` maps has (known before the index is built,
    so that every build process names the same files)."""
    return max(1, math.ceil(maps / MAPS_PER_TERM_PART))


def doc_parts(maps: int) -> int:
    return max(1, math.ceil(maps / MAPS_PER_DOC_PART))


def part_paths(maps: int) -> list[str]:
    """Every file of the index but the head, for a site of `maps` maps."""
    return ([f"{FOLDER}/t{k}.js" for k in range(term_parts(maps))]
            + [f"{FOLDER}/d{k}.js" for k in range(doc_parts(maps))])


def term_part(term: str, parts: int) -> int:
    """The part of a stem, by its first letters; search.js computes the same (UTF-16 units)."""
    key = term[:PREFIX].encode("utf-16-le")
    number = 0
    for index in range(0, len(key), 2):
        number = (number * 31 + int.from_bytes(key[index:index + 2], "little")) % 1000003
    return number % parts


def doc_part(group: int, groups: int, parts: int) -> int:
    """The part holding group `group` (a map's entries; the last group is the other pages)."""
    return group * parts // groups


@dataclass
class Built:
    files: dict[str, str]  # site path -> text


def build(groups: Sequence[Chunk], locale: Locale, maps: int) -> Built:
    """Every file of the index: `groups` is one chunk per map, then one of the other
    pages. Deterministic."""
    terms = term_parts(maps)
    docs = doc_parts(maps)
    postings: dict[str, list[int]] = defaultdict(list)
    counted: Counter[str] = Counter()
    starts: list[int] = []
    stages: list[int] = []  # the number of every stage's entry: the place of the entries after it
    number = 0
    for group in groups:
        starts.append(number)
        counted.update(dict(group.forms))
        stages.extend(number + local for local in group.stages)
        shift = number * 4  # local entry numbers -> the site's (the weight stays in the low bits)
        for term, values in group.postings.items():
            postings[term].extend(map(shift.__add__, values))
        number += group.size
    starts.append(number)

    # the written form shown for a stem ("did you mean"): its most frequent word
    forms: dict[str, tuple[int, int, str]] = {}
    for word, times in counted.items():
        key = (-times, len(word), word)
        term = stem(word)
        if term not in forms or key < forms[term]:
            forms[term] = key

    term_files: list[dict[str, list[Any]]] = [{} for _ in range(terms)]
    for term in sorted(postings):
        numbers = postings[term]
        # each entry number as the step from the one before (the weight stays in the low bits):
        # value - (the previous value's number * 4), which `& -4` keeps
        flat = list(map(operator.sub, numbers, itertools.chain((0,), map((-4).__and__, numbers))))
        form = forms[term][2] if term in forms else term
        term_files[term_part(term, terms)][term] = [form, flat]

    doc_files: list[list[str]] = [[] for _ in range(docs)]
    firsts: dict[int, int] = {}
    for index, group in enumerate(groups):
        part = doc_part(index, len(groups), docs)
        firsts.setdefault(part, index)
        doc_files[part].append(group.rows)

    files = {}
    for k, term_file in enumerate(term_files):
        files[f"{FOLDER}/t{k}.js"] = _part(f"t{k}", term_file)
    for k, doc_file in enumerate(doc_files):
        # {"first": ..., "groups": [...]} as _json writes it, each group's JSON spliced in
        files[f"{FOLDER}/d{k}.js"] = (f'{PART_CALLBACK}({_json(f"d{k}")},'
                                      f'{{"first":{firsts.get(k, 0)},"groups":[{",".join(doc_file)}]}});\n')
    own_labels = ("map", "stage", "owner", "persona", "channel")
    labels = {kind: locale.label(kind if kind in own_labels else f"kind_{kind}") for kind in KINDS}
    head = _json({
        "format": FORMAT,
        "language": locale.language,
        "kinds": labels,
        "terms": terms,
        "docs": docs,
        "prefix": PREFIX,
        "starts": starts,
        "stages": stages,
    })
    files[PATH] = ("// The cjmgen search index: generated by `cjmgen build`, read by static/search.js.\n"
                   f"window.{GLOBAL} = {head};\n")
    return Built(files)


def _group(entries: Iterable[Entry]) -> list[Any]:
    """`[places, rows]`: everything of one stage shares its context and URL, stored once
    as a "place" that entries point at by number (within the group)."""
    places: dict[tuple[str, str], int] = {}
    rows = []
    for entry in entries:
        place = places.setdefault((entry.context, entry.url), len(places))
        rows.append([entry.kind, entry.title, place, entry.extra])
    return [[list(place) for place in places], rows]


def _part(name: str, value: object) -> str:
    return f"{PART_CALLBACK}({_json(name)},{_json(value)});\n"


def _json(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    # `</script>` or U+2028 inside a string must not end or break the script.
    return text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


# -- reading it back (tests, tools) -----------------------------------------------------

def _payload(text: str) -> object:
    if text.startswith(PART_CALLBACK) or "\n" + PART_CALLBACK in text:
        start = text.index(",", text.index(PART_CALLBACK)) + 1
        return json.loads(text[start:].strip().rstrip(";").rstrip(")"))
    start = text.index("=") + 1
    return json.loads(text[start:].strip().rstrip(";"))


def read(text: str) -> dict[str, Any]:
    """Parse the head or a part of the index back."""
    value = _payload(text)
    assert isinstance(value, dict)
    return value


def read_site(root: object) -> tuple[dict[str, Any], list[Entry], dict[str, list[Any]]]:
    """The head, every entry (in entry-number order) and every term of a built site's index."""
    from pathlib import Path

    folder = Path(str(root))
    head = read((folder / PATH).read_text(encoding="utf-8"))
    entries: list[Entry] = []
    for k in range(head["docs"]):
        part = read((folder / FOLDER / f"d{k}.js").read_text(encoding="utf-8"))
        for places, rows in part["groups"]:
            for kind, title, place, extra in rows:
                context, url = places[place]
                entries.append(Entry(kind, title, context, url, extra))
    terms: dict[str, list[Any]] = {}
    for k in range(head["terms"]):
        terms.update(read((folder / FOLDER / f"t{k}.js").read_text(encoding="utf-8")))
    return head, entries, terms


def postings(flat: list[int]) -> list[tuple[int, int]]:
    """A term's postings as (entry number, where it stands)."""
    out = []
    number = 0
    for value in flat:
        number += value // 4
        out.append((number, value % 4))
    return out
