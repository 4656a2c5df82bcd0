"""WeasyPrint, imported only here and only when a PDF is rendered: fetcher, log, fitting.

Everything in this module runs in the process that renders (a worker of the
pool, or the main process for a single PDF). A job is plain data (the print
HTML and what it may fetch); its result is the PDF bytes plus what happened:
the URLs the fetcher refused and WeasyPrint's own warnings.
"""

from __future__ import annotations

import base64
import contextlib
import io
import logging
import math
import re
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, unquote_to_bytes, urlsplit
from urllib.request import url2pathname

from cjmgen.build.faults import wait_point
from cjmgen.pdf.layout import MIN_ROOT_FONT
from cjmgen.pdf.libraries import gone_without

INSTALL_HINT = (
    "install it with `pip install 'cjmgen[pdf]'` and its system libraries "
    "(Debian/Ubuntu: `apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0`; "
    "see docs/pdf.md), or build without PDFs: `cjmgen build --no-pdf`"
)

#: Bounds on what the fetcher serves.
MAX_DATA_URL_BYTES = 2 * 1024 * 1024
MAX_FILE_BYTES = 32 * 1024 * 1024
CONTENT_TYPES = {
    ".css": "text/css", ".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff",
    ".woff2": "font/woff2", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".gif": "image/gif", ".svg": "image/svg+xml", ".webp": "image/webp",
}
DATA_TYPES = {"image/png", "image/jpeg", "image/gif", "image/svg+xml", "image/webp"}
REFUSED = "cjmgen refused"  # marks our refusals in WeasyPrint's log lines

FONT_MARKER = re.compile(r"--s: (?P<size>[\d.]+)pt; /\*cjm-fit(?::(?P<id>[\w-]+))?\*/")


class PdfUnavailable(Exception):
    """WeasyPrint or one of its system libraries cannot be loaded."""


def import_weasyprint() -> Any:
    """The weasyprint module, or PdfUnavailable with the fix in its message."""
    try:
        # WeasyPrint prints a banner of links on stdout when a library is missing, before the
        # OSError: the message below says what to install, once, on cjmgen's own output.
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            # Said at import when HarfBuzz-Subset is missing; the build says it once, with the fix.
            warnings.filterwarnings("ignore", "HarfBuzz-Subset will be required", DeprecationWarning)
            import weasyprint
            from weasyprint.pdf import fonts
    except ImportError as exc:
        raise PdfUnavailable(f"PDF output needs WeasyPrint, which is not installed ({exc}); {INSTALL_HINT}") from exc
    except OSError as exc:  # Pango, HarfBuzz or fontconfig missing: cffi cannot load them
        raise PdfUnavailable(
            f"WeasyPrint is installed but a system library it needs is missing ({exc}); {INSTALL_HINT}"
        ) from exc
    _keep_font_timestamps(fonts)
    return weasyprint


def _keep_font_timestamps(fonts: Any) -> None:
    """Embedded fonts keep their own `head.modified` date, so the same input gives the same PDF.

    WeasyPrint rewrites a font with fontTools when it subsets without HarfBuzz-Subset (and
    for variable and colour fonts); fontTools then stamps the font with the time of day,
    unless told not to. WeasyPrint 70 offers no option, so its module gets a TTFont that is
    told not to (a subclass: `isinstance` checks still hold).
    """
    base = getattr(fonts, "TTFont", None)
    if base is None or getattr(base, "keeps_timestamp", False):
        return

    class TimestampKeepingTTFont(base):  # type: ignore[misc,valid-type]  # a class found at run time
        keeps_timestamp = True

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("recalcTimestamp", False)
            super().__init__(*args, **kwargs)

    fonts.TTFont = TimestampKeepingTTFont


@dataclass(frozen=True)
class FitSpec:
    """Refine the type scale: start from `font`, stay within bounds, fill `sheets` pages."""

    font: float
    min_font: float
    max_font: float
    sheets: int


