"""The semantic difference between two versions of a map repository: model in, changes out.

Pure: no git, no files. Maps are matched by id (then by git's rename, identical
content or title), stages by id (then by name, then by content), KPIs by name,
so a renamed or reordered thing is reported as renamed or moved, never as
removed plus added. Every change carries a stable code and a severity (CODES).

`diff_sources` is the fast entry point for two snapshots of the content files
(path -> bytes): only files whose bytes differ are parsed and compared, so the
cost follows the size of the change, not of the repository.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from cjmgen.build.gcpause import without_cyclic_gc
from cjmgen.config import SiteConfig
from cjmgen.content import lanes
from cjmgen.content.markdown import MarkdownRenderer
from cjmgen.content.model import (
    KPI,
    Channel,
    Exit,
    Item,
    Map,
    Opportunity,
    Persona,
    Quantity,
    Source,
    Stage,
    Touchpoint,
)
from cjmgen.content.repository import (
    MAX_CONTENT_BYTES,
    Repository,
    classify,
    content_prefix,
    parse_file,
    too_large,
)
from cjmgen.i18n.labels import Locale
from cjmgen.review.consequences import flow_changes, notes_changes, url_change
from cjmgen.review.phrases import NONE, Phrase, is_value_word, side_label
from cjmgen.review.prose import prose_changes
from cjmgen.review.stage_flow import stage_flow_changes

INFO, WARNING, ERROR = "info", "warning", "error"
RANK = {INFO: 0, WARNING: 1, ERROR: 2}

#: Singular names of the item lanes, used in their change codes (`obstacle-added`).
LANE_NOUNS = {lane.key: lane.noun for lane in lanes.ITEM_LANES}
CUSTOM_LANE_NOUN = lanes.CUSTOM_NOUN

#: Every change code: its severity and what it means. The documentation (docs/review.md)
#: and the JSON output follow this table; codes are never renamed, only added.
CODES: dict[str, tuple[str, str]] = {
    "parse-error": (ERROR, "a changed file does not parse (a warning when only the base side is broken)"),
    "map-added": (INFO, "a new map"),
    "map-removed": (WARNING, "a map was deleted"),
    "map-renamed": (INFO, "a map moved to another file or id (git rename, same id, same content or same title)"),
    "title-changed": (INFO, "the map's title"),
    "persona-changed": (WARNING, "the map now describes another persona"),
    "segment-changed": (INFO, "the map's segment"),
    "state-changed": (INFO, "current / future state"),
    "status-changed": (INFO, "draft / review / published"),
    "owner-changed": (INFO, "a map's or a stage's owner was set or changed"),
    "owner-missing": (WARNING, "a map or stage lost its owner, or a stage was added without one"),
    "tags-changed": (INFO, "the map's tags"),
    "reviewed-changed": (INFO, "the date of the last review"),
    "related-changed": (INFO, "the related maps"),
    "data-changed": (INFO, "the data files of the map's measured KPIs"),
    "current-changed": (INFO, "the current-state map a future-state map improves on"),
    "description-changed": (INFO, "the map's description (when edited: the changed words)"),
    "body-changed": (INFO, "a section of the Markdown body (a stage's notes, the map's notes): the changed words"),
    "stage-added": (INFO, "a new stage"),
    "stage-removed": (WARNING, "a stage was deleted"),
    "stage-renamed": (INFO, "a stage's name (or id) changed; it is still the same stage"),
    "stage-moved": (INFO, "a stage changed its place in the journey"),
    "next-changed": (INFO, "where a stage leads forward: its `next`, or the stage after it when it has none"),
    "detail-changed": (INFO, "the detailed map a stage opens (`detail`) was set, changed or removed"),
    "loop-added": (INFO, "a new loop: a stage now leads back to itself or an earlier stage"),
    "loop-removed": (INFO, "a loop is gone"),
    "branch-added": (INFO, "a stage now leads forward to several stages"),
    "branch-removed": (INFO, "a stage that led forward to several stages now leads to one (or none)"),
    "phases-changed": (INFO, "the map's phases: added, removed, renamed or given other stages"),
    "time-changed": (INFO, "a stage's time (a duration or a moment) was set, changed or dropped"),
    "transition-label-changed": (INFO, "the label of a transition (`next: [{to, label}]`) was set, changed or dropped"),
    "notes-detached": (WARNING, "a `## heading` of the body no longer names a stage: its notes left the stage"),
    "url-changed": (WARNING, "a map's page is published at another address: bookmarks and links to it break"),
    "emotion-changed": (INFO, "the customer's emotion at a stage (each persona's, on a map with several)"),
    "personas-changed": (WARNING, "the personas a map with several of them describes (`personas:`)"),
    "emotion-scale-changed": (INFO, "the scale a map's emotions are written on (`emotion_scale:`)"),
    "kpi-added": (INFO, "a new KPI"),
    "kpi-removed": (WARNING, "a KPI was deleted"),
    "kpi-renamed": (INFO, "a KPI's name changed"),
    "kpi-improved": (INFO, "a KPI's value moved the good way (up, or down for better: lower)"),
    "kpi-regressed": (WARNING, "a KPI's value moved the bad way, away from its target"),
    "kpi-changed": (WARNING, "a KPI's value, unit or direction changed in a way that cannot be judged"),
    "kpi-target-changed": (INFO, "a KPI's target"),
    "measure-added": (INFO, "a data file gives a KPI a new period (its value, and met or missed)"),
    "measure-changed": (WARNING, "a data file changed a figure of a period it gave before (a KPI's value or a count)"),
    "measure-removed": (WARNING, "a data file no longer gives a period it gave before"),
    "count-changed": (INFO, "the number of customers at a stage (funnel)"),
    "conversion-dropped": (WARNING, "the conversion into the next stage fell"),
    "conversion-improved": (INFO, "the conversion into the next stage rose"),
    "conversion-lost": (
        WARNING,
        "a conversion the site showed is no longer computed (counts or the next stage changed)",
    ),
    "conversion-added": (INFO, "a conversion is computed (or stated) where there was none"),
    "overall-conversion-changed": (INFO, "the map's overall conversion (a warning when it falls or is lost)"),
    "touchpoint-added": (INFO, "a new touchpoint"),
    "touchpoint-removed": (INFO, "a touchpoint was deleted"),
    "source-changed": (INFO, "the evidence of an item or KPI was given, changed or dropped"),
    "items-reordered": (INFO, "the items of a lane are in another order"),
    "opportunity-status-changed": (INFO, "an opportunity's status (idea, planned, in progress, done, dropped)"),
    "moment-added": (INFO, "a stage or an item became a moment that matters"),
    "moment-removed": (INFO, "a stage or an item is no longer a moment that matters"),
    "exit-added": (INFO, "a new exit: where customers leave the journey at a stage"),
    "exit-removed": (INFO, "an exit of a stage was removed"),
    "exit-count-changed": (INFO, "the number of customers who leave at an exit"),
    "map-source-added": (INFO, "a new map-wide source (`sources:`)"),
    "map-source-removed": (INFO, "a map-wide source was removed"),
    "map-source-changed": (INFO, "a map-wide source's title or link"),
    **{
        f"{noun}-{verb}": (INFO, f"{what} in {where}")
        for where, noun in [
            *((f"the {lane} lane", noun) for lane, noun in LANE_NOUNS.items()),
            ("a custom lane (`lanes:` in cjmgen.yml)", CUSTOM_LANE_NOUN),
        ]
        for verb, what in (("added", "an item added"), ("removed", "an item removed"), ("changed", "an item reworded"))
    },
    "check-error": (ERROR, "`cjmgen check` reports a new error: the change makes it (and CI, and the build) fail"),
    "check-warning": (WARNING, "`cjmgen check` reports a new warning"),
    "check-fixed": (INFO, "a problem `cjmgen check` reported at the base is gone"),
    "persona-added": (INFO, "a new persona file"),
    "persona-removed": (WARNING, "a persona file was deleted"),
    "persona-edited": (INFO, "a persona's name, role, goals, needs, pains, ..."),
    "channel-added": (INFO, "a new channel in the catalog"),
    "channel-removed": (WARNING, "a channel was removed from the catalog"),
    "channel-changed": (INFO, "a channel's name, kind or description"),
}


@dataclass(frozen=True)
class Change:
    """One semantic difference; `old`/`new` are plain JSON values.

    `said` is a phrase (or, for tests and callers outside the diff, a plain
    sentence): `message` renders it in English (terminal, JSON), `text` in a
    site's language (the review outputs a team reads). Rendered on demand, not
    when the change is made: a diff of every map made the changes and their
    English sentences take 1.6 times as long as the comparison itself.
    """

    code: str
    severity: str
    map: str | None  # map id (the new one when it has two), None for personas and channels
    stage: str | None  # stage id
    field: str | None
    old: Any
    new: Any
    said: Phrase | str

    @property
    def message(self) -> str:
        """The change in English."""
        return self.said if isinstance(self.said, str) else self.said.render()

    def text(self, locale: Locale) -> str:
        """The change in the locale's language (English where a phrase has no translation)."""
        return self.said if isinstance(self.said, str) else self.said.render(locale)

    def rich(self, locale: Locale, escape_text: Callable[[str], str], rich: Callable[[Any], str]) -> str:
        """The change for a markup format: text made inert by `escape_text`, excerpts of changed
        words marked up by `rich` (see Phrase.render_rich)."""
        if isinstance(self.said, str):
            return escape_text(self.said)
        return self.said.render_rich(locale, escape_text, rich)

    def html(self, locale: Locale) -> Markup:
        """The change as HTML: escaped text, changed words in <del> and <ins>."""
        return Markup(self.rich(locale, lambda text: str(escape(text)), lambda value: str(value.html())))

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code, "severity": self.severity, "map": self.map, "stage": self.stage,
            "field": self.field, "old": self.old, "new": self.new, "message": self.message,
        }

    @property
    def symbol(self) -> str:
        """Plan notation: `+` added, `-` removed, `~` changed, `!` a new problem `check` reports."""
        if self.code in ("check-error", "check-warning"):
            return "!"
        if self.code.endswith("-added"):
            return "+"
        if self.code.endswith("-removed") or self.code == "owner-missing":
            return "-"
        return "~"


