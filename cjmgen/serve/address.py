"""Where the preview listens: `-a HOST:PORT` read as MkDocs' --dev-addr, and whether only this machine can reach it."""

from __future__ import annotations

import ipaddress


class AddressError(ValueError):
    """Text that is not HOST:PORT; the message says what was expected."""


def is_loopback(host: str) -> bool:
    """Whether `host` is reachable from this machine only (anything else shares the maps on the network)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def split_address(text: str) -> tuple[str, int]:
    """`HOST:PORT` (MkDocs' --dev-addr): `127.0.0.1:8000`, `0.0.0.0:8080`, `[::1]:8000`, `:8000`."""
    host, colon, port = text.rpartition(":")
    if not colon or not port.isdigit() or int(port) > 65535:
        raise AddressError(f"expected HOST:PORT like 127.0.0.1:8000, got '{text}'")
    bracketed = host.startswith("[") and host.endswith("]")
    host = host[1:-1] if bracketed else host
    if ":" in host and not (bracketed and _is_ip(host)):
        raise AddressError(f"expected HOST:PORT (an IPv6 host in brackets: [::1]:8000), got '{text}'")
    return host or "127.0.0.1", int(port)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return False
