"""The hierarchy of maps: a stage opens a detailed map (`detail:`), the detailed map shows
its breadcrumbs, the parent a roll-up of everything below it; `check` rejects cycles."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers.cli import check_json, run

#: Three levels: the lifecycle opens the online purchase, whose search stage opens the
#: phone search. The roll-ups below are worked out by hand from these figures.
LIFECYCLE = """---
title: Customer lifecycle
reviewed: 2026-10-01
stages:
  - id: aware
    name: Awareness
    goals: Find a sofa
    owner: Marketing
    detail: purchase
  - id: loyal
    name: Loyalty
    goals: Buy again
    owner: CRM
    emotion: 1
    kpis: [{name: Repeat orders, value: 12%, target: 10%}]
    obstacles: [Forgets us]
    next: [aware]
---
"""
PURCHASE = """---
title: Buying online
reviewed: 2026-10-01
stages:
  - id: search
    name: Search
    goals: Find it
    owner: Marketing
    detail: deep/phone-search.md
  - id: deal
    name: Deal
    goals: Pay
    owner: Sales
    emotion: -2
    kpis: [{name: Paid orders, value: 5%, target: 7%}]
    obstacles: [Long form]
---
"""
PHONE_SEARCH = """---
title: Searching from a phone
reviewed: 2026-10-01
stages:
  - id: query
    name: Query
    goals: Type a query
    owner: SEO
    emotion: 2
    count: 1000
    kpis: [{name: CTR, value: 8%, target: 7%}]
    obstacles: [Ads first]
  - id: click
    name: Click
    goals: Open the shop
    owner: SEO
    emotion: 0
    count: 100
    kpis: [{name: Bounce rate, value: 50%, target: 40%, better: lower}]
    obstacles: [Slow page]
