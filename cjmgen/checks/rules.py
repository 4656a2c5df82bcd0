"""Whole-repository checks: references, duplicates, completeness, funnel, staleness, assets."""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace

from cjmgen.analysis import evidence, journey
from cjmgen.analysis.measures import data_path
from cjmgen.build.workers import fork_map, worker_count
from cjmgen.checks import renames
from cjmgen.checks.hierarchy import DetailLink, find_target, report_cycles
from cjmgen.checks.measured import check_data_files, check_data_maps, check_map_data
from cjmgen.content import opportunities
from cjmgen.content.assets import active_problem, resolve_asset
from cjmgen.content.markdown import MarkdownRenderer, is_external, is_local, section_stage
from cjmgen.content.model import Map, Persona, Stage
from cjmgen.content.page_names import is_device_name
from cjmgen.content.repository import Repository, classify
from cjmgen.diagnostics import Diagnostic, Diagnostics, SourceLocation
from cjmgen.incremental.lazy_map import known_own_problems


def _suggest(name: str, known: Iterable[str]) -> str:
    known = list(known)
    composed = unicodedata.normalize("NFC", name)
    for candidate in known:  # 'café' typed on a Mac (NFD) against 'café' (NFC): looks the same
        if candidate != name and unicodedata.normalize("NFC", candidate) == composed:
            return (f" ('{candidate}' differs only in its Unicode form: {_form(name)} here, "
                    f"{_form(candidate)} there; retype one of them)")
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _form(text: str) -> str:
    return (
        "NFC"
        if unicodedata.is_normalized("NFC", text)
        else "NFD"
        if unicodedata.is_normalized("NFD", text)
        else "mixed"
    )


def _at(item: Map | Stage, key: str) -> SourceLocation | None:
    return item.field_locations.get(key, item.location)


def format_percent(rate: float) -> str:
    """Plain-English percent for messages: 5%, 0.5%, 12.34%."""
    text = f"{rate * 100:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def is_stale(journey_map: Map, today: dt.date, stale_after_days: int) -> bool:
    if journey_map.reviewed is None:
        return True
    return (today - journey_map.reviewed).days > stale_after_days


@dataclass(frozen=True)
class MapFact:
    """What other maps' checks need to know about a map: small enough to send between processes."""

    id: str
    path: str
    state: str
    id_location: SourceLocation
    data: tuple[str, ...] = ()  # its data files, as written (checks.measured)
    # (id, where) of each opportunity with an `id:`: unique in the repository
    opportunity_ids: tuple[tuple[str, SourceLocation | None], ...] = ()
    status: str = "published"
    details: tuple[DetailLink, ...] = ()  # its stages' `detail:` (checks/hierarchy.py)

    @classmethod
    def of(cls, journey_map: Map) -> MapFact:
        details = tuple(DetailLink(s.name, s.detail, _at(s, "detail")) for s in journey_map.stages if s.detail)
        return cls(journey_map.id, journey_map.path, journey_map.state,
                   _at(journey_map, "id") or SourceLocation(journey_map.path), journey_map.data,
                   tuple((o.id, opportunities.location(o, "id"))
                         for _, o in opportunities.opportunities(journey_map) if o.id),
                   journey_map.status, details)


def report_duplicates(facts: list[MapFact], diagnostics: Diagnostics) -> dict[str, MapFact]:
    """Two maps with one id: an error at the later one. Facts in the repository's order
    (by id, then path); returns each id's first map, which references resolve to.
    Ids whose pages could not live together on a Mac or a Windows share are warned about
    too (`report_unportable`)."""
    first_of: dict[str, MapFact] = {}
    for fact in facts:
        first = first_of.setdefault(fact.id, fact)
        if first is not fact:
            diagnostics.error(
                "duplicate-map", f"map id '{fact.id}' is also used by {first.path}", fact.id_location,
                hint="set a different 'id' in one of the two files",
            )
    report_unportable(list(first_of.values()), diagnostics)
    report_duplicate_opportunities(facts, diagnostics)
    return first_of


