"""`cjmgen import mermaid`: journey diagrams (plain or in Markdown fences) to new map files.

Nothing of a diagram is dropped: its title (from the frontmatter, the `journey`
line or a `title` line), the accessibility title and description (into the map's
description), every task (with its score and actors kept on the action) and the
actors at map or stage level as the user chooses (`--actors`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from markdown_it import MarkdownIt

from cjmgen.content.page_names import is_device_name
from cjmgen.interchange.mermaid_syntax import Journey, MermaidError, Section, Task, is_journey, parse_journey
from cjmgen.site.urls import slugify

DEFAULT_ACTORS = "tags"
FENCE_LANGUAGES = ("mermaid", "mermaid-example")
MAX_FILE_BYTES = 5_000_000
MAX_NAME_BYTES = 120  # a file name from a title stays far below the 255-byte limit of file systems


class MermaidImportError(ValueError):
    """Input that cannot be imported; the message starts with file:line."""


@dataclass
class Diagram:
    """One journey diagram found in a file."""

    line: int
    text: str


@dataclass
class MapFile:
    """A map to write: its file text and what the user should know about it."""

    journey: Journey
    text: str
    warnings: list[str] = field(default_factory=list)
    personas: dict[str, str] = field(default_factory=dict)  # persona id -> persona file text, to create


def decode(data: bytes, name: str) -> str:
    """A diagram file's text: UTF-8 (with or without BOM) or UTF-16 with a BOM; else a clear refusal."""
    if len(data) > MAX_FILE_BYTES:
        raise MermaidImportError(f"{name}: {len(data)} bytes; a diagram file may have at most {MAX_FILE_BYTES}")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise MermaidImportError(f"{name}:1:1: starts like UTF-16 text but is not valid UTF-16") from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[:exc.start].count(b"\n") + 1
            column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
            raise MermaidImportError(
                f"{name}:{line}:{column}: not UTF-8 text (byte 0x{data[exc.start]:02X}); "
                "save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)") from None
    for number, row in enumerate(text.split("\n"), 1):
        bad = re.search(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff\ud800-\udfff]", row)
        if bad:
            what = (
                "a NUL byte (binary data?)"
                if bad.group(0) == "\x00"
                else f"the control character U+{ord(bad.group(0)):04X}"
            )
            raise MermaidImportError(f"{name}:{number}:{bad.start() + 1}: {what}; a journey diagram is text")
    return text


def diagrams(text: str, markdown: bool) -> list[Diagram]:
    """The journey diagrams of a file: each ```mermaid / ```mermaid-example fence, or the whole text."""
    if not markdown:
        return [Diagram(1, text)]
    found = []
    for token in MarkdownIt("commonmark").parse(text):
        language = token.info.strip().split(maxsplit=1)[0].lower() if token.info.strip() else ""
        if token.type == "fence" and language in FENCE_LANGUAGES and token.map and is_journey(token.content):
            found.append(Diagram(token.map[0] + 2, token.content))
    return found


def looks_like_markdown(path: Path, text: str) -> bool:
    return (
        path.suffix.lower() in (".md", ".markdown")
        or re.search(r"^ {0,3}(```|~~~)\s*mermaid", text, re.MULTILINE) is not None
    )


# YAML: plain scalars only where both of PyYAML's loaders read back the very same text.
_PLAIN = re.compile(r"[^\W\d_][\w .()'/+\-–—«»№]*", re.UNICODE)  # no ',': flow collections
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r", "\x85": "\\N", "\u2028": "\\L",
            "\u2029": "\\P", "\ufeff": "\\uFEFF"}


def yaml_text(text: str) -> str:
    """A YAML scalar for `text`: plain when that is safe, else double-quoted with escapes."""
    if _PLAIN.fullmatch(text) and text == text.strip() and ": " not in text and " #" not in text:
        try:
            if yaml.load(f"k: {text}", Loader=yaml.SafeLoader) == {"k": text}:
                return text
        except yaml.YAMLError:
            pass
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F or 0xD800 <= ord(char) <= 0xDFFF or char in "\ufffe\uffff":
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


