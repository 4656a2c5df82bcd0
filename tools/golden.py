"""Golden outputs: run a fixed set of cjmgen commands and record a digest of every byte
they produce, to prove a refactoring changed no output.

    python tools/golden.py record OUT.json      # with the cjmgen on sys.path
    python tools/golden.py compare A.json B.json

PYTHONPATH=<other checkout> makes it record another version side by side. The commands
cover the bundled maps (HTML and PDF), a handout, every export format, the JSON Schema
and the diff in every format between two revisions of this repository.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Two fixed revisions that change the bundled maps: the diff is the same whatever HEAD is
OLD_REVISION = os.environ.get("GOLDEN_OLD", "b0b78bd")
NEW_REVISION = os.environ.get("GOLDEN_NEW", "5b8aef4")


def cjmgen(*args: str, cwd: Path) -> bytes:
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000", CJMGEN_NO_COLOR="1")
    # -P: the repository's own cjmgen/ folder (a clone of this one) must not shadow the one tested
    run = subprocess.run([sys.executable, "-P", "-m", "cjmgen", *args], cwd=cwd, env=env,
                         capture_output=True, check=False)  # the exit status is part of the record
    log = b"exit %d\n" % run.returncode + run.stdout + b"\n--stderr--\n" + run.stderr
    return re.sub(rb"\d+(\.\d+)? (s|ms)\b", b"T s", log)  # timings vary run to run


def tree_digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def record(out: Path) -> None:
    results: dict[str, str] = {}
    # One scratch folder per checkout, so that two checkouts can record at once
    scratch = Path(tempfile.gettempdir()) / f"cjmgen-golden-{hashlib.sha256(bytes(ROOT)).hexdigest()[:8]}"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    if True:
        repo = scratch / "repo"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(repo)], check=True)
        # The working tree's maps and config, whatever is committed
        for name in ("maps", "cjmgen.yml"):
            target = repo / name
            shutil.rmtree(target, ignore_errors=True) if target.is_dir() else target.unlink(missing_ok=True)
            src = ROOT / name
            shutil.copytree(src, target) if src.is_dir() else shutil.copy(src, target)
        shutil.rmtree(repo / "cjmgen")  # only the maps, the config and the history are input
        site = repo / "site"
        results["build"] = hashlib.sha256(cjmgen("build", "--no-pdf", cwd=repo)).hexdigest()
        results.update({f"site/{k}": v for k, v in tree_digests(site).items()})
        shutil.rmtree(site)
        results["build-pdf"] = hashlib.sha256(cjmgen("build", cwd=repo)).hexdigest()
        results.update({f"site+pdf/{k}": v for k, v in tree_digests(site).items() if k.endswith(".pdf")})
        commands = {
            "check": ["check"],
            "check-json": ["check", "--format", "json"],
            "export-json": ["export", "--format", "json"],
            "export-mermaid": ["export", "--format", "mermaid"],
            "export-csv": ["export", "--format", "csv"],
            "export-excel": ["export", "--format", "csv", "--excel"],
            "schema-map": ["schema", "map"],
            "schema-persona": ["schema", "persona"],
            "diff-text": ["diff", OLD_REVISION, NEW_REVISION],
            "diff-markdown": ["diff", "--format", "markdown", OLD_REVISION, NEW_REVISION],
            "diff-json": ["diff", "--format", "json", OLD_REVISION, NEW_REVISION],
            "diff-html": ["diff", "--format", "html", OLD_REVISION, NEW_REVISION],
        }
        for name, args in commands.items():
            results[name] = hashlib.sha256(cjmgen(*args, cwd=repo)).hexdigest()
            (Path(scratch) / f"{name}.out").write_bytes(cjmgen(*args, cwd=repo))
        for name, args in {"pdf-map": ["pdf", "mobile/sofa-search", "-o", "m.pdf"],
                           "pdf-handout": ["pdf", "--handout", "-o", "h.pdf"],
                           "pdf-poster": ["pdf", "--poster", "a1", "en/office-chairs-b2b", "-o", "p.pdf"]}.items():
            log = cjmgen(*args, cwd=repo)
            made = repo / args[-1]
            results[name] = hashlib.sha256(log + (made.read_bytes() if made.exists() else b"")).hexdigest()
        keep = Path(os.environ.get("GOLDEN_KEEP", "")) if os.environ.get("GOLDEN_KEEP") else None
        if keep:
            shutil.rmtree(keep, ignore_errors=True)
            shutil.copytree(scratch, keep, ignore=shutil.ignore_patterns(".git"))
    out.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    print(f"{len(results)} outputs recorded in {out}")


def compare(a: Path, b: Path) -> int:
    left, right = json.loads(a.read_text()), json.loads(b.read_text())
    differ = sorted(k for k in left.keys() | right.keys() if left.get(k) != right.get(k))
    for key in differ:
        print(f"differs: {key}")
    print(f"{len(left)} outputs compared, {len(differ)} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    command, *paths = sys.argv[1:]
    if command == "record":
        record(Path(paths[0]))
    else:
        sys.exit(compare(Path(paths[0]), Path(paths[1])))
