"""SVG building blocks and the palette the charts share: stable numbers, escaping, contrast."""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable, Mapping

SVG_NS = "http://www.w3.org/2000/svg"

NO_DATA_COLOUR = "#d5d8dc"
DARK_TEXT = "#1b1b1b"
LIGHT_TEXT = "#ffffff"
MUTED = "#5d6d7e"
GHOST = "#95a5a6"
EDGE_COLOUR = "#34495e"
LOOP_COLOUR = "#c0392b"
WARNING_COLOUR = "#c0392b"
MET_COLOUR = "#27ae60"
MISSED_COLOUR = "#c0392b"
FUNNEL_COLOUR = "#2471a3"

#: Average glyph advance as a share of the font size (DejaVu Sans, Latin and Cyrillic):
#: an estimate good enough to keep labels inside their boxes without measuring text.
CHAR_WIDTH_EM = 0.62


# --- colours -------------------------------------------------------------------------


def _luminance(colour: str) -> float:
    """WCAG relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [
        c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours (1..21)."""
    high, low = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_colour_on(fill: str) -> str:
    """Dark or white, whichever reads better on `fill`: labels stay legible."""
    if contrast_ratio(fill, DARK_TEXT) >= contrast_ratio(fill, LIGHT_TEXT):
        return DARK_TEXT
    return LIGHT_TEXT


# --- SVG building blocks -------------------------------------------------------------


def num(value: float) -> str:
    """Stable coordinates: one decimal, never `-0.0`, so output is byte-identical.
    (Formatting rounds as `round(value, 1)` does; only a value just below zero needs
    its sign dropped, which is cheaper than rounding first.)"""
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


@functools.lru_cache(maxsize=1 << 14)
def line_width(value: float) -> str:
    """A stroke width or dash length: `2`, `1.5`, `0.37` (scaled lines stay thin)."""
    return f"{round(value, 2) + 0.0:g}"


needs_escaping = re.compile("[&<>\"']").search  # what html.escape changes: most of a chart's strings have none


def esc(text: object) -> str:
    """Text for SVG markup, as html.escape writes it (a chart has hundreds of strings to check)."""
    text = text if type(text) is str else str(text)
    return html.escape(text, quote=True) if needs_escaping(text) else text


def _attrs(attrs: Mapping[str, object | None]) -> str:
    """Attributes in the given order; None drops one, floats get stable formatting."""
    return "".join([f' {name}="{_value(value)}"' for name, value in attrs.items() if value is not None])


def el(tag: str, attrs: Mapping[str, object | None], *children: str) -> str:
    """One element; children are already-built markup (text must go through `esc`)."""
    if not children:
        return f"<{tag}{_attrs(attrs)}/>"
    return f"<{tag}{_attrs(attrs)}>{''.join(children)}</{tag}>"


def tooltip(text: str) -> str:
    """A `<title>` child: the tooltip of its parent element."""
    return f"<title>{esc(text)}</title>"


def text_at(x: float, y: float, content: str, **attrs: object | None) -> str:
    """A `<text>` without font-family: the page's font (and its Cyrillic) applies."""
    merged: dict[str, object | None] = {"x": x, "y": y}
    merged.update({name.replace("_", "-"): value for name, value in attrs.items()})
    return el("text", merged, esc(content))


def svg_root(
    prefix: str,
    width: float,
    height: float,
    css_class: str,
    title: str,
    desc: str,
    body: Iterable[str],
) -> str:
    """The root element with its text alternative (`<title>` + `<desc>`); written out, as
    every chart of every page has one (the same bytes as through `el`)."""
    ids = esc(prefix)
    return (
        f'<svg xmlns="{SVG_NS}" class="{esc(css_class)}" viewBox="0 0 {num(width)} {num(height)}" '
        f'width="{_value(width)}" height="{_value(height)}" preserveAspectRatio="xMidYMid meet" role="img" '
        f'aria-labelledby="{ids}-title {ids}-desc"><title id="{ids}-title">{esc(title)}</title>'
        f'<desc id="{ids}-desc">{esc(desc)}</desc>{"".join(body)}</svg>'
    )


def _value(value: object) -> str:
    """An attribute's value: a float with stable formatting (digits, '.' and '-': nothing to
    escape), anything else escaped."""
    return num(value) if type(value) is float else esc(value)


def text_width(text: str, font_size: float) -> float:
    return len(text) * font_size * CHAR_WIDTH_EM


def truncate(text: str, width: float, font_size: float) -> str:
    """Shorten `text` with … so that it fits `width` viewBox units at `font_size`."""
    limit = max(1, int(width / (font_size * CHAR_WIDTH_EM)))
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)].rstrip() + "…"


def wrap(text: str, width: float, font_size: float, lines: int = 2) -> list[str]:
    """Greedy word wrap into at most `lines` lines; the last one is cut with ….

    Words are never split ("Осведомлённо-сть" misread as two words): size the box
    so that its longest word fits (`graph.min_node_width`)."""
    limit = max(1, int(width / (font_size * CHAR_WIDTH_EM)))
    out: list[str] = []
    words = text.split()
    while words and len(out) < lines - 1:
        line = words.pop(0)
        while words and len(line) + 1 + len(words[0]) <= limit:
            line += " " + words.pop(0)
        out.append(line)
    if words and len(" ".join(words)) > limit:  # the last line ends at a word, then …
        line = words.pop(0)
        while words and len(line) + 1 + len(words[0]) + 1 < limit:
            line += " " + words.pop(0)
        out.append(truncate(line + "…" if len(line) < limit else line, width, font_size))
    elif words:
        out.append(" ".join(words))
    return out or [""]
