"""A seeded `vitalscope serve` per test module: the data folder is seeded by a subprocess
(chDB allows one process per folder) before serve starts on it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support import forked
from tests.support.serve import ServeProcess, clean_env

ARTIFACTS = Path(__file__).parents[2] / "test-artifacts" / "dashboard"


@dataclass
class Seeded:
    server: ServeProcess
    expected: dict[str, Any]

    @property
    def token(self) -> str:
        return self.server.admin_token()

    @property
    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def start_seeded(tmp: Path, *seed_args: str, seeder: str = "tests.support.rum_seed",
                 **env: str) -> Seeded:
    data, out = tmp / "data", tmp / "expected.json"
    seeded = forked.run(["-m", seeder, "--data", str(data), "--out", str(out), *seed_args],
                        env=clean_env(), timeout=120)
    assert seeded.returncode == 0, seeded.stderr
    server = ServeProcess(data, env=clean_env(**env)).start()
    return Seeded(server, json.loads(out.read_text()))


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    state = start_seeded(tmp_path_factory.mktemp("dashboard"),
                         VITALSCOPE_DASHBOARD__REFRESH_S="2")
    yield state
    assert state.server.stop() == 0
    assert "Traceback" not in state.server.logs(), state.server.logs()
