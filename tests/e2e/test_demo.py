"""`vitalscope demo` in its short mode, as a newcomer runs it: the dashboard's API shows the
demo site's vitals and the failing check with its screenshot, and the sink got a signed
alert."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.ports import free_port
from tests.support.serve import VITALSCOPE, clean_env

pytestmark = pytest.mark.browser


class Demo:
    def __init__(self, data: Path, port: int, log: Path) -> None:
        self.data, self.port, self.log = data, port, log
        self.url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, *args: str) -> Demo:
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                [*VITALSCOPE, "demo", "--data", str(self.data), "--port", str(self.port),
                 *args], stdout=out, stderr=subprocess.STDOUT, env=clean_env())
        return self

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(self, what: Callable[[], Any], timeout: float, message: str) -> Any:
        deadline = time.monotonic() + timeout
        last: Any = None
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(f"demo exited with {self.process.returncode}:\n"
                                     f"{self.output()}")
            try:
                last = what()
                if last:
                    return last
            except (httpx.HTTPError, KeyError, IndexError, ValueError):
                pass
            time.sleep(1)
        raise AssertionError(f"{message} (last: {last!r}):\n{self.output()[-3000:]}")

    def api(self, path: str, **params: str) -> Any:
        token = (self.data / "secrets" / "admin-token").read_text().strip()
        response = httpx.get(self.url + path, params=params, timeout=10,
                             headers={"Authorization": f"Bearer {token}"})
        response.raise_for_status()
        return response.json() if "json" in response.headers.get("content-type", "") \
            else response

    def stop(self) -> int:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise AssertionError("demo did not stop on Ctrl-C:\n" + self.output()) \
                    from None
        return int(self.process.returncode)


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Demo]:
    running = Demo(tmp_path / "data", free_port(), tmp_path / "demo.log")
    yield running
    if running.process is not None and running.process.poll() is None:
        running.process.kill()
        running.process.wait()


def _signature_ok(secret: str, headers: dict[str, str], body: str) -> bool:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.{body}".encode()
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return f"v1,{expected}" in headers["webhook-signature"].split()


def test_demo_shows_the_whole_product_and_runs_again(demo: Demo) -> None:
    demo.start("--duration", "300", "--visits", "1", "--check-interval", "10")
    banner = demo.wait_for(lambda: re.search(r"Webhook sink\s+(http://\S+)/hooks/vitalscope",
                                             demo.output()), 60, "no banner")
    sink = banner.group(1)
    assert "login token:" in demo.output()

    def vitals_by_metric() -> dict[str, Any] | None:
        overview = demo.api("/api/v1/overview", site="demo-shop", range="1h")
        metrics = {m["metric"]: m for m in overview["metrics"]}
        return metrics if metrics.get("LCP", {}).get("samples") else None

    metrics = demo.wait_for(vitals_by_metric, 120, "no real-user vitals for the demo site")
    assert metrics["LCP"]["p75"] > 0
    assert metrics["TTFB"]["samples"] > 0
    # The slow "Add to cart" handler (260 ms) is what the INP panel shows.
    inp = demo.wait_for(lambda: (m := vitals_by_metric()) and m["INP"]["samples"] >= 3 and m,
                        60, "no INP of the slow add-to-cart clicks")["INP"]
    assert inp["p75"] >= 200

    def failed_check() -> Any:
        grid = demo.api("/api/v1/synthetics/checks", site="demo-shop", range="1h")
        rows = {row["check"]: row for row in grid["checks"]}
        return rows if rows.get("shop-gift-cards", {}).get("last_status") == "failed" \
            and rows.get("shop-checkout", {}).get("last_status") == "passed" else None

    demo.wait_for(failed_check, 90, "the demo checks did not both run")
    runs = demo.api("/api/v1/synthetics/checks/shop-gift-cards/runs", site="demo-shop",
                    range="1h")["runs"]
    failed = next(r for r in runs if r["status"] == "failed")
    screenshot = demo.api(failed["screenshot_url"])
    assert screenshot.headers["content-type"] == "image/png"
    assert screenshot.content.startswith(b"\x89PNG")

    received = demo.wait_for(lambda: httpx.get(sink + "/received").json()["received"], 60,
                             "the sink received no alert")
    secret = (demo.data / "secrets" / "demo-webhook-secret").read_text().strip()
    assert all(_signature_ok(secret, r["headers"], r["body"]) for r in received)
    rules = {a["rule"] for r in received for a in r["payload"]["alerts"]}
    assert "demo-synthetic" in rules
    assert "signature ok" in demo.output()

    assert demo.stop() == 0
    first_output = demo.output()
    assert "Traceback" not in first_output, _around_traceback(first_output)

    # Again on the same folder: nothing is created twice, and it starts and stops cleanly.
    demo.start("--duration", "5", "--visits", "0")
    assert demo.process is not None
    assert demo.process.wait(120) == 0
    second_output = demo.output()[len(first_output):]
    assert "site demo-shop created" not in second_output
    assert "Vitalscope demo is running" in second_output
    assert "Traceback" not in second_output, _around_traceback(second_output)


def _around_traceback(output: str) -> str:
    at = output.find("Traceback")
    return output[max(0, at - 300):at + 3000]
