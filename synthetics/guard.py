"""Guard rails of a run's browser context: only the check's hosts, never cloud metadata,
link-local or (unless named) loopback addresses, also after redirects and from workers.

Two layers. The run's context reaches the network only through its own tunnel
(`synthetics/tunnel.py`, a SOCKS5 proxy on 127.0.0.1): every connection, including the hops
of a redirect (Playwright does not route them, not even after a fulfilled 3xx), requests of
workers and WebSockets, is checked by host and port when it is opened and goes to the address
the policy resolved and checked, never to a second lookup. On top, every routed request and
page WebSocket is checked by URL first, so a refusal is listed with its URL and reason.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from synthetics.policy import Policy, Refused, host_allowed, netloc_of
from synthetics.tunnel import Tunnel
from vitalscope.netpolicy import never_reason as refused_address

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext, Route, WebSocketRoute

__all__ = ["Guard", "Refused", "host_allowed", "refused_address"]

MAX_REFUSED = 50


@dataclass
class Guard:
    """Checks every connection and request of one attempt; what it refused is kept for the
    attempt's results. `start` before the context is made (its proxy), `close` after."""

    hosts: tuple[str, ...]
    refused: list[str] = field(default_factory=list)
    policy: Policy = field(init=False)
    tunnel: Tunnel = field(init=False)
    proxy: dict[str, str] | None = None

    def __post_init__(self) -> None:
        self.policy = Policy(self.hosts)
        self.tunnel = Tunnel(self._connect_to)

    async def start(self) -> dict[str, str]:
        """Starts the tunnel; returns the context's `proxy` option."""
        self.proxy = {"server": await self.tunnel.start()}
        return self.proxy

    async def close(self) -> None:
        await self.tunnel.close()

    def context_options(self) -> dict[str, Any]:
        assert self.proxy is not None, "start the guard first"
        return {"proxy": self.proxy, "service_workers": "block"}

    def _note(self, text: str) -> None:
        if text not in self.refused and len(self.refused) < MAX_REFUSED:
            self.refused.append(text)

    async def _connect_to(self, host: str, port: int) -> list[str]:
        try:
            return [str(a) for a in await self.policy.addresses(host, port)]
        except Refused as exc:
            self._note(f"{netloc_of(host, port)}: refused: {exc}")
            raise

    async def check(self, url: str) -> None:
        await self.policy.check_url(url)

    async def handle(self, route: Route) -> None:
        request = route.request
        try:
            await self.check(request.url)
        except Refused as exc:
            self._note(f"{request.url}: refused: {exc}")
            await _quietly(route.abort("blockedbyclient"))
            return
        # The browser sends it through the tunnel, which connects to the checked address.
        await _quietly(route.continue_())

    async def handle_websocket(self, socket_route: WebSocketRoute) -> None:
        url = socket_route.url
        try:
            await self.check(url)
        except Refused as exc:
            self._note(f"{url}: refused: {exc}")
            await _quietly(socket_route.close(code=1008, reason="refused by guard rails"))
            return
        socket_route.connect_to_server()

    async def install(self, context: BrowserContext) -> None:
        await context.route("**/*", self.handle)
        await context.route_web_socket(_every_url, self.handle_websocket)


def _every_url(url: str) -> bool:
    return True


async def _quietly(awaitable: object) -> None:
    """Route calls fail once the page is gone; nothing is left to do then."""
    with contextlib.suppress(Exception):
        await awaitable  # type: ignore[misc]
