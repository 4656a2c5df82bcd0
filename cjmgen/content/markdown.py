"""The one configured Markdown renderer, and the stage sections of a map's body.

Policy, chosen here once: raw HTML in Markdown is not passed through (it is
shown as text), link targets that markdown-it-py considers unsafe
(`javascript:`, `vbscript:`, `file:`, non-image `data:`) are dropped, tables and
strikethrough are on. Local links and images go through a resolver that the
caller supplies, so that asset paths and links between maps become page URLs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from cjmgen.content.figures import keep_together
from cjmgen.site.urls import slugify


class UrlResolver(Protocol):
    def __call__(self, url: str, kind: str, /) -> str | None:
        """Return the URL to write for a link (kind 'link') or image ('image'), None to drop."""


@dataclass(frozen=True)
class Reference:
    """A link or image target written in a body, with its line in the file."""

    kind: str  # link | image
    target: str
    line: int  # 1-based, relative to the body
    column: int


@dataclass(frozen=True)
class Body:
    """A body split at the second-level headings that name stages."""

    intro: tuple[Token, ...]
    sections: dict[str, tuple[Token, ...]]  # stage id -> tokens (heading excluded)


def _make_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("image", _render_image)
    md.core.ruler.push("keep_figures_together", _keep_figures_together)
    return md


def _keep_figures_together(state: StateCore) -> None:
    """No-break spaces inside figures of the prose (`до 60 000 ₽`, `5 %`), as in item texts:
    on text tokens only, so code spans, link targets and markup stay as written."""
    for block in state.tokens:
        if block.type == "inline" and block.children:
            for child in block.children:
                if child.type == "text":
                    child.content = keep_together(child.content)


def _private_copy(token: Token) -> Token:
    """A copy whose attributes can change: parsed tokens are cached and shared."""
    copy = token.copy()
    copy.attrs = dict(token.attrs)
    return copy


def _render_link_open(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    token = _private_copy(tokens[idx])
    resolver: UrlResolver | None = env.get("resolve")
    href = token.attrGet("href")
    if resolver is not None and isinstance(href, str):
        new = resolver(href, "link")
        if new is None:
            token.attrs.pop("href", None)
        else:
            token.attrSet("href", new)
    return self.renderToken([token], 0, options, env)


def _render_image(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    token = _private_copy(tokens[idx])
    resolver: UrlResolver | None = env.get("resolve")
    src = token.attrGet("src")
    if resolver is not None and isinstance(src, str):
        new = resolver(src, "image")
        if new is None:
            alt = self.renderInlineAsText(token.children or [], options, env)
            return f'<span class="missing-image">[{_escape(alt)}]</span>'
        token.attrSet("src", new)
    token.attrSet("loading", "lazy")
    return self.image([token], 0, options, env)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


#: Parsed bodies kept: enough for the pages `serve` re-renders after a save. Tokens are
#: large (about 120 KB a map body); keeping every body's made 5,000 maps cost 600 MB more.
TOKEN_CACHE = 256
#: What a CLI build keeps: it parses each body twice in a row (its links are checked, then
#: its page is rendered) and never again. 256 bodies' tokens were some 180,000 objects
#: that every full pass of the garbage collector walked while pages rendered (measured
#: with gc.callbacks; figures in docs/benchmarks.md).
BUILD_TOKEN_CACHE = 8
#: Link and image targets kept per body text: small, and every check (every save in
#: `serve`) asks for all of them.
REFERENCE_CACHE = 1 << 16


def section_stage(heading: str, stage_keys: dict[str, str]) -> str | None:
    """The stage a `## heading` names: by name or id, casefolded, or by its slug (so that
    `## Поиск и оценка` still finds the stage renamed with `id: поиск-и-оценка`)."""
    title = heading.strip().casefold()
    return stage_keys.get(title) or stage_keys.get(slugify(title))


class MarkdownRenderer:
    """Parses once per distinct text (cached) and renders token runs to HTML."""

    def __init__(self, token_cache: int = TOKEN_CACHE) -> None:
        self._md = _make_parser()
        self.parse = lru_cache(maxsize=token_cache)(self._parse)
        self._references = lru_cache(maxsize=REFERENCE_CACHE)(self._find_references)

    def _parse(self, text: str) -> tuple[Token, ...]:
        return tuple(self._md.parse(text))

    def render(self, tokens: tuple[Token, ...] | list[Token], resolve: UrlResolver | None = None) -> str:
        env: dict[str, Any] = {"resolve": resolve} if resolve else {}
        rendered: str = self._md.renderer.render(list(tokens), self._md.options, env)
        return rendered

    def split(self, text: str, stage_keys: dict[str, str]) -> Body:
        """Attach each `## <stage name or id>` section to its stage.

        `stage_keys` maps the casefolded name and id of every stage to its id.
        Headings that name no stage stay in the text around them.
        """
        tokens = self.parse(text)
        intro: list[Token] = []
        sections: dict[str, list[Token]] = {}
        current: list[Token] = intro
        index = 0
        while index < len(tokens):
            token = tokens[index]
            if token.type == "heading_open" and token.level == 0 and token.tag in ("h1", "h2"):
                stage_id = section_stage(tokens[index + 1].content, stage_keys)
                if token.tag == "h2" and stage_id is not None:
                    current = sections.setdefault(stage_id, [])
                    index += 3  # heading_open, inline, heading_close
                    continue
                current = intro  # another heading ends the stage's section
            current.append(token)
            index += 1
        return Body(tuple(intro), {k: tuple(v) for k, v in sections.items()})

    def section_headings(self, text: str) -> list[tuple[str, int]]:
        """Every top-level `## heading` of `text` with its line (1-based): the candidates
        for a stage's notes."""
        tokens = self.parse(text)
        return [
            (tokens[i + 1].content.strip(), (token.map[0] if token.map else 0) + 1)
            for i, token in enumerate(tokens)
            if token.type == "heading_open" and token.level == 0 and token.tag == "h2"
        ]

    def references(self, text: str) -> list[Reference]:
        """Every link and image target in `text`, with line and column."""
        return list(self._references(text))

    def _find_references(self, text: str) -> tuple[Reference, ...]:
        lines = text.split("\n")
        found = []
        for block in self.parse(text):
            if block.type != "inline" or not block.children:
                continue
            start = block.map[0] if block.map else 0
            end = block.map[1] if block.map else len(lines)
            finder = _TargetFinder(lines, start, end)
            for child in _walk(block.children):
                kind = "image" if child.type == "image" else "link" if child.type == "link_open" else None
                if kind is None:
                    continue
                target = child.attrGet("src" if kind == "image" else "href")
                if not isinstance(target, str):
                    continue
                line, column = finder.find(target)
                found.append(Reference(kind, target, line, column))
        return tuple(found)


