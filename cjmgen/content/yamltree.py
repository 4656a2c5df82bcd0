"""Safe YAML parsing into a tree of values that remember where they came from.

The YAML is composed (never constructed into objects) with the safe loader, the
C implementation when available. Our own walk then turns nodes into plain
values, refusing object-constructing tags and bounding alias expansion, and
keeps each value's source position and original text so that later checks can
point at a line and quoting hints can show what the author wrote.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import yaml

from cjmgen.diagnostics import Diagnostics, SourceLocation

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_constructor = yaml.constructor.SafeConstructor()
_IMPLICIT: dict[str | None, tuple[tuple[str, re.Pattern[str]], ...]] = {
    first: tuple(pairs) for first, pairs in _BaseLoader.yaml_implicit_resolvers.items()}
_STR_TAG, _SEQ_TAG, _MAP_TAG = (
    _BaseLoader.DEFAULT_SCALAR_TAG, _BaseLoader.DEFAULT_SEQUENCE_TAG, _BaseLoader.DEFAULT_MAPPING_TAG,
)


class _FastLoader(_BaseLoader):  # type: ignore[misc,valid-type]  # the C loader where there is one: a value
    """The safe loader with PyYAML's tag resolution in fewer steps: the same tags.

    The C parser calls `resolve` (Python) for every node; the general version
    also handles path resolvers and wildcard implicit resolvers, which the safe
    loader never registers. A third of parsing a large map went there.
    """

    def resolve(self, kind: type[yaml.Node], value: str, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in _IMPLICIT.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return _STR_TAG
        return _SEQ_TAG if kind is yaml.SequenceNode else _MAP_TAG

    def descend_resolver(self, current_node: yaml.Node | None, current_index: object) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


# Only where the assumptions hold (no path or wildcard resolvers registered by anyone).
_Loader = _FastLoader if not _BaseLoader.yaml_path_resolvers and None not in _IMPLICIT else _BaseLoader

#: Upper bound on values produced from one document: far above any real map,
#: low enough that a "billion laughs" alias bomb fails at once.
MAX_VALUES = 100_000

_T = "tag:yaml.org,2002:"
SCALAR_TAGS = {
    _T + "str": "str",
    _T + "int": "int",
    _T + "float": "float",
    _T + "bool": "bool",
    _T + "null": "null",
    _T + "timestamp": "timestamp",
}


@dataclass(slots=True)
class YNode:
    """One YAML value: a scalar, a list of YNode or a dict of str to YNode.

    Slots: a map file makes thousands of these, and parsing is the serial part of a build.
    """

    value: Any
    kind: str  # str | int | float | bool | null | timestamp | seq | map
    loc: SourceLocation
    raw: str | None = None  # the scalar's text as written
    key_loc: SourceLocation | None = None  # where its key stands, in a mapping
    quoted: bool = False

    def plain(self) -> Any:
        """The value with all positions stripped, for tests and JSON."""
        if self.kind == "seq":
            return [item.plain() for item in self.value]
        if self.kind == "map":
            return {k: v.plain() for k, v in self.value.items()}
        return self.value


#: Characters YAML counts as line breaks that a file's lines (and editors) do not: NEL,
#: LINE SEPARATOR, PARAGRAPH SEPARATOR. Each one inside a value used to push every later
#: position a line down; where the text holds one, positions are counted from the index.
_YAML_ONLY_BREAKS = ("\x85", "\u2028", "\u2029")


def _line_starts(text: str) -> list[int] | None:
    """The index at which each `\n`-line of `text` starts; None where YAML's lines are the file's."""
    if not any(char in text for char in _YAML_ONLY_BREAKS):
        return None
    starts = [0]
    found = text.find("\n")
    while found >= 0:
        starts.append(found + 1)
        found = text.find("\n", found + 1)
    return starts


def _position(mark: Any, line_starts: list[int] | None) -> tuple[int, int]:
    """(0-based line, 0-based column) of a YAML mark, in the file's own lines."""
    if line_starts is None:
        return mark.line, mark.column
    line = bisect.bisect_right(line_starts, mark.index) - 1
    return line, mark.index - line_starts[line]


