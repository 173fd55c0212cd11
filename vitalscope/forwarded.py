"""Who the client is behind trusted proxies: the one parser of forwarded addresses, used by
the proxy-headers layer of the app (`ProxyHeaders`), sign-in throttling
(vitalscope/auth/peer.py) and the collector's rate-limit buckets
(collector/client_identity.py).

Each trusted proxy appends the address it saw, so the client is the right-most hop that is
not a trusted proxy; everything to the left of it was written by the client. A hop that is
not an address was written by a client too, so it names the client. Addresses are read as
proxies write them: bare, `v4:port` or `[v6]:port`; IPv4-mapped IPv6 as the IPv4 address."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

from starlette.types import ASGIApp, Receive, Scope, Send

Address = IPv4Address | IPv6Address
Network = IPv4Network | IPv6Network
LOOPBACK: tuple[Network, ...] = (IPv4Network("127.0.0.0/8"), IPv6Network("::1/128"))
_SCHEMES = frozenset({"http", "https", "ws", "wss"})


def parse_address(text: str) -> Address | None:
    """An address as proxies write it: bare, `v4:port` or `[v6]:port`; None if it is not."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:text.find("]")] if "]" in text else text[1:]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ip_address(text)
    except ValueError:
        return None
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def header(scope: Scope, name: bytes) -> str:
    """A request header's value (the first of that name), as text; "" without one."""
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return ""


def forwarded_for(scope: Scope) -> str:
    """Every X-Forwarded-For header of the request, as one list."""
    return ", ".join(bytes(value).decode("latin-1") for key, value in scope.get("headers", ())
                     if key.lower() == b"x-forwarded-for")


@dataclass(frozen=True)
class Hop:
    text: str  # as written, stripped
    address: Address | None  # None: not an address
    trusted: bool  # a trusted proxy: every hop was one, and this is the left-most


class TrustedProxies:
    def __init__(self, networks: Sequence[Network]) -> None:
        self.networks = tuple(networks)
        self._trusts = lru_cache(maxsize=4096)(self._trusted_text)

    def trusts(self, address: Address | None) -> bool:
        return address is not None and any(
            address.version == n.version and address in n for n in self.networks)

    def trusts_peer(self, peer: str) -> bool:
        """Whether the TCP peer (an address as written) is a trusted proxy."""
        return self._trusts(peer)

    def _trusted_text(self, text: str) -> bool:
        return self.trusts(parse_address(text))

    def client_hop(self, forwarded: str) -> Hop | None:
        """The client's hop of a forwarded list (`a, b, c`): the right-most one that is not
        a trusted proxy, or the left-most when all are; None when the list has no hop."""
        last: Hop | None = None
        for token in reversed(forwarded.split(",")):
            text = token.strip()
            if not text:
                continue
            address = parse_address(text)
            if address is None or not self.trusts(address):
                return Hop(text, address, False)
            last = Hop(text, address, True)
        return last


def forwarded_scheme(scope: Scope) -> str | None:
    """The scheme a trusted proxy says the client used (X-Forwarded-Proto), or None."""
    scheme = header(scope, b"x-forwarded-proto").split(",")[0].strip().lower()
    return scheme if scheme in _SCHEMES else None


class ProxyHeaders:
    """ASGI middleware: from a trusted proxy, the client's address (X-Forwarded-For) and
    scheme (X-Forwarded-Proto) replace the peer's, for everything behind it."""

    def __init__(self, app: ASGIApp, trusted: TrustedProxies) -> None:
        self.app = app
        self.trusted = trusted

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] in ("http", "websocket") and client and self.trusted.trusts_peer(
                str(client[0])):
            if (scheme := forwarded_scheme(scope)) is not None:
                scope["scheme"] = (scheme.replace("http", "ws") if scope["type"] == "websocket"
                                   else scheme)
            hop = self.trusted.client_hop(forwarded_for(scope))
            if hop is not None:
                host = str(hop.address) if hop.address is not None else hop.text
                scope["client"] = (host, _port(hop.text))
        await self.app(scope, receive, send)


def _port(text: str) -> int:
    """The port of a hop written `v4:port` or `[v6]:port`; 0 without one."""
    port = text.rpartition("]")[2] if text.startswith("[") else (
        text.partition(":")[2] if text.count(":") == 1 else "")
    port = port.lstrip(":")
    return int(port) if port.isascii() and port.isdigit() else 0
