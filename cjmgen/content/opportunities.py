"""Opportunities as things a team tracks: status, owner, impact and effort, ticket, KPI.

An entry of a stage's `opportunities:` is a plain line (an `Item`, as before) or a
mapping; a mapping with any key beyond `text` and `source` is read here into an
`Opportunity`. The words are English or Russian (users write both), stored in their
English form so that the diff, the export and the portfolio's filters agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from cjmgen.content.datafiles import Period
from cjmgen.content.model import KPI, Item, Map, Opportunity, Stage
from cjmgen.content.yamltree import YNode
from cjmgen.diagnostics import SourceLocation
from cjmgen.site.urls import slugify

if TYPE_CHECKING:
    from cjmgen.content.schema import Reader

#: The keys an opportunity adds to an item's `text` and `source`.
KEYS = ("id", "owner", "status", "impact", "effort", "priority", "ticket", "kpi", "done")

#: Statuses in the order work goes through them; `dropped` ends it without doing it.
STATUSES = ("idea", "planned", "in progress", "done", "dropped")
OPEN = ("idea", "planned", "in progress")
_STATUS_WORDS = {
    "in-progress": "in progress", "in_progress": "in progress", "doing": "in progress",
    "идея": "idea",
    "запланировано": "planned", "запланирована": "planned", "в плане": "planned",
    "в работе": "in progress",
    "сделано": "done", "готово": "done", "выполнено": "done",
    "отказались": "dropped", "отменено": "dropped", "отклонено": "dropped",
}

#: Impact, effort and priority: 1 (lowest) .. 5 (highest), or a word for 1, 3 or 5.
LEVEL_RANGE = (1, 5)
_LEVEL_WORDS = {
    "low": 1, "medium": 3, "high": 5,
    "низкий": 1, "низкая": 1, "низкое": 1, "средний": 3, "средняя": 3, "среднее": 3,
    "высокий": 5, "высокая": 5, "высокое": 5,
}
#: The impact × effort matrix's three bands of the 1..5 scale.
BANDS = ("low", "medium", "high")

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
#: An opportunity's id: a slug, as stage and KPI ids are (it goes into URLs).
_ID = re.compile(r"^[\w][\w.-]*$")


def status_of(written: str) -> str | None:
    """The English status for a status as written (any case, Russian too); None if unknown."""
    word = " ".join(written.strip().casefold().split())
    return word if word in STATUSES else _STATUS_WORDS.get(word)


def level_of(value: Any) -> int | None:
    """1..5 for a number or a word (low, medium, high; низкий, средний, высокий); None if neither."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if LEVEL_RANGE[0] <= value <= LEVEL_RANGE[1] else None
    if isinstance(value, str):
        text = value.strip().casefold()
        if text.isdigit():
            return level_of(int(text))
        return _LEVEL_WORDS.get(text)
    return None


def band(level: int | None) -> str | None:
    """low (1-2), medium (3) or high (4-5): the matrix's row or column."""
    if level is None:
        return None
    return BANDS[0] if level <= 2 else BANDS[1] if level == 3 else BANDS[2]


def is_structured(node: YNode) -> bool:
    """A mapping entry that is an opportunity rather than an item with a source."""
    return node.kind == "map" and any(key in node.value for key in KEYS)


def ticket_problem(ticket: str) -> str | None:
    """Why a written ticket cannot be linked (a `javascript:` link, a URL without host); None if fine."""
    if not _SCHEME.match(ticket):
        return None  # an id, such as CX-142
    parts = urlsplit(ticket)
    if parts.scheme.lower() not in ("http", "https"):
        return f"a ticket link must be http(s), got '{parts.scheme}:'"
    if not parts.netloc:
        return f"a ticket link needs a host, got '{ticket}'"
    return None


def ticket_url(ticket: str | None, pattern: str | None) -> str | None:
    """Where a ticket links to: its own http(s) URL, or the `tickets:` pattern with the id in it."""
    if not ticket:
        return None
    if _SCHEME.match(ticket):
        return ticket if ticket_problem(ticket) is None else None
    if pattern:
        return pattern.replace("{id}", quote(ticket, safe=""))
    return None


def pattern_problem(pattern: str) -> str | None:
    """What is wrong with cjmgen.yml's `tickets:` pattern, if anything."""
    if "{id}" not in pattern:
        return "tickets: the pattern must contain {id}, e.g. https://jira.example.com/browse/{id}"
    problem = ticket_problem(pattern.replace("{id}", "X"))
    if problem is not None or not _SCHEME.match(pattern):
        return f"tickets: expected an http(s) address with {{id}} in it, got '{pattern}'"
    return None


