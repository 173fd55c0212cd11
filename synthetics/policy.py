"""Which hosts a run's browser may reach: the check's allowed hosts (by name and port), never
an address the kernel's outbound policy refuses whatever is allowed (cloud metadata,
link-local, unspecified, ...: vitalscope/netpolicy.py, shared with webhooks), and loopback
only when the check names a loopback host itself. A host is resolved once per run and every
address it resolves to is checked; the tunnel connects only to those checked addresses, so
an answer that changes between the check and the connection (DNS rebinding) reaches nothing
new.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from vitalscope.config.synthetics import CheckConfig
from vitalscope.netpolicy import METADATA_HOSTS, Address, never_reason

RESOLVE_TIMEOUT_S = 5.0
DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


class Refused(Exception):
    """A request the guard rails do not let out; the message says why."""


def host_allowed(netloc: str, allowed: tuple[str, ...]) -> bool:
    """`netloc` (host[:port]) against entries `host`, `host:port` or `*.domain`."""
    netloc = netloc.lower().rpartition("@")[2]
    host = urlsplit(f"//{netloc}").hostname or ""
    for entry in allowed:
        if entry == netloc:
            return True
        if ":" in entry.lstrip("[").split("]")[-1]:
            continue  # an entry with a port allows only that port
        bare = entry.strip("[]")
        if bare == host or (bare.startswith("*.") and host.endswith(bare[1:])):
            return True
    return False


def check_hosts(check: CheckConfig) -> list[str]:
    """The hosts a check's browser may contact: its `allowed_hosts`, or those its base_url
    and goto steps name."""
    if check.allowed_hosts is not None:
        return list(check.allowed_hosts)
    found: list[str] = []
    urls = [check.base_url] if check.base_url else []
    urls += [check.absolute_url(s.url) for s in check.steps if s.action == "goto" and s.url]
    for url in urls:
        netloc = (urlsplit(url).netloc.rpartition("@")[2]).lower()
        if netloc and netloc not in found:
            found.append(netloc)
    return found


def is_loopback_name(host: str) -> bool:
    literal = literal_address(host)
    if literal is not None:
        return literal.is_loopback
    return host == "localhost" or host.endswith(".localhost")


def literal_address(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def netloc_of(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


@dataclass
class Policy:
    """The allow list of one run, with the addresses it resolved (once) and checked."""

    hosts: tuple[str, ...]
    lookup: Callable[[str], Awaitable[list[Address]]] | None = None  # default: system DNS
    _pinned: dict[str, list[Address] | str] = field(default_factory=dict)

    async def addresses(self, host: str, port: int) -> list[Address]:
        """The checked addresses `host:port` may be reached at; Refused with the reason."""
        host = host.lower().strip("[]")
        if host in METADATA_HOSTS:
            raise Refused(f"{host} is a cloud metadata host")
        literal = literal_address(host)
        if literal is not None and (reason := never_reason(literal)):
            raise Refused(f"{host} is a {reason}")
        netloc = netloc_of(host, port)
        if not host_allowed(netloc, self.hosts):
            raise Refused(f"host {netloc} is not in the check's allowed hosts")
        pinned = await self._pin(host)
        if isinstance(pinned, str):
            raise Refused(f"{host} {pinned}")
        return pinned

    async def check_url(self, url: str) -> None:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS:
            raise Refused(f"scheme {parts.scheme!r} is not allowed")
        try:
            port = parts.port or DEFAULT_PORTS[scheme]
        except ValueError:
            raise Refused(f"{parts.netloc!r} has no valid port") from None
        # The port is always explicit: `shop.example:443` allows https://shop.example/.
        await self.addresses(parts.hostname or "", port)

    async def _pin(self, host: str) -> list[Address] | str:
        if host in self._pinned:
            return self._pinned[host]
        literal = literal_address(host)
        if literal is not None:
            addresses = [literal]
        else:
            addresses = await (self.lookup or system_lookup)(host)
        result: list[Address] | str = addresses or "does not resolve"
        for address in addresses:
            if reason := never_reason(address):
                result = f"resolves to a {reason} ({address})"
                break
            if address.is_loopback and not is_loopback_name(host):
                # A public name pointing at this machine reaches its private services.
                result = f"resolves to a loopback address ({address})"
                break
        self._pinned[host] = result
        return result


async def system_lookup(host: str) -> list[Address]:
    try:
        infos = await asyncio.wait_for(asyncio.get_running_loop().getaddrinfo(
            host, None, type=socket.SOCK_STREAM), RESOLVE_TIMEOUT_S)
    except (OSError, TimeoutError):
        return []  # the browser is told the connection failed
    return list(dict.fromkeys(
        ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos))
