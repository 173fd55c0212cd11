"""`vitalscope serve` (everything in one process) and the distributed roles."""

from __future__ import annotations

import contextlib
import logging
import signal
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click
import uvicorn

from vitalscope.cli.common import load, settings_options, user_errors
from vitalscope.runtime import Role, Runtime, StartupError
from vitalscope.server.app import build_asgi
from vitalscope.sites import SiteRepository
from vitalscope.storage.migrator import Migrator

log = logging.getLogger("vitalscope")
GRACEFUL_SHUTDOWN_S = 10
F = TypeVar("F", bound=Callable[..., Any])
HANDLED_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class _Server(uvicorn.Server):
    """uvicorn re-raises SIGTERM after its graceful shutdown, which would end the process
    before the runtime closes (Redis stopped, folder unlocked). Here a signal only starts
    the graceful shutdown, and the process then exits 0 on its own."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in HANDLED_SIGNALS}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise StartupError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def run(role: Role, config: Path | None, data: Path | None, host: str | None,
        port: int | None) -> None:
    settings = load(config, data=data, host=host, port=port)
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
        sock = _bind(settings.host, settings.port)
        bound_host, bound_port = sock.getsockname()[:2]
        wildcard = bound_host in ("0.0.0.0", "::")  # noqa: S104 - comparing, not binding
        url = f"http://{'127.0.0.1' if wildcard else bound_host}:{bound_port}"
        app = build_asgi(runtime)
        server = _Server(uvicorn.Config(
            app, log_config=None, access_log=False, lifespan="on", server_header=False,
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S, log_level=settings.log_level,
        ))
        if role is Role.SERVE:
            runtime.datadir.publish_server(url)
        click.echo(f"Vitalscope {role} listening on {url}", err=True)
        try:
            server.run(sockets=[sock])
        finally:
            runtime.datadir.unpublish_server()
            sock.close()
    finally:
        runtime.close()
    log.info("stopped cleanly")


def _server_options(func: F) -> F:
    func = click.option("--port", type=int, default=None, help="Port (default 8000).")(func)
    func = click.option("--host", default=None, help="Address (default 127.0.0.1).")(func)
    return settings_options(func)


@click.command()
@_server_options
@user_errors
def serve(config: Path | None, data: Path | None, host: str | None, port: int | None) -> None:
    """Run everything in one process on embedded defaults: collector, dashboard, flusher,
    scheduler, alerting and synthetics."""
    run(Role.SERVE, config, data, host, port)


@click.command()
@_server_options
@user_errors
def collector(config: Path | None, data: Path | None, host: str | None,
              port: int | None) -> None:
    """Run a stateless collector (distributed mode: ClickHouse and Redis servers)."""
    run(Role.COLLECTOR, config, data, host, port)


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
