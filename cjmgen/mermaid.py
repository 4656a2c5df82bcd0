"""Mermaid `journey` diagrams: write a map as one, and read one into a new map file.

A journey's sections are the map's stages and its tasks the stage actions; a
task's score 1..5 is the emotion -2..2 plus three. Mermaid's grammar forbids
`:`, `;` and `#` in names, so those are replaced by look-alikes on export.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Sequence

from cjmgen.model import Map
from cjmgen.site import slugify

NEUTRAL_SCORE = 3
_FORBIDDEN = str.maketrans({":": "∶", ";": ",", "#": "№", "\n": " ", "\r": " "})


class MermaidError(ValueError):
    """A journey diagram that cannot be read; the message names the line."""


def score_of(emotion: int | None) -> int:
    """Emotion -2..2 to Mermaid's 1..5 (an unknown emotion is neutral, 3)."""
    return NEUTRAL_SCORE if emotion is None else emotion + 3


def emotion_of(scores: Sequence[float]) -> int | None:
    """The mean of a section's scores back to -2..2 (half rounds up); None without scores."""
    if not scores:
        return None
    mean = sum(scores) / len(scores)
    return max(-2, min(2, math.floor(mean + 0.5) - 3))


def clean(text: str) -> str:
    return " ".join(text.translate(_FORBIDDEN).split())


def journey_text(title: str | None, sections: Sequence[tuple[str, Sequence[tuple[str, int, Sequence[str]]]]]) -> str:
    """A `journey` block: sections of `task: score: actor, actor` lines."""
    lines = ["journey"]
    if title:
        lines.append(f"    title {clean(title)}")
    for name, tasks in sections:
        lines.append(f"    section {clean(name) or '-'}")
        for task, score, actors in tasks:
            who = ", ".join(clean(a) for a in actors if clean(a))
            lines.append(f"      {clean(task) or '-'}: {score}" + (f": {who}" if who else ""))
    return "\n".join(lines) + "\n"


def map_to_mermaid(journey_map: Map, actor: str = "Customer") -> str:
    """The map as a journey: one section per stage, its actions as tasks scored by its emotion.

    A stage without actions becomes one task named after the stage, which the
    importer recognises and does not turn into an action.
    """
    sections = []
    for stage in journey_map.stages:
        score = score_of(stage.emotion)
        tasks = [(a.text, score, [actor]) for a in stage.actions] or [(stage.name, score, [actor])]
        sections.append((stage.name, tasks))
    return journey_text(journey_map.title, sections)


def emotion_journey(journey_map: Map, title: str, actor: str = "Customer") -> str:
    """The emotion curve as a journey: one task per stage (for review comments)."""
    return journey_text(title, [
        (stage.name, [(stage.name, score_of(stage.emotion), [actor])]) for stage in journey_map.stages
    ])


@dataclass
class Section:
    name: str
    tasks: list[tuple[str, int, list[str]]] = field(default_factory=list)

    @property
    def emotion(self) -> int | None:
        return emotion_of([score for _, score, _ in self.tasks])

    @property
    def actions(self) -> list[str]:
        texts = [task for task, _, _ in self.tasks]
        return [] if texts == [self.name] else texts


@dataclass
class Journey:
    title: str | None
    sections: list[Section]

    @property
    def actors(self) -> list[str]:
        seen: dict[str, None] = {}
        for section in self.sections:
            for _, _, actors in section.tasks:
                seen.update(dict.fromkeys(actors))
        return list(seen)


_FENCE = re.compile(r"^\s*(```|~~~)\s*mermaid\s*$", re.I)


def _diagram_lines(text: str) -> list[tuple[int, str]]:
    """The lines of the first mermaid fence in a Markdown file, else of the whole text."""
    lines = text.replace("\r\n", "\n").split("\n")
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            fence = line.strip()[:3]
            body = []
            for number in range(index + 1, len(lines)):
                if lines[number].strip().startswith(fence):
                    break
                body.append((number + 1, lines[number]))
            return body
    return [(number + 1, line) for number, line in enumerate(lines)]


