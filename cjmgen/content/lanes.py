"""The lanes of a stage, defined once.

A lane is a key of a stage in the frontmatter and the row it makes on the map.
The reader, the JSON Schema, the diff, export, textconv, the map page, the PDF
and the diff page iterate over this registry instead of writing the list out
again; custom lanes (`lanes:` in cjmgen.yml) are lanes of kind `items` made by
`custom_lane`. Adding a lane kind: docs/architecture.md, "Adding a lane".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cjmgen.content.model import Stage

#: Kinds of lanes: what a stage holds under the key, and so how it is read, shown and compared.
ITEMS = "items"  # a list of texts, each with an optional source
TOUCHPOINTS = "touchpoints"  # channels, each with an optional name and source
EMOTION = "emotion"  # one number from -2 to 2
KPIS = "kpis"  # measured figures with targets
TEXT = "text"  # one text (the stage's owner)
COUNT = "count"  # customers who reached the stage: the funnel

#: The noun of a custom lane's items in change codes (`lane-item-added`).
CUSTOM_NOUN = "lane-item"


@dataclass(frozen=True)
class Lane:
    """One lane: its stage key, its kind, its label and what the schema and the diff call it."""

    key: str  # the stage key in the frontmatter, and the Stage attribute of a built-in lane
    kind: str
    label: str  # an i18n label key; a custom lane's label as cjmgen.yml writes it
    help: str  # the JSON Schema description an editor shows
    noun: str  # one item of it, as change codes and textconv name it (`obstacle-added`)
    custom: bool = False

    def value(self, stage: Stage) -> Any:
        """What the stage holds in this lane (a tuple of items, a number, a text or None)."""
        return stage.lane(self.key) if self.custom else getattr(stage, self.key)


#: The built-in lanes in the order the frontmatter documents them (the JSON Schema,
#: the JSON export and textconv keep this order).
BUILT_IN: tuple[Lane, ...] = (
    Lane("goals", ITEMS, "goals", "The customer's goal at this stage.", "goal"),
    Lane("actions", ITEMS, "actions", "What the customer does.", "action"),
    Lane("thoughts", ITEMS, "thoughts", "What the customer thinks.", "thought"),
    Lane("quotes", ITEMS, "quotes", "The customer's own words: reviews, comments, complaints.", "quote"),
    Lane("touchpoints", TOUCHPOINTS, "touchpoints", "Points of contact, online and offline.", "touchpoint"),
    Lane("emotion", EMOTION, "emotion", "-2 very negative .. 2 very positive, or on the emotion_scale.", "emotion"),
    Lane("kpis", KPIS, "kpis", "The stage's KPIs with targets.", "kpi"),
    Lane("obstacles", ITEMS, "obstacles", "Pains and barriers between the customer and the goal.", "obstacle"),
    Lane("triggers", ITEMS, "triggers", "What makes the customer remember the company later.", "trigger"),
    Lane("push", ITEMS, "push", "The push action that carries the customer into the next stage.", "push"),
    Lane("opportunities", ITEMS, "opportunities", "Ideas to improve the stage.", "opportunity"),
    Lane("backstage", ITEMS, "backstage", "What the company does out of the customer's sight.", "backstage"),
    Lane("owner", TEXT, "owner", "Who in the company answers for this stage.", "owner"),
    Lane("count", COUNT, "count", "Customers who reached this stage (funnel).", "customers"),
)
BY_KEY: dict[str, Lane] = {lane.key: lane for lane in BUILT_IN}
#: The built-in lanes of text items (the ones with `{text, source}` entries).
ITEM_LANES: tuple[Lane, ...] = tuple(lane for lane in BUILT_IN if lane.kind == ITEMS)


def custom_lane(key: str, label: str) -> Lane:
    """A lane from `lanes:` in cjmgen.yml: items, shown under the label written there."""
    return Lane(key, ITEMS, label, f"Custom lane: {label}.", CUSTOM_NOUN, custom=True)


def custom_lanes(configured: Iterable[tuple[str, str]]) -> tuple[Lane, ...]:
    """The custom lanes of a config's `lanes` (key, label) pairs, in their order."""
    return tuple(custom_lane(key, label) for key, label in configured)
