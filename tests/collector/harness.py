"""The collector in this test process: real uvicorn on a real port in a thread, the real
ingest app in front of the real FastAPI app of the collector role, optionally the flusher in
the same event loop. Uses the test's ClickHouse database and Redis."""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn

from collector.flusher import Flusher
from collector.wiring import flusher as make_flusher
from tests.support.ports import free_port
from vitalscope.app.assembly import build_asgi
from vitalscope.config import Settings
from vitalscope.datadir import DataDir
from vitalscope.runtime import Role, Runtime
from vitalscope.storage.clickhouse import connect


def collector_runtime(settings: Settings, redis_url: str | None = None) -> Runtime:
    """A collector-role runtime on the test's (embedded) ClickHouse and Redis; Runtime.open
    would refuse a distributed role on chDB, which a single test process is allowed."""
    runtime = Runtime(settings, Role.COLLECTOR, DataDir(settings.data_dir))
    runtime.redis_url = redis_url or (settings.redis_url.get_secret_value()
                                      if settings.redis_url else None)
    runtime.clickhouse = connect(settings)
    return runtime


@dataclass
class InProcessCollector:
    runtime: Runtime
    with_flusher: bool = False
    port: int = field(default_factory=free_port)
    flusher: Flusher | None = None
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None
    _error: list[BaseException] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> InProcessCollector:
        app = build_asgi(self.runtime)
        self._server = uvicorn.Server(uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_config=None, access_log=False,
            lifespan="on", timeout_graceful_shutdown=10, proxy_headers=False))
        if self.with_flusher:
            self.flusher = make_flusher(self.runtime)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self._error:
                raise self._error[0]
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise AssertionError("in-process collector did not start")

    def _run(self) -> None:
        async def main() -> None:
            assert self._server is not None
            if self.flusher is not None:
                await self.flusher.start()
            try:
                await self._server.serve()
            finally:
                if self.flusher is not None:
                    await self.flusher.stop()

        try:
            asyncio.run(main())
        except BaseException as exc:  # reported to the test thread
            self._error.append(exc)

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(30)
            assert not self._thread.is_alive(), "collector thread did not stop"
        if self._error:
            raise self._error[0]

    def __enter__(self) -> InProcessCollector:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