@dataclass
class _Walker:
    path: str
    first_line: int
    diagnostics: Diagnostics
    budget: int = MAX_VALUES
    exhausted: bool = False
    line_starts: list[int] | None = None

    def loc(self, mark: Any) -> SourceLocation:
        if self.line_starts is None:
            return SourceLocation(self.path, mark.line + self.first_line, mark.column + 1)
        line, column = _position(mark, self.line_starts)
        return SourceLocation(self.path, line + self.first_line, column + 1)

    def walk(self, node: yaml.Node, depth: int = 0) -> YNode:
        self.budget -= 1
        loc = self.loc(node.start_mark)
        if self.budget < 0 or depth > 200:
            if not self.exhausted:
                self.exhausted = True
                # Positions inside an alias bomb point at its anchors, not at
                # the culprit: name the document's first line instead.
                self.diagnostics.error(
                    "yaml-too-large",
                    "YAML expands to too many values (aliases nested too deep?)",
                    SourceLocation(self.path, self.first_line, 1),
                    hint=f"a document may hold at most {MAX_VALUES} values",
                )
            return YNode(None, "null", loc)
        if isinstance(node, yaml.MappingNode):
            if not self._check_tag(node, _T + "map", loc):
                return YNode(None, "null", loc)
            return self._mapping(node, loc, depth)
        if isinstance(node, yaml.SequenceNode):
            if not self._check_tag(node, _T + "seq", loc):
                return YNode(None, "null", loc)
            items = []
            for child in node.value:
                items.append(self.walk(child, depth + 1))
                if self.exhausted:
                    break
            return YNode(items, "seq", loc)
        assert isinstance(node, yaml.ScalarNode)  # the third and last kind of node a composer makes
        return self._scalar(node, loc)

    def _check_tag(self, node: yaml.Node, expected: str, loc: SourceLocation) -> bool:
        if node.tag == expected:
            return True
        self.diagnostics.error(
            "yaml-tag",
            f"YAML tag '{node.tag}' is not allowed",
            loc,
            hint="tags that construct objects are refused; write plain values",
        )
        return False

    def _scalar(self, node: yaml.ScalarNode, loc: SourceLocation) -> YNode:
        kind = SCALAR_TAGS.get(node.tag)
        quoted = node.style in ("'", '"', "|", ">")
        if kind is None:
            self._check_tag(node, _T + "str", loc)
            return YNode(None, "null", loc, raw=node.value)
        if kind == "str":
            value: Any = node.value
            if "\x00" in value:  # a YAML "\0": never a NUL byte in a page (the raw text keeps it)
                value = value.replace("\x00", "\ufffd")
        else:
            try:
                value = getattr(_constructor, f"construct_yaml_{kind}")(node)
            except (ValueError, yaml.YAMLError):
                kind, value = "str", node.value
        if isinstance(value, dt.datetime):
            value = value.date() if value.time() == dt.time() else value
        return YNode(value, kind, loc, raw=node.value, quoted=quoted)

    def _mapping(self, node: yaml.MappingNode, loc: SourceLocation, depth: int) -> YNode:
        result: dict[str, YNode] = {}
        merged: dict[str, YNode] = {}
        for key_node, value_node in node.value:
            key_loc = self.loc(key_node.start_mark)
            if key_node.tag == _T + "merge":
                self._merge_into(merged, value_node, depth)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.diagnostics.error("yaml-key", "a mapping key must be plain text", key_loc)
                continue
            key = str(key_node.value)
            value = self.walk(value_node, depth + 1)
            value.key_loc = key_loc
            if key in result:
                first = result[key].key_loc
                self.diagnostics.error(
                    "duplicate-key",
                    f"duplicate key '{key}' (first at line {first.line if first else '?'})",
                    key_loc,
                    hint="YAML would silently keep only the last one",
                )
            result[key] = value
            if self.exhausted:
                break
        for key, value in merged.items():
            result.setdefault(key, value)
        return YNode(result, "map", loc)

    def _merge_into(self, merged: dict[str, YNode], value_node: yaml.Node, depth: int) -> None:
        sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        for source in sources:
            walked = self.walk(source, depth + 1)
            if self.exhausted:
                return  # an alias bomb, reported once already: not also a merge of a non-mapping
            if walked.kind != "map":
                self.diagnostics.error("yaml-merge", "'<<' must merge a mapping", walked.loc)
                continue
            for key, value in walked.value.items():
                merged.setdefault(key, value)


def parse_yaml(
    text: str, path: str, diagnostics: Diagnostics, first_line: int = 1
) -> YNode | None:
    """Parse one YAML document; None (with an error recorded) when it is invalid.

    `first_line` is the file line on which `text` starts, so positions inside a
    frontmatter block point at the right line of the whole file.
    """
    line_starts = _line_starts(text)
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = _position(mark, line_starts) if mark else (0, 0)
        loc = SourceLocation(path, line + first_line, column + 1)
        problem = exc.problem or "not valid YAML"
        context = f" ({exc.context})" if exc.context else ""
        diagnostics.error("yaml-syntax", f"invalid YAML: {problem}{context}", loc)
        return None
    except yaml.reader.ReaderError as exc:  # a character YAML refuses: point at it
        character = exc.character if isinstance(exc.character, str) else chr(exc.character)
        at = text.find(character)  # its first occurrence is the one refused (libyaml counts bytes)
        at = at if at >= 0 else min(exc.position, len(text))
        line = text.count("\n", 0, at)
        column = at - (text.rfind("\n", 0, at) + 1)
        diagnostics.error("yaml-syntax",
                          f"invalid YAML: character U+{ord(character):04X} is not allowed ({exc.reason})",
                          SourceLocation(path, line + first_line, column + 1),
                          hint="remove the control character, or write it as an escape in a double-quoted string")
        return None
    except yaml.YAMLError as exc:
        diagnostics.error("yaml-syntax", f"invalid YAML: {exc}", SourceLocation(path, first_line, 1))
        return None
    if root is None:
        return None
    # A legitimate document has at most a value for every two characters; beyond that only
    # aliases can take a walk (a "billion laughs" bomb is stopped at MAX_VALUES + that).
    walker = _Walker(path, first_line, diagnostics, budget=MAX_VALUES + len(text) // 2, line_starts=line_starts)
    tree = walker.walk(root)
    return None if walker.exhausted else tree  # an alias bomb: refuse the whole file
