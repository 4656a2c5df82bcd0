"""Reading facts from git with git itself, in a subprocess; nothing here needs a repo."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cjmgen.content.datafiles import is_data_path


@dataclass(frozen=True)
class Commit:
    sha: str
    date: dt.datetime  # committer date, timezone-aware
    author: str
    subject: str = ""

    @property
    def short(self) -> str:
        return self.sha[:10]


def run_git(root: Path, *args: str) -> str | None:
    """Run git in `root`; None when git is missing or the command fails."""
    try:
        result = subprocess.run(
            ["git", "-C", str(root), *args],
            capture_output=True, check=False, timeout=60,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"},
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None
    return result.stdout.decode("utf-8", errors="replace")


_LOG_FORMAT = "%H%x1f%cI%x1f%an%x1f%s"


def _parse_commit(line: str) -> Commit | None:
    parts = line.split("\x1f")
    if len(parts) != 4:
        return None
    sha, date, author, subject = parts
    return Commit(sha, dt.datetime.fromisoformat(date), author, subject)


def head_commit(root: Path) -> Commit | None:
    """The commit checked out in `root`, or None outside a git repository."""
    out = run_git(root, "log", "-1", f"--format={_LOG_FORMAT}", "HEAD")
    return _parse_commit(out.strip()) if out else None


def source_date(root: Path) -> dt.datetime:
    """The date a build is "as of": SOURCE_DATE_EPOCH, else the HEAD commit's date, else now.

    Never the clock when either of the first two exists, so that the same
    revision gives the same bytes (and the same staleness flags) tomorrow.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    commit = head_commit(root)
    if commit is not None:
        return commit.date
    return dt.datetime.now(tz=dt.UTC).replace(microsecond=0)


# --- reading revisions (diff, build --compare) and history (map pages) -----------


class GitError(Exception):
    """A git problem the user can act on: not a repository, unknown revision, shallow clone."""


WORKING_TREE = None  # a `head` of None means the files on disk


def _git(root: Path, *args: str, data: bytes | None = None) -> bytes:
    """Run git in `root` and return its stdout; a failure raises GitError with git's message."""
    try:
        result = subprocess.run(
            ["git", "-c", "core.quotepath=false", "-C", str(root), *args],
            input=data, capture_output=True, check=False, timeout=300,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"},
        )
    except FileNotFoundError as exc:
        raise GitError("git is not installed (or not on PATH)") from exc
    except (OSError, subprocess.SubprocessError) as exc:
        raise GitError(f"git failed: {exc}") from exc
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", errors="replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {' '.join(args)} failed")
    return result.stdout


def repository_root(root: Path) -> Path:
    """The top of the git work tree that holds `root`; GitError outside one."""
    try:
        out = _git(root, "rev-parse", "--show-toplevel")
    except GitError as exc:
        raise GitError(
            f"{root} is not inside a git repository; cjmgen diff compares git revisions "
            "(to compare two folders or two map files, give their paths)"
        ) from exc
    return Path(out.decode("utf-8").strip())


def is_shallow(root: Path) -> bool:
    out = run_git(root, "rev-parse", "--is-shallow-repository")
    return (out or "").strip() == "true"


_SHALLOW_HINT = (
    "this is a shallow clone, which may lack it: fetch the history with "
    "`git fetch --unshallow` (in CI: actions/checkout `fetch-depth: 0`, GitLab `GIT_DEPTH: 0`)"
)


def resolve_revision(root: Path, revision: str) -> str:
    """The full commit id of `revision`; GitError names the revision (and a shallow clone)."""
    repository_root(root)
    if revision.startswith("-"):
        raise GitError(f"not a revision: '{shorten(revision)}'")
    if len(revision) > MAX_REVISION:
        raise GitError(f"not a revision: a name of {len(revision)} characters "
                       f"('{shorten(revision)}'; at most {MAX_REVISION})")
    try:
        return _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options",
                    f"{revision}^{{commit}}").decode().strip()
    except GitError:
        hint = f"; {_SHALLOW_HINT}" if is_shallow(root) else ""
        raise GitError(f"unknown revision '{shorten(revision)}'{hint}") from None


#: Longer than any branch, tag or expression a person types; beyond it git and the file
#: system fail in their own words ("File name too long").
MAX_REVISION = 1024


def shorten(name: str, keep: int = 80) -> str:
    """A name the user gave, cut for a message (a 10,000-character one fills the screen)."""
    return name if len(name) <= keep else name[:keep] + "…"


def default_branch(root: Path) -> str | None:
    """origin/HEAD's branch, else main or master (local or on origin); None when none exists."""
    out = run_git(root, "symbolic-ref", "-q", "--short", "refs/remotes/origin/HEAD")
    candidates = [out.strip()] if out and out.strip() else []
    candidates += ["main", "master", "origin/main", "origin/master"]
    for name in candidates:
        if run_git(root, "rev-parse", "--verify", "--quiet", f"{name}^{{commit}}") is not None:
            return name
    return None


def merge_base(root: Path, first: str, second: str = "HEAD") -> str:
    """The best common ancestor of two revisions; GitError when there is none (or it was not fetched)."""
    a, b = resolve_revision(root, first), resolve_revision(root, second)
    try:
        return _git(root, "merge-base", a, b).decode().strip()
    except GitError:
        if is_shallow(root):
            raise GitError(f"no merge base of '{first}' and '{second}': {_SHALLOW_HINT}") from None
        raise GitError(f"'{first}' and '{second}' have no common history") from None


