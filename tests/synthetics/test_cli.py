"""`vitalscope synthetics list|run` as a user runs them: without a server (the browser runs in
the command) and while `serve` holds the data folder (the server runs the check)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from tests.support.serve import ServeProcess, run_cli
from tests.synthetics.checks import checkout
from tests.synthetics.shop import Shop


@pytest.fixture(scope="module")
def config(shop: Shop, tmp_path_factory: pytest.TempPathFactory) -> Path:
    broken = {"name": "broken", "base_url": shop.url, "retries": 0, "timeout_s": 5,
              "tags": ["ci"],
              "steps": [{"goto": "/"}, {"click": {"selector": "#gone", "timeout_s": 1}}]}
    path = tmp_path_factory.mktemp("config") / "vitalscope.yaml"
    # No scheduled runs here: only the runs the tests ask for.
    path.write_text(yaml.safe_dump({"synthetics": {
        "enabled": False, "checks": [checkout(shop, retries=0), broken]}}))
    return path


@pytest.fixture(scope="module")
def server(config: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    process = ServeProcess(tmp_path_factory.mktemp("serve") / "data",
                           extra_args=["--config", str(config)]).start()
    yield process
    process.stop()


def test_list_shows_the_checks(config: Path) -> None:
    done = run_cli("synthetics", "list", "--config", str(config))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("checkout") and "15 steps" in lines[0]
    assert lines[1].startswith("broken") and "[ci]" in lines[1] and "0 retries" in lines[1]


def test_invalid_check_is_refused_with_its_name_and_step(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("synthetics:\n  checks:\n    - name: shop\n      steps:\n"
                   "        - goto: https://shop.example/\n        - fill: {selector: '#q'}\n")
    done = run_cli("synthetics", "list", "--config", str(bad))
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"configuration error: synthetics.checks[0].steps[1] (in {bad}): "
        "check 'shop', step 2 (fill): fill needs value")


def test_run_without_a_server_exit_codes(config: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    passed = run_cli("synthetics", "run", "checkout", "--config", str(config), "--data",
                     str(data))
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "ok    1. goto /" in passed.stdout
    assert passed.stdout.count(" ms\n") >= 15
    assert "checkout: passed in" in passed.stdout.splitlines()[-1]

    failed = run_cli("synthetics", "run", "broken", "--config", str(config), "--data",
                     str(data))
    assert failed.returncode == 1
    assert "FAIL  2. click #gone" in failed.stdout
    assert "broken: failed in" in failed.stdout
    screenshot = next(line.split(": ", 1)[1] for line in failed.stdout.splitlines()
                      if line.strip().startswith("screenshot:"))
    assert Path(screenshot).is_file() and Path(screenshot).is_relative_to(data)

    unknown = run_cli("synthetics", "run", "nope", "--config", str(config), "--data",
                      str(data))
    assert unknown.returncode == 2
    assert unknown.stderr.strip() == "error: no check named 'nope' (checks: checkout, broken)"


def test_run_while_serve_holds_the_folder(server: ServeProcess, config: Path) -> None:
    passed = run_cli("synthetics", "run", "checkout", "--json", "--config", str(config),
                     "--data", str(server.data))
    assert passed.returncode == 0, passed.stderr
    result = json.loads(passed.stdout)
    assert result["status"] == "passed" and result["trigger"] == "manual"
    assert len(result["attempts"][0]["steps"]) == 15

    failed = run_cli("synthetics", "run", "broken", "--config", str(config), "--data",
                     str(server.data))
    assert failed.returncode == 1, failed.stderr
    assert "broken: failed" in failed.stdout
    trace = next(line.split(": ", 1)[1] for line in failed.stdout.splitlines()
                 if line.strip().startswith("trace:"))
    # The server ran it: the artifacts are in the server's data folder.
    assert Path(trace).is_file() and Path(trace).is_relative_to(server.data)


def test_admin_api_refuses_unknown_checks_and_missing_tokens(server: ServeProcess) -> None:
    url = f"{server.url}/admin/v1/synthetics/checks"
    headers = {"Authorization": f"Bearer {server.admin_token()}"}
    unknown = httpx.post(f"{url}/nope/run", headers=headers, timeout=10)
    assert unknown.status_code == 404
    assert unknown.json()["message"] == "no check named 'nope' in the server's configuration"
    assert httpx.post(f"{url}/checkout/run", timeout=10).status_code == 401
    listed = httpx.get(url, headers=headers, timeout=10).json()
    assert [c["name"] for c in listed] == ["checkout", "broken"]
