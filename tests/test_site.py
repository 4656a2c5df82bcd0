"""The published site: pages, links, escaping, atomic output, determinism, languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers.cli import run
from tests.helpers.repos import simple_map
from tests.helpers.sitecheck import broken_links, parse, tree_digest


@pytest.fixture(scope="module")
def built_example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled example built once (HTML only) for the read-only tests below."""
    import shutil

    from tests.helpers.repos import PROJECT

    root = tmp_path_factory.mktemp("example")
    shutil.copytree(PROJECT / "maps", root / "maps")
    shutil.copy(PROJECT / "cjmgen.yml", root / "cjmgen.yml")
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", "1793491200")
    result = run(["build", "--no-pdf"], root)
    mp.undo()
    assert result.exit_code == 0, result.output
    return root / "site"


def test_bundled_example_checks_clean(example_repo: Path) -> None:
    result = run(["check", "--strict"], example_repo)
    assert result.exit_code == 0, result.output
    assert "no problems found" in result.stderr


def test_build_summary_line(example_repo: Path) -> None:
    result = run(["build", "--no-pdf"], example_repo)
    assert result.exit_code == 0
    assert re.search(r"wrote \d+ pages for 5 maps to .* in [\d.]+ s, 0 warnings", result.stderr)


def test_every_internal_link_resolves(built_example: Path) -> None:
    assert broken_links(built_example) == []


def test_no_external_requests(built_example: Path) -> None:
    for page in built_example.rglob("*.html"):
        for tag, _attr, url in parse(page).links:
            if tag in ("link", "script", "img", "source", "iframe"):
                assert not re.match(r"^(https?:)?//", url), f"{page}: {url}"
    css = (built_example / "static" / "style.css").read_text()
    assert "url(http" not in css and "@import" not in css


def test_index_lists_published_maps_grouped(built_example: Path) -> None:
    html = (built_example / "index.html").read_text()
    assert "Покупка дивана с телефона — посетители из поиска" in html
    assert "Buying office chairs" in html
    assert "showroom-walk-in" not in html  # the draft is left out
    assert not (built_example / "maps" / "offline" / "showroom-walk-in.html").exists()
    # grouped by segment: each segment heading links to its page
    assert "Мобильные посетители из поиска" in html
    assert html.count('class="segment-group"') == 4  # with the lifecycle's "Все покупатели"


def test_map_page_has_every_lane_and_the_stage_sections(built_example: Path) -> None:
    html = (built_example / "maps" / "mobile" / "sofa-search.html").read_text()
    for lane in ("Цели", "Действия", "Мысли и цитаты", "Точки контакта", "Эмоции", "KPI",
                 "Препятствия", "Триггеры", "Толкающее действие", "Возможности", "Закулисье",
                 "Ответственный", "Факторы выбора", "Воронка"):
        assert f">{lane}</th>" in html, lane
    assert html.count('class="stage-head"') == 5
    assert '<svg' in html and 'class="lane lane-emotion"' in html
    assert 'id="stage-awareness"' in html
    # a `## <stage name>` section of the body is attached to its stage card
    card = html[html.index('id="stage-deal"'):html.index('id="stage-experience"')]
    assert 'class="prose stage-notes"' in card
    # touchpoints link to channel pages; offline ones are marked
    assert 'tp tp-offline' in html and 'href="../../channels/phone.html"' in html
    # KPI status at a glance, with sources as citations
    assert "kpi kpi-missed" in html and '<cite class="source">' in html
    assert "Скачать PDF" not in html  # no PDFs in an HTML-only build


