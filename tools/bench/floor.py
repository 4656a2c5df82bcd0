"""The Python floor: the least a Python generator must do for each map file.

Parse the frontmatter with PyYAML's C loader, render the Markdown body with
markdown-it-py (tables on, as in cjmgen), fill one small Jinja template that
prints each stage's fields, and write one HTML file per source file. One
process, no checks, no cross-references, no navigation.

    python tools/bench/floor.py CONTENT_DIR OUTPUT_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import jinja2
import yaml
from markdown_it import MarkdownIt
from markupsafe import Markup

TEMPLATE = """<!doctype html><html><head><meta charset="utf-8"><title>{{ meta.title or meta.name }}</title></head>
<body><h1>{{ meta.title or meta.name }}</h1>
{% for stage in meta.stages or [] %}<section><h2>{{ stage.name }}</h2>
{% for key, value in stage.items() %}<p><b>{{ key }}</b>: {{ value }}</p>
{% endfor %}</section>
{% endfor %}{{ body }}</body></html>
"""


def main(content: Path, output: Path) -> int:
    md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    template = jinja2.Environment(autoescape=True).from_string(TEMPLATE)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    count = 0
    for path in sorted(content.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        meta: dict[str, Any] = {}
        body = text
        if text.startswith("---\n"):
            end = text.index("\n---\n", 4)
            meta = yaml.load(text[4:end], Loader=loader) or {}
            body = text[end + 5:]
        html = template.render(meta=meta, body=Markup(md.render(body)))
        target = output / path.relative_to(content).with_suffix(".html")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
        count += 1
    print(f"floor: {count} pages", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
