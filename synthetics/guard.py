"""Guard rails of a run's browser context: only the check's hosts, never link-local or cloud
metadata addresses, also after redirects.

Playwright does not route the hops of a redirect, so every request is fetched here without
following redirects; a redirect is followed hop by hop (each hop checked) before the browser
gets the first hop's answer and follows the chain itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

if TYPE_CHECKING:
    from playwright.async_api import APIResponse, BrowserContext, Route, WebSocketRoute

MAX_REDIRECTS = 10
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Instance-metadata services of the clouds: never a check's business, whatever it allows.
METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254", "169.254.170.2", "100.100.100.200", "192.0.0.192", "fd00:ec2::254",
))
METADATA_HOSTS = frozenset({"metadata", "metadata.google.internal", "metadata.goog",
                            "instance-data", "instance-data.ec2.internal"})


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


def refused_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address in METADATA_ADDRESSES:
        return "cloud metadata address"
    if address.is_link_local:
        return "link-local address"
    return None


@dataclass
class Guard:
    """Checks every request of one run; what it refused is kept for the run's results."""

    hosts: tuple[str, ...]
    deadline: float
    refused: list[str] = field(default_factory=list)
    context: BrowserContext | None = None
    _resolved: dict[str, str | None] = field(default_factory=dict)

    async def check(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise Refused(f"scheme {parts.scheme!r} is not allowed")
        host = (parts.hostname or "").lower()
        if host in METADATA_HOSTS:
            raise Refused(f"{host} is a cloud metadata host")
        literal = _literal_address(host)
        if literal is not None and (reason := refused_address(literal)):
            raise Refused(f"{host} is a {reason}")
        if not host_allowed(parts.netloc, self.hosts):
            raise Refused(f"host {parts.netloc} is not in the check's allowed hosts")
        reason = await self._address_problem(host)
        if reason:
            raise Refused(f"{host} is a {reason}")

    async def _address_problem(self, host: str) -> str | None:
        if host in self._resolved:
            return self._resolved[host]
        try:
            addresses = [ipaddress.ip_address(host)]
        except ValueError:
            try:
                infos = await asyncio.wait_for(
                    asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM),
                    timeout=5)
            except (OSError, TimeoutError):
                infos = []  # the browser will fail to resolve it too, and say so
            addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
        problem = next((p for a in addresses if (p := refused_address(a))), None)
        self._resolved[host] = problem
        return problem

    def _timeout_ms(self) -> float:
        return max(1.0, (self.deadline - time.monotonic()) * 1000)

    async def handle(self, route: Route) -> None:
        request = route.request
        try:
            await self.check(request.url)
            response = await route.fetch(max_redirects=0, timeout=self._timeout_ms())
            await self._check_redirects(request.url, response)
        except Refused as exc:
            self.refused.append(f"{request.url}: refused: {exc}")
            await _quietly(route.abort("blockedbyclient"))
            return
        except Exception as exc:  # a network error of the page: the browser reports it
            await _quietly(route.abort("failed"))
            if "Target" not in str(exc):  # not merely the page closing under the request
                self.refused.append(f"{request.url}: {str(exc).splitlines()[0][:200]}")
            return
        await _quietly(route.fulfill(response=response))

    async def handle_websocket(self, socket_route: WebSocketRoute) -> None:
        url = socket_route.url
        try:
            # ws:// and wss:// go to the same hosts as http:// and https://.
            await self.check("http" + url[2:] if url.startswith("ws") else url)
        except Refused as exc:
            self.refused.append(f"{url}: refused: {exc}")
            await _quietly(socket_route.close(code=1008, reason="refused by guard rails"))
            return
        socket_route.connect_to_server()

    async def install(self, context: BrowserContext) -> None:
        self.context = context
        await context.route("**/*", self.handle)
        await context.route_web_socket(_every_url, self.handle_websocket)

    async def _check_redirects(self, url: str, first: APIResponse) -> None:
        assert self.context is not None
        method = "GET"
        response = first
        hops = 0
        while response.status in REDIRECT_STATUSES:
            location = response.headers.get("location")
            if not location:
                return
            hops += 1
            if hops > MAX_REDIRECTS:
                raise Refused(f"more than {MAX_REDIRECTS} redirects")
            url = urljoin(url, location)
            await self.check(url)
            if response is not first:
                await response.dispose()
            response = await self.context.request.fetch(
                url, method=method, max_redirects=0, timeout=self._timeout_ms())
        if response is not first:
            await response.dispose()


def _literal_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _every_url(url: str) -> bool:
    return True


async def _quietly(awaitable: object) -> None:
    """Route calls fail once the page is gone; nothing is left to do then."""
    with contextlib.suppress(Exception):
        await awaitable  # type: ignore[misc]
