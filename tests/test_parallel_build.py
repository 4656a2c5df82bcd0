"""A build on several processes writes the bytes of a build on one."""

from __future__ import annotations

from pathlib import Path

import pytest

from cjmgen.build.pipeline import BuildOptions, build
from tools.bench import corpus


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_parallel_build_gives_the_bytes_of_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = corpus.generate(tmp_path / "repo", 50)
    outputs = {}
    for workers in ("1", "2", "3"):
        monkeypatch.setenv("CJMGEN_WORKERS", workers)
        result = build(root, BuildOptions(output=tmp_path / f"site-{workers}", pdf=False))
        assert result.written and not result.diagnostics, result.diagnostics
        outputs[workers] = tmp_path / f"site-{workers}"
    for workers in ("2", "3"):
        assert _tree(outputs["1"]) == _tree(outputs[workers])