---
"""


@pytest.fixture
def three_levels(make_repo) -> Path:
    return make_repo({
        "maps/lifecycle.md": LIFECYCLE, "maps/purchase.md": PURCHASE, "maps/deep/phone-search.md": PHONE_SEARCH,
    })


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\u2212", "-").strip()


def _section(html: str, tag: str, cls: str) -> str:
    found = re.search(rf'<{tag} class="{cls}".*?</{tag}>', html, re.DOTALL)
    assert found, cls
    return _text(found.group(0))


def test_three_levels_check_clean_and_the_roll_up_reaches_the_top(three_levels: Path) -> None:
    report = check_json(three_levels)
    assert [d for d in report["diagnostics"] if d["severity"] in ("error", "warning")] == []
    assert run(["build", "--no-pdf"], three_levels).exit_code == 0
    top = (three_levels / "site/maps/lifecycle.html").read_text(encoding="utf-8")
    rollups = _section(top, "section", "rollups")
    # Awareness opens "Buying online": its Search has no emotion and counts with the phone
    # search's mean (2 + 0) / 2 = 1; with Deal's -2 the mean is -0.5, the lowest -2.
    # KPIs over both maps: CTR met, bounce rate and paid orders missed. The purchase has no
    # counts: entry and exit come from the phone search, 1,000 -> 100.
    assert "Awareness Buying online -0.5 (-2) ✓ 1 target met ✗ 2 target missed 1,000 → 100 (10%) 2" in rollups
    assert '<td><a href="purchase.html">Buying online</a></td>' in top
    middle = (three_levels / "site/maps/purchase.html").read_text(encoding="utf-8")
    assert "Search Searching from a phone +1 (0) ✓ 1 target met ✗ 1 target missed 1,000 → 100 (10%) 1" in _section(
        middle, "section", "rollups")


def test_breadcrumbs_lead_up_to_the_lifecycle(three_levels: Path) -> None:
    assert run(["build", "--no-pdf"], three_levels).exit_code == 0
    deep = (three_levels / "site/maps/deep/phone-search.html").read_text(encoding="utf-8")
    trail = _section(deep, "div", "hierarchy-trail")
    assert trail == "Customer lifecycle › Awareness › Buying online › Search › Searching from a phone"
    assert 'href="../lifecycle.html#stage-aware"' in deep and 'href="../purchase.html#stage-search"' in deep
    top = (three_levels / "site/maps/lifecycle.html").read_text(encoding="utf-8")
    assert 'class="hierarchy-trail"' not in top  # the top map sits nowhere
    assert 'class="detail-link" href="purchase.html"' in top


def test_a_sub_journey_reused_by_two_lifecycles_follows_the_first_and_names_the_other(make_repo) -> None:
    other = LIFECYCLE.replace("Customer lifecycle", "Business lifecycle")
    root = make_repo({"maps/a-life.md": LIFECYCLE, "maps/b-life.md": other, "maps/purchase.md": PURCHASE,
                      "maps/deep/phone-search.md": PHONE_SEARCH})
    assert run(["build", "--no-pdf"], root).exit_code == 0
    page = (root / "site/maps/purchase.html").read_text(encoding="utf-8")
    trail = _section(page, "div", "hierarchy-trail")
    assert trail.startswith("Customer lifecycle › Awareness › Buying online")
    assert "Also opened from: Business lifecycle › Awareness" in trail


def test_the_pdf_sheet_shows_the_trail_and_the_roll_up(three_levels: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed")
    assert run(["build"], three_levels).exit_code == 0

    def text(name: str) -> str:
        out = subprocess.run(["pdftotext", str(three_levels / "site/maps" / name), "-"], check=True,
                             capture_output=True, text=True).stdout
        return re.sub(r"\s+", " ", out).replace("\u2212", "-")

    top = text("lifecycle.pdf")
    assert "→ Buying online" in top
    assert "Emotion: -0.5 (-2)" in top and "KPIs: ✓ 1 ✗ 2" in top and "Funnel: 1,000 → 100 (10%)" in top
    # the trail heads the sheet, on the line above the title (the segment's line: no extra height)
    deep = text("deep/phone-search.pdf")
    assert deep.startswith("Customer lifecycle › Awareness › Buying online › Search › ")


def test_a_cycle_names_every_file_with_its_line(make_repo) -> None:
    looping = PHONE_SEARCH.replace("    emotion: 0\n", "    emotion: 0\n    detail: lifecycle\n")
    root = make_repo({"maps/lifecycle.md": LIFECYCLE, "maps/purchase.md": PURCHASE,
                      "maps/deep/phone-search.md": looping})
    result = run(["check"], root)
    assert result.exit_code == 1
    cycles = [d for d in check_json(root)["diagnostics"] if d["code"] == "hierarchy-cycle"]
    assert len(cycles) == 1, cycles
    message = cycles[0]["message"]
    assert "maps/deep/phone-search.md:18" in message and "maps/lifecycle.md:9" in message
    assert "maps/purchase.md:9" in message
    assert cycles[0]["path"] == "maps/deep/phone-search.md" and cycles[0]["line"] == 18  # the first map by id


def test_two_maps_opening_each_other_is_a_cycle_with_both_files(make_repo) -> None:
    a = PURCHASE.replace("detail: deep/phone-search.md", "detail: b")
    b = PURCHASE.replace("title: Buying online", "title: B").replace("detail: deep/phone-search.md", "detail: a.md")
    root = make_repo({"maps/a.md": a, "maps/b.md": b})
    cycles = [d for d in check_json(root)["diagnostics"] if d["code"] == "hierarchy-cycle"]
    assert len(cycles) == 1
    assert "maps/a.md:9" in cycles[0]["message"] and "maps/b.md:9" in cycles[0]["message"]
    assert (cycles[0]["path"], cycles[0]["line"]) == ("maps/a.md", 9)
    result = run(["build"], root)
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_a_map_that_opens_itself_is_a_cycle(make_repo) -> None:
    root = make_repo({"maps/purchase.md": PURCHASE.replace("detail: deep/phone-search.md", "detail: purchase")})
    cycles = [d for d in check_json(root)["diagnostics"] if d["code"] == "hierarchy-cycle"]
    assert len(cycles) == 1 and "maps/purchase.md:9" in cycles[0]["message"]


def test_an_unknown_or_draft_detail_is_reported_at_the_key(make_repo) -> None:
    root = make_repo({
        "maps/lifecycle.md": LIFECYCLE.replace("detail: purchase", "detail: purchse"),
        "maps/purchase.md": PURCHASE.replace("detail: deep/phone-search.md", "detail: deep/phone-search"),
        "maps/deep/phone-search.md": PHONE_SEARCH.replace("reviewed:", "status: draft\nreviewed:"),
    })
    found = {d["code"]: d for d in check_json(root)["diagnostics"] if d["code"] in ("map-ref", "detail-draft")}
    assert found["map-ref"]["message"] == "unknown detail map 'purchse' (did you mean 'purchase'?)"
    assert (found["map-ref"]["path"], found["map-ref"]["line"]) == ("maps/lifecycle.md", 9)
    assert found["detail-draft"]["severity"] == "warning" and found["detail-draft"]["line"] == 9
    assert "a draft" in found["detail-draft"]["message"]


def test_the_parallel_check_finds_the_same_cycle(make_repo, monkeypatch: pytest.MonkeyPatch) -> None:
    """Maps parsed by different processes: the cycle is found on the facts they send back."""
    files = {f"maps/filler-{n:02}.md": PURCHASE.replace("detail: deep/phone-search.md", "detail: lifecycle")
             for n in range(30)}
    looping = PHONE_SEARCH.replace("    emotion: 0\n", "    emotion: 0\n    detail: lifecycle\n")
    root = make_repo({**files, "maps/lifecycle.md": LIFECYCLE, "maps/purchase.md": PURCHASE,
                      "maps/deep/phone-search.md": looping})
    from cjmgen.checks import parallel

    monkeypatch.setattr(parallel, "worker_count", lambda maps: 2)
    outcome = parallel.check_project(root)
    cycles = [d for d in outcome.diagnostics.items if d.code == "hierarchy-cycle"]
    assert len(cycles) == 1 and "maps/purchase.md:9" in cycles[0].message


def test_the_index_shows_the_tree(three_levels: Path) -> None:
    assert run(["build", "--no-pdf"], three_levels).exit_code == 0
    index = (three_levels / "site/index.html").read_text(encoding="utf-8")
    tree = _section(index, "section", "map-tree")
    assert tree.index("Customer lifecycle") < tree.index("Awareness") < tree.index("Buying online") \
        < tree.index("Search") < tree.index("Searching from a phone")


def test_diff_export_and_schema_know_detail(three_levels: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=three_levels, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qam", "x", "--allow-empty"],
                   cwd=three_levels, check=True)
    subprocess.run(["git", "add", "-A"], cwd=three_levels, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "maps"],
                   cwd=three_levels, check=True)
    page = three_levels / "maps/lifecycle.md"
    page.write_text(LIFECYCLE.replace("detail: purchase", "detail: deep/phone-search"), encoding="utf-8")
    result = run(["diff", "HEAD", "--format", "json"], three_levels)
    changes = [c for m in json.loads(result.stdout)["maps"] for c in m["changes"] if c["code"] == "detail-changed"]
    assert changes and changes[0]["old"] == "purchase" and changes[0]["new"] == "deep/phone-search"
    assert "stage Awareness now opens map deep/phone-search (was purchase)" in run(["diff", "HEAD"], three_levels).output
    exported = json.loads(run(["export", "--format", "json"], three_levels).stdout)
    stages = {m["id"]: m["stages"] for m in exported["maps"]}
    assert stages["lifecycle"][0]["detail"] == "deep/phone-search" and "detail" not in stages["lifecycle"][1]
    mermaid = run(["export", "--format", "mermaid", "maps/lifecycle.md"], three_levels).output
    assert "detail" not in mermaid and "phone-search" not in mermaid
    schema = json.loads(run(["schema"], three_levels).stdout)
    assert "detail" in json.dumps(schema)


def test_the_bundled_lifecycle_opens_the_segment_maps(example_repo: Path) -> None:
    assert run(["build", "--no-pdf"], example_repo).exit_code == 0
    top = (example_repo / "site/maps/lifecycle.html").read_text(encoding="utf-8")
    rows = re.findall(r'<tr data-stage="([^"]+)" data-detail="([^"]+)">', top)
    assert rows == [("awareness", "mobile/sofa-search"), ("evaluation", "desktop/sofa-ads")]
    search = (example_repo / "site/maps/mobile/sofa-search.html").read_text(encoding="utf-8")
    assert _section(search, "div", "hierarchy-trail").startswith("Жизненный цикл покупателя дивана › Осведомлённость ›")
