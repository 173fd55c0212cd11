"""Talking to a running `vitalscope serve` that holds the data folder."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import httpx

from vitalscope.app.cli.common import fail
from vitalscope.config import Settings
from vitalscope.datadir import DataDir, DataDirInUse
from vitalscope.runtime import ADMIN_TOKEN_SECRET, Role, Runtime

T = TypeVar("T")
WAIT_FOR_SERVER_S = 10.0


class AdminError(Exception):
    pass


class AdminClient:
    def __init__(self, url: str, token: str) -> None:
        self.url = url.rstrip("/")
        self.token = token

    @classmethod
    def for_running_server(cls, datadir: DataDir, token: str | None) -> AdminClient | None:
        """A client for the server holding the folder; None when nothing holds it. A folder
        held by a process that publishes no address (another CLI command, a server still
        starting) is waited for briefly, then reported as in use."""
        deadline = time.monotonic() + WAIT_FOR_SERVER_S
        while True:
            if not datadir.is_locked():
                return None
            info = datadir.running_server()
            if info is not None:
                secret = token or datadir.read_secret(ADMIN_TOKEN_SECRET)
                if not secret:
                    raise AdminError("the running server's admin token is not readable here")
                return cls(str(info["url"]), secret)
            if time.monotonic() > deadline:
                raise DataDirInUse(datadir.root)
            time.sleep(0.2)

    def request(self, method: str, path: str, timeout: float = 30.0, **kwargs: Any) -> Any:
        try:
            response = httpx.request(
                method, self.url + path, headers={"Authorization": f"Bearer {self.token}"},
                timeout=timeout, **kwargs,
            )
        except httpx.HTTPError as exc:
            raise AdminError(f"cannot reach the running server at {self.url}: {exc}") from None
        if response.status_code >= 400:
            try:
                message = response.json().get("message") or response.text
            except ValueError:
                message = response.text
            raise AdminError(str(message)[:300])
        return response.json() if response.content else None


def running_server(settings: Settings) -> AdminClient | None:
    """The admin client of the `serve` holding the embedded data folder, None when nothing
    holds it (or nothing is embedded: then every process reaches the servers directly)."""
    if not (settings.embedded_clickhouse or settings.embedded_redis):
        return None
    token = settings.admin_token.get_secret_value() if settings.admin_token else None
    return AdminClient.for_running_server(DataDir(settings.data_dir), token)


def call_server(client: AdminClient, call: Callable[[AdminClient], T]) -> T:
    try:
        return call(client)
    except AdminError as exc:
        fail(str(exc))


def run_against_state(settings: Settings, via_server: Callable[[AdminClient], T],
                      direct: Callable[[Runtime], T], *, redis: bool = False,
                      clickhouse: bool = True) -> T:
    """A command that reads or changes state: through the running server's admin API while
    `serve` holds the data folder, else on storage opened here (migrated when ClickHouse is
    opened, so a fresh folder works)."""
    client = running_server(settings)
    if client is not None:
        return call_server(client, via_server)
    runtime = Runtime.open(settings, Role.CLI, with_redis=redis, with_clickhouse=clickhouse,
                           migrate=clickhouse)
    try:
        return direct(runtime)
    finally:
        runtime.close()
