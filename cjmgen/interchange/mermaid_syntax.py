"""Read a Mermaid `journey` diagram exactly as Mermaid does.

A port of what `mermaid.render` does to a journey's text: its preprocessing
(line endings, frontmatter, `%%{…}%%` directives, `%%` comment lines, `#…;`
entity codes) and the lexer and grammar of
packages/mermaid/src/diagrams/user-journey/parser/journey.jison, rule for rule
and in the same order, so that cjmgen accepts what Mermaid accepts and reads the
same sections, tasks, scores and actors. Every character keeps the line it came
from, so a refusal names the line of the original file.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field

import yaml

# JavaScript's \s and `.` differ from Python's: spell them out.
JS_SPACE = "\t\n\v\f\r \u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000\ufeff"
_WS = f"[{JS_SPACE}]"
_JS_DOT = "[^\n\r\u2028\u2029]"
MAX_TEXT_SIZE = 50_000  # Mermaid's default maxTextSize: longer text is not drawn


class MermaidError(ValueError):
    """A diagram Mermaid would not draw; `line` is the 1-based line of the source file."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def _ci(word: str) -> str:
    """A keyword matched case-insensitively the way a JavaScript /i regex does (ASCII only)."""
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else re.escape(c) for c in word)


@dataclass
class Task:
    name: str
    score: float  # as JavaScript's Number() reads it: NaN for text, 0 for a blank
    score_text: str
    actors: list[str]
    line: int
    ignored: str = ""  # text after a third colon, which Mermaid drops


@dataclass
class Section:
    name: str
    line: int
    tasks: list[Task] = field(default_factory=list)


@dataclass
class Journey:
    title: str | None = None
    acc_title: str | None = None
    acc_description: str | None = None
    sections: list[Section] = field(default_factory=list)
    line: int = 1  # where the diagram starts in its file
    notes: list[tuple[int, str]] = field(default_factory=list)  # (line, what Mermaid does that a reader may not expect)

    @property
    def actors(self) -> list[str]:
        seen: dict[str, None] = {}
        for section in self.sections:
            for task in section.tasks:
                seen.update(dict.fromkeys(a for a in task.actors if a))
        return list(seen)


class _Tracked:
    """Text whose every character remembers the source line it came from."""

    def __init__(self, text: str, first_line: int) -> None:
        self.text = text
        self.lines: list[int] = []
        line = first_line
        for char in text:
            self.lines.append(line)
            if char == "\n":
                line += 1
        self.end_line = line

    def sub(self, pattern: re.Pattern[str], replace) -> None:  # type: ignore[no-untyped-def]
        """re.sub that carries the line numbers along (a replacement takes its match's first line)."""
        out: list[str] = []
        lines: list[int] = []
        last = 0
        for match in pattern.finditer(self.text):
            out.append(self.text[last:match.start()])
            lines.extend(self.lines[last:match.start()])
            new = replace(match) if callable(replace) else replace
            out.append(new)
            lines.extend([self.line_at(match.start())] * len(new))
            last = match.end()
        out.append(self.text[last:])
        lines.extend(self.lines[last:])
        self.text, self.lines = "".join(out), lines

    def slice_from(self, start: int) -> None:
        self.text, self.lines = self.text[start:], self.lines[start:]

    def line_at(self, position: int) -> int:
        if position < len(self.lines):
            return self.lines[position]
        return self.lines[-1] if self.lines else self.end_line


_DIRECTIVE = re.compile(
    rf"%{{2}}{{{_WS}*(?:([A-Za-z0-9_]+){_WS}*:|([A-Za-z0-9_]+)){_WS}*"
    rf"(?:([A-Za-z0-9_]+)|((?:(?!}}%{{2}}){_JS_DOT}|\r?\n)*))?{_WS}*(?:}}%{{2}})?", re.IGNORECASE)
_COMMENT_LINE = re.compile(rf"^{_WS}*%%(?!{{)[^\n]+\n?", re.MULTILINE)
_STYLE = re.compile(rf"style{_JS_DOT}*:[^{JS_SPACE}]*#{_JS_DOT}*;")
_CLASSDEF = re.compile(rf"classDef{_JS_DOT}*:[^{JS_SPACE}]*#{_JS_DOT}*;")
_ENTITY = re.compile(r"#[A-Za-z0-9_]+;")
_TAG = re.compile(r"<([A-Za-z0-9_]+)([^>]*)>")
_MARKER = re.compile(r"ﬂ°(°?)([A-Za-z0-9_]+)¶ß|ﬂ°°|ﬂ°|¶ß")