def emotion_of(scores: list[float]) -> tuple[int | None, str]:
    """A stage's emotion -2..2 from its tasks' scores, and how it was derived (for the map's comment)."""
    usable = [s for s in scores if math.isfinite(s)]
    if not usable:
        return None, ""
    mean = sum(usable) / len(usable)
    emotion = math.floor(mean + 0.5) - 3
    how = (
        f"the Mermaid score {_number(usable[0])} minus 3"
        if len(usable) == 1
        else f"the Mermaid scores {', '.join(_number(s) for s in usable)}: "
        f"their mean {_number(round(mean, 2))}, rounded, minus 3"
    )
    if not -2 <= emotion <= 2:
        emotion = max(-2, min(2, emotion))
        how += f", limited to {emotion}"
    return emotion, how


def _actor_id(actor: str) -> str:
    return _short(slugify(actor)) or "actor"


def _short(slug: str, limit: int = MAX_NAME_BYTES) -> str:
    while len(slug.encode("utf-8")) > limit:
        slug = slug[:-1]
    return slug.strip("-_")


_UNNAMED_STAGE = {"en": "Stage {}", "ru": "Этап {}"}


def _stage_name(section: Section, number: int, language: str) -> str:
    return section.name.strip() or _UNNAMED_STAGE.get(language, _UNNAMED_STAGE["en"]).format(number)


@dataclass
class _Writer:
    """Builds one map file; `where(line)` names a place of the diagram's file for warnings."""

    file: str
    actors: str
    language: str
    channels: set[str] | None
    result: MapFile
    out: list[str] = field(default_factory=list)

    def where(self, line: int) -> str:
        return f"{self.file}:{line}"

    def warn(self, line: int, message: str) -> None:
        self.result.warnings.append(f"{self.where(line)}: {message}")

    def stage(self, section: Section, number: int, seen: set[str]) -> None:
        name = _stage_name(section, number, self.language)
        if not section.name.strip():
            self.warn(section.line, f"tasks before the first section became the stage '{name}'")
        stage_id = _short(slugify(name), 60) or f"stage-{number}"
        while stage_id in seen:
            stage_id = f"{stage_id}-{number}"
        seen.add(stage_id)
        self.out += [f"  - id: {yaml_text(stage_id)}", f"    name: {yaml_text(name)}"]
        if section.tasks:
            self.out.append("    actions:")
        for task in section.tasks:
            self.action(task)
        if self.actors == "touchpoints":
            self.touchpoints(section)
        self.emotion(section, name)

    def action(self, task: Task) -> None:
        text = task.name.strip() or "-"
        fields = [f"text: {yaml_text(text)}"]
        if math.isfinite(task.score):
            fields.append(f"score: {_number(task.score)}")
            if not 1 <= task.score <= 5:
                reason = " (a blank score: Mermaid reads it as 0)" if task.score_text == "" else ""
                self.warn(task.line, f"task {text!r} has the score {_number(task.score)}{reason}, "
                                     "outside Mermaid's 1..5; kept as it is")
        else:
            reads = "NaN" if math.isnan(task.score) else "an infinite number"
            self.warn(task.line, f"task {text!r} has the score {task.score_text!r}, "
                                 f"which is not a score (Mermaid reads {reads}); the action has no score")
        if task.ignored:
            self.warn(task.line, f"Mermaid ignores the text after the third ':' ({task.ignored!r}); so does cjmgen")
        named = [a for a in task.actors if a]
        if named:
            fields.append("actors: [" + ", ".join(yaml_text(a) for a in named) + "]")
        self.out.append("      - {" + ", ".join(fields) + "}")

    def touchpoints(self, section: Section) -> None:
        stage_actors = list(dict.fromkeys(a for t in section.tasks for a in t.actors if a))
        if stage_actors:
            self.out.append("    touchpoints:")
        for actor in stage_actors:
            channel = _actor_id(actor)
            if self.channels is not None and channel not in self.channels:
                raise MermaidImportError(
                    f"{self.where(section.line)}: the channel catalog has no channel "
                    f"'{channel}' for the actor {actor!r}; add it to channels.yml or use --actors tags"
                )
            self.out.append(f"      - {{channel: {yaml_text(channel)}, name: {yaml_text(actor)}}}")

    def emotion(self, section: Section, name: str) -> None:
        emotion, how = emotion_of([t.score for t in section.tasks])
        if emotion is None:
            return
        self.out.append(f"    emotion: {emotion}   # {how}")
        finite = [t.score for t in section.tasks if math.isfinite(t.score)]
        if "limited" in how:
            self.warn(section.line, f"stage '{name}': {how}")
        elif max(finite) - min(finite) >= 3:
            self.warn(
                section.line,
                f"stage '{name}': its tasks score {', '.join(_number(s) for s in finite)}; "
                f"the emotion {emotion} is their mean and hides the spread (the scores stay on the actions)",
            )


