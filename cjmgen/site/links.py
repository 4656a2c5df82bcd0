"""A page's links: where the targets of a body lead, which repository files a page
publishes, and how a body's local links resolve now (part of a kept page's key)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cjmgen.analysis.catalog import Catalog
from cjmgen.config import SiteConfig
from cjmgen.content.assets import active_problem, resolve_asset
from cjmgen.content.markdown import MarkdownRenderer, UrlResolver, is_external, is_local
from cjmgen.content.model import Map, Persona
from cjmgen.content.repository import Repository, classify
from cjmgen.incremental.page_reuse import BodyLinks
from cjmgen.site import urls as site

if TYPE_CHECKING:
    from cjmgen.site.pages import PageWork


@dataclass
class Links:
    """Links of the published site (one per render: published maps are the catalog's)."""

    repo: Repository
    catalog: Catalog
    markdown: MarkdownRenderer

    @property
    def config(self) -> SiteConfig:
        return self.repo.config

    def resolver(self, work: PageWork, referrer: str) -> UrlResolver:
        """Turn link and image targets in a body into URLs relative to the page `work.path`."""
        page_path = work.path

        def resolve(url: str, kind: str) -> str | None:
            if url.startswith("#"):
                return url
            if is_external(url):
                return None if kind == "image" else url
            if not is_local(url):
                return None  # data:, javascript: and other schemes
            found = resolve_asset(url, referrer, self.config)
            if found.path is None:
                return None
            suffix = f"#{found.fragment}" if found.fragment else ""
            kind_id = classify(found.path, self.config)
            if kind_id and kind_id[0] == "map":
                linked = self.published_by_path.get(found.path)
                return site.relative(page_path, site.map_url(linked.id)) + suffix if linked else None
            if kind_id and kind_id[0] == "persona" and kind_id[1] in self.repo.personas:
                return site.relative(page_path, site.persona_url(kind_id[1])) + suffix
            return self.publish_file(work, found.path) + suffix

        return resolve

    def publish_file(self, work: PageWork, repo_path: str) -> str:
        """Publish a repository file with the page `work.path`; its URL from that page."""
        target = site.file_url(repo_path)
        work.files[target] = repo_path
        return site.relative(work.path, target)

    @functools.cached_property
    def published_ids(self) -> frozenset[str]:
        """The catalog's published ids, computed once (the catalog rebuilds the set per call)."""
        return frozenset(self.catalog.published_ids)

    @functools.cached_property
    def published_by_path(self) -> dict[str, Map]:
        """Published maps by repository path (the first of duplicates, as a linear search)."""
        found: dict[str, Map] = {}
        for journey_map in self.catalog.maps:
            found.setdefault(journey_map.path, journey_map)
        return found

    def map_link(self, map_id: str) -> str | None:
        return site.map_url(map_id) if map_id in self.published_ids else None

    def photo(self, persona: Persona, work: PageWork) -> str | None:
        if not persona.photo:
            return None
        found = resolve_asset(persona.photo, persona.path, self.config)
        return self.publish_file(work, found.path) if found.path else None

    def links_key(self, body: BodyLinks) -> tuple[tuple[Any, ...], ...]:
        """`body_link_states` as a hashable part of a page's key (serve's page cache)."""
        return tuple(tuple(state) for state in self.body_link_states(body))

    def body_link_states(self, body: BodyLinks) -> list[list[Any]]:
        """How the local links and images of a body resolve now (see `link_states`)."""
        return self.link_states(body.referrer, self.local_targets(body.body))

    def local_targets(self, body: str) -> list[str]:
        """The local link and image targets of a Markdown body, in order."""
        return [ref.target for ref in self.markdown.references(body) if is_local(ref.target)]

    def link_states(self, referrer: str, targets: list[str]) -> list[list[Any]]:
        """[target, repository path, linked map id / whether the persona exists / why the
        file may not be published] of each target: a kept page whose SVG gained a script
        since is rendered (and its body checked) again."""
        out = []
        for target in targets:
            found = resolve_asset(target, referrer, self.config)
            kind_id = classify(found.path, self.config) if found.path else None
            linked: str | bool | None = None
            if kind_id and kind_id[0] == "map":
                linked = found_map.id if (found_map := self.published_by_path.get(found.path or "")) else None
            elif kind_id and kind_id[0] == "persona":
                linked = kind_id[1] in self.repo.personas
            elif found.path is not None:
                linked = active_problem(found.path, self.config)
            out.append([target, found.path, linked])
        return out

    def photo_key(self, persona: Persona | None) -> str | None:
        if persona is None or not persona.photo:
            return None
        return resolve_asset(persona.photo, persona.path, self.config).path
