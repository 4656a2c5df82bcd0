"""The prebuilt search index: what it holds, how it normalises text, how it is shipped."""

from __future__ import annotations

from pathlib import Path

from cjmgen import search_index
from cjmgen.search_index import normalise
from conftest import run, simple_map


def build(make_repo, files: dict[str, str]) -> Path:  # type: ignore[no-untyped-def]
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


def test_index_lists_every_kind_with_stage_anchors(make_repo) -> None:  # type: ignore[no-untyped-def]
    site = build(make_repo, {"maps/sofa.md": simple_map(), "maps/personas/anna.md": "---\nname: Anna\nrole: PM\n---\n"})
    text = (site / "search-index.js").read_text(encoding="utf-8")
    assert text.startswith("// The cjmgen search index")
    entries = search_index.expand(search_index.read(text))
    by_kind = {}
    for entry in entries:
        by_kind.setdefault(entry.kind, []).append(entry)
    assert set(by_kind) == set(search_index.KINDS)
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


def test_index_cannot_end_its_script_and_is_deterministic(make_repo) -> None:  # type: ignore[no-untyped-def]
    files = {"maps/x.md": simple_map(title="Evil </script><script>alert(1)</script> map")}
    site = build(make_repo, files)
    text = (site / "search-index.js").read_text(encoding="utf-8")
    assert "</script>" not in text
    entries = search_index.expand(search_index.read(text))
    assert entries[0].title == "Evil </script><script>alert(1)</script> map"
    again = run(["build", "--no-pdf"], site.parent)
    assert again.exit_code == 0
    assert (site / "search-index.js").read_text(encoding="utf-8") == text


def test_labels_follow_the_language(make_repo) -> None:  # type: ignore[no-untyped-def]
    site = build(make_repo, {"maps/x.md": simple_map(), "cjmgen.yml": "language: ru\n"})
    data = search_index.read((site / "search-index.js").read_text(encoding="utf-8"))
    assert data["language"] == "ru"
    assert data["kinds"]["obstacle"] == "Препятствие"
    assert (site / "search.html").is_file()
    assert 'action="search.html"' in (site / "index.html").read_text(encoding="utf-8")


def test_a_named_touchpoint_shows_its_channel(make_repo) -> None:  # type: ignore[no-untyped-def]
    body = simple_map().replace("touchpoints: [website]", "touchpoints: [{channel: phone, name: Call to confirm}]", 1)
    site = build(make_repo, {"maps/x.md": body})
    entries = search_index.expand(search_index.read((site / "search-index.js").read_text(encoding="utf-8")))
    titles = {e.title for e in entries if e.kind == "touchpoint"}
    assert titles == {"Call to confirm (Phone call)", "Website"}
