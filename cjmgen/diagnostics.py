"""Diagnostics: located problems collected through the whole run, reported once."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, NamedTuple


class Severity(str, Enum):  # noqa: UP042 - StrEnum would change str() and format() of a severity
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"  # only through `validation:` in cjmgen.yml (levels.py): shown, never fails a run


_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


class SourceLocation(NamedTuple):
    """A position in a file of the repository: 1-based line and column.

    A named tuple, not a dataclass: parsing makes one for every YAML value and key,
    and a tuple is made in half the time (parsing is the serial part of a build).
    Ordered and compared as (path, line, column).
    """

    path: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"

    def __reduce__(self) -> tuple[Any, ...]:
        # Unpickled by a C function, not the named tuple's Python __new__: a map holds hundreds
        # of locations, so this speeds loading the parse cache (figures: docs/benchmarks.md).
        return (tuple.__new__, (SourceLocation, tuple(self)))


@dataclass(frozen=True)
class Diagnostic:
    severity: Severity
    code: str
    message: str
    location: SourceLocation | None = None
    hint: str | None = None

    def sort_key(self) -> tuple[str, int, int, int, str]:
        loc = self.location or SourceLocation("")
        return (loc.path, loc.line, loc.column, _RANK[self.severity], self.code)

    def as_dict(self) -> dict[str, Any]:
        loc = self.location
        return {
            "path": loc.path if loc else None,
            "line": loc.line if loc else None,
            "column": loc.column if loc else None,
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Diagnostic:
        """The inverse of `as_dict` (a stored build record back to diagnostics)."""
        location = SourceLocation(data["path"], data["line"], data["column"]) if data["path"] is not None else None
        return cls(Severity(data["severity"]), data["code"], data["message"], location, data["hint"])


@dataclass
class Diagnostics:
    """The collector every stage of the pipeline appends to."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(
        self, code: str, message: str, location: SourceLocation | None = None,
        hint: str | None = None,
    ) -> None:
        self.items.append(Diagnostic(Severity.ERROR, code, message, location, hint))

    def warning(
        self, code: str, message: str, location: SourceLocation | None = None,
        hint: str | None = None,
    ) -> None:
        self.items.append(Diagnostic(Severity.WARNING, code, message, location, hint))

    def extend(self, other: Diagnostics | list[Diagnostic]) -> None:
        self.items.extend(other.items if isinstance(other, Diagnostics) else other)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == Severity.WARNING]

    @property
    def has_errors(self) -> bool:
        return any(d.severity == Severity.ERROR for d in self.items)

    def sorted(self) -> list[Diagnostic]:
        """Every diagnostic once, ordered by file, line and column."""
        unique = list(dict.fromkeys(self.items))
        return sorted(unique, key=Diagnostic.sort_key)
