"""The site configuration (`cjmgen.yml`): a frozen dataclass, every key defaulted."""

from __future__ import annotations

import difflib
import functools
import os
import posixpath
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cjmgen.checks.levels import DEFAULT_LEVELS, LEVELS, lowers_an_error
from cjmgen.content import opportunities
from cjmgen.content.emotion_scale import DEFAULT_SCALE, EmotionScale, read_scale
from cjmgen.content.frontmatter import decode
from cjmgen.content.yamltree import YNode, parse_yaml
from cjmgen.diagnostics import Diagnostics, SourceLocation
from cjmgen.paths import RealPaths, contains, resolves_within
from cjmgen.pdf.handout_volumes import DEFAULT_HANDOUT_MAPS
from cjmgen.site.edit_links import normalise_repo_url, template_problem
from cjmgen.site.pagination import PER_PAGE_EXPECTED, valid_count
from cjmgen.site.theme_options import option_problem, theme_name_problem

CONFIG_FILE = "cjmgen.yml"
#: A language as cjmgen.yml names it: `de`, `pt-BR`. Which ones have a catalog, built in or
#: from the theme, `cjmgen check` says (cjmgen.i18n.catalog_check).
LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")
PAGE_SIZES = ("A5", "A4", "A3", "A2", "A1", "A0", "Letter", "Legal", "Tabloid")


PDF_VARIANTS = ("pdf/ua-1",)


@dataclass(frozen=True)
class PdfConfig:
    page_size: str = "A3 landscape"
    enabled: bool = True
    variant: str | None = None  # pdf/ua-1: tagged, accessible PDFs
    handout: bool = True  # `build` also writes handout.pdf
    handout_maps: int = DEFAULT_HANDOUT_MAPS  # most maps in one handout file; 0: one file (handout_volumes.py)


@dataclass(frozen=True)
class SiteConfig:
    root: Path
    title: str = "Customer journey maps"
    language: str = "en"
    base_url: str = "/"
    site_url: str | None = None  # the absolute address it is published at (MkDocs' site_url)
    content_dir: str = "maps"
    output_dir: str = "site"
    author: str | None = None
    theme_name: str = "default"
    theme_custom_dir: str | None = None
    theme_options: tuple[tuple[str, Any], ...] = ()
    stale_after_days: int = 180
    kpi_stale_after_days: int = 90  # measured KPIs whose last period ended longer ago are flagged
    lanes: tuple[tuple[str, str], ...] = ()
    emotion_scale: EmotionScale = DEFAULT_SCALE  # every map's, unless the map sets its own
    pdf: PdfConfig = field(default_factory=PdfConfig)
    cosmetic_fields: tuple[str, ...] = ()  # fields whose changes `diff` reports as info
    strict: bool = False  # as --strict: warnings fail check, build and serve
    validation: tuple[tuple[str, str], ...] = ()  # diagnostic code -> level (levels.py)
    extra_css: tuple[str, ...] = ()  # repository files linked from every page (MkDocs' extra_css)
    extra_javascript: tuple[str, ...] = ()
    # "Edit" and "suggest a change" links on map and persona pages, as MkDocs' keys (site/edit_links.py)
    repo_url: str | None = None
    edit_uri: str | None = None
    edit_uri_template: str | None = None
    tickets: str | None = None  # the address of a ticket by id: https://jira.example.com/browse/{id}
    source_path: str | None = None  # the config file, when there is one
    # A content folder outside the repository (content_dir: /elsewhere, or maps/ committed as
    # a link) is read only when the user asked (ALLOW_OUTSIDE_CONTENT); where cjmgen.yml set it.
    content_outside_allowed: bool = field(default=False, compare=False, repr=False)
    content_dir_location: SourceLocation | None = field(default=None, compare=False, repr=False)
    output_dir_location: SourceLocation | None = field(default=None, compare=False, repr=False)
    language_location: SourceLocation | None = field(default=None, compare=False, repr=False)

    @property
    def content_path(self) -> Path:
        return (self.root / self.content_dir).resolve()

    @property
    def content_outside(self) -> bool:
        """The content folder, its links followed, is not inside the repository."""
        return not contains(str(self.root.resolve()), str(self.content_path))

    @property
    def output_path(self) -> Path:
        return (self.root / self.output_dir).resolve()

    @functools.cached_property
    def real_paths(self) -> RealPaths:
        """Where this repository's paths really lead, each looked up once while this config
        lives (one build, one rebuild of serve): content.assets resolves every body link."""
        return RealPaths(self.root)

    def shaping_pages(self) -> SiteConfig:
        """The configuration without the keys that change what a run reports, never a page
        (strict, validation): what page and PDF keys hold, so that a new level keeps them."""
        return replace(self, strict=False, validation=())

    def shaping_pdfs(self) -> SiteConfig:
        """As shaping_pages, without the pages' extra style sheets and scripts either."""
        return replace(self.shaping_pages(), extra_css=(), extra_javascript=())

    def with_overrides(self, **changes: Any) -> SiteConfig:
        """A copy with the CLI's flags applied; flags not given stay out."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


_KEYS = (
    "title", "language", "base_url", "content_dir", "output_dir", "author",
    "theme", "stale_after_days", "kpi_stale_after_days", "lanes", "pdf", "diff", "strict", "validation",
    "extra_css", "extra_javascript", "site_url", "repo_url", "edit_uri", "edit_uri_template", "tickets",
    "emotion_scale",
)


def normalise_base_url(url: str) -> str:
    """`/cjm` and `cjm/` both mean `/cjm/`; full URLs keep their scheme and host."""
    url = url.strip() or "/"
    if "://" not in url and not url.startswith("/"):
        url = "/" + url
    return url if url.endswith("/") else url + "/"


def normalise_site_url(url: str) -> str | None:
    """`https://host/cjm` -> `https://host/cjm/`; None unless an absolute http(s) URL without query."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        return None
    return url.strip().rstrip("/") + "/"


