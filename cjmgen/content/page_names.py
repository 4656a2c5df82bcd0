"""Whether a map or persona id can name a page of the site: the rule that keeps every
page inside the output folder and within what a file system accepts.

A map's page is `maps/<id>.html` (and `maps/<id>.pdf`), so an id is a path below
`maps/`: `id: ../index` would replace the site's index and `../../../../tmp/x`
would write outside the output folder. And a file name longer than 255 bytes
is refused by every common file system, so an id that `check` accepted would
fail the build with no position. Both are caught here, when the file is read.
"""

from __future__ import annotations

#: The longest file name (in UTF-8 bytes) ext4, APFS, NTFS and most others accept.
NAME_MAX = 255
#: The longest page suffix a map's id is given (`.html`; `.pdf` is shorter).
PAGE_SUFFIX = ".html"
#: An id longer than this (in bytes) is refused even when each part fits: its page's
#: path, under an output folder and the staging folder, must stay well inside PATH_MAX.
ID_MAX = 1024
#: Names Windows keeps for devices, in any letter case and with any extension (`con.html`).
RESERVED_NAMES = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{port}{n}" for port in ("com", "lpt") for n in "0123456789¹²³"]
)


def is_device_name(part: str) -> bool:
    """Whether one path part names a Windows device (`CON`, `aux.md`, `com1`): such a
    file cannot be written to a Windows share, though Linux takes it."""
    return part.split(".")[0].rstrip(" ").casefold() in RESERVED_NAMES


def page_id_problem(page_id: str, what: str = "map id") -> str | None:
    """Why `page_id` cannot name a page (a sentence), or None when it can."""
    if not page_id:
        return f"{what} is empty"
    if any(ord(char) < 32 or ord(char) == 127 for char in page_id):
        return f"{what} {page_id!r} contains a control character"
    if "\\" in page_id:
        return f"{what} '{page_id}' contains a backslash: use / between folders"
    if page_id.startswith("/"):
        return f"{what} '{page_id}' is an absolute path: an id is a path below maps/, such as b2c/sofa"
    parts = page_id.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return (f"{what} '{_short(page_id)}' is not a plain path below maps/ "
                "(no '..', '.' or empty parts): its page would be written elsewhere")
    if any(part.startswith(".") for part in parts):
        return f"{what} '{_short(page_id)}' has a part that starts with '.': hidden names are not published"
    longest = max(parts, key=lambda part: len(part.encode("utf-8")))
    if len((longest + PAGE_SUFFIX).encode("utf-8")) > NAME_MAX:
        size = len(longest.encode("utf-8"))
        return (f"{what} '{_short(page_id)}' is too long for a file name: its page name would be "
                f"{size + len(PAGE_SUFFIX)} bytes, file systems take at most {NAME_MAX}")
    if len(page_id.encode("utf-8")) > ID_MAX:
        return f"{what} '{_short(page_id)}' is longer than {ID_MAX} bytes"
    return None


def _short(text: str) -> str:
    """An id as a message shows it: a 300-character id would fill the terminal."""
    return text if len(text) <= 60 else text[:40] + "…" + text[-12:]