def journey_to_map(journey: Journey, *, file: str, persona: str | None = None, actors: str = DEFAULT_ACTORS,
                   channels: set[str] | None = None, personas: set[str] | None = None,
                   language: str = "en") -> MapFile:
    """The map file for a journey (frontmatter only, status draft) and the warnings of the conversion."""
    result = MapFile(journey, "")
    writer = _Writer(file, actors, language, channels, result)
    map_title = journey.title or journey.acc_title or Path(file).stem or "Imported journey"
    out = writer.out
    out += ["---", f"title: {yaml_text(map_title)}"]
    described = [
        t for t in (journey.acc_title if journey.acc_title != map_title else None, journey.acc_description) if t
    ]
    if described:
        out.append(f"description: {yaml_text(chr(10).join(described))}")
    everyone = journey.actors
    if persona:
        out.append(f"persona: {yaml_text(persona)}")
    elif actors == "personas" and everyone:
        first = _actor_id(everyone[0])
        out.append(f"persona: {yaml_text(first)}   # the diagram's first actor; the others stay on the actions")
        if personas is None or first not in personas:
            result.personas[first] = (
                f"---\nname: {yaml_text(everyone[0])}\n---\nAn actor of the Mermaid journey {yaml_text(map_title)}.\n"
            )
    if actors == "tags" and everyone:
        out.append("tags: [" + ", ".join(yaml_text(a) for a in everyone) + "]   # the diagram's actors")
    out += ["status: draft", "stages:"]
    seen: set[str] = set()
    for number, section in enumerate(journey.sections, 1):
        writer.stage(section, number, seen)
    if not journey.sections:
        out += ["  - id: stage-1", f"    name: {yaml_text(_stage_name(Section('', 0), 1, language))}"]
        writer.warn(journey.line, "the diagram has no sections or tasks; the map has one empty stage")
    out += ["---", "", f"Imported from the Mermaid journey diagram in {Path(file).name} (line {journey.line}).", ""]
    result.text = "\n".join(out)
    return result


def read_journeys(path: Path, display: str) -> list[Journey]:
    """Every journey diagram of a file, parsed; a refusal names file:line and Mermaid's reason."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise MermaidImportError(f"{display}: cannot read it: {exc.strerror}") from None
    text = decode(data, display)
    markdown = looks_like_markdown(path, text)
    found = diagrams(text, markdown)
    if markdown and not found:
        raise MermaidImportError(f"{display}: no ```mermaid fence with a journey diagram")
    journeys = []
    for diagram in found:
        try:
            journeys.append(parse_journey(diagram.text, diagram.line))
        except MermaidError as exc:
            raise MermaidImportError(f"{display}:{exc.line or diagram.line}: {exc}") from None
    return journeys


def file_name(journey: Journey, fallback: str) -> str:
    """A safe file name (no folders, no dot-files, short enough for any file system) from a title."""
    name = _short(slugify(journey.title or journey.acc_title or fallback)) or "journey"
    return f"{name}-map" if is_device_name(name) else name
