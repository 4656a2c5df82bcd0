"""The loaded config is frozen and stays so: the real paths of its repository are looked up once
per config through a declared property (content.assets), never set on it from outside."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from cjmgen.config import SiteConfig, load_config
from cjmgen.content.assets import resolve_asset
from cjmgen.diagnostics import Diagnostics
from tests.helpers.repos import simple_map


def test_the_real_paths_belong_to_one_config_and_change_nothing_it_compares(make_repo) -> None:
    root = make_repo({"maps/a.md": simple_map(), "maps/assets/p.png": b"\x89PNG\r\n\x1a\n"})
    config = load_config(root, Diagnostics())
    before = (hash(config), repr(config))
    assert resolve_asset("assets/p.png", "maps/a.md", config).path == "maps/assets/p.png"
    assert config.real_paths is config.real_paths and config.real_paths.resolved  # remembered
    assert (hash(config), repr(config)) == before and config == load_config(root, Diagnostics())
    fields = {item.name for item in dataclasses.fields(SiteConfig)}
    assert set(vars(config)) - fields == {"real_paths"}  # nothing else was set on it
    other = config.with_overrides(strict=True)
    assert other.real_paths is not config.real_paths  # another config: looked up again
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.title = "changed"  # type: ignore[misc]  # frozen: the assignment must fail


def test_a_file_that_appears_later_is_found_by_the_next_config(make_repo) -> None:
    root = make_repo({"maps/a.md": simple_map()})
    first = load_config(root, Diagnostics())
    assert resolve_asset("assets/p.png", "maps/a.md", first).problem == "missing"
    (root / "maps/assets").mkdir()
    (root / "maps/assets/p.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert resolve_asset("assets/p.png", "maps/a.md", first).problem == "missing"  # one config, one answer
    assert resolve_asset("assets/p.png", "maps/a.md", load_config(Path(root), Diagnostics())).problem is None
