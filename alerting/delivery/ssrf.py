"""SSRF guard: a receiver's host is resolved when the connection is made, every address is
checked, and the connection goes to the checked address (so a DNS answer that changes
between the check and the connect cannot point it elsewhere)."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Sequence

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# Ranges that embed or translate to other addresses, and cloud metadata services, on top of
# everything Python does not call global (loopback, private, link-local, CGNAT, reserved).
_ALWAYS_REFUSED = [ipaddress.ip_network(n) for n in (
    "::ffff:0:0/96", "64:ff9b::/96", "64:ff9b:1::/48", "2002::/16", "2001::/32",
    "169.254.169.254/32", "100.100.100.200/32", "fd00:ec2::254/128",
)]


class SSRFRefused(Exception):
    """The receiver resolves to an address the guard refuses; nothing was connected."""


class Guard:
    def __init__(self, allow_networks: Sequence[str]) -> None:
        self.allowed = [ipaddress.ip_network(n, strict=False) for n in allow_networks]

    def refused(self, ip: IPAddress) -> bool:
        if any(ip.version == net.version and ip in net for net in self.allowed):
            return False
        if any(ip.version == net.version and ip in net for net in _ALWAYS_REFUSED):
            return True
        return not ip.is_global or ip.is_multicast

    def resolve(self, host: str, port: int) -> str:
        """The address to connect to, or SSRFRefused when any address of the host is
        refused (picking a "good" one would let a rebinding answer mix them)."""
        try:
            literal: IPAddress | None = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            literal = None
        if literal is not None:
            addresses = [literal]
        else:
            try:
                infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            except socket.gaierror as exc:
                raise httpx.ConnectError(f"cannot resolve {host}: {exc.strerror}") from None
            addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0])
                         for info in infos]
        for ip in addresses:
            if self.refused(ip):
                raise SSRFRefused(f"{host} resolves to {ip}, which is refused (set "
                                  "alerting.allow_networks to allow it)")
        return str(addresses[0])


class GuardedTransport(httpx.BaseTransport):
    """httpx transport that connects only to addresses the guard accepted."""

    def __init__(self, guard: Guard) -> None:
        self.guard = guard
        self.inner = httpx.HTTPTransport(retries=0)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        port = request.url.port or (443 if request.url.scheme == "https" else 80)
        address = self.guard.resolve(host, port)
        if request.url.scheme == "https":
            # The certificate is still checked against the name, not the address.
            request.extensions = {**request.extensions, "sni_hostname": host}
        request.url = request.url.copy_with(host=address)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()
