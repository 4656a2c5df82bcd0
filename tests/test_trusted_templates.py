"""cjmgen's own templates run in an environment of their own (cjmgen.site.trusted_templates):
whatever a template calls or prints gives what Jinja's own environment gives."""

from __future__ import annotations

import collections
import functools
import gc
import re
from typing import Any

import jinja2
import pytest
from markupsafe import Markup

from cjmgen.build.pipeline import BuildOptions, make_renderer, render_pages
from cjmgen.build.writer import StagedOutput
from cjmgen.content.project import load_project
from cjmgen.site.page_run import PageRun
from cjmgen.site.pages import PageSpec, plan
from cjmgen.site.theme import load_theme
from cjmgen.site.trusted_templates import DirectCallContext, TrustedEnvironment
from tools.bench.corpus import generate
from tools.bench.measured import add_data_files


class DirectEnvironment(jinja2.Environment):
    context_class = DirectCallContext


@jinja2.pass_context
def context_name(context: Any, suffix: str) -> str:
    return f"{context['page']}{suffix}"


@jinja2.pass_environment
def environment_kind(environment: jinja2.Environment) -> str:
    return type(environment).__name__.replace("Direct", "")


@jinja2.pass_eval_context
def autoescaping(eval_context: Any) -> str:
    return str(eval_context.autoescape)


class Greeter:
    @jinja2.pass_context
    def __call__(self, context: Any) -> str:
        return f"hello {context['page']}"

    def plain(self, name: str) -> str:
        return f"plain {name}"


def stops() -> str:
    raise StopIteration


TEMPLATE = (
    "{% macro box(x, tag='b') %}<{{ tag }}>{{ x }}{{ caller() if caller else '' }}</{{ tag }}>{% endmacro %}"
    "{{ context_name('!') }}|{{ environment_kind() }}|{{ autoescaping() }}|{{ greeter() }}|{{ greeter.plain('p') }}"
    "|{{ add(2, 3) }}|{{ plus_one(4) }}|{{ words.upper() }}|{{ box('m', tag='i') }}"
    "|{% call box('c') %}+{% endcall %}|{% for n in [1, 2] %}{{ context_name(n) }}{{ box(n) }}{% endfor %}"
    "|{{ stops() is undefined }}|{{ len([1, 2, 3]) }}|{{ namespace(a=1).a }}|{{ cycler('x', 'y').next() }}"
)


def render(environment_class: type[jinja2.Environment]) -> str:
    environment = environment_class(autoescape=True)
    return environment.from_string(TEMPLATE).render(
        page="map", context_name=context_name, environment_kind=environment_kind, autoescaping=autoescaping,
        greeter=Greeter(), add=lambda a, b: a + b, plus_one=functools.partial(lambda a, b: a + b, 1),
        words="some words", stops=stops, len=len,
    )


def test_every_kind_of_call_gives_what_jinja_gives() -> None:
    direct = render(DirectEnvironment)
    assert direct == render(jinja2.Environment)
    assert direct.startswith("map!|Environment|True|hello map|plain p|5|5|SOME WORDS|<i>m</i>|<b>c+</b>|map1<b>1</b>")
    assert "|True|3|1|x" in direct


def test_a_callable_marked_for_the_context_gets_the_loop_s_and_the_block_s_as_in_jinja() -> None:
    source = ("{% for page in ['a', 'b'] %}{{ name('.') }}{% endfor %}"
              "{% set page = 'set' %}{{ name('/') }}{% block b %}{% set page = 'in block' %}{{ name(';') }}{% endblock %}")
    outputs = [environment_class().from_string(source).render(page="top", name=context_name)
               for environment_class in (DirectEnvironment, jinja2.Environment)]
    assert outputs[0] == outputs[1]
    assert outputs[0].endswith("set/in block;")


@pytest.mark.parametrize("value", [1, "text", None])
def test_calling_what_cannot_be_called_fails_as_in_jinja(value: object) -> None:
    for environment_class in (DirectEnvironment, jinja2.Environment):
        with pytest.raises(TypeError):
            environment_class().from_string("{{ thing() }}").render(thing=value)


class Html:
    def __html__(self) -> str:
        return "<b>own</b>"


