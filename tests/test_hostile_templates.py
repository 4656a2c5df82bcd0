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


def test_a_planted_compiled_template_of_an_unsandboxed_build_is_compiled_again(make_repo) -> None:
    """Compiled templates are signed as sandboxed code: one that is not verifies as nothing."""
    from cjmgen.incremental.signing import Signer

    root = make_repo({"maps/sofa.md": simple_map("Sofa")})
    assert run(["build", "--no-pdf"], root).exit_code == 0
    compiled = list((root / ".cjmgen-cache/templates").iterdir())
    assert compiled
    signer = Signer.for_user()
    assert signer is not None
    for path in compiled:  # what an unsandboxed cjmgen wrote: signed under the bare key
        assert signer.read(path, path.name) is None and signer.read(path, "sandboxed:" + path.name) is not None
    write_files(root, {"maps/sofa.md": simple_map("Sofa, again")})
    assert run(["build", "--no-pdf"], root).exit_code == 0
