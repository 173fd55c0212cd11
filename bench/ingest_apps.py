"""The servers the ingest benchmark compares, each on uvicorn with the same settings:
`python -m bench.ingest_apps {noop|fastapi|collector} PORT [--data DIR] [--latency-out F]
[--reuse-port]`.

- noop: a raw ASGI app answering 204 without reading the body (the ceiling); with
  --reuse-port it listens on a SO_REUSEPORT socket as `serve`'s processes do, so several
  share the port (bench/ingest_processes.py);
- fastapi: a plain FastAPI route validating the same body with pydantic (the usual way);
- collector: Vitalscope's ingest path (raw ASGI + msgspec + enrichment + Redis stream) with
  the flusher inserting into chDB, as `vitalscope serve` runs them. With --latency-out a
  thread polls ClickHouse and records, per beacon, send time -> visible in page_views."""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import uvicorn
from fastapi import FastAPI, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from bench.loadgen import KEY, ORIGIN


class _Server(uvicorn.Server):
    """uvicorn re-raises SIGTERM after its graceful shutdown, which would end the process
    before the latency figures are written; here the signal only starts the shutdown."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        previous = {sig: signal.signal(sig, self.handle_exit)
                    for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def _config(app: Any, port: int) -> uvicorn.Config:
    # The same for every app: what `vitalscope serve` uses, its HTTP edge limits included
    # (their protocol layer is in the hot path).
    from vitalscope.config.http import HttpSettings
    from vitalscope.server.limits import edge_limits
    from vitalscope.server.runner import server_config

    return server_config(app, "info", edge_limits(HttpSettings()), host="127.0.0.1", port=port)


async def noop_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            await send({"type": message["type"] + ".complete"})
            if message["type"] == "lifespan.shutdown":
                return
    await send({"type": "http.response.start", "status": 204,
                "headers": [(b"content-length", b"0")]})
    await send({"type": "http.response.body", "body": b""})


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid")
    t: Literal["vital", "st", "err", "route"]
    id: str = Field(min_length=1, max_length=64)
    ts: float = Field(ge=0)
    n: str | None = None
    val: float | None = Field(default=None, ge=0, le=600_000)
    r: str | None = None
    dur: float | None = Field(default=None, ge=0, le=600_000)
    desc: str | None = None


class _Beacon(BaseModel):
    model_config = ConfigDict(extra="forbid")
    v: Literal[1]
    pv: str = Field(min_length=8, max_length=64)
    sid: str = Field(min_length=8, max_length=64)
    url: str = Field(max_length=2048)
    grp: str | None = None
    nav: str | None = None
    st: float
    sent: float
    dev: str | None = None
    ect: str | None = None
    vw: int | None = None
    vh: int | None = None
    rel: str | None = None
    sdk: str | None = None
    e: list[_Event] = Field(min_length=1, max_length=200)


def fastapi_app() -> FastAPI:
    app = FastAPI()

    @app.post("/v1/beacon", status_code=204)
    async def beacon(request: Request) -> Response:
        _Beacon.model_validate_json(await request.body())
        return Response(status_code=204)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


class _LatencyPoller(threading.Thread):
    """Every 50 ms: which page views became visible, and how long after their send time."""

    def __init__(self, client: Any) -> None:
        super().__init__(daemon=True)
        self.client = client
        self.seen: dict[int, int] = {}
        self.latencies_ms: list[float] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.05):
            low = int(time.time() * 1000) - 15_000
            rows = self.client.query(
                "SELECT toUnixTimestamp64Milli(started_at) AS s, count() FROM page_views "
                "WHERE started_at >= fromUnixTimestamp64Milli({low:Int64}) GROUP BY s",
                parameters={"low": low}).result_rows
            now = time.time() * 1000
            for sent, count in rows:
                new = int(count) - self.seen.get(int(sent), 0)
                if new > 0:
                    self.seen[int(sent)] = int(count)
                    self.latencies_ms.extend([now - int(sent)] * new)


def collector(port: int, data: Path, latency_out: Path | None, with_flusher: bool) -> None:
    from collector.wiring import Ingest, flusher
    from vitalscope.config import load_settings
    from vitalscope.config.sites import SiteConfig
    from vitalscope.runtime import Role, Runtime
    from vitalscope.server.services import ServiceGroup
    from vitalscope.sites import SiteRepository

    settings = load_settings(data=data, collector={
        "site_rate_limit": {"per_second": 1e9, "burst": 1e9},
        "client_rate_limit": {"per_second": 1e9, "burst": 1e9},
        "stream_max_len": 50_000_000})
    runtime = Runtime.open(settings, Role.SERVE, migrate=True)
    SiteRepository(runtime.require_clickhouse()).sync_declared(
        [SiteConfig(name="bench", key=KEY, origins=[ORIGIN])])
    ingest = Ingest(runtime)
    services = ServiceGroup([*ingest.services, *([flusher(runtime)] if with_flusher else [])])
    fallback = FastAPI(lifespan=services.lifespan)

    @fallback.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    poller = _LatencyPoller(runtime.new_clickhouse_client()) if latency_out else None
    if poller is not None:
        poller.start()
    try:
        _Server(_config(ingest.asgi(fallback), port)).run()
    finally:
        if poller is not None and latency_out is not None:
            poller.stop.set()
            poller.join()
            latency_out.write_text(json.dumps(poller.latencies_ms))
        runtime.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("app", choices=["noop", "fastapi", "collector"])
    parser.add_argument("port", type=int)
    parser.add_argument("--data", type=Path)
    parser.add_argument("--latency-out", type=Path)
    parser.add_argument("--no-flusher", action="store_true", help="ingest path alone")
    parser.add_argument("--reuse-port", action="store_true", help="noop: share the port")
    args = parser.parse_args()
    if args.app == "noop" and args.reuse_port:
        from vitalscope.server.procs import sockets

        sock = sockets.listen("127.0.0.1", args.port)
        _Server(_config(noop_app, args.port)).run(sockets=[sock])
    elif args.app == "noop":
        _Server(_config(noop_app, args.port)).run()
    elif args.app == "fastapi":
        _Server(_config(fastapi_app(), args.port)).run()
    else:
        assert args.data is not None
        collector(args.port, args.data, args.latency_out, not args.no_flusher)
    return 0


if __name__ == "__main__":
    sys.exit(main())
