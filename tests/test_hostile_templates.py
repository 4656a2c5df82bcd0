"""A repository's template overrides run sandboxed: a template cannot run commands, read
or write files, or change what it is given; each attempt is a theme error with
template:line, and nothing is published (issue 23)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.cli import run
from tests.helpers.repos import simple_map, write_files

ATTACKS = [
    '{{ lipsum.__globals__["os"].popen("touch MARKER").read() }}',
    '{{ cycler.__init__.__globals__.os.popen("touch MARKER") }}',
    '{{ site_paths.posixpath.os.popen("touch MARKER") }}',
    '{{ site_paths.re }}',
    '{{ site.root.joinpath("SECRET").read_text() }}',
    '{{ site.root.joinpath("MARKER").write_text("x") }}',
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    '{{ url.__globals__ }}',
    '{{ piece.__self__ }}',
    '{{ self._TemplateReference__context }}',
    '{{ theme.update({"accent": "x"}) }}',
    '{{ catalog.maps.__len__ }}',
    "{{ range(10**9)|list|length }}",
    "{{ ('x' * 100000000)|length }}",
    "{{ 9 ** 9 ** 9 ** 9 ** 9 ** 9 }}",
    "{{ 2 ** 100000 }}",
    "{{ 1 / 0 }}",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_template_cannot_escape_the_sandbox(make_repo, tmp_path: Path, attack: str) -> None:
    root = make_repo({
        "maps/sofa.md": simple_map("Sofa"),
        "cjmgen.yml": "theme: {custom_dir: overrides}\n",
        "SECRET": "the deploy token\n",
        "overrides/templates/404.html": "<p>Not here.</p>\n" + attack + "\n",
    })
    result = run(["build", "--no-pdf"], root)
    assert result.exit_code == 1, result.output
    assert "overrides/templates/404.html:2: " in result.output and "[theme]" in result.output, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert "the deploy token" not in result.output
    assert not list(root.rglob("MARKER")) and not (root / "site").exists()
    assert (root / "SECRET").read_text(encoding="utf-8") == "the deploy token\n"


def test_what_a_template_may_do_still_works(make_repo) -> None:
    """Reading the context, calling the functions it is given, filters, macros, new values."""
    root = make_repo({
        "maps/sofa.md": simple_map("Sofa"),
        "cjmgen.yml": "theme: {custom_dir: overrides, accent: teal}\n",
        "overrides/templates/404.html": (
            '{% extends "!theme/404.html" %}{% block content %}'
            "{% set ns = namespace(n=0) %}{% for m in catalog.maps %}{% set ns.n = ns.n + 1 %}{% endfor %}"
            "<p id=probe>{{ ns.n }} {{ catalog.maps[0].title|upper }} {{ site_paths.map_url('x') }}"
            " {{ '%s-%d'|format('a', 2) }} {{ (catalog.maps|map(attribute='id')|list + ['z'])|join(',') }}"
            " {{ theme.accent }} {{ L.label('owners') }} {{ 2 ** 10 }} {{ '=' * 3 }}</p>{{ super() }}{% endblock %}\n"
        ),
    })
    result = run(["build", "--no-pdf"], root)
    assert result.exit_code == 0, result.output
    page = (root / "site/404.html").read_text(encoding="utf-8")
    assert "<p id=probe>1 SOFA maps/x.html a-2 sofa,z teal Owners 1024 ===</p>" in page


def _signed_as(folder: Path) -> set[str]:
    """What each compiled template in `folder` verifies as: "sandboxed", "trusted" or nothing."""
    from cjmgen.incremental.signing import Signer
    from cjmgen.site.theme import compiled_kind

    signer = Signer.for_user()
    assert signer is not None
    compiled = list(folder.iterdir()) if folder.is_dir() else []
    kinds = set()
    for path in compiled:
        kinds |= {name for name, sandboxed in (("sandboxed", True), ("trusted", False))
                  if signer.read(path, compiled_kind(sandboxed) + path.name) is not None}
    return kinds


def test_compiled_templates_are_signed_for_the_environment_that_compiled_them(make_repo, own_cache_key) -> None:
    """Code compiled outside the sandbox (cjmgen's own templates, kept in the user's cache)
    never runs inside it: once the repository brings templates, every template is compiled
    again, sandboxed, into the repository's cache (from its second build on)."""
    root = make_repo({"maps/sofa.md": simple_map("Sofa"), "cjmgen.yml": "theme: {custom_dir: overrides}\n",
                      "overrides/static/extra.css": "p { color: teal }\n"})
    users, repository = own_cache_key / "cjmgen/templates", root / ".cjmgen-cache/templates"
    assert run(["build", "--no-pdf"], root).exit_code == 0
    assert (_signed_as(users), _signed_as(repository)) == ({"trusted"}, set())
    trusted = set(users.iterdir())
    write_files(root, {"overrides/templates/404.html": '{% extends "!theme/404.html" %}\n'})
    for _ in range(2):
        assert run(["build", "--no-pdf"], root).exit_code == 0
    assert (_signed_as(users), _signed_as(repository)) == ({"trusted"}, {"sandboxed"})
    assert set(users.iterdir()) == trusted  # the sandbox neither reads nor adds to the user's cache
    write_files(root, {"overrides/templates/404.html": "<p>Not here.</p>\n" + ATTACKS[0] + "\n"})
    result = run(["build", "--no-pdf"], root)
    assert result.exit_code == 1 and "overrides/templates/404.html:2: " in result.output, result.output
    assert not list(root.rglob("MARKER"))


