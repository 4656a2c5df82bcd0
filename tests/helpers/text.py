"""Pieces of generated text found by pattern."""

from __future__ import annotations

import re


def search(pattern: str | re.Pattern[str], text: str, flags: int = 0) -> re.Match[str]:
    """re.search that fails the test, naming the pattern, when nothing matches (not a TypeError on None)."""
    found = re.search(pattern, text, flags)
    assert found is not None, f"no match for {pattern!r} in {text[:200]!r}"
    return found
