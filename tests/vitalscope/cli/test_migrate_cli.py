"""`vitalscope migrate` on an embedded data folder: a fresh folder gets the whole schema (no
server ever ran on it), a second run has nothing to do, and serve then starts on it."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.support.serve import ServeProcess, run_cli
from vitalscope.storage.migrator import load_migrations


def test_a_fresh_folder_is_migrated_before_any_server_ran(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = run_cli("migrate", "--data", str(data))
    assert first.returncode == 0, first.stderr
    applied = [line for line in first.stdout.splitlines() if line.startswith("applied ")]
    assert applied == [f"applied {m.file_name}" for m in load_migrations()]
    again = run_cli("migrate", "--data", str(data))
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "Schema is up to date."
    server = ServeProcess(data).start()
    try:
        assert httpx.get(server.url + "/readyz", timeout=10).status_code == 200
        assert "applied migration" not in server.logs()
    finally:
        assert server.stop() == 0
