"""cjmgen's own templates call functions directly (cjmgen.site.template_calls): whatever a
template calls gives what Jinja's own Context.call gives."""

from __future__ import annotations

import functools
from typing import Any

import jinja2
import pytest

from cjmgen.site.template_calls import DirectCallContext


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
