"""Discover and parse a map repository's content into the model (no checks across files)."""

from __future__ import annotations

import functools
import os
import posixpath
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from cjmgen.config import SiteConfig
from cjmgen.content.datafiles import DataFile, is_data_path, parse_data_file
from cjmgen.content.frontmatter import decode, split
from cjmgen.content.model import Channel, Map, Persona
from cjmgen.content.schema import ChannelReader, MapReader, PersonaReader
from cjmgen.content.yamltree import parse_yaml
from cjmgen.diagnostics import Diagnostic, Diagnostics, SourceLocation
from cjmgen.paths import contains

PERSONA_DIR = "personas"
CHANNELS_FILE = "channels.yml"
IGNORED_NAMES = {"readme.md"}  # a folder may explain itself on the code host


@dataclass(frozen=True)
class Repository:
    config: SiteConfig
    maps: tuple[Map, ...]
    personas: Mapping[str, Persona]
    channels: Mapping[str, Channel] | None  # None: no catalog, channels are free text
    sources: Mapping[str, bytes] = field(default_factory=dict, compare=False, repr=False)
    data: Mapping[str, DataFile] = field(default_factory=dict)  # data files of measured KPIs, by path
    # What reading each .csv/.json file of the content folder found (those that could not be
    # read are here and not in `data`): reported by the checks only for a file a map lists,
    # since another CSV or JSON file in the folder is none of cjmgen's business.
    data_problems: Mapping[str, tuple[Diagnostic, ...]] = field(default_factory=dict, compare=False, repr=False)

    def map(self, map_id: str) -> Map | None:
        return self._by_id.get(map_id)

    @functools.cached_property
    def _by_id(self) -> dict[str, Map]:
        """Maps by id, the first of duplicates winning (as the linear search did)."""
        by_id: dict[str, Map] = {}
        for journey_map in self.maps:
            by_id.setdefault(journey_map.id, journey_map)
        return by_id

    def published(self, drafts: bool = False) -> tuple[Map, ...]:
        return tuple(m for m in self.maps if is_published(m, drafts))


def is_published(journey_map: Map, drafts: bool = False) -> bool:
    """Whether a build shows the map: drafts only with --drafts."""
    return drafts or journey_map.status != "draft"


def content_prefix(config: SiteConfig) -> str:
    """The content directory as a repository-relative POSIX path, e.g. `maps`."""
    return _content_prefix(config.content_dir)


@functools.lru_cache(maxsize=64)
def _content_prefix(content_dir: str) -> str:
    """A pure function of the setting, asked for every link of every page: memoised."""
    posix = PurePosixPath(content_dir.replace("\\", "/")).as_posix()
    return ("/" if posix.startswith("/") else "") + posix.strip("/") or "."  # an absolute one stays absolute


#: The largest content file read. A map of 20,000 complete stages is about 5 MB; parsing and
#: rendering take some 70 times a file's size in memory (a 50 MB body: 3.6 GB and 7 minutes
#: for `check`), so a file beyond this is refused with an error rather than exhausting the machine.
MAX_CONTENT_BYTES = 8 * 1024 * 1024


class ContentFiles(dict):  # type: ignore[type-arg]
    """What `read_sources` read: repository path -> bytes, sorted. `outside`: the content
    files that are links to a file outside the repository, never read (`report_outside`)."""

    def __init__(self, files: Mapping[str, bytes] | None = None, outside: list[str] | None = None,
                 unreadable: list[tuple[str, str]] | None = None, too_large: list[tuple[str, int]] | None = None,
                 ) -> None:
        super().__init__(files or {})
        self.outside = outside or []
        self.unreadable = unreadable or []  # (path, why): files and folders the walk could not read
        self.too_large = too_large or []  # (path, bytes): files over MAX_CONTENT_BYTES, not read