@dataclass(frozen=True)
class Job:
    """One PDF to render: plain, picklable data."""

    name: str  # output path in the site, e.g. maps/b2c/sofa.pdf
    html: str
    base_url: str
    roots: tuple[str, ...]  # folders the fetcher may read from
    identifier: str  # fixed PDF /ID: the same input gives the same bytes
    variant: str | None = None
    fit: FitSpec | None = None
    shrink_sheets: bool = False  # (handout) re-render with smaller type any sheet that overflows


@dataclass
class JobResult:
    name: str
    pdf: bytes
    pages: int
    font: float | None = None
    refused: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)
    log: list[str] = field(default_factory=list)  # WeasyPrint warnings we did not expect
    attempts: int = 1
    seconds: float = 0.0
    fallbacks: list[str] = field(default_factory=list)  # optional libraries it went without (keys)


# --- the fetcher --------------------------------------------------------------------


def _inside(path: Path, root: Path) -> bool:
    try:
        relative = path.relative_to(root)
    except ValueError:
        return False
    return not any(part.startswith(".") for part in relative.parts)


def check_file_url(url: str, roots: tuple[Path, ...]) -> tuple[Path | None, str]:
    """The real path a file: URL may be served from, or None and the reason why not."""
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        return None, "file URLs on another host are not read"
    path = Path(url2pathname(unquote(parts.path)))
    if not path.is_absolute():
        return None, "not an absolute path"
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return None, "no such file"
    if not any(_inside(real, root) for root in roots):
        return None, "the file is outside the repository and the theme"
    if not real.is_file():
        return None, "not a regular file"
    if real.suffix.lower() not in CONTENT_TYPES:
        return None, f"'{real.suffix or real.name}' files are not embedded (only images, fonts and stylesheets)"
    if real.stat().st_size > MAX_FILE_BYTES:
        return None, f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB"
    return real, ""


def decode_data_url(url: str, limit: int = MAX_DATA_URL_BYTES) -> tuple[bytes | None, str, str]:
    """(bytes, media type, problem) of a data: URL, refusing big or non-image ones."""
    if len(url) > limit * 4 // 3 + 256:
        return None, "", f"data URL larger than {limit // 1024} KB"
    header, comma, payload = url[5:].partition(",")
    if not comma:
        return None, "", "malformed data URL"
    fields = header.split(";")
    media = (fields[0] or "text/plain").strip().lower()
    if media not in DATA_TYPES:
        return None, "", f"data URLs of type '{media}' are not embedded (only images)"
    try:
        if "base64" in (f.strip().lower() for f in fields[1:]):
            body = base64.b64decode(unquote(payload), validate=False)
        else:
            body = unquote_to_bytes(payload)
    except ValueError:
        return None, "", "malformed data URL"
    if len(body) > limit:
        return None, "", f"data URL larger than {limit // 1024} KB"
    return body, media, ""


_FETCHER: type | None = None


def fetcher_class() -> type:
    """A `weasyprint.urls.URLFetcher` subclass that reads only allowed files, no network."""
    global _FETCHER  # noqa: PLW0603 - the class is made once per process, on first use
    if _FETCHER is not None:
        return _FETCHER
    import_weasyprint()
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SafeFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint has no types: a subclass of Any
        """Serves files under `roots` (symlinks and `..` resolved first) and small image data URLs."""

        def __init__(self, roots: tuple[str, ...], data_limit: int | None = None) -> None:
            super().__init__(timeout=1, allowed_protocols={"file", "data"}, allow_redirects=False)
            self.roots = tuple(Path(r).resolve() for r in roots)
            self.data_limit = MAX_DATA_URL_BYTES if data_limit is None else data_limit
            self.refused: list[tuple[str, str]] = []

        def refuse(self, url: str, reason: str) -> None:
            self.refused.append((url, reason))
            raise ValueError(f"{REFUSED} {_short(url)}: {reason}")

        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = url.split(":", 1)[0].lower() if ":" in url else ""
            if scheme == "data":
                body, media, problem = decode_data_url(url, self.data_limit)
                if body is None:
                    self.refuse(url, problem)
                return URLFetcherResponse(url[:64], body, {"Content-Type": media})
            if scheme == "file":
                real, problem = check_file_url(url, self.roots)
                if real is None:
                    self.refuse(url, problem)
                    raise AssertionError  # unreachable: refuse raises
                content_type = CONTENT_TYPES[real.suffix.lower()]
                return URLFetcherResponse(real.as_uri(), real.read_bytes(), {"Content-Type": content_type})
            self.refuse(url, "no network access during a build: only files inside the repository are embedded")
            raise AssertionError  # unreachable

    _FETCHER = SafeFetcher
    return SafeFetcher


