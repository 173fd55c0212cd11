"""Who is on the other end of a request, and did it come over https.

The app's proxy-headers layer (vitalscope/app/assembly.py:build_asgi) has usually replaced
the peer address and scheme already, for `collector.trusted_proxies` (loopback when none are set).
The guard passes the same proxies here (loopback plus `collector.trusted_proxies`), so a
TLS-terminating proxy's "https" counts wherever the request was routed. Both read forwarded
headers with the kernel's one parser (vitalscope/forwarded.py).
"""

from __future__ import annotations

from starlette.types import Scope

from vitalscope.forwarded import TrustedProxies, forwarded_for, forwarded_scheme


def peer_address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else ""


def client_address(scope: Scope, proxies: TrustedProxies) -> str:
    """The client's address: the peer's, or the last untrusted hop of X-Forwarded-For when
    the peer is a trusted proxy (the last hop is the one our proxy saw; earlier ones are
    whatever the client wrote)."""
    peer = peer_address(scope)
    if not proxies.trusts_peer(peer):
        return peer
    hop = proxies.client_hop(forwarded_for(scope))
    if hop is None or hop.trusted:
        return peer
    return str(hop.address) if hop.address is not None else hop.text


def is_https(scope: Scope, public_url: str, proxies: TrustedProxies) -> bool:
    """Browsers reach us over https: the configured public URL says so, the connection is
    TLS, or a trusted proxy says it terminated TLS."""
    if public_url.lower().startswith("https://") or scope.get("scheme") in ("https", "wss"):
        return True
    return forwarded_scheme(scope) == "https" and proxies.trusts_peer(peer_address(scope))
