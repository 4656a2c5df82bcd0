"""The journey-map model: frozen dataclasses, pure data, each with its source position.

Positions are excluded from equality so that two parses of the same content
compare equal even if lines moved (what `serve` and `diff` rely on).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from cjmgen.content import figures
from cjmgen.content.emotion_scale import DEFAULT_SCALE, EmotionScale
from cjmgen.diagnostics import SourceLocation
from cjmgen.site.urls import slugify


def _loc() -> SourceLocation | None:
    return field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Item:
    """A text entry of a lane; `source` names its evidence, else it is an assumption."""

    text: str
    source: str | None = None
    location: SourceLocation | None = _loc()
    score: float | None = None  # a Mermaid journey task's score (1..5) kept on the action
    actors: tuple[str, ...] = ()  # who does it, as a Mermaid journey names them
    moment: bool = False  # a moment that matters: collected on the index, marked on the map
    persona: str | None = None  # on a map with several personas: whose thought or quote it is


@dataclass(frozen=True)
class Opportunity(Item):
    """An opportunity written as a mapping with more than text and source: who answers
    for it, how far it got, what it is worth and which KPI it should move
    (docs/format.md, "Opportunities"). Plain lines stay `Item`s, so maps without
    these fields compare and render as before."""

    id: str | None = None
    owner: str | None = None
    status: str | None = None  # idea | planned | in progress | done | dropped (content.opportunities)
    impact: int | None = None  # 1..5
    effort: int | None = None  # 1..5
    priority: int | None = None  # 1..5
    ticket: str | None = None  # a URL, or an id that cjmgen.yml's `tickets:` turns into one
    kpi: str | None = None  # `<stage-id>/<kpi-id>`, or `<kpi-id>` of the same stage
    done: str | None = None  # when it shipped: a month, quarter or day (2026-03): "did the KPI move since?"
    field_locations: Mapping[str, SourceLocation] = field(default_factory=dict, compare=False, repr=False)


_NUMBER = re.compile(
    r"^\s*(?P<num>[-+−]?\d[\d\s\u00a0\u202f]*(?:[.,]\d+)*)\s*(?P<rest>.*?)\s*$"
)


@dataclass(frozen=True)
class Quantity:
    """A figure as written (`5%`, `1 200`, `3.5 days`) and its numeric reading."""

    raw: str
    number: float | None
    percent: bool = False
    unit: str = ""

    @classmethod
    def parse(cls, value: object) -> Quantity:
        if isinstance(value, bool):
            return cls(str(value), None)
        if isinstance(value, (int, float)):
            try:
                number: float | None = float(value)
            except OverflowError:  # a 400-digit integer
                number = None
            if number is not None and not math.isfinite(number):
                number = None  # YAML .inf and .nan are no figures
            return cls(_format_plain(value), number)
        raw = str(value).strip()
        match = _NUMBER.match(raw)
        if not match:
            return cls(raw, None)
        number = _parse_number(match["num"])
        rest = match["rest"]
        if number is None:
            return cls(raw, None)
        if rest == "%":
            return cls(raw, number, percent=True)
        return cls(raw, number, unit=rest)

    def comparable_with(self, other: Quantity) -> bool:
        if self.number is None or other.number is None:
            return False
        if self.percent or other.percent:
            return not (self.unit or other.unit)
        return self.unit.casefold() == other.unit.casefold()


def _format_plain(value: int | float) -> str:
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    return str(value)


_parse_number = figures.parse_number  # one reader of numbers for counts, conversions and KPIs


@dataclass(frozen=True)
class KPI:
    name: str
    value: Quantity | None = None
    target: Quantity | None = None
    unit: str | None = None
    better: str = "higher"  # higher | lower
    source: str | None = None
    location: SourceLocation | None = _loc()
    # How data rows and opportunities name it (`<stage-id>/<kpi-id>`); "" means the slug of its name.
    id: str = ""

    def __post_init__(self) -> None:
        if not self.id:
            object.__setattr__(self, "id", slugify(self.name))

    @property
    def verdict(self) -> figures.Verdict:
        """Status and, without one, the reason (see `cjmgen.content.figures`: `3 дня` vs `1 день`)."""
        return figures.verdict(
            self.value.raw if self.value is not None else None,
            self.target.raw if self.target is not None else None,
            self.unit, self.better,
        )

    @property
    def status(self) -> str:
        """`met`, `missed` or `unknown` (no value, no target, or figures that do not compare)."""
        return self.verdict.status


@dataclass(frozen=True)
class Touchpoint:
    """A point of contact; `channel` is a catalog id (or free text without a catalog)."""

    channel: str
    name: str | None = None
    source: str | None = None
    location: SourceLocation | None = _loc()


@dataclass(frozen=True)
class Moment:
    """A stage flagged as a moment that matters (`moment: true`, or a text saying why)."""

    note: str | None = None
    location: SourceLocation | None = _loc()


@dataclass(frozen=True)
class Exit:
    """Customers who leave the journey at a stage ("бросил корзину"), and how many if known."""

    name: str
    count: int | None = None
    source: str | None = None
    location: SourceLocation | None = _loc()


@dataclass(frozen=True)
class Source:
    """Evidence declared once per map under `sources:` and cited by its key from any `source:`."""

    key: str
    title: str
    url: str | None = None
    location: SourceLocation | None = _loc()


@dataclass(frozen=True)
class Stage:
    id: str
    name: str
    goals: tuple[Item, ...] = ()
    actions: tuple[Item, ...] = ()
    thoughts: tuple[Item, ...] = ()
    quotes: tuple[Item, ...] = ()
    touchpoints: tuple[Touchpoint, ...] = ()
    emotion: int | None = None
    kpis: tuple[KPI, ...] = ()
    obstacles: tuple[Item, ...] = ()
    triggers: tuple[Item, ...] = ()
    push: tuple[Item, ...] = ()
    opportunities: tuple[Item, ...] = ()
    backstage: tuple[Item, ...] = ()
    owner: str | None = None
    count: int | None = None
    conversion: Quantity | None = None
    next: tuple[str, ...] = ()  # as written; empty means "the following stage"
    next_labels: tuple[tuple[str, str], ...] = ()  # (target id, label) of the labelled `next` entries
    time: str | None = None  # free text: a duration or a moment relative to the start
    detail: str | None = None  # the map that details this stage, as written (analysis/hierarchy.py)
    lanes: tuple[tuple[str, tuple[Item, ...]], ...] = ()  # custom lanes from config
    moment: Moment | None = None
    exits: tuple[Exit, ...] = ()
    # On a map's own emotion scale (not -2..2), `emotion` is the nearest of the five moods
    # every label and colour speaks, and `level` the value as written on the scale.
    level: int | None = None
    # `emotion: {anna: 1, sergey: -1}`: each persona's level; `emotion`/`level` are the first's.
    emotions: tuple[tuple[str, int], ...] = ()
    location: SourceLocation | None = _loc()
    field_locations: Mapping[str, SourceLocation] = field(
        default_factory=dict, compare=False, repr=False
    )

    def lane(self, key: str) -> tuple[Item, ...]:
        return dict(self.lanes).get(key, ())

    def next_label(self, target: str) -> str | None:
        """The label written on the transition to `target`, if any."""
        return dict(self.next_labels).get(target)

    @property
    def felt(self) -> int | None:
        """The emotion on the map's scale (on -2..2 that is `emotion` itself)."""
        return self.level if self.level is not None else self.emotion

    def felt_by(self, persona: str) -> int | None:
        """What `persona` feels here: its entry of a per-persona emotion, else the stage's one value."""
        if self.emotions:
            return dict(self.emotions).get(persona)
        return self.felt