def report_duplicate_opportunities(facts: list[MapFact], diagnostics: Diagnostics) -> None:
    """An opportunity id used twice, in one map or two: the portfolio links and the diff
    follow opportunities by id. An error at each later use."""
    first_in: dict[str, str] = {}
    for fact in facts:
        for opportunity_id, where in fact.opportunity_ids:
            first = first_in.get(opportunity_id)
            if first is None:
                first_in[opportunity_id] = fact.path
            else:
                also = "in this map" if first == fact.path else f"by {first}"
                diagnostics.error(
                    "duplicate-opportunity", f"opportunity id '{opportunity_id}' is also used {also}",
                    where, hint="give each opportunity its own 'id'")


def report_unportable(facts: list[MapFact], diagnostics: Diagnostics) -> None:
    """Warn about map ids whose pages break on a Mac or a Windows share, though the Linux
    build is fine: ids differing only in letter case or Unicode form (`Sofa` and `sofa`
    become one file there) and Windows device names (`CON`, `aux`, `com1`)."""
    seen: dict[str, MapFact] = {}
    for fact in facts:
        folded = unicodedata.normalize("NFC", fact.id).casefold()
        other = seen.setdefault(folded, fact)
        if other is not fact:
            diagnostics.warning(
                "case-clash", f"map id '{fact.id}' differs from '{other.id}' ({other.path}) only in letter case "
                "or Unicode form: on macOS and Windows both pages are one file", fact.id_location,
                hint="rename one of the two maps (or set a different 'id')",
            )
        reserved = [part for part in fact.id.split("/") if is_device_name(part)]
        if reserved:
            diagnostics.warning(
                "reserved-name", f"map id '{fact.id}': '{reserved[0]}' is a device name on Windows; "
                "its page cannot be opened or copied from a Windows share", fact.id_location,
                hint="rename the map (or set a different 'id')",
            )


