"""What a theme's name and options may be: values that go into CSS must be CSS values.

A theme option is printed into pages (`accent` into a `<style>` element). HTML
escaping does not stop `red; } body { background: url(http://…) }`, which would
make every page fetch a remote URL, so options the default theme prints into
CSS are validated here, where `cjmgen.yml` is read, with file:line:column.
"""

from __future__ import annotations

import re
from typing import Any

#: A plain folder name under the installed themes: no path, nothing hidden.
_THEME_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")

#: A CSS colour: #rgb(a) / #rrggbb(aa), a named colour, or rgb()/hsl()/... with plain
#: arguments (no parentheses, quotes, semicolons or braces: nothing can close the rule).
_COLOUR = re.compile(
    r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})"
    r"|[a-zA-Z]{3,30}"
    r"|(?:rgb|rgba|hsl|hsla|hwb|lab|lch|oklab|oklch)\([0-9a-zA-Z.,%/+\- ]{1,80}\)"
)

#: Options whose value the default theme prints into CSS, and what each must be.
COLOUR_OPTIONS = ("accent",)


def theme_name_problem(name: str) -> str | None:
    """Why `name` cannot name an installed theme (a sentence), or None."""
    if _THEME_NAME.fullmatch(name):
        return None
    return (f"'{name[:80]}' is not a theme name: a theme is named (such as 'default'), not given as a path; "
            "put your own templates in theme.custom_dir, inside the repository")


def option_problem(key: str, value: Any) -> str | None:
    """Why a theme option's value cannot be used (a sentence), or None."""
    if key in COLOUR_OPTIONS and (not isinstance(value, str) or not _COLOUR.fullmatch(value.strip())):
        shown = repr(value)[:80]
        return f"expected a CSS colour such as '#1f6feb', 'teal' or 'rgb(31 111 235)', got {shown}"
    return None
