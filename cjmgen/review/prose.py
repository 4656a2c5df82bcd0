"""Prose edits as a reviewer reads them: which section changed and the changed words in context.

A map's Markdown body is split into the sections the site shows: a stage's
notes (`## <stage name or id>`), the map's own notes around them, and any
other `##` section. Each section that changed gives one `body-changed` with an
`Excerpt`: the changed words with a few words around them, which every format
marks its own way (`[-old-]{+new+}` in text, strike-through and bold in
Markdown, `<del>`/`<ins>` in HTML). The map's `description` gets the same.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from markupsafe import Markup, escape

from cjmgen.content.markdown import MarkdownRenderer
from cjmgen.content.model import Map, Stage
from cjmgen.review.phrases import Phrase

CONTEXT_WORDS = 6  # words kept on each side of a change
MAX_HUNKS = 3  # changes shown per section; more are summarised as "…"
MAX_RUN = 160  # characters of one removed or inserted run before it is shortened

SAME, DELETED, INSERTED, GAP = "same", "del", "ins", "gap"


class Collector(Protocol):
    def add(self, code: str, phrase: Phrase, *, stage: str | None = None, field: str | None = None,
            old: Any = None, new: Any = None, severity: str | None = None) -> None: ...


def _short(text: str) -> str:
    return text if len(text) <= MAX_RUN else text[: MAX_RUN - 1].rstrip() + "…"


@dataclass(frozen=True)
class Excerpt:
    """The changed words of a text, with context: (kind, text) runs, kind same | del | ins | gap."""

    runs: tuple[tuple[str, str], ...]

    def render(self, language: str = "en") -> str:
        """Plain text, as git's word diff writes it: `[-removed-]{+inserted+}`."""
        marks = {SAME: "{}", DELETED: "[-{}-]", INSERTED: "{{+{}+}}", GAP: "{}"}
        return "".join(marks[kind].format(text) for kind, text in self.runs)

    def markdown(self, escape_text: Any) -> str:
        """Removed words struck through, inserted ones bold; the text itself made inert by `escape_text`."""
        marks = {SAME: "{}", DELETED: "~~{}~~", INSERTED: "**{}**", GAP: "{}"}
        out = []
        previous = SAME
        for kind, text in self.runs:
            inner = escape_text(text)
            if kind == INSERTED and previous == DELETED:
                out.append(" ")
            previous = kind
            if kind in (DELETED, INSERTED):  # Markdown emphasis must not start or end with a space
                lead, core, trail = re.match(r"^(\s*)(.*?)(\s*)$", inner, re.DOTALL).groups()  # type: ignore[union-attr]
                out.append(f"{lead}{marks[kind].format(core)}{trail}" if core else inner)
            else:
                out.append(inner)
        return "".join(out)

    def html(self) -> Markup:
        tags = {DELETED: "del", INSERTED: "ins"}
        out, previous = [], SAME
        for kind, text in self.runs:
            if kind == INSERTED and previous == DELETED:
                out.append(Markup(" "))
            out.append(Markup(f"<{tags[kind]}>{escape(text)}</{tags[kind]}>") if kind in tags else escape(text))
            previous = kind
        return Markup("").join(out)

    @property
    def old(self) -> str:
        return "".join(text for kind, text in self.runs if kind != INSERTED)

    @property
    def new(self) -> str:
        return "".join(text for kind, text in self.runs if kind != DELETED)


_TOKEN = re.compile(r"\s+|[^\s]+")


def excerpt(old: str, new: str) -> Excerpt | None:
    """The word-level difference of two texts (whitespace runs count as one space); None if equal."""
    a = [t if t.strip() else " " for t in _TOKEN.findall(old.strip())]
    b = [t if t.strip() else " " for t in _TOKEN.findall(new.strip())]
    if a == b:
        return None
    codes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    context = CONTEXT_WORDS * 2  # tokens: each word and the space before it
    runs: list[tuple[str, str]] = []
    hunks = 0
    for number, (tag, i1, i2, j1, j2) in enumerate(codes):
        if tag == "equal":
            words = a[i1:i2]
            if number == 0:
                runs += [(GAP, "… ")] * (len(words) > context) + [(SAME, "".join(words[-context:]))]
            elif number == len(codes) - 1:
                runs += [(SAME, "".join(words[:context]))] + [(GAP, " …")] * (len(words) > context)
            elif len(words) > 2 * context:
                runs += [(SAME, "".join(words[:context])), (GAP, " … "), (SAME, "".join(words[-context:]))]
            else:
                runs.append((SAME, "".join(words)))
            continue
        hunks += 1
        if hunks > MAX_HUNKS:
            runs.append((GAP, " …"))
            break
        if i2 > i1:
            runs.append((DELETED, _short("".join(a[i1:i2]))))
        if j2 > j1:
            runs.append((INSERTED, _short("".join(b[j1:j2]))))
    return Excerpt(tuple(run for run in runs if run[1]))


