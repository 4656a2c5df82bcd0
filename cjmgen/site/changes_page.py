"""`changes.html` of `build --compare REV`: every map that differs from the compared
revision, as a visual diff in the site's own layout (review.page makes its context).

Only a build with `--compare` loads this module, and that build has loaded the diff
already: every other build renders without importing the review code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cjmgen.review.page import PAGE_PATH as PAGE_PATH  # the page's place, for the page plan
from cjmgen.review.page import context
from cjmgen.site import urls as site

if TYPE_CHECKING:
    from cjmgen.site.pages import PageWork
    from cjmgen.site.render import SiteRenderer


def render_changes_page(r: SiteRenderer, work: PageWork) -> str:
    """The page, linking each changed map to its page on this site."""

    def changes_link(map_id: str) -> str | None:
        """A map's page as the changes page links to it; None for a map the site does not show."""
        link = r.links.map_link(map_id)
        return site.relative(PAGE_PATH, link) if link else None

    return r.page(
        work, "diff.html", r.locale.label("what_changed"), layout="base.html", standalone=False,
        **context(r.changes, r.locale, r.lanes, dict(r.repo.config.lanes), changes_link,
                  {c: r.catalog.channel_name(c) for c in r.catalog.channel_ids()}),
    )
