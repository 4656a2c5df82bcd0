"""Load a repository from disk and check it: the shared first half of check and build."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cjmgen.build.gcpause import without_cyclic_gc
from cjmgen.checks.rules import check_repository
from cjmgen.config import ALLOW_OUTSIDE_CONTENT, SiteConfig, load_config
from cjmgen.content.gitio import source_date
from cjmgen.content.markdown import MarkdownRenderer
from cjmgen.content.model import Map
from cjmgen.content.repository import FileParser, Repository, parse_repository, read_sources, report_outside
from cjmgen.diagnostics import Diagnostics, SourceLocation
from cjmgen.i18n.catalog_check import check_catalogs


@dataclass
class LoadedProject:
    repo: Repository
    diagnostics: Diagnostics
    as_of: dt.datetime  # the build's reference date (see gitio.source_date)
    markdown: MarkdownRenderer


def load_project(
    root: Path, config: SiteConfig | None = None, markdown: MarkdownRenderer | None = None,
    as_of: dt.datetime | None = None, parse: FileParser | None = None, keep_sources: bool = True,
    bodies_later: Callable[[Map], bool] | None = None, permanent: bool = False,
    sources: dict[str, bytes] | None = None,
) -> LoadedProject:
    """Configuration, discovery, parsing and whole-repository checks; writes nothing.

    `keep_sources=False` lets the files' bytes go once parsed (the repository's
    `sources` stay empty): a build without --compare never reads them again.
    `bodies_later(map)`: leave that map's body links to the caller (see
    `checks.RepositoryChecker.bodies_later`), which parses the body anyway.
    `permanent`: the model lives until the process ends (a CLI build); see
    `without_cyclic_gc`. `sources`: the content files, when the caller read them
    already (`read_sources`).
    """
    diagnostics = Diagnostics()
    root = root.resolve()
    if config is None:
        config = load_config(root, diagnostics)
    markdown = markdown or MarkdownRenderer()
    content_missing(config, diagnostics)
    check_catalogs(config, diagnostics)
    content_outside(config, diagnostics)
    if sources is None:
        sources = read_sources(config)
    report_outside(sources, diagnostics)
    with without_cyclic_gc(freeze=permanent):
        repo = parse_repository(config, sources, diagnostics, parse, keep_sources)
        del sources
        as_of = as_of or source_date(root)
        check_repository(repo, diagnostics, as_of.date(), markdown, bodies_later)
    return LoadedProject(repo, diagnostics, as_of, markdown)


def content_missing(config: SiteConfig, diagnostics: Diagnostics) -> None:
    """An error when the content folder is not there (so there is nothing to check)."""
    if not config.content_path.is_dir():
        diagnostics.error(
            "content-dir",
            f"content directory '{config.content_dir}' does not exist",
            SourceLocation(config.source_path) if config.source_path else None,
            hint="run `cjmgen init` to start a repository, or set content_dir in cjmgen.yml",
        )


def content_outside(config: SiteConfig, diagnostics: Diagnostics) -> None:
    """An error when the content folder lies outside the repository (`content_dir: /elsewhere`,
    or `maps/` committed as a link to another folder) and the user did not allow it: a
    repository must not make cjmgen read and publish any folder of the machine."""
    if not config.content_outside or config.content_outside_allowed or not config.content_path.is_dir():
        return
    diagnostics.error(
        "content-outside",
        f"content directory '{config.content_dir}' is outside the repository ({config.content_path}): not read",
        config.content_dir_location or SourceLocation(config.content_dir),  # a link: the folder itself
        hint=f"to read it anyway, run `cjmgen --allow-outside-content ...` or set {ALLOW_OUTSIDE_CONTENT}=1",
    )

