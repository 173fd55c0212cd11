"""`vitalscope serve` as a user runs it: a real subprocess on a real port."""

from __future__ import annotations

import json
import signal
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.support.serve import ServeProcess, clean_env, run_cli

ServeFactory = Callable[..., ServeProcess]


@pytest.fixture
def server(serve_factory: ServeFactory) -> ServeProcess:
    return serve_factory()


def test_serve_starts_empty_restarts_with_data_and_stops_on_sigterm(server: ServeProcess) -> None:
    server.start()
    assert httpx.get(server.url + "/healthz").json() == {"status": "ok"}
    ready = httpx.get(server.url + "/readyz").json()
    assert ready == {"ready": True, "checks": {"clickhouse": "ok", "redis": "ok", "queue": "ok"},
                     "queue": {"length": 0, "pending": 0, "oldest_age_s": 0.0,
                               "dead_letters": 0}}
    assert "Admin token (shown once" in server.logs()

    added = run_cli("sites", "add", "shop", "--origin", "https://shop.example",
                    "--data", str(server.data), "--json")
    assert added.returncode == 0, added.stderr
    credentials = json.loads(added.stdout)
    assert credentials["site"] == "shop" and credentials["key"].startswith("pk_")

    assert server.stop(signal.SIGTERM) == 0
    logs = server.logs()
    assert "stopped cleanly" in logs and "Traceback" not in logs
    assert not (server.data / "server.json").exists()

    server.start()
    listed = run_cli("sites", "list", "--data", str(server.data), "--json")
    assert [s["key"] for s in json.loads(listed.stdout)] == [credentials["key"]]
    assert "Admin token (shown once" not in server.logs().split("stopped cleanly")[-1]
    assert server.stop() == 0


def test_second_serve_on_the_same_folder_exits_with_a_clear_message(server: ServeProcess) -> None:
    server.start()
    second = run_cli("serve", "--data", str(server.data), "--port", "0", timeout=60)
    assert second.returncode != 0
    assert second.stderr.strip() == (
        f"error: data folder {server.data} is in use by another Vitalscope process; point "
        "VITALSCOPE_CLICKHOUSE_URL at a ClickHouse server to run several processes"
    )
    assert httpx.get(server.url + "/readyz").status_code == 200
    server.stop()


def test_sites_add_without_a_running_server_is_seen_by_the_next_one(
        tmp_path: Path, serve_factory: ServeFactory) -> None:
    data = tmp_path / "data"
    added = run_cli("sites", "add", "shop", "--origin", "https://shop.example",
                    "--data", str(data))
    assert added.returncode == 0, added.stderr
    key = added.stdout.strip().splitlines()[-1]
    assert key.startswith("pk_")
    server = serve_factory(data).start()
    listed = run_cli("sites", "list", "--data", str(data))
    assert key in listed.stdout and "https://shop.example" in listed.stdout
    again = run_cli("sites", "add", "shop", "--data", str(data))
    assert again.returncode == 1
    assert again.stderr.strip() == "error: site 'shop' already exists"
    bad = run_cli("sites", "add", "Bad Name", "--data", str(data))
    assert bad.returncode == 1 and "is not a site name" in bad.stderr
    server.stop()


def test_admin_api_needs_the_token(server: ServeProcess) -> None:
    server.start()
    assert httpx.get(server.url + "/admin/v1/sites").status_code == 401
    wrong = httpx.get(server.url + "/admin/v1/sites", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "http_401"
    ok = httpx.get(server.url + "/admin/v1/sites",
                   headers={"Authorization": f"Bearer {server.admin_token()}"})
    assert ok.status_code == 200 and ok.json() == []
    invalid = httpx.post(server.url + "/admin/v1/sites", json={"origins": "x"},
                         headers={"Authorization": f"Bearer {server.admin_token()}"})
    assert invalid.status_code == 422 and invalid.json()["field"] in ("name", "origins")
    server.stop()


def test_declared_sites_are_created_at_start(tmp_path: Path,
                                             serve_factory: ServeFactory) -> None:
    config = tmp_path / "vitalscope.yaml"
    config.write_text("sites:\n  - name: docs\n    origins: ['https://docs.example']\n")
    server = serve_factory(extra_args=["--config", str(config)]).start()
    assert "site docs created from configuration" in server.logs()
    listed = run_cli("sites", "list", "--data", str(server.data), "--json")
    assert json.loads(listed.stdout)[0]["origins"] == ["https://docs.example"]
    server.stop()


@pytest.mark.parametrize(
    ("env", "args", "expected"),
    [
        ({"VITALSCOPE_COLOUR": "1"}, [], "configuration error: VITALSCOPE_COLOUR: unknown setting"),
        ({"VITALSCOPE_PORT": "x"}, [], "configuration error: port (from VITALSCOPE_PORT): "
                                       "Input should be a valid integer"),
        ({"VITALSCOPE_CLICKHOUSE_URL": "http://admin:s3cret@127.0.0.1:9"}, [],
         "error: cannot reach ClickHouse at http://admin:***@127.0.0.1:9: Connection refused"),
        ({}, ["--port", "99999"], "configuration error: port: Input should be less than"),
    ],
)
def test_bad_configuration_is_one_clear_line(tmp_path: Path, env: dict[str, str],
                                             args: list[str], expected: str) -> None:
    result = run_cli("serve", "--data", str(tmp_path / "data"), *args, env=clean_env(**env))
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(expected)
    assert "Traceback" not in result.stderr and "s3cret" not in result.stderr


def test_distributed_roles_refuse_embedded_storage(tmp_path: Path) -> None:
    result = run_cli("collector", "--data", str(tmp_path / "data"))
    assert result.returncode == 1
    assert "needs a ClickHouse server" in result.stderr


def test_help_everywhere() -> None:
    for command in (["--help"], ["serve", "--help"], ["sites", "add", "--help"],
                    ["migrate", "--help"], ["config", "reference", "--help"]):
        result = run_cli(*command)
        assert result.returncode == 0 and "Usage:" in result.stdout