def _content_path(path: str, content_dir: str) -> bool:
    """The files `repository.read_sources` reads: .md, channels.yml and data files, no hidden parts."""
    prefix = content_dir.strip("/")
    relative = path[len(prefix) + 1:] if prefix not in ("", ".") else path
    if prefix not in ("", ".") and not path.startswith(prefix + "/"):
        return False
    parts = relative.split("/")
    if any(part.startswith(".") for part in parts):
        return False
    return relative.endswith(".md") or relative == "channels.yml" or is_data_path(relative)


def list_revision(root: Path, revision: str, content_dir: str) -> dict[str, str]:
    """Every content file at `revision` and its blob id, keyed by path relative to `root` (one `ls-tree`)."""
    commit = resolve_revision(root, revision)
    pathspec = content_dir.strip("/") or "."
    listing = _git(root, "ls-tree", "-r", "-z", commit, "--", pathspec).decode("utf-8", errors="replace")
    blobs: dict[str, str] = {}
    for entry in listing.split("\0"):
        if not entry:
            continue
        meta, _, path = entry.partition("\t")
        mode, kind, sha = meta.split(" ")
        if kind == "blob" and mode in ("100644", "100755") and _content_path(path, content_dir):
            blobs[path] = sha
    return dict(sorted(blobs.items()))


def read_blobs(root: Path, blobs: Mapping[str, str]) -> dict[str, bytes]:
    """The contents of blobs (path -> blob id), all through one `git cat-file --batch`."""
    if not blobs:
        return {}
    out = _git(root, "cat-file", "--batch", data="".join(f"{sha}\n" for sha in blobs.values()).encode())
    contents: dict[str, bytes] = {}
    position = 0
    for path in blobs:
        header_end = out.index(b"\n", position)
        size = int(out[position:header_end].split(b" ")[2])
        start = header_end + 1
        contents[path] = out[start:start + size]
        position = start + size + 1
    return contents


def read_revision(root: Path, revision: str, content_dir: str) -> dict[str, bytes]:
    """Every content file at `revision`, keyed by path relative to `root`, sorted (two git calls)."""
    return read_blobs(root, list_revision(root, revision, content_dir))


def blob_id(data: bytes) -> str:
    """The id git gives these bytes as a blob, to tell unchanged work-tree files without reading git."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def renamed_paths(root: Path, base: str, head: str | None, content_dir: str) -> dict[str, str]:
    """Files git sees as renamed between base and head (None: the work tree): old -> new."""
    args = ["diff", "-M", "--name-status", "-z", "--relative", base]
    if head is not None:
        args.append(head)
    out = _git(root, *args, "--", content_dir.strip("/") or ".").decode("utf-8", errors="replace")
    tokens = out.split("\0")
    renames: dict[str, str] = {}
    index = 0
    while index < len(tokens) and tokens[index]:
        status = tokens[index]
        if status[:1] in ("R", "C"):
            if status[0] == "R":
                renames[tokens[index + 1]] = tokens[index + 2]
            index += 3
        else:
            index += 2
    return renames


@dataclass(frozen=True)
class FileHistory:
    """The latest commits that touched one file (newest first) and how many there are."""

    commits: tuple[Commit, ...]
    total: int
    # Every commit that left the file with new bytes, and those bytes' blob id, newest first:
    # what the KPI history reads (review/kpi_history.py) without another `git log`.
    versions: tuple[tuple[Commit, str], ...] = ()

    @property
    def last(self) -> Commit:
        return self.commits[0]


_HISTORY_FORMAT = "%x1e%H%x1f%cI%x1f%an%x1f%s"
_NO_BLOB = "0" * 40


def file_history(root: Path, content_dir: str, limit: int = 5) -> dict[str, FileHistory]:
    """The history of every content file from ONE `git log`; {} outside a git repository.

    Paths are relative to `root`. A file renamed in git (`git mv`) keeps the
    commits of its earlier names. Deterministic: git's commit order.
    """
    pathspec = content_dir.strip("/") or "."
    out = run_git(
        root, "-c", "core.quotepath=false", "log", "-M", "--raw", "--no-abbrev", "-z", "--relative",
        f"--format={_HISTORY_FORMAT}", "--", pathspec,
    )
    if not out:
        return {}
    commits: dict[str, list[Commit]] = {}
    totals: dict[str, int] = {}
    versions: dict[str, list[tuple[Commit, str]]] = {}
    later_name: dict[str, str] = {}  # a path in older commits -> its name today

    def record(path: str, commit: Commit, blob: str) -> None:
        final = later_name.get(path, path)
        totals[final] = totals.get(final, 0) + 1
        kept = commits.setdefault(final, [])
        if len(kept) < limit and (not kept or kept[-1].sha != commit.sha):
            kept.append(commit)
        if blob != _NO_BLOB:
            versions.setdefault(final, []).append((commit, blob))

    for chunk in out.split("\x1e"):
        if not chunk:
            continue
        header, _, rest = chunk.partition("\0")
        commit = _parse_commit(header.strip())
        if commit is None:
            continue
        tokens = rest.lstrip("\n").split("\0")
        index = 0
        while index < len(tokens) and tokens[index]:
            # `:old-mode new-mode old-blob new-blob status`, then the path (two for R and C)
            meta = tokens[index].split(" ")
            status, blob = meta[-1], meta[3] if len(meta) == 5 else _NO_BLOB
            if status[:1] == "R" and index + 2 < len(tokens):
                old, new = tokens[index + 1], tokens[index + 2]
                final = later_name.get(new, new)
                record(new, commit, blob)
                later_name[old] = final
                index += 3
            elif status[:1] == "C" and index + 2 < len(tokens):
                record(tokens[index + 2], commit, blob)
                index += 3
            else:
                record(tokens[index + 1], commit, blob)
                index += 2
    return {
        path: FileHistory(tuple(found), totals[path], tuple(versions.get(path, ())))
        for path, found in sorted(commits.items())
    }
