"""The prebuilt search index: what it holds, how it normalises text, how it is shipped."""

from __future__ import annotations

from pathlib import Path

from cjmgen.site import search_index
from cjmgen.site.search_index import normalise
from tests.helpers.cli import run
from tests.helpers.repos import simple_map


def build(make_repo, files: dict[str, str]) -> Path:
    root = make_repo(files)
    result = run(["build", "--no-pdf"], root)
    assert result.exit_code == 0, result.output
    return root / "site"


def test_normalise_folds_case_yo_and_spaces() -> None:
    assert normalise("СЧЁТ  выставляют\u00a0Вручную") == "счет выставляют вручную"
    assert normalise("Ёлка ёж") == "елка еж"
    assert normalise("Office CHAIRS") == "office chairs"
    # one character for one character (search.js marks matches in the original text)
    assert len(normalise("İstanbul ß")) == len("İstanbul ß")
    assert normalise("ΟΔΟΣ") == "οδοσ"  # per character, as search.js lowers: no final-sigma rule


def test_index_lists_every_kind_with_stage_anchors(make_repo) -> None:
    site = build(make_repo, {"maps/sofa.md": simple_map(), "maps/personas/anna.md": "---\nname: Anna\nrole: PM\n---\n"})
    text = (site / "search-index.js").read_text(encoding="utf-8")
    assert text.startswith("// The cjmgen search index")
    _, entries, _ = search_index.read_site(site)
    by_kind: dict[str, list[search_index.Entry]] = {}
    for entry in entries:
        by_kind.setdefault(entry.kind, []).append(entry)
    assert set(by_kind) >= {"map", "stage", "obstacle", "kpi", "touchpoint", "owner", "persona", "channel"}
    (obstacle,) = [e for e in by_kind["obstacle"] if e.title == "Obstacle of Deal"]
    assert obstacle.url == "maps/sofa.html#stage-deal"
    assert obstacle.context == "Buying a sofa › Deal"
    kpi = by_kind["kpi"][0]
    assert kpi.title == "KPI Awareness: 5% / 7%" and kpi.url.endswith("#stage-awareness")
    assert {e.title for e in by_kind["touchpoint"]} == {"Website"}
    assert {(e.title, e.context) for e in by_kind["channel"]} >= {("Website", "online"), ("Phone call", "offline")}
    assert [e.url for e in by_kind["persona"]] == ["personas/anna.html"]
    assert [e.url for e in by_kind["owner"]] == ["owners/marketing.html"]
    for entry in entries:  # every address is a file of the site
        assert (site / entry.url.partition("#")[0]).is_file(), entry


def test_index_cannot_end_its_script_and_is_deterministic(make_repo) -> None:
    files = {"maps/x.md": simple_map(title="Evil </script><script>alert(1)</script> map")}
    site = build(make_repo, files)
    texts = {p: p.read_text(encoding="utf-8") for p in [site / "search-index.js", *(site / "search").iterdir()]}
    assert all("</script>" not in text for text in texts.values())
    _, entries, _ = search_index.read_site(site)
    assert entries[0].title == "Evil </script><script>alert(1)</script> map"
    again = run(["build", "--no-pdf"], site.parent)
    assert again.exit_code == 0
    assert {p: p.read_text(encoding="utf-8") for p in texts} == texts


def test_labels_follow_the_language(make_repo) -> None:
    site = build(make_repo, {"maps/x.md": simple_map(), "cjmgen.yml": "language: ru\n"})
    data = search_index.read((site / "search-index.js").read_text(encoding="utf-8"))
    assert data["language"] == "ru"
    assert data["kinds"]["obstacle"] == "Препятствие"
    assert (site / "search.html").is_file()
    assert 'action="search.html"' in (site / "index.html").read_text(encoding="utf-8")


def test_a_named_touchpoint_shows_its_channel(make_repo) -> None:
    body = simple_map().replace("touchpoints: [website]", "touchpoints: [{channel: phone, name: Call to confirm}]", 1)
    site = build(make_repo, {"maps/x.md": body})
    _, entries, _ = search_index.read_site(site)
    titles = {e.title for e in entries if e.kind == "touchpoint"}
    assert titles == {"Call to confirm (Phone call)", "Website"}


def test_terms_are_stems_in_parts_with_their_written_form(make_repo) -> None:
    body = simple_map().replace("Obstacle of Deal", "Доставку переносят без звонка", 1)
    site = build(make_repo, {"maps/x.md": body})
    head, entries, terms = search_index.read_site(site)
    assert head["format"] == search_index.FORMAT and head["starts"][-1] == len(entries)
    form, flat = terms["доставк"]
    assert form == "доставку"  # what "did you mean" offers
    (number, where), = search_index.postings(flat)
    assert entries[number].title == "Доставку переносят без звонка" and where == search_index.IN_TITLE
    # each term is in the part its first letters hash to (search.js looks only there)
    for k in range(head["terms"]):
        part = search_index.read((site / "search" / f"t{k}.js").read_text(encoding="utf-8"))
        assert all(search_index.term_part(term, head["terms"]) == k for term in part)


def test_a_map_title_word_is_indexed_with_the_map_only(make_repo) -> None:
    """The items of a map hold the words of its title only as context, which search.js
    reads from the map's and the stage's own entries (listed in the head)."""
    site = build(make_repo, {"maps/x.md": simple_map(title="Buying a sofa")})
    head, entries, terms = search_index.read_site(site)
    found = [(entries[n].kind, entries[n].title, where) for n, where in search_index.postings(terms["sofa"][1])]
    assert found == [("map", "Buying a sofa", search_index.IN_TITLE)]
    assert [entries[n].title for n in head["stages"]] == ["Awareness", "Deal"]
    assert all(entries[n].kind == "stage" for n in head["stages"])


def test_parts_stay_small_at_many_maps() -> None:
    """The number of parts follows the number of maps, so every build process agrees on it."""
    assert search_index.part_paths(1) == ["search/t0.js", "search/d0.js"]
    assert len([p for p in search_index.part_paths(1000) if "/t" in p]) == 250
    assert len([p for p in search_index.part_paths(1000) if "/d" in p]) == 334


def test_notes_are_split_by_stage_as_the_map_page_splits_them() -> None:
    body = ("Intro with a [link text](https://example.org) and **bold**.\n\n"
            "## Deal\n\nThe deal's notes: | a | table |\n\n"
            "```\n## Deal inside a fence stays where it is\n```\n\n"
            "# Other heading\n\nBack in the intro.\n\n"
            "## awareness\n\n- a list item\n")
    keys = {"deal": "deal", "awareness": "awareness"}
    notes = search_index.notes_text(body, keys)
    assert notes["deal"].startswith("The deal's notes: a table")
    assert "Deal inside a fence stays where it is" in notes["deal"]
    assert "link text" in notes[""] and "https" not in notes[""] and "bold" in notes[""] and "**" not in notes[""]
    assert "Back in the intro." in notes[""] and "Other heading" in notes[""]
    assert notes["awareness"] == "a list item"
