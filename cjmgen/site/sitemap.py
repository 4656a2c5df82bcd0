"""`sitemap.xml`: every page of the site as a full URL, for the intranet's search crawler."""

from __future__ import annotations

from collections.abc import Iterable

from cjmgen.config import SiteConfig
from cjmgen.site import urls as site


def sitemap(config: SiteConfig, pages: Iterable[str]) -> str | None:
    """The sitemap, or None where the site's absolute address is unknown: a sitemap lists
    full URLs (sitemaps.org), and a list of paths misleads the crawlers that read it."""
    base = config.site_url or (config.base_url if "://" in config.base_url else None)
    if base is None:
        return None
    paths = sorted(p for p in pages if p.endswith(".html") and p != site.NOT_FOUND)
    rows = "".join(f"  <url><loc>{_xml(site.absolute(base, p))}</loc></url>\n" for p in paths)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{rows}</urlset>\n"
    )


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
