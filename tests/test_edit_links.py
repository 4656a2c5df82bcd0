"""repo_url / edit_uri (as in MkDocs): "edit" and "suggest a change" links on map, stage and persona pages."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from cjmgen.site.edit_links import edit_links
from tests.helpers.cli import run
from tests.helpers.repos import simple_map

GITHUB = "https://github.com/team/cjm"
GITLAB = "https://gitlab.com/group/sub/cjm"


def build(make_repo, config: str, **files: str) -> Path:
    root = make_repo({"cjmgen.yml": config, "maps/b2c/sofa.md": simple_map(), **files})
    result = run(["build", "--no-pdf"], root)
    assert result.exit_code == 0, result.output
    return root / "site"


def links(page: Path, kind: str) -> list[str]:
    text = page.read_text(encoding="utf-8")
    return [html.unescape(h) for h in re.findall(rf'<a class="{kind}" href="([^"]+)"', text)]


def stage_line(root: Path, stage_id: str) -> int:
    lines = (root / "maps/b2c/sofa.md").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.strip() == f"- id: {stage_id}")


def test_github_edit_links_open_the_file_and_each_stage_at_its_line(make_repo) -> None:
    site = build(make_repo, f"repo_url: {GITHUB}\n")
    root = site.parent
    edits = links(site / "maps/b2c/sofa.html", "edit-link")
    deal = stage_line(root, "deal")
    assert edits == [
        f"{GITHUB}/edit/main/maps/b2c/sofa.md",
        f"{GITHUB}/blob/main/maps/b2c/sofa.md#L{stage_line(root, 'awareness')}",
        f"{GITHUB}/blob/main/maps/b2c/sofa.md#L{deal}",
    ]
    assert deal > stage_line(root, "awareness") > 1
    assert links(site / "personas/anna.html", "edit-link") == [f"{GITHUB}/edit/main/maps/personas/anna.md"]


def test_github_suggestion_is_a_new_issue_naming_map_stage_and_file_line(make_repo) -> None:
    site = build(make_repo, f"repo_url: {GITHUB}/\nsite_url: https://intranet.example.com/cjm/\n")
    suggestions = links(site / "maps/b2c/sofa.html", "suggest-link")
    assert len(suggestions) == 3
    deal = suggestions[2]
    assert deal.startswith(f"{GITHUB}/issues/new?title=")
    query = parse_qs(urlsplit(deal).query)
    assert query["title"] == ["Change to “Deal” in the map “Buying a sofa”"]
    line = stage_line(site.parent, "deal")
    assert query["body"] == [(
        "Map: Buying a sofa\nStage: Deal\n"
        f"File: maps/b2c/sofa.md:{line}\n"
        "Page: https://intranet.example.com/cjm/maps/b2c/sofa.html#stage-deal\n"
        "\nWhat should change, and why (a source helps):\n"
    )]
    # properly encoded: spaces as %20, the quotes and newlines escaped, nothing raw
    assert "%20" in deal and "%0A" in deal and "%E2%80%9C" in deal and " " not in deal and "\n" not in deal


def test_gitlab_links_use_its_routes_and_form_fields(make_repo) -> None:
    site = build(make_repo, f"repo_url: {GITLAB}\nlanguage: ru\n")
    page = site / "maps/b2c/sofa.html"
    line = stage_line(site.parent, "awareness")
    edits = links(page, "edit-link")
    assert edits[:2] == [f"{GITLAB}/-/edit/main/maps/b2c/sofa.md", f"{GITLAB}/-/blob/main/maps/b2c/sofa.md#L{line}"]
    whole = links(page, "suggest-link")[0]
    assert whole.startswith(f"{GITLAB}/-/issues/new?issue%5Btitle%5D=")
    query = parse_qs(urlsplit(whole).query)
    assert query["issue[title]"] == ["Правка карты «Buying a sofa»"]
    assert query["issue[description]"][0].startswith("Карта: Buying a sofa\nФайл: maps/b2c/sofa.md\n")
    text = page.read_text(encoding="utf-8")
    assert ">✎ Править</a>" in text and ">Предложить правку</a>" in text


def test_edit_uri_and_template_as_in_mkdocs() -> None:
    branch = edit_links(GITHUB + "/", "edit/develop/cjm", None)  # the slash is added, as MkDocs does
    assert branch is not None
    assert branch.edit("maps/a b.md") == f"{GITHUB}/edit/develop/cjm/maps/a%20b.md"
    assert branch.at_line("maps/x.md", 7) == f"{GITHUB}/blob/develop/cjm/maps/x.md#L7"
    template = edit_links(GITHUB + "/", None, "src/{path_noext}.md?mode=edit&p={path!q}")
    assert template is not None
    assert template.edit("maps/x.md") == f"{GITHUB}/src/maps/x.md?mode=edit&p=maps%2Fx.md"
    assert template.at_line("maps/x.md", 7) == template.edit("maps/x.md")  # no line where the form is unknown
    other = edit_links("https://git.example.com/team/cjm/", None, None)
    assert other is not None and other.edit("maps/x.md") is None and other.suggest("t", "b") is None
    own = edit_links("https://git.example.com/team/cjm/", "https://git.example.com/edit/", None)
    assert own is not None and own.edit("maps/x.md") == "https://git.example.com/edit/maps/x.md"
    off = edit_links(GITHUB + "/", "", None)  # edit_uri: '' turns the edit link off, as in MkDocs
    assert off is not None and off.edit("maps/x.md") is None and off.suggest("t", "b") is not None


def test_without_repo_url_pages_have_no_links(make_repo) -> None:
    site = build(make_repo, "title: Maps\n")
    for page in (site / "maps/b2c/sofa.html", site / "personas/anna.html"):
        text = page.read_text(encoding="utf-8")
        assert "edit-link" not in text and "suggest-link" not in text and "issues/new" not in text


def test_only_an_unknown_host_gives_edit_without_suggest(make_repo) -> None:
    site = build(make_repo, "repo_url: https://git.example.com/team/cjm\nedit_uri: src/branch/main/\n")
    page = site / "maps/b2c/sofa.html"
    assert links(page, "edit-link")[0] == "https://git.example.com/team/cjm/src/branch/main/maps/b2c/sofa.md"
    assert links(page, "suggest-link") == []


def test_a_moved_stage_line_rebuilds_the_page(make_repo) -> None:
    site = build(make_repo, f"repo_url: {GITHUB}\n")
    source = site.parent / "maps/b2c/sofa.md"
    before = links(site / "maps/b2c/sofa.html", "edit-link")[1]
    source.write_text(source.read_text(encoding="utf-8").replace("stages:\n", "\nstages:\n", 1), encoding="utf-8")
    assert run(["build", "--no-pdf"], site.parent).exit_code == 0
    after = links(site / "maps/b2c/sofa.html", "edit-link")[1]
    line = int(before.rpartition("#L")[2])
    assert after == before.replace(f"#L{line}", f"#L{line + 1}")


@pytest.mark.parametrize(("setting", "message"), [
    ("repo_url: javascript:alert(1)", "repo_url: expected an http(s) address"),
    ("repo_url: file:///srv/git/cjm", "repo_url: expected an http(s) address"),
    ("repo_url: [a, b]", "repo_url: expected text"),
    ("edit_uri: 'javascript:alert(1)'", "edit_uri: expected a path"),
    ("edit_uri_template: 'edit/{branch}/{path}'", "edit_uri_template: unknown field {branch}"),
])
def test_check_rejects_what_is_no_web_address(make_repo, setting: str, message: str) -> None:
    root = make_repo({"cjmgen.yml": f"title: Maps\nrepo_url: {GITHUB}\n".replace(
        f"repo_url: {GITHUB}\n", "" if setting.startswith("repo_url") else f"repo_url: {GITHUB}\n") + setting + "\n",
        "maps/b2c/sofa.md": simple_map()})
    result = run(["check", "--format", "json"], root)
    assert result.exit_code == 1
    found = [d for d in json.loads(result.stdout)["diagnostics"] if d["code"] == "config"]
    assert len(found) == 1 and found[0]["message"].startswith(message), found
    key = setting.partition(":")[0]
    line = next(n for n, text in enumerate((root / "cjmgen.yml").read_text().splitlines(), 1) if text.startswith(key))
    assert (found[0]["path"], found[0]["line"], found[0]["column"]) == ("cjmgen.yml", line, len(key) + 3)
