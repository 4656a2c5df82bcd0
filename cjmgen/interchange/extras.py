"""The optional libraries of the slide exports, imported when asked for, named with their extra when missing."""

from __future__ import annotations

import importlib
from typing import Any


class MissingExtra(Exception):
    """An optional library is not installed (or cannot load); the message says how to install it."""


def optional_import(module: str, needed_for: str, extra: str) -> Any:
    """`module`, or MissingExtra naming the pip extra that installs it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtra(f"{needed_for} needs {module}, which is not installed ({exc}); "
                           f"{install_hint(extra)}") from exc


def install_hint(extra: str) -> str:
    return f"install it with `pip install 'cjmgen[{extra}]'` (see docs/reach.md)"
