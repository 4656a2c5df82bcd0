"""Per-code diagnostic levels (`validation:` in cjmgen.yml), as Sphinx's suppress_warnings
and MkDocs' `validation:`: a team raises, lowers or silences a stable code.

Every stable code is listed here with its default level; docs/format.md's table of
diagnostics shows the same list (a test keeps both in step). Codes whose default is
`error` describe input the site cannot be built correctly from (a map that does not
parse, a reference to nothing, a path out of the repository): they can not be lowered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from cjmgen.diagnostics import Diagnostic, Severity

LEVELS = ("ignore", "info", "warning", "error")

#: Every stable diagnostic code and its default level.
DEFAULT_LEVELS: dict[str, str] = {
    **dict.fromkeys((
        "encoding", "frontmatter-missing", "frontmatter-unclosed", "frontmatter-not-mapping",
        "frontmatter-empty", "yaml-syntax", "yaml-tag", "yaml-too-large", "yaml-key", "yaml-merge",
        "duplicate-key", "missing-field", "type", "value", "emotion-range", "persona-ref", "map-ref",
        "stage-ref", "channel-ref", "duplicate-stage", "duplicate-map", "asset-path",
        "outside-repository", "unreadable", "file-too-large", "config", "content-dir", "output", "theme", "compare",
        "pdf",
        "asset-hidden", "asset-active", "map-id", "persona-id", "content-outside", "catalog", "emotion-scale",
        "opportunity-kpi", "duplicate-opportunity", "ticket-url",
        "phase", "hierarchy-cycle",
        "source-url",
    ), "error"),
    **dict.fromkeys((
        "unknown-key", "yaml-implicit-type", "stage-incomplete", "conversion-mismatch", "count-grows",
        "stale", "current-ref", "external-resource", "asset-missing", "pdf-resource", "kpi-no-status",
        "kpi-value-split", "notes-unmatched", "case-clash", "reserved-name", "catalog-key", "catalog-missing",
        "exits-exceed", "source-unused", "source-unknown", "detail-draft",
    ), "warning"),
    # measured KPIs (checks.measured, content.datafiles)
    **dict.fromkeys((
        "data-file", "data-columns", "data-row", "data-json", "data-period", "data-value", "data-duplicate",
        "data-outside", "data-missing", "data-stage", "data-kpi", "data-map", "kpi-id",
    ), "error"),
    **dict.fromkeys(("kpi-id-clash", "data-unused", "data-stale", "data-not-listed", "data-unlisted"), "warning"),
}

_SEVERITY = {"info": Severity.INFO, "warning": Severity.WARNING, "error": Severity.ERROR}


def lowers_an_error(code: str, level: str) -> bool:
    """True when `level` would let through input the site cannot be built from."""
    return DEFAULT_LEVELS.get(code) == "error" and level != "error"


def apply_levels(diagnostics: Iterable[Diagnostic], levels: Mapping[str, str]) -> list[Diagnostic]:
    """The diagnostics with each code at its configured level; `ignore`d ones left out."""
    if not levels:
        return list(diagnostics)
    out = []
    for diagnostic in diagnostics:
        level = levels.get(diagnostic.code)
        if level is None or lowers_an_error(diagnostic.code, level):
            out.append(diagnostic)
        elif level != "ignore":
            severity = _SEVERITY[level]
            out.append(diagnostic if diagnostic.severity == severity else
                       Diagnostic(severity, diagnostic.code, diagnostic.message, diagnostic.location, diagnostic.hint))
    return out


def blocks(diagnostics: Iterable[Diagnostic], strict: bool) -> bool:
    """Whether these diagnostics stop a build: any error, or with strict any warning (never an info)."""
    return any(d.severity == Severity.ERROR or (strict and d.severity == Severity.WARNING) for d in diagnostics)
