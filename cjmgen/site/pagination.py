"""Long lists cut into pages: an owner's stages, a channel's touchpoints.

At 1,000 maps an owner answers for about a thousand stages: one page of them
was 2-4 MB of HTML, slow to open, and rebuilt whole after any edit of any map
it lists. Cut into pages of `per_page` rows (theme option), a page is light and
an edit remakes only the page that holds the edited map's rows. The first page
keeps the list's own URL, so every link to the list still lands on its start.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeGuard, TypeVar

from cjmgen.site import urls as site

T = TypeVar("T")

DEFAULT_PER_PAGE = 100


@dataclass(frozen=True)
class Pagination:
    """Where a page sits among the pages of one list: `number` counts from 1, `pages`
    holds the site path of every page, the first first."""

    number: int
    pages: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.pages)

    @property
    def previous(self) -> str | None:
        return self.pages[self.number - 2] if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.pages[self.number] if self.number < len(self.pages) else None

    @property
    def links(self) -> list[tuple[int, str]]:
        """(number, path) of every page, for the page list."""
        return list(enumerate(self.pages, start=1))


def on_first_page(pagination: Pagination | None) -> bool:
    """Whether a page is a list's first (or only) page."""
    return pagination is None or pagination.number == 1


def paginate(first_path: str, items: Sequence[T], per_page: int) -> list[tuple[str, tuple[T, ...], Pagination | None]]:
    """[(site path, the page's items, its Pagination)]: one entry with Pagination None
    when the list fits one page (or `per_page` is 0: never cut)."""
    if per_page <= 0 or len(items) <= per_page:
        return [(first_path, tuple(items), None)]
    chunks = [tuple(items[start:start + per_page]) for start in range(0, len(items), per_page)]
    paths = tuple(site.page_url(first_path, number) for number in range(1, len(chunks) + 1))
    return [(paths[index], chunk, Pagination(index + 1, paths)) for index, chunk in enumerate(chunks)]


def valid_count(value: object) -> TypeGuard[int]:
    """A whole number, 0 or more: rows a page, maps a handout volume (`cjmgen.yml` is checked with this)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


PER_PAGE_EXPECTED = "expected a whole number of rows, 0 or more (0: one page)"


def per_page_option(options: dict[str, Any]) -> int:
    """The theme option `per_page` (rows of a list on one page; 0: no cutting).
    ValueError with a message a user can act on if it is not a whole number >= 0."""
    value = options.get("per_page", DEFAULT_PER_PAGE)
    if value is None:
        return DEFAULT_PER_PAGE
    if not valid_count(value):
        raise ValueError(f"theme option per_page: {PER_PAGE_EXPECTED}, got {value!r}")
    return value
