"""Which optional features the stages of a page use, decided once in Python.

Moments, personas on items, tracked opportunities, exits, stage times, detail
maps, KPI history, edit links, citable sources: a map page's templates would
otherwise ask about each of them for every stage and every item (an attribute
look-up or a call through Jinja's sandbox each time), and most maps use none.
With these flags the templates skip whole branches and macro calls for a map
without them; a map that uses a feature renders it as before. Other pages have
`features` none: their item lists ask `items_marked` of each list instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from operator import attrgetter

from cjmgen.content.lanes import ITEM_LANES
from cjmgen.content.model import Item, Opportunity, Stage


@dataclass(frozen=True)
class Features:
    """What the stages of one page use; every flag true draws everything, as the templates
    did before they asked."""

    item_marks: bool = True  # an item is a moment, names its persona or is a tracked opportunity
    moments: bool = True  # a stage is a moment that matters
    exits: bool = True  # a stage lists where customers leave
    times: bool = True  # a stage says when it happens
    details: bool = True  # a stage opens a detail map (analysis/hierarchy.py)
    kpi_history: bool = True  # the map's git history has typed KPI values to draw trends from
    tracked: bool = True  # an opportunity is tracked: its stage links the portfolio
    stage_edits: bool = True  # the stage cards carry edit links (cjmgen.yml repo_url)
    cites: bool = True  # the map lists sources: a `source:` may be a key that links to one


def features_of(
    stages: Iterable[Stage], *, details: bool = True, kpi_history: bool = True, stage_edits: bool = True,
    cites: bool = True,
) -> Features:
    """The features `stages` use; the rest (`details`...) the caller knows from outside the stages."""
    marks = moments = exits = times = tracked = False
    for stage in stages:  # one pass: it runs for every map page
        moments = moments or stage.moment is not None
        exits = exits or bool(stage.exits)
        times = times or bool(stage.time)
        tracked = tracked or any(isinstance(item, Opportunity) for item in stage.opportunities)
        marks = marks or _marked(stage)
    return Features(marks or tracked, moments, exits, times, details, kpi_history, tracked, stage_edits, cites)


#: A stage's lists of items in its built-in lanes, in one call.
_ITEM_LISTS = attrgetter(*(lane.key for lane in ITEM_LANES))


def _marked(stage: Stage) -> bool:
    """Whether an item of the stage is a moment or names its persona."""
    for items in (*_ITEM_LISTS(stage), *(items for _, items in stage.lanes)):
        for item in items:
            if item.moment or item.persona:
                return True
    return False


def items_marked(items: Iterable[Item]) -> bool:
    """Whether one of `items` is a moment, names its persona or is a tracked opportunity: what
    an item list asks on a page without `features` (an owner's page lists stages of many maps,
    most of them kept from the last build: flags for the page would load every one)."""
    return any(item.moment or item.persona or isinstance(item, Opportunity) for item in items)