def site_url_path(site_url: str) -> str:
    """The base URL a site published at `site_url` is served from: its path."""
    return urlsplit(site_url).path or "/"


#: The setting that lets cjmgen read a content folder outside the repository; the command
#: line's `cjmgen --allow-outside-content ...` sets it for its own run.
ALLOW_OUTSIDE_CONTENT = "CJMGEN_ALLOW_OUTSIDE_CONTENT"


def load_config(root: Path, diagnostics: Diagnostics) -> SiteConfig:
    """Read `cjmgen.yml` in `root` if present; problems go to `diagnostics`."""
    path = root / CONFIG_FILE
    config = SiteConfig(root=root, content_outside_allowed=os.environ.get(ALLOW_OUTSIDE_CONTENT, "") not in ("", "0"))
    if not path.is_file():
        return config
    text = decode(path.read_bytes(), CONFIG_FILE, diagnostics)
    if text is None:
        return config
    node = parse_yaml(text, CONFIG_FILE, diagnostics)
    if node is None:
        return replace(config, source_path=CONFIG_FILE)
    if node.kind != "map":
        diagnostics.error("config", "cjmgen.yml must be a mapping of settings", node.loc)
        return config
    return _ConfigReader(diagnostics, root).read(node, replace(config, source_path=CONFIG_FILE))


