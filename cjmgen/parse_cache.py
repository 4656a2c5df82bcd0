"""Parsed files kept between builds under `.cjmgen-cache/parsed/`, each signed.

Parsing is the serial part of a build (2.1 ms a map); loading a parsed map
back costs a fifth of that. So a build after a small edit parses only the
files whose bytes changed and loads the rest.

Why signed: the cache is pickled (the model's dataclasses as they are, loaded
5 times faster than parsed), and unpickling runs code. The cache lives in the
repository folder, where a commit or an unpacked archive could place a crafted
file. Every entry carries an HMAC-SHA256 over its name and bytes, made with a
key that never leaves the user's own cache folder
(`$XDG_CACHE_HOME/cjmgen/cache-key`, mode 0600, 32 random bytes): an entry
that does not verify is never unpickled, only parsed again and replaced.
A machine without a writable home simply builds without this cache.

An entry's name is a hash of what parsing reads (cjmgen's code and libraries,
the path, the bytes, the content folder, the lanes), so a hit is the very
result of parsing again.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from cjmgen.codestamp import code_stamp
from cjmgen.config import SiteConfig
from cjmgen.repository import ParsedFile, parse_file

CACHE_DIR = Path(".cjmgen-cache") / "parsed"
KEY_FILE = "cache-key"
MAC_SIZE = 32


def user_cache_home() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cjmgen"


def signing_key(home: Path | None = None) -> bytes | None:
    """The user's key for signing cache entries, made on first use; None if it cannot be kept."""
    path = (home or user_cache_home()) / KEY_FILE
    try:
        key = path.read_bytes()
        if len(key) == 32:
            return key
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{KEY_FILE}.{os.getpid()}")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as stream:
            stream.write(secrets.token_bytes(32))
        os.replace(partial, path)  # two first builds at once: both keys valid, one wins
        key = path.read_bytes()
    except OSError:
        return None
    return key if len(key) == 32 else None


@dataclass
class ParseCache:
    """`parse` has the signature of `repository.parse_file`; pass it to `load_project`."""

    folder: Path
    key: bytes
    used: set[str] = field(default_factory=set)
    loaded: int = 0
    parsed: int = 0
    # id(model object) -> its entry's name: a stable name for what a parsed file holds
    # (page_reuse digests page inputs with it instead of the objects themselves).
    names: dict[int, str] = field(default_factory=dict)

    @classmethod
    def open(cls, root: Path) -> ParseCache | None:
        key = signing_key()
        return cls(root / CACHE_DIR, key) if key is not None else None

    def entry_name(self, path: str, data: bytes, config: SiteConfig) -> str:
        digest = hashlib.sha256(code_stamp())
        for part in (path.encode(), data, config.content_dir.encode(), repr(config.lanes).encode()):
            digest.update(len(part).to_bytes(8, "little"))
            digest.update(part)
        return digest.hexdigest()

    def _mac(self, name: str, payload: bytes) -> bytes:
        return hmac.new(self.key, name.encode() + b"\0" + payload, hashlib.sha256).digest()

    def parse(self, path: str, data: bytes, config: SiteConfig) -> ParsedFile | None:
        name = self.entry_name(path, data, config)
        self.used.add(name)
        found = self._load(name)
        if found is None:
            found = parse_file(path, data, config)
            self.parsed += 1
            self._store(name, found)
        else:
            self.loaded += 1
        if found is not None and found.value is not None:
            self.names[id(found.value)] = name
        return found

    def _load(self, name: str) -> ParsedFile | None:
        try:
            blob = (self.folder / name).read_bytes()
        except OSError:
            return None
        mac, payload = blob[:MAC_SIZE], blob[MAC_SIZE:]
        if len(mac) != MAC_SIZE or not hmac.compare_digest(mac, self._mac(name, payload)):
            return None  # not ours (or damaged): never unpickled
        try:
            found = pickle.loads(payload)
        except Exception:  # noqa: BLE001 - our own entry from a changed model: parse again
            return None
        return found if isinstance(found, ParsedFile) else None

    def _store(self, name: str, parsed: ParsedFile | None) -> None:
        if parsed is None:
            return
        try:
            payload = pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL)
            self.folder.mkdir(parents=True, exist_ok=True)
            partial = self.folder / f"{name}.{os.getpid()}.partial"
            partial.write_bytes(self._mac(name, payload) + payload)
            os.replace(partial, self.folder / name)
        except (OSError, pickle.PicklingError):
            pass  # a read-only checkout parses every time

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
