"""Slides as PNG: WeasyPrint prints the slides' SVGs to a PDF, one page a slide, and
PDFium (pypdfium2) draws each page at 1920×1080 pixels.

WeasyPrint 70 writes no PNG. pypdfium2 comes as a self-contained wheel (PDFium built
in; the test tools already install it for pdfplumber), and Pillow, which writes the
PNG, comes with WeasyPrint: the `slides` extra needs no system package beyond
WeasyPrint's own. docs/reach.md has the options measured. Imported only when PNG or
pptx is asked for.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

from cjmgen.interchange.extras import MissingExtra, optional_import
from cjmgen.interchange.slides import HEIGHT, WIDTH

#: A CSS pixel is 0.75 pt; PDFium's scale 1 is one pixel a point: 4/3 gives 1920 pixels.
_SCALE = 4 / 3


def slides_pdf(svgs: Sequence[str]) -> bytes:
    """The slides as one PDF, a 1920×1080 px page each (the PNGs are drawn from it)."""
    from cjmgen.pdf.engine import PdfUnavailable, fetcher_class, import_weasyprint  # WeasyPrint lazily: heavy

    try:
        weasyprint = import_weasyprint()
    except PdfUnavailable as exc:
        raise MissingExtra(f"{exc} (PNG slides: `pip install 'cjmgen[slides]'`)") from exc
    urls = [f"data:image/svg+xml;base64,{base64.b64encode(svg.encode()).decode()}" for svg in svgs]
    # the build's fetcher with no folder to read: a slide's own data URL, nothing else
    fetch = fetcher_class()((), data_limit=max(map(len, urls), default=0))
    pages = "".join(f'<img src="{url}" alt="">' for url in urls)
    html = (f"<!DOCTYPE html><html><head><style>@page {{ size: {WIDTH}px {HEIGHT}px; margin: 0 }} "
            f"body {{ margin: 0 }} img {{ display: block; width: {WIDTH}px; height: {HEIGHT}px; "
            f"break-after: page }}</style></head><body>{pages}</body></html>")
    pdf: bytes = weasyprint.HTML(string=html, url_fetcher=fetch).write_pdf()
    return pdf


def pdf_pngs(pdf: bytes) -> list[bytes]:
    """Each page of `pdf` as a PNG of 1920×1080 pixels (same PDF, same bytes)."""
    pdfium = optional_import("pypdfium2", "PNG slides", "slides")
    document = pdfium.PdfDocument(pdf)
    try:
        out = []
        for index in range(len(document)):
            page = document[index]
            image = page.render(scale=_SCALE).to_pil().convert("RGB")
            if image.size != (WIDTH, HEIGHT):  # rounding of the page size in points
                image = image.resize((WIDTH, HEIGHT))
            buffer = io.BytesIO()
            image.save(buffer, format="PNG", optimize=True)
            out.append(buffer.getvalue())
            page.close()
        return out
    finally:
        document.close()


def slide_pngs(svgs: Sequence[str]) -> list[bytes]:
    """Each slide as a PNG."""
    optional_import("pypdfium2", "PNG slides", "slides")  # say so before WeasyPrint spends seconds
    if not svgs:
        return []  # WeasyPrint would print one blank page
    return pdf_pngs(slides_pdf(svgs))