@dataclass
class _ConfigReader:
    diagnostics: Diagnostics
    root: Path

    def read(self, node: YNode, config: SiteConfig) -> SiteConfig:
        values: dict[str, Any] = {}
        fields: dict[str, YNode] = node.value
        for key, value in fields.items():
            if key not in _KEYS:
                self._unknown(key, value, _KEYS)
        for key in ("title", "author", "content_dir", "output_dir"):
            if key in fields:
                text = self._text(key, fields[key])
                if text is not None:
                    values[key] = text
        for key in ("content_dir", "output_dir"):
            if key in fields:
                values[f"{key}_location"] = fields[key].loc
        if "language" in fields:
            lang = self._text("language", fields["language"])
            if lang is not None and not LANGUAGE_TAG.fullmatch(lang):
                self._error(fields["language"], f"language: expected a language code such as en, ru or pt-BR, "
                                                f"got '{lang}'")
            elif lang:
                values["language"] = lang
                values["language_location"] = fields["language"].loc
        if "base_url" in fields:
            base = self._text("base_url", fields["base_url"])
            if base is not None:
                values["base_url"] = normalise_base_url(base)
        if "site_url" in fields:
            values.update(self._site_url(fields["site_url"], "base_url" in fields))
        for key in ("stale_after_days", "kpi_stale_after_days"):
            days = fields.get(key)
            if days is not None and (days.kind != "int" or days.value < 1):
                self._error(days, f"{key}: expected a whole number of days, at least 1")
            elif days is not None:
                values[key] = days.value
        if "theme" in fields:
            values.update(self._theme(fields["theme"]))
        if "lanes" in fields:
            values["lanes"] = self._lanes(fields["lanes"])
        if "emotion_scale" in fields:
            scale = read_scale(fields["emotion_scale"], self._error)
            if scale is not None:
                values["emotion_scale"] = scale
        if "pdf" in fields:
            values["pdf"] = self._pdf(fields["pdf"])
        if "diff" in fields:
            values["cosmetic_fields"] = self._diff(fields["diff"])
        if "strict" in fields:
            if fields["strict"].kind != "bool":
                self._error(fields["strict"], "strict: expected true or false")
            else:
                values["strict"] = fields["strict"].value
        if "validation" in fields:
            values["validation"] = self._validation(fields["validation"])
        for key in ("extra_css", "extra_javascript"):
            if key in fields:
                values[key] = self._repository_files(key, fields[key])
        values.update(self._edit_links(fields))
        if "tickets" in fields:
            pattern = self._text("tickets", fields["tickets"])
            problem = opportunities.pattern_problem(pattern) if pattern is not None else None
            if problem is not None:
                self._error(fields["tickets"], problem)
            elif pattern is not None:
                values["tickets"] = pattern.strip()
        return replace(config, **values)

    def _error(self, node: YNode, message: str) -> None:
        self.diagnostics.error("config", message, node.loc)

    def _unknown(self, key: str, node: YNode, known: tuple[str, ...] | list[str]) -> None:
        close = difflib.get_close_matches(key, list(known), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        self.diagnostics.warning(
            "unknown-key", f"unknown setting '{key}'{hint}", node.key_loc or node.loc
        )

    def _site_url(self, node: YNode, base_given: bool) -> dict[str, str]:
        """site_url, and base_url from its path unless base_url is set too."""
        text = self._text("site_url", node)
        url = normalise_site_url(text) if text is not None else None
        if text is not None and url is None:
            self._error(node, f"site_url: expected an absolute http(s) address such as "
                              f"https://intranet.example.com/cjm/, got '{text}'")
        if url is None:
            return {}
        return {"site_url": url} if base_given else {"site_url": url, "base_url": site_url_path(url)}

    def _edit_links(self, fields: dict[str, YNode]) -> dict[str, str]:
        """repo_url (an http(s) address: it becomes a link on every map page), edit_uri and
        edit_uri_template (MkDocs' fields only)."""
        out: dict[str, str] = {}
        if "repo_url" in fields:
            text = self._text("repo_url", fields["repo_url"])
            url = normalise_repo_url(text) if text is not None else None
            if text is not None and url is None:
                self._error(fields["repo_url"], f"repo_url: expected an http(s) address of the repository such as "
                                                f"https://github.com/team/cjm, got '{text}'")
            elif url is not None:
                out["repo_url"] = url
        if "edit_uri" in fields:
            node = fields["edit_uri"]
            uri = "" if node.kind == "null" else self._text("edit_uri", node)
            if uri is not None and uri.strip() and urlsplit(uri.strip()).scheme not in ("", "http", "https"):
                self._error(node, f"edit_uri: expected a path such as edit/main/ or an http(s) address, got '{uri}'")
            elif uri is not None:
                out["edit_uri"] = uri.strip()
        if "edit_uri_template" in fields:
            template = self._text("edit_uri_template", fields["edit_uri_template"])
            problem = template_problem(template) if template is not None else None
            if problem is not None:
                self._error(fields["edit_uri_template"], f"edit_uri_template: {problem}")
            elif template is not None:
                out["edit_uri_template"] = template
        if out.keys() & {"edit_uri", "edit_uri_template"} and "repo_url" not in fields:
            where = fields.get("edit_uri") or fields["edit_uri_template"]
            self.diagnostics.warning("unknown-key", "edit_uri needs repo_url: without it no page has edit links",
                                     where.key_loc or where.loc)
        return out

    def _text(self, key: str, node: YNode) -> str | None:
        if node.kind in ("str", "int"):
            return str(node.value)
        self._error(node, f"{key}: expected text")
        return None

    def _theme(self, node: YNode) -> dict[str, Any]:
        if node.kind == "str":
            name = self._theme_name("theme", node)
            return {"theme_name": name} if name is not None else {}  # refused: the error is reported
        if node.kind != "map":
            self._error(node, "theme: expected a name or a mapping {name, custom_dir, ...}")
            return {}
        out: dict[str, Any] = {}
        options = []
        for key, value in node.value.items():
            if key == "name":
                out["theme_name"] = self._theme_name("theme.name", value)
            elif key == "custom_dir":
                out["theme_custom_dir"] = self._custom_dir(value)
            elif key == "per_page" and not valid_count(value.plain()):
                self._error(value, f"theme.per_page: {PER_PAGE_EXPECTED}, got {value.plain()!r}")
            elif (problem := option_problem(key, value.plain())) is not None:
                self._error(value, f"theme.{key}: {problem}")
            else:
                options.append((key, value.plain()))
        out["theme_options"] = tuple(options)
        return {k: v for k, v in out.items() if v is not None}

    def _theme_name(self, key: str, node: YNode) -> str | None:
        """A theme is named, never given as a path: `theme: /abs/path` or `../../x` would
        load templates and files from anywhere (themes.theme_name_problem)."""
        name = self._text(key, node)
        problem = theme_name_problem(name) if name is not None else None
        if problem is not None:
            self._error(node, f"{key}: {problem}")
            return None
        return name

    def _custom_dir(self, node: YNode) -> str | None:
        """A relative folder that stays in the repository (load_theme also checks where its
        links lead)."""
        folder = self._text("theme.custom_dir", node)
        if folder is None:
            return None
        normal = posixpath.normpath(folder.replace("\\", "/"))
        if posixpath.isabs(normal) or normal == ".." or normal.startswith("../"):
            self._error(node, f"theme.custom_dir: '{folder}' is outside the repository; "
                              "keep the overrides in a folder of the repository, such as overrides/")
            return None
        return folder

    def _lanes(self, node: YNode) -> tuple[tuple[str, str], ...]:
        if node.kind != "map":
            self._error(node, "lanes: expected a mapping of key: label")
            return ()
        lanes = []
        for key, value in node.value.items():
            label = self._text(f"lanes.{key}", value)
            lanes.append((key, label or key))
        return tuple(lanes)

    def _pdf(self, node: YNode) -> PdfConfig:
        if node.kind == "bool":
            return PdfConfig(enabled=bool(node.value))
        if node.kind != "map":
            self._error(node, "pdf: expected a mapping {page_size: A3 landscape}")
            return PdfConfig()
        pdf = PdfConfig()
        for key, value in node.value.items():
            if key == "page_size":
                size = self._text("pdf.page_size", value)
                if size is not None:
                    name = size.split()[0] if size.split() else ""
                    if name.casefold() not in {s.casefold() for s in PAGE_SIZES}:
                        self._error(value, "pdf.page_size: expected a size like 'A3 landscape' "
                                           f"({', '.join(PAGE_SIZES)}), got '{size}'")
                    else:
                        pdf = replace(pdf, page_size=size)
            elif key == "enabled":
                pdf = replace(pdf, enabled=bool(value.value))
            elif key == "handout":
                pdf = replace(pdf, handout=bool(value.value))
            elif key == "handout_maps":
                if valid_count(value.plain()):
                    pdf = replace(pdf, handout_maps=value.plain())
                else:
                    self._error(value, "pdf.handout_maps: expected a whole number of maps a volume, 0 or more "
                                f"(0: the whole handout in one file), got {value.plain()!r}")
            elif key == "variant":
                variant = self._text("pdf.variant", value)
                if variant is not None and variant.lower() not in PDF_VARIANTS:
                    self._error(value, f"pdf.variant: expected one of {', '.join(PDF_VARIANTS)}, got '{variant}'")
                elif variant:
                    pdf = replace(pdf, variant=variant.lower())
            else:
                self._unknown(key, value, ["page_size", "enabled", "variant", "handout", "handout_maps"])
        return pdf

    def _diff(self, node: YNode) -> tuple[str, ...]:
        if node.kind != "map":
            self._error(node, "diff: expected a mapping {cosmetic: [field, ...]}")
            return ()
        cosmetic = node.value.get("cosmetic")
        for key, value in node.value.items():
            if key != "cosmetic":
                self._unknown(key, value, ["cosmetic"])
        if cosmetic is None:
            return ()
        items = cosmetic.value if cosmetic.kind == "seq" else [cosmetic]
        return tuple(str(i.value) for i in items if i.kind in ("str", "int"))


    def _validation(self, node: YNode) -> tuple[tuple[str, str], ...]:
        if node.kind != "map":
            self._error(node, "validation: expected a mapping of diagnostic code: level, "
                              "e.g. {stage-incomplete: ignore}")
            return ()
        levels = []
        for code, value in node.value.items():
            if code not in DEFAULT_LEVELS:
                close = difflib.get_close_matches(code, list(DEFAULT_LEVELS), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                self.diagnostics.error(
                    "config", f"validation: unknown diagnostic code '{code}'{hint}", value.key_loc or value.loc,
                    hint="the codes are listed in docs/format.md (Diagnostics)")
                continue
            level = str(value.value) if value.kind in ("str", "bool") else None
            if value.kind == "bool" and value.value is False:
                level = "ignore"  # YAML reads `off`/`no` as false
            if level not in LEVELS:
                shown = value.raw if value.raw is not None else value.plain()
                close = difflib.get_close_matches(str(shown), list(LEVELS), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                self._error(value, f"validation.{code}: expected one of {', '.join(LEVELS)}, got '{shown}'{hint}")
            elif lowers_an_error(code, level):
                self._error(value, f"validation.{code}: '{code}' is an error the site cannot be built "
                                   f"correctly with; it can be raised, not lowered to '{level}'")
            else:
                levels.append((code, level))
        return tuple(levels)

    def _repository_files(self, key: str, node: YNode) -> tuple[str, ...]:
        """Paths of files in the repository (relative to cjmgen.yml), each checked where it is written."""
        items = node.value if node.kind == "seq" else [node]
        found = []
        for item in items:
            if item.kind != "str" or not item.value.strip():
                self._error(item, f"{key}: expected a list of file paths in the repository")
                continue
            text = item.value.strip().replace("\\", "/")
            relative = Path(text)
            full = self.root / relative
            if (relative.is_absolute() or "://" in text or ".." in relative.parts
                    or not resolves_within(full, [self.root])):
                self._error(item, f"{key}: '{text}' is outside the repository; only files in it are published")
            elif any(part.startswith(".") for part in relative.parts):
                self._error(item, f"{key}: '{text}' is in a hidden folder or is a hidden file "
                                  "(.git, .cjmgen-cache...), which is never published")
            elif not full.is_file():
                self._error(item, f"{key}: no such file '{text}' (paths are relative to cjmgen.yml)")
            else:
                found.append(relative.as_posix())
        return tuple(found)


def outside_content_note(config: SiteConfig) -> str | None:
    """What a run tells the user when it reads content from outside the repository."""
    if config.content_outside and config.content_outside_allowed:
        return (f"note: reading content from {config.content_path}, outside the repository "
                f"(allowed by --allow-outside-content / {ALLOW_OUTSIDE_CONTENT})")
    return None


def output_outside(config: SiteConfig) -> str | None:
    """Why the configured output folder cannot be written, or None: `output_dir` (or a `site`
    committed as a link) that leads out of the repository would have a repository choose
    where on the machine cjmgen writes. `--output DIR` on the command line may go anywhere."""
    if contains(str(config.root.resolve()), str(config.output_path)):
        return None
    return (f"output_dir '{config.output_dir}' leads outside the repository ({config.output_path}): "
            "a repository does not choose where cjmgen writes; pass --output DIR to write there")
