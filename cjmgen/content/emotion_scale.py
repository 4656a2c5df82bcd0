"""The scale emotions are written on: -2..2 by default, or a site's or map's own.

A scale is a range of whole numbers (`1..5`, `1..10`) or a list of named levels
(`[ужас, плохо, нормально, хорошо, восторг]`, numbered from 1). Every label,
colour and face of the site speaks the five moods of -2..2, so a level on any
scale is also read as the nearest mood (`mood`); the chart places it by its
exact position on the scale (`position`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from cjmgen.content.yamltree import YNode

#: A range as cjmgen.yml and a map write it: `1..5`, `-2..2`, `0 .. 10`.
_RANGE = re.compile(r"^\s*([-+−]?\d+)\s*\.\.\s*([-+−]?\d+)\s*$")
#: The most levels a scale may have: a chart row is about 120 units high.
MAX_LEVELS = 101


@dataclass(frozen=True)
class EmotionScale:
    """Whole numbers from `low` to `high`; with `names`, level n (from 1) is called names[n - 1]."""

    low: int = -2
    high: int = 2
    names: tuple[str, ...] = ()

    @classmethod
    def named(cls, names: tuple[str, ...]) -> EmotionScale:
        return cls(1, len(names), names)

    @property
    def is_default(self) -> bool:
        return self == DEFAULT_SCALE

    def position(self, level: float) -> float:
        """0 at the bottom of the scale, 1 at the top (clamped)."""
        share = (level - self.low) / (self.high - self.low)
        return max(0.0, min(1.0, share))

    def mood(self, level: int) -> int:
        """The level as one of the five moods -2..2 (half-way rounds up: 1..10's 5.5 is neutral)."""
        if self.is_default:
            return max(-2, min(2, level))
        return math.floor(self.position(level) * 4 + 0.5) - 2

    def name(self, level: int) -> str | None:
        """A named level's name; None on a numeric scale."""
        if self.names and self.low <= level <= self.high:
            return self.names[level - self.low]
        return None

    def level_of(self, name: str) -> int | None:
        """The level a name stands for (exact, then ignoring case), or None."""
        for index, candidate in enumerate(self.names):
            if candidate == name:
                return self.low + index
        folded = name.strip().casefold()
        for index, candidate in enumerate(self.names):
            if candidate.casefold() == folded:
                return self.low + index
        return None

    def contains(self, level: int) -> bool:
        return self.low <= level <= self.high

    def describe(self) -> str:
        """How messages and docs write the scale: `1..5`, or its names in order."""
        if self.names:
            return ", ".join(self.names)
        return f"{self.low}..{self.high}"

    def shown(self, level: int) -> str:
        """A level as a reader sees it: its name, or its number."""
        return self.name(level) or str(level)


DEFAULT_SCALE = EmotionScale()


def parse_range(text: str) -> tuple[int, int] | None:
    """`1..5` as (1, 5); None when the text is no range."""
    match = _RANGE.match(text)
    if not match:
        return None
    low, high = (int(part.replace("−", "-")) for part in match.groups())
    return low, high


def scale_problem(low: int, high: int) -> str | None:
    """Why a numeric range cannot be a scale, or None."""
    if high <= low:
        return f"the top of the scale must be above its bottom, got {low}..{high}"
    if high - low + 1 > MAX_LEVELS:
        return f"a scale has at most {MAX_LEVELS} levels, got {high - low + 1}"
    return None


def read_scale(node: YNode, report: Callable[[YNode, str], None]) -> EmotionScale | None:
    """`emotion_scale:` of cjmgen.yml or a map; each problem goes to `report` at its node."""
    if node.kind == "str":
        bounds = parse_range(node.value)
        if bounds is None:
            report(node, f"emotion_scale: expected a range such as 1..5 or a list of named levels, "
                         f"got '{node.value}'")
            return None
        problem = scale_problem(*bounds)
        if problem is not None:
            report(node, f"emotion_scale: {problem}")
            return None
        return EmotionScale(*bounds)
    if node.kind != "seq":
        report(node, "emotion_scale: expected a range such as 1..5 or a list of named levels")
        return None
    names: list[str] = []
    for child in node.value:
        name = child.raw if child.raw is not None else child.value
        if child.kind in ("map", "seq", "null") or not str(name).strip():
            report(child, "emotion_scale: each level is a name, such as 'хорошо'")
            return None
        if str(name).strip().casefold() in (n.casefold() for n in names):
            report(child, f"emotion_scale: the level '{name}' is named twice")
            return None
        names.append(str(name).strip())
    if not 2 <= len(names) <= MAX_LEVELS:
        report(node, f"emotion_scale: a list of named levels needs 2 to {MAX_LEVELS} names, got {len(names)}")
        return None
    return EmotionScale.named(tuple(names))
