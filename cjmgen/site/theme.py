"""Find a theme and its overrides and build the Jinja environment for it.

A theme folder holds `theme.yml` (option defaults), `templates/` and `static/`.
`theme.custom_dir` mirrors that layout; its files shadow the theme's, and an
override can extend the template it replaces as `!theme/<name>`.

A theme may build on another: `extends: default` in its `theme.yml` (as Sphinx's
`inherit`). Its templates, static files, catalogs and option defaults shadow the
base theme's; a template reaches the base's own copy as `!default/<name>`.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from cjmgen.config import SiteConfig
from cjmgen.i18n.catalog import theme_folders
from cjmgen.i18n.labels import Locale
from cjmgen.paths import contains, resolves_within
from cjmgen.site.theme_options import theme_name_problem

if TYPE_CHECKING:
    import jinja2

    from cjmgen.incremental.signing import Signer
    from cjmgen.incremental.store import Caches

PACKAGE_DIR = Path(__file__).resolve().parents[1]


class ThemeError(Exception):
    """A theme that cannot be used: missing, or a template that fails."""


def theme_search_path() -> list[Path]:
    """Themes inside the installed package (wheel) first, then the source tree's `themes/`."""
    return [PACKAGE_DIR / "themes", PACKAGE_DIR.parent / "themes"]


def find_theme(name: str) -> Path:
    problem = theme_name_problem(name)  # cjmgen.yml's reader says where; this is the last guard
    if problem is not None:
        raise ThemeError(f"theme: {problem}")
    for base in theme_search_path():
        candidate = base / name
        if (candidate / "templates").is_dir():
            return candidate
    raise ThemeError(f"theme '{name}' not found (looked in {', '.join(str(p) for p in theme_search_path())})")


#: How many themes deep `extends:` may go (a longer chain is a mistake, or a loop).
MAX_EXTENDS = 8


@dataclass(frozen=True)
class Theme:
    name: str
    folder: Path
    custom_dir: Path | None
    options: dict[str, Any]
    bases: tuple[tuple[str, Path], ...] = ()  # (name, folder) of the themes it extends, nearest first

    def layers(self) -> list[Path]:
        """The folders whose files make the theme, the one that wins first: the custom
        dir, the theme, then each theme it extends."""
        own = [self.custom_dir] if self.custom_dir is not None else []
        return [*own, self.folder, *(folder for _, folder in self.bases)]

    def template_dirs(self) -> list[Path]:
        return [layer / "templates" for layer in self.layers()]

    def static_files(self) -> dict[str, Path]:
        """Static files by relative name; a nearer layer's shadow a farther one's. A symlink
        to a file outside its folder is left out: it would be copied into the site."""
        files: dict[str, Path] = {}
        for base in (layer / "static" for layer in reversed(self.layers())):
            if base.is_dir():
                for path in sorted(base.rglob("*")):
                    if path.is_file() and resolves_within(path, [base]):
                        files[path.relative_to(base).as_posix()] = path
        return dict(sorted(files.items()))

    def catalog_folders(self) -> tuple[Path, ...]:
        """Where the theme, its bases and its overrides keep catalogs (`i18n/<language>.yml`),
        merged in this order (the farthest base first)."""
        return theme_folders(tuple(reversed(self.layers())))

    def files(self) -> list[Path]:
        """Every file that shapes the output (for cache keys and the dev server's watcher)."""
        return sorted(p for root in self.layers() if root.is_dir() for p in root.rglob("*") if p.is_file())

    def has_template_overrides(self) -> bool:
        """Whether the repository brings templates of its own (`custom_dir/templates`, even
        an empty folder or a link): code cjmgen did not ship, which runs sandboxed. The
        theme and the themes it extends are found only among cjmgen's own
        (`theme_search_path`), as trusted as its Python."""
        return self.custom_dir is not None and os.path.lexists(self.custom_dir / "templates")

    def digest(self) -> str:
        """One hash of the names and bytes of the theme's files, to key pages on."""
        digest = hashlib.sha256()
        for path in self.files():
            digest.update(str(path).encode())
            digest.update(path.read_bytes())
        return digest.hexdigest()


