"""`cjmgen check` on every core: each process parses and checks its share of the maps.

Parsing the YAML is most of a check (docs/benchmarks.md has the figures) and sending
parsed maps between processes costs half as much as parsing them, so the maps
never travel: each forked worker parses its share of the map files (and every
persona and the channel catalog, which are few), sends back one small fact per
map (id, path, state, where the id is written), receives the facts of the
whole repository, checks its own maps against them and sends back only
diagnostics. The duplicate-id check runs on the facts, in the parent. The
diagnostics are the very ones of the one-process check (a test runs the
broken-input fixtures both ways).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cjmgen.build.gcpause import without_cyclic_gc
from cjmgen.build.stageclock import StageClock
from cjmgen.build.workers import receive, reply, spawn, worker_count
from cjmgen.checks.hierarchy import report_cycles
from cjmgen.checks.levels import apply_levels
from cjmgen.checks.report import plural
from cjmgen.checks.rules import MapFact, RepositoryChecker, report_duplicates
from cjmgen.config import SiteConfig, load_config, outside_content_note
from cjmgen.content.gitio import source_date
from cjmgen.content.markdown import MarkdownRenderer
from cjmgen.content.project import content_missing, content_outside, load_project
from cjmgen.content.repository import FileParser, classify, parse_repository, read_sources, report_outside
from cjmgen.diagnostics import Diagnostic, Diagnostics
from cjmgen.i18n.catalog_check import check_catalogs
from cjmgen.incremental.store import Caches


@dataclass
class CheckOutcome:
    diagnostics: Diagnostics
    maps: int
    personas: int
    strict: bool = False  # `strict: true` in cjmgen.yml
    note: str | None = None  # said to the user: content read from outside the repository


def check_project(root: Path, stages: Callable[[str], None] | None = None) -> CheckOutcome:
    """Everything `cjmgen check` reports about the repository at `root`, each code at the
    level cjmgen.yml's `validation:` gives it; writes nothing. `stages`: told what each
    stage did and how long it took (`-v`)."""
    clock = StageClock(stages)
    root = root.resolve()
    diagnostics = Diagnostics()
    config = load_config(root, diagnostics)
    clock.lap("read cjmgen.yml")
    outcome = _check(root, config, diagnostics)
    clock.lap(f"read, parsed and checked {plural(outcome.maps, 'map', 'maps')}, "
              f"{plural(outcome.personas, 'persona', 'personas')} "
              f"on {plural(worker_count(outcome.maps), 'process', 'processes')}")
    outcome.diagnostics.items = apply_levels(outcome.diagnostics.items, dict(config.validation))
    outcome.strict = config.strict
    return outcome


def _check(root: Path, config: SiteConfig, diagnostics: Diagnostics) -> CheckOutcome:
    """Files that the last build parsed are loaded from its parse cache (read, never
    written): after a build, or while `serve` runs, most files are unchanged."""
    sources = read_sources(config)
    maps = [path for path in sources if (classify(path, config) or ("",))[0] == "map"]
    cache = Caches.for_run(root, create_key=False).parse_cache()
    parse = cache.parse_read_only if cache is not None else None
    workers = worker_count(len(maps))
    if workers == 1:  # a small repository: one process is quicker than forking
        project = load_project(root, config, parse=parse)
        diagnostics.extend(project.diagnostics)
        return CheckOutcome(diagnostics, len(project.repo.maps), len(project.repo.personas),
                            note=outside_content_note(config))
    content_missing(config, diagnostics)
    check_catalogs(config, diagnostics)
    content_outside(config, diagnostics)
    report_outside(sources, diagnostics)
    map_files = set(maps)
    shared = {path: data for path, data in sources.items() if path not in map_files}
    today = source_date(root).date()
    with without_cyclic_gc():
        counts = _run(config, sources, maps, shared, today, workers, diagnostics, parse)
    return CheckOutcome(diagnostics, *counts, note=outside_content_note(config))


def _run(config: SiteConfig, sources: dict[str, bytes], maps: list[str], shared: dict[str, bytes],
         today: dt.date, workers: int, diagnostics: Diagnostics, parse: FileParser | None) -> tuple[int, int]:
    links = [
        spawn(_child, config, {p: sources[p] for p in maps[index::workers]}, shared, today, False, parse,
              duplex=True)
        for index in range(1, workers)
    ]
    try:
        own = _Shard(config, {p: sources[p] for p in maps[0::workers]}, shared, today, True, parse)
        facts = list(own.facts)
        for _, link in links:
            facts.extend(receive(link))
        facts.sort(key=lambda fact: (fact.id, fact.path))  # the repository's order of maps
        known = report_duplicates(facts, diagnostics)
        report_cycles(facts, config.content_dir, diagnostics)
        for _, link in links:
            link.send(known)
        diagnostics.extend(own.check(known))
        for _, link in links:
            diagnostics.extend(receive(link))
    finally:
        for child, link in links:
            link.close()
            child.join()
    return len(facts), own.personas


class _Shard:
    """One process's share: its map files parsed, then checked against every map's facts."""

    def __init__(self, config: SiteConfig, maps: dict[str, bytes], shared: dict[str, bytes],
                 today: dt.date, check_personas: bool, parse: FileParser | None = None) -> None:
        self.found = Diagnostics()
        self.repo = parse_repository(config, {**maps, **shared}, self.found, parse, keep_sources=False)
        self.today = today
        self.check_personas = check_personas  # one process checks them; every one parses them
        self.facts = [MapFact.of(m) for m in self.repo.maps]
        self.personas = len(self.repo.personas)

    def check(self, known: dict[str, MapFact]) -> list[Diagnostic]:
        checker = RepositoryChecker(self.repo, self.found, self.today, MarkdownRenderer(), known=known, fork=False)
        checker.check_maps()
        if self.check_personas:
            checker.check_personas()
        return self.found.items


def _child(link: Any, config: SiteConfig, maps: dict[str, bytes], shared: dict[str, bytes],
           today: dt.date, check_personas: bool, parse: FileParser | None) -> None:
    def work() -> list[Diagnostic]:
        shard = _Shard(config, maps, shared, today, check_personas, parse)
        link.send(shard.facts)
        return shard.check(link.recv())

    reply(link, work)
