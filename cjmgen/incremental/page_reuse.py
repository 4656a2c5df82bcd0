"""Pages of the last build kept as they are when nothing they show has changed.

`serve` keeps rendered pages in memory under the key of their inputs
(page_run.PageCache). A CLI build is a new process each time, so it keeps
digests instead: next to the last build's record it stores, per page, a digest
of the page's key, and the page's file is still in the published site. A page
whose digest is the same is linked from the old site into the new one instead
of rendered again.

Digests must be the same in every process and cheap, so the model objects in a
key are not printed: each parsed file's objects are named by its parse-cache
entry (a hash of what parsing read), and a map's stages by their place in it.
How a body's local links resolve (files may come and go) is checked from the
link targets stored with the page, not by parsing the body again.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import pickle
import posixpath
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cjmgen.analysis.catalog import StageRef, TouchpointRef
from cjmgen.content.model import Map
from cjmgen.diagnostics import Diagnostic
from cjmgen.incremental.signing import Signer


@dataclass(frozen=True)
class BodyLinks:
    """Part of a page's key: how the local links of the body of `source` (a map or persona,
    written in `referrer`) resolve now. The renderer works it out only when it is compared;
    the body is read only then (a kept map page never loads its map's rest: lazy_map)."""

    referrer: str
    source: Any

    @property
    def body(self) -> str:
        return str(self.source.body)


class StableNames:
    """Names for model objects that mean the same in every process (see the module)."""

    def __init__(self) -> None:
        # id -> (the object, its name): holding the object keeps its id from being reused
        self.by_id: dict[int, tuple[Any, str]] = {}

    def add(self, value: Any, name: str) -> None:
        self.by_id[id(value)] = (value, name)
        if isinstance(value, Map):
            for number, stage in enumerate(value.stages):
                self.by_id[id(stage)] = (stage, f"{name}/{number}")
                for place, touchpoint in enumerate(stage.touchpoints):
                    self.by_id[id(touchpoint)] = (touchpoint, f"{name}/{number}/{place}")

    def derive(self, value: Any, source: Any, suffix: str) -> None:
        """Name `value`, made from the named `source` and what `suffix` says (a map with its
        data files' values in place), after it: unnamed, a key holding it was walked field
        by field (an owner page's stages with data took seconds to digest)."""
        named = self.by_id.get(id(source))
        if named is not None and named[0] is source:
            self.add(value, named[1] + suffix)

    def ref_name(self, ref: StageRef | TouchpointRef) -> str | None:
        """A catalog ref named after its last object, whose name holds the others' (see
        `add`), or None when its objects are not named or do not belong together: a
        channel page's key lists thousands of refs, each walked field by field before
        (most of the digests' time after a one-map edit; docs/benchmarks.md)."""
        get = self.by_id.get
        in_map, in_stage = get(id(ref.map)), get(id(ref.stage))
        if in_map is None or in_stage is None or in_map[0] is not ref.map or in_stage[0] is not ref.stage:
            return None
        if not in_stage[1].startswith(in_map[1] + "/"):
            return None
        if isinstance(ref, StageRef):
            return "StageRef:" + in_stage[1]
        named = get(id(ref.touchpoint))
        if named is None or named[0] is not ref.touchpoint or not named[1].startswith(in_stage[1] + "/"):
            return None
        return "TouchpointRef:" + named[1]

    def digest(self, key: Any) -> str:
        return hashlib.sha256("\0".join(self.parts(key)).encode("utf-8", "surrogatepass")).hexdigest()

    def short_name(self, key: tuple[Any, ...]) -> str | None:
        """A tuple of strings, numbers, None and named objects as one string (a piece's usual
        key, thousands per page: cheaper than a digest); None when it holds anything else."""
        out = []
        for part in key:
            kind = type(part)
            if kind is str:
                out.append("s:" + part)
                continue
            if part is None or kind is bool or kind is int:
                out.append(f"{kind.__qualname__}:{part!r}")  # as `parts` writes them
                continue
            named = self.by_id.get(id(part))
            if named is None or named[0] is not part:
                return None
            out.append(named[1])
        return "\0".join(out)

    def parts(self, key: Any) -> list[str]:
        """`key` as text: named objects by name, containers item by item (no recursion:
        a listing page's key holds thousands of items)."""
        by_id = self.by_id
        out: list[str] = []
        append, stack = out.append, [key]
        while stack:
            value = stack.pop()
            named = by_id.get(id(value))
            if named is not None and named[0] is value:
                append(named[1])
                continue
            kind: type = type(value)
            if kind is str:
                append("s:" + value)
            elif kind is tuple or kind is list:
                append("(")
                stack.append(_CLOSE)
                stack.extend(reversed(value))
            elif kind is _Close:
                append(")")
            elif kind is dict:
                append("{")
                stack.append(_CLOSE)
                stack.extend(reversed(list(value.items())))
            elif (kind is TouchpointRef or kind is StageRef) and (name := self.ref_name(value)) is not None:
                append(name)
            elif kind is BodyLinks:
                append(f"links:{value.referrer}")  # the body is in the map or persona of the key
            elif dataclasses.is_dataclass(value) and not isinstance(value, type):
                append(kind.__qualname__)
                stack.append(_CLOSE)
                stack.extend(getattr(value, name) for name in reversed(_field_names(kind)))
            else:
                append(f"{kind.__qualname__}:{value!r}")
        return out


class _Close:
    """Marks the end of a container in StableNames.parts."""


_CLOSE = _Close()


@functools.cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(item.name for item in dataclasses.fields(kind))


@dataclass
class PageRecord:
    """What a build remembers of one page: its key's digest, the link targets of its body
    and how they resolved, the files it published, what its body checks found."""

    key: str
    links: list[list[Any]]  # [target, resolved path, linked map id / persona known]
    files: dict[str, str]
    late: list[Diagnostic]

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "links": self.links, "files": self.files, "late": [d.as_dict() for d in self.late]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PageRecord:
        """A stored record; ValueError if it names a file outside the repository or the site.
        (The record is plain JSON beside the caches; a kept page's files are copied again.)"""
        files = data["files"]
        if not all(_inside(site_path) and _inside(repo_path) for site_path, repo_path in files.items()):
            raise ValueError("a file outside the repository")
        return cls(data["key"], data["links"], files, [Diagnostic.from_dict(d) for d in data["late"]])


def _inside(path: Any) -> bool:
    """A relative path that stays inside its folder."""
    if not isinstance(path, str) or not path or path.startswith("/") or "\\" in path:
        return False
    normal = posixpath.normpath(path)
    return normal != ".." and not normal.startswith("../")


LinkStates = Callable[[str, list[str]], list[list[Any]]]  # (referrer, targets) -> [[target, path, linked]]


@dataclass
class PageReuse:
    """The last build's pages that may be kept, and this build's records of its pages."""

    names: StableNames
    previous: dict[str, PageRecord]  # pages whose file in `old_site` is the one recorded
    old_site: Path
    link: Callable[[str, Path], None]  # (site path, old file): put the old file in the new site
    pieces: PieceStore | None = None  # pieces of pages (see Pieces), kept between builds
    records: dict[str, PageRecord] = field(default_factory=dict)

    def keep(self, path: str, digest: str, body: BodyLinks | None, link_states: LinkStates) -> PageRecord | None:
        """Link the old page into the new site if its key is unchanged; its record, or None."""
        found = self.previous.get(path)
        if found is None or found.key != digest:
            return None
        if body is not None and link_states(body.referrer, [t for t, _, _ in found.links]) != found.links:
            return None
        try:
            self.link(path, self.old_site / path)
        except OSError:
            return None
        self.records[path] = found
        return found


def load_previous(stored: dict[str, Any], recorded_files: dict[str, Any], files_now: dict[str, Any] | None,
                  ) -> dict[str, PageRecord]:
    """The pages of a stored record whose files are still exactly as that build left them."""
    if not files_now:
        return {}
    previous = {}
    for path, data in stored.items():
        if files_now.get(path) == recorded_files.get(path) is not None:
            try:
                previous[path] = PageRecord.from_json(data)
            except (KeyError, TypeError, ValueError):
                continue
    return previous


def hardlink_or_copy(target: Path, source: Path, made: set[Path]) -> None:
    """A new name for the same bytes (instant, no space); a copy where links are refused.
    `made`: folders known to exist already (a thousand pages share a few)."""
    if not stat.S_ISREG(os.lstat(source).st_mode):  # OSError: the page is rendered instead
        raise IsADirectoryError(f"{source} is not a plain file: not kept (a link is never followed)")
    if target.parent not in made:
        target.parent.mkdir(parents=True, exist_ok=True)
        made.add(target.parent)
    try:
        os.link(source, target)
    except OSError:
        target.write_bytes(source.read_bytes())


@dataclass
class Pieces:
    """The pieces of one page kept between builds: a page that lists every map is made of
    one piece per map (a stage card, a table row, a map's search entries), and after a
    one-map edit only that map's pieces are made again; the rest are read back.

    A piece is named by a digest of its key, which must hold everything the piece
    shows besides the page itself and what every page depends on (the global
    digest: config, theme, code, date): a piece of another global digest is never used.
    """

    names: StableNames
    old: dict[str, Any]
    new: dict[str, Any] = field(default_factory=dict)

    def get(self, key: tuple[Any, ...], produce: Callable[[], Any]) -> Any:
        digest = self.names.short_name(key) or self.names.digest(key)
        found = self.new.get(digest)
        if found is None:
            found = self.old.get(digest)
            if found is None:
                found = produce()
            self.new[digest] = found
        return found


@dataclass
class PieceStore:
    """Each page's pieces in one signed file (`.cjmgen-cache/pieces/`): HTML goes into pages
    as it is, so a piece file that this user's cjmgen did not write is never read."""

    folder: Path
    signer: Signer
    names: StableNames

    def _name(self, path: str) -> str:
        return hashlib.sha256(path.encode("utf-8")).hexdigest()[:32]

    def open(self, path: str, global_digest: str) -> Pieces:
        name = self._name(path)
        old: dict[str, Any] = {}
        payload = self.signer.read(self.folder / name, name)
        if payload is not None:
            try:
                stored = pickle.loads(payload)  # signed by this user's cjmgen (see signing.py)
                if stored.get("global") == global_digest and stored.get("page") == path:
                    old = stored["pieces"]
            except Exception:  # an older cjmgen's file: make the pieces again
                old = {}
        return Pieces(self.names, old)

    def prune(self, pages: set[str]) -> None:
        """Forget the pieces of pages the site no longer has (a deleted owner, a renamed channel)."""
        wanted = {self._name(path) for path in pages}
        try:
            present = os.listdir(self.folder)
        except OSError:
            return
        for name in present:
            if name not in wanted:
                try:
                    os.unlink(self.folder / name)
                except OSError:
                    pass

    def save(self, path: str, global_digest: str, pieces: Pieces) -> None:
        name = self._name(path)
        stored = {"global": global_digest, "page": path, "pieces": pieces.new}
        self.signer.write(self.folder / name, name, pickle.dumps(stored, protocol=pickle.HIGHEST_PROTOCOL))