@dataclass
class RepositoryChecker:
    repo: Repository
    diagnostics: Diagnostics
    today: dt.date
    markdown: MarkdownRenderer
    # Maps whose body links are checked later, by whoever parses the body anyway (the build's
    # page renderer: see `map_body`); every other check runs here.
    bodies_later: Callable[[Map], bool] | None = None

    # Every map of the repository by id, when `repo.maps` holds only some of them (the
    # parallel check: the others were parsed by other processes). None: repo.maps is all.
    known: Mapping[str, MapFact] | None = None
    fork: bool = True  # check bodies in forked workers when there are many (not when already one of several)

    def run(self) -> None:
        facts = [MapFact.of(m) for m in self.repo.maps]
        report_duplicates(facts, self.diagnostics)
        report_cycles(facts, self.repo.config.content_dir, self.diagnostics)
        self.check_maps()
        self.check_personas()

    def check_maps(self) -> None:
        """Everything about each map of `repo.maps` (the duplicate-id check aside)."""
        bodies = []
        for journey_map in self.repo.maps:
            self.map_references(journey_map)
            own = known_own_problems(journey_map)  # found when the file was parsed (lazy_map)
            self.diagnostics.extend(list(own if own is not None else own_problems(journey_map)))
            for stage in journey_map.stages:
                self.touchpoints(stage)
            self.staleness(journey_map)
            check_map_data(journey_map, self.repo, self.diagnostics, self.today)
            if self.bodies_later is None or not self.bodies_later(journey_map):
                bodies.append(journey_map)
        every_map = self.known.values() if self.known is not None else self.repo.maps
        check_data_files(self.repo, (found.data for found in every_map), self.diagnostics)
        check_data_maps(self.repo, self.find_map, self.lists_file, self.diagnostics)
        self.map_bodies(bodies)

    def check_personas(self) -> None:
        for persona in self.repo.personas.values():
            self.persona(persona)

    def find_map(self, map_id: str) -> Map | MapFact | None:
        return self.known.get(map_id) if self.known is not None else self.repo.map(map_id)

    def lists_file(self, map_id: str, path: str) -> bool | None:
        """Whether the map `map_id` lists the data file `path` (None: a map unknown here)."""
        found = self.find_map(map_id)
        if found is None:
            return None
        return any(data_path(written, self.repo) == path for written in found.data)

    def map_ids(self) -> list[str]:
        """For suggestions only: O(n), asked once per unknown reference."""
        return list(self.known) if self.known is not None else [m.id for m in self.repo.maps]

    def map_references(self, journey_map: Map) -> None:
        repo = self.repo
        if journey_map.persona is not None and journey_map.persona not in repo.personas:
            self.diagnostics.error(
                "persona-ref",
                f"unknown persona '{journey_map.persona}'{_suggest(journey_map.persona, repo.personas)}",
                _at(journey_map, "personas" if journey_map.personas else "persona"),
                hint="a persona id is a file name in personas/ without .md",
            )
        for persona in journey_map.personas[1:]:  # the first is `persona`, checked above
            if persona not in repo.personas:
                self.diagnostics.error(
                    "persona-ref", f"unknown persona '{persona}'{_suggest(persona, repo.personas)}",
                    _at(journey_map, "personas"), hint="a persona id is a file name in personas/ without .md",
                )
        for related in journey_map.related:
            if self.find_map(related) is None:
                self.diagnostics.error(
                    "map-ref", f"unknown related map '{related}'{_suggest(related, self.map_ids())}",
                    _at(journey_map, "related"),
                )
        if journey_map.current is not None:
            target = self.find_map(journey_map.current)
            if target is None:
                self.diagnostics.error(
                    "map-ref",
                    f"unknown current-state map '{journey_map.current}'{_suggest(journey_map.current, self.map_ids())}",
                    _at(journey_map, "current"),
                )
            elif target.state != "current":
                self.diagnostics.warning(
                    "current-ref",
                    f"'current' points at '{target.id}', which is a {target.state}-state map",
                    _at(journey_map, "current"),
                )
            if journey_map.state != "future":
                self.diagnostics.warning(
                    "current-ref",
                    "'current' is meant for a future-state map; this map's state is current",
                    _at(journey_map, "current"),
                    hint="add 'state: future' or remove 'current'",
                )
        for stage in journey_map.stages:
            if stage.detail is not None:
                self.detail_reference(journey_map, stage, stage.detail)

    def detail_reference(self, journey_map: Map, stage: Stage, value: str) -> None:
        """A stage's `detail:` names a map that exists, and one the site publishes with it."""
        target = self.find_detail(value)
        if target is None:
            self.diagnostics.error(
                "map-ref", f"unknown detail map '{value}'{_suggest(value, self.map_ids())}",
                _at(stage, "detail"),
                hint="'detail' takes a map id (its path below the content folder, without .md) or the map's file",
            )
        elif target.status == "draft" and journey_map.status != "draft":
            self.diagnostics.warning(
                "detail-draft",
                f"stage '{stage.name}' opens '{target.id}', a draft: the site shows the stage without it",
                _at(stage, "detail"),
                hint="publish the detailed map (status: review or published) or remove 'detail'",
            )

    def find_detail(self, value: str) -> MapFact | None:
        by_id, by_path = self._detail_targets
        return find_target(value, self.repo.config.content_dir, by_id, by_path)

    @functools.cached_property
    def _detail_targets(self) -> tuple[dict[str, MapFact], dict[str, MapFact]]:
        """Every map's facts by id and by path, made once: `detail:` may name a map either way."""
        if self.known is not None:
            by_id = dict(self.known)
        else:
            by_id = {}
            for journey_map in self.repo.maps:
                by_id.setdefault(journey_map.id, MapFact.of(journey_map))
        return by_id, {fact.path: fact for fact in by_id.values()}

    def touchpoints(self, stage: Stage) -> None:
        catalog = self.repo.channels
        if catalog is None:
            return
        for touchpoint in stage.touchpoints:
            if touchpoint.channel not in catalog:
                self.diagnostics.error(
                    "channel-ref",
                    f"unknown channel '{touchpoint.channel}'{_suggest(touchpoint.channel, catalog)}",
                    touchpoint.location,
                    hint="add it to channels.yml or use one of its ids",
                )

    def staleness(self, journey_map: Map) -> None:
        if journey_map.status == "draft":
            return
        days = self.repo.config.stale_after_days
        if journey_map.reviewed is None:
            self.diagnostics.warning(
                "stale", "map has no 'reviewed' date", journey_map.location,
                hint="add reviewed: YYYY-MM-DD after the team reviews the map",
            )
        elif is_stale(journey_map, self.today, days):
            age = (self.today - journey_map.reviewed).days
            self.diagnostics.warning(
                "stale",
                f"map was last reviewed {age} days ago, more than stale_after_days ({days})",
                _at(journey_map, "reviewed"),
            )

    def map_bodies(self, maps: list[Map]) -> None:
        """Body links of many maps, on every core: each body must be parsed as Markdown,
        the largest part of a check; the diagnostics are small to send back."""

        def shard(index: int, count: int) -> list[Diagnostic]:
            found = Diagnostics()
            checker = replace(self, diagnostics=found)
            for journey_map in maps[index::count]:
                checker.map_body(journey_map)
            return found.items

        for items in fork_map(shard, worker_count(len(maps)) if self.fork else 1):
            self.diagnostics.extend(items)

    def map_body(self, journey_map: Map) -> None:
        """The links and images of a map's Markdown body, and notes that lost their stage."""
        self.body_references(journey_map.path, journey_map.body, journey_map.body_first_line)
        self.unmatched_notes(journey_map)

    def unmatched_notes(self, journey_map: Map) -> None:
        """A `## heading` close to a stage's name that names none: most likely a stage
        renamed without `id:`, whose notes are now shown as part of the map's story."""
        keys = journey_map.section_keys()
        for heading, line in self.markdown.section_headings(journey_map.body):
            if section_stage(heading, keys) is not None:
                continue
            closest = renames.closest_stage(heading, journey_map.stages)
            if closest is None:
                continue  # a section of the story (sources, method), not a stage's notes
            self.diagnostics.warning(
                "notes-unmatched",
                f"notes section '## {heading}' matches no stage (closest: '{closest.name}'); "
                "its notes are not shown with any stage",
                SourceLocation(journey_map.path, line + journey_map.body_first_line - 1, 1),
                hint=renames.rename_hint(heading, closest) + f", or rename the heading to '## {closest.name}'",
            )

    def body_references(self, path: str, body: str, first_line: int) -> None:
        for ref in self.markdown.references(body):
            target = ref.target
            loc = SourceLocation(path, ref.line + first_line - 1, ref.column)
            if ref.kind == "image" and is_external(target):
                self.diagnostics.warning(
                    "external-resource",
                    f"image '{target}' is on another server; the site makes no external requests, "
                    "so it is shown as a link",
                    loc,
                    hint="copy the image into the repository (e.g. maps/assets/)",
                )
                continue
            if not is_local(target):
                continue
            self.local_file(target, path, loc, "image" if ref.kind == "image" else "link")

    def local_file(self, target: str, referrer: str, loc: SourceLocation | None, what: str) -> None:
        resolved = resolve_asset(target, referrer, self.repo.config)
        if resolved.problem == "outside":
            self.diagnostics.error(
                "asset-path", f"{what} '{target}' points outside the repository", loc,
                hint="files published with the site must live inside the repository",
            )
        elif resolved.problem == "missing":
            self.diagnostics.warning("asset-missing", f"{what} '{target}' does not exist", loc)
        elif resolved.problem == "hidden":
            self.diagnostics.error(
                "asset-hidden", f"{what} '{target}' is a hidden file or in a hidden folder: not published", loc,
                hint="hidden files (.git, .env, dot-folders) are never published; move the file if it is meant to be",
            )
        elif resolved.path is not None and classify(resolved.path, self.repo.config) is None:
            problem = active_problem(resolved.path, self.repo.config)
            if problem is not None:
                self.diagnostics.error(
                    "asset-active", f"{what} '{target}': {problem}", loc,
                    hint="link a PDF, an image or a plain SVG instead, or publish the page elsewhere",
                )

    def persona(self, persona: Persona) -> None:
        if persona.photo:
            self.local_file(persona.photo, persona.path, persona.field_locations.get("photo"), "photo")
        catalog = self.repo.channels
        if catalog is not None:
            for channel in persona.channels:
                if channel not in catalog:
                    self.diagnostics.error(
                        "channel-ref", f"unknown channel '{channel}'{_suggest(channel, catalog)}",
                        persona.field_locations.get("channels"),
                    )
        self.body_references(persona.path, persona.body, persona.body_first_line)