def load_theme(config: SiteConfig) -> Theme:
    folder = find_theme(config.theme_name)
    options, bases = _theme_chain(config.theme_name, folder)
    options.update(dict(config.theme_options))
    custom = None
    if config.theme_custom_dir:
        custom = (config.root / config.theme_custom_dir).resolve()
        if not contains(config.root.resolve(), custom):
            raise ThemeError(f"theme.custom_dir '{config.theme_custom_dir}' is outside the repository "
                             "(cjmgen reads no file from outside it): keep the overrides in the repository")
        if not custom.is_dir():
            raise ThemeError(f"theme.custom_dir '{config.theme_custom_dir}' is not a folder")
    return Theme(config.theme_name, folder, custom, options, bases)


def _theme_chain(name: str, folder: Path) -> tuple[dict[str, Any], tuple[tuple[str, Path], ...]]:
    """The option defaults of a theme and the themes it extends (nearest first): each
    `theme.yml` over the one of the theme it extends."""
    layers: list[tuple[str, Path, dict[str, Any]]] = []
    while True:
        defaults = _theme_defaults(name, folder)
        layers.append((name, folder, defaults))
        base = defaults.pop("extends", None)
        if base is None:
            break
        if not isinstance(base, str):
            raise ThemeError(f"theme '{name}': extends must name a theme, such as 'default'")
        if base in (seen := [n for n, _, _ in layers]):
            raise ThemeError(f"theme '{name}' extends '{base}', which extends it again: "
                             f"{' → '.join([*seen, base])}")
        if len(layers) >= MAX_EXTENDS:
            raise ThemeError(f"theme '{layers[0][0]}' extends more than {MAX_EXTENDS} themes deep")
        try:
            name, folder = base, find_theme(base)
        except ThemeError as exc:
            raise ThemeError(f"theme '{layers[-1][0]}' extends '{base}': {exc}") from None
    options: dict[str, Any] = {}
    for _, _, defaults in reversed(layers):
        options.update(defaults)
    return options, tuple((n, f) for n, f, _ in layers[1:])


def _theme_defaults(name: str, folder: Path) -> dict[str, Any]:
    path = folder / "theme.yml"
    if not path.is_file():
        return {}
    try:
        found = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ThemeError(f"theme '{name}': theme.yml cannot be read: {exc}") from None
    if not isinstance(found, dict):
        raise ThemeError(f"theme '{name}': theme.yml must be a mapping of options")
    return found


def site_locale(config: SiteConfig, theme: Theme | None = None) -> Locale:
    """The site's language with its theme's catalogs; the built-in ones alone when the theme does not load."""
    if theme is None:
        try:
            theme = load_theme(config)
        except ThemeError:
            return Locale(config.language)
    return Locale(config.language, theme.catalog_folders())