def _short(url: str) -> str:
    return url if len(url) <= 80 else url[:77] + "..."


# --- WeasyPrint's log ---------------------------------------------------------------


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []
        self.fallbacks: list[str] = []  # expected warnings: an optional library is missing

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a broken log call must not break the render
            message = str(record.msg)
        if REFUSED in message:
            return
        library = gone_without(message)
        if library is not None:
            self.fallbacks.append(library.key)
        else:
            self.messages.append(f"{record.levelname.lower()}: {message}")


class capture_log:
    """Collect WeasyPrint's warnings and errors (and keep them off stderr)."""

    def __enter__(self) -> _Collector:
        self.logger = logging.getLogger("weasyprint")
        self.handler = _Collector()
        self.logger.addHandler(self.handler)
        self.propagate = self.logger.propagate
        self.logger.propagate = False
        return self.handler

    def __exit__(self, *exc: object) -> None:
        self.logger.removeHandler(self.handler)
        self.logger.propagate = self.propagate


# --- rendering ----------------------------------------------------------------------


def with_font(html: str, font: float) -> str:
    return FONT_MARKER.sub(f"--s: {font:.2f}pt; /*cjm-fit*/", html, count=1)


def shrink_overflowing(html: str, fills: dict[str, float]) -> str | None:
    """Smaller type for every marked sheet group (`/*cjm-fit:ID*/`) whose sheets overflow a page."""
    changed = False

    def replace(match: re.Match[str]) -> str:
        nonlocal changed
        group = match["id"]
        fill = max((v for k, v in fills.items() if group and k.startswith(group)), default=0.0)
        if fill <= 1.0:
            return match[0]
        size = float(match["size"])
        font = max(MIN_ROOT_FONT, size * math.sqrt(1 / fill) * 0.97)
        if font >= size:
            return match[0]  # the smallest legible size already: the sheet flows onto another page
        changed = True
        return f"--s: {font:.2f}pt; /*cjm-fit:{group}*/"

    out = FONT_MARKER.sub(replace, html)
    return out if changed else None