PRINTED = (
    "{{ text }}|{{ markup }}|{{ number }}|{{ none }}|{{ html }}|{{ text|safe }}|{{ text|e }}|{{ text ~ markup }}"
    "|{% set block %}<i>{{ text }}</i>{% endset %}{{ block }}|{{ block|upper }}"
    "|{% macro m(x) %}<u>{{ x }}</u>{% endmacro %}{{ m(text) }}|{{ m(text)|replace('u>', 's>') }}"
    "|{% autoescape false %}{{ text }}{% endautoescape %}|{% autoescape flag %}{{ text }}{% endautoescape %}"
    "|{{ [text, markup]|join(', ') }}|{{ {'a': text}|tojson }}|{{ 'x' if text else 'y' }}{{ text[0] }}"
)


@pytest.mark.parametrize("flag", [True, False])
def test_every_printed_value_gives_what_jinja_gives(flag: bool) -> None:
    values = {"text": "<a href='x'>\"Q&A\"</a>", "markup": Markup("<br>"), "number": 4.5, "none": None,
              "html": Html(), "flag": flag}
    direct = TrustedEnvironment(autoescape=True).from_string(PRINTED).render(**values)
    assert direct == jinja2.Environment(autoescape=True).from_string(PRINTED).render(**values)
    assert direct.startswith("&lt;a href=&#39;x&#39;&gt;&#34;Q&amp;A&#34;&lt;/a&gt;|<br>|4.5|None|<b>own</b>|<a href")


def test_an_undefined_value_printed_fails_as_in_jinja() -> None:
    for environment_class in (TrustedEnvironment, jinja2.Environment):
        environment = environment_class(autoescape=True, undefined=jinja2.StrictUndefined)
        with pytest.raises(jinja2.UndefinedError):
            environment.from_string("{{ missing }}").render()


def test_cjmgen_s_own_templates_use_both_shortcuts(tmp_path) -> None:
    """Through the bytecode cache too: a template loaded from compiled code is patched the same."""
    from cjmgen.site.trusted_templates import escape_output

    (tmp_path / "page.html").write_text("{{ x }}", encoding="utf-8")
    for _ in range(2):  # compiled, then read back from the cache
        environment = TrustedEnvironment(loader=jinja2.FileSystemLoader(str(tmp_path)), autoescape=True,
                                         bytecode_cache=jinja2.FileSystemBytecodeCache(str(tmp_path)))
        template = environment.get_template("page.html")
        assert template.root_render_func.__globals__["escape"] is escape_output
        assert isinstance(template.new_context(), DirectCallContext)
        assert template.render(x="<") == "&lt;"
    assert list(tmp_path.glob("__jinja2_*"))


def test_the_gauge_ids_filter_renames_the_gauges_ids_and_nothing_else() -> None:
    """`|gauge_ids(ids)` gives each gauge of a KPI list ids of its own (the map's grid and its
    stage cards show the same list); classes and text stay as they are."""
    from cjmgen.charts.kpi import gauge_ids, kpi_gauge
    from cjmgen.content.model import KPI, Quantity
    from cjmgen.i18n.labels import Locale

    locale = Locale("en")
    kpis = [KPI(name=name, value=Quantity.parse(value), target=Quantity.parse(target))
            for name, value, target in (('Reach id="kpi-1" -title kpi-2-desc"', "4%", "6%"), ("NPS", "50", "40"))]
    listing = Markup("<ul>" + "".join(f'<li class="kpi-status">{kpi_gauge(kpi, locale)}</li>' for kpi in kpis) + "</ul>")
    environment = TrustedEnvironment(autoescape=True)
    environment.filters["gauge_ids"] = gauge_ids
    shown = environment.from_string("{{ listing|gauge_ids('grid') }}").render(listing=listing)
    ids = re.findall(r'kpi-[0-9a-f]{8}', str(listing))
    assert len(set(ids)) == 2
    expected = str(listing)
    for found in set(ids):
        expected = (expected.replace(f'id="{found}-', f'id="grid-{found}-')
                    .replace(f'aria-labelledby="{found}-title {found}-desc"',
                             f'aria-labelledby="grid-{found}-title grid-{found}-desc"'))
    assert shown == expected != str(listing)
    assert shown.count('class="kpi-track"') == 2 and shown.count('class="kpi-status"') == 2
    assert shown.count('Reach id=&quot;kpi-1&quot; -title kpi-2-desc&quot;') == 2  # text is never rewritten
    assert environment.from_string("{{ '<b id=\"kpi-1\">'|gauge_ids('grid') }}").render() == \
        "&lt;b id=&#34;kpi-1&#34;&gt;"  # plain text is escaped first: no attribute to rewrite


