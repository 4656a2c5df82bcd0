"""Mermaid `journey` diagrams out of maps, written so that Mermaid reads back exactly the map's text.

A journey's sections are the map's stages and its tasks the stage actions. A
task's score is the action's own `score` (kept by `cjmgen import mermaid`) or the
stage's emotion -2..2 plus three; its actors are the action's `actors` or the
map persona's name. Every character Mermaid's journey grammar treats specially
is written as one of Mermaid's entity codes (`#58;` for `:`), which Mermaid shows
as the character itself. Mermaid has no line break inside a name: one becomes `<br>`
(which Mermaid's task boxes show as text).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from cjmgen.content.model import Item, Map

NEUTRAL_SCORE = 3
DEFAULT_ACTOR = "Customer"

# What each place of a journey may not hold as a plain character (see journey.jison's lexer
# rules): '#' starts a comment or an entity code, ';' ends a statement, ':' and ',' split a task,
# '<' starts an HTML tag; titles and descriptions are sanitised as HTML,
# which turns '&' and '>' into entities; '%' starts a comment at the start of a line or name.
_IN_NAME = set("#;:<")
_IN_ACTOR = _IN_NAME | {","}
_IN_TITLE = set("#;<>&")
_IN_DESCRIPTION = _IN_TITLE | {"}"}
# A task line that starts like a keyword would be read as that keyword (the lexer tries them first).
_KEYWORD_START = re.compile(r"(?i)(journey(?![A-Za-z0-9_])|title\s|section\s|acctitle\s*:|accdescr\s*[:{])")
_SPACE = " \t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\ufeff\v\f"


_MARKERS = "\u2028\u2029\x85ﬂ¶"  # line separators; Mermaid's own entity markers are made of 'ﬂ°' and '¶ß'
# encodeEntities drops the last ';' of a line that matches these (meant for style statements).
_STYLE_LINE = re.compile(r"style|classDef")


def _starts_comment(text: str, index: int) -> bool:
    """A '%' that would start a comment or a `%%{…}%%` directive."""
    return text[index] == "%" and (index == 0 or text[index + 1:index + 2] == "%")


def _code(char: str) -> str:
    return f"#{ord(char)};"


def escape(text: str, special: set[str] = _IN_NAME, keyword_start: bool = False) -> str:
    """`text` as Mermaid's journey grammar reads it back unchanged."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out = []
    for index, char in enumerate(text):
        edge = index == 0 or index == len(text) - 1
        if char == "\n":
            out.append("<br>")
        elif char in special or (edge and char in _SPACE) or char in _MARKERS or _starts_comment(text, index):
            out.append(_code(char))
        else:
            out.append(char)
    escaped = "".join(out)
    if keyword_start and _KEYWORD_START.match(escaped):
        escaped = _code(escaped[0]) + escaped[1:]
    return escaped


def _with_colon(text: str, special: set[str]) -> set[str]:
    """Where a line could look like a `style` statement to Mermaid, ':' is written as a code too."""
    return special | {":"} if _STYLE_LINE.search(text) else special


def score_of(emotion: int | None) -> int:
    """Emotion -2..2 to Mermaid's 1..5 (an unknown emotion is neutral, 3)."""
    return NEUTRAL_SCORE if emotion is None else emotion + 3


def emotion_of(scores: Sequence[float]) -> int | None:
    """The mean of a section's scores back to -2..2 (half rounds up); None without scores."""
    usable = [s for s in scores if math.isfinite(s)]
    if not usable:
        return None
    return max(-2, min(2, math.floor(sum(usable) / len(usable) + 0.5) - 3))


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


Task = tuple[str, float, Sequence[str]]


def journey_text(title: str | None, sections: Sequence[tuple[str, Sequence[Task]]],
                 description: str | None = None) -> str:
    """A `journey` block: an optional title and description, then sections of `task: score: actors` lines."""
    lines = ["journey"]
    if title:
        lines.append(f"    title {escape(title, _with_colon(title, _IN_TITLE))}")
    if description:
        if "\n" in description.strip():
            body = "\n".join("      " + escape(line.strip(), _with_colon(line, _IN_DESCRIPTION))
                             for line in description.strip().splitlines() if line.strip())
            lines += ["    accDescr {", body, "    }"]
        else:
            lines.append(f"    accDescr: {escape(description.strip(), _with_colon(description, _IN_DESCRIPTION))}")
    for name, tasks in sections:
        lines.append(f"    section {escape(name)}")
        for task, score, actors in tasks:
            who = ", ".join(escape(a, _IN_ACTOR) for a in actors if a)
            lines.append(f"      {escape(task, keyword_start=True)}: {_number(score)}" + (f": {who}" if who else ""))
    return "\n".join(lines) + "\n"


def _task(item: Item, emotion: int | None, actor: str) -> Task:
    score = item.score if item.score is not None else score_of(emotion)
    return item.text, score, list(item.actors) or [actor]


def map_to_mermaid(journey_map: Map, actor: str = DEFAULT_ACTOR) -> str:
    """The map as a journey: one section per stage, its actions as tasks.

    A stage without actions is a section without tasks (Mermaid draws its name only).
    """
    sections = [(stage.name, [_task(a, stage.emotion, actor) for a in stage.actions]) for stage in journey_map.stages]
    return journey_text(journey_map.title, sections, journey_map.description)


def emotion_journey(journey_map: Map, title: str, actor: str = DEFAULT_ACTOR) -> str:
    """The emotion curve as a journey: one task per stage (for review comments)."""
    return journey_text(title, [
        (stage.name, [(stage.name, score_of(stage.emotion), [actor])]) for stage in journey_map.stages
    ])
