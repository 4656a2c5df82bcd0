"""What a change to a map does beyond its own lines: the journey's flow, the funnel and the notes.

Moving a stage rewires every implicit `next` (a stage without `next` leads to
the one after it), which changes where customers go, which loops and branches
exist and which conversions cjmgen computes; renaming a stage's id can leave
its `## heading` in the body pointing at nothing. A reviewer sees none of that
in the changed lines, so the diff says it here, naming stages as the site does.

Stages are compared by identity (the pairs `match_stages` made), not by id, so
a renamed stage is the same stage on both sides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from cjmgen.analysis import journey
from cjmgen.content.markdown import MarkdownRenderer
from cjmgen.content.model import Map, Stage
from cjmgen.review.phrases import Names, Phrase, Rate

Pair = tuple["Stage | None", "Stage | None"]


class Collector(Protocol):
    def add(self, code: str, phrase: Phrase, *, stage: str | None = None, field: str | None = None,
            old: Any = None, new: Any = None, severity: str | None = None) -> None: ...


@dataclass(frozen=True)
class _Flow:
    """One side's graph in stage identities: key -> (targets, loop targets) and the stage behind each key."""

    targets: dict[int, tuple[int, ...]]
    loops: set[tuple[int, int]]
    stages: dict[int, Stage]
    rates: dict[int, float]
    forward: dict[int, int | None]


def _keys(pairs: Sequence[Pair]) -> tuple[dict[int, int], dict[int, int]]:
    """One key per stage identity (its index in `pairs`), looked up by id() of either side's stage."""
    old_key, new_key = {}, {}
    for key, (before, after) in enumerate(pairs):
        if before is not None:
            old_key[id(before)] = key
        if after is not None:
            new_key[id(after)] = key
    return old_key, new_key


def _flow(journey_map: Map, key_of: dict[int, int]) -> _Flow:
    position = journey.stage_positions(journey_map)
    targets: dict[int, tuple[int, ...]] = {}
    loops: set[tuple[int, int]] = set()
    rates: dict[int, float] = {}
    forward: dict[int, int | None] = {}
    computed = journey.conversions(journey_map)
    for index, stage in enumerate(journey_map.stages):
        source = key_of[id(stage)]
        found = []
        for target_id in journey.next_ids(journey_map, index):
            if target_id not in position:
                continue  # a dangling id: `check` reports it
            target = key_of[id(journey_map.stages[position[target_id]])]
            found.append(target)
            if position[target_id] <= index:
                loops.add((source, target))
        targets[source] = tuple(found)
        ahead = journey.forward_target(journey_map, index, position)
        forward[source] = key_of[id(ahead)] if ahead is not None else None
        rate = computed[index] if computed[index] is not None else journey.stated_rate(stage.conversion)
        if rate is not None:
            rates[source] = rate
    stages = {key_of[id(s)]: s for s in journey_map.stages}
    return _Flow(targets, loops, stages, rates, forward)


def flow_changes(out: Collector, old: Map, new: Map, pairs: Sequence[Pair]) -> None:
    """Where stages lead, loops, branches and conversions, as they differ between the two versions."""
    old_key, new_key = _keys(pairs)
    before, after = _flow(old, old_key), _flow(new, new_key)

    def name(key: int) -> str:
        stage = after.stages.get(key) or before.stages[key]
        return stage.name

    def sid(key: int) -> str:
        stage = after.stages.get(key) or before.stages[key]
        return stage.id

    for key, stage in after.stages.items():
        if key not in before.stages:
            continue
        was, now = before.targets[key], after.targets[key]
        was_forward = tuple(t for t in was if (key, t) not in before.loops)
        now_forward = tuple(t for t in now if (key, t) not in after.loops)
        if was_forward != now_forward:
            why = Phrase("next.implicit") if not stage.next else ""
            out.add("next-changed", Phrase.of("next-changed", stage=stage.name, old=_names(was_forward, name),
                                              new=_names(now_forward, name), why=why),
                    stage=stage.id, field="next", old=[sid(t) for t in was], new=[sid(t) for t in now])
        if len(now_forward) > 1 and len(was_forward) <= 1:
            out.add("branch-added", Phrase.of("branch-added", stage=stage.name, targets=_names(now_forward, name)),
                    stage=stage.id, field="next", old=[sid(t) for t in was], new=[sid(t) for t in now])
        elif len(was_forward) > 1 and len(now_forward) <= 1:
            out.add("branch-removed", Phrase.of("branch-removed", stage=stage.name, targets=_names(now_forward, name)),
                    stage=stage.id, field="next", old=[sid(t) for t in was], new=[sid(t) for t in now])
    for source, target in sorted(after.loops - before.loops):
        out.add("loop-added", Phrase.of("loop-added", source=name(source), target=name(target)),
                stage=sid(source), field="next", new=[sid(source), sid(target)])
    for source, target in sorted(before.loops - after.loops):
        out.add("loop-removed", Phrase.of("loop-removed", source=name(source), target=name(target)),
                stage=sid(source), field="next", old=[sid(source), sid(target)])
    for key, stage in after.stages.items():
        if key in before.stages:
            _conversion(out, stage, before, after, key, name)
    _overall(out, old, new)


