"""Slides as PNG: WeasyPrint prints the slides' SVGs to a PDF, one page a slide, and
PDFium (pypdfium2) draws each page at 1920×1080 pixels.

WeasyPrint 70 writes no PNG. pypdfium2 comes as a self-contained wheel (PDFium built
in) and is already installed with the test tools (pdfplumber reads PDFs with it), and
Pillow, which writes the PNG, comes with WeasyPrint; so PNG needs nothing the `pdf`
extra does not already bring, and no system package: docs/reach.md has the options
measured. Imported only here, only when PNG or pptx is asked for.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from typing import Any

from cjmgen.interchange.slides import HEIGHT, WIDTH

#: A CSS pixel is 0.75 pt; PDFium's scale 1 is one pixel a point: 4/3 gives 1920 pixels.
_SCALE = 4 / 3

INSTALL_HINT = "install it with `pip install 'cjmgen[slides]'` (pypdfium2 and WeasyPrint; see docs/reach.md)"


class RasterUnavailable(Exception):
    """WeasyPrint or pypdfium2 cannot be loaded; the message says how to install them."""


def _pdfium() -> Any:
    try:
        import pypdfium2
    except ImportError as exc:
        raise RasterUnavailable(f"PNG slides need pypdfium2, which is not installed ({exc}); {INSTALL_HINT}") from exc
    return pypdfium2


def slides_pdf(svgs: Sequence[str]) -> bytes:
    """The slides as one PDF, a 1920×1080 px page each (the PNGs are drawn from it)."""
    from cjmgen.pdf.engine import PdfUnavailable, fetcher_class, import_weasyprint  # WeasyPrint lazily: heavy

    try:
        weasyprint = import_weasyprint()
    except PdfUnavailable as exc:
        raise RasterUnavailable(str(exc)) from exc
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
    pdfium = _pdfium()
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
    _pdfium()  # say what is missing before WeasyPrint spends seconds on the PDF
    return pdf_pngs(slides_pdf(svgs))
