"""Cache files that only this user's cjmgen can have written.

Caches live in the repository folder (`.cjmgen-cache/`), where a commit or an
unpacked archive could place a crafted file. Two caches hold what must not be
forged: pickled models (unpickling runs code) and HTML pieces (they go into
pages as they are). Each of their files carries an HMAC-SHA256 over its name
and bytes, made with a key that never leaves the user's own cache folder
(`$XDG_CACHE_HOME/cjmgen/cache-key`, mode 0600, 32 random bytes). A file that
does not verify is ignored and replaced; a machine without a writable home
builds without these caches.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cjmgen.incremental.cache_dir import write_atomically

KEY_FILE = "cache-key"
MAC_SIZE = 32


def user_cache_home() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cjmgen"


def signing_key(home: Path | None = None, create: bool = True) -> bytes | None:
    """The user's key, made on first use (unless `create` is false: a run that writes
    nothing, such as `cjmgen check`); None if there is none or it cannot be kept."""
    path = (home or user_cache_home()) / KEY_FILE
    try:
        key = path.read_bytes()
        if len(key) == 32:
            return key
    except OSError:
        pass
    if not create:
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{KEY_FILE}.{os.getpid()}")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as stream:
            stream.write(secrets.token_bytes(32))
        os.replace(partial, path)  # two first builds at once: one key wins, the other's files just miss
        key = path.read_bytes()
    except OSError:
        return None
    return key if len(key) == 32 else None


@dataclass(frozen=True)
class Signer:
    key: bytes

    @classmethod
    def for_user(cls, create: bool = True) -> Signer | None:
        key = signing_key(create=create)
        return cls(key) if key is not None else None

    def mac(self, name: str, payload: bytes | memoryview) -> bytes:
        signature = hmac.new(self.key, name.encode("utf-8") + b"\0", hashlib.sha256)
        signature.update(payload)
        return signature.digest()

    def read(self, path: Path, name: str) -> memoryview | None:
        """The payload of a file this key signed under `name` (a view: a pack of parsed
        files is tens of megabytes, not copied); None if missing or forged."""
        try:
            blob = memoryview(path.read_bytes())
        except OSError:
            return None
        mac, payload = blob[:MAC_SIZE], blob[MAC_SIZE:]
        if len(mac) != MAC_SIZE or not hmac.compare_digest(mac, self.mac(name, payload)):
            return None
        return payload

    def write(self, path: Path, name: str, payload: bytes) -> None:
        """Write atomically into `path`'s folder, which the caller made (cache_dir.cache_folder:
        never a link); a read-only checkout just keeps no cache."""
        try:
            write_atomically(path, [self.mac(name, payload), payload])
        except OSError:
            pass