def _walk(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


class _TargetFinder:
    """Where each link target of one paragraph is written, in the order markdown-it lists them.

    Searching each target from the paragraph's start found an earlier link to the
    same file, or a longer target that contains it (`a.md` inside `data.md`). A
    target is looked for as a destination (after `(` or `<`, before `)`, `>`, a
    space or a quote), from just after the previous one; as written or as
    markdown-it percent-encoded it. Reference definitions elsewhere fall back
    to the first occurrence, then to the paragraph's first line.
    """

    def __init__(self, lines: list[str], start: int, end: int) -> None:
        self.start = start
        self.text = "\n".join(lines[start:min(end, len(lines))])
        self.cursor = 0

    def find(self, target: str) -> tuple[int, int]:
        forms = dict.fromkeys((target, unquote(target)))
        for begin in (self.cursor, 0):
            for form in forms:
                match = re.compile(r"[(<]\s*<?(" + re.escape(form) + r")(?=[\s)>\"']|$)").search(self.text, begin)
                if match:
                    if begin == self.cursor:
                        self.cursor = match.end(1)
                    return self._position(match.start(1))
        for form in forms:
            at = self.text.find(form)
            if at >= 0:
                return self._position(at)
        return self.start + 1, 1

    def _position(self, offset: int) -> tuple[int, int]:
        line_start = self.text.rfind("\n", 0, offset) + 1
        return self.start + self.text.count("\n", 0, offset) + 1, offset - line_start + 1


def is_local(url: str) -> bool:
    """A path into the repository: no scheme (http:, data:, mailto:...), not a bare #anchor."""
    stripped = url.strip()
    return bool(stripped) and not stripped.startswith(("#", "//")) and ":" not in stripped.split("/")[0]


def is_external(url: str) -> bool:
    lowered = url.strip().lower()
    return lowered.startswith(("http:", "https:", "//", "ftp:", "mailto:", "tel:"))

