"""Background services (flusher, scheduler, alert evaluator, ...) started with the app."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol

log = logging.getLogger("vitalscope.services")


class Service(Protocol):
    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None:
        """Finishes in-flight work (flush, acknowledge) and returns."""


class ServiceGroup:
    """Starts services in order and stops them in reverse; a failing stop never keeps the
    others from stopping."""

    def __init__(self, services: list[Service]) -> None:
        self.services = services
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
                await service.stop()
                log.info("stopped %s", service.name)
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