@dataclass(frozen=True)
class MapDiff:
    """What happened to one map: status added | removed | renamed | changed | unreadable | affected
    (the file did not change, but `check` reports something new about it)."""

    id: str
    title: str
    status: str
    old_path: str | None
    new_path: str | None
    old: Map | None
    new: Map | None
    changes: tuple[Change, ...]

    @property
    def highest(self) -> str | None:
        return max((c.severity for c in self.changes), key=RANK.__getitem__, default=None)

    def count(self, severity: str) -> int:
        return sum(c.severity == severity for c in self.changes)


@dataclass(frozen=True)
class RepoDiff:
    maps: tuple[MapDiff, ...]
    other: tuple[Change, ...] = ()  # personas, channels, unreadable catalog
    base: str = "base"
    head: str = "head"
    base_commit: str | None = None
    head_commit: str | None = None

    @property
    def changes(self) -> list[Change]:
        return [c for m in self.maps for c in m.changes] + list(self.other)

    def count(self, severity: str) -> int:
        return sum(c.severity == severity for c in self.changes)

    def maps_with(self, status: str) -> list[MapDiff]:
        return [m for m in self.maps if m.status == status]

    @property
    def highest(self) -> str | None:
        return max((c.severity for c in self.changes), key=RANK.__getitem__, default=None)

    def fails(self, threshold: str | None) -> bool:
        """True when a change is at least as severe as `threshold` (warning | error)."""
        if threshold is None:
            return False
        highest = self.highest
        return highest is not None and RANK[highest] >= RANK[threshold]

    @property
    def empty(self) -> bool:
        return not self.maps and not self.other


# --- building changes ------------------------------------------------------------


@dataclass
class _Collector:
    """Makes Change objects for one map, applying the cosmetic downgrade."""

    map_id: str | None
    cosmetic: frozenset[str]
    out: list[Change] = field(default_factory=list)

    def add(self, code: str, phrase: Phrase, *, stage: str | None = None, field: str | None = None,
            old: Any = None, new: Any = None, severity: str | None = None) -> None:
        severity = severity or CODES[code][0]
        if field in self.cosmetic or code in self.cosmetic:
            severity = INFO
        self.out.append(Change(code, severity, self.map_id, stage, field, old, new, phrase))


def _plain(value: Any) -> Any:
    """A JSON-friendly copy of a field value."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, Quantity):
        return value.raw
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)




def _shown(value: Any) -> Any:
    """A field value as a phrase argument: "none" when empty, a list as a tuple (joined when said)."""
    if value is None or value == () or value == []:
        return NONE
    if isinstance(value, (tuple, list)):
        return tuple(str(_plain(v)) for v in value)
    return str(_plain(value))


def _word(value: Any) -> Any:
    """cjmgen's own value words (`draft`, `lower`) as phrases; anything else as it is shown."""
    return Phrase(f"value.{value}") if is_value_word(value) else _shown(value)


