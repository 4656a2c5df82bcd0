"""The page every HTML address of the preview shows while the site does not build.

It is the theme's `serve_error.html` (a theme or `theme.custom_dir` can restyle
it), in the site's language with the theme's catalogs. When the theme is what
fails (a broken template, a missing theme), the default theme's page is shown
instead, with the built-in catalogs: the problems must reach the browser whatever
they are.
"""

from __future__ import annotations

import jinja2
from markupsafe import Markup

from cjmgen.config import SiteConfig
from cjmgen.i18n.labels import Locale
from cjmgen.site.render import TEMPLATE_FAULTS
from cjmgen.site.theme import Theme, ThemeError, find_theme, load_theme, make_environment

TEMPLATE = "serve_error.html"
DEFAULT_THEME = "default"


def failed_build_page(config: SiteConfig | None, diagnostics_html: str) -> str:
    """The page for a build that failed with `diagnostics_html` (checks.report.format_html)."""
    language = config.language if config is not None else "en"
    own = _site_theme(config)
    if own is not None:
        try:
            return _render(own, Locale(language, own.catalog_folders()), diagnostics_html)
        except (jinja2.TemplateError, OSError, *TEMPLATE_FAULTS):
            pass  # the theme's own page fails too: the default one says what is wrong
    fallback = Theme(DEFAULT_THEME, find_theme(DEFAULT_THEME), None, {})
    return _render(fallback, Locale(language), diagnostics_html)


def _site_theme(config: SiteConfig | None) -> Theme | None:
    if config is None:
        return None
    try:
        return load_theme(config)
    except (ThemeError, OSError, ValueError):
        return None


def _render(theme: Theme, locale: Locale, diagnostics_html: str) -> str:
    template = make_environment(theme).get_template(TEMPLATE)
    return template.render(T=locale.text, L=locale, language=locale.language,
                           diagnostics=Markup(diagnostics_html))  # escaped by format_html
