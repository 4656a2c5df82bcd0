"""Diagnostics as a person reads them (with the source line and a caret) or as JSON."""

from __future__ import annotations

import html
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cjmgen.diagnostics import Diagnostic, Severity
from cjmgen.paths import resolves_within
from cjmgen.terminal import json_safe, printable

_COLOURS = {"error": "31;1", "warning": "33;1", "info": "36;1", "hint": "36", "dim": "2", "ok": "32;1", "bold": "1"}


@dataclass
class Style:
    """ANSI colour on a terminal only, and never with NO_COLOR (decided by the CLI)."""

    colour: bool = False

    def __call__(self, text: str, role: str) -> str:
        if not self.colour:
            return text
        return f"\x1b[{_COLOURS[role]}m{text}\x1b[0m"


def _source_line(root: Path, path: str, line: int, cache: dict[str, list[str] | None]) -> str | None:
    if path not in cache:
        cache[path] = None
        full = root / path
        # A link out of the repository (repository.report_outside) is not quoted either: its
        # first line could be a line of /etc/passwd, printed into a CI log.
        if os.path.realpath(full) == os.path.abspath(full) or resolves_within(full, [root]):
            try:
                text = full.read_bytes().decode("utf-8-sig", errors="replace")
                cache[path] = text.replace("\r\n", "\n").split("\n")
            except OSError:
                pass
    lines = cache[path]
    if lines is None or not 1 <= line <= len(lines):
        return None
    return lines[line - 1]


def format_text(diagnostics: list[Diagnostic], root: Path, style: Style) -> str:
    """One block per diagnostic: `path:line:col: severity: message [code]`, the line, a caret."""
    cache: dict[str, list[str] | None] = {}
    blocks = []
    for diag in diagnostics:  # map text and file names are shown escaped (cjmgen.terminal)
        where = f"{printable(str(diag.location))}: " if diag.location else ""
        severity = style(diag.severity.value, diag.severity.value)
        lines = [(f"{style(where, 'bold')}{severity}: {printable(diag.message)} "
                  f"{style('[' + printable(diag.code) + ']', 'dim')}")]
        if diag.location:
            source = _source_line(root, diag.location.path, diag.location.line, cache)
            if source is not None:
                number = str(diag.location.line)
                gutter = " " * len(number)
                shown = source.expandtabs(4) if "\t" not in source[: diag.location.column] else source
                caret_at = min(max(diag.location.column - 1, 0), len(shown))
                caret_at = len(printable(shown[:caret_at]))  # escapes widen what comes before the caret
                lines.append(f" {number} | {printable(shown)}")
                lines.append(f" {gutter} | {' ' * caret_at}{style('^', diag.severity.value)}")
        if diag.hint:
            lines.append(f"  {style('hint', 'hint')}: {printable(diag.hint)}")
        blocks.append("\n".join(lines))
    return "\n".join(blocks)


def plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def counts(diagnostics: list[Diagnostic]) -> dict[Severity, int]:
    """How many diagnostics of each severity."""
    found = dict.fromkeys(Severity, 0)
    for diagnostic in diagnostics:
        found[diagnostic.severity] += 1
    return found


def summary(diagnostics: list[Diagnostic], style: Style) -> str:
    """`1 error, 2 warnings in 2 files` (`, 1 info` when `validation:` made any)."""
    found = counts(diagnostics)
    errors, warnings, infos = found[Severity.ERROR], found[Severity.WARNING], found[Severity.INFO]
    files = len({d.location.path for d in diagnostics if d.location and d.severity != Severity.INFO})
    if not errors and not warnings:
        return style("no problems found" + (f" ({plural(infos, 'info', 'infos')})" if infos else ""), "ok")
    text = (f"{plural(errors, 'error', 'errors')}, {plural(warnings, 'warning', 'warnings')} "
            f"in {plural(files, 'file', 'files')}")
    if infos:
        text += f", {plural(infos, 'info', 'infos')}"
    return style(text, "error" if errors else "warning")


def format_json(diagnostics: list[Diagnostic], extra: dict[str, Any] | None = None) -> str:
    found = counts(diagnostics)
    payload = {
        "diagnostics": [d.as_dict() for d in diagnostics],
        "errors": found[Severity.ERROR],
        "warnings": found[Severity.WARNING],
        "infos": found[Severity.INFO],
        **(extra or {}),
    }
    return json_safe(json.dumps(payload, ensure_ascii=False, indent=2))


def format_html(diagnostics: list[Diagnostic], root: Path) -> str:
    """The diagnostics as HTML blocks (the preview's error page): place, message, the line."""
    cache: dict[str, list[str] | None] = {}
    blocks = []
    for diag in diagnostics:
        where = html.escape(str(diag.location)) if diag.location else ""
        source = ""
        if diag.location:
            line = _source_line(root, diag.location.path, diag.location.line, cache)
            if line is not None:
                number = str(diag.location.line)
                caret = " " * max(diag.location.column - 1, 0) + "^"
                source = f"<pre>{number} | {html.escape(line)}\n{' ' * len(number)} | {caret}</pre>"
        hint = f"<div>hint: {html.escape(diag.hint)}</div>" if diag.hint else ""
        blocks.append(
            f"<div class='diag {diag.severity.value}'><span class='where'>{where}</span> "
            f"{diag.severity.value}: {html.escape(diag.message)} "
            f"<span class='code'>[{html.escape(diag.code)}]</span>{source}{hint}</div>"
        )
    return "\n".join(blocks)
