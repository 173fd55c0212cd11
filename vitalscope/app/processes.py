"""Several processes on one port (`http.processes`; docs/collector.md, "Processes").

`serve`: the process started by the command holds the data folder (chDB, the embedded
Redis), runs the flusher, scheduler, alerting, synthetics and the dashboard, and serves its
app without the ingest endpoints on a private unix socket; N ingest processes accept on the
port, answer beacons, server timings and /metrics with Redis alone (the sites come from the
snapshot this process publishes in Redis) and forward every other request to it.

`collector`: the command's process only holds the port and watches N identical
collectors (distributed mode: each opens its own ClickHouse and Redis clients)."""

from __future__ import annotations

import asyncio
import pickle
import signal
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import click

from vitalscope.app.assembly import build_asgi
from vitalscope.config import Settings
from vitalscope.runtime import Runtime
from vitalscope.server.gc_tuning import tune_gc
from vitalscope.server.limits import edge_limits
from vitalscope.server.procs import metrics as process_metrics
from vitalscope.server.procs import sockets
from vitalscope.server.procs.group import ProcessGroup
from vitalscope.server.procs.proxy import OWNER_KEEP_ALIVE_S, ForwardedPeer
from vitalscope.server.procs.rundir import RunDir
from vitalscope.server.runner import MainServer, local_url
from vitalscope.sites.snapshot import SitesPublisher

CHILD_COMMAND = [sys.executable, "-m", "vitalscope.app.ingest_process"]


@dataclass(frozen=True)
class ChildSpec:
    """What a child needs, handed over its stdin (vitalscope/server/procs/child.py)."""

    kind: Literal["ingest", "collector"]
    settings: Settings
    host: str
    port: int
    metrics: Path
    redis_url: str | None = None  # ingest: the Redis of the process holding the folder
    owner_socket: Path | None = None  # ingest: where requests it does not answer go


def serve_with_ingest_processes(runtime: Runtime, count: int) -> None:
    settings = runtime.settings
    if runtime.redis_url is None:
        raise RuntimeError("serve needs Redis")
    run = RunDir.create(runtime.datadir.root)
    reservation = sockets.reserve(settings.host, settings.port)
    private = None
    try:
        host, port = reservation.getsockname()[:2]
        url = local_url(reservation)
        private = sockets.listen_unix(str(run.owner_socket))
        share = process_metrics.install(run.metrics)
        spec = pickle.dumps(ChildSpec("ingest", settings, host, port, run.metrics,
                                      runtime.redis_url, run.owner_socket))
        group = ProcessGroup("ingest", count, CHILD_COMMAND, lambda _index: spec)
        publisher = SitesPublisher(runtime.new_clickhouse_client, settings.clickhouse_cluster,
                                   runtime.redis_url, settings.collector.sites_refresh_s)
        # The publisher starts before the group: an ingest process finds the sites at once.
        app = ForwardedPeer(build_asgi(runtime, ingest=False,
                                       extra_services=[share, publisher, group]))
        # The private socket's clients are the ingest processes' connection pools.
        limits = replace(edge_limits(settings.http), keep_alive_timeout_s=OWNER_KEEP_ALIVE_S)
        server = MainServer(app, settings.log_level, limits)
        with runtime.datadir.serving(url):
            click.echo(f"Vitalscope serve listening on {url} ({count} ingest processes)",
                       err=True)
            tune_gc()
            server.run(sockets=[private])
    finally:
        if private is not None:
            private.close()
        reservation.close()
        run.remove()


def collectors(settings: Settings, count: int) -> None:
    run = RunDir.create(None)
    reservation = sockets.reserve(settings.host, settings.port)
    try:
        host, port = reservation.getsockname()[:2]
        spec = pickle.dumps(ChildSpec("collector", settings, host, port, run.metrics))
        group = ProcessGroup("collector", count, CHILD_COMMAND, lambda _index: spec)
        asyncio.run(_supervise(group, f"{local_url(reservation)} ({count} processes)"))
    finally:
        reservation.close()
        run.remove()


async def _supervise(group: ProcessGroup, where: str) -> None:
    """Runs the group until SIGINT or SIGTERM, then stops it."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await group.start()
    click.echo(f"Vitalscope collector listening on {where}", err=True)
    try:
        await stop.wait()
    finally:
        await group.stop()
