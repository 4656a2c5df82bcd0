"""What the preview server refuses before it looks at a path: foreign hosts, huge requests.

DNS rebinding: a web page on evil.example can point its own name at 127.0.0.1
and then read the preview (every map) from the victim's browser; the request
then carries `Host: evil.example:8000`. The server therefore answers only
requests addressed to a loopback name or to the address it was told to bind.
Bound to every interface (`-a 0.0.0.0`), the user chose to serve the network,
and any name is accepted.
"""

from __future__ import annotations

#: Longest request target answered; longer ones get 414 (a real page's URL is far shorter).
MAX_TARGET = 2048
#: Seconds a connection may stay silent while a request is read (not the long-poll's wait).
READ_TIMEOUT = 10.0
#: Connections the kernel holds while every thread is busy (the stdlib's 5 dropped SYNs in a flood).
BACKLOG = 128

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARDS = frozenset({"", "0.0.0.0", "::"})


def split_host(header: str) -> tuple[str, int | None] | None:
    """(`name`, port) of a Host header; None when it cannot be read."""
    header = header.strip()
    if header.startswith("["):  # [::1]:8000
        name, _, rest = header[1:].partition("]")
        port_text = rest[1:] if rest.startswith(":") else "" if not rest else None
    elif header.count(":") == 1:
        name, port_text = header.split(":")
    else:
        name, port_text = header, ""
    if port_text is None or (port_text and not port_text.isdigit()) or len(port_text) > 5:
        return None
    return name.lower().rstrip("."), int(port_text) if port_text else None


def host_allowed(header: str | None, bound_host: str, bound_port: int) -> bool:
    """Whether a request with this Host header is answered (no header: an HTTP/1.0 client)."""
    if header is None or bound_host.strip("[]") in WILDCARDS:
        return True
    parts = split_host(header)
    if parts is None:
        return False
    name, port = parts
    if port is not None and port != bound_port:
        return False
    return name in LOOPBACK_NAMES or name == bound_host.strip("[]").lower()