# --- maps ------------------------------------------------------------------------

_MAP_FIELDS = ("title", "segment", "state", "status", "tags", "reviewed", "related", "current", "description", "data")


@dataclass(frozen=True)
class ShownNames:
    """What the site calls the things a map names by id: personas, channels, other maps (by title)."""

    personas: Mapping[str, str] = field(default_factory=dict)
    channels: Mapping[str, str] = field(default_factory=dict)
    maps: Mapping[str, str] = field(default_factory=dict)

    def merged(self, other: ShownNames) -> ShownNames:
        """These names, with `other`'s where both know a thing."""
        return ShownNames({**self.personas, **other.personas}, {**self.channels, **other.channels},
                          {**self.maps, **other.maps})


def diff_map(old: Map, new: Map, cosmetic: Iterable[str] = (), markdown: MarkdownRenderer | None = None,
             names: ShownNames | None = None) -> list[Change]:
    """Every change from one version of a map to another (matched by the caller); personas,
    channels and maps it refers to are named as the site names them where `names` knows them."""
    out = _Collector(new.id, frozenset(cosmetic))
    if old == new:
        return []
    names = names or ShownNames()

    def titled(value: Any) -> Any:  # other maps: by their titles
        return _shown(_titled(value, names.maps))

    for name in _MAP_FIELDS:
        before, after = getattr(old, name), getattr(new, name)
        if name == "description" and before and after:
            continue  # an edit of the text: its words are shown (prose_changes)
        if before != after:
            shown = _word if name in ("state", "status") else _shown
            if name in ("related", "current"):
                shown = titled
            out.add(f"{name}-changed", Phrase.of("field-changed", field=Phrase(f"field.{name}"),
                                                 old=shown(before), new=shown(after)),
                    field=name, old=_plain(before), new=_plain(after))
    if old.persona != new.persona:
        out.add("persona-changed", Phrase.of("field-changed", field=Phrase("field.persona"),
                                             old=_shown(names.personas.get(old.persona or "", old.persona)),
                                             new=_shown(names.personas.get(new.persona or "", new.persona))),
                field="persona", old=old.persona, new=new.persona)
    _cast_and_scale(out, old, new, names)
    _owner(out, old.owner, new.owner, None, None)
    _map_sources(out, old.sources, new.sources)
    pairs = _stages(out, old, new, names.channels)
    stage_flow_changes(out, old, new, pairs)
    _felt(out, old, new, pairs, names)
    markdown = markdown or MarkdownRenderer()
    notes_changes(out, old, new, pairs, markdown)
    prose_changes(out, old, new, pairs, markdown)
    return out.out


def _owner(out: _Collector, before: str | None, after: str | None, name: str | None, stage: str | None) -> None:
    """Owner set, changed or lost: of the map (`name` None) or of the stage called `name`."""
    if before == after:
        return
    whose = "map" if name is None else "stage"
    if after is None or not after.strip():
        was = Phrase("none-literal") if before is None else before
        out.add("owner-missing", Phrase.of(f"owner-missing.{whose}", stage=name, old=was),
                stage=stage, field="owner", old=before, new=None)
    else:
        out.add("owner-changed", Phrase.of(f"owner-changed.{whose}", stage=name, old=_shown(before), new=after),
                stage=stage, field="owner", old=before, new=after)


# --- stages ----------------------------------------------------------------------

_CONTENT_FIELDS = (*(lane.key for lane in lanes.BUILT_IN), "lanes")


def _similarity(a: Stage, b: Stage) -> float:
    """Share of the filled-in content fields that are equal (0..1)."""
    filled = [f for f in _CONTENT_FIELDS if getattr(a, f) not in (None, ()) or getattr(b, f) not in (None, ())]
    if not filled:
        return 0.0
    return sum(1 for f in filled if getattr(a, f) == getattr(b, f)) / len(filled)


def match_stages(old: Sequence[Stage], new: Sequence[Stage]) -> list[tuple[Stage | None, Stage | None]]:
    """Pairs (old, new): by id, then by name, then by content; None on the side it is missing."""
    by_id = {s.id: s for s in old}
    pairs: dict[int, Stage] = {}  # index in new -> old stage
    used: set[int] = set()
    for index, stage in enumerate(new):
        found = by_id.get(stage.id)
        if found is not None and id(found) not in used:
            pairs[index] = found
            used.add(id(found))
    for index, stage in enumerate(new):
        if index in pairs:
            continue
        for candidate in old:
            if id(candidate) not in used and candidate.name.strip().casefold() == stage.name.strip().casefold():
                pairs[index] = candidate
                used.add(id(candidate))
                break
    for index, stage in enumerate(new):
        if index in pairs:
            continue
        scored = [(_similarity(c, stage), i) for i, c in enumerate(old) if id(c) not in used]
        if scored:
            score, best = max(scored, key=lambda pair: (pair[0], -pair[1]))
            if score >= 0.6:
                pairs[index] = old[best]
                used.add(id(old[best]))
    result: list[tuple[Stage | None, Stage | None]] = [(pairs.get(i), s) for i, s in enumerate(new)]
    result += [(s, None) for s in old if id(s) not in used]
    return result


def _stable(sequence: Sequence[int]) -> set[int]:
    """Positions of a longest increasing subsequence: the stages that did not move."""
    tails: list[int] = []
    links: list[int] = [-1] * len(sequence)
    tail_at: list[int] = []
    for position, value in enumerate(sequence):
        low, high = 0, len(tails)
        while low < high:
            mid = (low + high) // 2
            if tails[mid] < value:
                low = mid + 1
            else:
                high = mid
        if low == len(tails):
            tails.append(value)
            tail_at.append(position)
        else:
            tails[low] = value
            tail_at[low] = position
        links[position] = tail_at[low - 1] if low else -1
    keep: set[int] = set()
    position = tail_at[-1] if tail_at else -1
    while position != -1:
        keep.add(position)
        position = links[position]
    return keep



