"""No Docker engine runs here: the compose file is checked against the code instead."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from vitalscope.app.cli.main import cli
from vitalscope.config import load_settings
from vitalscope.config.collector import CollectorSettings

ROOT = Path(__file__).parents[2]

# What `openssl rand -hex 16` prints: the token strength check accepts it.
STRONG_TOKEN = "3f9c1a7e5b2d8c4f6a0e9b1d7c3a5f2e"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert isinstance(data, dict)
    return data


def _vitalscope_services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: svc for name, svc in compose["services"].items()
            if svc.get("image") == "vitalscope:local"}


def test_official_images(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["clickhouse"]["image"].startswith("clickhouse/clickhouse-server:")
    assert services["redis"]["image"].startswith("redis:")
    assert "--appendonly" in services["redis"]["command"]


def test_redis_has_a_memory_bound_and_never_evicts(compose: dict[str, Any]) -> None:
    command = compose["services"]["redis"]["command"]
    assert command[command.index("--maxmemory-policy") + 1] == "noeviction"
    maxmemory = command[command.index("--maxmemory") + 1]
    assert maxmemory.endswith("mb")
    # Queued beacons alone never reach it (docs/collector.md, "Memory bounds").
    default = CollectorSettings().stream_max_bytes
    assert default <= int(maxmemory[:-2]) * 1024 * 1024 // 2


def test_every_role_is_a_real_command(compose: dict[str, Any]) -> None:
    roles = {name: svc["command"][0] for name, svc in _vitalscope_services(compose).items()}
    assert roles == {"migrate": "migrate", "collector": "collector", "worker": "worker",
                     "dashboard": "dashboard"}
    assert set(roles.values()) <= set(cli.commands)


def test_environment_is_valid_settings(compose: dict[str, Any],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    for name, svc in _vitalscope_services(compose).items():
        env = svc["environment"]
        for key, value in env.items():
            expanded = re.sub(r"\$\{(\w+)(?::[-?]([^}]*))?\}",
                              lambda m: STRONG_TOKEN if m.group(1).endswith("TOKEN") else
                              (m.group(2) or "x"), str(value))
            if key != "VITALSCOPE_CONFIG":
                monkeypatch.setenv(key, expanded)
        settings = load_settings()
        assert not settings.embedded_clickhouse, name
        assert not settings.embedded_redis, name
        assert settings.effective_clickhouse_url.startswith("http://vitalscope:")
        assert settings.effective_clickhouse_url.endswith("@clickhouse:8123")
        assert settings.redis_url is not None
        assert settings.redis_url.get_secret_value() == "redis://redis:6379/0"


def test_healthchecks_and_startup_order(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name in ("clickhouse", "redis", "collector", "worker", "dashboard"):
        assert services[name]["healthcheck"]["test"], name
    for name in ("collector", "worker", "dashboard"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["clickhouse"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
        port = services[name]["command"][services[name]["command"].index("--port") + 1]
        assert f"127.0.0.1:{port}/readyz" in " ".join(services[name]["healthcheck"]["test"])
        assert services[name]["command"][services[name]["command"].index("--host") + 1] \
            == "0.0.0.0"
    assert services["migrate"]["depends_on"]["clickhouse"]["condition"] == "service_healthy"


def test_ports_reach_the_listening_port(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name in ("collector", "dashboard"):
        port = services[name]["command"][services[name]["command"].index("--port") + 1]
        assert all(str(p).endswith(f":{port}") for p in services[name]["ports"])
    # Collectors scale: a host port range, never one fixed port.
    assert "-" in str(services["collector"]["ports"][0]).split(":")[0]


def test_dockerfile_runs_the_cli() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["vitalscope"]' in text
    assert "clickhouse/clickhouse-server" in (ROOT / "docker-compose.yml").read_text()