@dataclass(frozen=True)
class Phase:
    """A named run of consecutive stages (`phases:`), drawn as a band over their columns."""

    name: str
    stages: tuple[str, ...]  # stage ids, consecutive in the map, in its order
    location: SourceLocation | None = _loc()


@dataclass(frozen=True)
class Map:
    id: str
    path: str  # repository-relative, POSIX separators
    title: str
    stages: tuple[Stage, ...]
    persona: str | None = None
    segment: str | None = None
    state: str = "current"  # current | future
    status: str = "published"  # draft | review | published
    owner: str | None = None
    tags: tuple[str, ...] = ()
    reviewed: dt.date | None = None
    related: tuple[str, ...] = ()
    current: str | None = None
    description: str | None = None
    body: str = ""
    language: str | None = None  # en | ru: the map's own, when it is not the site's
    phases: tuple[Phase, ...] = ()
    body_first_line: int = 1
    sources: tuple[Source, ...] = ()  # map-wide evidence, cited by key
    personas: tuple[str, ...] = ()  # `personas: [anna, sergey]`; `persona` is then the first
    emotion_scale: EmotionScale = DEFAULT_SCALE  # the map's own, else the site's
    location: SourceLocation | None = _loc()
    field_locations: Mapping[str, SourceLocation] = field(
        default_factory=dict, compare=False, repr=False
    )
    # Data files of measured KPIs, as written (relative to the content folder): analysis.measures
    data: tuple[str, ...] = ()

    def cited(self, source: str | None) -> Source | None:
        """The map-wide source a `source:` names by its key; None for free text."""
        if not source or not self.sources:
            return None
        return next((s for s in self.sources if s.key == source.strip()), None)

    @property
    def persona_ids(self) -> tuple[str, ...]:
        """Every persona the map describes, whether it says `persona:` or `personas:`."""
        if self.personas:
            return self.personas
        return (self.persona,) if self.persona else ()

    def stage(self, stage_id: str) -> Stage | None:
        return next((s for s in self.stages if s.id == stage_id), None)

    def section_keys(self) -> dict[str, str]:
        """Casefolded stage names and ids -> stage id: the `## headings` that attach body sections."""
        keys: dict[str, str] = {}
        for stage in self.stages:
            keys.setdefault(stage.name.strip().casefold(), stage.id)
            keys.setdefault(stage.id.casefold(), stage.id)
        return keys


@dataclass(frozen=True)
class Persona:
    id: str
    path: str
    name: str
    role: str | None = None
    photo: str | None = None  # repository-relative path, already checked
    quote: str | None = None
    goals: tuple[Item, ...] = ()
    needs: tuple[Item, ...] = ()
    pains: tuple[Item, ...] = ()
    channels: tuple[str, ...] = ()
    body: str = ""
    body_first_line: int = 1
    location: SourceLocation | None = _loc()
    field_locations: Mapping[str, SourceLocation] = field(
        default_factory=dict, compare=False, repr=False
    )


@dataclass(frozen=True)
class Channel:
    id: str
    name: str
    kind: str = "online"  # online | offline
    description: str | None = None
    location: SourceLocation | None = _loc()