def own_problems(journey_map: Map) -> tuple[Diagnostic, ...]:
    """What is wrong with the map whatever else the repository holds: stage ids, the
    funnel, completeness. A function of its file alone, so the parse cache keeps the
    answer with the parsed map (lazy_map) and a build does not read the map's lanes."""
    found = Diagnostics()
    OwnChecker(found).run(journey_map)
    return tuple(found.items)


#: Why a KPI with both figures has no status, and what to write instead.
KPI_REASONS = {
    "unreadable": (
        "'{detail}' is not a number cjmgen can read",
        "write a number and a unit, e.g. 5,5 %, 3 дня, 2:15, 1 200 ₽, 90%+, от 2 до 3 дней",
    ),
    "units": (
        "value {value} and target {target} measure different things ({detail})",
        ("write both in units of one kind: days, hours and minutes compare, so do ₽, тыс. ₽ and млн ₽; "
         "% and п.п. do not"),
    ),
    "straddles": (
        "the value {value} lies on both sides of the target {target}",
        "give the value as one figure, or the target as a range",
    ),
}


@dataclass
class OwnChecker:
    diagnostics: Diagnostics

    def run(self, journey_map: Map) -> None:
        self.stages(journey_map)
        self.funnel(journey_map)
        self.exits(journey_map)
        self.sources(journey_map)

    def stages(self, journey_map: Map) -> None:
        ids: dict[str, Stage] = {}
        for stage in journey_map.stages:
            if stage.id in ids:
                self.diagnostics.error(
                    "duplicate-stage",
                    f"stage id '{stage.id}' is used twice in this map",
                    _at(stage, "id") or stage.location,
                    hint="give one of the stages its own 'id'",
                )
            ids.setdefault(stage.id, stage)
        for stage in journey_map.stages:
            for target in stage.next:
                if target not in ids:
                    typo = _suggest(target, ids)
                    # no close id: more likely a stage renamed without `id:` than a typo
                    renamed = None if typo else renames.closest_stage(target, journey_map.stages)
                    self.diagnostics.error(
                        "stage-ref",
                        f"'next' names unknown stage '{target}'{typo}",
                        _at(stage, "next"),
                        hint=renames.rename_hint(target, renamed) if renamed is not None else None,
                    )
            self.completeness(stage)
            self.kpi_status(stage)
        self.opportunity_kpis(journey_map)

    def opportunity_kpis(self, journey_map: Map) -> None:
        """An opportunity's `kpi:` must name a KPI of the map (`stage-id/kpi-id`, or `kpi-id` of its stage)."""
        for stage, opportunity in opportunities.opportunities(journey_map):
            if opportunity.kpi is None or opportunities.find_kpi(journey_map, stage, opportunity.kpi) is not None:
                continue
            known = [f"{s.id}/{opportunities.kpi_id(k)}" for s in journey_map.stages for k in s.kpis]
            self.diagnostics.error(
                "opportunity-kpi", f"opportunity '{opportunity.text}' names unknown KPI '{opportunity.kpi}'"
                + _suggest(opportunity.kpi if "/" in opportunity.kpi else f"{stage.id}/{opportunity.kpi}", known),
                opportunities.location(opportunity, "kpi"),
                hint="write <stage-id>/<kpi-id>, or <kpi-id> for a KPI of the same stage (a KPI's id is "
                     "its 'id', or the slug of its name)")

    def kpi_status(self, stage: Stage) -> None:
        """A KPI with a value and a target but no status: say why, and how to fix it."""
        for kpi in stage.kpis:
            verdict = kpi.verdict
            if verdict.reason not in KPI_REASONS:
                continue
            assert kpi.value is not None and kpi.target is not None
            value, target = kpi.value.raw, kpi.target.raw
            why, hint = KPI_REASONS[verdict.reason]
            self.diagnostics.warning(
                "kpi-no-status",
                f"KPI '{kpi.name}' gets no status: "
                + why.format(value=value, target=target, detail=verdict.detail),
                kpi.location,
                hint=hint,
            )

    def completeness(self, stage: Stage) -> None:
        """The seeds' checklist: every stage needs a goal, a KPI, an obstacle and an owner
        (a stage that opens a detailed map has its KPIs and obstacles there)."""
        keys = ("goals", "owner") if stage.detail else ("goals", "kpis", "obstacles", "owner")
        missing = [key for key in keys if not getattr(stage, key)]
        if missing:
            self.diagnostics.warning(
                "stage-incomplete",
                f"stage '{stage.name}' has no {', '.join(missing)}",
                stage.location,
                hint="every stage should name its goal, a KPI, the obstacles and an owner",
            )

    def funnel(self, journey_map: Map) -> None:
        for found in journey.mismatches(journey_map):
            stage, target = found.stage, found.target
            assert stage.conversion is not None
            self.diagnostics.warning(
                "conversion-mismatch",
                f"stated conversion {stage.conversion.raw} contradicts the counts: "
                f"stated {format_percent(found.stated)}, counts give {format_percent(found.computed)} "
                f"({target.count} of {stage.count})",
                _at(stage, "conversion"),
                hint="correct the counts or the stated conversion; the site shows both until they agree",
            )
        self.growing_counts(journey_map)

    def exits(self, journey_map: Map) -> None:
        """Counted exits plus the next stage's count may not exceed the stage's count (a warning:
        the figures often come from different reports)."""
        for found in journey.exit_excesses(journey_map):
            stage = found.stage
            onward = (f" and {found.onward} go on to '{found.target.name}'" if found.target is not None else "")
            self.diagnostics.warning(
                "exits-exceed",
                f"{found.leaving} customers leave '{stage.name}' at its exits{onward}, "
                f"more than the {stage.count} who reached it",
                _at(stage, "exits"),
                hint="the count of a stage is at least its next stage's count plus its exits' counts",
            )

    def sources(self, journey_map: Map) -> None:
        """Declared sources nobody cites, and citations that look like a key the map lacks."""
        declared = {s.key: s for s in journey_map.sources}
        for key in evidence.unused_sources(journey_map):
            self.diagnostics.warning(
                "source-unused", f"source '{key}' is declared but no item cites it",
                declared[key].location, hint=f"cite it from an item (source: {key}) or remove it")
        for citation in evidence.citations(journey_map):
            meant = evidence.intended_key(journey_map, citation.text)
            if meant is None:
                continue
            hint = f" (did you mean '{meant}'?)" if meant else ""
            self.diagnostics.warning(
                "source-unknown", f"source '{citation.text}' is not a key of this map's sources{hint}",
                citation.location, hint="declare it under sources: or write the source out in words")

    def growing_counts(self, journey_map: Map) -> None:
        """A count larger than the one before it, along a forward path, is a data error."""
        by_id = {s.id: s for s in journey_map.stages}
        for edge in journey.edges(journey_map):
            if edge.loop:
                continue
            source, target = by_id[edge.source], by_id[edge.target]
            if source.count is not None and target.count is not None and target.count > source.count:
                self.diagnostics.warning(
                    "count-grows",
                    f"count grows from {source.count} at '{source.name}' to {target.count} "
                    f"at '{target.name}' without a loop",
                    _at(target, "count"),
                    hint="customers can only drop out along a path; check both counts",
                )


def check_repository(repo: Repository, diagnostics: Diagnostics, today: dt.date, markdown: MarkdownRenderer,
                     bodies_later: Callable[[Map], bool] | None = None) -> None:
    RepositoryChecker(repo, diagnostics, today, markdown, bodies_later).run()
