"""Where every page of the site lives, and relative links between them.

All links in pages are relative, so the site works under any sub-path and from
a file share; `base_url` is used only where a URL must be absolute (sitemap,
404 page, PDF stamps). Pages are files (`maps/b2c/sofa.html`), not folders, so
that file:// browsing needs no index.html magic.
"""

from __future__ import annotations

import functools
import hashlib
import posixpath
import re
import unicodedata
from pathlib import Path
from typing import Any
from urllib.parse import quote


def slugify(text: str) -> str:
    """A URL- and id-friendly form that keeps Cyrillic letters: `Оценка и выбор` -> `оценка-и-выбор`."""
    text = unicodedata.normalize("NFC", text).casefold()
    text = re.sub(r"[^\w]+", "-", text, flags=re.UNICODE).strip("-_")
    return text or "item"


#: The longest slug a page is named after, in UTF-8 bytes: an owner, segment or channel is
#: free text, and a file name over 255 bytes is refused by the file system at build time.
SLUG_MAX = 200


def page_slug(text: str) -> str:
    """`slugify(text)` as a file name: a slug over SLUG_MAX bytes is cut and given a short
    hash of the whole, so that two long names that start alike keep two pages."""
    slug = slugify(text)
    if len(slug.encode("utf-8")) <= SLUG_MAX:
        return slug
    head = slug.encode("utf-8")[:SLUG_MAX - 11].decode("utf-8", "ignore")
    return f"{head}-{hashlib.sha256(slug.encode('utf-8')).hexdigest()[:10]}"


def map_url(map_id: str) -> str:
    return f"maps/{map_id}.html"


def map_pdf_url(map_id: str) -> str:
    return f"maps/{map_id}.pdf"


def persona_url(persona_id: str) -> str:
    return f"personas/{persona_id}.html"


def channel_url(channel_id: str) -> str:
    return f"channels/{page_slug(channel_id)}.html"


def owner_url(owner: str) -> str:
    return f"owners/{page_slug(owner)}.html"


def page_url(first_path: str, number: int) -> str:
    """Page `number` of a list that starts at `first_path`: `owners/sales.html`, then
    `owners/sales/page-2.html` (a folder per list: no slug of another list can clash)."""
    if number <= 1:
        return first_path
    return f"{first_path.removesuffix('.html')}/page-{number}.html"


def segment_url(segment: str) -> str:
    return f"segments/{page_slug(segment)}.html"


def static_url(name: str) -> str:
    return f"static/{name}"


def file_url(repo_path: str) -> str:
    """Where a repository file (an image, an attachment) is published."""
    return f"files/{repo_path}"


def extra_files(config: Any) -> dict[str, Path]:
    """cjmgen.yml's `extra_css` and `extra_javascript` (SiteConfig): site path -> the
    repository file published there, beside the repository's other files."""
    return {file_url(path): config.root / path for path in (*config.extra_css, *config.extra_javascript)}


INDEX = "index.html"
PERSONAS = "personas/index.html"
CHANNELS = "channels/index.html"
OWNERS = "owners/index.html"
SEGMENTS = "segments/index.html"
NOT_FOUND = "404.html"
SITEMAP = "sitemap.xml"


def relative(from_page: str, to_target: str) -> str:
    """A URL from one site file to another (or to an anchor on one), percent-encoded."""
    target, _, fragment = to_target.partition("#")
    if target == from_page and fragment:
        return "#" + quote(fragment)
    path = _relative_path(target or from_page, from_page)
    url = quote(path, safe="/")
    return f"{url}#{quote(fragment)}" if fragment else url


def _relative_path(target: str, from_page: str) -> str:
    """posixpath.relpath(target, dirname(from_page)) for clean site paths, without its
    abspath and getcwd per call (every link of every page comes here)."""
    start = from_page.split("/")[:-1]
    parts = target.split("/")
    if any(p in ("", ".", "..") for p in start) or any(p in ("", ".", "..") for p in parts):
        return posixpath.relpath(target, posixpath.dirname(from_page) or ".")
    common = 0
    for mine, theirs in zip(start, parts):
        if mine != theirs:
            break
        common += 1
    return "/".join([".."] * (len(start) - common) + parts[common:]) or "."


def absolute(base_url: str, target: str) -> str:
    return base_url + quote(target, safe="/")


@functools.lru_cache(maxsize=1 << 14)
def stage_anchor(stage_id: str) -> str:
    return f"stage-{slugify(stage_id)}"