def read_sources(config: SiteConfig, already_read: Mapping[str, bytes] | None = None) -> ContentFiles:
    """Every content file (.md, channels.yml and the .csv/.json data files of measured
    KPIs), keyed by repository-relative path, sorted.

    Hidden files and folders are skipped and symlinked folders are not entered. A file
    that is a symlink to a file outside the repository (and outside the content folder,
    which cjmgen.yml may put elsewhere) is not read: a map linked to /etc/passwd would
    otherwise be published, or quoted line by line in the diagnostics of a CI log.
    `already_read`: bytes by file path (as os.walk joins it) that the caller read a
    moment ago (the build's up-to-date digest).
    """
    content = config.content_path
    sources: dict[str, bytes] = {}
    outside: list[str] = []
    unreadable: list[tuple[str, str]] = []
    too_large: list[tuple[str, int]] = []
    if not content.is_dir() or (config.content_outside and not config.content_outside_allowed):
        return ContentFiles()  # outside the repository and not allowed: project.content_outside
    base = str(content)
    real_root = os.path.realpath(config.root)
    allowed = (real_root, os.path.realpath(base))
    plain = base == os.path.normpath(os.path.join(real_root, config.content_dir))  # no link on the way

    def shown(path: str) -> str:
        """A file's key: its repository path; in a content folder outside the repository
        (allowed on the command line) or reached through a link, content_dir as written and
        the path below it, as `classify` reads it."""
        if plain and contains(real_root, path):
            return os.path.relpath(path, real_root).replace(os.sep, "/")
        below = os.path.relpath(path, base).replace(os.sep, "/")
        return content_prefix(config) if below == "." else f"{content_prefix(config)}/{below}"

    def cannot_list(error: OSError) -> None:  # a folder without read permission: its maps would be missing
        unreadable.append((shown(error.filename or base), error.strerror or str(error)))

    for folder, dirs, files in os.walk(base, onerror=cannot_list):  # does not follow symlinked folders
        dirs[:] = [name for name in dirs if not name.startswith(".")]
        real_folder = os.path.realpath(folder)  # once a folder: realpath walks every part of a path
        for name in files:
            if name.startswith("."):
                continue
            path = os.path.join(folder, name)
            relative = os.path.relpath(path, base).replace(os.sep, "/")
            if not (name.endswith(".md") or relative == CHANNELS_FILE or is_data_path(name)):
                continue
            key = shown(path)
            try:
                status = os.stat(path)
                if not stat.S_ISREG(status.st_mode):
                    continue  # a folder named *.md
            except FileNotFoundError:
                continue  # a dangling link
            except OSError as exc:  # in a folder that may be listed but not entered
                unreadable.append((key, exc.strerror or str(exc)))
                continue
            real = os.path.realpath(path) if os.path.islink(path) else os.path.join(real_folder, name)
            if not any(contains(root, real) for root in allowed):
                outside.append(key)
                continue
            if status.st_size > MAX_CONTENT_BYTES:
                too_large.append((key, status.st_size))
                continue
            data = already_read.get(path) if already_read else None
            if data is None:
                try:
                    with open(path, "rb") as stream:
                        data = stream.read()
                except OSError as exc:
                    unreadable.append((key, exc.strerror or str(exc)))
                    continue
            sources[key] = data
    return ContentFiles(dict(sorted(sources.items())), sorted(outside), sorted(unreadable), sorted(too_large))


def too_large(path: str, size: int) -> str:
    """What is said of a file over MAX_CONTENT_BYTES: in the work tree or in git's history."""
    limit = MAX_CONTENT_BYTES // 1024 // 1024
    return f"'{path}' is {size / 1024 / 1024:.1f} MB; cjmgen reads content files of up to {limit} MB"


def report_outside(sources: Mapping[str, bytes], diagnostics: Diagnostics) -> None:
    """An error for each content file or folder that `read_sources` left unread: it links
    outside, or cjmgen may not read it (a map must never be silently missing)."""
    for path in getattr(sources, "outside", ()):
        diagnostics.error(
            "outside-repository", f"'{path}' is a link to a file outside the repository: not read",
            SourceLocation(path), hint="copy the file into the repository instead of linking to it",
        )
    for path, size in getattr(sources, "too_large", ()):
        diagnostics.error(
            "file-too-large", too_large(path, size), SourceLocation(path),
            hint="split the map, or move long material into files it links to",
        )
    for path, why in getattr(sources, "unreadable", ()):
        diagnostics.error(
            "unreadable", f"cannot read '{path}': {why}", SourceLocation(path),
            hint="give the user running cjmgen permission to read it (and to enter its folders)",
        )


