"""Calls from cjmgen's own templates, made directly.

Jinja routes every call a template makes (`L.figure(...)`, `url(...)`, a macro) through
`Context.call`, which asks the callable and its `__call__` twice each whether it wants
the context passed in. A map page makes about five hundred calls, and the asking cost
more than many of the calls themselves (docs/benchmarks.md). Functions, methods,
partials and macros without Jinja's `pass_*` mark are called here at once; anything
else goes the way Jinja takes. Only for the unsandboxed environment of cjmgen's own
templates: the sandbox checks each call itself (cjmgen.site.theme.make_environment).
"""

from __future__ import annotations

import functools
import types
from typing import Any

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
