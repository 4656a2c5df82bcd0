"""Read a content file: decode UTF-8, split the YAML frontmatter from the body."""

from __future__ import annotations

from dataclasses import dataclass

from cjmgen.content.yamltree import YNode, parse_yaml
from cjmgen.diagnostics import Diagnostics, SourceLocation

_FENCE = "---"


@dataclass(frozen=True)
class SourceFile:
    """A content file split into its parsed frontmatter and its Markdown body."""

    path: str
    frontmatter: YNode | None
    body: str
    body_first_line: int


def decode(data: bytes, path: str, diagnostics: Diagnostics) -> str | None:
    """Decode UTF-8 (a BOM is dropped); an error points at the first bad byte."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        diagnostics.error(
            "encoding",
            f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
            SourceLocation(path, line, column),
            hint="save the file as UTF-8",
        )
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split(
    text: str, path: str, diagnostics: Diagnostics, required: bool = True
) -> SourceFile | None:
    """Split `---` YAML `---` from the body and parse the YAML."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != _FENCE:
        if required:
            diagnostics.error(
                "frontmatter-missing",
                "file does not start with a '---' frontmatter block",
                SourceLocation(path, 1, 1),
                hint="begin the file with a line '---', the YAML fields, then '---'",
            )
            return None
        return SourceFile(path, None, text, 1)
    for index in range(1, len(lines)):
        if lines[index].rstrip() in (_FENCE, "..."):
            yaml_text = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1 :]).replace("\x00", "\ufffd")  # no NUL byte reaches a page
            node = parse_yaml(yaml_text, path, diagnostics, first_line=2)
            if node is None and yaml_text.strip():
                return None  # a syntax error, already reported
            if node is not None and node.kind != "map":
                diagnostics.error(
                    "frontmatter-not-mapping",
                    f"frontmatter must be a mapping of fields, not a {_kind_name(node.kind)}",
                    node.loc,
                )
                return None
            return SourceFile(path, node, body, index + 2)
    diagnostics.error(
        "frontmatter-unclosed",
        "frontmatter block is not closed",
        SourceLocation(path, 1, 1),
        hint="add a line '---' after the last YAML field",
    )
    return None


def _kind_name(kind: str) -> str:
    return {"seq": "list", "str": "text"}.get(kind, kind)
