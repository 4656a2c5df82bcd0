"""Maps through time: compare two revisions (or folders, or files) and each map's git history."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cjmgen.config import SiteConfig
from cjmgen.content import gitio
from cjmgen.content.datafiles import is_data_path
from cjmgen.content.gitio import Commit, GitError
from cjmgen.content.model import Map
from cjmgen.content.repository import CHANNELS_FILE, content_prefix, read_sources
from cjmgen.incremental.kpi_values import KpiValueStore
from cjmgen.review.kpi_history import KpiTrail, kpi_trails

if TYPE_CHECKING:
    from cjmgen.review.diff import RepoDiff

# cjmgen.review.diff (slow to import) is imported where a comparison is made: a build reads
# the history of every map but compares revisions only with --compare.

WORKING_TREE_LABEL = "working tree"


def default_base(root: Path) -> tuple[str, str]:
    """(label, commit) of the merge base of HEAD with the default branch."""
    branch = gitio.default_branch(root)
    if branch is None:
        gitio.repository_root(root)
        raise GitError("no default branch found (origin/HEAD, main or master); name the base: cjmgen diff BASE")
    return f"merge base with {branch}", gitio.merge_base(root, branch, "HEAD")


def compare_revisions(root: Path, config: SiteConfig, base: str | None = None, head: str | None = None,
                      head_sources: Mapping[str, bytes] | None = None) -> RepoDiff:
    """The semantic diff of the content between two revisions; head None is the working tree.

    `head_sources` are the working tree's files when the caller has read them already.
    """
    root = root.resolve()
    gitio.repository_root(root)
    if base is None:
        base_label, base_commit = default_base(root)
    else:
        base_label, base_commit = base, gitio.resolve_revision(root, base)
    prefix = content_prefix(config)
    old_blobs = gitio.list_revision(root, base_commit, prefix)
    if head is None:
        head_label, head_commit = WORKING_TREE_LABEL, None
        work = dict(head_sources) if head_sources is not None else read_sources(config)
        new_blobs = {path: gitio.blob_id(data) for path, data in work.items()}
    else:
        head_commit = gitio.resolve_revision(root, head)
        head_label = head
        new_blobs = gitio.list_revision(root, head_commit, prefix)
    # Every file of both sides is read (the checks need the whole repository); a blob id names
    # the bytes, so an unchanged file is read once, and only what differs is compared.
    changed = {p for p in old_blobs.keys() | new_blobs.keys() if old_blobs.get(p) != new_blobs.get(p)}
    old_all = gitio.read_blobs(root, dict(sorted(old_blobs.items())))
    if head is None:
        new_all = dict(work)
    else:
        fresh = gitio.read_blobs(root, {p: new_blobs[p] for p in sorted(changed) if p in new_blobs})
        new_all = {p: fresh[p] if p in changed else old_all[p] for p in sorted(new_blobs)}
    renames = gitio.renamed_paths(root, base_commit, head_commit, prefix) if changed else {}
    return _compared(config, old_all, new_all, changed, gitio.source_date(root).date(), renames=renames,
                     base=base_label, head=head_label, base_commit=base_commit, head_commit=head_commit)


def _compared(config: SiteConfig, old_all: Mapping[str, bytes], new_all: Mapping[str, bytes], changed: set[str],
              as_of: dt.date, **options: Any) -> RepoDiff:
    """The semantic diff of the changed files, with what `check` newly says about the whole repository."""
    from cjmgen.review.check_delta import check_changes
    from cjmgen.review.diff import diff_sources, shown_names
    from cjmgen.review.measure_delta import measure_changes

    # Data files are compared as the figures of the maps that read them (measure_delta)
    old = {p: old_all[p] for p in sorted(changed) if p in old_all and not is_data_path(p)}
    new = {p: new_all[p] for p in sorted(changed) if p in new_all and not is_data_path(p)}
    found = diff_sources(config, old, new, names=shown_names(config, old_all, new_all, changed), **options)
    return check_changes(measure_changes(found, config, old_all, new_all), config, old_all, new_all, as_of)


def _folder_sources(folder: Path, prefix: str) -> dict[str, bytes]:
    """A folder read as if it were the content directory."""
    sources = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue
        if path.suffix == ".md" or relative.as_posix() == CHANNELS_FILE or is_data_path(path.name):
            sources[f"{prefix}/{relative.as_posix()}"] = path.read_bytes()
    return sources


def compare_paths(old: Path, new: Path, config: SiteConfig) -> RepoDiff:
    """Two map files (compared as one map) or two content folders, outside git."""
    prefix = content_prefix(config) if content_prefix(config) != "." else "maps"
    if old.is_dir() and new.is_dir():
        before, after = _folder_sources(old, prefix), _folder_sources(new, prefix)
    elif old.is_file() and new.is_file():
        key = f"{prefix}/{new.stem}.md"
        before, after = {key: old.read_bytes()}, {key: new.read_bytes()}
    else:
        raise GitError(f"compare two files or two folders, not a file and a folder: {old}, {new}")
    changed = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
    return _compared(config, before, after, changed, gitio.source_date(config.root).date(),
                     base=str(old), head=str(new))


# --- history on map pages --------------------------------------------------------


@dataclass(frozen=True)
class MapHistory:
    """What a map page shows about its past."""

    commits: tuple[Commit, ...]  # newest first, at most the configured number
    total: int  # commits that touched the file
    since_review: int | None  # commits after the `reviewed` date (None: never reviewed)
    kpis: tuple[KpiTrail, ...] = ()  # typed KPI values that changed in git (kpi_history)

    def kpi_trail(self, stage: str, key: str) -> KpiTrail | None:
        return next((t for t in self.kpis if t.stage == stage and t.key == key), None)

    @property
    def last(self) -> Commit:
        return self.commits[0]

    @property
    def earlier(self) -> int:
        return self.total - len(self.commits)


def map_histories(root: Path, config: SiteConfig, maps: tuple[Map, ...], limit: int = 5,
                  store: KpiValueStore | None = None,
                  sources: Mapping[str, bytes] | None = None) -> dict[str, MapHistory]:
    """The history of every map (by path) from one `git log`; {} outside a git repository.
    `store` keeps the KPI values of past versions between builds; `sources`: the bytes the
    maps were parsed from (a committed version that is one of them is not parsed again)."""
    files = _file_histories(root, config, limit)
    return histories_of(files, maps, limit, kpi_trails(root.resolve(), config, files, maps, store,
                                                       work_tree_blob(sources or {})))


def prefetch_histories(
    root: Path, config: SiteConfig, limit: int = 5, store: KpiValueStore | None = None,
    sources: Mapping[str, bytes] | None = None,
) -> Callable[[tuple[Map, ...]], dict[str, MapHistory]]:
    """Start map_histories' `git log` now, in a thread: git runs while Python parses the maps.

    Call the result once with the maps for their histories (it waits for git then);
    `sources` is let go of then, not kept for the rest of the build.
    """
    box: dict[str, dict[str, gitio.FileHistory]] = {}
    thread = threading.Thread(target=lambda: box.setdefault("files", _file_histories(root, config, limit)),
                              name="cjmgen-git-log", daemon=True)
    thread.start()
    held = [sources or {}]

    def finish(maps: tuple[Map, ...]) -> dict[str, MapHistory]:
        thread.join()  # and gone: forking render workers needs a single thread
        files = box["files"] if "files" in box else _file_histories(root, config, limit)
        current = work_tree_blob(held.pop() if held else {})
        return histories_of(files, maps, limit,
                            kpi_trails(root.resolve(), config, files, maps, store, current) if maps else {})

    return finish


def work_tree_blob(sources: Mapping[str, bytes]) -> Callable[[str], str | None]:
    """The git blob id of a file's bytes as they were read (None for a file not read):
    kpi_trails asks it only of maps with a version not yet in its store."""
    return lambda path: gitio.blob_id(sources[path]) if path in sources else None


def _file_histories(root: Path, config: SiteConfig, limit: int) -> dict[str, gitio.FileHistory]:
    return gitio.file_history(root.resolve(), content_prefix(config), limit=max(limit, 1) * 4)


def histories_of(files: Mapping[str, gitio.FileHistory], maps: tuple[Map, ...], limit: int = 5,
                 trails: Mapping[str, tuple[KpiTrail, ...]] | None = None) -> dict[str, MapHistory]:
    out: dict[str, MapHistory] = {}
    for journey_map in maps:
        found = files.get(journey_map.path)
        if found is None:
            continue
        since = None
        if journey_map.reviewed is not None:
            # Counted among the commits kept; "20+" is as useful as an exact count.
            since = sum(c.date.date() > journey_map.reviewed for c in found.commits)
        out[journey_map.path] = MapHistory(found.commits[:limit], found.total, since,
                                           (trails or {}).get(journey_map.path, ()))
    return out


def recently_changed(maps: tuple[Map, ...], histories: Mapping[str, MapHistory],
                     count: int = 10) -> list[tuple[Map, Commit]]:
    """The maps changed most recently, newest first (ties by id): for the index."""
    dated = [(m, histories[m.path].last) for m in maps if m.path in histories]
    dated.sort(key=lambda pair: (-pair[1].date.timestamp(), pair[0].id))
    return dated[:count]
