"""The client's IP as Vercel reports it (standard library only).

Vercel's request headers (https://vercel.com/docs/edge-network/headers/request-headers):
``x-forwarded-for`` is "the public IP address of the client that made the request", and
Vercel overwrites it and does not forward external IPs, "to prevent IP spoofing";
``x-real-ip`` is identical to it. So the first ``x-forwarded-for`` entry is trusted on
Vercel; off Vercel (``make dev``) the socket's peer address is the fallback.
"""

from __future__ import annotations

from collections.abc import Iterable

MAX_IP_TEXT = 64  # an IPv6 address with zone fits; anything longer is not one


def client_ip(headers: Iterable[tuple[bytes, bytes]], peer: object = None) -> str:
    found = {name: value for name, value in headers if name in (b"x-forwarded-for", b"x-real-ip")}
    for name in (b"x-forwarded-for", b"x-real-ip"):
        if name in found:
            first = found[name].split(b",", 1)[0].strip().decode("latin-1")
            if first:
                return first[:MAX_IP_TEXT]
    if isinstance(peer, (tuple, list)) and peer and isinstance(peer[0], str):
        return peer[0]
    return "unknown"
