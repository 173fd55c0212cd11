"""Requests an ingest process does not answer itself (dashboard, JSON API, admin API,
health) go to the process holding chDB over its private unix socket, bodies streamed both
ways. The client's address travels in `PEER_HEADER`, which only that private socket
believes (`ForwardedPeer`); an incoming copy of the header is dropped here."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator

import httpx
from prometheus_client import Counter
from starlette.types import ASGIApp, Receive, Scope, Send

from vitalscope.server.services import ServiceGroup

log = logging.getLogger("vitalscope.processes")
PEER_HEADER = b"x-vitalscope-peer"
# Hop-by-hop headers (RFC 9110 7.6.1) stay on their own connection; `expect` is answered by
# this process's server, which reads the body before forwarding it.
HOP_BY_HOP = frozenset({b"connection", b"keep-alive", b"proxy-authenticate",
                        b"proxy-authorization", b"te", b"trailer", b"transfer-encoding",
                        b"upgrade", b"expect", PEER_HEADER})
# This process's server adds its own Date to every answer.
NOT_RETURNED = HOP_BY_HOP | {b"date"}
OWNER_KEEP_ALIVE_S = 60  # the private socket's idle keep-alive; the pool lets go sooner
POOL_KEEP_ALIVE_S = 30.0
FORWARDED = Counter("vitalscope_forwarded_requests", "Requests an ingest process forwarded "
                    "to the process holding chDB (dashboard, API, admin, health), by outcome "
                    "(answered, unavailable).", ["outcome"])


class _ClientGone(Exception):
    pass


def _unavailable() -> bytes:
    return json.dumps({"error": "unavailable", "field": None, "message": "the server's main "
                       "process does not answer; retry shortly"}).encode()


class OwnerProxy:
    name = "owner-proxy"

    def __init__(self, socket_path: str, max_connections: int) -> None:
        self.client = httpx.AsyncClient(
            transport=httpx.AsyncHTTPTransport(uds=socket_path, retries=1),
            timeout=httpx.Timeout(connect=5.0, read=None, write=60.0, pool=30.0),
            limits=httpx.Limits(max_connections=max_connections,
                                max_keepalive_connections=64,
                                keepalive_expiry=POOL_KEEP_ALIVE_S),
        )
        # The request's own headers only: httpx's defaults (Accept-Encoding among them)
        # would ask the first process for an encoding the client may not take.
        self.client.headers.clear()

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        await self.client.aclose()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"
        headers = [(k, v) for k, v in scope["headers"] if k not in HOP_BY_HOP]
        peer = scope.get("client")
        if peer:
            headers.append((PEER_HEADER, f"{peer[0]}:{peer[1]}".encode()))
        has_body = any(k in (b"content-length", b"transfer-encoding")
                       for k, _ in scope["headers"])
        query = scope.get("query_string", b"")
        path = scope.get("raw_path") or scope["path"].encode()
        url = httpx.URL("http://owner", raw_path=path + (b"?" + query if query else b""))
        request = self.client.build_request(scope["method"], url, headers=headers,
                                            content=self._body(receive) if has_body else None)
        try:
            response = await self.client.send(request, stream=True)
        except _ClientGone:
            return
        except httpx.TransportError as exc:
            FORWARDED.labels("unavailable").inc()
            log.warning("forwarding %s %s failed: %s", scope["method"], scope["path"],
                        type(exc).__name__)
            body = _unavailable()
            await send({"type": "http.response.start", "status": 503, "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()), (b"retry-after", b"1")]})
            await send({"type": "http.response.body", "body": body})
            return
        FORWARDED.labels("answered").inc()
        try:
            await send({"type": "http.response.start", "status": response.status_code,
                        "headers": [(k.lower(), v) for k, v in response.headers.raw
                                    if k.lower() not in NOT_RETURNED]})
            async for chunk in response.aiter_raw():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
        finally:
            await response.aclose()

    @staticmethod
    async def _body(receive: Receive) -> AsyncIterator[bytes]:
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _ClientGone
            yield message.get("body", b"")
            if not message.get("more_body"):
                return


class ForwardedPeer:
    """The owner's private socket: the client address the ingest process saw, as uvicorn
    would have put it in the scope (a unix socket has none); the kernel's proxy-headers
    layer then judges it as it judges any peer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = []
            client = None
            for name, value in scope["headers"]:
                if name == PEER_HEADER:
                    host, _, port = value.decode("latin-1").rpartition(":")
                    client = (host, int(port)) if port.isdigit() else None
                else:
                    headers.append((name, value))
            scope = {**scope, "headers": headers, "client": client}
        await self.app(scope, receive, send)


class WithServices:
    """An ASGI app whose lifespan starts and stops background services."""

    def __init__(self, app: ASGIApp, services: ServiceGroup) -> None:
        self.app = app
        self.services = services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return
        await receive()  # lifespan.startup
        try:
            await self.services.start()
        except Exception as exc:
            log.exception("start-up failed")
            await send({"type": "lifespan.startup.failed", "message": str(exc)})
            return
        await send({"type": "lifespan.startup.complete"})
        await receive()  # lifespan.shutdown
        await self.services.stop()
        await send({"type": "lifespan.shutdown.complete"})