def _names(keys: Sequence[int], name: Any) -> Names:
    return Names(tuple(name(k) for k in keys))


def _conversion(out: Collector, stage: Stage, before: _Flow, after: _Flow, key: int, name: Any) -> None:
    """The conversion into the next stage: risen, fallen, gone or new, and why when the next stage changed."""
    was, now = before.rates.get(key), after.rates.get(key)
    old_target, new_target = before.forward.get(key), after.forward.get(key)
    why: Phrase | str = ""
    if old_target != new_target:
        why = Phrase.of("conversion.into", new=name(new_target) if new_target is not None else Phrase("nowhere"),
                        old=name(old_target) if old_target is not None else Phrase("nowhere"))
    if was is None and now is None:
        return
    if was is not None and now is not None:
        if abs(now - was) < 0.00005:
            return
        code = "conversion-dropped" if now < was else "conversion-improved"
        out.add(code, Phrase.of("conversion", stage=stage.name, old=Rate(was), new=Rate(now), why=why),
                stage=stage.id, field="conversion", old=round(was, 6), new=round(now, 6))
    elif was is not None:
        out.add("conversion-lost", Phrase.of("conversion-lost", stage=stage.name, old=Rate(was), why=why),
                stage=stage.id, field="conversion", old=round(was, 6), new=None)
    else:
        assert now is not None
        out.add("conversion-added", Phrase.of("conversion-added", stage=stage.name, new=Rate(now), why=why),
                stage=stage.id, field="conversion", old=None, new=round(now, 6))


def _overall(out: Collector, old: Map, new: Map) -> None:
    """The map's overall conversion (first counted stage to the last), as the map page shows it."""
    was, now = journey.overall_conversion(old), journey.overall_conversion(new)
    if was is None and now is None:
        return
    if was is not None and now is not None and abs(was.rate - now.rate) < 0.00005:
        return
    span = Phrase.of("overall.span", first=now.first.name, last=now.last.name) if now is not None else ""
    falls = now is None or (was is not None and now.rate < was.rate)
    out.add("overall-conversion-changed",
            Phrase.of("overall-conversion", old=Rate(was.rate) if was else Phrase("none"),
                      new=Rate(now.rate) if now else Phrase("none"), span=span),
            field="conversion", old=round(was.rate, 6) if was else None, new=round(now.rate, 6) if now else None,
            severity="warning" if falls else "info")


# --- notes: `## heading` sections of the body -----------------------------------------


@dataclass(frozen=True)
class Heading:
    text: str
    line: int  # in the file


def stage_headings(journey_map: Map, markdown: MarkdownRenderer) -> list[Heading]:
    """The second-level headings of the body that could attach a section to a stage."""
    found = []
    tokens = markdown.parse(journey_map.body)
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.level == 0 and token.tag == "h2":
            line = (token.map[0] if token.map else 0) + journey_map.body_first_line
            found.append(Heading(tokens[index + 1].content.strip(), line))
    return found


def notes_changes(out: Collector, old: Map, new: Map, pairs: Sequence[Pair],
                  markdown: MarkdownRenderer) -> list[Heading]:
    """Notes that lost their stage: a heading that attached a section at the base attaches none now.

    Returns the headings reported (their lines let the check comparison leave out
    a diagnostic that says the same thing).
    """
    if old.body == new.body and old.section_keys() == new.section_keys():
        return []
    old_keys, new_keys = old.section_keys(), new.section_keys()
    successor = {id(b): a for b, a in pairs if b is not None}
    old_stage = {s.id: s for s in old.stages}
    was_attached = {h.text.casefold() for h in stage_headings(old, markdown) if h.text.casefold() in old_keys}
    detached = []
    for heading in stage_headings(new, markdown):
        title = heading.text.casefold()
        if title in new_keys or title not in was_attached or title not in old_keys:
            continue
        lost = old_stage[old_keys[title]]
        now = successor.get(id(lost))
        out.add("notes-detached", Phrase.of("notes-detached", heading=heading.text, stage=(now or lost).name),
                stage=now.id if now is not None else None, field="body", old=lost.id, new=None)
        detached.append(heading)
    return detached


def url_change(out: Collector, old: Map, new: Map, base_url: str) -> None:
    """A map whose id changed is published at another address: bookmarks and links to the old one break."""
    from cjmgen.site.urls import absolute, map_url

    if old.id == new.id:
        return
    before, after = absolute(base_url, map_url(old.id)), absolute(base_url, map_url(new.id))
    out.add("url-changed", Phrase.of("url-changed", old=before, new=after), field="url", old=before, new=after)