@pytest.mark.parametrize("overrides", [
    {},
    {"overrides/static/extra.css": "p { color: teal }\n"},
])
def test_cjmgen_s_own_templates_run_unsandboxed(make_repo, overrides: dict[str, str]) -> None:
    from jinja2.sandbox import SandboxedEnvironment

    from cjmgen.content.project import load_project
    from cjmgen.site.theme import load_theme, make_environment

    root = make_repo({"maps/sofa.md": simple_map("Sofa"), "cjmgen.yml": "theme: {custom_dir: overrides}\n",
                      **overrides})
    (root / "overrides").mkdir(exist_ok=True)
    theme = load_theme(load_project(root).repo.config)
    assert not theme.has_template_overrides()
    assert not isinstance(make_environment(theme), SandboxedEnvironment)


@pytest.mark.parametrize("templates", ["a template", "an empty folder", "a link"])
def test_any_templates_folder_in_the_overrides_turns_the_sandbox_on(make_repo, tmp_path: Path,
                                                                     templates: str) -> None:
    from cjmgen.content.project import load_project
    from cjmgen.site.sandbox import ThemeSandbox
    from cjmgen.site.theme import load_theme, make_environment

    root = make_repo({"maps/sofa.md": simple_map("Sofa"), "cjmgen.yml": "theme: {custom_dir: overrides}\n",
                      "overrides/static/extra.css": "p { color: teal }\n"})
    folder = root / "overrides/templates"
    if templates == "a template":
        write_files(root, {"overrides/templates/404.html": "<p>Not here.</p>\n"})
    elif templates == "an empty folder":
        folder.mkdir()
    else:
        folder.symlink_to(tmp_path / "nowhere")
    theme = load_theme(load_project(root).repo.config)
    assert theme.has_template_overrides()
    assert isinstance(make_environment(theme), ThemeSandbox)


def test_the_sandbox_changes_no_byte_of_the_site(example_repo: Path) -> None:
    """The bundled maps built with cjmgen's templates unsandboxed, then sandboxed (an empty
    templates folder in the overrides): the same files, byte for byte."""
    config = example_repo / "cjmgen.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\ntheme: {custom_dir: overrides}\n", encoding="utf-8")
    (example_repo / "overrides").mkdir()
    sites = {}
    for name in ("plain", "sandboxed"):
        if name == "sandboxed":
            (example_repo / "overrides/templates").mkdir()
        output = example_repo.parent / name
        result = run(["build", "--no-pdf", "--no-cache", "-o", str(output)], example_repo)
        assert result.exit_code == 0, result.output
        sites[name] = {p.relative_to(output).as_posix(): p.read_bytes() for p in output.rglob("*") if p.is_file()}
    assert len(sites["plain"]) > 40
    assert sites["plain"] == sites["sandboxed"]


def test_a_template_that_appears_after_the_environment_is_made_is_not_read_unsandboxed(make_repo) -> None:
    """cjmgen's own templates run unsandboxed only while the overrides hold none; the
    environment made then does not look in the overrides at all (a long `serve`)."""
    from cjmgen.content.project import load_project
    from cjmgen.site.theme import load_theme, make_environment

    root = make_repo({"maps/sofa.md": simple_map("Sofa"), "cjmgen.yml": "theme: {custom_dir: overrides}\n",
                      "overrides/static/extra.css": "p { color: teal }\n"})
    theme = load_theme(load_project(root).repo.config)
    environment = make_environment(theme)
    write_files(root, {"overrides/templates/404.html": "<p>planted</p>\n" + ATTACKS[0] + "\n"})
    source, filename, _ = environment.loader.get_source(environment, "404.html")  # type: ignore[union-attr]
    assert "planted" not in source and "overrides" not in str(filename)
    assert theme.has_template_overrides() is True  # the next environment is sandboxed
