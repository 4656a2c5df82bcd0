"""The index's filters: each map's facets (`data-facets` of its row) and the values to offer."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cjmgen.analysis.catalog import Catalog
from cjmgen.content.model import Map, Persona
from cjmgen.i18n.labels import Locale


@dataclass
class Facets:
    catalog: Catalog
    personas: Mapping[str, Persona]
    locale: Locale
    stale: Callable[[Map], bool]

    def map_facets(self, journey_map: Map) -> dict[str, Any]:
        """What the index filters read from a map's row (`data-facets`): one value or a list each."""
        owners = {journey_map.owner, *(s.owner for s in journey_map.stages)} - {None, ""}
        channels = {tp.channel for s in journey_map.stages for tp in s.touchpoints}
        return {
            "segment": journey_map.segment or "", "persona": journey_map.persona or "",
            "owner": sorted(owners, key=str.casefold), "channel": sorted(channels, key=str.casefold),
            "tag": list(journey_map.tags), "state": journey_map.state, "status": journey_map.status,
            "staleness": "stale" if self.stale(journey_map) else "fresh",
        }

    def filter_options(self, maps: Iterable[Map]) -> list[tuple[str, str, list[tuple[str, str]]]]:
        """The index filters: (facet, label, [(value, shown name)]), only values some map has."""
        facets = [self.map_facets(m) for m in maps]

        def values(key: str) -> list[str]:
            found: set[str] = set()
            for facet in facets:
                value = facet[key]
                found.update(value if isinstance(value, list) else [value])
            return sorted(found, key=str.casefold)

        personas = self.personas
        label = self.locale.label
        return [
            ("segment", label("segment"), [(v, v or label("without_segment")) for v in values("segment")]),
            ("persona", label("persona"),
             [(v, personas[v].name if v in personas else (v or label("without_persona"))) for v in values("persona")]),
            ("owner", label("owner"), [(v, v) for v in values("owner")]),
            ("channel", label("channel"), [(v, self.catalog.channel_name(v)) for v in values("channel")]),
            ("tag", label("tags"), [(v, v) for v in values("tag")]),
            ("state", label("state"), [(v, label(f"state_{v}")) for v in values("state")]),
            ("status", label("status"), [(v, label(f"status_{v}")) for v in values("status")]),
            ("staleness", label("staleness"), [(v, label(v)) for v in values("staleness")]),
        ]
