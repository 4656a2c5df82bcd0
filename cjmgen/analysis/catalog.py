"""Cross-references of the published maps: by segment, persona, owner, channel."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from cjmgen.content.model import Map, Stage, Touchpoint
from cjmgen.content.repository import Repository

Group = TypeVar("Group")


def _by_name(groups: Mapping[str, Group]) -> dict[str, Group]:
    """Groups in the order of their names, case aside (the order the site lists them)."""
    return dict(sorted(groups.items(), key=lambda kv: kv[0].casefold()))


@dataclass(frozen=True)
class StageRef:
    """A stage together with the map it belongs to."""

    map: Map
    stage: Stage


@dataclass(frozen=True)
class TouchpointRef:
    map: Map
    stage: Stage
    touchpoint: Touchpoint


@dataclass
class Catalog:
    repo: Repository
    maps: tuple[Map, ...]  # what is published (drafts only when asked for)
    by_segment: dict[str, list[Map]] = field(default_factory=dict)
    by_persona: dict[str, list[Map]] = field(default_factory=dict)
    by_owner: dict[str, list[StageRef]] = field(default_factory=dict)
    maps_by_owner: dict[str, list[Map]] = field(default_factory=dict)
    by_channel: dict[str, list[TouchpointRef]] = field(default_factory=dict)
    futures: dict[str, list[Map]] = field(default_factory=dict)  # current map id -> future maps

    @classmethod
    def build(cls, repo: Repository, drafts: bool = False) -> Catalog:
        maps = repo.published(drafts)
        by_segment: dict[str, list[Map]] = defaultdict(list)
        by_persona: dict[str, list[Map]] = defaultdict(list)
        by_owner: dict[str, list[StageRef]] = defaultdict(list)
        maps_by_owner: dict[str, list[Map]] = defaultdict(list)
        by_channel: dict[str, list[TouchpointRef]] = defaultdict(list)
        futures: dict[str, list[Map]] = defaultdict(list)
        for journey_map in maps:
            by_segment[journey_map.segment or ""].append(journey_map)
            for persona in journey_map.persona_ids:
                by_persona[persona].append(journey_map)
            if journey_map.owner:
                maps_by_owner[journey_map.owner].append(journey_map)
            if journey_map.current:
                futures[journey_map.current].append(journey_map)
            for stage in journey_map.stages:
                if stage.owner:
                    by_owner[stage.owner].append(StageRef(journey_map, stage))
                for touchpoint in stage.touchpoints:
                    by_channel[touchpoint.channel].append(TouchpointRef(journey_map, stage, touchpoint))
        return cls(
            repo, maps, _by_name(by_segment), _by_name(by_persona), _by_name(by_owner),
            _by_name(maps_by_owner), _by_name(by_channel), _by_name(futures),
        )

    @property
    def owners(self) -> list[str]:
        return sorted(set(self.by_owner) | set(self.maps_by_owner), key=str.casefold)

    @property
    def published_ids(self) -> set[str]:
        return {m.id for m in self.maps}

    def channel_name(self, channel_id: str) -> str:
        channels = self.repo.channels
        if channels and channel_id in channels:
            return channels[channel_id].name
        return channel_id

    def channel_kind(self, channel_id: str) -> str | None:
        channels = self.repo.channels
        return channels[channel_id].kind if channels and channel_id in channels else None

    def channel_ids(self) -> list[str]:
        """Catalog channels plus any free-text channel used by a published map."""
        ids = set(self.by_channel)
        if self.repo.channels:
            ids |= set(self.repo.channels)
        return sorted(ids, key=str.casefold)
