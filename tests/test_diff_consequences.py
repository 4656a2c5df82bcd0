"""The journey-level consequences of a map edit, one at a time: branches, loops, the funnel, notes."""

from __future__ import annotations

from pathlib import Path

from cjmgen.config import SiteConfig
from cjmgen.review.diff import diff_sources


def stage(stage_id: str, count: int | None = None, next_ids: str = "", name: str | None = None) -> str:
    lines = [f"  - id: {stage_id}", f"    name: {name or stage_id.title()}"]
    if count is not None:
        lines.append(f"    count: {count}")
    if next_ids:
        lines.append(f"    next: [{next_ids}]")
    return "\n".join(lines) + "\n"


def journey(*stages: str, body: str = "") -> bytes:
    return ("---\ntitle: Journey\nstages:\n" + "".join(stages) + "---\n" + body).encode()


def diff(old: bytes, new: bytes) -> list[tuple[str, str, str]]:
    config = SiteConfig(root=Path("."))
    found = diff_sources(config, {"maps/j.md": old}, {"maps/j.md": new})
    return [(c.code, c.severity, c.message) for m in found.maps for c in m.changes]


def test_a_branch_and_a_loop_added_and_removed() -> None:
    linear = journey(stage("search"), stage("compare"), stage("order"), stage("review"))
    branched = journey(stage("search", next_ids="compare, order"), stage("compare"), stage("order"),
                       stage("review", next_ids="search"))
    changes = diff(linear, branched)
    assert ("branch-added", "info", "new branch at Search: it leads to Compare, Order") in changes
    assert ("loop-added", "info", "new loop: from Review back to Search") in changes
    assert ("next-changed", "info", "stage Search now leads to Compare, Order (was Compare)") in changes
    back = diff(branched, linear)
    assert ("branch-removed", "info", "branch removed at Search: it leads only to Compare") in back
    assert ("loop-removed", "info", "loop removed: from Review back to Search") in back


def test_the_overall_conversion_that_the_map_page_shows() -> None:
    before = journey(stage("a", 1000), stage("b", 200), stage("c", 50))
    after = journey(stage("a", 1000), stage("b", 200), stage("c", 40))
    changes = diff(before, after)
    assert ("overall-conversion-changed", "warning", "overall conversion 5% -> 4% (from A to C)") in changes
    assert ("conversion-dropped", "warning", "conversion from B 25% -> 20%") in changes
    assert ("overall-conversion-changed", "info", "overall conversion 4% -> 5% (from A to C)") in diff(after, before)


def test_a_removed_stage_rewires_the_one_before_it() -> None:
    before = journey(stage("a", 1000), stage("b", 200), stage("c", 50))
    after = journey(stage("a", 1000), stage("c", 50))
    changes = diff(before, after)
    assert ("next-changed", "info", ("stage A now leads to C (was B) — the stage after it in the list, as it names "
                                     "no next")) in changes
    assert ("conversion-dropped", "warning", "conversion from A 20% -> 5% (now into C, was into B)") in changes


def test_notes_stay_attached_when_the_heading_follows_the_rename() -> None:
    before = journey(stage("deal", name="Deal"), body="## Deal\nSigned in the showroom.\n")
    renamed_id = journey(stage("purchase", name="Deal"), body="## Deal\nSigned in the showroom.\n")
    assert [c for c in diff(before, renamed_id) if c[0] == "notes-detached"] == []
    renamed_both = journey(stage("deal", name="Purchase"), body="## Deal\nSigned in the showroom.\n")
    assert [c[0] for c in diff(before, renamed_both)] == ["stage-renamed"]  # `## Deal` still names the id
    by_name_only = journey(stage("d1", name="Deal"), body="## Deal\nSigned in the showroom.\n")
    moved_away = journey(stage("d1", name="Purchase"), body="## Deal\nSigned in the showroom.\n")
    assert ("notes-detached", "warning", ('notes under heading "## Deal" no longer belong to stage Purchase: no stage '
                                          "has this name or id now, so the site shows them with the map's text")
            ) in diff(by_name_only, moved_away)


def test_a_long_prose_edit_is_shortened_around_the_changes() -> None:
    words = " ".join(f"word{n}" for n in range(200))
    before = journey(stage("a"), body=f"{words}\n")
    after = journey(stage("a"), body=f"{words.replace('word100', 'CHANGED')}\n")
    [(code, _, message)] = diff(before, after)
    assert code == "body-changed"
    assert message == ("the map's notes edited: … word94 word95 word96 word97 word98 word99 [-word100-]{+CHANGED+} "
                       "word101 word102 word103 word104 word105 word106 …")


def test_what_check_newly_says_about_unchanged_files_of_two_folders(tmp_path: Path) -> None:
    import json

    from tests.helpers.cli import run
    from tests.helpers.repos import write_files

    def repository(folder: str, catalog: str, persona: bool) -> Path:
        files = {
            "channels.yml": catalog,
            "shop.md": "---\ntitle: Shop visit\npersona: anna\nstages:\n  - name: Visit\n    touchpoints: [showroom]\n---\n",
            "web.md": "---\ntitle: Web order\nstages:\n  - name: Order\n    touchpoints: [website]\n---\n",
        }
        if persona:
            files["personas/anna.md"] = "---\nname: Anna, 32\n---\n"
        return write_files(tmp_path / folder, files)

    both = "website: {name: Website, kind: online}\n"
    old = repository("old", both + "showroom: {name: Showroom, kind: offline}\n", persona=True)
    new = repository("new", both, persona=False)
    result = run(["diff", str(old), str(new), "--format", "json"], tmp_path)
    report = json.loads(result.stdout)
    [shop] = report["maps"]
    assert (shop["id"], shop["status"]) == ("shop", "affected")
    assert sorted((c["code"], c["field"]) for c in shop["changes"]) == [
        ("check-error", "channel-ref"), ("check-error", "persona-ref")]
    removed = [(c["code"], c["message"]) for c in report["other"]]
    assert ("persona-removed", "persona Anna, 32 removed") in removed
    assert ("channel-removed", "channel Showroom removed") in removed
    assert report["summary"]["highest"] == "error"
