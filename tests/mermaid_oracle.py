"""Mermaid's own parser as a test oracle (tests/mermaid-oracle: the npm package in Node with jsdom).

`read(texts)` gives Mermaid's reading of each diagram, or None when Node or the
installed package is missing (then the tests use the stored expectations).
`python tests/mermaid_oracle.py` rewrites tests/fixtures/mermaid/expected.json.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent / "mermaid-oracle"
FIXTURES = Path(__file__).parent / "fixtures" / "mermaid"
EXPECTED = FIXTURES / "expected.json"


def available() -> bool:
    return shutil.which("node") is not None and (HERE / "node_modules" / "mermaid").is_dir()


def read(texts: list[str]) -> list[dict] | None:
    if not available():
        return None
    done = subprocess.run(["node", str(HERE / "oracle.mjs")], input=json.dumps(texts), capture_output=True,
                          text=True, encoding="utf-8", timeout=300, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the Mermaid oracle failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def fixtures() -> list[Path]:
    return sorted(FIXTURES.rglob("*.mmd"))


if __name__ == "__main__":
    paths = fixtures()
    results = read([p.read_text(encoding="utf-8") for p in paths])
    if results is None:
        sys.exit("node or tests/mermaid-oracle/node_modules is missing: npm ci --prefix tests/mermaid-oracle")
    EXPECTED.write_text(json.dumps({p.relative_to(FIXTURES).as_posix(): r for p, r in zip(paths, results)},
                                   ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {EXPECTED} ({len(paths)} diagrams)")