def make_environment(theme: Theme, caches: Caches | None = None, first_build: bool = False) -> jinja2.Environment:
    """Autoescaping, StrictUndefined: a missing variable is an error with template:line.

    Sandboxed (cjmgen.site.sandbox: a refused attribute is an error too) when the
    repository overrides templates; cjmgen's own templates alone run in Jinja's plain
    environment made cheaper (trusted_templates), which renders the same bytes in three
    quarters of the time (docs/benchmarks.md).

    `caches`: where compiled templates are kept between builds (Caches.compiled_templates),
    as Jinja's bytecode cache does: compiling the theme was a large part of a small rebuild,
    and of a first build of a few hundred maps. Compiled code is code, so each file is
    signed (cjmgen.incremental.signing) for the environment and the code that compiled it;
    one that does not verify is compiled again.
    """
    import jinja2  # here, not at the top: a build with nothing to do never renders

    sandboxed = theme.has_template_overrides()
    compiled = caches.compiled_templates(sandboxed, first_build) if caches is not None else None
    # `!theme/x.html`: the theme's own x.html under an override; `!<base>/x.html`: a base theme's
    chain = [(theme.name, theme.folder), *theme.bases]
    prefixes = {f"!{name}": _inside_loader([folder / "templates" for _, folder in chain[index:]])
                for index, (name, _) in enumerate(chain)}
    loader = jinja2.PrefixLoader(
        {**prefixes, "!theme": _inside_loader([folder / "templates" for _, folder in chain])}, delimiter="/"
    )
    # Unsandboxed, the repository's folder is not even looked in: a template that appears
    # there after this moment (a long `serve`) waits for the next, sandboxed, environment.
    searched = theme.template_dirs() if sandboxed else [folder / "templates" for _, folder in chain]
    env = _environment_class(sandboxed)(
        loader=jinja2.ChoiceLoader([
            _inside_loader(searched),
            loader,
        ]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Not asked again on each use (a stat per include and import: 25,000 a build of 1,000
        # maps): a build is one pass, and serve makes a new environment when a theme file changes.
        auto_reload=False,
        bytecode_cache=_signed_bytecode_cache(*compiled, compiled_kind(sandboxed)) if compiled else None,
    )
    env.globals["piece"] = _plain_piece  # the site's pages keep pieces (render.SiteRenderer.piece)
    from cjmgen.charts.kpi import gauge_ids
    from cjmgen.content.figures import keep_together

    env.filters["keep_together"] = keep_together  # `29 900 ₽` never split across lines on paper
    env.filters["gauge_ids"] = gauge_ids  # a KPI's gauge again on the same page, with other ids
    return env


def _environment_class(sandboxed: bool) -> type[jinja2.Environment]:
    """The sandbox for a repository's templates (cjmgen.site.sandbox), the plain environment
    made cheaper for cjmgen's own (cjmgen.site.trusted_templates)."""
    if sandboxed:
        from cjmgen.site.sandbox import ThemeSandbox

        return ThemeSandbox
    from cjmgen.site.trusted_templates import TrustedEnvironment

    return TrustedEnvironment


def _inside_loader(folders: list[Path]) -> jinja2.BaseLoader:
    """A FileSystemLoader that refuses a template whose real path leaves its folders: a
    symlink in the theme overrides to a file elsewhere would be rendered into the site."""
    import jinja2

    class InsideLoader(jinja2.FileSystemLoader):
        def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
            source, filename, uptodate = super().get_source(environment, template)
            if not resolves_within(filename, self.searchpath):
                raise jinja2.TemplateError(f"template '{template}' is a link to a file outside the theme "
                                           "and the repository: not read")
            return source, filename, uptodate

    return InsideLoader([str(folder) for folder in folders])


def _plain_piece(*key: Any, caller: Any) -> Any:
    """`{% call piece(...) %}` where no pieces are kept (PDFs, other tools): the block itself."""
    return caller()


# What compiled code is signed as: the sandbox compiles operators differently, so code
# compiled for the other environment does not verify and is compiled again.
SANDBOXED = "sandboxed:"
TRUSTED = "trusted:"


def compiled_kind(sandboxed: bool) -> str:
    """What a compiled template is signed as: its environment and the code that compiled it
    (cjmgen, Jinja, Python: code_stamp). Jinja's own check of a cached file looks at the
    template's source and Python's version only; its code also depends on Jinja's version
    and on the environment's settings, which are cjmgen's code."""
    from cjmgen.incremental.codestamp import code_stamp

    return f"{SANDBOXED if sandboxed else TRUSTED}{code_stamp().hex()[:16]}:"


def _signed_bytecode_cache(folder: Path, signer: Signer, kind: str) -> jinja2.BytecodeCache:
    import jinja2

    class SignedBytecodeCache(jinja2.BytecodeCache):
        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            payload = signer.read(folder / bucket.key, kind + bucket.key)
            if payload is not None:
                bucket.bytecode_from_string(bytes(payload))  # checks Jinja's magic and the source's checksum

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            signer.write(folder / bucket.key, kind + bucket.key, bucket.bytecode_to_string())

    return SignedBytecodeCache()
