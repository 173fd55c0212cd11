"""SSRF guard: a receiver's host is resolved when the connection is made, every address is
checked, and the connection goes to the checked address (so a DNS answer that changes
between the check and the connect cannot point it elsewhere)."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Sequence

import httpx

from vitalscope.netpolicy import Address, in_networks, is_internal, never_reason


class SSRFRefused(Exception):
    """The receiver resolves to an address the guard refuses; nothing was connected."""


class Guard:
    """The kernel's outbound-address policy (vitalscope/netpolicy.py) for webhooks: never
    the addresses no setting opens, internal ones only inside `alerting.allow_networks`."""

    def __init__(self, allow_networks: Sequence[str]) -> None:
        self.allowed = tuple(ipaddress.ip_network(n, strict=False) for n in allow_networks)

    def refused(self, ip: Address) -> bool:
        return self.reason(ip) is not None

    def reason(self, ip: Address) -> str | None:
        """Why `ip` is refused, or None."""
        if (never := never_reason(ip)) is not None:
            return f"which is a {never}, never allowed"
        if is_internal(ip) and not in_networks(ip, self.allowed):
            return "which is refused (set alerting.allow_networks to allow it)"
        return None

    def resolve(self, host: str, port: int) -> str:
        """The address to connect to, or SSRFRefused when any address of the host is
        refused (picking a "good" one would let a rebinding answer mix them)."""
        try:
            literal: Address | None = ipaddress.ip_address(host.strip("[]"))
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
            if (reason := self.reason(ip)) is not None:
                raise SSRFRefused(f"{host} resolves to {ip}, {reason}")
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
