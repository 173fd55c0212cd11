"""A real Alertmanager (Debian package `prometheus-alertmanager`, installed by
`scripts/setup.sh --dev`) on 127.0.0.1 for tests: a temporary configuration with a short
`resolve_timeout`, clustering off, and its v2 API to read back what it holds."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.ports import free_port

BINARY = "prometheus-alertmanager"
RESOLVE_TIMEOUT_S = 5
CONFIG = f"""\
global:
  resolve_timeout: {RESOLVE_TIMEOUT_S}s
route:
  receiver: nowhere
receivers:
  - name: nowhere
"""


@dataclass
class Alertmanager:
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def alerts(self) -> list[dict[str, Any]]:
        """What GET /api/v2/alerts lists: the alerts it holds that have not ended."""
        response = httpx.get(self.url + "/api/v2/alerts", timeout=5)
        response.raise_for_status()
        found: list[dict[str, Any]] = response.json()
        return found


def _ready(url: str) -> bool:
    try:
        return httpx.get(url + "/-/ready", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


@pytest.fixture
def alertmanager(tmp_path: Path) -> Iterator[Alertmanager]:
    binary = shutil.which(BINARY)
    assert binary, f"{BINARY} is missing: run scripts/setup.sh --dev"
    config = tmp_path / "alertmanager.yml"
    config.write_text(CONFIG)
    port = free_port()
    log = tmp_path / "alertmanager.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [binary, f"--config.file={config}", f"--storage.path={tmp_path / 'data'}",
             f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=",
             "--log.level=warn"], stdout=out, stderr=subprocess.STDOUT)
    manager = Alertmanager(port, process, log)
    try:
        deadline = time.monotonic() + 30
        while not _ready(manager.url):
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "Alertmanager did not get ready in 30 s"
            time.sleep(0.1)
        yield manager
    finally:
        process.terminate()
        process.wait(10)
