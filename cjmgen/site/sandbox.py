"""The sandbox templates run in: a repository's template overrides are not trusted code.

A pull request from a fork can change `overrides/templates/`, and CI builds it.
Jinja's plain environment lets a template reach Python itself
(`{{ lipsum.__globals__["os"].popen("…") }}`); Jinja's immutable sandbox blocks
underscore attributes, unsafe callables and changes to lists and dicts, but it
would still let a template walk from an object in its context to a module
(`site_paths.posixpath.os`) or call a `pathlib.Path`'s methods (`site.root`
is one: `read_text`, `unlink`). So this sandbox also refuses attributes that are
modules, and any attribute of a path; of a module in the context (`site_paths`)
only what the module itself defines (its functions and constants) is visible.

What a template may do: read its context (maps, personas, labels, the
configuration as values), call the functions it is given (`url`, `static`,
`L.label`, `kpi_gauge`, `piece`, ...), loop, filter, format, and build new
values. It cannot read or write files, run commands, import, or change the
objects it is given. A refusal is a theme error naming the template and line.
"""

from __future__ import annotations

import types
from pathlib import PurePath
from typing import Any, TypeVar

from jinja2.exceptions import SecurityError
from jinja2.runtime import Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment

_VALUES = (str, int, float, bool, tuple, frozenset, type(None))
_SAFE, _UNSAFE, _FORMAT = 0, 1, 2  # what `ThemeSandbox.getattr` does with an attribute
MAX_VERDICTS = 1 << 14  # distinct (type, name, type) questions kept; a theme asks a few hundred


#: The largest string, list or number a template may make with `*` or `**`: a theme
#: prints labels and numbers, and `'x' * 10**10` or `9**9**9` would stall the build.
MAX_SIZE = 1_000_000
MAX_EXPONENT = 1_000
MAX_BITS = 100_000  # of an integer power's result

Question = TypeVar("Question")


def _keep(verdicts: dict[Question, int], question: Question, verdict: int) -> None:
    """Remember a verdict; a full memo starts again rather than grow without bound."""
    if len(verdicts) > MAX_VERDICTS:
        verdicts.clear()
    verdicts[question] = verdict


class ThemeSandbox(ImmutableSandboxedEnvironment):
    """ImmutableSandboxedEnvironment, with no way from the context to a module or a file."""

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, (int, float)) and (
                abs(right) > MAX_EXPONENT or (isinstance(left, int) and left.bit_length() * abs(right) > MAX_BITS)):
            raise SecurityError(f"a power with exponent {right} is too large for a template")
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if isinstance(sequence, (str, list, tuple)) and isinstance(count, int) \
                        and len(sequence) * count > MAX_SIZE:
                    raise SecurityError(f"a repetition of more than {MAX_SIZE} items is too large for a template")
        return super().call_binop(context, operator, left, right)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # (type of the object, attribute, type of the value) -> verdict: see `getattr`.
        self._verdicts: dict[tuple[type, str, type], int] = {}
        self._module_verdicts: dict[tuple[Any, str, int], int] = {}  # (module, name, id of the value)

    def getattr(self, obj: Any, attribute: str) -> Any:
        """Jinja's sandboxed `obj.attribute`, with each verdict remembered.

        Every verdict of Jinja's checks and of `is_safe_attribute` below depends only on
        the object's type, the name and the value's type (modules aside: for them it is
        the value itself), and a theme asks the same few hundred questions millions of
        times: checked each time, the sandbox made rendering much slower (docs/benchmarks.md).
        """
        try:
            value = getattr(obj, attribute)
        except AttributeError:
            return super().getattr(obj, attribute)  # Jinja's fallback to obj[attribute]
        verdict = self._verdicts.get((type(obj), attribute, type(value)))
        if verdict is None:
            verdict = self._verdict(obj, attribute, value)
        if verdict == _SAFE:
            return value
        if verdict == _FORMAT:
            return self.wrap_str_format(value)
        return self.unsafe_undefined(obj, attribute)

    def _verdict(self, obj: Any, attribute: str, value: Any) -> int:
        """Jinja's and our checks, remembered: by type, or for a module (whose verdict depends
        on the value itself) by the module and the value."""
        module = isinstance(obj, types.ModuleType)
        if module:
            verdict = self._module_verdicts.get((obj, attribute, id(value)))
            if verdict is not None:
                return verdict
        if self.wrap_str_format(value) is not None:
            verdict = _FORMAT  # str.format: Jinja wraps it in its sandboxed formatter
        else:
            verdict = _SAFE if self.is_safe_attribute(obj, attribute, value) else _UNSAFE
        if module:
            _keep(self._module_verdicts, (obj, attribute, id(value)), verdict)
        else:
            _keep(self._verdicts, (type(obj), attribute, type(value)), verdict)
        return verdict

    def is_safe_callable(self, obj: Any) -> bool:
        """A template's own macros are safe to call (they run sandboxed too): asked first,
        without Jinja's two attribute look-ups, for the thousands of macro calls a page makes."""
        return type(obj) is Macro or super().is_safe_callable(obj)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        if isinstance(value, types.ModuleType) or isinstance(obj, PurePath):
            return False
        if isinstance(obj, types.ModuleType):
            return isinstance(value, _VALUES) or (  # its own functions (memoised ones too), no class
                callable(value) and not isinstance(value, type) and getattr(value, "__module__", None) == obj.__name__)
        return True
