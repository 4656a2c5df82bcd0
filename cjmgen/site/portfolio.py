"""The portfolio page: every tracked opportunity of the published maps, its filters and
its impact × effort matrix.

Only opportunities written as mappings with tracking fields (`content.opportunities`)
are listed: a site without them has no portfolio page and no link to one, so it stays
as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

from cjmgen.analysis import measures
from cjmgen.analysis.opportunity_effect import KpiSince, kpi_since, kpi_since_in_history
from cjmgen.content import opportunities as opp
from cjmgen.content.model import KPI, Map, Opportunity, Stage
from cjmgen.content.repository import Repository
from cjmgen.review.kpi_history import kpi_key
from cjmgen.site.urls import slugify

#: The page's site path.
PATH = "portfolio.html"
#: The page's script and style sheet: theme templates written under static/ only for a site with a portfolio.
ASSETS = ("portfolio.js", "portfolio.css")
#: Facet value of an opportunity written without a status.
NO_STATUS = "none"


@dataclass(frozen=True)
class Entry:
    """One opportunity as the portfolio lists it."""

    map: Map
    stage: Stage
    opportunity: Opportunity
    anchor: str  # its row's id on the page
    ticket_url: str | None
    kpi: KPI | None  # the KPI it should move, found in its map
    kpi_stage: Stage | None
    since: KpiSince | None = None  # a done one's KPI before and after it shipped: from the data, or git

    @property
    def ticket_label(self) -> str | None:
        """The ticket as shown: an id as written, a link's last part (`CRM-77`)."""
        ticket = self.opportunity.ticket
        if ticket and self.ticket_url == ticket:
            return ticket.rstrip("/").rsplit("/", 1)[-1] or ticket
        return ticket

    @property
    def status(self) -> str:
        return self.opportunity.status or NO_STATUS

    @property
    def owner(self) -> str | None:
        """Its own owner, else the stage's: who answers for the stage answers for its ideas."""
        return self.opportunity.owner or self.stage.owner

    @property
    def impact_band(self) -> str | None:
        return opp.band(self.opportunity.impact)

    @property
    def effort_band(self) -> str | None:
        return opp.band(self.opportunity.effort)

    def facets(self) -> dict[str, Any]:
        """What the filters read from its row (`data-facets`, static/filters.js): a list where it may have none."""
        return {
            "status": self.status, "owner": [self.owner] if self.owner else [], "map": self.map.id,
            "stage": self.stage.id, "segment": [self.map.segment] if self.map.segment else [],
        }


def entries(maps: Iterable[Map], repo: Repository, history: Mapping[str, Any] | None = None) -> list[Entry]:
    """The portfolio's rows, in the order of the maps and their stages. A KPI shows its
    latest measured value where the map's data files have one (analysis.measures).
    `history`: each map's git history by path (review.history.MapHistory), from which a done
    opportunity's typed KPI says whether it moved."""
    out: list[Entry] = []
    used: set[str] = set()
    for journey_map in maps:
        if not opp.has_structured(journey_map):
            continue
        series = measures.map_measures(journey_map, repo)
        shown = measures.measured_map(journey_map, series)
        for (stage, opportunity), (shown_stage, _) in zip(opp.opportunities(journey_map), opp.opportunities(shown)):
            found = opp.find_kpi(shown, shown_stage, opportunity.kpi) if opportunity.kpi else None
            since = None
            if found is not None and opportunity.status == "done":
                kpi_stage, kpi = found
                measured = series.series(kpi_stage.id, kpi.id)
                if measured:
                    since = kpi_since(opportunity.done, measured, kpi.better)
                elif history and journey_map.path in history:
                    trail = history[journey_map.path].kpi_trail(kpi_stage.id, kpi_key(kpi))
                    since = kpi_since_in_history(opportunity.done, trail, kpi.better)
            out.append(Entry(
                journey_map, stage, opportunity, _anchor(journey_map, stage, opportunity, used),
                opp.ticket_url(opportunity.ticket, repo.config.tickets),
                found[1] if found else None, found[0] if found else None, since,
            ))
    return out


def _anchor(journey_map: Map, stage: Stage, opportunity: Opportunity, used: set[str]) -> str:
    """A row id unique on the page: from the opportunity's id, else its map, stage and text."""
    base = "opp-" + slugify(opportunity.id or f"{journey_map.id}-{stage.id}-{opportunity.text}")[:80]
    anchor, number = base, 1
    while anchor in used:
        number += 1
        anchor = f"{base}-{number}"
    used.add(anchor)
    return anchor


def filter_options(rows: Sequence[Entry], label: Callable[[str], str]) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The filters: (facet, label, [(value, shown name)]), each only with values some row has."""
    statuses = [s for s in (*opp.STATUSES, NO_STATUS) if any(e.status == s for e in rows)]
    owners = sorted({e.owner for e in rows if e.owner}, key=str.casefold)
    maps = list(dict.fromkeys((e.map.id, e.map.title) for e in rows))
    stage_names: dict[str, str] = {}
    for entry in rows:
        stage_names.setdefault(entry.stage.id, entry.stage.name)
    segments = sorted({e.map.segment for e in rows if e.map.segment}, key=str.casefold)
    return [
        ("status", label("opportunity_status"), [(s, label(f"opportunity_{slugify(s)}")) for s in statuses]),
        ("owner", label("owner"), [(o, o) for o in owners]),
        ("map", label("map"), maps),
        ("stage", label("stage"), sorted(stage_names.items(), key=lambda item: item[1].casefold())),
        ("segment", label("segment"), [(s, s) for s in segments]),
    ]


def matrix(rows: Sequence[Entry]) -> list[tuple[str, list[tuple[str, list[Entry]]]]]:
    """Impact (high first) × effort (low first): [(impact band, [(effort band, entries)])].
    Opportunities without both figures are not placed."""
    return [
        (impact, [(effort, [e for e in rows if e.impact_band == impact and e.effort_band == effort])
                  for effort in opp.BANDS])
        for impact in reversed(opp.BANDS)
    ]


def stage_filter(journey_map: Map, stage: Stage) -> str | None:
    """The portfolio's filter state (its URL's hash, as filters.js keeps it) that shows one
    stage of one map; None for a stage without tracked opportunities."""
    if not any(isinstance(item, Opportunity) for item in stage.opportunities):
        return None
    return f"map={quote_plus(journey_map.id, safe='/')}&stage={quote_plus(stage.id, safe='/')}"
