"""Parsed files kept between builds (`.cjmgen-cache/parsed/`, see incremental.store), signed.

Parsing is the serial part of a build; loading a parsed map back costs a
small part of that (docs/benchmarks.md has the figures). So a build after a small edit parses only the
files whose bytes changed and loads the rest.

Why signed (cjmgen.incremental.signing): the cache is pickled (the model's dataclasses as
they are, loaded much faster than parsed), and unpickling runs code; a pack
that does not verify is never unpickled, only replaced.

A map is kept twice: whole, and as a skeleton with its own problems (the
entry's name + PART). A build loads the skeleton, and the whole map only when
something reads a field the skeleton lacks (cjmgen.incremental.lazy_map): after a one-map
edit, the rest of an unchanged map is unpickled only if a page that shows it is
rendered again.

An entry's name is a hash of what parsing reads (cjmgen's code and libraries,
the path, the bytes, the content folder, the lanes), so a hit is the very
result of parsing again.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cjmgen.build.gcpause import without_cyclic_gc
from cjmgen.build.workers import receive, reply, spawn, worker_count
from cjmgen.checks.rules import own_problems
from cjmgen.config import SiteConfig
from cjmgen.content.datafiles import is_data_path
from cjmgen.content.model import Map
from cjmgen.content.repository import ParsedFile, classify, parse_file
from cjmgen.incremental.codestamp import code_stamp
from cjmgen.incremental.lazy_map import Skeleton, from_skeleton
from cjmgen.incremental.page_reuse import StableNames
from cjmgen.incremental.signing import Signer

PART = ".part"  # a map's skeleton is kept as the entry's name and this (see lazy_map)
PACK_PREFIX = "pack-"
MAX_PACKS = 8  # more packs than this, or a quarter of the bytes unused: write one pack anew
AHEAD_MIN = 48  # fewer files to parse than this: parse them all here, forking costs more
# The share of the files to parse that the parent keeps, against a helper's 1: besides
# parsing, a helper pickles what it parsed and the parent unpickles it; so both end
# together when the parent parses a bit more (measured: docs/benchmarks.md, fifth round;
# 1.38 since the helper makes its skeletons after sending, "Cold builds, a fourth look").
PARENT_WEIGHT = 1.38
# A data file's byte costs about 0.25 of a map's to parse since a clean CSV is read a column
# at a time (docs/benchmarks.md, "Measured KPIs in columns": at 0.4 the parent then sat
# 0.18 s waiting for the helper; before, at 0.3, the helper sat idle while the parent read).
DATA_BYTE_COST = 0.25


@dataclass
class ParseCache:
    """`parse` has the signature of `repository.parse_file`; pass it to `load_project`.

    Entries are kept in a few packs, not a file each: creating a file costs far more
    than reading one pack (docs/benchmarks.md, fourth round). Each build
    adds a pack of what it parsed (one per render process); `compact` rewrites
    them into one when they are many or hold many old versions.
    """

    folder: Path
    signer: Signer
    entries: dict[str, bytes | memoryview] = field(default_factory=dict)  # entry name -> pickled ParsedFile
    packs: list[str] = field(default_factory=list)
    used: set[str] = field(default_factory=set)
    # Parsed now, written later by `store_pending` (a build's render workers share the
    # writing: pickling every map was a large serial part of a first build).
    pending: list[tuple[str, ParsedFile]] = field(default_factory=list)
    # The model objects of each file named by its entry: page_reuse digests page keys with them.
    names: StableNames = field(default_factory=StableNames)
    # `parse_ahead`: the entry names it worked out (path -> (bytes, name)), the names its
    # helpers are parsing, the links their results come by, and the helper processes.
    known_names: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    ahead: set[str] = field(default_factory=set)
    waiting: list[Any] = field(default_factory=list)
    helpers: list[Any] = field(default_factory=list)
    # The helpers' packs, on disk already, and the entries they sent: dropped here once
    # loaded (otherwise tens of MB of pickles are kept for nothing through the whole build).
    helper_packs: list[str] = field(default_factory=list)
    from_helpers: set[str] = field(default_factory=set)

    @classmethod
    def open(cls, folder: Path, signer: Signer) -> ParseCache:
        """The packs in `folder` (incremental.store.Caches.parse_cache) that `signer` signed."""
        found = cls(folder, signer)
        try:
            packs = sorted(name for name in os.listdir(found.folder) if name.startswith(PACK_PREFIX))
        except OSError:
            packs = []
        for pack in packs:
            payload = signer.read(found.folder / pack, pack)
            if payload is None:
                continue  # not ours (or damaged): never unpickled; `compact` removes it
            try:
                size = int.from_bytes(payload[:8], "little")
                index = pickle.loads(payload[8:8 + size])  # {name: (offset, length)} in the data
                data = payload[8 + size:]
                found.entries.update({name: data[start:start + length] for name, (start, length) in index.items()})
            except Exception:  # an older cjmgen's pack: parse again
                continue
            found.packs.append(pack)
        return found

    def entry_name(self, path: str, data: bytes, config: SiteConfig) -> str:
        digest = hashlib.sha256(code_stamp())
        for part in (path.encode(), data, config.content_dir.encode(), repr(config.lanes).encode(),
                     repr(config.emotion_scale).encode()):
            digest.update(len(part).to_bytes(8, "little"))
            digest.update(part)
        return digest.hexdigest()

    def parse_ahead(self, sources: Mapping[str, bytes], config: SiteConfig) -> None:
        """Fork helpers that parse part of the files the cache does not hold, while this
        process parses the rest in `parse` (parsing on one core was the serial part of a
        first build). A helper pickles what it parsed, sends it here (the parent needs
        the whole model) and writes it as a pack of its own: those files are loaded
        like any cached file. Call it before any thread starts (see worker_count)."""
        self.known_names = {path: (data, self.entry_name(path, data, config)) for path, data in sources.items()}
        misses = [path for path, (_, name) in self.known_names.items()
                  if name not in self.entries and classify(path, config) is not None]
        workers = worker_count(len(misses))
        if workers < 2 or len(misses) < AHEAD_MIN:
            return
        own = self._parent_share(misses, workers, config)
        rest = misses[own:]  # the end of the repository's order: `parse` reaches it last
        for index in range(workers - 1):
            share = rest[index::workers - 1]
            pack = f"{PACK_PREFIX}{secrets.token_hex(8)}"
            helper, link = spawn(_parse_share, self, share, config, pack)
            self.helpers.append(helper)
            self.waiting.append(link)
            self.packs.append(pack)
            self.helper_packs.append(pack)
            self.ahead.update(self.known_names[path][1] for path in share)

    def _parent_share(self, misses: list[str], workers: int, config: SiteConfig) -> int:
        """How many of the first `misses` the parent parses, by their bytes: it also parses
        every data file (they are not cached), so it keeps fewer maps the more data there is."""
        sizes = [len(self.known_names[path][0]) for path in misses]
        data = sum(len(found) for path, (found, _) in self.known_names.items()
                   if is_data_path(path) and classify(path, config) is None) * DATA_BYTE_COST
        budget = (sum(sizes) + data) * PARENT_WEIGHT / (PARENT_WEIGHT + workers - 1) - data
        own, taken = 0, 0.0
        while own < len(sizes) and taken + sizes[own] / 2 <= budget:
            taken += sizes[own]
            own += 1
        return own

    def collect(self) -> None:
        """Take in what the helpers parsed; a helper that died leaves its files to `parse`."""
        while self.waiting:
            link = self.waiting.pop()
            try:
                sent = receive(link)
                self.entries.update(sent)
                self.from_helpers.update(sent)
            except Exception:  # parsed here instead, the same result
                pass
            link.close()
        self.ahead = set()

    def join_helpers(self) -> None:
        """Wait until the helpers have written their packs (before `compact` rewrites packs)."""
        self.collect()
        while self.helpers:
            self.helpers.pop().join()

    def parse(self, path: str, data: bytes, config: SiteConfig) -> ParsedFile | None:
        known = self.known_names.get(path)
        name = known[1] if known is not None and known[0] is data else self.entry_name(path, data, config)
        self.used.add(name)
        if name in self.ahead:
            self.collect()
        found = self._load_in_parts(name) or self._load(name)
        if name in self.from_helpers:
            self.entries.pop(name, None)  # loaded, and in the helper's pack on disk
        if found is None:
            found = parse_file(path, data, config)
            if found is not None and found.kind != "data":  # a data file parses faster than it unpickles
                self.pending.append((name, found))
        if found is not None and found.value is not None:
            self.names.add(found.value, name)
        return found

    def parse_read_only(self, path: str, data: bytes, config: SiteConfig) -> ParsedFile | None:
        """`parse` for a run that writes no cache (`cjmgen check`): a file the last build
        parsed is loaded (much faster than parsing it), any other is parsed."""
        found = self._load(self.entry_name(path, data, config))
        return found if found is not None else parse_file(path, data, config)

    def _load_in_parts(self, name: str) -> ParsedFile | None:
        """A map's skeleton, whose rest is unpickled when first read (see lazy_map)."""
        part, whole = self.entries.get(name + PART), self.entries.get(name)
        if part is None or whole is None:
            return None
        try:
            skeleton = pickle.loads(part)  # from a pack this user's key signed
        except Exception:  # an older cjmgen's entry: take the whole map
            return None
        if not isinstance(skeleton, Skeleton):
            return None

        def load_whole() -> Map:
            loaded = pickle.loads(whole)  # from the same signed pack as the skeleton
            assert isinstance(loaded, ParsedFile) and isinstance(loaded.value, Map)
            return loaded.value

        return from_skeleton(skeleton, load_whole)

    def _load(self, name: str) -> ParsedFile | None:
        payload = self.entries.get(name)
        if payload is None:
            return None
        try:
            found = pickle.loads(payload)  # from a pack this user's key signed
        except Exception:  # our own entry from a changed model: parse again
            return None
        return found if isinstance(found, ParsedFile) else None

    def store_pending(self, share: tuple[int, int] = (0, 1)) -> None:
        """Write the k-th of every n entries parsed in this run (`share` = (k, n)) as one pack."""
        index, count = share
        entries: dict[str, bytes | memoryview] = {}
        with without_cyclic_gc():  # pickling allocates; the collector would walk the whole model
            for name, parsed in self.pending[index::count]:
                entries.update(_pickled(name, parsed))
        if entries:
            self._write_pack(entries)

    def _write_pack(self, entries: dict[str, bytes | memoryview], pack: str = "") -> None:
        """A pack: the size of its index, the index {name: (offset, length)}, the entries."""
        index, offset = {}, 0
        for name, data in entries.items():
            index[name] = (offset, len(data))
            offset += len(data)
        head = pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL)
        pack = pack or f"{PACK_PREFIX}{secrets.token_hex(8)}"
        whole = b"".join([len(head).to_bytes(8, "little"), head, *entries.values()])
        self.signer.write(self.folder / pack, pack, whole)

    def compact(self) -> None:
        """Keep only what this build used, in one pack, when the packs are many or a
        quarter of their bytes are old versions of files; remove files not ours.

        A helper may still be writing its pack (it makes the skeletons after sending the
        maps): that pack is never rewritten here, its file on the way in is not a stray,
        and the build waits for it at its end (`join_helpers`), not now."""
        self.collect()
        self.known_names = {}  # parsing is over: let the files' bytes go
        try:
            present = os.listdir(self.folder)
        except OSError:
            return
        used = self.used
        kept: dict[str, bytes | memoryview] = {name: data for name, data in self.entries.items()
                                               if name.removesuffix(PART) in used}
        unused = sum(len(data) for name, data in self.entries.items() if name not in kept)
        total = sum(len(data) for data in self.entries.values())
        strays = [name for name in present if name not in self.packs and not self._on_the_way_in(name)]
        if len(self.packs) <= MAX_PACKS and unused * 4 <= total and not strays:
            return
        if kept:
            self._write_pack(kept)
        for name in [pack for pack in self.packs if pack not in self.helper_packs] + strays:
            try:
                os.unlink(self.folder / name)
            except OSError:
                pass

    def _on_the_way_in(self, name: str) -> bool:
        """A helper's pack being written (cache_dir.write_atomically's partial file of it)."""
        return name.endswith(".partial") and any(name.startswith(f".{pack}.") for pack in self.helper_packs)


