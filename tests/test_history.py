"""Git history on map pages, the index's recently-changed list, `build --compare`, and textconv."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.cli import run
from tests.helpers.git_repos import IDENTITY, commit, git, init
from tests.helpers.repos import CHANNELS, PERSONA_ANNA, simple_map
from tests.test_diff import OLD, SOFA_V1


@pytest.fixture
def site_repo(tmp_path: Path) -> Path:
    root = init(tmp_path / "repo", {
        "maps/personas/anna.md": PERSONA_ANNA, "maps/channels.yml": CHANNELS,
        "maps/sofa.md": simple_map("Buying a sofa"), "maps/chairs.md": simple_map("Office chairs"),
    })
    commit(root, "First maps", "2026-03-01T09:00:00+00:00", author="Anna Author")
    commit(root, "Sofa: deal emotion", "2026-10-05T09:00:00+00:00",
           {"maps/sofa.md": simple_map("Buying a sofa").replace("emotion: -1", "emotion: -2")}, author="Boris Builder")
    commit(root, "Chairs: wording", "2026-10-07T12:30:00+00:00",
           {"maps/chairs.md": simple_map("Office chairs", body="Notes.\n")})
    return root


def build(root: Path, *args: str) -> str:
    result = run(["build", "--no-pdf", *args], root)
    assert result.exit_code == 0, result.output
    return result.output


def test_map_page_shows_its_history(site_repo: Path) -> None:
    build(site_repo)
    page = (site_repo / "site/maps/sofa.html").read_text()
    section = page[page.index('<section class="history"'):]
    section = section[: section.index("</section>")]
    assert "5 October 2026" in section and "Boris Builder" in section
    shas = re.findall(r'data-commit="([0-9a-f]{40})"', section)
    assert len(shas) == 2
    assert re.search(r"<code>[0-9a-f]{10}</code> Sofa: deal emotion", section)
    assert section.index("Sofa: deal emotion") < section.index("First maps")
    # reviewed 2026-10-01 in simple_map: one commit since
    assert "1\u00a0commit since the last review" in section
    assert 'href="#history-title"' in page  # "Last changed" in the header links down to it


def test_index_lists_recently_changed_maps(site_repo: Path) -> None:
    build(site_repo)
    index = (site_repo / "site/index.html").read_text()
    recent = index[index.index('class="recent"'):]
    assert recent.index("Office chairs") < recent.index("Buying a sofa")
    assert 'data-changed="2026-10-07T12:30:00+00:00"' in recent


def test_history_follows_a_git_mv(site_repo: Path) -> None:
    commit(site_repo, "Sofa moves to b2c/", "2026-10-09T09:00:00+00:00", moves={"maps/sofa.md": "maps/b2c/sofa.md"})
    build(site_repo)
    page = (site_repo / "site/maps/b2c/sofa.html").read_text()
    for subject in ("Sofa moves to b2c/", "Sofa: deal emotion", "First maps"):
        assert subject in page


def test_builds_are_deterministic_with_history(site_repo: Path, tmp_path: Path) -> None:
    build(site_repo, "-o", str(tmp_path / "one"))
    build(site_repo, "-o", str(tmp_path / "two"))
    for name in ("index.html", "maps/sofa.html"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_outside_git_everything_builds_without_history(make_repo) -> None:
    root = make_repo({"maps/sofa.md": simple_map()})
    build(root)
    page = (root / "site/maps/sofa.html").read_text()
    assert 'class="history"' not in page and "history-title" not in page
    assert 'class="recent"' not in (root / "site/index.html").read_text()


def test_one_git_log_for_the_whole_repository(site_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """History costs one git call whatever the number of maps."""
    from cjmgen.content import gitio
    calls: list[tuple[str, ...]] = []
    real = gitio.run_git

    def counting(root: Path, *args: str) -> str | None:
        calls.append(args)
        return real(root, *args)

    monkeypatch.setattr(gitio, "run_git", counting)
    for number in range(30):
        (site_repo / f"maps/many/m{number}.md").parent.mkdir(parents=True, exist_ok=True)
        (site_repo / f"maps/many/m{number}.md").write_text(simple_map(f"Map {number}"))
    commit(site_repo, "Many maps", "2026-10-10T09:00:00+00:00")
    build(site_repo)
    assert sum(1 for args in calls if "log" in args and "--raw" in args) == 1


def test_build_compare_adds_a_what_changed_page(site_repo: Path) -> None:
    base = git(site_repo, "rev-parse", "HEAD").strip()
    sofa = site_repo / "maps/sofa.md"
    sofa.write_text(sofa.read_text().replace("emotion: 1\n", "emotion: 0\n"))
    (site_repo / "maps/new.md").write_text(simple_map("A new journey"))
    build(site_repo, "--compare", base)
    page = (site_repo / "site/changes.html").read_text()
    assert "<h1>What changed</h1>" in page
    assert 'href="maps/sofa.html"' in page and 'href="maps/new.html"' in page
    assert 'data-status="added"' in page and 'data-status="changed"' in page
    assert "emo-ghost-line" in page  # the old curve behind the new
    assert 'data-code="emotion-changed"' in page
    index = (site_repo / "site/index.html").read_text()
    assert 'href="changes.html"' in index
    assert 'href="../changes.html"' in (site_repo / "site/maps/sofa.html").read_text()  # in the nav
    assert "changes.html" not in run(["build", "--no-pdf"], site_repo).output
    assert not (site_repo / "site/changes.html").exists()


def test_build_compare_with_an_unknown_revision_fails_cleanly(site_repo: Path) -> None:
    result = run(["build", "--no-pdf", "--compare", "nope"], site_repo)
    assert result.exit_code == 1
    assert "unknown revision 'nope'" in result.output and "[compare]" in result.output


def test_russian_site_labels(site_repo: Path) -> None:
    (site_repo / "cjmgen.yml").write_text("language: ru\n")
    build(site_repo, "--compare", "HEAD~1")
    changes = (site_repo / "site/changes.html").read_text()
    assert "Что изменилось" in changes
    # the change messages too, not only the labels around them
    assert "заметки карты — правка: <ins>Notes.</ins>" in changes and "the map's notes" not in changes
    page = (site_repo / "site/maps/sofa.html").read_text()
    assert "История" in page and "Последние изменения" in page


# --- textconv --------------------------------------------------------------------


def test_textconv_prints_one_fact_per_line(tmp_path: Path) -> None:
    path = tmp_path / "sofa.md"
    path.write_text(SOFA_V1)
    result = run(["diff", "--textconv", str(path)], tmp_path)
    lines = result.stdout.splitlines()
    assert lines[:4] == ["title: Buying a sofa", "persona: anna", "segment: Mobile", "state: current"]
    assert "stages: awareness -> deal" in lines
    assert "[awareness] stage 1: Awareness" in lines
    assert "[awareness] KPI Ad CTR: 5%, target 7.5% (missed)" in lines
    assert "[deal] obstacle: No delivery dates" in lines
    assert "[deal] emotion: -1" in lines
    assert "[awareness] conversion (from counts): 5%" in lines


def test_textconv_shows_unreadable_files_as_written(tmp_path: Path) -> None:
    path = tmp_path / "broken.md"
    path.write_text("---\ntitle: [\n---\n")
    result = run(["diff", "--textconv", str(path)], tmp_path)
    assert result.exit_code == 0
    assert result.stdout == "# cjmgen: not a readable map; shown as written\n---\ntitle: [\n---\n"


def test_git_diff_through_the_textconv_driver(tmp_path: Path) -> None:
    root = init(tmp_path / "repo", {".gitattributes": "*.md diff=cjmgen\n", "maps/sofa.md": SOFA_V1,
                                     "maps/old.md": OLD})
    commit(root, "Start", "2026-01-10T10:00:00+00:00")
    git(root, "config", "diff.cjmgen.textconv", f'"{sys.executable}" -m cjmgen diff --textconv')
    git(root, "config", "diff.cjmgen.xfuncname", r"^\[[^]]+\] stage [0-9]+: .*$")
    (root / "maps/sofa.md").write_text(
        SOFA_V1.replace("emotion: -1", "emotion: -2").replace("name: Awareness", "name: Attention"))
    env = {**os.environ, **IDENTITY}
    out = subprocess.run(["git", "-C", str(root), "diff", "--no-color"], env=env, capture_output=True,
                         text=True, check=True).stdout
    changed = [line for line in out.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert changed == [
        "-[awareness] stage 1: Awareness", "+[awareness] stage 1: Attention",
        "-[deal] emotion: -1", "+[deal] emotion: -2",
    ]
    assert re.search(r"^@@ .* @@ \[awareness\] stage 1: Awareness$", out, re.MULTILINE)  # hunks name a stage


def test_init_sets_up_the_driver_in_a_git_repository(tmp_path: Path) -> None:
    root = init(tmp_path / "repo")
    result = run(["init", str(root)])
    assert "Configured git" in result.output
    assert git(root, "config", "diff.cjmgen.textconv").strip() == "cjmgen diff --textconv"
    assert "*.md diff=cjmgen" in (root / ".gitattributes").read_text()
    plain = tmp_path / "plain"
    result = run(["init", str(plain)])
    assert 'git config diff.cjmgen.textconv "cjmgen diff --textconv"' in result.output


def test_benchmark_function_runs(tmp_path: Path) -> None:
    from tools.bench.review import bench_diff

    figures = bench_diff(tmp_path / "bench", maps=30, changed=3)
    assert set(figures) == {"total_seconds", "read_seconds", "diff_seconds", "compare_all_changed_seconds"}
    assert all(0 <= value < 30 for value in figures.values())


def test_textconv_keeps_custom_lanes_without_the_config(tmp_path: Path) -> None:
    path = tmp_path / "m.md"
    path.write_text("---\ntitle: T\nstages:\n  - name: One\n    choice_factors: [Price, Delivery]\n---\n")
    lines = run(["diff", "--textconv", str(path)], tmp_path).stdout.splitlines()
    assert "[one] choice_factors: Price" in lines and "[one] choice_factors: Delivery" in lines
    (tmp_path / "cjmgen.yml").write_text("lanes: {choice_factors: Choice factors}\n")
    lines = run(["diff", "--textconv", str(path)], tmp_path).stdout.splitlines()
    assert "[one] Choice factors: Price" in lines
