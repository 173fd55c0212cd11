"""Background services (flusher, scheduler, alert evaluator, ...) started with the app."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol

log = logging.getLogger("vitalscope.services")
# Every service bounds its own stop (a flush deadline, a wait for running jobs); this is the
# backstop for one whose bound fails, so a SIGTERM still ends the process well within the
# usual 30 s grace period of process supervisors.
STOP_BOUND_S = 20.0


class Service(Protocol):
    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None:
        """Finishes in-flight work (flush, acknowledge) and returns."""


class ServiceGroup:
    """Starts services in order and stops them in reverse; a failing or stuck stop never keeps
    the others from stopping."""

    def __init__(self, services: list[Service], stop_bound_s: float = STOP_BOUND_S) -> None:
        self.services = services
        self.stop_bound_s = stop_bound_s
        self._started: list[Service] = []

    async def start(self) -> None:
        for service in self.services:
            await service.start()
            self._started.append(service)
            log.info("started %s", service.name)

    async def stop(self) -> None:
        while self._started:
            service = self._started.pop()
            try:
                await asyncio.wait_for(service.stop(), self.stop_bound_s)
                log.info("stopped %s", service.name)
            except TimeoutError:
                # Its unfinished work is what a crash would leave: queued entries stay pending
                # for the next start, leases expire.
                log.error("stopping %s took over %.0f s: went on without it", service.name,
                          self.stop_bound_s)
            except Exception:
                log.exception("stopping %s failed", service.name)

    @asynccontextmanager
    async def lifespan(self, app: Any) -> AsyncIterator[None]:
        """The ASGI app's lifespan: services run while the app serves."""
        await self.start()
        try:
            yield
        finally:
            await self.stop()
