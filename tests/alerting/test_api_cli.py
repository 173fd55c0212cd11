"""The admin API and the `vitalscope alerts` commands, against a real `vitalscope serve`
(shared by the module) and without one."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from alerting.delivery.signing import verify
from tests.alerting.conftest import SECRET, Receiver
from tests.support.ports import free_port
from tests.support.serve import ServeProcess, run_cli

CONFIG_RULE = {"name": "shop-traffic", "kind": "traffic_drop", "site": "shop"}


def write_config(folder: Path, receiver_url: str) -> Path:
    path = folder / "vitalscope.yaml"
    path.write_text(yaml.safe_dump({"alerting": {
        "evaluation_interval": 1, "delivery_poll_interval": 0.2,
        "receivers": [{"name": "hook", "url": receiver_url + "/hook", "secrets": [SECRET]}],
        "allow_networks": ["127.0.0.1/32"],
        "rules": [CONFIG_RULE]}}))
    return path


@pytest.fixture(scope="module")
def module_receiver() -> Iterator[Receiver]:
    made = Receiver(free_port()).start()
    yield made
    made.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, module_receiver: Receiver
           ) -> Iterator[ServeProcess]:
    folder = tmp_path_factory.mktemp("alerts-serve")
    config = write_config(folder, module_receiver.url)
    process = ServeProcess(folder / "data", extra_args=["--config", str(config)]).start()
    yield process
    if process.process is not None and process.process.poll() is None:
        process.stop()


def _cli(server: ServeProcess, *args: str) -> tuple[int, str, str]:
    config = str(server.data.parent / "vitalscope.yaml")
    result = run_cli("alerts", *args, "--config", config, "--data", str(server.data))
    return result.returncode, result.stdout, result.stderr


def _admin(server: ServeProcess) -> httpx.Client:
    return httpx.Client(base_url=server.url + "/admin/v1/alerts", timeout=30,
                        headers={"Authorization": f"Bearer {server.admin_token()}"})


def test_rules_through_the_admin_api(server: ServeProcess) -> None:
    with _admin(server) as api:
        assert httpx.get(server.url + "/admin/v1/alerts/rules").status_code == 401
        assert [(r["name"], r["source"]) for r in api.get("/rules").json()] == [
            ("shop-traffic", "config")]
        bad = api.post("/rules", json={"name": "lcp", "kind": "threshold", "site": "shop",
                                       "metric": "LCP"})
        assert bad.status_code == 422
        assert bad.json()["message"] == "rule 'lcp': a threshold rule needs `value`"
        unknown = api.post("/rules", json={"name": "e", "kind": "error_rate", "site": "shop",
                                           "receivers": ["nope"]})
        assert unknown.status_code == 422 and "unknown receiver 'nope'" in unknown.text
        assert api.post("/rules", json=CONFIG_RULE).status_code == 409
        good = {"name": "lcp", "kind": "threshold", "site": "shop", "metric": "LCP",
                "value": 2500, "for": "2m"}
        created = api.post("/rules", json=good)
        assert created.status_code == 201 and created.json()["for"] == 120
        assert api.post("/rules", json=good).status_code == 409
        code, out, _ = _cli(server, "rules", "--json")
        assert code == 0
        assert [(r["name"], r["source"]) for r in json.loads(out)] == [
            ("shop-traffic", "config"), ("lcp", "api")]
        assert api.delete("/rules/lcp").status_code == 204
        assert api.delete("/rules/lcp").status_code == 404
        assert api.delete("/rules/shop-traffic").status_code == 409


def test_receivers_and_empty_reads_through_the_admin_api(server: ServeProcess) -> None:
    with _admin(server) as api:
        assert api.get("/receivers").json() == [
            {"name": "hook", "type": "webhook", "secrets": 1, "disabled": None}]
        assert api.post("/receivers/hook/enable").json() == {"receiver": "hook",
                                                             "was_disabled": False}
        assert api.post("/receivers/nope/enable").status_code == 404
        assert api.post("/receivers/nope/test").status_code == 404
        assert httpx.get(server.url + "/admin/v1/alerts", headers=api.headers).json() == []
        assert api.get("/history").json() == []
        assert api.get("/deadletter").json() == []
        assert api.get("/history", params={"limit": 0}).status_code == 422


def test_silences_from_the_cli_while_serve_runs(server: ServeProcess) -> None:
    code, out, err = _cli(server, "silence", "add", "-m", "site=shop", "-m", "rule=~lcp.*",
                          "--duration", "1h", "--comment", "deploy", "--json")
    assert code == 0, err
    made = json.loads(out)
    assert made["matchers"] == ["site=shop", "rule=~lcp.*"] and made["state"] == "active"
    assert made["ends_at"] - made["starts_at"] == 3600
    with _admin(server) as api:
        assert [s["id"] for s in api.get("/silences").json()] == [made["id"]]
    assert _cli(server, "silence", "expire", made["id"])[0] == 0
    code, out, _ = _cli(server, "silence", "list", "--json")
    assert [s["state"] for s in json.loads(out)] == ["expired"]
    code, _, err = _cli(server, "silence", "add", "-m", "site")
    assert code == 1 and err.strip().startswith("error: 'site' is not a matcher")
    with _admin(server) as api:
        missing = api.delete("/silences/nope")
    assert missing.status_code == 404 and missing.json()["message"] == "no silence 'nope'"


def test_receiver_test_through_serve_is_signed_and_logged(
        server: ServeProcess, module_receiver: Receiver) -> None:
    before = len(module_receiver.requests())
    code, out, err = _cli(server, "test", "hook")
    assert code == 0, err
    assert out.startswith("receiver hook: delivered, HTTP 200 in ")
    request = module_receiver.requests()[before]
    headers = {k.lower(): v for k, v in request["headers"].items()}
    assert verify(SECRET, headers, request["body"].encode(),
                  now=int(headers["webhook-timestamp"]))
    body = json.loads(request["body"])
    assert (body["type"], body["status"], body["alerts"]) == ("test", "test", [])
    with _admin(server) as api:
        deliveries = api.get("/deliveries", params={"receiver": "hook"}).json()
    assert [(d["notification_id"], d["outcome"], d["status_code"]) for d in deliveries] == [
        (headers["webhook-id"], "delivered", 200)]
    code, _, err = _cli(server, "test", "nope")
    assert code == 1 and err.strip() == "error: no receiver 'nope' (receivers: hook)"


def test_serve_runs_the_evaluator_and_stops_cleanly(server: ServeProcess) -> None:
    code, out, _ = _cli(server, "list", "--json")
    assert code == 0 and json.loads(out) == []  # no data: the traffic rule has no baseline
    assert server.stop(signal.SIGTERM) == 0
    logs = server.logs()
    assert "started alerting" in logs and "stopped alerting" in logs
    assert "Traceback" not in logs and "failed" not in logs


def test_receiver_test_without_a_running_server(tmp_path: Path, receiver: Receiver) -> None:
    config = write_config(tmp_path, receiver.url)
    result = run_cli("alerts", "test", "hook", "--json", "--config", str(config),
                     "--data", str(tmp_path / "data"))
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert (printed["outcome"], printed["status_code"]) == ("delivered", 200)
    assert receiver.requests()[0]["headers"]["webhook-id"] == printed["webhook_id"]
    receiver.answer(503)
    failed = run_cli("alerts", "test", "hook", "--config", str(config),
                     "--data", str(tmp_path / "data"))
    assert failed.returncode == 1
    assert "failed (a notification would be retried), HTTP 503 in" in failed.stdout
