"""Text from maps and file names made harmless for a terminal or a CI log.

A map is text someone else may have written: an ESC in a persona id or a file
name could retitle the terminal, clear the screen or recolour a log, and a
newline in a key could forge a line such as "maps/forged.md:1:1: error: ...".
Every diagnostic printed for people goes through `printable`: control
characters (C0 but tab, DEL, C1), line and paragraph separators and the
bidirectional controls that reorder what a reader sees ("Trojan source") are
shown as escapes (`\\x1b`, `\\n`, `\\u202e`). JSON output is not changed in
content: there the same characters are written as JSON escapes.
"""

from __future__ import annotations

import re

#: C0 controls but tab, DEL, C1 controls, U+2028/2029, and the bidi embeddings/overrides/isolates.
UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\x00": "\\0"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with every character a terminal would act on shown as an escape."""
    return UNSAFE.sub(_escape, text) if UNSAFE.search(text) else text


#: What json.dumps(ensure_ascii=False) leaves raw that a terminal acts on (it escapes C0 itself).
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def json_safe(text: str) -> str:
    """JSON text (from json.dumps) with DEL, C1, separators and bidi controls as \\u escapes:
    the same JSON value, and nothing in it a terminal acts on."""
    return _UNSAFE_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