def _stages(out: _Collector, old: Map, new: Map,
            channel_names: Mapping[str, str]) -> list[tuple[Stage | None, Stage | None]]:
    pairs = match_stages(old.stages, new.stages)
    old_index = {id(s): i for i, s in enumerate(old.stages)}
    matched = [(o, n) for o, n in pairs if o is not None and n is not None]
    stable = _stable([old_index[id(o)] for o, _ in matched])
    moved = {id(n) for k, (_, n) in enumerate(matched) if k not in stable}
    new_index = {id(s): i for i, s in enumerate(new.stages)}
    for before, after in pairs:
        if before is None and after is not None:
            out.add("stage-added", Phrase.of("stage-added", stage=after.name), stage=after.id, field="stages",
                    new=after.name)
            if not (after.owner or "").strip():
                out.add("owner-missing", Phrase.of("owner-missing.new-stage", stage=after.name), stage=after.id,
                        field="owner")
            continue
        if after is None and before is not None:
            out.add("stage-removed", Phrase.of("stage-removed", stage=before.name), stage=before.id, field="stages",
                    old=before.name)
            continue
        assert before is not None and after is not None
        if before.name != after.name:
            out.add("stage-renamed", Phrase.of("stage-renamed", old=before.name, new=after.name), stage=after.id,
                    field="name", old=before.name, new=after.name)
        if before.id != after.id:
            out.add("stage-renamed", Phrase.of("stage-renamed.id", stage=after.name, old=before.id, new=after.id),
                    stage=after.id, field="id", old=before.id, new=after.id)
        if id(after) in moved:
            was, now = old_index[id(before)] + 1, new_index[id(after)] + 1
            out.add("stage-moved", Phrase.of("stage-moved", stage=after.name, old=was, new=now),
                    stage=after.id, field="position", old=was, new=now)
        if before != after or before.id != after.id:
            _stage(out, before, after, channel_names)
    flow_changes(out, old, new, pairs)
    return pairs


def _cast_and_scale(out: _Collector, old: Map, new: Map, names: ShownNames) -> None:
    """`personas:` and `emotion_scale:` changes (a map's first persona is `persona-changed`)."""
    before, after = old.persona_ids, new.persona_ids
    if before != after and max(len(before), len(after)) > 1:
        out.add("personas-changed", Phrase.of("field-changed", field=Phrase("field.personas"),
                                              old=_shown(tuple(names.personas.get(p, p) for p in before)),
                                              new=_shown(tuple(names.personas.get(p, p) for p in after))),
                field="personas", old=list(before), new=list(after))
    if old.emotion_scale != new.emotion_scale:
        was, now = old.emotion_scale.describe(), new.emotion_scale.describe()
        out.add("emotion-scale-changed", Phrase.of("field-changed", field=Phrase("field.emotion_scale"),
                                                   old=was, new=now),
                field="emotion_scale", old=was, new=now)


def _on_own_terms(stage: Stage) -> bool:
    """Whether a stage's emotion is more than one of -2..2: per persona, or on a map's own scale."""
    return bool(stage.emotions) or stage.level is not None


def _felt(out: _Collector, old: Map, new: Map, pairs: list[tuple[Stage | None, Stage | None]],
          names: ShownNames) -> None:
    """Emotion changes of stages per persona or on a map's own scale, in the scale's words."""
    several = len(old.persona_ids) > 1 or len(new.persona_ids) > 1
    for before, after in pairs:
        if before is None or after is None or not (_on_own_terms(before) or _on_own_terms(after)):
            continue
        cast = tuple(dict.fromkeys((*new.persona_ids, *old.persona_ids))) if several else (None,)
        for persona in cast:
            was = before.felt_by(persona) if persona else before.felt
            now = after.felt_by(persona) if persona else after.felt
            if was == now:
                continue
            old_words = _shown(None if was is None else old.emotion_scale.shown(was))
            new_words = _shown(None if now is None else new.emotion_scale.shown(now))
            said = (Phrase.of("emotion-changed.persona", stage=after.name, persona=names.personas.get(persona, persona),
                              old=old_words, new=new_words) if persona else
                    Phrase.of("emotion-changed", stage=after.name, old=old_words, new=new_words))
            out.add("emotion-changed", said, stage=after.id, field=f"emotion.{persona}" if persona else "emotion",
                    old=was, new=now)


def _stage(out: _Collector, old: Stage, new: Stage, channel_names: Mapping[str, str]) -> None:
    name, sid = new.name, new.id
    if old.emotion != new.emotion and not (_on_own_terms(old) or _on_own_terms(new)):
        out.add("emotion-changed", Phrase.of("emotion-changed", stage=name, old=_shown(old.emotion),
                                             new=_shown(new.emotion)),
                stage=sid, field="emotion", old=old.emotion, new=new.emotion)
    _kpis(out, new, old.kpis, new.kpis)
    for lane in lanes.ITEM_LANES:
        _items(out, new, lane.key, lane.noun, lane.value(old), lane.value(new))
    custom_keys = sorted({k for k, _ in old.lanes} | {k for k, _ in new.lanes})
    for custom in lanes.custom_lanes((key, key) for key in custom_keys):
        _items(out, new, custom.key, custom.noun, custom.value(old), custom.value(new))
    _opportunity_statuses(out, new, old.opportunities, new.opportunities)
    _touchpoints(out, new, old.touchpoints, new.touchpoints, channel_names)
    _owner(out, old.owner, new.owner, name, sid)
    if old.detail != new.detail:
        if new.detail is None:
            out.add("detail-changed", Phrase.of("detail-changed.removed", stage=name, old=old.detail),
                    stage=sid, field="detail", old=old.detail, new=None)
        else:
            out.add("detail-changed", Phrase.of("detail-changed", stage=name, old=_shown(old.detail), new=new.detail),
                    stage=sid, field="detail", old=old.detail, new=new.detail)
    if old.count != new.count:
        out.add("count-changed", Phrase.of("count-changed", stage=name, old=_shown(old.count), new=_shown(new.count)),
                stage=sid, field="count", old=old.count, new=new.count)
    if (old.moment is None) != (new.moment is None):
        flagged = new.moment is not None
        out.add("moment-added" if flagged else "moment-removed",
                Phrase.of("moment-added.stage" if flagged else "moment-removed.stage", stage=name),
                stage=sid, field="moment", old=old.moment is not None, new=flagged)
    _exits(out, new, old.exits, new.exits)