def _match_frontmatter(text: str) -> tuple[str, str, int] | None:
    """Mermaid's matchFrontMatter: (indent, body, length) of a leading `---` block, else None."""
    cursor = 0
    while cursor < len(text) and text[cursor] in JS_SPACE and text[cursor] not in "\n\r":
        cursor += 1
    indent = text[:cursor]
    if not text.startswith("---", cursor):
        return None
    opening_ends = []
    i = cursor + 3
    while i < len(text) and text[i] in JS_SPACE:
        if text[i] in "\n\r":
            opening_ends.append(i)
        i += 1
    if not opening_ends:
        return None
    fence = indent + "---"

    def last_break_in_space(start: int) -> int:
        found, j = -1, start
        while j < len(text) and text[j] in JS_SPACE:
            if text[j] in "\n\r":
                found = j
            j += 1
        return found

    def closing_end(at: int) -> int:
        if text[at] in "\n\r" and text.startswith(fence, at + 1):
            return last_break_in_space(at + 1 + len(fence))
        return -1

    candidates = [at for at in range(opening_ends[0] + 1, len(text)) if text[at] in "\n\r" and closing_end(at) != -1]
    if not candidates:
        return None
    last_fence = candidates[-1]
    opening_end = opening_ends[0]
    for candidate in opening_ends:
        if candidate < last_fence:
            opening_end = candidate
    body_start = opening_end + 1
    for at in candidates:
        if at >= body_start:
            return indent, text[body_start:at], closing_end(at) + 1
    return None


def strip_any_comments(text: str) -> str:
    """Mermaid's stripAnyComments (used to detect the diagram type): `%%` to the end of a line goes."""
    out, consumed, search_from = [], 0, 0
    while search_from < len(text):
        marker = text.find("%%", search_from)
        if marker == -1:
            break
        line_end = text.find("\n", marker)
        if line_end == -1:
            break
        start = marker
        while start > consumed and text[start - 1] in JS_SPACE:
            start -= 1
        out.append(text[consumed:start] + "\n")
        consumed = search_from = line_end + 1
    return "".join(out) + text[consumed:]


_JSON_FALSY = re.compile(r"null|false|-?0(\.0*)?([eE][-+]?[0-9]+)?|")


def _frontmatter_title(block: str, line: int) -> str | None:
    """The `title` of a diagram's frontmatter, as js-yaml (JSON schema) and `if (parsed.title)` take it."""
    try:
        node = yaml.compose(block, Loader=yaml.BaseLoader)  # scalars stay text, quoting stays known
    except yaml.YAMLError as exc:
        raise MermaidError(f"the diagram's frontmatter is not valid YAML: {exc}".splitlines()[0], line) from None
    if not isinstance(node, yaml.MappingNode):
        return None
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "title":
            if not isinstance(value, yaml.ScalarNode):
                return None
            if value.style is None and _JSON_FALSY.fullmatch(value.value):
                return None  # null, false, 0 and '' are falsy in JavaScript: no title
            return value.value or None
    return None


def is_journey(text: str) -> bool:
    """Whether Mermaid takes the text for a journey (its type detection, after frontmatter and comments)."""
    text = re.sub(r"\r\n?", "\n", text)
    front = _match_frontmatter(text)
    text = _COMMENT_LINE.sub("", _DIRECTIVE.sub("", text[front[2]:] if front else text)).lstrip(JS_SPACE)
    front = _match_frontmatter(text)
    text = strip_any_comments(_DIRECTIVE.sub("", text[front[2]:] if front else text))
    return re.match(f"{_WS}*journey", text) is not None