def _pickled(name: str, parsed: ParsedFile) -> dict[str, bytes]:
    """A parsed file's cache entries: the whole, and for a map its skeleton (lazy_map)."""
    try:
        return {name: pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL), **_skeleton(name, parsed)}
    except pickle.PicklingError:
        return {}


def _skeleton(name: str, parsed: ParsedFile) -> dict[str, bytes]:
    """A map's skeleton entry (lazy_map), nothing for another kind of file."""
    if not isinstance(parsed.value, Map):
        return {}
    part = Skeleton.of(parsed, own_problems(parsed.value))
    return {name + PART: pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL)}


def _parse_share(link: Any, cache: ParseCache, paths: list[str], config: SiteConfig, pack: str) -> None:
    """A `parse_ahead` helper: parse `paths`, send them pickled, then write them as `pack`.

    The parent waits only for the whole files; the skeletons, which only the next
    build reads, are made after sending, while the parent checks what it received."""
    entries: dict[str, bytes | memoryview] = {}
    sent: list[tuple[str, ParsedFile]] = []

    def work() -> dict[str, bytes | memoryview]:
        # frozen as the collector resumes: its first pass would walk every map parsed here
        # (0.1 s) before the parent, which is waiting, gets them; the helper ends soon after
        with without_cyclic_gc(freeze=True):
            for path in paths:
                data, name = cache.known_names[path]
                parsed = parse_file(path, data, config)
                if parsed is None:
                    continue
                try:
                    entries[name] = pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL)
                except pickle.PicklingError:
                    continue  # not sent: the parent parses it again
                sent.append((name, parsed))
        return dict(entries)

    reply(link, work)  # the parent is waiting: send first, then make the skeletons and write
    with without_cyclic_gc():
        for name, parsed in sent:
            try:
                entries.update(_skeleton(name, parsed))
            except pickle.PicklingError:
                entries.pop(name, None)  # a map without its skeleton is parsed again next time
    if entries:
        cache._write_pack(entries, pack)