# -- no reference cycles left behind (let_go; the build pauses the collector meanwhile) ----------

def _cyclic_leftovers(render: Any) -> tuple[int, list[tuple[str, int]]]:
    """What Python's cyclic collector alone would free of what `render()` made."""
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        render()
        found = gc.collect()
        kinds = collections.Counter(type(item).__qualname__ for item in gc.garbage).most_common(8)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if enabled:
            gc.enable()
    return found, kinds


@pytest.mark.parametrize("with_data", [False, True])
def test_every_page_of_cjmgen_s_theme_leaves_no_reference_cycles(tmp_path, with_data: bool) -> None:
    """The build pauses the cyclic collector while pages render (pipeline.render_pages): each
    page must free what it made by reference counting alone, its first time too."""
    root = generate(tmp_path / "repo", 6)
    if with_data:
        add_data_files(root)
    project = load_project(root)
    renderer = make_renderer(project, load_theme(project.repo.config), BuildOptions(pdf=False))
    assert isinstance(renderer.env, TrustedEnvironment)
    specs = plan(renderer)
    first: dict[str, PageSpec] = {}
    for spec in specs:  # one page of each kind first: compiling a template makes cycles of its own
        first.setdefault(spec.path.split("/")[0] if "/" in spec.path else spec.path, spec)
    warm = set(first.values())
    warmed: dict[str, str] = {}
    PageRun(renderer, warmed.__setitem__).run(list(warm))
    written: dict[str, str] = {}
    found, kinds = _cyclic_leftovers(lambda: PageRun(renderer, written.__setitem__).run(
        [spec for spec in specs if spec not in warm]))
    assert len(written) > 40 and any(path.startswith("owners/") for path in written)
    assert found == 0, kinds


def test_what_the_pages_leave_alive_goes_to_the_collector_s_permanent_generation(tmp_path, monkeypatch) -> None:
    """When the collector resumes after the pages (pipeline.render_pages), the renderer's
    caches (every map's measures and measured copies) are frozen, not walked by its first
    pass: at 1,000 maps with data files that pass took 0.38 s of each build process."""
    monkeypatch.setenv("CJMGEN_WORKERS", "1")  # the pages in this process, as the parent's share
    root = generate(tmp_path / "repo", 6)
    add_data_files(root)
    project = load_project(root)
    renderer = make_renderer(project, load_theme(project.repo.config), BuildOptions(pdf=False))
    assert gc.isenabled()
    try:
        with StagedOutput(tmp_path / "site") as staging:
            pages = render_pages(renderer, plan(renderer), staging)
        measured = [shown for _, shown, _ in renderer._measured.values()]
        assert len(pages.paths) > 40 and len(measured) == 6
        assert gc.isenabled() and gc.get_freeze_count() > 0
        alive = {id(item) for item in gc.get_objects()}
        assert not any(id(shown) in alive for shown in measured), "a measured copy is left for the collector to walk"
    finally:
        gc.unfreeze()


def test_a_page_lets_go_of_its_macros_but_not_of_a_module_jinja_keeps() -> None:
    env = TrustedEnvironment(undefined=jinja2.ChainableUndefined, loader=jinja2.DictLoader({
        # a macro reading its module's variable and one of the page's (through its context)
        "m.html": '{% set greeting = "hi" %}{% macro hi(x) %}{{ greeting }} {{ x }}{{ mark }}{% endmacro %}',
        "page.html": '{% import "m.html" as kept %}{% from "m.html" import hi with context %}'
                     "{{ kept.hi(1) }} {{ hi(2) }}",
    }), autoescape=True)
    page = env.get_template("page.html")
    found, kinds = _cyclic_leftovers(lambda: [page.render(mark="!"), page.render(mark="?")])
    assert found == 0, kinds
    assert page.render(mark="!") == "hi 1 hi 2!"  # the page's own import sees the page's `mark`
    assert page.render(mark="?") == "hi 1 hi 2?"  # ... and the module Jinja keeps still works