def preprocess(text: str, first_line: int = 1) -> tuple[_Tracked, str | None]:
    """What Mermaid does before the parser sees the text; returns it and the frontmatter title."""
    tracked = _Tracked(text, first_line)
    tracked.sub(re.compile(r"\r\n?"), "\n")
    tracked.sub(_TAG, lambda m: "<" + m.group(1) + re.sub(r'="([^"]*)"', r"='\1'", m.group(2)) + ">")
    title = None
    front = _match_frontmatter(tracked.text)
    if front:
        indent, body, length = front
        if indent:
            body = "\n".join(line.removeprefix(indent) for line in body.split("\n"))
        title = _frontmatter_title(body, tracked.line_at(0))
        tracked.slice_from(length)
    tracked.sub(_DIRECTIVE, "")
    tracked.sub(_COMMENT_LINE, "")
    stripped = len(tracked.text) - len(tracked.text.lstrip(JS_SPACE))
    tracked.slice_from(stripped)
    detected = tracked.text
    front = _match_frontmatter(detected)
    detected = strip_any_comments(_DIRECTIVE.sub("", detected[front[2]:] if front else detected))
    if not re.match(f"{_WS}*journey", detected):
        first = detected.strip().split("\n")[0][:40]
        starts = f"it starts with {first!r}" if first else "it is empty"
        raise MermaidError(f"not a journey diagram ({starts}): only journey diagrams can be imported, and Mermaid "
                           "takes a text for one when it starts with 'journey', in lower case, after any frontmatter, "
                           "directives and comments", tracked.line_at(0))
    tracked.sub(_STYLE, lambda m: m.group(0)[:-1])
    tracked.sub(_CLASSDEF, lambda m: m.group(0)[:-1])
    tracked.sub(
        _ENTITY, lambda m: ("ﬂ°°" if re.fullmatch(r"\+?\d+", m.group(0)[1:-1]) else "ﬂ°") + m.group(0)[1:-1] + "¶ß"
    )
    tracked.text += "\n"
    tracked.lines.append(tracked.line_at(len(tracked.lines) - 1))
    return tracked, title


# The lexer rules of journey.jison, in its order (the first rule that matches wins).
_INITIAL = [
    (re.compile(r"%(?!\{)[^\n]*"), None),  # jison's `\%%` compiles to a single '%'

    (re.compile(r"[^}]%%[^\n]*"), None),
    (re.compile(r"\n+"), "NEWLINE"),
    (re.compile(f"{_WS}+"), None),
    (re.compile(r"#[^\n]*"), None),
    (re.compile(_ci("journey") + r"(?![A-Za-z0-9_])"), "journey"),
    (re.compile(_ci("title") + f"{_WS}[^#\n;]+"), "title"),
    (re.compile(_ci("accTitle") + f"{_WS}*:{_WS}*"), "acc_title"),
    (re.compile(_ci("accDescr") + f"{_WS}*:{_WS}*"), "acc_descr"),
    (re.compile(_ci("accDescr") + f"{_WS}*\\{{{_WS}*"), "acc_descr_multiline"),
    (re.compile(_ci("section") + f"{_WS}[^#:\n;]+"), "section"),
    (re.compile(r"[^#:\n;]+"), "taskName"),
    (re.compile(r":[^#\n;]+"), "taskData"),
    (re.compile(r":"), ":"),
    (re.compile(_JS_DOT), "INVALID"),
]
_REST_OF_LINE = re.compile(r"[^\n]*")
_DESCR_END = re.compile(r"\}")
_DESCR_TEXT = re.compile(r"[^}]*")


def tokens(tracked: _Tracked) -> list[tuple[str, str, int]]:
    """(kind, text, line) for every token the jison lexer returns, ending with EOF."""
    text, position, state, out, opened = tracked.text, 0, "INITIAL", [], 0
    done = False
    while True:
        if done:
            out.append(("EOF", "", tracked.line_at(position)))
            return out
        if position >= len(text):
            done = True
        if state == "INITIAL":
            if position >= len(text):
                continue
            for pattern, kind in _INITIAL:  # noqa: B007 - the kind that matched is read after the loop
                match = pattern.match(text, position)
                if match:
                    break
            else:  # pragma: no cover - `.` and `\n+` match every character
                raise MermaidError("Mermaid cannot read this character", tracked.line_at(position))
            if kind == "acc_title" or kind == "acc_descr":
                state = kind
            elif kind == "acc_descr_multiline":
                state, kind, opened = kind, None, position
        elif state in ("acc_title", "acc_descr"):
            if done:
                raise MermaidError(
                    f"'{'accTitle' if state == 'acc_title' else 'accDescr'}:' at the very end has no text",
                    tracked.line_at(position),
                )
            match = _REST_OF_LINE.match(text, position)
            kind, state = f"{state}_value", "INITIAL"
        else:
            if done:
                raise MermaidError("'accDescr {' is never closed with '}'", tracked.line_at(opened))
            match = _DESCR_END.match(text, position)
            if match:
                kind, state = None, "INITIAL"
            else:
                match = _DESCR_TEXT.match(text, position)
                kind = "acc_descr_multiline_value"
        assert match is not None
        if kind:
            out.append((kind, match.group(0), tracked.line_at(position)))
        position = match.end()


