"""Typed KPI values over a map's git history (issue 21): one `git log` for the whole
repository, renames followed, versions kept by blob id, no trend without a full history."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from cjmgen.content import gitio
from cjmgen.content.project import load_project
from cjmgen.incremental.kpi_values import KpiValueStore
from cjmgen.review.history import map_histories
from tests.helpers.cli import run
from tests.helpers.git_repos import commit, git, init
from tests.helpers.repos import CHANNELS, PERSONA_ANNA, simple_map

SOFA = simple_map("Buying a sofa")


def deal(value: str) -> str:
    """The sofa map with the deal stage's KPI at `value` (5% at first, target 7%)."""
    return SOFA.replace("KPI Deal, value: 5%", f"KPI Deal, value: {value}")


@pytest.fixture
def kpi_repo(tmp_path: Path) -> Path:
    """Four commits: 5%, 6%, a `git mv`, then 7.5% (met) under the new name."""
    root = init(tmp_path / "repo", {"maps/personas/anna.md": PERSONA_ANNA, "maps/channels.yml": CHANNELS,
                                    "maps/sofa.md": SOFA})
    commit(root, "First map", "2026-01-05T09:00:00+00:00")
    commit(root, "Deal: 6%", "2026-02-05T09:00:00+00:00", {"maps/sofa.md": deal("6%")})
    commit(root, "Sofa moves to b2c/", "2026-03-05T09:00:00+00:00", moves={"maps/sofa.md": "maps/b2c/sofa.md"})
    commit(root, "Deal: 7.5%", "2026-04-05T09:00:00+00:00", {"maps/b2c/sofa.md": deal("7.5%")})
    return root


def histories(root: Path, store: KpiValueStore | None = None) -> dict[str, Any]:
    project = load_project(root)
    return map_histories(root, project.repo.config, project.repo.maps, store=store)


def trail_points(root: Path, path: str = "maps/b2c/sofa.md", **options: Any) -> list[tuple[Any, ...]]:
    history = histories(root, **options)[path]
    trail = history.kpi_trail("deal", "kpi-deal")
    assert trail is not None
    return [(p.value, p.number, p.status, p.commit.date.date().isoformat() if p.commit else None,
             p.commit.subject if p.commit else None) for p in trail.points]


def test_each_change_of_a_typed_value_is_a_point_with_its_commit_date_across_a_rename(kpi_repo: Path) -> None:
    assert trail_points(kpi_repo) == [
        ("5%", 5.0, "missed", "2026-01-05", "First map"),
        ("6%", 6.0, "missed", "2026-02-05", "Deal: 6%"),
        ("7.5%", 7.5, "met", "2026-04-05", "Deal: 7.5%"),  # the move changed no value: no point
    ]
    history = histories(kpi_repo)["maps/b2c/sofa.md"]
    assert history.kpi_trail("awareness", "kpi-awareness") is None  # never changed: no trend


def test_an_uncommitted_value_ends_the_trail_without_a_commit(kpi_repo: Path) -> None:
    (kpi_repo / "maps/b2c/sofa.md").write_text(deal("8%"), encoding="utf-8")
    points = trail_points(kpi_repo)
    assert points[-1] == ("8%", 8.0, "met", None, None)
    assert [p[0] for p in points] == ["5%", "6%", "7.5%", "8%"]


def test_a_version_that_does_not_read_is_skipped(kpi_repo: Path) -> None:
    commit(kpi_repo, "Broken", "2026-05-01T09:00:00+00:00", {"maps/b2c/sofa.md": "---\ntitle: [unclosed\n---\n"})
    commit(kpi_repo, "Deal: 4%", "2026-05-02T09:00:00+00:00", {"maps/b2c/sofa.md": deal("4%")})
    assert [p[0] for p in trail_points(kpi_repo)] == ["5%", "6%", "7.5%", "4%"]


def test_a_version_over_the_size_limit_is_skipped_unread(kpi_repo: Path) -> None:
    """A version of 9 MB (notes pasted by mistake, then removed) is left out as one that does
    not read: every first build would otherwise parse it."""
    pasted = deal("1%") + "\n" + "Notes that were pasted twice. " * 300_000
    commit(kpi_repo, "Pasted", "2026-05-01T09:00:00+00:00", {"maps/b2c/sofa.md": pasted})
    commit(kpi_repo, "Deal: 4%", "2026-05-02T09:00:00+00:00", {"maps/b2c/sofa.md": deal("4%")})
    assert [p[0] for p in trail_points(kpi_repo)] == ["5%", "6%", "7.5%", "4%"]  # no 1%


