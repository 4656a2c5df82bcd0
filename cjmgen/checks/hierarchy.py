"""Checks of the hierarchy of maps (`detail:` on a stage) across the repository.

They run on each map's facts (checks.rules.MapFact), so the parallel check runs them
in its parent process like the duplicate-id check: a cycle spans files that
different processes parsed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cjmgen.analysis.hierarchy import target_of
from cjmgen.diagnostics import Diagnostics, SourceLocation

if TYPE_CHECKING:
    from cjmgen.checks.rules import MapFact


@dataclass(frozen=True)
class DetailLink:
    """A stage's `detail:` as the checks need it."""

    stage: str  # the stage's name
    target: str  # as written
    location: SourceLocation | None


def find_target(value: str, content_dir: str, by_id: Mapping[str, MapFact],
                by_path: Mapping[str, MapFact]) -> MapFact | None:
    """The map a `detail:` value names, as analysis.hierarchy resolves it."""
    map_id, path = target_of(value, content_dir)
    found = by_path.get(path) if path else None
    return found or by_id.get(map_id) or by_id.get(value.strip())


@dataclass(frozen=True)
class _Step:
    source: MapFact
    link: DetailLink
    target: MapFact


def report_cycles(facts: Sequence[MapFact], content_dir: str, diagnostics: Diagnostics) -> None:
    """A map that is its own detail, or the detail of a map below it: one error per
    cycle, at the `detail` of its first map by id, naming every file of the cycle."""
    by_id: dict[str, MapFact] = {}
    by_path: dict[str, MapFact] = {}
    for fact in facts:
        by_id.setdefault(fact.id, fact)
        by_path.setdefault(fact.path, fact)
    steps: dict[str, list[_Step]] = {}
    for fact in by_id.values():
        for link in fact.details:
            target = find_target(link.target, content_dir, by_id, by_path)
            if target is not None:
                steps.setdefault(fact.id, []).append(_Step(fact, link, target))
    reported: set[frozenset[tuple[str, str]]] = set()
    for found in _cycles(sorted(by_id), steps):
        edges = frozenset((s.source.id, s.link.stage) for s in found)
        if edges in reported:
            continue
        reported.add(edges)
        first = min(range(len(found)), key=lambda i: found[i].source.id)
        cycle = found[first:] + found[:first]
        chain = "; ".join(
            f"stage '{s.link.stage}' of {_where(s)} opens '{s.target.id}'" for s in cycle
        )
        diagnostics.error(
            "hierarchy-cycle",
            f"the hierarchy of maps goes round in a circle: {chain}",
            cycle[0].link.location,
            hint="a map cannot open itself or a map above it: remove one of these 'detail' keys",
        )


def _where(step: _Step) -> str:
    location = step.link.location
    return f"{step.source.path}:{location.line}" if location and location.line else step.source.path


def _cycles(order: list[str], steps: dict[str, list[_Step]]) -> list[list[_Step]]:
    """The cycles a depth-first walk meets (one per edge back into the walk's path)."""
    done: set[str] = set()
    found: list[list[_Step]] = []
    for start in order:
        if start in done:
            continue
        path: list[_Step] = []
        on_path = {start: 0}
        stack = [(start, iter(steps.get(start, [])))]
        while stack:
            node, pending = stack[-1]
            step = next(pending, None)
            if step is None:
                stack.pop()
                done.add(node)
                on_path.pop(node, None)
                if path:
                    path.pop()
                continue
            target = step.target.id
            if target in on_path:
                found.append([*path[on_path[target]:], step])
            elif target not in done:
                path.append(step)
                on_path[target] = len(path)
                stack.append((target, iter(steps.get(target, []))))
    return found