def _item_moment(out: _Collector, stage: Stage, lane: str, what: Phrase, before: Item, after: Item) -> None:
    """An item that stayed (or was reworded) and became, or stopped being, a moment that matters."""
    if before.moment == after.moment:
        return
    key = "moment-added" if after.moment else "moment-removed"
    out.add(key, Phrase.of(f"{key}.item", what=what, stage=stage.name),
            stage=stage.id, field=lane, old=before.moment, new=after.moment)


def _exits(out: _Collector, stage: Stage, old: Sequence[Exit], new: Sequence[Exit]) -> None:
    """Exits matched by name: added, removed, or a count that changed."""
    before = {e.name: e for e in old}
    after = {e.name: e for e in new}
    for name, exit_ in after.items():
        was = before.get(name)
        if was is None:
            counted = Phrase.of("exit-added.count", stage=stage.name, name=name, count=exit_.count) \
                if exit_.count is not None else Phrase.of("exit-added", stage=stage.name, name=name)
            out.add("exit-added", counted,
                    stage=stage.id, field="exits", new={"name": name, "count": exit_.count})
        elif was.count != exit_.count:
            out.add("exit-count-changed", Phrase.of("exit-count-changed", stage=stage.name, name=name,
                                                    old=_shown(was.count), new=_shown(exit_.count)),
                    stage=stage.id, field="exits", old=was.count, new=exit_.count)
    for name, exit_ in before.items():
        if name not in after:
            out.add("exit-removed", Phrase.of("exit-removed", stage=stage.name, name=name),
                    stage=stage.id, field="exits", old={"name": name, "count": exit_.count})


def _map_sources(out: _Collector, old: Sequence[Source], new: Sequence[Source]) -> None:
    """The map's `sources:` matched by key."""
    before = {s.key: s for s in old}
    after = {s.key: s for s in new}
    for key, source in after.items():
        was = before.get(key)
        if was is None:
            out.add("map-source-added", Phrase.of("map-source-added", source=key, title=source.title),
                    field="sources", new={"key": key, "title": source.title, "url": source.url})
        elif (was.title, was.url) != (source.title, source.url):
            old_shown = was.title if was.title != source.title else _shown(was.url)
            new_shown = source.title if was.title != source.title else _shown(source.url)
            out.add("map-source-changed", Phrase.of("map-source-changed", source=key, old=old_shown, new=new_shown),
                    field="sources", old={"title": was.title, "url": was.url},
                    new={"title": source.title, "url": source.url})
    for key, source in before.items():
        if key not in after:
            out.add("map-source-removed", Phrase.of("map-source-removed", source=key, title=source.title),
                    field="sources", old={"key": key, "title": source.title, "url": source.url})



