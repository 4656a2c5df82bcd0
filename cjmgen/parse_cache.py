"""Parsed files kept between builds under `.cjmgen-cache/parsed/`, each signed.

Parsing is the serial part of a build (2.1 ms a map); loading a parsed map
back costs a fifth of that. So a build after a small edit parses only the
files whose bytes changed and loads the rest.

Why signed (cjmgen.signing): the cache is pickled (the model's dataclasses as
they are, loaded 5 times faster than parsed), and unpickling runs code; an
entry that does not verify is never unpickled, only parsed again and replaced.

An entry's name is a hash of what parsing reads (cjmgen's code and libraries,
the path, the bytes, the content folder, the lanes), so a hit is the very
result of parsing again.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path

from cjmgen.codestamp import code_stamp
from cjmgen.config import SiteConfig
from cjmgen.page_reuse import StableNames
from cjmgen.repository import ParsedFile, parse_file
from cjmgen.signing import Signer

CACHE_DIR = Path(".cjmgen-cache") / "parsed"


@dataclass
class ParseCache:
    """`parse` has the signature of `repository.parse_file`; pass it to `load_project`."""

    folder: Path
    signer: Signer
    used: set[str] = field(default_factory=set)
    loaded: int = 0
    parsed: int = 0
    # Parsed now, written later by `store_pending` (a build's render workers share the
    # writing: pickling 1,000 maps took 0.8 s of the serial part of a first build).
    pending: list[tuple[str, ParsedFile]] = field(default_factory=list)
    # The model objects of each file named by its entry: page_reuse digests page keys with them.
    names: StableNames = field(default_factory=StableNames)

    @classmethod
    def open(cls, root: Path) -> ParseCache | None:
        signer = Signer.for_user()
        return cls(root / CACHE_DIR, signer) if signer is not None else None

    def entry_name(self, path: str, data: bytes, config: SiteConfig) -> str:
        digest = hashlib.sha256(code_stamp())
        for part in (path.encode(), data, config.content_dir.encode(), repr(config.lanes).encode()):
            digest.update(len(part).to_bytes(8, "little"))
            digest.update(part)
        return digest.hexdigest()

    def parse(self, path: str, data: bytes, config: SiteConfig) -> ParsedFile | None:
        name = self.entry_name(path, data, config)
        self.used.add(name)
        found = self._load(name)
        if found is None:
            found = parse_file(path, data, config)
            self.parsed += 1
            if found is not None:
                self.pending.append((name, found))
        else:
            self.loaded += 1
        if found is not None and found.value is not None:
            self.names.add(found.value, name)
        return found

    def _load(self, name: str) -> ParsedFile | None:
        payload = self.signer.read(self.folder / name, name)
        if payload is None:
            return None  # missing, or not ours (or damaged): never unpickled
        try:
            found = pickle.loads(payload)
        except Exception:  # noqa: BLE001 - our own entry from a changed model: parse again
            return None
        return found if isinstance(found, ParsedFile) else None

    def store_pending(self, share: tuple[int, int] = (0, 1)) -> None:
        """Write the k-th of every n entries parsed in this run (`share` = (k, n))."""
        index, count = share
        for name, parsed in self.pending[index::count]:
            try:
                payload = pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL)
            except pickle.PicklingError:
                continue
            self.signer.write(self.folder / name, name, payload)

    def prune(self) -> None:
        """Forget entries this build did not use (old versions of files): the cache stays
        the size of the repository."""
        try:
            names = os.listdir(self.folder)
        except OSError:
            return
        for name in names:
            if name not in self.used:
                try:
                    os.unlink(self.folder / name)
                except OSError:
                    pass