def _boxes(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", ()) or ():
        yield from _boxes(child)


def sheet_fill(document: Any) -> dict[str, float]:
    """For each `.sheet` element: the share of a page's content height it uses (summed over pages)."""
    used: dict[str, float] = {}
    for page in document.pages:
        page_box = page._page_box
        top = page_box.content_box_y()
        avail = page_box.height
        for box in _boxes(page_box):
            element = getattr(box, "element", None)
            if element is None or getattr(box, "element_tag", None) != "section":
                continue
            if "sheet" not in (element.get("class") or "").split():
                continue
            bottom = box.position_y + box.margin_height() - top
            key = element.get("id") or "sheet"
            used[key] = used.get(key, 0.0) + bottom / avail
    return used


def render_job(job: Job) -> JobResult:
    """Lay out and write one PDF; with a FitSpec, adjust the type until the sheets fill their pages."""
    wait_point("pdf-render")
    started = time.perf_counter()
    weasyprint = import_weasyprint()
    from weasyprint.text.fonts import FontConfiguration

    fetcher = fetcher_class()(job.roots)
    font_config = FontConfiguration()
    options: dict[str, Any] = {"pdf_variant": job.variant} if job.variant else {}
    cache: dict[str, Any] = {}

    def layout(html: str) -> Any:
        return weasyprint.HTML(string=html, base_url=job.base_url, url_fetcher=fetcher).render(
            font_config=font_config, cache=cache, **options,
        )

    attempts = 0
    with capture_log() as log:
        font = None
        if job.fit is None:
            html = job.html
            document = layout(html)
            attempts = 1
            while job.shrink_sheets and attempts < 3:
                smaller = shrink_overflowing(html, sheet_fill(document))
                if smaller is None:
                    break
                html = smaller
                document = layout(html)
                attempts += 1
        else:
            document, font, attempts = _fit(job.fit, job.html, layout)
        pdf = document.write_pdf(pdf_identifier=job.identifier.encode("ascii"), **options)
    refused = list(dict.fromkeys(fetcher.refused))
    return JobResult(
        job.name, pdf, len(document.pages), font, refused, _unique(log.messages), attempts,
        time.perf_counter() - started, _unique(log.fallbacks),
    )


#: A layout that fits and fills at least this share of its page is kept. The estimate aims at
#: TARGET_FILL, and the text model's spread (about -7 % .. +4 % of the height) stays inside
#: [ACCEPT_FILL, 1.0], so most maps are laid out once. 0.86 leaves at worst a strip of about
#: 4 cm under the grid of an A3 sheet (the side column and the footer still frame the page;
#: the bench maps' first layouts fill 0.88-1.0). With 0.93 it took 1.9 layouts a map.
ACCEPT_FILL = 0.86
#: ... and of a map printed on several sheets (type at the smallest legible size pushes
#: dense maps there): its fullest sheet lands at 0.74-0.82 and one step larger overflowed
#: on every bench map, so growing only cost a second layout.
ACCEPT_FILL_SHEETS = 0.74
TARGET_FILL = 0.93
#: How the height of a sheet follows the root font: height ~ font ** FILL_POWER (measured
#: 1.4 .. 1.9 on the bench maps: the text grows with the font, and rewraps in narrower columns).
FILL_POWER = 1.7
OVERFLOW_FILL = 1.06
MAX_LAYOUTS = 4


def _fit(fit: FitSpec, html: str, layout: Any) -> tuple[Any, float, int]:
    """Measure, then grow or shrink the root font at most three times; keep the largest that fits.

    An overflowing layout reports a fill above 1 that says little (the whole last row moved to
    the next page), so a shrink takes it as at most OVERFLOW_FILL.
    """
    font = fit.font
    best: tuple[Any, float] | None = None
    last: tuple[Any, float] | None = None
    tried: set[float] = set()
    attempt = 0
    for attempt in range(1, MAX_LAYOUTS + 1):  # noqa: B007 - returned: the layouts it took
        tried.add(round(font, 2))
        document = layout(with_font(html, font))
        last = (document, font)
        fills = sheet_fill(document)
        fill = max(fills.values(), default=1.0)
        fits = len(document.pages) <= fit.sheets and fill <= 1.0
        if fits:
            if best is None or font > best[1]:
                best = (document, font)
            if fill >= (ACCEPT_FILL if fit.sheets == 1 else ACCEPT_FILL_SHEETS) or font >= fit.max_font - 0.01:
                break
            grown = min(fit.max_font, font * (TARGET_FILL / max(fill, 0.05)) ** (1 / FILL_POWER))
            if grown - font < 0.05 or round(grown, 2) in tried:
                break
            font = grown
        else:
            if best is not None:
                break  # the larger size overflowed: keep the one that fitted
            if font <= fit.min_font + 0.01:
                break  # smallest legible size: the grid flows onto more pages, nothing is cut
            # Over 1, the fill counts the whole page the last row left: the real excess is
            # smaller (measured 1.078 reported for about 1.02), so it is capped.
            shrunk = font * (TARGET_FILL / min(max(fill, 1.0), OVERFLOW_FILL)) ** (1 / FILL_POWER)
            font = max(fit.min_font, shrunk)
            if round(font, 2) in tried:
                font = max(fit.min_font, font * 0.97)
    chosen = best or last
    assert chosen is not None
    return chosen[0], round(chosen[1], 2), attempt


def _unique(messages: list[str]) -> list[str]:
    return list(dict.fromkeys(messages))


def worker_init() -> None:
    """Pool initializer: fail early and identically in every worker if WeasyPrint is missing."""
    import_weasyprint()
