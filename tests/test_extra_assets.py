"""`extra_css` and `extra_javascript` in cjmgen.yml: copied into the site, linked on every page."""

from __future__ import annotations

import os
import posixpath
import threading
from pathlib import Path
from urllib.parse import urljoin

import pytest

from cjmgen.build.pipeline import BuildOptions
from cjmgen.incremental.rebuild import PreviewBuilds, SiteBuilder
from cjmgen.serve.server import DevServer
from tests.helpers.cli import ctrl_c_stops, run, stop_serve
from tests.helpers.repos import simple_map
from tests.helpers.sitecheck import broken_links, parse
from tests.test_serve import fetch

CONFIG = ("base_url: /intranet/cjm/\n"
          "extra_css: [styles/brand.css]\n"
          "extra_javascript:\n  - scripts/track.js\n  - scripts/widgets.mjs\n")
FILES = {
    "maps/b2c/sofa.md": simple_map(title="Sofa journey"),
    "styles/brand.css": ".site-header { background: #c00; }\n",
    "scripts/track.js": "document.documentElement.dataset.tracked = 'yes';\n",
    "scripts/widgets.mjs": "export const widgets = 1;\n",
    "cjmgen.yml": CONFIG,
}
EXTRA = ("files/styles/brand.css", "files/scripts/track.js", "files/scripts/widgets.mjs")


def linked(page: Path, site: Path) -> dict[str, str]:
    """The page's links to the extra files: site path -> the tag that links it."""
    parsed = parse(page)
    relative = page.relative_to(site).as_posix()
    found = {}
    for tag, _, url in parsed.links:
        if parsed.base is not None:  # the 404 page: its links resolve against base_url
            target = urljoin(parsed.base, url).removeprefix("/intranet/cjm/")
        else:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(relative), url))
        if target in EXTRA:
            found[target] = tag
    return found


def test_every_page_links_the_extra_files_and_they_are_published(make_repo) -> None:
    root = make_repo(FILES)
    result = run(["build", "--no-pdf"], root)
    assert result.exit_code == 0, result.output
    site = root / "site"
    for path in EXTRA:
        assert (site / path).read_bytes() == (root / path.removeprefix("files/")).read_bytes()
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 8 and site / "404.html" in pages and site / "maps" / "b2c" / "sofa.html" in pages
    for page in pages:
        assert linked(page, site) == {EXTRA[0]: "link", EXTRA[1]: "script", EXTRA[2]: "script"}, page
    assert broken_links(site) == []
    nested = (site / "maps" / "b2c" / "sofa.html").read_text()
    assert '<link rel="stylesheet" href="../../files/styles/brand.css">' in nested
    # after the theme's style sheet (so it overrides it), scripts after the theme's
    assert nested.index("static/style.css") < nested.index("brand.css")
    assert '<script src="../../files/scripts/track.js" defer></script>' in nested
    assert '<script src="../../files/scripts/widgets.mjs" type="module"></script>' in nested
    assert nested.index("static/search.js") < nested.index("track.js")
    assert '<base href="/intranet/cjm/">' in (site / "404.html").read_text()


def test_an_edit_to_an_extra_file_reaches_the_next_build(make_repo) -> None:
    root = make_repo(FILES)
    assert run(["build", "--no-pdf"], root).exit_code == 0
    (root / "styles" / "brand.css").write_text(".site-header { background: #00c; }\n")
    assert run(["build", "--no-pdf"], root).exit_code == 0
    assert "#00c" in (root / "site" / "files" / "styles" / "brand.css").read_text()


def test_without_extra_files_pages_are_as_before(make_repo) -> None:
    root = make_repo({"maps/sofa.md": simple_map()})
    assert run(["build", "--no-pdf"], root).exit_code == 0
    assert not (root / "site" / "files").exists()
    assert "files/" not in (root / "site" / "index.html").read_text()


