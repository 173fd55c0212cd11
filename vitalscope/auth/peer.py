"""Who is on the other end of a request, and did it come over https.

The app's proxy-headers layer (server/app.py:build_asgi) has usually replaced the peer
address and scheme already, for `collector.trusted_proxies` (loopback when none are set).
The guard passes the same proxies here (loopback plus `collector.trusted_proxies`), so a
TLS-terminating proxy's "https" counts wherever the request was routed.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from starlette.types import Scope

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
TRUSTED_PROXIES: tuple[Network, ...] = (ipaddress.ip_network("127.0.0.0/8"),
                                        ipaddress.ip_network("::1/128"))


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return ""


def _in(address: str, networks: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def peer_address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else ""


def client_address(scope: Scope, trusted: Sequence[Network] = TRUSTED_PROXIES) -> str:
    """The client's address: the peer's, or the last untrusted hop of X-Forwarded-For when
    the peer is a trusted proxy (the last hop is the one our proxy saw; earlier ones are
    whatever the client wrote)."""
    peer = peer_address(scope)
    if not _in(peer, trusted):
        return peer
    hops = [h.strip() for h in _header(scope, b"x-forwarded-for").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _in(hop, trusted):
            return hop
    return peer


def is_https(scope: Scope, public_url: str,
             trusted: Sequence[Network] = TRUSTED_PROXIES) -> bool:
    """Browsers reach us over https: the configured public URL says so, the connection is
    TLS, or a trusted proxy says it terminated TLS."""
    if public_url.lower().startswith("https://") or scope.get("scheme") in ("https", "wss"):
        return True
    proto = _header(scope, b"x-forwarded-proto").split(",")[0].strip().lower()
    return proto == "https" and _in(peer_address(scope), trusted)