# --- the body's sections -------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    heading: str | None  # None: the text before the first heading
    stage: int | None  # the identity of the stage it attaches to (a key shared by both sides)
    text: str


def sections(journey_map: Map, markdown: MarkdownRenderer, identity: dict[str, int]) -> dict[str | None, Section]:
    """The body cut at its top-level `#`/`##` headings (as MarkdownRenderer.split cuts it), by heading.

    `identity`: stage id -> a key shared by the same stage on both sides.
    """
    lines = journey_map.body.split("\n")
    keys = journey_map.section_keys()
    heading: str | None
    cuts: list[tuple[int, int, str | None, int | None]] = []  # (first line, lines of the heading, heading, stage)
    tokens = markdown.parse(journey_map.body)
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.level == 0 and token.tag in ("h1", "h2") and token.map:
            title = tokens[index + 1].content.strip()
            stage = identity.get(keys[title.casefold()]) if token.tag == "h2" and title.casefold() in keys else None
            cuts.append((token.map[0], token.map[1] - token.map[0], title, stage))
    found: dict[str | None, Section] = {}
    start, heading, stage = 0, None, None
    for line, size, next_heading, next_stage in [*cuts, (len(lines), 0, None, None)]:
        text = "\n".join(lines[start:line]).strip()
        key: str | None = heading.casefold() if heading is not None else None
        if key in found:  # the same heading twice: one section
            text = f"{found[key].text}\n\n{text}".strip()
        if text or heading is not None:
            found[key] = Section(heading, stage, text)
        start, heading, stage = line + size, next_heading, next_stage
    return found


def _paired(before: dict[str | None, Section],
            after: dict[str | None, Section]) -> list[tuple[Section | None, Section | None]]:
    """Sections by heading; a stage's section whose heading changed (the stage was renamed) by its stage."""
    pairs: list[tuple[Section | None, Section | None]] = [(before.get(k), section) for k, section in after.items()]
    lone_old = {s.stage: s for k, s in before.items() if k not in after and s.stage is not None}
    matched: set[int] = set()
    for index, (was, now) in enumerate(pairs):
        if was is None and now is not None and now.stage in lone_old:
            pairs[index] = (lone_old[now.stage], now)
            matched.add(now.stage)
    pairs += [(s, None) for k, s in before.items() if k not in after and s.stage not in matched]
    return pairs


def prose_changes(out: Collector, old: Map, new: Map, pairs: Sequence[tuple[Stage | None, Stage | None]],
                  markdown: MarkdownRenderer) -> None:
    """One `body-changed` per changed section of the body, and the description's words."""
    if old.description != new.description and old.description and new.description:
        found = excerpt(old.description, new.description)
        if found is not None:
            out.add("description-changed", Phrase.of("description-edited", excerpt=found), field="description",
                    old=old.description, new=new.description)
    if old.body.strip() == new.body.strip():
        return
    old_identity = {b.id: n for n, (b, _) in enumerate(pairs) if b is not None}
    new_identity = {a.id: n for n, (_, a) in enumerate(pairs) if a is not None}
    stage_of = {n: (a or b) for n, (b, a) in enumerate(pairs)}
    for was, now in _paired(sections(old, markdown, old_identity), sections(new, markdown, new_identity)):
        found = excerpt(was.text if was else "", now.text if now else "")
        if found is None:
            continue
        shown = now or was
        assert shown is not None
        stage = stage_of.get(shown.stage) if shown.stage is not None else None
        if stage is not None:
            where = Phrase.of("prose.stage", stage=stage.name)
        elif shown.heading is not None:
            where = Phrase.of("prose.section", title=shown.heading)
        else:
            where = Phrase("prose.map")
        out.add("body-changed", Phrase.of("body-edited", where=where, excerpt=found),
                stage=stage.id if stage is not None else None, field="body", old=found.old, new=found.new)