@pytest.mark.parametrize("value, message", [
    ("[../brand.css]", "extra_css: '../brand.css' is outside the repository"),
    ("[/etc/hosts]", "extra_css: '/etc/hosts' is outside the repository"),
    ("[styles/link.css]", "extra_css: 'styles/link.css' is outside the repository"),
    ("[styles/missing.css]", "extra_css: no such file 'styles/missing.css'"),
    ("[.git/config]", "extra_css: '.git/config' is in a hidden folder"),
    ("[{a: b}]", "extra_css: expected a list of file paths"),
])
def test_paths_outside_the_repository_are_refused_where_they_are_written(
        make_repo, tmp_path: Path, value: str, message: str) -> None:
    (tmp_path / "brand.css").write_text("body { color: red }\n")
    root = make_repo({"maps/sofa.md": simple_map(), "styles/ok.css": "", "cjmgen.yml": f"title: T\nextra_css: {value}\n"})
    os.symlink(tmp_path / "brand.css", root / "styles" / "link.css")
    result = run(["check"], root)
    assert result.exit_code == 1
    assert f"cjmgen.yml:2:13: error: {message}" in result.output
    built = run(["build", "--no-pdf"], root)
    assert built.exit_code == 1 and not (root / "site").exists()


def test_serve_publishes_and_links_them_under_its_base_path(make_repo) -> None:
    root = make_repo(FILES)
    builds = PreviewBuilds(SiteBuilder(root, BuildOptions(pdf=False)))
    dev = DevServer(builds, lambda: [root / "cjmgen.yml", root / "maps"], port=0, base_path="/intranet/cjm/",
                    on_demand=builds.on_demand, idle=builds.idle, log=lambda line: None)
    url = dev.start()
    thread = threading.Thread(target=dev.serve_forever, daemon=True)
    thread.start()
    try:
        status, page = fetch(url + "maps/b2c/sofa.html")
        assert status == 200 and 'href="../../files/styles/brand.css"' in page
        assert fetch(url + "files/styles/brand.css") == (200, FILES["styles/brand.css"])
        assert fetch(url + "files/scripts/track.js")[0] == 200
        status, missing = fetch(url + "no/such/page.html")
        assert status == 404 and 'href="files/styles/brand.css"' in missing
    finally:
        dev.close()
        thread.join(timeout=5)


def test_chromium_applies_the_style_sheet_and_runs_the_script_from_a_file_share(make_repo) -> None:
    """A real browser opens a nested page from file://: the team's CSS restyles the header,
    after the theme's, and the team's script runs and sees it."""
    import shutil
    import subprocess

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.skip(f"no Chromium at {chromium}: apt-get install chromium")
    script = ("document.documentElement.dataset.header = "
              "getComputedStyle(document.querySelector('.site-header')).backgroundColor;\n")
    root = make_repo({**FILES, "scripts/track.js": script,
                      "styles/brand.css": ".site-header { background: rgb(204, 0, 0); }\n"})
    assert run(["build", "--no-pdf"], root).exit_code == 0
    page = root / "site" / "maps" / "b2c" / "sofa.html"
    dom = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--virtual-time-budget=3000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=60,
    ).stdout
    assert 'data-header="rgb(204, 0, 0)"' in dom


def test_serve_publishes_an_edit_to_an_extra_file(make_repo, tmp_path: Path) -> None:
    """The style sheet lies outside the maps folder: `serve` watches it too."""
    import os
    import subprocess
    import sys
    import time

    from tests.test_serve import WAIT

    root = make_repo(FILES)
    process = subprocess.Popen([sys.executable, "-m", "cjmgen", "-C", str(root), "serve", "-a", "127.0.0.1:0"],
                               stderr=subprocess.PIPE, text=True, env={**os.environ, "TMPDIR": str(tmp_path)},
                               preexec_fn=ctrl_c_stops)  # noqa: PLW1509 - one signal() call
    assert process.stderr is not None
    try:
        line = ""
        deadline = time.monotonic() + WAIT
        while "Serving" not in line and time.monotonic() < deadline:
            line = process.stderr.readline()
        url = line.split()[-1]
        assert fetch(url + "files/styles/brand.css")[1] == FILES["styles/brand.css"]
        time.sleep(0.1)  # a new modification time, whatever the file system's resolution
        (root / "styles" / "brand.css").write_text(".site-header { background: #00c; }\n")
        deadline = time.monotonic() + WAIT
        while "#00c" not in fetch(url + "files/styles/brand.css")[1]:
            assert time.monotonic() < deadline, "the edit never reached the preview"
            time.sleep(0.05)
    finally:
        stop_serve(process)
        process.stderr.close()
