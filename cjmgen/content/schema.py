"""Raw YAML trees to model objects: types, ranges, unknown keys, all collected.

Every problem becomes a diagnostic at the line of the offending key or value;
reading goes on, so one run reports everything that is wrong with a file.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from cjmgen.content import figures, opportunities
from cjmgen.content.datafiles import COUNT_KPI, DATA_SUFFIXES
from cjmgen.content.emotion_scale import DEFAULT_SCALE, EmotionScale, read_scale
from cjmgen.content.lanes import BUILT_IN, ITEM_LANES
from cjmgen.content.model import KPI, Channel, Exit, Item, Map, Moment, Persona, Quantity, Source, Stage, Touchpoint
from cjmgen.content.page_names import page_id_problem
from cjmgen.content.stage_flow import read_next, read_phases
from cjmgen.content.yamltree import YNode
from cjmgen.diagnostics import Diagnostics, SourceLocation
from cjmgen.site.urls import slugify

MAP_KEYS = (
    "id", "title", "persona", "segment", "state", "status", "owner", "tags",
    "reviewed", "related", "current", "stages", "description", "language", "data", "phases", "sources",
    "personas", "emotion_scale",
)
STAGE_KEYS = ("id", "name", *(lane.key for lane in BUILT_IN), "conversion", "next", "time", "moment", "exits", "detail")
ITEM_LISTS = tuple(lane.key for lane in ITEM_LANES)
PERSONA_KEYS = ("name", "role", "photo", "quote", "goals", "needs", "pains", "channels")
_URL_SHAPE = re.compile(r"^(https?://[^\s/?#]+[^\s]*|mailto:[^\s]+)$", re.IGNORECASE)
_NUMBERISH = re.compile(r"[+-]?(\d|\.?(inf|nan))", re.IGNORECASE)
#: Far beyond any count of customers, within what a float (the charts' arithmetic) holds exactly.
MAX_COUNT = 10**15
KPI_KEYS = ("name", "value", "target", "unit", "better", "source", "id")
TOUCHPOINT_KEYS = ("channel", "name", "source")
ITEM_KEYS = ("text", "source", "score", "actors")
MAP_ITEM_KEYS = (*ITEM_KEYS, "moment", "persona")  # a persona's items are no moments of a journey
EXIT_KEYS = ("name", "count", "source")
SOURCE_KEYS = ("title", "url")
#: Schemes a map-wide source's `url` may use: a page, a file on the web, a mail address.
SOURCE_SCHEMES = ("http", "https", "mailto")
#: A map-wide source's key: one word of letters, digits, `-`, `_` and `.` (it names an anchor).
SOURCE_KEY = re.compile(r"^\w[\w.-]*$")
CHANNEL_KEYS = ("name", "kind", "description")
STATES = ("current", "future")
LANGUAGES = ("en", "ru")
STATUSES = ("draft", "review", "published")
#: The most personas a map names: the emotion chart tells at most five curves apart.
MAX_PERSONAS = 5

_KIND_NAMES = {
    "str": "text", "int": "a number", "float": "a number", "bool": "true/false",
    "null": "nothing", "timestamp": "a date", "seq": "a list", "map": "a mapping",
}


@dataclass
class Reader:
    """Turns YNodes into typed values, reporting each problem where it stands."""

    diagnostics: Diagnostics
    item_keys: ClassVar[tuple[str, ...]] = ITEM_KEYS
    cast: tuple[str, ...] = ()  # the personas of the map being read: whom `persona:` of an item may name

    def unknown_keys(self, node: YNode, known: Iterable[str], what: str) -> None:
        known = list(known)
        for key, value in node.value.items():
            if key in known:
                continue
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            self.diagnostics.warning(
                "unknown-key", f"unknown key '{key}' in {what}{hint}", value.key_loc or value.loc
            )

    def type_error(self, node: YNode, key: str, expected: str) -> None:
        got = _KIND_NAMES.get(node.kind, node.kind)
        self.diagnostics.error(
            "type", f"'{key}' must be {expected}, got {got}", node.loc
        )

    def text(self, node: YNode | None, key: str) -> str | None:
        """A text value; numbers are accepted, YAML's implicit types recovered as written."""
        if node is None or node.kind == "null":
            return None
        if node.kind == "str":
            text: str = node.value
            return text
        if node.kind == "int":
            return node.raw if node.raw is not None else str(node.value)
        if node.kind in ("bool", "float", "timestamp") and node.raw is not None:
            kind = {"bool": "true/false", "float": "a decimal number", "timestamp": "a date"}[node.kind]
            self.diagnostics.warning(
                "yaml-implicit-type",
                f"'{key}': YAML reads {node.raw} as {kind}; it is taken as text",
                node.loc,
                hint=f"quote it: {key}: \"{node.raw}\"",
            )
            return node.raw
        self.type_error(node, key, "text")
        return None

    def required_text(self, fields: dict[str, YNode], key: str, owner: YNode, what: str) -> str | None:
        if key not in fields or fields[key].kind == "null":
            self.diagnostics.error(
                "missing-field", f"{what} is missing the required field '{key}'",
                owner.loc,
            )
            return None
        value = self.text(fields[key], key)
        if value is not None and not value.strip():
            self.diagnostics.error("missing-field", f"'{key}' must not be empty", fields[key].loc)
            return None
        return value

    def texts(self, node: YNode | None, key: str) -> tuple[str, ...]:
        """A list of plain texts (ids, tags); a single value is a one-item list."""
        if node is None or node.kind == "null":
            return ()
        nodes = node.value if node.kind == "seq" else [node]
        out = []
        for child in nodes:
            value = self.text(child, key)
            if value is not None:
                out.append(value)
        return tuple(out)

    def choice(self, node: YNode | None, key: str, choices: tuple[str, ...], default: str) -> str:
        if node is None or node.kind == "null":
            return default
        value = self.text(node, key)
        if value is None:
            return default
        if value not in choices:
            close = difflib.get_close_matches(value, choices, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            self.diagnostics.error(
                "value", f"'{key}' must be one of {', '.join(choices)}, got '{value}'{hint}", node.loc
            )
            return default
        return value

    def items(self, node: YNode | None, key: str) -> tuple[Item, ...]:
        """A lane: text items, each plain or {text, source}; a single value is a list of one."""
        if node is None or node.kind == "null":
            return ()
        nodes = node.value if node.kind == "seq" else [node]
        out = []
        for child in nodes:
            item = self.item(child, key)
            if item is not None:
                out.append(item)
        return tuple(out)

    def item(self, node: YNode, key: str) -> Item | None:
        if key == "opportunities" and opportunities.is_structured(node):
            return opportunities.read(self, node)
        if node.kind == "map":
            self.unknown_keys(node, self.item_keys, f"an item of '{key}'")
            fields = node.value
            text = self.required_text(fields, "text", node, f"an item of '{key}'")
            source = self.text(fields.get("source"), "source")
            score = self.score(fields.get("score"))
            actors = self.texts(fields.get("actors"), "actors")
            moment = "moment" in self.item_keys and self.flag(fields.get("moment"), "moment")
            persona = self.cast_member(fields.get("persona"), "persona") if "persona" in self.item_keys else None
            return Item(text, source, node.loc, score, actors, moment, persona) if text is not None else None
        text = self.text(node, key)
        return Item(text, None, node.loc) if text is not None else None

    def entries(self, node: YNode | None) -> list[YNode]:
        """The entries of a list field; a single value is a list of one, nothing none."""
        if node is None or node.kind == "null":
            return []
        return list(node.value) if node.kind == "seq" else [node]

    def flag(self, node: YNode | None, key: str) -> bool:
        """A true/false switch; anything else is an error and reads as false."""
        if node is None or node.kind == "null":
            return False
        if node.kind == "bool":
            return bool(node.value)
        self.type_error(node, key, "true or false")
        return False

    def count(self, node: YNode | None, key: str) -> int | None:
        """A count of customers: a whole number from 0 to MAX_COUNT."""
        count = self.integer(node, key)
        if count is None or node is None:
            return None
        if count < 0:
            self.diagnostics.error("value", f"{key} must not be negative, got {count}", node.loc)
            return None
        if count > MAX_COUNT:
            self.diagnostics.error("value", f"{key} is too large ({len(str(count))} digits; at most {MAX_COUNT:,})",
                                   node.loc)
            return None
        return count

    def cast_member(self, node: YNode | None, key: str) -> str | None:
        """A persona id that must be one of the map's (`persona:` of an item, a key of `emotion:`)."""
        if node is None or node.kind == "null":
            return None
        persona = self.text(node, key)
        if persona is None or persona in self.cast:
            return persona
        known = f"one of this map's personas ({', '.join(self.cast)})" if self.cast else "a persona of this map"
        close = difflib.get_close_matches(persona, self.cast, n=1)
        self.diagnostics.error(
            "persona-ref", f"'{persona}' is not {known}" + (f" (did you mean '{close[0]}'?)" if close else ""),
            node.key_loc if key == "emotion" and node.key_loc else node.loc,
            hint="name the map's personas in 'personas: [anna, sergey]'",
        )
        return None

    def score(self, node: YNode | None) -> float | None:
        """An item's `score`: any number (Mermaid's scale is 1..5; other numbers are warned about)."""
        if node is None or node.kind == "null":
            return None
        if node.kind in ("int", "float") and isinstance(node.value, (int, float)) and math.isfinite(node.value):
            if not 1 <= node.value <= 5:
                self.diagnostics.warning("value", f"'score' {node.value} is outside Mermaid's scale 1..5", node.loc)
            return node.value
        self.type_error(node, "score", "a number (1..5, as a Mermaid journey scores a task)")
        return None

    def integer(self, node: YNode | None, key: str) -> int | None:
        if node is None or node.kind == "null":
            return None
        if node.kind == "int":
            number: int = node.value
            return number
        if node.kind == "str":
            quantity = Quantity.parse(node.value)
            if (quantity.number is not None and not quantity.unit and not quantity.percent
                    and quantity.number.is_integer()):
                return int(quantity.number)
        self.type_error(node, key, "a whole number")
        return None

    def quantity(self, node: YNode | None, key: str) -> Quantity | None:
        if node is None or node.kind == "null":
            return None
        if node.kind in ("int", "float"):
            return Quantity.parse(node.value)
        if node.kind == "str":
            return Quantity.parse(node.value)
        self.type_error(node, key, "a number or a figure like 5% or '3.5 days'")
        return None

    def conversion(self, node: YNode | None) -> Quantity | None:
        """A stated conversion: a finite, non-negative number or percentage (`5%`, `5`, `0.05`)."""
        quantity = self.quantity(node, "conversion")
        if quantity is None or node is None:
            return None
        if quantity.number is None or quantity.unit:
            shown = quantity.raw if len(quantity.raw) <= 40 else quantity.raw[:40] + "…"
            unreadable = node.kind == "float" or (quantity.number is None and _NUMBERISH.match(quantity.raw))
            why = "no finite number" if unreadable else None
            self.diagnostics.error("type", f"'conversion' must be a percentage like 5%, got '{shown}'"
                                   + (f" ({why})" if why else ""), node.loc)
            return None
        if quantity.number < 0:
            self.diagnostics.error("value", f"conversion must not be negative, got {quantity.raw}", node.loc)
            return None
        return quantity

    def date(self, node: YNode | None, key: str) -> dt.date | None:
        if node is None or node.kind == "null":
            return None
        if node.kind == "timestamp":
            value = node.value
            return value.date() if isinstance(value, dt.datetime) else value
        if node.kind == "str":
            try:
                return dt.date.fromisoformat(node.value.strip())
            except ValueError:
                pass
        self.type_error(node, key, "a date written as YYYY-MM-DD")
        return None

    def mapping(self, node: YNode, key: str) -> dict[str, YNode] | None:
        if node.kind != "map":
            self.type_error(node, key, "a mapping")
            return None
        entries: dict[str, YNode] = node.value
        return entries


def _field_locations(fields: dict[str, YNode]) -> dict[str, SourceLocation]:
    return {key: value.loc for key, value in fields.items()}


@dataclass
class MapReader(Reader):
    """Reads a map's frontmatter; `lanes` are the custom lane keys from the config."""

    lanes: tuple[str, ...] = ()
    item_keys: ClassVar[tuple[str, ...]] = MAP_ITEM_KEYS
    scale: EmotionScale = DEFAULT_SCALE  # the site's (cjmgen.yml); a map may set its own
    map_scale: EmotionScale = DEFAULT_SCALE  # the scale of the map being read

    def read(self, node: YNode, map_id: str, path: str, body: str, body_first_line: int) -> Map | None:
        fields: dict[str, YNode] = node.value
        self.unknown_keys(node, MAP_KEYS, "a map")
        title = self.required_text(fields, "title", node, "the map")
        self.map_scale = self.own_scale(fields.get("emotion_scale"))
        personas = self.personas(fields)
        persona = personas[0] if personas else self.text(fields.get("persona"), "persona")
        self.cast = personas or ((persona,) if persona else ())
        stages = self.stages(fields.get("stages"), node)
        explicit_id = self.text(fields.get("id"), "id")
        data, data_locations = self.data_files(fields.get("data"))
        if title is None or stages is None or not self.page_id(explicit_id, map_id, fields, path):
            return None
        return Map(
            id=explicit_id.strip("/") if explicit_id else map_id,
            path=path,
            title=title,
            stages=stages,
            persona=persona,
            segment=self.text(fields.get("segment"), "segment"),
            state=self.choice(fields.get("state"), "state", STATES, "current"),
            status=self.choice(fields.get("status"), "status", STATUSES, "published"),
            owner=self.text(fields.get("owner"), "owner"),
            tags=self.texts(fields.get("tags"), "tags"),
            reviewed=self.date(fields.get("reviewed"), "reviewed"),
            related=self.texts(fields.get("related"), "related"),
            current=self.text(fields.get("current"), "current"),
            description=self.text(fields.get("description"), "description"),
            sources=self.sources(fields.get("sources")),
            body=body,
            language=self.choice(fields.get("language"), "language", LANGUAGES, "") or None,
            phases=read_phases(self, fields.get("phases"), stages),
            body_first_line=body_first_line,
            personas=personas,
            emotion_scale=self.map_scale,
            location=node.loc,
            field_locations={**_field_locations(fields), **data_locations},
            data=data,
        )

    def data_files(self, node: YNode | None) -> tuple[tuple[str, ...], dict[str, SourceLocation]]:
        """`data:`: one data file or a list, relative to the content folder; each entry's
        place is kept as `data[<n>]` in the map's field_locations (analysis.measures checks them)."""
        if node is None or node.kind == "null":
            return (), {}
        out: list[str] = []
        places: dict[str, SourceLocation] = {}
        for child in node.value if node.kind == "seq" else [node]:
            path = self.text(child, "data")
            if path is None:
                continue
            if not path.strip().lower().endswith(DATA_SUFFIXES):
                self.diagnostics.error(
                    "data-file", f"'data' must name a .csv or .json file, got '{path}'", child.loc,
                    hint="data: data/sofa-search.csv (a path below the content folder)",
                )
                continue
            places[f"data[{len(out)}]"] = child.loc
            out.append(path.strip())
        return tuple(out), places

    def own_scale(self, node: YNode | None) -> EmotionScale:
        """The map's `emotion_scale`, else the site's."""
        if node is None or node.kind == "null":
            return self.scale

        def report(at: YNode, message: str) -> None:
            self.diagnostics.error("emotion-scale", message, at.loc,
                                   hint="emotion_scale: 1..5, or a list such as [плохо, нормально, хорошо]")

        return read_scale(node, report) or self.scale

    def personas(self, fields: dict[str, YNode]) -> tuple[str, ...]:
        """`personas: [anna, sergey]`: several personas on one map (never beside `persona:`)."""
        node = fields.get("personas")
        if node is None or node.kind == "null":
            return ()
        ids = self.texts(node, "personas")
        where = node.key_loc or node.loc
        if "persona" in fields and fields["persona"].kind != "null":
            self.diagnostics.error("value", "a map names its persona with 'persona' or its personas with "
                                   "'personas', not both", where, hint="move the persona into the list")
        unique = tuple(dict.fromkeys(ids))
        if len(unique) < len(ids):
            twice = next(i for i in unique if ids.count(i) > 1)
            self.diagnostics.error("value", f"'personas' names '{twice}' twice", where)
        if len(unique) > MAX_PERSONAS:
            self.diagnostics.error("value", f"'personas' names {len(unique)} personas; a map has at most "
                                   f"{MAX_PERSONAS} (the emotion chart draws a curve for each)", where)
            unique = unique[:MAX_PERSONAS]
        return unique

    def emotion(self, node: YNode | None) -> tuple[int | None, int | None, tuple[tuple[str, int], ...]]:
        """A stage's (mood -2..2, level on the map's own scale, per-persona levels)."""
        if node is None or node.kind == "null":
            return None, None, ()
        if node.kind != "map":
            level = self.level(node)
            return self.on_scale(level) + ((),)
        levels: dict[str, int] = {}
        for key, child in node.value.items():
            if self.cast_member(YNode(key, "str", child.loc, key_loc=child.key_loc), "emotion") is None:
                continue
            level = self.level(child)
            if level is not None:
                levels[key] = level
        emotions = tuple((persona, levels[persona]) for persona in self.cast if persona in levels)
        return self.on_scale(levels.get(self.cast[0]) if self.cast else None) + (emotions,)

    def on_scale(self, level: int | None) -> tuple[int | None, int | None]:
        """(mood, level): on -2..2 the level is the mood and is not kept twice."""
        if level is None or self.map_scale.is_default:
            return level, None
        return self.map_scale.mood(level), level

    def level(self, node: YNode) -> int | None:
        """One emotion on the map's scale: a whole number in its range or, on a named scale, a name."""
        scale = self.map_scale
        if scale.names and node.kind == "str":
            level = scale.level_of(node.value)
            if level is None:
                close = difflib.get_close_matches(node.value, scale.names, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                self.diagnostics.error("emotion-range", f"emotion '{node.value}' is not a level of the "
                                       f"scale ({scale.describe()}){hint}", node.loc)
            return level
        level = self.integer(node, "emotion")
        if level is None or scale.contains(level):
            return level
        if scale.is_default:
            self.diagnostics.error(
                "emotion-range",
                f"emotion must be from -2 (very negative) to 2 (very positive), got {level}",
                node.loc,
            )
        else:
            levels = f"{scale.low}..{scale.high} ({scale.describe()})" if scale.names else scale.describe()
            self.diagnostics.error("emotion-range", f"emotion must be on the map's scale {levels}, got {level}",
                                   node.loc)
        return None

    def page_id(self, explicit: str | None, from_path: str, fields: dict[str, YNode], path: str) -> bool:
        """Whether the map's id can name its page (page_names); an error at the `id` key,
        or at the file's start for an id made from the file name, when it cannot."""
        problem = page_id_problem(explicit.strip("/") if explicit else from_path)
        if problem is None:
            return True
        node = fields.get("id") if explicit else None
        where = node.loc if node is not None else SourceLocation(path, 1, 1)
        hint = ("an id is a path below maps/ made of plain names, such as b2c/sofa-online" if explicit
                else "rename the file: its path below maps/ is the map's id")
        self.diagnostics.error("map-id", problem, where, hint=hint)
        return False

    def stages(self, node: YNode | None, owner: YNode) -> tuple[Stage, ...] | None:
        if node is None or node.kind == "null":
            self.diagnostics.error(
                "missing-field", "the map is missing the required field 'stages'", owner.loc,
                hint="list at least one stage: stages: [{name: Awareness}]",
            )
            return None
        if node.kind != "seq" or not node.value:
            self.type_error(node, "stages", "a list of at least one stage") if node.kind != "seq" else \
                self.diagnostics.error("missing-field", "'stages' must list at least one stage", node.loc)
            return None
        stages = []
        for child in node.value:
            stage = self.stage(child)
            if stage is not None:
                stages.append(stage)
        return tuple(stages)

    def stage(self, node: YNode) -> Stage | None:
        fields = self.mapping(node, "stages[]")
        if fields is None:
            return None
        self.unknown_keys(node, STAGE_KEYS + self.lanes, "a stage")
        name = self.required_text(fields, "name", node, "a stage")
        if name is None:
            return None
        stage_id = self.text(fields.get("id"), "id") or slugify(name)
        emotion, level, emotions = self.emotion(fields.get("emotion"))
        next_ids, next_labels = read_next(self, fields.get("next"))
        count = self.count(fields.get("count"), "count")
        return Stage(
            id=stage_id,
            name=name,
            emotion=emotion,
            touchpoints=self.touchpoints(fields.get("touchpoints")),
            kpis=self.kpis(fields.get("kpis")),
            owner=self.text(fields.get("owner"), "owner"),
            count=count,
            conversion=self.conversion(fields.get("conversion")),
            next=next_ids,
            next_labels=next_labels,
            time=self.text(fields.get("time"), "time"),
            detail=self.text(fields.get("detail"), "detail"),
            lanes=tuple((key, self.items(fields.get(key), key)) for key in self.lanes if key in fields),
            moment=self.moment(fields.get("moment")),
            exits=self.exits(fields.get("exits")),
            level=level,
            emotions=emotions,
            location=node.loc,
            field_locations=_field_locations(fields),
            **{key: self.items(fields.get(key), key) for key in ITEM_LISTS},
        )

    def moment(self, node: YNode | None) -> Moment | None:
        """`moment: true`, or a text that says why the stage matters; `false` is no moment."""
        if node is None or node.kind == "null":
            return None
        if node.kind == "bool":
            return Moment(location=node.loc) if node.value else None
        if node.kind == "str" and node.value.strip():
            return Moment(node.value.strip(), node.loc)
        self.type_error(node, "moment", "true or a text saying why the moment matters")
        return None

    def exits(self, node: YNode | None) -> tuple[Exit, ...]:
        """Where customers leave the journey at this stage: a name, or {name, count, source}."""
        out = []
        for child in self.entries(node):
            if child.kind != "map":
                name = self.text(child, "exits")
                if name is not None:
                    out.append(Exit(name, location=child.loc))
                continue
            self.unknown_keys(child, EXIT_KEYS, "an exit")
            fields = child.value
            name = self.required_text(fields, "name", child, "an exit")
            if name is not None:
                out.append(Exit(name, self.count(fields.get("count"), "count"),
                                self.text(fields.get("source"), "source"), child.loc))
        return tuple(out)

    def sources(self, node: YNode | None) -> tuple[Source, ...]:
        """The map's `sources:`: key -> a title, or {title, url}."""
        if node is None or node.kind == "null":
            return ()
        entries = self.mapping(node, "sources")
        if entries is None:
            return ()
        out = []
        for key, value in entries.items():
            where = value.key_loc or value.loc
            if not SOURCE_KEY.match(key):
                self.diagnostics.error(
                    "value", f"source key '{key}' must be one word (letters, digits, '-', '_', '.')", where,
                    hint="a key is what items cite: source: interviews-2026")
                continue
            if value.kind != "map":
                title = self.text(value, key)
                if title is not None and title.strip():
                    out.append(Source(key, title.strip(), location=where))
                elif title is not None:
                    self.diagnostics.error("missing-field", f"source '{key}' must have a title", value.loc)
                continue
            self.unknown_keys(value, SOURCE_KEYS, f"source '{key}'")
            title = self.required_text(value.value, "title", value, f"source '{key}'")
            if title is not None:
                out.append(Source(key, title.strip(), self.source_url(value.value.get("url")), where))
        return tuple(out)

    def source_url(self, node: YNode | None) -> str | None:
        """A source's link: http(s) or mailto only, so that no `javascript:` reaches a page."""
        url = self.text(node, "url")
        if url is None or node is None:
            return None
        url = url.strip()
        scheme = url.split(":", 1)[0].strip().casefold() if ":" in url else ""
        if scheme not in SOURCE_SCHEMES or not _URL_SHAPE.match(url):
            shown = url if len(url) <= 60 else url[:60] + "…"
            self.diagnostics.error(
                "source-url", f"source url '{shown}' is not a web address", node.loc,
                hint="write a full address starting with https://, http:// or mailto:")
            return None
        return url

    def touchpoints(self, node: YNode | None) -> tuple[Touchpoint, ...]:
        out = []
        for child in self.entries(node):
            if child.kind == "map":
                self.unknown_keys(child, TOUCHPOINT_KEYS, "a touchpoint")
                fields = child.value
                channel = self.required_text(fields, "channel", child, "a touchpoint")
                if channel is not None:
                    out.append(Touchpoint(
                        channel, self.text(fields.get("name"), "name"),
                        self.text(fields.get("source"), "source"), fields["channel"].loc,
                    ))
            else:
                channel = self.text(child, "touchpoints")
                if channel is not None:
                    out.append(Touchpoint(channel, location=child.loc))
        return tuple(out)

    def kpis(self, node: YNode | None) -> tuple[KPI, ...]:
        out = []
        for child in self.entries(node):
            if child.kind != "map":
                name = self.text(child, "kpis")
                if name is not None:
                    out.append(KPI(name, location=child.loc))
                continue
            fields, rejoined = self.rejoin_split_figures(child)
            self.unknown_keys(YNode(fields, "map", child.loc), KPI_KEYS, "a KPI")
            name = self.required_text(fields, "name", child, "a KPI")
            if name is None:
                continue
            out.append(KPI(
                name=name,
                value=rejoined.get("value") or self.quantity(fields.get("value"), "value"),
                target=rejoined.get("target") or self.quantity(fields.get("target"), "target"),
                unit=self.text(fields.get("unit"), "unit"),
                better=self.choice(fields.get("better"), "better", ("higher", "lower"), "higher"),
                source=self.text(fields.get("source"), "source"),
                location=child.loc,
                id=self.kpi_id(fields.get("id")),
            ))
        self.kpi_clashes(out)
        return tuple(out)

    def kpi_id(self, node: YNode | None) -> str:
        """A KPI's own `id:` (data rows name it); "" for the default, the slug of its name."""
        written = self.text(node, "id")
        if written is None or node is None:
            return ""
        kpi_id = written.strip()
        if not kpi_id or "/" in kpi_id or kpi_id != kpi_id.split()[0] or kpi_id == COUNT_KPI:
            why = f"'{COUNT_KPI}' names the stage's count in data files" if kpi_id == COUNT_KPI else \
                "an id is one word without '/' (data rows name a KPI as <stage-id>/<kpi-id>)"
            self.diagnostics.error("kpi-id", f"KPI id '{written}' cannot be used: {why}", node.loc,
                                   hint="id: ctr-mobile")
            return ""
        return kpi_id

    def kpi_clashes(self, kpis: list[KPI]) -> None:
        """Two KPIs of a stage with one id: a data row could not tell which it measures."""
        seen: dict[str, KPI] = {}
        for kpi in kpis:
            first = seen.setdefault(kpi.id, kpi)
            if first is kpi:
                continue
            line = f" (line {first.location.line})" if first.location is not None else ""
            self.diagnostics.warning(
                "kpi-id-clash", f"two KPIs of this stage have the id '{kpi.id}': '{first.name}'{line} and '{kpi.name}'",
                kpi.location, hint="give one of them its own id: {name: ..., id: ...}",
            )


    def rejoin_split_figures(self, node: YNode) -> tuple[dict[str, YNode], dict[str, Quantity]]:
        """`{value: 5,5 %}`: YAML ends the entry at the comma and makes `5 %` a key.

        The figure is put back together as written (`5,5 %`, `1,200`) so that the
        KPI keeps its status, and the author is told to quote it. Returns the
        fields without the stray keys and the rejoined figures.
        """
        fields: dict[str, YNode] = {}
        rejoined: dict[str, Quantity] = {}
        previous: str | None = None
        for key, child in node.value.items():
            owner = fields.get(previous or "")
            if (previous in ("value", "target") and owner is not None and owner.kind in ("int", "float", "str")
                    and child.kind == "null" and figures.split_flow_value(key)):
                written = f"{owner.raw if owner.raw is not None else owner.value},{key}"
                rejoined[previous] = Quantity.parse(written)
                self.diagnostics.warning(
                    "kpi-value-split",
                    f"'{previous}: {written}' was cut at the comma: inside {{...}} YAML reads "
                    f"'{previous}: {owner.raw or owner.value}' and a key '{key}'",
                    child.key_loc or child.loc,
                    hint=f"quote the figure: {previous}: '{written}'",
                )
                continue
            fields[key] = child
            previous = key
        return fields, rejoined


@dataclass
class PersonaReader(Reader):
    def read(self, node: YNode, persona_id: str, path: str, body: str, body_first_line: int) -> Persona | None:
        fields: dict[str, YNode] = node.value
        self.unknown_keys(node, PERSONA_KEYS, "a persona")
        name = self.required_text(fields, "name", node, "the persona")
        problem = page_id_problem(persona_id, "persona id")
        if problem is not None:
            self.diagnostics.error("persona-id", problem, SourceLocation(path, 1, 1),
                                   hint="rename the file: its name is the persona's id")
            return None
        if name is None:
            return None
        return Persona(
            id=persona_id,
            path=path,
            name=name,
            role=self.text(fields.get("role"), "role"),
            photo=self.text(fields.get("photo"), "photo"),
            quote=self.text(fields.get("quote"), "quote"),
            goals=self.items(fields.get("goals"), "goals"),
            needs=self.items(fields.get("needs"), "needs"),
            pains=self.items(fields.get("pains"), "pains"),
            channels=self.texts(fields.get("channels"), "channels"),
            body=body,
            body_first_line=body_first_line,
            location=node.loc,
            field_locations=_field_locations(fields),
        )


@dataclass
class ChannelReader(Reader):
    def read(self, node: YNode) -> dict[str, Channel]:
        if node.kind != "map":
            self.type_error(node, "channels.yml", "a mapping of channel id to {name, kind}")
            return {}
        channels: dict[str, Channel] = {}
        for channel_id, value in node.value.items():
            if value.kind in ("str", "int"):
                channels[channel_id] = Channel(channel_id, str(value.value), location=value.key_loc)
                continue
            fields = self.mapping(value, channel_id)
            if fields is None:
                continue
            self.unknown_keys(value, CHANNEL_KEYS, f"channel '{channel_id}'")
            channels[channel_id] = Channel(
                id=channel_id,
                name=self.text(fields.get("name"), "name") or channel_id,
                kind=self.choice(fields.get("kind"), "kind", ("online", "offline"), "online"),
                description=self.text(fields.get("description"), "description"),
                location=value.key_loc,
            )
        return channels
