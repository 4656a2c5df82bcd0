"""Rendering the planned pages: which process renders which, which are kept, where each goes.

The renderer turns one page spec into text; this module decides, for each spec
in the plan's order, whether this process renders it (its `Share`), whether
serve's page cache or the CLI's page reuse already has it, and hands the text
to `write`. Nothing here knows a template.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cjmgen.build.workers import Share
from cjmgen.diagnostics import Diagnostic
from cjmgen.incremental.codestamp import code_stamp
from cjmgen.incremental.page_reuse import BodyLinks, PageRecord, PageReuse
from cjmgen.site.pages import PageSpec, PageWork

if TYPE_CHECKING:
    from cjmgen.site.render import SiteRenderer
    from cjmgen.site.theme import Theme


@dataclass
class PageCache:
    """Rendered pages kept between builds of `serve`, each under the key of its inputs.

    A page is reused only when its key (everything its template reads that is
    not global) equals the key it was rendered with, and the global key (config,
    theme files, date, options, channel catalog) is unchanged: so an
    incremental build gives the bytes of a full one.
    """

    global_key: Any = None
    pages: dict[str, tuple[Any, str, dict[str, str]]] = field(default_factory=dict)
    rendered: int = 0
    reused: int = 0
    # Which changed pages may wait (serve renders the edited map's page at once and the
    # pages that list every map when they are asked for, or when the server is idle).
    defer: Callable[[str], bool] | None = None
    pending: dict[str, Callable[[], tuple[str, dict[str, str]]]] = field(default_factory=dict)

    def begin(self, global_key: Any) -> None:
        """A new build: forget every page when what every page depends on changed."""
        if self.global_key != global_key:
            self.pages.clear()
            self.global_key = global_key


def keeps_pages(theme: Theme) -> bool:
    """`keep_pages: false` is a theme whose pages show more than their keys hold (README,
    Themes): each of its pages is rendered every time."""
    return bool(theme.options.get("keep_pages", True))


@dataclass
class RenderedPages:
    """What one process's share of the pages gave."""

    paths: list[str] = field(default_factory=list)  # written or kept, in the plan's order
    files: dict[str, str] = field(default_factory=dict)  # site path -> repository path to publish
    late: list[Diagnostic] = field(default_factory=list)  # what the body checks found
    records: dict[str, PageRecord] = field(default_factory=dict)  # the CLI's page reuse: this build's pages


@dataclass
class PageRun:
    """Render this process's share of the planned pages, each handed to `write(path, text)`."""

    renderer: SiteRenderer
    write: Callable[[str, str], None]
    share: Share = field(default_factory=Share)
    cache: PageCache | None = None  # serve's pages of earlier builds
    reuse: PageReuse | None = None  # a CLI build: pages of the last build kept when unchanged

    def __post_init__(self) -> None:
        self.links = self.renderer.links
        # The digest of a key several specs share (the search index's hundreds of parts are
        # keyed by every map): worked out once, by the key's identity.
        self._shared_digests: dict[int, tuple[Any, str]] = {}
        if self.cache is not None:
            self.cache.begin(self.renderer.global_key())

    @functools.cached_property
    def reuse_global(self) -> str:
        assert self.reuse is not None
        return self.reuse.names.digest((code_stamp(), self.renderer.global_key()))

    def run(self, specs: list[PageSpec]) -> RenderedPages:
        out = RenderedPages()
        for number, spec in enumerate(specs):
            if self.share.mine(number, spec.pinned):
                self.one(spec, out)
        if self.reuse is not None:
            out.records = self.reuse.records
        return out

    def one(self, spec: PageSpec, out: RenderedPages) -> None:
        key = spec.key() if callable(spec.key) else spec.key
        if key is None:  # never kept
            self.rendered(spec.path, *self.render(spec), out)
            return
        body = next((part for part in key if isinstance(part, BodyLinks)), None) if isinstance(key, tuple) else None
        cache = self.cache
        if cache is not None:
            if body is not None:  # in memory: the links' state itself is the key
                key = tuple(self.links.links_key(p) if isinstance(p, BodyLinks) else p for p in key)
            hit = cache.pages.get(spec.path)
            if hit is not None and hit[0] == key:
                self.rendered(spec.path, hit[1], hit[2], [], out)
                cache.reused += 1
                return
            if cache.defer is not None and cache.defer(spec.path):
                cache.pending[spec.path] = functools.partial(self.render_into_cache, spec, key)
                return
            text, files = self.render_into_cache(spec, key)
            self.rendered(spec.path, text, files, [], out)
        elif self.reuse is not None:
            self.render_or_keep(spec, key, body, out, shared=not callable(spec.key))
        else:
            self.rendered(spec.path, *self.render(spec), out)

    def rendered(self, path: str, text: str, files: dict[str, str], late: list[Diagnostic],
                 out: RenderedPages) -> None:
        self.write(path, text)
        out.paths.append(path)
        out.files.update(files)
        out.late.extend(late)

    def render(self, spec: PageSpec, work: PageWork | None = None) -> tuple[str, dict[str, str], list[Diagnostic]]:
        work = work or PageWork(spec.path)
        return spec.render(work), work.files, work.late

    def render_into_cache(self, spec: PageSpec, key: Any) -> tuple[str, dict[str, str]]:
        """Render a page and keep it in serve's cache under `key`: its text and published files.
        Called at once, or later for a page the cache put off."""
        assert self.cache is not None
        text, files, _ = self.render(spec)
        self.cache.pages[spec.path] = (key, text, files)
        self.cache.rendered += 1
        return text, files

    def render_or_keep(self, spec: PageSpec, key: Any, body: BodyLinks | None, out: RenderedPages,
                       shared: bool = False) -> None:
        """A CLI build: keep the last build's page if its key is unchanged, else render it.
        `shared`: the key is the spec's own object, which other specs may hold too."""
        reuse = self.reuse
        assert reuse is not None
        known = self._shared_digests.get(id(key)) if shared else None
        if known is not None and known[0] is key:
            digest = known[1]
        else:
            digest = reuse.names.digest((self.reuse_global, key))
            if shared:
                self._shared_digests[id(key)] = (key, digest)
        kept = reuse.keep(spec.path, digest, body, self.links.link_states)
        if kept is not None:  # listed, not written: the old file is linked
            out.paths.append(spec.path)
            out.files.update(kept.files)
            out.late.extend(kept.late)
            return
        store = reuse.pieces
        work = PageWork(spec.path, pieces=store.open(spec.path, self.reuse_global) if store is not None else None)
        text, files, late = self.render(spec, work)
        if store is not None and work.pieces is not None and work.pieces.new:
            store.save(spec.path, self.reuse_global, work.pieces)
        self.rendered(spec.path, text, files, late, out)
        links = self.links.body_link_states(body) if body is not None else []
        reuse.records[spec.path] = PageRecord(digest, links, dict(files), late)
