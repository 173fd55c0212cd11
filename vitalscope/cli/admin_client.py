"""Talking to a running `vitalscope serve` that holds the data folder."""

from __future__ import annotations

import time
from typing import Any

import httpx

from vitalscope.datadir import DataDir, DataDirInUse
from vitalscope.runtime import ADMIN_TOKEN_SECRET

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