def test_every_id_of_a_map_page_is_unique_and_the_grid_s_gauges_are_the_cards(built_example: Path) -> None:
    """The grid and the stage cards show each stage's KPIs with the same gauges (drawn once);
    only the grid's ids differ, so that every id of the page is its own."""
    import re

    for page in sorted((built_example / "maps").rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        ids = re.findall(r' id="([^"]+)"', html)
        assert len(ids) == len(set(ids)), (page.name, [i for i in set(ids) if ids.count(i) > 1])
        grid = html[html.index('class="cjm-grid"'):html.index('class="notes"')]
        cards = html[html.index('class="notes"'):]
        in_grid = re.findall(r'<svg[^>]*kpi-gauge.*?</svg>', grid)
        in_cards = set(re.findall(r'<svg[^>]*kpi-gauge.*?</svg>', cards))
        assert in_grid or page.stem.endswith("-future"), page.name
        assert all("grid-kpi-" in gauge for gauge in in_grid), page.name
        assert {gauge.replace("grid-kpi-", "kpi-") for gauge in in_grid} <= in_cards, page.name
        assert 'class="grid-kpi' not in html, page.name


def test_future_map_links_current_and_compares(built_example: Path) -> None:
    html = (built_example / "maps" / "mobile" / "sofa-search-future.html").read_text()
    assert 'href="sofa-search.html"' in html
    assert "В сравнении с текущим состоянием" in html
    current = (built_example / "maps" / "mobile" / "sofa-search.html").read_text()
    assert 'href="sofa-search-future.html"' in current


def test_loop_is_drawn_in_the_journey_graph(built_example: Path) -> None:
    html = (built_example / "maps" / "mobile" / "sofa-search.html").read_text()
    graph = html[html.index('id="graph-title"'):]
    assert "возврат" in graph  # the loop label, Russian


def test_persona_channel_owner_pages(built_example: Path) -> None:
    persona = (built_example / "personas" / "anna.html").read_text()
    assert "Покупка дивана с телефона" in persona and 'alt="Фото: Анна' in persona
    assert (built_example / "files" / "maps" / "assets" / "anna.svg").is_file()
    channel = (built_example / "channels" / "phone.html").read_text()
    assert "stage-" in channel and "Покупка дивана" in channel
    owners = list((built_example / "owners").glob("*.html"))
    assert len(owners) >= 5
    marketing = (built_example / "owners" / "маркетинг.html").read_text()
    assert "Осведомлённость" in marketing and "Препятствия" in marketing


def test_sitemap_and_404_use_base_url(built_example: Path) -> None:
    sitemap = (built_example / "sitemap.xml").read_text()
    assert "<loc>https://intranet.example.com/cjm/maps/mobile/sofa-search.html</loc>" in sitemap
    assert "404.html" not in sitemap
    page = parse(built_example / "404.html")
    assert page.base == "/cjm/"
    assert ("link", "href", "static/style.css") in page.links


def test_navigation_is_bounded(make_repo) -> None:
    """No page but the lists embeds every map: build time and size stay linear."""
    files = {f"maps/m{i:02d}.md": simple_map(title=f"Map number {i}") for i in range(30)}
    root = make_repo(files)
    assert run(["build", "--no-pdf"], root).exit_code == 0
    html = (root / "site" / "maps" / "m05.html").read_text()
    assert "Map number 17" not in html
    assert len(html) < 60_000


def test_user_html_is_escaped_and_unsafe_links_dropped(make_repo) -> None:
    body = (
        "<script>alert('body')</script>\n\n"
        "[click](javascript:alert(1)) <img src=x onerror=alert(2)>\n\n"
        "## Awareness\n\n<iframe src='https://evil.example'></iframe>\n"
    )
    root = make_repo({"maps/x.md": simple_map(title="'<script>alert(1)</script>'", body=body)})
    assert run(["build", "--no-pdf"], root).exit_code == 0
    for page in (root / "site").rglob("*.html"):
        html = page.read_text()
        assert "<script>alert" not in html, page
        assert "<iframe" not in html and "onerror=alert" not in html.replace("&lt;img src=x onerror=alert(2)&gt;", "")
        assert not re.search(r"(href|src)\s*=\s*[\"']?\s*javascript:", html, re.IGNORECASE)
    html = (root / "site" / "maps" / "x.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_failed_build_leaves_published_site_untouched(make_repo) -> None:
    root = make_repo({"maps/x.md": simple_map()})
    assert run(["build", "--no-pdf"], root).exit_code == 0
    before = tree_digest(root / "site")
    (root / "maps" / "x.md").write_text("---\ntitle: [broken\n---\n")
    result = run(["build", "--no-pdf"], root)
    assert result.exit_code == 1
    assert "the published site was not changed" in result.stderr
    assert tree_digest(root / "site") == before
    # only the lock file that keeps two builds apart (cjmgen.build.output_lock) stays beside the site
    assert [p.name for p in root.iterdir() if p.name.startswith(".site")] == [".site.lock"]


def test_theme_error_names_template_line_and_keeps_site(make_repo) -> None:
    root = make_repo({
        "maps/x.md": simple_map(),
        "cjmgen.yml": "theme: {custom_dir: overrides}\n",
        "overrides/templates/persona.html": "{% extends '!theme/persona.html' %}\n{% block body %}{{ no_such_thing }}{% endblock %}\n",
    })
    (root / "overrides" / "templates" / "persona.html").rename(root / "keep.html")
    assert run(["build", "--no-pdf"], root).exit_code == 0
    before = tree_digest(root / "site")
    (root / "keep.html").rename(root / "overrides" / "templates" / "persona.html")
    result = run(["build", "--no-pdf"], root)
    assert result.exit_code == 1
    assert re.search(r"persona\.html:2: .*no_such_thing.* is undefined \[theme\]", result.stderr)
    assert tree_digest(root / "site") == before


def test_theme_override_extends_the_original(make_repo) -> None:
    root = make_repo({
        "maps/x.md": simple_map(),
        "cjmgen.yml": "theme: {custom_dir: overrides, accent: '#7b1fa2'}\n",
        "overrides/templates/map.html": (
            "{% extends '!theme/map.html' %}\n"
            "{% block figures %}<p class=\"house-banner\">Our house style</p>{{ super() }}{% endblock %}\n"
        ),
        "overrides/static/extra.css": "body { }\n",
    })
    assert run(["build", "--no-pdf"], root).exit_code == 0
    html = (root / "site" / "maps" / "x.html").read_text()
    assert 'class="house-banner"' in html and 'class="figures"' in html
    assert "--accent: #7b1fa2" in html
    assert (root / "site" / "static" / "extra.css").is_file()


@pytest.mark.parametrize("output", ["maps", ".", ".."])
def test_output_may_not_be_or_contain_content(make_repo, output: str) -> None:
    root = make_repo({"maps/x.md": simple_map()})
    result = run(["build", "--no-pdf", "--output", str(root / output)], root)
    assert result.exit_code == 1
    assert "[output]" in result.stderr
    assert (root / "maps" / "x.md").is_file()


def test_refuses_to_replace_a_folder_it_did_not_make(make_repo) -> None:
    root = make_repo({"maps/x.md": simple_map(), "docs/keep.txt": "precious"})
    result = run(["build", "--no-pdf", "--output", str(root / "docs")], root)
    assert result.exit_code == 1
    assert (root / "docs" / "keep.txt").read_text() == "precious"


def test_a_killed_builds_staging_folder_is_removed_a_day_later(make_repo) -> None:
    import os
    import time

    root = make_repo({"maps/x.md": simple_map()})
    abandoned, recent, other = root / ".site.new-k1ll3d", root / ".site.new-running", root / ".site.notes"
    for folder in (abandoned, recent, other):
        (folder / "maps").mkdir(parents=True)
        (folder / "maps" / "x.html").write_text("half a site", encoding="utf-8")
    two_days_ago = time.time() - 2 * 86400
    for folder in (abandoned, other):
        os.utime(folder, (two_days_ago, two_days_ago))
    assert run(["build", "--no-pdf"], root).exit_code == 0
    assert not abandoned.exists()  # a build killed two days ago (no finally ran)
    assert recent.exists()  # perhaps a build running now
    assert other.exists()  # not a name cjmgen gives its folders


def test_same_input_same_bytes(example_repo: Path) -> None:
    assert run(["build", "--no-pdf", "-o", str(example_repo / "one")], example_repo).exit_code == 0
    assert run(["build", "--no-pdf", "-o", str(example_repo / "two")], example_repo).exit_code == 0
    assert tree_digest(example_repo / "one") == tree_digest(example_repo / "two")


def test_drafts_only_when_asked(example_repo: Path) -> None:
    assert run(["build", "--no-pdf", "--drafts"], example_repo).exit_code == 0
    assert (example_repo / "site" / "maps" / "offline" / "showroom-walk-in.html").is_file()


def test_base_url_override_for_preview(example_repo: Path) -> None:
    assert run(["build", "--no-pdf", "--site-url", "https://ci.example.com/preview/42"], example_repo).exit_code == 0
    assert "<loc>https://ci.example.com/preview/42/index.html</loc>" in (example_repo / "site" / "sitemap.xml").read_text()
    assert parse(example_repo / "site" / "404.html").base == "/preview/42/"
    assert broken_links(example_repo / "site") == []


def test_strict_build_fails_on_warnings_and_writes_nothing(make_repo) -> None:
    root = make_repo({"maps/x.md": simple_map(header="colour: red\n")})
    result = run(["build", "--no-pdf", "--strict"], root)
    assert result.exit_code == 1
    assert not (root / "site").exists()
    assert run(["build", "--no-pdf"], root).exit_code == 0


@pytest.mark.parametrize("language,labels", [
    ("en", ["All maps", "Goals", "Overall conversion", "2\u00a0stages", "5%"]),
    ("ru", ["Все карты", "Цели", "Общая конверсия", "2\u00a0этапа", "5\u00a0%"]),
])
def test_both_languages(make_repo, language: str, labels: list[str]) -> None:
    root = make_repo({"maps/x.md": simple_map(), "cjmgen.yml": f"language: {language}\n"})
    assert run(["build", "--no-pdf"], root).exit_code == 0
    html = (root / "site" / "maps" / "x.html").read_text() + (root / "site" / "index.html").read_text()
    html += (root / "site" / "owners" / "index.html").read_text()
    assert f'<html lang="{language}">' in html
    for label in labels:
        assert label in html, label


def test_russian_number_format(make_repo) -> None:
    stage = (
        "  - {name: A, goals: g, kpis: k, obstacles: o, owner: x, count: 20000}\n"
        "  - {name: B, goals: g, kpis: k, obstacles: o, owner: x, count: 1100}\n"
    )
    root = make_repo({
        "maps/x.md": "---\ntitle: T\nreviewed: 2026-10-01\nstages:\n" + stage + "---\n",
        "cjmgen.yml": "language: ru\n",
    })
    assert run(["build", "--no-pdf"], root).exit_code == 0
    html = (root / "site" / "maps" / "x.html").read_text()
    assert "20\u202f000" in html and "5,5\u00a0%" in html


def test_long_data_url_in_a_body_does_not_break_the_build(make_repo) -> None:
    """A data: URL longer than a file name once crashed asset resolution (ENAMETOOLONG)."""
    data_url = "data:image/png;base64," + "A" * 400
    root = make_repo({"maps/x.md": simple_map(body=f"![dot]({data_url})\n\n[doc]({data_url})\n")})
    result = run(["build", "--no-pdf"], root)
    assert result.exit_code == 0, result.output
    assert data_url not in (root / "site" / "maps" / "x.html").read_text()


@pytest.mark.parametrize("workers", ["1", "2"])
def test_body_links_checked_while_rendering_stop_the_build(make_repo, monkeypatch, workers: str) -> None:
    """A build checks published bodies where it renders them (parsed once); an error there
    still fails the build, keeps the old site, and is reported like `check` reports it."""
    monkeypatch.setenv("CJMGEN_WORKERS", workers)  # "2": forked render workers, even for 3 maps
    root = make_repo({f"maps/m{i}.md": simple_map(title=f"Map {i}") for i in range(3)})
    assert run(["build", "--no-pdf"], root).exit_code == 0
    before = tree_digest(root / "site")
    (root / "maps" / "m1.md").write_text(simple_map(body="Intro.\n\n![leak](../../../etc/passwd)\n"))
    (root / "maps" / "m2.md").write_text(simple_map(body="See ![gone](assets/none.png).\n"))
    built = run(["build", "--no-pdf"], root)
    assert built.exit_code == 1
    assert tree_digest(root / "site") == before
    checked = run(["check"], root)

    def lines(text: str) -> list[str]:
        return sorted(line for line in text.splitlines() if re.match(r"maps/m\d\.md:\d+:\d+: ", line))

    assert lines(built.stderr) == lines(checked.output) != []
    assert any("[asset-path]" in line for line in lines(built.stderr))
    assert any("[asset-missing]" in line for line in lines(built.stderr))


def test_body_problems_are_reported_with_other_errors_at_once(make_repo) -> None:
    root = make_repo({
        "maps/a.md": simple_map(persona="nobody"),  # stops the build before rendering
        "maps/b.md": simple_map(body="![leak](../../../etc/passwd)\n"),
    })
    result = run(["build", "--no-pdf"], root)
    assert result.exit_code == 1
    assert "[persona-ref]" in result.stderr and "[asset-path]" in result.stderr


def test_relative_urls_match_posixpath_relpath() -> None:
    """site.relative's fast path gives exactly what posixpath.relpath gives, odd paths included."""
    import posixpath
    import random

    from cjmgen.site.urls import _relative_path

    names = ["index.html", "maps", "seg1", "m1.html", "owners", "static", "a", ".", "..", "", "ё.html"]
    rng = random.Random(7)
    for _ in range(20000):
        page = "/".join(rng.choice(names) for _ in range(rng.randint(1, 4)))
        target = "/".join(rng.choice(names) for _ in range(rng.randint(1, 4)))
        try:
            expected = posixpath.relpath(target, posixpath.dirname(page) or ".")
        except ValueError:  # an empty target: the same error from both
            with pytest.raises(ValueError):
                _relative_path(target, page)
            continue
        assert _relative_path(target, page) == expected, (page, target)
