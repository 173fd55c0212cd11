"""Running ASGI apps on uvicorn: the main server of a process, with its signal handling,
and companion servers that share its event loop (the demo's shop and webhook sink)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, Literal

import uvicorn
from starlette.types import ASGIApp

from vitalscope.server.limits import EdgeLimits, limited_protocol
from vitalscope.server.procs.sockets import BACKLOG, bound

GRACEFUL_SHUTDOWN_S = 10
HANDLED_SIGNALS = (signal.SIGINT, signal.SIGTERM)

Companion = Callable[["MainServer"], Coroutine[Any, Any, None]]


def bind(host: str, port: int) -> socket.socket:
    """The one listening socket of a single-process server, inheritable by its children."""
    sock = bound(host, port, reuse_port=False)
    sock.listen(BACKLOG)
    sock.set_inheritable(True)
    return sock


def local_url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    wildcard = host in ("0.0.0.0", "::")  # noqa: S104 - comparing, not binding
    return f"http://{'127.0.0.1' if wildcard else host}:{port}"


def server_config(app: ASGIApp, log_level: str, limits: EdgeLimits,
                  lifespan: Literal["auto", "on", "off"] = "on",
                  **options: Any) -> uvicorn.Config:
    """Every server of a process: httptools (as uvicorn's "auto" picked) under the
    process's edge limits. No WebSocket: nothing serves one, and an upgraded connection
    would leave the limits' protocol. `options` go to uvicorn (the benchmark's host/port)."""
    return uvicorn.Config(
        app, log_config=None, access_log=False, lifespan=lifespan, server_header=False,
        proxy_headers=False,  # build_asgi applies it, after the ingest endpoints
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S, log_level=log_level,
        http=limited_protocol(limits), ws="none",
        timeout_keep_alive=limits.keep_alive_timeout_s, **options,
    )


class MainServer(uvicorn.Server):
    """The process's server. uvicorn re-raises SIGTERM after its graceful shutdown, which
    would end the process before the runtime closes (Redis stopped, folder unlocked); here a
    signal only starts the graceful shutdown and the process then exits 0 on its own.
    A companion coroutine runs beside it and is cancelled when it stops."""

    def __init__(self, app: ASGIApp, log_level: str, limits: EdgeLimits,
                 companion: Companion | None = None) -> None:
        super().__init__(server_config(app, log_level, limits))
        self.limits = limits
        self.companion = companion

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in HANDLED_SIGNALS}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    async def serve(self, sockets: list[socket.socket] | None = None) -> None:
        task = asyncio.create_task(self.companion(self)) if self.companion else None
        try:
            await super().serve(sockets)
        finally:
            if task is not None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)


class CompanionServer(uvicorn.Server):
    """A server in the main server's loop; signals are the main server's business. It
    shares the main server's limits: connections count against one per-process cap."""

    def __init__(self, app: ASGIApp, log_level: str, limits: EdgeLimits) -> None:
        super().__init__(server_config(app, log_level, limits, lifespan="off"))

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield
