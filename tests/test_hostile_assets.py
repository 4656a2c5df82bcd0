"""Files linked from maps and personas: hidden files are never published, and pages,
code and scripted SVGs are refused rather than served from the site's origin (issue 23).
The SVG rule is tried in real Chromium: what it refuses does run script when opened,
what it publishes does not."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

from cjmgen.content.active_content import svg_problem
from tests.helpers.cli import run
from tests.helpers.repos import simple_map, write_files

SVG_HEAD = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="40">'
PWN = "document.documentElement.setAttribute('data-pwned','yes')"
CLEAN_SVG = (SVG_HEAD + '<style>circle{fill:#1f6feb}</style><circle cx="20" cy="20" r="10"/>'
             '<a href="#c"><text x="2" y="38">Ok &amp; fine</text></a>'
             '<image width="4" height="4" href="data:image/png;base64,iVBORw0KGgo="/></svg>')
# Each runs script when the SVG is opened as a page (checked in Chromium below), or on a click.
HOSTILE_SVGS = {
    "script": SVG_HEAD + f"<script>{PWN}</script></svg>",
    "cdata-script": SVG_HEAD + f"<script><![CDATA[{PWN}]]></script></svg>",
    "prefixed-script": ('<svg:svg xmlns:svg="http://www.w3.org/2000/svg">'
                        f"<svg:script>{PWN}</svg:script></svg:svg>"),
    "onload": SVG_HEAD.replace("<svg ", f'<svg onload="{PWN}" ') + "</svg>",
    "nested-onload": SVG_HEAD + f'<g><rect width="5" height="5" onload="{PWN}"/><image href="x.png" onerror="{PWN}"/></g></svg>',
    "foreign-object": (SVG_HEAD + '<foreignObject width="40" height="40"><body xmlns="http://www.w3.org/1999/xhtml">'
                       f'<iframe srcdoc="&lt;script&gt;parent.{PWN}&lt;/script&gt;"></iframe></body></foreignObject></svg>'),
    "entity-javascript-link": SVG_HEAD + f'<a href="jav&#x61;script:{PWN}"><text y="20">x</text></a></svg>',
    "set-href": (SVG_HEAD + f'<a><set attributeName="href" to="javascript:{PWN}"/><text y="20">x</text></a></svg>'),
    "entity-doctype": (f'<!DOCTYPE svg [<!ENTITY p "{PWN}">]>' + SVG_HEAD.replace("<svg ", '<svg onload="&p;" ') + "</svg>"),
    "broken-xml": SVG_HEAD + f"<script>{PWN}</script><unclosed></svg>",
}


def line_col(text: str, needle: str) -> str:
    before = text[:text.index(needle)]
    return f"{before.count(chr(10)) + 1}:{len(before) - before.rfind(chr(10))}"


def test_links_to_hidden_files_are_errors_and_never_copied(make_repo) -> None:
    body = "Config [here](../.git/config), secrets [env](../.env), notes ![n](.private/notes.png).\n"
    root = make_repo({
        "maps/sofa.md": simple_map("Sofa", body=body),
        ".git/config": "[remote]\n  url = https://x-access-token:TOKEN123@example.com/repo\n",
        ".env": "API_KEY=TOKEN123\n",
        "maps/.private/notes.png": b"\x89PNG\r\n\x1a\n",
        "maps/personas/bob.md": "---\nname: Bob\nphoto: ../.private/notes.png\n---\n",
    })
    text = (root / "maps/sofa.md").read_text(encoding="utf-8")
    result = run(["check"], root)
    assert result.exit_code == 1
    for target in ("../.git/config", "../.env", ".private/notes.png"):
        assert f"maps/sofa.md:{line_col(text, target)}: error: " in result.output, (target, result.output)
        assert f"'{target}' is a hidden file or in a hidden folder: not published [asset-hidden]" in result.output
    assert "maps/personas/bob.md:3:8: error: photo '../.private/notes.png' is a hidden file" in result.output
    built = run(["build", "--no-pdf"], root)
    assert built.exit_code == 1 and "TOKEN123" not in built.output
    assert not (root / "site").exists()


@pytest.mark.parametrize("name", ["page.html", "page.HTM", "doc.xhtml", "feed.xml", "pic.svgz", "app.js", "x.php"])
def test_pages_and_code_are_refused_by_name(make_repo, name: str) -> None:
    root = make_repo({"maps/sofa.md": simple_map("Sofa", body=f"Open [it](assets/{name}).\n"),
                      f"maps/assets/{name}": "<script>alert(1)</script>\n"})
    text = (root / "maps/sofa.md").read_text(encoding="utf-8")
    result = run(["build", "--no-pdf"], root)
    assert result.exit_code == 1
    assert f"maps/sofa.md:{line_col(text, 'assets/' + name)}: error: link 'assets/{name}': a '" in result.output
    assert "[asset-active]" in result.output and not (root / "site").exists()


@pytest.mark.parametrize("kind", sorted(HOSTILE_SVGS))
def test_a_scripted_svg_is_refused_as_image_link_or_photo(make_repo, kind: str) -> None:
    root = make_repo({
        "maps/sofa.md": simple_map("Sofa", body="![chart](assets/chart.svg) and [open it](assets/chart.svg)\n"),
        "maps/assets/chart.svg": HOSTILE_SVGS[kind],
        "maps/personas/bob.md": "---\nname: Bob\nphoto: assets/chart.svg\n---\n",
    })
    result = run(["build", "--no-pdf"], root)
    assert result.exit_code == 1
    assert result.output.count("[asset-active]") == 3, result.output  # the image, the link, the photo
    assert "maps/personas/bob.md:3:8: error: photo 'assets/chart.svg': an SVG" in result.output
    assert not (root / "site").exists()


def test_a_plain_svg_is_published_and_one_that_gains_a_script_is_caught_on_a_kept_page(make_repo) -> None:
    root = make_repo({"maps/sofa.md": simple_map("Sofa", body="![chart](assets/chart.svg)\n"),
                      "maps/other.md": simple_map("Other"), "maps/assets/chart.svg": CLEAN_SVG})
    assert run(["build", "--no-pdf"], root).exit_code == 0
    published = root / "site/files/maps/assets/chart.svg"
    assert published.read_text(encoding="utf-8") == CLEAN_SVG
    # The map is unchanged, so its page would be kept from the last build: the SVG is read again.
    write_files(root, {"maps/assets/chart.svg": HOSTILE_SVGS["onload"]})
    result = run(["build", "--no-pdf"], root)
    assert result.exit_code == 1 and "error: image 'assets/chart.svg': an SVG with an event handler" in result.output
    assert published.read_text(encoding="utf-8") == CLEAN_SVG  # the published site is untouched


# -- in Chromium: the payloads are live, the rule stops each, a plain SVG runs nothing ----------


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def test_in_chromium_what_is_refused_runs_script_and_what_is_published_does_not(tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).is_file():
        pytest.skip("no Chromium")
    for kind, svg in {**HOSTILE_SVGS, "clean": CLEAN_SVG}.items():
        (tmp_path / f"{kind}.svg").write_text(svg, encoding="utf-8")
    (tmp_path / "page.html").write_text(f"<p>x</p><script>{PWN}</script>", encoding="utf-8")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    ran: dict[str, bool] = {}
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu",
                                                "--disable-background-networking"])
            page = browser.new_page()
            for name in [*(f"{kind}.svg" for kind in [*HOSTILE_SVGS, "clean"]), "page.html"]:
                page.goto(base + name)
                page.wait_for_timeout(150)
                for link in page.query_selector_all("a"):  # a javascript: link runs on a click
                    try:
                        link.click(timeout=500, force=True)
                    except sync_api.Error:
                        pass
                page.wait_for_timeout(100)
                ran[name] = page.evaluate("document.documentElement.getAttribute('data-pwned')") == "yes" \
                    or any(frame.evaluate("document.documentElement.getAttribute('data-pwned')") == "yes"
                           for frame in page.frames[1:] if not frame.is_detached())
            browser.close()
    finally:
        server.shutdown()
    assert not ran["clean.svg"] and svg_problem(CLEAN_SVG.encode()) is None
    assert ran["page.html"]
    live = {kind for kind in HOSTILE_SVGS if ran[f"{kind}.svg"]}
    # Every payload but the broken one runs when opened (a click for links); every one is refused.
    assert live == set(HOSTILE_SVGS) - {"broken-xml"}, ran  # (Chromium shows a parse error instead)
    assert all(svg_problem(svg.encode()) is not None for svg in HOSTILE_SVGS.values())
