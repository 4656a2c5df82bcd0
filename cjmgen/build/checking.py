"""Every check of a build in one place, and when each runs.

The checks of `cjmgen check` run while the repository loads, all but one: the
links in a published map's body are checked while that map's page renders,
where the body is parsed anyway (parsing it twice would be the largest cost of a
check). What rendering finds, and what PDF rendering warns about, is admitted
here like the rest: at cjmgen.yml's `validation:` levels, and an error (a
warning with --strict) stops the build before the new site is swapped in. When
the build stops before rendering, the bodies are checked here instead, so every
problem of a run is reported at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cjmgen.build.writer import OutputError, check_output_location
from cjmgen.checks.levels import apply_levels, blocks
from cjmgen.config import SiteConfig
from cjmgen.diagnostics import Diagnostic, Diagnostics

if TYPE_CHECKING:
    from cjmgen.content.model import Map
    from cjmgen.content.project import LoadedProject


class Blocked(Exception):
    """Problems found after loading (in map bodies while rendering, PDF warnings with
    --strict) stop the build: they are in the diagnostics, and the old site stays."""


def leveled(diagnostics: Diagnostics | list[Diagnostic], config: SiteConfig) -> list[Diagnostic]:
    """The diagnostics at the levels of cjmgen.yml's `validation:` (levels.py)."""
    items = diagnostics.items if isinstance(diagnostics, Diagnostics) else diagnostics
    return apply_levels(items, dict(config.validation))


@dataclass(frozen=True)
class BuildChecks:
    config: SiteConfig
    strict: bool
    drafts: bool

    def body_with_page(self, journey_map: Map) -> bool:
        """Whether a map's body is checked while its page renders (a published map's)."""
        from cjmgen.content.repository import is_published

        return is_published(journey_map, self.drafts)

    def loaded(self, project: LoadedProject, config_diagnostics: Diagnostics, output: Path) -> bool:
        """Admit what loading found (and cjmgen.yml's problems); check where the site goes.
        Whether the build may go on."""
        diagnostics = project.diagnostics
        diagnostics.extend(config_diagnostics)
        diagnostics.items = leveled(diagnostics, self.config)
        if not diagnostics.has_errors:
            try:
                check_output_location(output, self.config.root, self.config.content_path)
            except OutputError as exc:
                diagnostics.error("output", str(exc))
        return not self.blocks(project)

    def blocks(self, project: LoadedProject) -> bool:
        return blocks(project.diagnostics.items, self.strict)

    def bodies_now(self, project: LoadedProject) -> None:
        """The bodies that pages would have checked: the build stops before rendering."""
        from cjmgen.checks.rules import RepositoryChecker

        RepositoryChecker(project.repo, project.diagnostics, project.as_of.date(), project.markdown).map_bodies(
            [m for m in project.repo.maps if self.body_with_page(m)])

    def admit(self, project: LoadedProject, found: list[Diagnostic], on_their_own: bool = False) -> None:
        """Problems found after loading, at their levels; Blocked when they stop the build.
        `on_their_own`: only these decide (PDF warnings), not the ones admitted before."""
        found = leveled(found, self.config)
        project.diagnostics.extend(found)
        if blocks(found if on_their_own else project.diagnostics.items, self.strict):
            raise Blocked()


def body_problems(project: LoadedProject, journey_map: Map) -> list[Diagnostic]:
    """The diagnostics of one map's body links (what `check` reports for them)."""
    from cjmgen.checks.rules import RepositoryChecker

    found = Diagnostics()
    RepositoryChecker(project.repo, found, project.as_of.date(), project.markdown).map_body(journey_map)
    return found.items
