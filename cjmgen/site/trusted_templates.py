"""The environment of cjmgen's own templates: Jinja's plain one, with two costs removed.

Only where every template is cjmgen's own (cjmgen.site.theme.make_environment); a
repository's templates run in the sandbox, which checks each call itself. Both
changes give the bytes Jinja gives (tests/test_trusted_templates.py), for less time
on a map page's hundreds of calls and thousands of printed values (docs/benchmarks.md):

- Calls: Jinja routes each call (`L.figure(...)`, `url(...)`, a macro) through
  `Context.call`, which asks the callable and its `__call__` twice each whether it
  wants the context passed in. Functions, methods, partials and macros without
  Jinja's `pass_*` mark are called at once; anything else goes Jinja's way.
- Printed values: `{{ x }}` is escaped into a `Markup` object that is only ever
  joined into the page's text; a plain string of the same characters does.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Iterable, MutableMapping
from typing import Any

import jinja2
import markupsafe
from jinja2.runtime import Context, Macro

#: Callables whose type Jinja would look up `jinja_pass_arg` on and nothing else.
_DIRECT = frozenset({types.FunctionType, types.MethodType, types.BuiltinFunctionType, functools.partial, Macro})


class DirectCallContext(Context):
    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # names as Jinja has them
        if type(__obj) not in _DIRECT or hasattr(__obj, "jinja_pass_arg"):
            return super().call(__obj, *args, **kwargs)
        if kwargs:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:  # as Jinja: a StopIteration must not end the template's generator
            return __self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception")


def _escape_text() -> Any:
    """markupsafe's own escaping of a str to a str (its C speed-up where built), else the same via `escape`."""
    inner = getattr(markupsafe, "_escape_inner", None)
    return inner if callable(inner) else lambda text: str(markupsafe.escape(text))


_ESCAPE_TEXT = _escape_text()


def escape_output(value: Any) -> str:
    """What `{{ value }}` prints: markupsafe.escape's characters, without the Markup around them."""
    if type(value) is str:
        return _ESCAPE_TEXT(value)  # type: ignore[no-any-return]
    if hasattr(value, "__html__"):
        return value.__html__()  # type: ignore[no-any-return]
    return _ESCAPE_TEXT(str(value))  # type: ignore[no-any-return]


class TrustedTemplate(jinja2.Template):
    @classmethod
    def _from_namespace(cls, environment: jinja2.Environment, namespace: MutableMapping[str, Any],
                        globals: MutableMapping[str, Any]) -> jinja2.Template:
        namespace["escape"] = escape_output  # the name compiled output statements call
        return super()._from_namespace(environment, namespace, globals)

    def render(self, *args: Any, **kwargs: Any) -> str:
        """As Jinja's; then the page's contexts let go of their macros (`let_go`)."""
        context = self.new_context(dict(*args, **kwargs))
        try:
            return self.environment.concat(self.root_render_func(context))
        except Exception:
            self.environment.handle_exception()
        finally:
            let_go(context, self.environment)


def let_go(context: Context, environment: jinja2.Environment) -> None:
    """Empty the contexts a rendered page's macros hold.

    Each `{% from "partials/macros.html" import ... with context %}` makes a module whose
    macros hold, in their functions' closures, the module's context, which holds the
    macros: a reference cycle that only Python's cyclic collector frees, and with it all
    the page's context held (its rows, views and Markup: 600 objects a map page). Emptied,
    they go when the page does, and the collector can rest while pages render
    (build.pipeline.render_pages; docs/benchmarks.md). The modules Jinja keeps for later
    pages (an import without context) are left as they are.
    """
    kept = {id(found) for template in _loaded(environment) if template._module is not None
            for found in _contexts(vars(template._module).values())}
    seen: set[int] = set()
    todo = [context]
    while todo:
        current = todo.pop()
        if id(current) in seen or id(current) in kept:
            continue
        seen.add(id(current))
        todo.extend(_contexts(list(current.vars.values())))
        current.vars.clear()
        current.exported_vars.clear()


def _loaded(environment: jinja2.Environment) -> list[jinja2.Template]:
    cache = environment.cache
    return list(cache.values()) if cache is not None else []


def _contexts(values: Iterable[Any]) -> list[Context]:
    """The contexts that the macros among `values` (or in the modules among them) hold."""
    found = []
    for value in values:
        if isinstance(value, jinja2.environment.TemplateModule):
            found += _contexts(vars(value).values())
        elif isinstance(value, Macro):
            for cell in value._func.__closure__ or ():
                try:
                    held = cell.cell_contents
                except ValueError:  # a cell not filled yet
                    continue
                held = getattr(held, "__self__", held)  # a context's bound method (`resolve`)
                if isinstance(held, Context):
                    found.append(held)
    return found


class TrustedEnvironment(jinja2.Environment):
    context_class = DirectCallContext
    template_class = TrustedTemplate