def test_units_are_drawn_on_the_scale_of_the_current_value(tmp_path: Path) -> None:
    days = SOFA.replace("{name: KPI Deal, value: 5%, target: 7%}",
                        "{name: Delivery, value: 3 дня, target: 2 дня, better: lower}")
    root = init(tmp_path / "repo", {"maps/personas/anna.md": PERSONA_ANNA, "maps/channels.yml": CHANNELS,
                                    "maps/sofa.md": days})
    commit(root, "Days", "2026-01-05T09:00:00+00:00")
    commit(root, "Hours", "2026-02-05T09:00:00+00:00", {"maps/sofa.md": days.replace("value: 3 дня", "value: 36 ч")})
    history = histories(root)["maps/sofa.md"]
    trail = history.kpi_trail("deal", "delivery")
    assert trail is not None
    (first, second) = trail.points
    assert (first.value, first.status, second.value, second.status) == ("3 дня", "missed", "36 ч", "met")
    assert first.number == pytest.approx(2 * second.number)  # 3 days are twice 36 hours


def count_git(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """Every git subprocess gitio starts, by its arguments."""
    calls: list[tuple[str, ...]] = []
    real_run, real_git = gitio.run_git, gitio._git

    def run_git(root: Path, *args: str) -> str | None:
        calls.append(args)
        return real_run(root, *args)

    def git_bytes(root: Path, *args: str, data: bytes | None = None) -> bytes:
        calls.append(args)
        return real_git(root, *args, data=data)

    monkeypatch.setattr(gitio, "run_git", run_git)
    monkeypatch.setattr(gitio, "_git", git_bytes)
    return calls


def repo_of(root: Path, count: int) -> Path:
    """`count` maps, each changing its deal KPI in each of three commits."""
    files = {f"maps/m{n}.md": simple_map(f"Map {n}") for n in range(count)}
    init(root, {"maps/personas/anna.md": PERSONA_ANNA, "maps/channels.yml": CHANNELS, **files})
    commit(root, "Maps", "2026-01-05T09:00:00+00:00")
    for step, value in enumerate(("6%", "7%")):
        commit(root, f"KPIs at {value}", f"2026-0{step + 2}-05T09:00:00+00:00",
               {path: text.replace("KPI Deal, value: 5%", f"KPI Deal, value: {value}") for path, text in files.items()})
    return root


def test_one_git_log_and_one_cat_file_for_the_whole_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    counted = []
    for count in (2, 6):
        root = repo_of(tmp_path / f"repo{count}", count)
        project = load_project(root)
        calls = count_git(monkeypatch)
        found = map_histories(root, project.repo.config, project.repo.maps)
        assert len(found) == count and all(len(h.kpis) == 1 and len(h.kpis[0].points) == 3 for h in found.values())
        assert sum("log" in args and "--raw" in args for args in calls) == 1
        assert sum("cat-file" in args for args in calls) == 1
        counted.append(len(calls))
        monkeypatch.undo()
    assert counted[0] == counted[1]  # six maps cost the git calls of two


def test_the_work_tree_s_version_is_not_parsed_again_and_the_others_are_parsed_on_every_core(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A first build of a repository with history parses each past version of each map: the
    newest is the file as it is (parsed already), the rest are shared out between processes."""
    from cjmgen.review import kpi_history

    root = repo_of(tmp_path / "repo", 3)  # three maps, three versions each
    project = load_project(root)
    config, maps = project.repo.config, project.repo.maps
    read: list[int] = []
    parsed: list[str] = []
    real_read, real_parse = gitio.read_blobs, kpi_history.version_kpis

    def counted_read(at: Path, blobs: dict[str, str]) -> dict[str, bytes]:
        read.append(len(blobs))
        return real_read(at, blobs)

    def counted_parse(path: str, data: bytes, config: Any) -> Any:
        parsed.append(path)
        return real_parse(path, data, config)

    monkeypatch.setattr(gitio, "read_blobs", counted_read)
    monkeypatch.setattr(kpi_history, "version_kpis", counted_parse)
    monkeypatch.setenv("CJMGEN_WORKERS", "1")
    alone = map_histories(root, config, maps)
    assert read == [9] and len(parsed) == 9
    monkeypatch.setenv("CJMGEN_WORKERS", "2")
    shared = map_histories(root, config, maps, sources=project.repo.sources)
    assert shared == alone and all(len(h.kpis[0].points) == 3 for h in shared.values())
    assert read == [9, 6]  # each map's newest version is the work tree's
    assert len(parsed) == 9 + 3  # this process parsed half of the six, a forked one the others
    (tmp_path / "store").mkdir()
    store = KpiValueStore(lambda create: tmp_path / "store")
    assert map_histories(root, config, maps, store=store, sources=project.repo.sources) == alone
    hashed: list[int] = []
    real_hash = gitio.blob_id

    def counted_hash(data: bytes) -> str:
        hashed.append(len(data))
        return real_hash(data)

    monkeypatch.setattr(gitio, "blob_id", counted_hash)
    assert map_histories(root, config, maps, store=store, sources=project.repo.sources) == alone
    assert hashed == [] and read[-1] == 0  # every version kept: no map is hashed (serve's rebuilds)
    uncommitted = simple_map("Map 0").replace("KPI Deal, value: 5%", "KPI Deal, value: 4%")
    (root / "maps" / "m0.md").write_text(uncommitted, encoding="utf-8")
    edited = load_project(root).repo
    changed = map_histories(root, config, edited.maps, sources=edited.sources)
    assert read[-1] == 7  # m0's three versions, as none is the work tree's
    assert [p.value for p in changed["maps/m0.md"].kpis[0].points] == ["5%", "6%", "7%", "4%"]
    assert changed["maps/m0.md"].kpis[0].points[-1].commit is None


def test_past_values_are_kept_by_blob_and_read_once(kpi_repo: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    store = KpiValueStore(lambda create: tmp_path)
    first = trail_points(kpi_repo, store=store)
    calls = count_git(monkeypatch)
    assert trail_points(kpi_repo, store=store) == first
    assert not any("cat-file" in args for args in calls)  # every version came from the store
    broken = tmp_path / "values.json"
    broken.write_text('{"stamp": "other code", "blobs": {}}', encoding="utf-8")
    assert trail_points(kpi_repo, store=store) == first  # another cjmgen's values are read again
    assert sum("cat-file" in args for args in calls) == 1


def test_a_linked_store_file_is_neither_read_nor_written_through(kpi_repo: Path, tmp_path: Path) -> None:
    precious = tmp_path / "precious.json"
    precious.write_text("years of work", encoding="utf-8")
    folder = tmp_path / "store"
    folder.mkdir()
    (folder / "values.json").symlink_to(precious)
    trail_points(kpi_repo, store=KpiValueStore(lambda create: folder))
    assert precious.read_text(encoding="utf-8") == "years of work"
    assert not (folder / "values.json").is_symlink()


def test_a_shallow_clone_has_no_trend(kpi_repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "2", f"file://{kpi_repo}", str(clone)], check=True,
                   capture_output=True)
    found = histories(clone)
    assert found["maps/b2c/sofa.md"].kpis == ()  # the history is cut short: no trend rather than a wrong one


def test_without_git_there_is_no_history_and_no_error(kpi_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    assert histories(kpi_repo) == {}


def test_a_merged_branch_keeps_its_values_in_date_order(kpi_repo: Path) -> None:
    git(kpi_repo, "checkout", "-q", "-b", "side")
    commit(kpi_repo, "Side: 9%", "2026-05-01T09:00:00+00:00", {"maps/b2c/sofa.md": deal("9%")})
    git(kpi_repo, "checkout", "-q", "main")
    commit(kpi_repo, "Main: persona note", "2026-05-02T09:00:00+00:00",
           {"maps/personas/anna.md": PERSONA_ANNA + "\nMore.\n"})
    git(kpi_repo, "merge", "-q", "--no-edit", "side", date="2026-05-03T09:00:00+00:00")
    assert [p[0] for p in trail_points(kpi_repo)] == ["5%", "6%", "7.5%", "9%"]
    assert os.path.exists(kpi_repo / "maps/b2c/sofa.md")


# --- the map page ------------------------------------------------------------------------


def build(root: Path) -> str:
    result = run(["build", "--no-pdf"], root)
    assert result.exit_code == 0, result.output
    return (root / "site/maps/b2c/sofa.html").read_text(encoding="utf-8")


def history_block(page: str) -> str:
    start = page.index('<div class="kpi-history">')
    return page[start:page.index("</div>", start)]


def shown_points(block: str) -> str:
    """The points as a reader sees them under the sparkline."""
    return " ".join(re.sub(r"<[^>]+>", "", block.split("</svg>")[1]).replace("\u00a0", " ").replace("\u202f", " ").split())


def test_the_map_page_draws_each_value_with_its_commit_date(kpi_repo: Path) -> None:
    block = history_block(build(kpi_repo))
    assert "KPI Deal" in block and 'class="cjm-chart kpi-trend"' in block
    assert shown_points(block) == "5% (5 January 2026) → 6% (5 February 2026) → 7.5% (5 April 2026)"
    shas = [git(kpi_repo, "rev-parse", f"HEAD~{n}").strip()[:10] for n in (3, 2, 0)]
    desc = re.search(r"<desc[^>]*>([^<]*)</desc>", block)
    assert desc is not None
    assert desc[1].startswith(f"2026-01-05: 5% (target missed), {shas[0]}; 2026-02-05: 6% (target missed), "
                              f"{shas[1]}; 2026-04-05: 7.5% (target met), {shas[2]}")
    assert block.count('class="trend-point kpi-missed"') == 2 and block.count('class="trend-point kpi-met"') == 1


def test_the_next_build_adds_a_new_commit_s_point(kpi_repo: Path) -> None:
    build(kpi_repo)
    commit(kpi_repo, "Deal: 8%", "2026-05-05T09:00:00+00:00", {"maps/b2c/sofa.md": deal("8%")})
    assert shown_points(history_block(build(kpi_repo))).endswith("7.5% (5 April 2026) → 8% (5 May 2026)")


def test_a_russian_map_says_it_in_russian(kpi_repo: Path) -> None:
    (kpi_repo / "cjmgen.yml").write_text("language: ru\n", encoding="utf-8")
    (kpi_repo / "maps/b2c/sofa.md").write_text(deal("8%"), encoding="utf-8")
    block = history_block(build(kpi_repo))
    assert "По истории изменений" in block
    # figures printed as the page prints KPIs in Russian
    assert shown_points(block) == "5 % (5 января 2026) → 6 % (5 февраля 2026) → 7,5 % (5 апреля 2026) → 8 % (ещё не в git)"


def test_a_map_without_changed_values_has_no_history_block(kpi_repo: Path) -> None:
    page = build(kpi_repo)
    awareness = page[page.index('id="stage-awareness"'):page.index('id="stage-deal"')]
    assert "kpi-history" not in awareness


def test_a_kpi_measured_from_data_shows_the_data_not_the_history(kpi_repo: Path) -> None:
    (kpi_repo / "maps/data").mkdir()
    (kpi_repo / "maps/data/sofa.csv").write_text(
        "stage,kpi,period,value\ndeal,kpi-deal,2026-03,6.5%\ndeal,kpi-deal,2026-04,7.1%\n", encoding="utf-8")
    with_data = deal("7.5%").replace("reviewed: 2026-10-01\n", "reviewed: 2026-10-01\ndata: data/sofa.csv\n")
    commit(kpi_repo, "Deal from data", "2026-05-05T09:00:00+00:00", {"maps/b2c/sofa.md": with_data})
    assert histories(kpi_repo)["maps/b2c/sofa.md"].kpi_trail("deal", "kpi-deal") is not None  # there is history
    page = build(kpi_repo)
    assert "kpi-history" not in page  # but the data's trend wins


def test_a_build_keeps_the_values_it_read_for_the_next(kpi_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(kpi_repo)
    assert (kpi_repo / ".cjmgen-cache/kpi-values/values.json").is_file()
    commit(kpi_repo, "Deal: 8%", "2026-05-05T09:00:00+00:00", {"maps/b2c/sofa.md": deal("8%")})
    read: list[int] = []
    real = gitio.read_blobs

    def counted_read(root, blobs):
        read.append(len(blobs))
        return real(root, blobs)

    monkeypatch.setattr(gitio, "read_blobs", counted_read)
    build(kpi_repo)
    # the earlier versions come from the cache; the new one is the work tree's, read from the map
    assert read == [0]


def test_a_build_outside_git_leaves_no_kpi_values_folder(make_repo) -> None:
    root = make_repo({"maps/sofa.md": SOFA})
    assert run(["build", "--no-pdf"], root).exit_code == 0
    assert (root / ".cjmgen-cache").is_dir() and not (root / ".cjmgen-cache/kpi-values").exists()


def test_only_the_last_versions_are_read(kpi_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cjmgen.review import kpi_history

    monkeypatch.setattr(kpi_history, "MAX_VERSIONS", 2)
    assert [p[0] for p in trail_points(kpi_repo)] == ["6%", "7.5%"]  # 5% was three versions back


def test_a_rebuild_after_one_edit_loads_no_other_whole_map(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The trails of maps whose pages are kept read only their KPIs, kept with every map's
    skeleton (incremental.lazy_map): their whole is never loaded."""
    from cjmgen.build.pipeline import BuildOptions
    from cjmgen.build.pipeline import build as build_site
    from tests.test_lazy_map import count_loads

    monkeypatch.setenv("CJMGEN_WORKERS", "1")  # the loads are counted in this process
    root = repo_of(tmp_path / "repo", 4)
    assert build_site(root, BuildOptions(pdf=False)).written
    loaded = count_loads(monkeypatch)
    edited = root / "maps/m0.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA note.\n", encoding="utf-8")
    assert build_site(root, BuildOptions(pdf=False)).written
    assert loaded == [], loaded
