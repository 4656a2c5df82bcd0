"""A map as a PowerPoint deck (`cjmgen export --format pptx`): a title slide, then one
slide a picture, the PNG slides of cjmgen.interchange.slides, full bleed at 16:9.

python-pptx writes the file (pure Python over lxml; the `pptx` extra). Pictures and not
shapes, because the slides are drawn once, as SVG, and the deck shows what the SVG and
PNG exports show. The package's parts carry no date of their own beyond the core
properties, which are set from the map (`reviewed`), so the same map gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence

from cjmgen.content.model import Map
from cjmgen.interchange.extras import optional_import

#: 16:9 at PowerPoint's default widescreen size, in EMU (13.333 × 7.5 in).
SLIDE_WIDTH, SLIDE_HEIGHT = 12192000, 6858000
_SIDE = 685800  # the title slide's margin, 0.75 in
#: A fixed time for the zip entries and the core properties of a map without `reviewed`.
_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def map_deck(journey_map: Map, subtitle: str, slides: Sequence[tuple[str, bytes]]) -> bytes:
    """The deck: a title slide (the map's title and `subtitle`), then each (title, PNG)."""
    pptx = optional_import("pptx", "pptx export", "pptx")
    deck = pptx.Presentation()
    deck.slide_width, deck.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    title_slide = deck.slides.add_slide(deck.slide_layouts[0])  # "Title Slide" of the default template
    title_slide.shapes.title.text = journey_map.title
    title_slide.placeholders[1].text = subtitle
    for shape in title_slide.placeholders:  # the default template's boxes are placed for 4:3
        shape.left, shape.width = _SIDE, SLIDE_WIDTH - 2 * _SIDE
    blank = deck.slide_layouts[6]  # "Blank"
    for title, png in slides:
        slide = deck.slides.add_slide(blank)
        slide.shapes.add_picture(io.BytesIO(png), 0, 0, SLIDE_WIDTH, SLIDE_HEIGHT).name = title
    when = dt.datetime.combine(journey_map.reviewed, dt.time(), dt.UTC) if journey_map.reviewed else _EPOCH
    properties = deck.core_properties
    properties.title = journey_map.title
    properties.author = properties.last_modified_by = "cjmgen"
    properties.created = properties.modified = when.replace(tzinfo=None)
    properties.revision = 1
    buffer = io.BytesIO()
    deck.save(buffer)
    return _same_bytes(buffer.getvalue(), when)


def _same_bytes(package: bytes, when: dt.datetime) -> bytes:
    """The zip rewritten with one date on every entry, in the same order: zipfile stamps
    each entry with the time of writing, and a deck of the same map must not differ."""
    stamp = when.timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
