"""resolve_asset: relative paths, the content folder fallback, and every way out of the repository."""

from __future__ import annotations

from pathlib import Path

from cjmgen.config import SiteConfig
from cjmgen.content.assets import resolve_asset


def repo(tmp_path: Path) -> SiteConfig:
    root = tmp_path / "repo"
    (root / "maps" / "assets").mkdir(parents=True)
    (root / "maps" / "assets" / "photo.png").write_bytes(b"png")
    (root / "maps" / "web").mkdir()
    (tmp_path / "secret.txt").write_text("secret")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "x.png").write_bytes(b"png")
    return SiteConfig(root=root)


def test_relative_and_content_folder_paths_resolve(tmp_path: Path) -> None:
    config = repo(tmp_path)
    assert resolve_asset("../assets/photo.png#top", "maps/web/a.md", config).path == "maps/assets/photo.png"
    found = resolve_asset("assets/photo.png", "maps/web/a.md", config)  # falls back to the content folder
    assert (found.path, found.problem) == ("maps/assets/photo.png", None)
    assert resolve_asset("assets/nothing.png", "maps/web/a.md", config).problem == "missing"
    assert resolve_asset("assets", "maps/a.md", config).problem == "missing"  # a folder is not a file


def test_every_way_out_is_refused(tmp_path: Path) -> None:
    config = repo(tmp_path)
    root = config.root
    (root / "maps" / "assets" / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (root / "maps" / "elsewhere").symlink_to(tmp_path / "outside")
    (root / "maps" / "assets" / "inside.png").symlink_to(root / "maps" / "assets" / "photo.png")
    for target in ("../../../secret.txt", "/etc/passwd", "assets/leak.txt", "elsewhere/x.png", "../../outside/x.png"):
        found = resolve_asset(target, "maps/a.md", config)
        assert (found.path, found.problem) == (None, "outside"), target
    # a symlink that stays inside the repository is fine
    assert resolve_asset("assets/inside.png", "maps/a.md", config).path == "maps/assets/inside.png"