def kpi_id(kpi: KPI) -> str:
    """A KPI's id: its own `id:`, else the slug of its name (as data rows name it)."""
    return kpi.id or slugify(kpi.name)


def find_kpi(journey_map: Map, stage: Stage, reference: str) -> tuple[Stage, KPI] | None:
    """The KPI `stage-id/kpi-id` (or `kpi-id` of `stage`) names in the map, with its stage."""
    stage_id, _, wanted = reference.strip().rpartition("/")
    target = journey_map.stage(stage_id) if stage_id else stage
    if target is None:
        return None
    found = next((kpi for kpi in target.kpis if kpi_id(kpi) == wanted), None)
    return (target, found) if found is not None else None


def kpi_names(journey_map: Map) -> dict[Opportunity, str]:
    """The name of the KPI each tracked opportunity of the map names (the map page shows it)."""
    names: dict[Opportunity, str] = {}
    for stage, opportunity in opportunities(journey_map):
        found = find_kpi(journey_map, stage, opportunity.kpi) if opportunity.kpi else None
        if found is not None:
            names[opportunity] = found[1].name
    return names


def opportunities(journey_map: Map) -> Iterator[tuple[Stage, Opportunity]]:
    """Every structured opportunity of a map, with its stage, in the map's order."""
    for stage in journey_map.stages:
        for item in stage.opportunities:
            if isinstance(item, Opportunity):
                yield stage, item


def has_structured(journey_map: Map) -> bool:
    return next(opportunities(journey_map), None) is not None


def read(reader: Reader, node: YNode) -> Item | None:
    """One mapping entry of `opportunities:`, every problem reported at its key."""
    from cjmgen.content.schema import ITEM_KEYS  # schema imports this module: read it when called

    reader.unknown_keys(node, (*ITEM_KEYS, *KEYS), "an opportunity")
    fields: dict[str, YNode] = node.value
    text = reader.required_text(fields, "text", node, "an opportunity")
    if text is None:
        return None
    status = reader.text(fields.get("status"), "status")
    if status is not None and status_of(status) is None:
        reader.diagnostics.error(
            "value", f"'status' must be one of {', '.join(STATUSES)}, got '{status}'", fields["status"].loc,
            hint="Russian works too: идея, запланировано, в работе, сделано, отказались")
    ticket = reader.text(fields.get("ticket"), "ticket")
    if ticket is not None:
        problem = ticket_problem(ticket.strip())
        if problem is not None:
            reader.diagnostics.error("ticket-url", problem, fields["ticket"].loc,
                                     hint="write the ticket's http(s) address, or its id with `tickets:` in cjmgen.yml")
            ticket = None
        else:
            ticket = ticket.strip() or None
    done = _done(reader, fields.get("done"))
    own_id = reader.text(fields.get("id"), "id")
    if own_id is not None and not _ID.match(own_id.strip()):
        reader.diagnostics.error("value", f"an opportunity's 'id' must be one word of letters, digits, '-', '_' "
                                          f"or '.', got '{own_id}'", fields["id"].loc)
        own_id = None
    return Opportunity(
        text, reader.text(fields.get("source"), "source"), node.loc,
        id=own_id.strip() if own_id else None,
        owner=reader.text(fields.get("owner"), "owner"),
        status=status_of(status) if status is not None else None,
        kpi=(reader.text(fields.get("kpi"), "kpi") or "").strip() or None,
        impact=_level(reader, fields.get("impact"), "impact"), effort=_level(reader, fields.get("effort"), "effort"),
        priority=_level(reader, fields.get("priority"), "priority"),
        ticket=ticket, done=done, field_locations={key: value.loc for key, value in fields.items()},
    )


def _done(reader: Reader, node: YNode | None) -> str | None:
    """When it shipped: a period as data files write them (2026-03, 2026-Q1, 2026-03-15)."""
    if node is None or node.kind == "null":
        return None
    written = node.raw if node.kind == "timestamp" and node.raw is not None else reader.text(node, "done")
    period = Period.parse(written) if written is not None else None
    if period is None:
        reader.diagnostics.error("value", f"'done' must be a month, quarter or day such as 2026-03, 2026-Q1 or "
                                          f"2026-03-15, got '{written}'", node.loc)
        return None
    return period.text


def _level(reader: Reader, node: YNode | None, key: str) -> int | None:
    if node is None or node.kind == "null":
        return None
    value = level_of(node.value)
    if value is None:
        written = node.raw or node.value
        reader.diagnostics.error(
            "value", f"'{key}' must be 1..5 or low, medium, high (низкий, средний, высокий), got '{written}'", node.loc)
    return value


def location(opportunity: Opportunity, key: str) -> SourceLocation | None:
    return opportunity.field_locations.get(key, opportunity.location)