def _items(out: _Collector, stage: Stage, lane: str, noun: str,
           old: Sequence[Item], new: Sequence[Item]) -> None:
    if tuple(old) == tuple(new):
        return
    a, b = [i.text for i in old], [i.text for i in new]
    removed: list[Item] = []
    added: list[Item] = []
    reworded: list[tuple[Item, Item]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            for before, after in zip(old[i1:i2], new[j1:j2]):
                _source(out, stage, lane, _item_what(noun, after), before.source, after.source)
                _item_moment(out, stage, lane, _item_what(noun, after), before, after)
        elif tag == "replace":
            common = min(i2 - i1, j2 - j1)
            reworded += list(zip(old[i1:i1 + common], new[j1:j1 + common]))
            removed += old[i1 + common:i2]
            added += new[j1 + common:j2]
        elif tag == "delete":
            removed += old[i1:i2]
        else:
            added += new[j1:j2]
    # An item that left one place and came back at another was only reordered.
    texts_old = {i.text for i in removed} | {p[0].text for p in reworded}
    texts_new = {i.text for i in added} | {p[1].text for p in reworded}
    reordered = texts_old & texts_new
    if reordered:
        remaining_old = [i for i in removed + [p[0] for p in reworded] if i.text not in reordered]
        remaining_new = [i for i in added + [p[1] for p in reworded] if i.text not in reordered]
        removed, added, reworded = remaining_old, remaining_new, []
        lane_name = Phrase(f"lane.{lane}") if lane in LANE_NOUNS else lane
        out.add("items-reordered", Phrase.of("items-reordered", lane=lane_name, stage=stage.name),
                stage=stage.id, field=lane,
                old=[t for t in a if t in reordered], new=[t for t in b if t in reordered])
    for before, after in reworded:
        out.add(f"{noun}-changed", Phrase.of(f"{noun}-changed", stage=stage.name, old=before.text, new=after.text),
                stage=stage.id, field=lane, old=before.text, new=after.text)
        _source(out, stage, lane, _item_what(noun, after), before.source, after.source)
        _item_moment(out, stage, lane, _item_what(noun, after), before, after)
    for item in removed:
        out.add(f"{noun}-removed", Phrase.of(f"{noun}-removed", stage=stage.name, text=item.text),
                stage=stage.id, field=lane, old=item.text)
    for item in added:
        out.add(f"{noun}-added", Phrase.of(f"{noun}-added", stage=stage.name, text=item.text),
                stage=stage.id, field=lane, new=item.text)


def _opportunity_statuses(out: _Collector, stage: Stage, old: Sequence[Item], new: Sequence[Item]) -> None:
    """`opportunity "Size filter": planned -> in progress`: opportunities followed by id, else by text."""
    def key(item: Item) -> str:
        return f"id:{item.id}" if isinstance(item, Opportunity) and item.id else f"text:{item.text}"

    def status(item: Item | None) -> str | None:
        return item.status if isinstance(item, Opportunity) else None

    before = {key(item): item for item in old}
    for after in new:
        was = before.get(key(after))
        if was is None or status(was) == status(after):
            continue
        old_status, new_status = status(was), status(after)
        out.add("opportunity-status-changed", Phrase.of(
            "opportunity-status-changed", stage=stage.name, text=after.text,
            old=Phrase(f"value.opportunity.{old_status}") if old_status else NONE,
            new=Phrase(f"value.opportunity.{new_status}") if new_status else NONE),
            stage=stage.id, field="opportunities", old=old_status, new=new_status)


def _item_what(noun: str, item: Item) -> Phrase:
    """`obstacle "No delivery dates"`: an item named in another sentence."""
    return Phrase.of("what.item", noun=Phrase(f"noun.{noun}"), text=item.text)


def _source(out: _Collector, stage: Stage, lane: str, what: Phrase, before: str | None, after: str | None) -> None:
    if before == after:
        return
    key = "source-lost" if after is None else "source-given" if before is None else "source-changed"
    out.add("source-changed", Phrase.of(key, what=what, stage=stage.name, old=before, new=after),
            stage=stage.id, field=lane, old=before, new=after)


def _touchpoint_key(touchpoint: Touchpoint) -> tuple[str, str]:
    return touchpoint.channel, touchpoint.name or ""


def _touchpoints(out: _Collector, stage: Stage, old: Sequence[Touchpoint], new: Sequence[Touchpoint],
                 channel_names: Mapping[str, str]) -> None:
    if tuple(old) == tuple(new):
        return
    before = {_touchpoint_key(t): t for t in old}
    after = {_touchpoint_key(t): t for t in new}

    def label(touchpoint: Touchpoint) -> str:
        """As the site shows it: its own name, else its channel's name (the id without a catalog)."""
        channel = channel_names.get(touchpoint.channel, touchpoint.channel)
        return f"{touchpoint.name} ({channel})" if touchpoint.name else channel

    for k, t in before.items():
        if k not in after:
            out.add("touchpoint-removed", Phrase.of("touchpoint-removed", stage=stage.name, label=label(t)),
                    stage=stage.id, field="touchpoints", old=label(t))
    for k, t in after.items():
        if k not in before:
            out.add("touchpoint-added", Phrase.of("touchpoint-added", stage=stage.name, label=label(t)),
                    stage=stage.id, field="touchpoints", new=label(t))
        elif before[k].source != t.source:
            _source(out, stage, "touchpoints", Phrase.of("what.touchpoint", label=label(t)), before[k].source, t.source)


def _figure(quantity: Quantity | None, unit: str | None) -> Phrase | str:
    """A KPI value or target as written, with its unit; "none" when there is none."""
    if quantity is None:
        return NONE
    return f"{quantity.raw} {unit}" if unit else quantity.raw


def _target(kpi: KPI) -> Phrase | str:
    """` (target 7.5%)` after a KPI's value, or nothing."""
    return Phrase.of("kpi-target", value=_figure(kpi.target, kpi.unit)) if kpi.target else ""


def kpi_direction(old: KPI, new: KPI) -> str | None:
    """`improved`, `regressed`, or None when the two values cannot be compared."""
    if old.value is None or new.value is None or old.better != new.better:
        return None
    if (old.unit or "") != (new.unit or "") or not old.value.comparable_with(new.value):
        return None
    assert old.value.number is not None and new.value.number is not None
    delta = new.value.number - old.value.number
    if delta == 0:
        return None
    good = delta < 0 if new.better == "lower" else delta > 0
    return "improved" if good else "regressed"


def match_kpis(old: Sequence[KPI], new: Sequence[KPI]) -> list[tuple[KPI | None, KPI | None]]:
    """Pairs by name (case-insensitive); a lone removed and a lone added KPI are one renamed KPI."""
    before = {k.name.strip().casefold(): k for k in old}
    after_names = {k.name.strip().casefold() for k in new}
    pairs: list[tuple[KPI | None, KPI | None]] = []
    for kpi in new:
        pairs.append((before.get(kpi.name.strip().casefold()), kpi))
    gone = [k for k in old if k.name.strip().casefold() not in after_names]
    fresh = [i for i, (o, _) in enumerate(pairs) if o is None]
    if len(gone) == 1 and len(fresh) == 1:
        pairs[fresh[0]] = (gone[0], pairs[fresh[0]][1])
        gone = []
    return pairs + [(k, None) for k in gone]


def _kpis(out: _Collector, stage: Stage, old: Sequence[KPI], new: Sequence[KPI]) -> None:
    if tuple(old) == tuple(new):
        return
    where = stage.name
    for before, after in match_kpis(old, new):
        if before is None and after is not None:
            out.add("kpi-added", Phrase.of("kpi-added", name=after.name, stage=where,
                                           value=_figure(after.value, after.unit), target=_target(after)),
                    stage=stage.id, field="kpis", new=after.name)
            continue
        if after is None and before is not None:
            out.add("kpi-removed", Phrase.of("kpi-removed", name=before.name, stage=where), stage=stage.id,
                    field="kpis", old=before.name)
            continue
        assert before is not None and after is not None
        if before == after:
            continue
        if before.name != after.name:
            out.add("kpi-renamed", Phrase.of("kpi-renamed", old=before.name, new=after.name, stage=where),
                    stage=stage.id, field="kpis", old=before.name, new=after.name)
        value_before, value_after = _figure(before.value, before.unit), _figure(after.value, after.unit)
        if value_before != value_after:
            direction = kpi_direction(before, after)
            code = f"kpi-{direction}" if direction else "kpi-changed"
            out.add(code, Phrase.of("kpi-value", name=after.name, stage=where, old=value_before, new=value_after,
                                    target=_target(after)),
                    stage=stage.id, field="kpis", old=_plain(before.value), new=_plain(after.value))
        elif before.better != after.better:
            out.add("kpi-changed", Phrase.of("kpi-better", name=after.name, stage=where, old=_word(before.better),
                                             new=_word(after.better)),
                    stage=stage.id, field="kpis", old=before.better, new=after.better)
        if _figure(before.target, before.unit) != _figure(after.target, after.unit):
            out.add("kpi-target-changed", Phrase.of("kpi-target-changed", name=after.name, stage=where,
                                                    old=_figure(before.target, before.unit),
                                                    new=_figure(after.target, after.unit)),
                    stage=stage.id, field="kpis", old=_plain(before.target), new=_plain(after.target))
        if before.source != after.source:
            _source(out, stage, "kpis", Phrase.of("what.kpi", name=after.name), before.source, after.source)


# --- repositories ----------------------------------------------------------------


@dataclass
class Side:
    """What one version holds of the compared files: parsed maps and what did not parse."""

    maps: list[Map] = field(default_factory=list)
    personas: dict[str, Persona] = field(default_factory=dict)
    channels: dict[str, Channel] | None = None
    has_channels: bool = False  # the catalog file is part of the comparison
    broken: dict[str, tuple[str, str, int]] = field(default_factory=dict)  # path -> (kind, id, errors)
    messages: dict[str, str] = field(default_factory=dict)  # path -> first error, located


def parse_side(config: SiteConfig, sources: Mapping[str, bytes]) -> Side:
    """Parse the given files; a file with errors is recorded as broken (and kept if it parsed)."""
    with without_cyclic_gc():  # as for a build's parse (see there)
        return _parse_side(config, sources)


def _parse_side(config: SiteConfig, sources: Mapping[str, bytes]) -> Side:
    side = Side()
    for path, data in sources.items():
        if len(data) > MAX_CONTENT_BYTES:  # a revision's file, which the work tree's limit did not see
            found = classify(path, config)
            if found is not None:
                side.broken[path] = (*found, 1)
                side.messages[path] = too_large(path, len(data))
            continue
        parsed = parse_file(path, data, config)
        if parsed is None:
            continue
        errors = [d for d in parsed.diagnostics if d.severity.value == "error"]
        if errors:
            kind, item_id = classify(path, config) or ("map", path)
            side.broken[path] = (kind, item_id, len(errors))
            first = errors[0]
            where = f"{first.location.line}:{first.location.column}: " if first.location else ""
            side.messages[path] = f"{where}{first.message}"
        if parsed.kind == "channels":
            side.has_channels = True
            side.channels = dict(parsed.value) if parsed.value is not None else None  # type: ignore[arg-type]
        elif isinstance(parsed.value, Map):
            side.maps.append(parsed.value)
        elif isinstance(parsed.value, Persona):
            side.personas[parsed.value.id] = parsed.value
    return side


def side_of(repo: Repository) -> Side:
    """A whole parsed repository as one side of a comparison."""
    return Side(list(repo.maps), dict(repo.personas), dict(repo.channels) if repo.channels else None,
                has_channels=True)


def _match_maps(
    old: Sequence[Map], new: Sequence[Map], renames: Mapping[str, str]
) -> list[tuple[Map | None, Map | None]]:
    new_by_id = {m.id: m for m in new}
    pairs: list[tuple[Map | None, Map | None]] = []
    taken: set[int] = set()
    loose_old: list[Map] = []
    for journey_map in old:
        match = new_by_id.get(journey_map.id)
        if match is not None and id(match) not in taken:
            pairs.append((journey_map, match))
            taken.add(id(match))
        else:
            loose_old.append(journey_map)
    loose_new = [m for m in new if id(m) not in taken]
    rules: tuple[Callable[[Map, Map], bool], ...] = (
        lambda o, n: renames.get(o.path) == n.path,
        lambda o, n: o.title.strip().casefold() == n.title.strip().casefold(),
    )
    for rule in rules:
        for journey_map in list(loose_old):
            match = next((n for n in loose_new if rule(journey_map, n)), None)
            if match is not None:
                pairs.append((journey_map, match))
                loose_old.remove(journey_map)
                loose_new.remove(match)
    pairs += [(m, None) for m in loose_old] + [(None, m) for m in loose_new]
    return pairs


def diff_sides(
    old: Side, new: Side, *, cosmetic: Iterable[str] = (), renames: Mapping[str, str] | None = None,
    base: str = "base", head: str = "head", base_commit: str | None = None, head_commit: str | None = None,
    base_url: str = "/", names: ShownNames | None = None,
) -> RepoDiff:
    """Compare two sides (whole repositories, or just the files that changed).

    The cyclic collector pauses meanwhile: a comparison makes many small objects and
    no cycles, and in a process that holds a large model (a build, the benchmark)
    each of the collector's full passes walked all of it again (docs/benchmarks.md).
    """
    with without_cyclic_gc():
        own = ShownNames({p.id: p.name for p in (*old.personas.values(), *new.personas.values())},
                         {k: c.name for side in (old, new) for k, c in (side.channels or {}).items()},
                         {m.id: m.title for m in (*old.maps, *new.maps)})
        return _diff_sides(old, new, frozenset(cosmetic), renames or {}, base, head, base_commit, head_commit,
                           base_url, own.merged(names or ShownNames()))


def _diff_sides(old: Side, new: Side, cosmetic: frozenset[str], renames: Mapping[str, str], base: str, head: str,
                base_commit: str | None, head_commit: str | None, base_url: str,
                names: ShownNames) -> RepoDiff:
    results: dict[str, MapDiff] = {}
    markdown = MarkdownRenderer()
    broken_new = {p for p, (kind, _, _) in new.broken.items() if kind == "map"}
    broken_old = {p for p, (kind, _, _) in old.broken.items() if kind == "map"}
    for before, after in _match_maps(old.maps, new.maps, renames):
        if before is not None and after is not None:
            changes = []
            if before.path != after.path or before.id != after.id:
                out = _Collector(after.id, cosmetic)
                out.add("map-renamed", _map_renamed(before, after),
                        field="path", old=before.path, new=after.path)
                url_change(out, before, after, base_url)
                changes += out.out
            changes += diff_map(before, after, cosmetic, markdown, names)
            if not changes:
                continue
            status = "renamed" if before.path != after.path or before.id != after.id else "changed"
            results[after.id] = MapDiff(after.id, after.title, status, before.path, after.path,
                                        before, after, tuple(changes))
        elif after is not None:
            out = _Collector(after.id, cosmetic)
            if after.path in broken_old:
                status = "changed"
            else:
                status = "added"
                out.add("map-added", Phrase.of("map-added", title=after.title, path=after.path), field="path",
                        new=after.path)
            results[after.id] = MapDiff(after.id, after.title, status, None if status == "added" else after.path,
                                        after.path, None, after, tuple(out.out))
        elif before is not None:
            out = _Collector(before.id, cosmetic)
            if before.path in broken_new:
                status = "unreadable"
            else:
                status = "removed"
                out.add("map-removed", Phrase.of("map-removed", title=before.title, path=before.path), field="path",
                        old=before.path)
            results[before.id] = MapDiff(before.id, before.title, status, before.path,
                                         before.path if status == "unreadable" else None, before, None, tuple(out.out))
    other: list[Change] = []
    for side, label, severity in ((new, head, ERROR), (old, base, WARNING)):
        for path, (kind, item_id, count) in sorted(side.broken.items()):
            which = "head" if side is new else "base"
            more = Phrase.of("parse-error.more", count=count - 1) if count > 1 else ""
            phrase = Phrase.of("parse-error", path=path, side=side_label(label), error=side.messages[path], more=more)
            change = Change("parse-error", severity, item_id if kind == "map" else None, None, which,
                            None, None, phrase)
            if kind != "map":
                other.append(change)
                continue
            entry = results.get(item_id) or next(
                (m for m in results.values() if path in (m.old_path, m.new_path)), None)
            if entry is None:
                entry = MapDiff(item_id, item_id, "unreadable", path if side is old else None,
                                path if side is new else None, None, None, ())
            results[entry.id] = MapDiff(**{**entry.__dict__, "changes": (change, *entry.changes)})
    other += _personas(old.personas, new.personas, cosmetic)
    if old.has_channels or new.has_channels:
        other += _channels(old.channels or {}, new.channels or {}, cosmetic)
    maps = tuple(sorted(results.values(), key=lambda m: m.id))
    return RepoDiff(maps, tuple(other), base, head, base_commit, head_commit)


def _map_renamed(before: Map, after: Map) -> Phrase:
    """`map renamed: a.md -> b.md; id a -> b`, saying only what changed."""
    moved, renamed = before.path != after.path, before.id != after.id
    key = "map-renamed.both" if moved and renamed else "map-renamed.path" if moved else "map-renamed.id"
    return Phrase.of(key, old=before.path, new=after.path, old_id=before.id, new_id=after.id)


_PERSONA_FIELDS = ("name", "role", "photo", "quote", "goals", "needs", "pains", "channels", "body")


def _differing(old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[tuple[str, Any, Any]]:
    """(key, before, after) for each key whose value differs, by key; None on the side it is missing."""
    for key in sorted(old.keys() | new.keys()):
        before, after = old.get(key), new.get(key)
        if before != after:
            yield key, before, after


def _personas(old: Mapping[str, Persona], new: Mapping[str, Persona], cosmetic: frozenset[str]) -> list[Change]:
    out = _Collector(None, cosmetic)
    for pid, before, after in _differing(old, new):
        if before is None:
            out.add("persona-added", Phrase.of("persona-added", name=after.name), field="persona", new=pid)
        elif after is None:
            out.add("persona-removed", Phrase.of("persona-removed", name=before.name), field="persona", old=pid)
        else:
            fields = tuple(Phrase(f"persona.{f}") for f in _PERSONA_FIELDS if getattr(before, f) != getattr(after, f))
            detail = (
                Phrase.of("persona-edited.name", old=before.name, new=after.name)
                if Phrase("persona.name") in fields
                else Phrase.of("persona-edited", name=after.name, fields=fields)
            )
            out.add("persona-edited", detail, field="persona",
                    old=before.name, new=after.name)
    return out.out


def _channels(old: Mapping[str, Channel], new: Mapping[str, Channel], cosmetic: frozenset[str]) -> list[Change]:
    out = _Collector(None, cosmetic)
    for cid, before, after in _differing(old, new):
        if before is None:
            out.add("channel-added", Phrase.of("channel-added", name=after.name, kind=_word(after.kind)),
                    field="channels", new=cid)
        elif after is None:
            out.add("channel-removed", Phrase.of("channel-removed", name=before.name),
                    field="channels", old=cid)
        else:
            out.add("channel-changed", Phrase.of("channel-changed", old=before.name,
                                                 old_kind=_word(before.kind), new=after.name,
                                                 new_kind=_word(after.kind)),
                    field="channels", old=before.name, new=after.name)
    return out.out


def shown_names(config: SiteConfig, old: Mapping[str, bytes], new: Mapping[str, bytes],
                changed: Iterable[str]) -> ShownNames:
    """The names of every persona and channel, and the titles of the maps the changed maps refer
    to (`related`, `current`), from every file of both sides (`old`, `new`), the head's first.

    A referenced map is looked up by the file its id names (`maps/<id>.md`); a map whose
    frontmatter sets another id keeps being shown by id.
    """
    personas: dict[str, str] = {}
    channels: dict[str, str] = {}
    referenced: set[str] = set()
    for sources in (new, old):
        for path, data in sources.items():
            kind = classify(path, config)
            if kind is None or (kind[0] == "map" and path not in changed) or kind[1] in personas:
                continue
            parsed = parse_file(path, data, config)
            value = parsed.value if parsed is not None else None
            if isinstance(value, Persona):
                personas[kind[1]] = value.name
            elif isinstance(value, Map):
                referenced |= {*value.related, *([value.current] if value.current else [])}
            elif parsed is not None and parsed.kind == "channels" and isinstance(value, dict):
                channels = {**{k: c.name for k, c in value.items()}, **channels}
    prefix = content_prefix(config)
    titles: dict[str, str] = {}
    for map_id in sorted(referenced):
        path = f"{prefix}/{map_id}.md" if prefix != "." else f"{map_id}.md"
        source = new[path] if path in new else old.get(path)
        parsed = parse_file(path, source, config) if source is not None else None
        if parsed is not None and isinstance(parsed.value, Map) and parsed.value.id == map_id:
            titles[map_id] = parsed.value.title
    return ShownNames(personas, channels, titles)


def _titled(value: Any, titles: Mapping[str, str]) -> Any:
    """A map id (or a list of them) as the titles of those maps, where they are known."""
    if isinstance(value, (tuple, list)):
        return tuple(titles.get(v, v) for v in value)
    return titles.get(value, value) if isinstance(value, str) else value


def diff_repositories(old: Repository, new: Repository, **labels: Any) -> RepoDiff:
    """Compare two parsed repositories (every map, persona and channel)."""
    return diff_sides(side_of(old), side_of(new), cosmetic=new.config.cosmetic_fields,
                      base_url=new.config.base_url, **labels)


def diff_sources(
    config: SiteConfig, old: Mapping[str, bytes], new: Mapping[str, bytes], *,
    renames: Mapping[str, str] | None = None, names: ShownNames | None = None, **labels: Any,
) -> RepoDiff:
    """Compare two snapshots of the content files (path -> bytes); the benchmark times this.

    Only files whose bytes differ are parsed; a file that moved without a byte
    changed is recognised by its content and reported as renamed.
    """
    changed = [p for p in sorted(old.keys() | new.keys()) if old.get(p) != new.get(p)]
    hints = dict(renames or {})
    gone = {old[p]: p for p in changed if p not in new}
    for path in changed:
        if path not in old and new[path] in gone:
            hints.setdefault(gone[new[path]], path)
    old_side = parse_side(config, {p: old[p] for p in changed if p in old})
    new_side = parse_side(config, {p: new[p] for p in changed if p in new})
    return diff_sides(old_side, new_side, cosmetic=config.cosmetic_fields, renames=hints, base_url=config.base_url,
                      names=names, **labels)


__all__ = [
    "CODES",
    "Change",
    "MapDiff",
    "RepoDiff",
    "diff_map",
    "diff_repositories",
    "diff_sides",
    "diff_sources",
    "kpi_direction",
    "match_kpis",
    "match_stages",
    "parse_side",
]