def parse_mermaid(text: str) -> Journey:
    """Read a `journey` diagram (Mermaid's own syntax; comments and accessibility lines skipped)."""
    lines = _diagram_lines(text)
    # A leading `---` block is Mermaid's per-diagram configuration.
    significant = [(n, line) for n, line in lines if line.strip()]
    if significant and significant[0][1].strip() == "---":
        end = next((i for i, (_, line) in enumerate(significant[1:], 1) if line.strip() == "---"), None)
        significant = significant[end + 1:] if end is not None else []
    journey: Journey | None = None
    in_description = False
    for number, raw in significant:
        line = raw.strip()
        if line.startswith("%%"):
            continue
        if in_description:
            in_description = "}" not in line
            continue
        if journey is None:
            if line != "journey":
                raise MermaidError(f"line {number}: expected 'journey', got '{line}' (only journey diagrams can be imported)")
            journey = Journey(None, [])
            continue
        keyword, _, rest = line.partition(" ")
        if keyword == "title":
            journey.title = rest.strip() or None
        elif keyword == "section":
            journey.sections.append(Section(rest.strip()))
        elif line.startswith("accTitle") or line.startswith("accDescr"):
            in_description = "{" in line and "}" not in line
        else:
            name, colon, data = line.partition(":")
            if not colon:
                raise MermaidError(f"line {number}: expected 'task: score: actors', got '{line}'")
            score_text, _, actors = data.partition(":")
            try:
                score = int(score_text.strip())
            except ValueError:
                raise MermaidError(f"line {number}: the score must be a whole number 1..5, got '{score_text.strip()}'") from None
            if not journey.sections:
                journey.sections.append(Section(journey.title or "Stage 1"))
            who = [a.strip() for a in actors.split(",") if a.strip()]
            journey.sections[-1].tasks.append((name.strip(), score, who))
    if journey is None:
        raise MermaidError("no 'journey' diagram found")
    if not journey.sections:
        raise MermaidError("the journey has no sections (stages)")
    return journey


_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^:#]*$")
_RESERVED = {"yes", "no", "true", "false", "null", "on", "off", "y", "n", "~"}


def yaml_text(text: str) -> str:
    """A YAML scalar for `text`: plain when that reads back the same, else double-quoted."""
    risky = (
        not _PLAIN.match(text) or text != text.strip() or text.casefold() in _RESERVED
        or re.match(r"^[\d.+\-]", text) is not None
    )
    return json.dumps(text, ensure_ascii=False) if risky else text


def journey_to_map(journey: Journey, persona: str | None = None, title: str | None = None) -> str:
    """A map file (frontmatter only, status draft) for an imported journey."""
    out = ["---", f"title: {yaml_text(title or journey.title or 'Imported journey')}"]
    if persona:
        out.append(f"persona: {yaml_text(persona)}")
    if journey.actors:
        out.append(f"# actors in the Mermaid diagram: {', '.join(journey.actors)}")
    out += ["status: draft", "stages:"]
    seen: set[str] = set()
    for number, section in enumerate(journey.sections, 1):
        stage_id = slugify(section.name)
        if stage_id in seen:
            stage_id = f"{stage_id}-{number}"
        seen.add(stage_id)
        out.append(f"  - id: {yaml_text(stage_id)}")
        out.append(f"    name: {yaml_text(section.name or f'Stage {number}')}")
        if section.actions:
            out.append("    actions:")
            out += [f"      - {yaml_text(action)}" for action in section.actions]
        if section.emotion is not None:
            scores = ", ".join(str(score) for _, score, _ in section.tasks)
            out.append(f"    emotion: {section.emotion}" + (f"   # Mermaid scores: {scores}" if len(section.tasks) > 1 else ""))
    out += ["---", "", f"Imported from a Mermaid journey diagram{': ' + journey.title if journey.title else ''}.", ""]
    return "\n".join(out)
