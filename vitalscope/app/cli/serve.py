"""`vitalscope serve` (everything in one process) and the distributed roles."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from vitalscope.app.assembly import build_asgi
from vitalscope.app.cli.common import load, settings_options, user_errors
from vitalscope.config import Settings
from vitalscope.runtime import Role, Runtime, StartupError
from vitalscope.server import stack_dump
from vitalscope.server.gc_tuning import tune_gc
from vitalscope.server.limits import edge_limits
from vitalscope.server.procs.group import process_count
from vitalscope.server.runner import Companion, MainServer, bind, local_url
from vitalscope.sites import SiteRepository
from vitalscope.storage.migrator import Migrator

log = logging.getLogger("vitalscope")
F = TypeVar("F", bound=Callable[..., Any])


def open_runtime(role: Role, settings: Settings) -> Runtime:
    """The runtime of a server role: storage up, schema checked (or migrated by serve),
    declared sites in place, the admin token shown once when it was just made."""
    runtime = Runtime.open(settings, role, with_clickhouse=True, with_redis=True,
                           migrate=role is Role.SERVE)
    try:
        clickhouse = runtime.require_clickhouse()
        if role is not Role.SERVE:
            pending = Migrator(clickhouse, settings.clickhouse_cluster).pending()
            if pending:
                raise StartupError(
                    f"{len(pending)} migration(s) not applied yet "
                    f"({pending[0].file_name}, ...): run `vitalscope migrate` first"
                )
        if role is Role.SERVE:
            for created in SiteRepository(clickhouse, settings.clickhouse_cluster) \
                    .sync_declared(settings.sites):
                click.echo(f"site {created.site} created from configuration: key {created.key}"
                           + (f", server key {created.server_key}" if created.server_key else ""))
        if runtime.admin_token_created:
            click.echo(
                f"Admin token (shown once, kept in {runtime.datadir.secrets_dir}/admin-token): "
                f"{runtime.admin_token}"
            )
    except BaseException:
        runtime.close()
        raise
    return runtime


def serve_runtime(runtime: Runtime, companion: Companion | None = None) -> None:
    """Serves the role's app until SIGINT/SIGTERM, then closes the runtime. `serve` with
    `http.processes` >= 2 runs ingest processes beside this one (vitalscope/app/processes.py);
    with a companion (the demo's servers share the loop) it stays one process."""
    settings = runtime.settings
    count = process_count(settings.http.processes)
    stack_dump.enable()
    try:
        if runtime.role is Role.SERVE and companion is None and count > 1:
            from vitalscope.app.processes import serve_with_ingest_processes

            serve_with_ingest_processes(runtime, count)
            log.info("stopped cleanly")
            return
        sock = bind(settings.host, settings.port)
        url = local_url(sock)
        server = MainServer(build_asgi(runtime), settings.log_level,
                            edge_limits(settings.http), companion)
        # Only `serve` owns a data folder that CLI commands look for a server in.
        serving = (runtime.datadir.serving(url) if runtime.role is Role.SERVE
                   else contextlib.nullcontext())
        try:
            with serving:
                click.echo(f"Vitalscope {runtime.role} listening on {url}", err=True)
                tune_gc()
                server.run(sockets=[sock])
        finally:
            sock.close()
    finally:
        runtime.close()
    log.info("stopped cleanly")


def run(role: Role, config: Path | None, data: Path | None, host: str | None,
        port: int | None, processes: int | None = None) -> None:
    settings = load(config, data=data, host=host, port=port)
    if processes is not None:
        settings.http = settings.http.model_copy(update={"processes": processes})
    count = process_count(settings.http.processes)
    if role is Role.COLLECTOR and count > 1:
        from vitalscope.app.processes import collectors

        open_runtime(role, settings).close()  # storage and schema checked once, here
        collectors(settings, count)
        log.info("stopped cleanly")
        return
    serve_runtime(open_runtime(role, settings))


def _server_options(func: F) -> F:
    func = click.option("--port", type=int, default=None, help="Port (default 8000).")(func)
    func = click.option("--host", default=None, help="Address (default 127.0.0.1).")(func)
    return settings_options(func)


def _processes_option(func: F) -> F:
    return click.option(
        "--processes", type=click.IntRange(0, 256), default=None,
        help="Processes accepting connections on the port (http.processes; 0: one per "
        "core, 1: a single process).")(func)


@click.command()
@_server_options
@_processes_option
@user_errors
def serve(config: Path | None, data: Path | None, host: str | None, port: int | None,
          processes: int | None) -> None:
    """Run everything on embedded defaults: collector, dashboard, flusher, scheduler,
    alerting and synthetics; ingest in --processes processes sharing the port, beside the
    one holding the data folder."""
    run(Role.SERVE, config, data, host, port, processes)


@click.command()
@_server_options
@_processes_option
@user_errors
def collector(config: Path | None, data: Path | None, host: str | None,
              port: int | None, processes: int | None) -> None:
    """Run stateless collectors, --processes of them on one port (distributed mode:
    ClickHouse and Redis servers)."""
    run(Role.COLLECTOR, config, data, host, port, processes)


@click.command()
@_server_options
@user_errors
def worker(config: Path | None, data: Path | None, host: str | None, port: int | None) -> None:
    """Run a worker: flusher, scheduler, alerting and synthetics (distributed mode)."""
    run(Role.WORKER, config, data, host, port)


@click.command()
@_server_options
@user_errors
def dashboard(config: Path | None, data: Path | None, host: str | None,
              port: int | None) -> None:
    """Run a dashboard replica (distributed mode)."""
    run(Role.DASHBOARD, config, data, host, port)
