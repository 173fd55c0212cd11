"""`vitalscope dev`: tools for tests and local development, never for production."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from types import FrameType

import click

from vitalscope.app.cli.common import fail, setup_logging


@click.group()
def dev() -> None:
    """Tools for tests and local development (not for production)."""


@dev.command("clickhouse-http")
@click.option("--path", "path", type=click.Path(path_type=Path, file_okay=False),
              required=True, help="chDB data folder (created if missing).")
@click.option("--port", type=int, default=8123, show_default=True, help="Port.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address.")
@click.option("--log-level", default="warning", show_default=True,
              type=click.Choice(["debug", "info", "warning", "error"]),
              help="Log level (debug logs every request).")
def clickhouse_http(path: Path, port: int, host: str, log_level: str) -> None:
    """Serve a chDB folder over the ClickHouse HTTP interface, FOR TESTS AND LOCAL
    DEVELOPMENT ONLY: the subset clickhouse-connect uses, every query serialised in this one
    process, no authentication, no TLS. It lets `vitalscope collector`, `worker` and
    `dashboard` processes share one database on one machine (scripts/dev-cluster.sh);
    production runs a ClickHouse server. Stops on SIGINT/SIGTERM."""
    setup_logging(log_level)
    try:
        # chDB's engine starts its thread pools when imported: only this command loads it,
        # so every other CLI call starts without it.
        from vitalscope.chhttp import ClickHouseHTTPServer

        server = ClickHouseHTTPServer(path, host, port)
    except OSError as exc:
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
    except RuntimeError as exc:
        fail(f"cannot open chDB at {path}: {str(exc).splitlines()[0][:300]}")

    def stop(signum: int, frame: FrameType | None) -> None:
        # shutdown() waits for serve_forever() to return, so it cannot run on its thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo(f"ClickHouse HTTP over chDB (development only) listening on {server.url}",
               err=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
