"""Files a map or persona links to that a browser would run as code on the site's origin.

A linked file is published under `files/` and served by the intranet's web server
from the site's own origin. An `.html` page or an SVG with a `<script>`, opened
from a link, runs that script with the site's cookies and storage: anyone who
can change a map could then act as every reader. So such files are refused
(an error at the link), never published:

- by name: pages and code a browser or a web server runs (`.html`, `.xhtml`,
  `.xml`, `.xsl`, `.svgz`, `.js`, `.php`, ...: ACTIVE_SUFFIXES);
- SVG images are read: one with a script, an event handler (`onload=`), a
  `javascript:` / `vbscript:` / non-image `data:` URL, embedded HTML
  (`foreignObject`, `iframe`, `object`, `embed`), an XML style sheet, or that is
  not well-formed XML is refused; an SVG of shapes, text, styles and raster
  images is published as it is.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import PurePosixPath

#: What a browser shows as a page (or a web server runs) rather than as a file.
ACTIVE_SUFFIXES = frozenset({
    ".html", ".htm", ".xhtml", ".xht", ".shtml", ".shtm", ".mht", ".mhtml", ".xml", ".xsl", ".xslt",
    ".svgz", ".js", ".mjs", ".swf", ".hta", ".php", ".phtml", ".php3", ".php4", ".php5", ".phar",
    ".asp", ".aspx", ".jsp", ".cgi", ".pl", ".py", ".rb", ".sh",
})
SVG_SUFFIX = ".svg"
#: SVG elements that run code or embed a document that can.
_ACTIVE_ELEMENTS = frozenset({"script", "foreignobject", "iframe", "frame", "object", "embed", "handler", "listener",
                              "applet", "base", "meta"})
#: `data:` URLs that are only pictures; any other (text/html, image/svg+xml) can hold a script.
_IMAGE_DATA = re.compile(r"data:image/(png|jpe?g|gif|webp|avif|bmp)[;,]")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


def suffix_problem(path: str) -> str | None:
    """Why a file may not be published by its name alone, or None."""
    suffix = PurePosixPath(path).suffix.lower()
    if suffix in ACTIVE_SUFFIXES:
        return (f"a '{suffix}' file is a page or code a browser (or web server) would run on the site's own "
                "origin; it is not published")
    return None


def needs_reading(path: str) -> bool:
    """Whether the file's bytes decide (an SVG)."""
    return PurePosixPath(path).suffix.lower() == SVG_SUFFIX


def svg_problem(data: bytes) -> str | None:
    """Why an SVG would run code when opened, or None when it is only a picture."""
    builder = ET.TreeBuilder(insert_pis=True)
    parser = ET.XMLParser(target=builder)
    try:
        parser.feed(data)
        root = parser.close()
    except (ET.ParseError, ValueError, RecursionError):
        return "an SVG that is not well-formed XML is not published (a browser may run part of it)"
    for element in root.iter():
        tag: object = element.tag  # the factory function itself for a processing instruction or a comment
        if tag is ET.ProcessingInstruction:
            if str(element.text or "").lower().lstrip().startswith("xml-stylesheet"):
                return "an SVG with an XML style sheet (<?xml-stylesheet?>) can run code: not published"
            continue
        if not isinstance(tag, str):
            continue
        name = _local(tag)
        if name in _ACTIVE_ELEMENTS:
            return f"an SVG with a <{name}> element can run code when opened: not published"
        for attribute, value in element.attrib.items():
            attribute_name = _local(attribute)
            if attribute_name.startswith("on"):
                return f"an SVG with an event handler ({attribute_name}=) runs code when opened: not published"
            problem = _url_problem(value)
            if problem:
                return f"an SVG whose {attribute_name}= {problem}: not published"
    return None


def _local(name: str) -> str:
    """`{namespace}name` or `prefix:name` as its lower-case local name."""
    return name.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()


def _url_problem(value: str) -> str | None:
    compact = _INVISIBLE.sub("", value).lower()
    for scheme in ("javascript:", "vbscript:"):
        if scheme in compact:
            return f"holds a {scheme} URL"
    for found in re.finditer(r"data:", compact):
        if not _IMAGE_DATA.match(compact, found.start()):
            return "holds a data: URL that is not a picture"
    return None
