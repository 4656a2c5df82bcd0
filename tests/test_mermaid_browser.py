"""An exported journey drawn by Mermaid itself in headless Chromium shows exactly the map's texts."""

from __future__ import annotations

import html
import shutil
from pathlib import Path

import pytest
import yaml

from tests import mermaid_oracle
from tests.helpers.cli import run
from tests.test_mermaid_interchange import HOSTILE_MAP, expected_tasks

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
MERMAID_JS = mermaid_oracle.HERE / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def test_mermaid_draws_the_exported_map_with_its_own_texts(make_repo, tmp_path: Path) -> None:
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists() or not MERMAID_JS.is_file():
        pytest.skip("needs Chromium and tests/mermaid-oracle/node_modules (npm ci --prefix tests/mermaid-oracle)")
    root = make_repo({"maps/sofa.md": HOSTILE_MAP})
    diagram = run(["export", "--format", "mermaid", "sofa"], root).stdout
    page = tmp_path / "journey.html"
    page.write_text(
        '<!doctype html><meta charset="utf-8"><body>'
        f'<pre class="mermaid">{html.escape(diagram)}</pre>'
        f'<script src="{MERMAID_JS.as_uri()}"></script>'
        "<script>mermaid.initialize({startOnLoad: false});"
        "mermaid.run().then(() => document.body.dataset.done = 'ok', e => document.body.dataset.done = String(e));"
        "</script>", encoding="utf-8")
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            tab = browser.new_page(viewport={"width": 1800, "height": 900})
            tab.goto(page.as_uri())
            tab.wait_for_function("document.body.dataset.done")
            assert tab.evaluate("document.body.dataset.done") == "ok"
            boxes = tab.evaluate("[...document.querySelectorAll('svg foreignObject div')].map(e => e.textContent)")
            texts = tab.evaluate("[...document.querySelectorAll('svg text')].map(e => e.textContent)")
            description = tab.evaluate("document.querySelector('svg desc').textContent")
            tab.screenshot(path=str(tmp_path / "journey.png"))
        finally:
            browser.close()
    data = yaml.safe_load(HOSTILE_MAP.split("---\n")[1])
    shown = {box.replace("<br/>", "<br>") for box in boxes}
    tasks = expected_tasks(data)
    assert {task for _, task, _, _ in tasks} <= shown
    assert {s["name"] for s in data["stages"] if s.get("actions")} <= shown
    assert data["title"] in texts
    assert {actor for *_, actors in tasks for actor in actors} <= set(texts)
    assert description == data["description"]
