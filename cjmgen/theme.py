"""Find a theme and its overrides and build the Jinja environment for it.

A theme folder holds `theme.yml` (option defaults), `templates/` and `static/`.
`theme.custom_dir` mirrors that layout; its files shadow the theme's, and an
override can extend the template it replaces as `!theme/<name>`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from cjmgen.config import SiteConfig

if TYPE_CHECKING:
    import jinja2

PACKAGE_DIR = Path(__file__).resolve().parent


class ThemeError(Exception):
    """A theme that cannot be used: missing, or a template that fails."""


def theme_search_path() -> list[Path]:
    """Themes inside the installed package (wheel) first, then the source tree's `themes/`."""
    return [PACKAGE_DIR / "themes", PACKAGE_DIR.parent / "themes"]


def find_theme(name: str) -> Path:
    for base in theme_search_path():
        candidate = base / name
        if (candidate / "templates").is_dir():
            return candidate
    raise ThemeError(f"theme '{name}' not found (looked in {', '.join(str(p) for p in theme_search_path())})")


@dataclass(frozen=True)
class Theme:
    name: str
    folder: Path
    custom_dir: Path | None
    options: dict[str, Any]

    def template_dirs(self) -> list[Path]:
        dirs = [self.folder / "templates"]
        if self.custom_dir is not None:
            dirs.insert(0, self.custom_dir / "templates")
        return dirs

    def static_files(self) -> dict[str, Path]:
        """Static files by relative name; the custom dir's shadow the theme's."""
        files: dict[str, Path] = {}
        for base in (self.folder / "static", *( [self.custom_dir / "static"] if self.custom_dir else [])):
            if base.is_dir():
                for path in sorted(base.rglob("*")):
                    if path.is_file():
                        files[path.relative_to(base).as_posix()] = path
        return dict(sorted(files.items()))

    def files(self) -> list[Path]:
        """Every file that shapes the output (for cache keys and the dev server's watcher)."""
        roots = [self.folder] + ([self.custom_dir] if self.custom_dir else [])
        return sorted(p for root in roots if root.is_dir() for p in root.rglob("*") if p.is_file())


def load_theme(config: SiteConfig) -> Theme:
    folder = find_theme(config.theme_name)
    defaults_file = folder / "theme.yml"
    options: dict[str, Any] = {}
    if defaults_file.is_file():
        options = yaml.safe_load(defaults_file.read_text(encoding="utf-8")) or {}
    options.update(dict(config.theme_options))
    custom = None
    if config.theme_custom_dir:
        custom = (config.root / config.theme_custom_dir).resolve()
        if not custom.is_dir():
            raise ThemeError(f"theme.custom_dir '{config.theme_custom_dir}' is not a folder")
    return Theme(config.theme_name, folder, custom, options)


def make_environment(theme: Theme) -> jinja2.Environment:
    """Autoescaping, StrictUndefined: a missing variable is an error with template:line."""
    import jinja2  # here, not at the top: a build with nothing to do never renders

    loader = jinja2.PrefixLoader(
        {"!theme": jinja2.FileSystemLoader(str(theme.folder / "templates"))}, delimiter="/"
    )
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([
            jinja2.FileSystemLoader([str(d) for d in theme.template_dirs()]),
            loader,
        ]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env