def classify(path: str, config: SiteConfig) -> tuple[str, str] | None:
    """('map'|'persona'|'channels', id) for a content file; None for files that are not content."""
    prefix = content_prefix(config)
    relative = path[len(prefix) + 1 :] if prefix != "." and path.startswith(prefix + "/") else path
    if relative == CHANNELS_FILE:
        return ("channels", "")
    name = posixpath.basename(relative)
    stem, suffix = posixpath.splitext(name)
    if suffix != ".md" or name.lower() in IGNORED_NAMES:
        return None
    if relative.count("/") == 1 and relative.startswith(PERSONA_DIR + "/"):
        return ("persona", stem)
    return ("map", relative[: -len(suffix)])


@dataclass(frozen=True)
class ParsedFile:
    """What one file contributes; a pure function of (path, bytes, lanes): cacheable."""

    kind: str
    value: Map | Persona | dict[str, Channel] | DataFile | None
    diagnostics: tuple[Diagnostic, ...]


def parse_file(path: str, data: bytes, config: SiteConfig) -> ParsedFile | None:
    kind_id = classify(path, config)
    if kind_id is None:
        if not is_data_path(path):
            return None
        diagnostics = Diagnostics()
        return ParsedFile("data", parse_data_file(path, data, diagnostics), tuple(diagnostics.items))
    kind, item_id = kind_id
    diagnostics = Diagnostics()
    value: Map | Persona | dict[str, Channel] | None = None
    text = decode(data, path, diagnostics)
    if text is not None:
        if kind == "channels":
            node = parse_yaml(text, path, diagnostics)
            value = ChannelReader(diagnostics).read(node) if node is not None else None
        else:
            source = split(text, path, diagnostics)
            if source is not None:
                node = source.frontmatter
                if node is None:
                    diagnostics.error("frontmatter-empty", "frontmatter is empty", SourceLocation(path, 1, 1))
                elif kind == "map":
                    lanes = tuple(key for key, _ in config.lanes)
                    reader = MapReader(diagnostics, lanes=lanes, scale=config.emotion_scale)
                    value = reader.read(node, item_id, path, source.body, source.body_first_line)
                else:
                    value = PersonaReader(diagnostics).read(node, item_id, path, source.body, source.body_first_line)
    return ParsedFile(kind, value, tuple(diagnostics.items))


FileParser = Callable[[str, bytes, SiteConfig], "ParsedFile | None"]


def parse_repository(
    config: SiteConfig, sources: Mapping[str, bytes], diagnostics: Diagnostics,
    parse: FileParser | None = None, keep_sources: bool = True,
) -> Repository:
    """Parse every source file; `parse` may be a caching wrapper of `parse_file`."""
    parse = parse or parse_file
    maps: list[Map] = []
    personas: dict[str, Persona] = {}
    channels: dict[str, Channel] | None = None
    data_files: dict[str, DataFile] = {}
    data_problems: dict[str, tuple[Diagnostic, ...]] = {}
    for path, data in sources.items():
        parsed = parse(path, data, config)
        if parsed is None:
            continue
        if parsed.kind == "data":
            data_problems[path] = parsed.diagnostics  # reported if a map lists the file (checks.measured)
        else:
            diagnostics.extend(list(parsed.diagnostics))
        if parsed.kind == "channels":
            # An unreadable catalog is reported once; checking every touchpoint
            # against an empty one would only bury that error.
            channels = dict(parsed.value) if parsed.value is not None else None  # type: ignore[arg-type]
        elif isinstance(parsed.value, Map):
            maps.append(parsed.value)
        elif isinstance(parsed.value, Persona):
            personas[parsed.value.id] = parsed.value
        elif isinstance(parsed.value, DataFile):
            data_files[path] = parsed.value
    maps.sort(key=lambda m: (m.id, m.path))
    return Repository(config, tuple(maps), dict(sorted(personas.items())), channels, sources if keep_sources else {},
                      data_files, data_problems)
