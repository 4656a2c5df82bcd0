"""What `cjmgen check` will say after the change that it did not say before, as changes of the diff.

A change can break what it does not touch: a map moved to another folder
leaves every map that names it in `related` with a dangling reference, and
`check` (and so CI and the build) fails. The honest way to tell a reviewer is
to run the repository's checks on both sides and report the diagnostics that
are new in the head, each in the map it is about, with the severity `check`
gives it (after the `validation:` levels): a new error is an error of the diff.
Every check cjmgen has, and every one added later, is covered this way.

A check of an unchanged file can only say something new when it names what
the change touched, so only the changed files and the unchanged ones that
contain one of the touched ids are parsed (once: both sides share them);
every other map is known by its path's id. Body links of unchanged maps are
not checked. The cost follows the change, not the repository.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping

from cjmgen.checks.hierarchy import report_cycles
from cjmgen.checks.levels import apply_levels
from cjmgen.checks.rules import MapFact, RepositoryChecker, report_duplicates
from cjmgen.config import SiteConfig
from cjmgen.content.datafiles import is_data_path
from cjmgen.content.markdown import MarkdownRenderer
from cjmgen.content.model import Map
from cjmgen.content.repository import ParsedFile, classify, parse_file, parse_repository
from cjmgen.diagnostics import Diagnostic, Diagnostics, Severity, SourceLocation
from cjmgen.review.consequences import stage_headings
from cjmgen.review.diff import ERROR, INFO, WARNING, Change, MapDiff, RepoDiff
from cjmgen.review.phrases import Phrase

_SEVERITY = {Severity.ERROR: ERROR, Severity.WARNING: WARNING}
_MISSING_MAP = re.compile(r"unknown (?:related|current-state) map '([^']+)'")

Key = tuple[str, str, str, str]  # (path at the head, code, severity, message)


class _Parser:
    """parse_file, once per (path, bytes): the two sides share every file that did not change."""

    def __init__(self) -> None:
        self.parsed: dict[tuple[str, bytes], ParsedFile | None] = {}

    def __call__(self, path: str, data: bytes, config: SiteConfig) -> ParsedFile | None:
        key = (path, data)
        if key not in self.parsed:
            self.parsed[key] = parse_file(path, data, config)
        return self.parsed[key]


def _check(config: SiteConfig, sources: Mapping[str, bytes], parse: _Parser, changed: set[str], wanted: set[str],
           as_of: dt.date, markdown: MarkdownRenderer) -> tuple[list[Diagnostic], dict[str, Map]]:
    """The diagnostics `cjmgen check` gives one side, and its parsed maps by path.

    Only the files in `wanted` (and every persona and the catalog) are parsed; every
    other map is known by the id its path gives it, which is the same on both sides,
    so whatever is said about it is said on both and cancels out.
    """
    diagnostics = Diagnostics()
    chosen = {p: d for p, d in sources.items() if p in wanted or (classify(p, config) or ("map",))[0] != "map"}
    repo = parse_repository(config, chosen, diagnostics, parse, keep_sources=False)
    facts = {m.path: MapFact.of(m) for m in repo.maps}
    for path in sources:
        kind = classify(path, config)
        if path not in facts and kind is not None and kind[0] == "map":
            facts[path] = MapFact(kind[1], path, "current", SourceLocation(path))
    ordered = sorted(facts.values(), key=lambda f: (f.id, f.path))
    first = report_duplicates(ordered, diagnostics)
    report_cycles(ordered, config.content_dir, diagnostics)  # among the parsed maps: the others' details are unknown
    checker = RepositoryChecker(repo, diagnostics, as_of, markdown, bodies_later=lambda m: m.path not in changed,
                                known=first, fork=False)
    checker.check_maps()
    checker.check_personas()
    return apply_levels(diagnostics.items, dict(config.validation)), {m.path: m for m in repo.maps}


_FRONTMATTER_ID = re.compile(rb"\A---\r?\n(?:(?!---).*\r?\n)*?id\s*:", re.MULTILINE)


def _wanted(config: SiteConfig, old: Mapping[str, bytes], new: Mapping[str, bytes], changed: set[str],
            parse: _Parser) -> set[str]:
    """The files whose checks can differ between the sides: the changed ones, and the unchanged
    ones that name something the change touched (a map, persona or channel id), that set their
    own id, or that a changed map names as its current-state map (its state matters)."""
    needles: set[bytes] = set()
    named: set[str] = set()
    catalogs: list[set[str]] = []
    for path in changed:
        kind = classify(path, config)
        if kind is not None and kind[1]:
            needles.add(kind[1].rsplit("/", 1)[-1].encode())
        elif kind is None and is_data_path(path):  # the maps that list a data file report its problems
            needles.add(path.rsplit("/", 1)[-1].encode())
    for sources in (old, new):
        for path in changed:
            data = sources.get(path)
            parsed = parse(path, data, config) if data is not None else None
            if parsed is None:
                continue
            value = parsed.value
            if isinstance(value, Map):
                needles.add(value.id.rsplit("/", 1)[-1].encode())
                named |= {value.current} if value.current else set()
            elif parsed.kind == "channels":
                catalogs.append(set(value) if isinstance(value, dict) else set())
    if len(catalogs) == 1:  # a catalog appeared or went: every touchpoint is checked differently
        return set(new) | set(old)
    if catalogs:  # the channels added or removed (a renamed channel is the same id)
        needles |= {key.encode() for key in set[str]().union(*catalogs) - catalogs[0].intersection(*catalogs[1:])}
    wanted = set(changed)
    for path, data in new.items():
        if path in wanted or old.get(path) != data:
            continue
        kind = classify(path, config)
        if kind is None or kind[0] != "map":
            continue
        if kind[1] in named or any(n in data for n in needles) or _FRONTMATTER_ID.match(data):
            wanted.add(path)
    return wanted


def _key(diagnostic: Diagnostic, path: str) -> Key:
    return (path, diagnostic.code, diagnostic.severity.value, diagnostic.message)


def check_changes(diff: RepoDiff, config: SiteConfig, old: Mapping[str, bytes], new: Mapping[str, bytes],
                  as_of: dt.date) -> RepoDiff:
    """`diff` with what `check` newly reports (`check-error`, `check-warning`) and no longer reports
    (`check-fixed`); `old`/`new` are every content file of each side."""
    parse, markdown = _Parser(), MarkdownRenderer()
    changed = {p for p in old.keys() | new.keys() if old.get(p) != new.get(p)}
    wanted = _wanted(config, old, new, changed, parse)
    old_found, _ = _check(config, old, parse, changed, wanted, as_of, markdown)
    new_found, new_maps = _check(config, new, parse, changed, wanted, as_of, markdown)
    to_head = {m.old_path: m.new_path for m in diff.maps if m.old_path and m.new_path}
    broken = {p for m in diff.maps for c in m.changes if c.code == "parse-error"
              for p in (m.old_path, m.new_path) if p}
    detached = _detached_lines(diff, markdown)

    def keyed(found: list[Diagnostic], head_paths: Mapping[str, str]) -> dict[Key, Diagnostic]:
        out: dict[Key, Diagnostic] = {}
        for diagnostic in found:
            if diagnostic.location is None or diagnostic.severity == Severity.INFO:
                continue
            path = head_paths.get(diagnostic.location.path, diagnostic.location.path)
            if diagnostic.location.path in broken or path in broken:
                continue  # a file that does not parse on one side: the diff says so (parse-error)
            out.setdefault(_key(diagnostic, path), diagnostic)
        return out

    before, after = keyed(old_found, to_head), keyed(new_found, {})
    appeared, gone = _compared(before, after)
    entries = {where: m for m in diff.maps if (where := m.new_path or m.old_path)}
    added: dict[str, list[Change]] = {}
    other: list[Change] = []
    for key, diagnostic in appeared:
        if diagnostic.location is not None and (key[0], diagnostic.location.line) in detached:
            continue
        change = _new_problem(diagnostic, diff, entries, new_maps)
        (added.setdefault(key[0], []) if key[0] in entries or key[0] in new_maps else other).append(change)
    for key, diagnostic in gone:
        if key[0] not in new_maps:
            continue  # a removed map's problems went with it
        change = Change("check-fixed", INFO, _map_id(key[0], entries, new_maps), None, diagnostic.code,
                        str(diagnostic.location), None,
                        Phrase.of("check-fixed", where=str(diagnostic.location), message=diagnostic.message,
                                  code=diagnostic.code))
        added.setdefault(key[0], []).append(change)
    if not added and not other:
        return diff
    maps = {m.id: m for m in diff.maps}
    for path, changes in added.items():
        entry = entries.get(path)
        if entry is None:
            journey_map = new_maps[path]
            entry = MapDiff(journey_map.id, journey_map.title, "affected", path, path,
                            journey_map, journey_map, ())
        maps[entry.id] = dataclasses.replace(entry, changes=(*entry.changes, *changes))
    return dataclasses.replace(diff, maps=tuple(sorted(maps.values(), key=lambda m: m.id)),
                               other=(*diff.other, *other))


def _compared(before: Mapping[Key, Diagnostic], after: Mapping[Key, Diagnostic]
              ) -> tuple[list[tuple[Key, Diagnostic]], list[tuple[Key, Diagnostic]]]:
    """(new in the head, gone from the base). An error is new when its message is; warnings of one
    code in one file count only when there are more (or fewer) of them: a stage that gained a goal
    but still has no owner changes the words of its `stage-incomplete`, not the problem."""
    appeared = [(k, d) for k, d in sorted(after.items()) if k not in before]
    gone = [(k, d) for k, d in sorted(before.items()) if k not in after]

    def count(found: Mapping[Key, Diagnostic]) -> dict[tuple[str, str], int]:
        counts: dict[tuple[str, str], int] = {}
        for key in found:
            if key[2] == WARNING:
                counts[key[:2]] = counts.get(key[:2], 0) + 1
        return counts

    was, now = count(before), count(after)
    appeared = [(k, d) for k, d in appeared if k[2] != WARNING or now.get(k[:2], 0) > was.get(k[:2], 0)]
    gone = [(k, d) for k, d in gone if k[2] != WARNING or was.get(k[:2], 0) > now.get(k[:2], 0)]
    return appeared, gone


def _map_id(path: str, entries: Mapping[str, MapDiff], maps: Mapping[str, object]) -> str | None:
    if path in entries:
        return entries[path].id
    found = maps.get(path)
    return found.id if found is not None else None  # type: ignore[attr-defined]


def _new_problem(diagnostic: Diagnostic, diff: RepoDiff, entries: Mapping[str, MapDiff],
                 maps: Mapping[str, object]) -> Change:
    """A diagnostic new in the head; for a reference to a map this change moved, where it went."""
    why: Phrase | str = ""
    missing = _MISSING_MAP.search(diagnostic.message)
    if missing:
        moved = next((m for m in diff.maps if m.status == "renamed" and m.old is not None and m.new is not None
                      and m.old.id == missing.group(1) and m.new.id != m.old.id), None)
        if moved is not None:
            why = Phrase.of("check.moved", title=moved.title, new_id=moved.id)
        elif any(m.status == "removed" and m.old is not None and m.old.id == missing.group(1) for m in diff.maps):
            why = Phrase("check.removed")
    severity = _SEVERITY[diagnostic.severity]
    path = diagnostic.location.path if diagnostic.location else ""
    return Change(f"check-{severity}", severity, _map_id(path, entries, maps), None, diagnostic.code, None,
                  str(diagnostic.location),
                  Phrase.of("check-new", where=str(diagnostic.location), message=diagnostic.message,
                            code=diagnostic.code, why=why))


def _detached_lines(diff: RepoDiff, markdown: MarkdownRenderer) -> set[tuple[str, int]]:
    """(path, line) of the headings the diff already reports as `notes-detached`: a check that says
    the same thing about that heading is not repeated."""
    lines = set()
    for entry in diff.maps:
        reported = {dict(c.said.args).get("heading") for c in entry.changes
                    if c.code == "notes-detached" and isinstance(c.said, Phrase)}
        if reported and entry.new is not None:
            lines |= {(entry.new.path, h.line) for h in stage_headings(entry.new, markdown) if h.text in reported}
    return lines