_STATEMENT = ("NEWLINE", "title", "acc_title", "acc_descr", "acc_descr_multiline_value", "section", "taskName", "EOF")


def js_number(text: str) -> float:
    """JavaScript's Number(text): blank is 0, anything not a number literal is NaN."""
    value = text.strip(JS_SPACE)
    if value == "":
        return 0.0
    for prefix, base in (("0x", 16), ("0o", 8), ("0b", 2)):
        if value[:2].lower() == prefix:
            try:
                return float(int(value[2:], base)) if value[2:].isalnum() else math.nan
            except ValueError:
                return math.nan
    if re.fullmatch(r"[+-]?Infinity", value):
        return -math.inf if value.startswith("-") else math.inf
    if re.fullmatch(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", value):
        return float(value)
    return math.nan


def visible(text: str) -> str:
    """A label as Mermaid shows it: entity codes (`#35;`) are their characters.

    `<br>` stays text: Mermaid 12.3 shows it as such in a journey's task boxes.
    """

    def entity(match: re.Match[str]) -> str:
        if match.group(2) is None:  # what is left of a marker: Mermaid's decodeEntities makes it '&#', '&', ';'
            return {"ﬂ°°": "&#", "ﬂ°": "&", "¶ß": ";"}[match.group(0)]
        if match.group(1):
            number = int(match.group(2))
            return chr(number) if 0 < number < 0x110000 and not 0xD800 <= number < 0xE000 else f"&#{number};"
        return html.unescape(f"&{match.group(2)};")

    return _MARKER.sub(entity, text)


def _trim(text: str) -> str:
    return text.strip(JS_SPACE)


def parse_journey(text: str, first_line: int = 1) -> Journey:
    """One journey diagram (its text only) read as Mermaid reads it, or MermaidError with the line."""
    if len(text) > MAX_TEXT_SIZE:
        raise MermaidError(f"the diagram has {len(text)} characters; Mermaid draws at most {MAX_TEXT_SIZE}", first_line)
    tracked, front_title = preprocess(text, first_line)
    journey = Journey(title=_trim(visible(front_title)) or None if front_title else None, line=first_line)
    stream = tokens(tracked)
    kind, value, line = stream[0]
    if kind != "journey":
        raise MermaidError(f"Mermaid expects 'journey' here, got {kind!r}", line)
    current: Section | None = None
    index = 1
    while True:
        kind, value, line = stream[index]
        index += 1
        if kind == "EOF":
            break
        if kind == "NEWLINE":
            continue
        if kind == "title":
            journey.title = _trim(visible(value[6:])) or None
        elif kind in ("acc_title", "acc_descr"):
            value = _trim(stream[index][1])
            index += 1
            if kind == "acc_title":
                journey.acc_title = visible(value) or None
            else:
                journey.acc_description = visible(re.sub(f"\n{_WS}+", "\n", value)) or None
        elif kind == "acc_descr_multiline_value":
            journey.acc_description = visible(re.sub(f"\n{_WS}+", "\n", _trim(value))) or journey.acc_description
        elif kind == "section":
            current = Section(visible(value[8:]), line)
            journey.sections.append(current)
        elif kind == "taskName":
            data_kind, data, data_line = stream[index]
            if data_kind == "INVALID":
                raise MermaidError(f"Mermaid cannot read {data!r} here (a name may not hold it)", data_line)
            if data_kind != "taskData":
                got = "the end of the line" if data_kind == "NEWLINE" else repr(data_kind)
                raise MermaidError(f"Mermaid expects ': score' after the task name {_trim(value)!r}, got {got}", line)
            index += 1
            pieces = data[1:].split(":")
            actors = [] if len(pieces) == 1 else [_trim(visible(p)) for p in pieces[1].split(",")]
            if current is None:
                current = Section("", line)
                journey.sections.append(current)
            current.tasks.append(Task(
                visible(value), js_number(pieces[0]), pieces[0].strip(), actors, line,
                ":".join(pieces[2:]).strip() if len(pieces) > 2 else "",
            ))
        else:
            if kind == "INVALID":
                raise MermaidError(f"Mermaid cannot read {value!r} here (a name may not hold it)", line)
            got = {"taskData": "':' without a task name", ":": "':' without a score",
                   "journey": "the keyword 'journey' (a task cannot start with it)"}.get(kind, repr(kind))
            raise MermaidError(f"Mermaid cannot read this line: {got}", line)
    return journey
