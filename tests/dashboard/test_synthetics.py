"""The synthetics page and /api/v1/synthetics against a real `vitalscope serve` whose data
folder holds synthetic runs and their screenshot files (tests/support/synthetics_seed.py),
in real Chromium and over HTTP: numbers, screenshots, login, refused traversal."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.dashboard.conftest import ARTIFACTS
from tests.support import forked
from tests.support.browser import chromium, console_errors, csp_violations, wait_for_js
from tests.support.serve import ServeProcess, clean_env


@dataclass
class Synth:
    server: ServeProcess
    expected: dict[str, Any]

    @property
    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.server.admin_token()}"}

    def get(self, path: str, **params: Any) -> httpx.Response:
        return httpx.get(self.server.url + path, params=params, headers=self.bearer)


@pytest.fixture(scope="module")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Synth]:
    tmp = tmp_path_factory.mktemp("synthetics-page")
    data, config, out = tmp / "data", tmp / "vitalscope.yaml", tmp / "expected.json"
    seeded = forked.run(["-m", "tests.support.synthetics_seed", "--data", str(data),
                         "--config", str(config), "--out", str(out)],
                        env=clean_env(), timeout=120)
    assert seeded.returncode == 0, seeded.stderr
    server = ServeProcess(data, env=clean_env(VITALSCOPE_CONFIG=str(config),
                                              VITALSCOPE_DASHBOARD__REFRESH_S="2")).start()
    yield Synth(server, json.loads(out.read_text()))
    assert server.stop() == 0
    assert "Traceback" not in server.logs(), server.logs()


ENDPOINTS = ["/api/v1/synthetics/checks?site=shop",
             "/api/v1/synthetics/checks/login/runs?site=shop",
             "/api/v1/synthetics/checks/login/runs/login-1",
             "/api/v1/synthetics/checks/login/step-timings?site=shop",
             "/api/v1/synthetics/checks/login/lab-vs-field?site=shop",
             "/api/v1/synthetics/checks/login/runs/login-1/screenshot"]


def test_every_endpoint_needs_login(synth: Synth) -> None:
    for path in ENDPOINTS:
        assert httpx.get(synth.server.url + path).status_code == 401, path
        wrong = httpx.get(synth.server.url + path, headers={"Authorization": "Bearer no"})
        assert wrong.status_code == 401, path
        assert httpx.get(synth.server.url + path, headers=synth.bearer).status_code == 200, path
    schema = synth.get("/api/openapi.json").json()
    assert {"/api/v1/synthetics/checks", "/api/v1/synthetics/checks/{check}/runs",
            "/api/v1/synthetics/checks/{check}/runs/{run_id}/{kind}"} <= set(schema["paths"])


def test_status_grid_has_last_result_flake_rate_and_p75_duration(synth: Synth) -> None:
    data = synth.get("/api/v1/synthetics/checks", site="shop", range="1h").json()
    grid = {c["check"]: c for c in data["checks"]}
    assert set(grid) == {"checkout", "login", "search", "tampered"}
    assert data["other_sites"] == ["blog-home"] and data["configured"] == 4
    checkout = grid["checkout"]
    assert (checkout["last_status"], checkout["runs"], checkout["flake_rate"],
            checkout["failure_rate"]) == ("passed", 4, 0.25, 0.0)
    assert checkout["p75_duration_ms"] == pytest.approx(synth.expected["checkout_p75_ms"])
    login = grid["login"]
    assert (login["last_status"], login["runs"], login["failure_rate"], login["last_error"]) \
        == ("failed", 2, 0.5, "locator #login not found")
    assert grid["search"]["runs"] == 0 and grid["search"]["last_status"] is None
    assert grid["tampered"]["configured"] is False
    blog = synth.get("/api/v1/synthetics/checks", site="blog", range="1h").json()
    assert {c["check"] for c in blog["checks"]} == {"blog-home", "tampered"}
    assert synth.get("/api/v1/synthetics/checks", site="nope").status_code == 404
    bad = synth.get("/api/v1/synthetics/checks/login/runs", site="shop", range="custom",
                    **{"from": "yesterday", "to": "now"})
    # The parameter's pattern (in the schema) refuses it, as every query parameter's check.
    assert bad.status_code == 422 and bad.json()["field"] == "query.from"


def test_run_history_steps_and_the_failure_screenshot(synth: Synth) -> None:
    runs = synth.get("/api/v1/synthetics/checks/login/runs", site="shop").json()["runs"]
    assert [(r["run_id"], r["status"], r["attempts"]) for r in runs] == \
        [("login-1", "failed", 2), ("login-0", "passed", 1)]
    failed = runs[0]
    assert failed["error"] == "locator #login not found" and failed["failed_step"] == 2
    assert failed["console_errors"] == ["login: widget failed"]
    assert runs[1]["screenshot_url"] is None
    shot = httpx.get(synth.server.url + failed["screenshot_url"], headers=synth.bearer)
    assert shot.status_code == 200 and shot.headers["content-type"] == "image/png"
    assert shot.content.startswith(b"\x89PNG") and len(shot.content) == \
        synth.expected["png_bytes"]
    trace = httpx.get(synth.server.url + failed["trace_url"], headers=synth.bearer)
    assert trace.status_code == 200 and trace.headers["content-type"] == "application/zip"
    assert "attachment" in trace.headers["content-disposition"]
    detail = synth.get("/api/v1/synthetics/checks/login/runs/login-1").json()
    assert [(s["attempt"], s["step"], s["status"]) for s in detail["steps"]] == \
        [(1, 1, "passed"), (1, 2, "failed"), (2, 1, "passed"), (2, 2, "failed")]
    assert synth.get("/api/v1/synthetics/checks/login/runs/nope").status_code == 404
    # A custom range ends where `to` says: the failed run 5 minutes ago is after it.
    now = datetime.now(UTC)
    earlier = synth.get("/api/v1/synthetics/checks/login/runs", site="shop", range="custom",
                        **{"from": (now - timedelta(hours=2)).isoformat(),
                           "to": (now - timedelta(minutes=20)).isoformat()}).json()
    assert [r["run_id"] for r in earlier["runs"]] == ["login-0"]
    table = synth.get("/api/v1/synthetics/checks/login/runs", site="shop", format="csv")
    assert table.headers["content-type"].startswith("text/csv")
    assert [row["status"] for row in csv.DictReader(io.StringIO(table.text))] == \
        ["failed", "passed"]
    # A stored path leading out of the artifacts folder gets no link.
    tampered = synth.get("/api/v1/synthetics/checks/tampered/runs", site="shop").json()
    assert tampered["runs"][0]["screenshot"] == "../leak.png"
    assert tampered["runs"][0]["screenshot_url"] is None
    flaky = synth.get("/api/v1/synthetics/checks/checkout/runs", site="shop").json()["runs"]
    assert [r["status"] for r in flaky] == ["passed", "passed", "flaky", "passed"]


def test_step_timings_and_lab_against_field(synth: Synth) -> None:
    timings = synth.get("/api/v1/synthetics/checks/checkout/step-timings", site="shop",
                        range="1h").json()
    assert timings["bucket_s"] == 60
    assert [(s["step"], s["name"]) for s in timings["steps"]] == [(1, "open home"),
                                                                  (2, "add to cart")]
    assert sum(p["samples"] for p in timings["steps"][0]["points"]) == 5  # flaky: 2 attempts
    assert {p["p75_duration_ms"] for p in timings["steps"][1]["points"]} == {250.0}
    lab = synth.get("/api/v1/synthetics/checks/checkout/lab-vs-field", site="shop",
                    range="1h").json()
    assert lab["field_site"] == "shop"
    rows = {f"{r['page_group']} {r['metric']}": r for r in lab["rows"]}
    assert {k: r["lab_p75"] for k, r in rows.items()} == synth.expected["lab"]
    for key, row in rows.items():
        low, high = synth.expected["field"][key]
        assert low <= row["field_p75"] <= high, (key, row["field_p75"], low, high)
        assert row["field_samples"] == 40
    # Field numbers are the Pages page's numbers for the same group and window.
    detail = synth.get("/api/v1/pages/detail", site="shop", range="1h",
                       page_group="/product/:id").json()
    pages_p75 = {m["metric"]: m["p75"] for m in detail["metrics"]}
    assert rows["/product/:id LCP"]["field_p75"] == pages_p75["LCP"]
    assert rows["/product/:id LCP"]["lab_rating"] == "needs-improvement"


@pytest.mark.parametrize("path", [
    "/api/v1/synthetics/checks/login/runs/..%2F..%2Fsecrets%2Fadmin-token/screenshot",
    "/api/v1/synthetics/checks/login/runs/login-1%2F..%2F..%2F..%2Fleak.png/screenshot",
    "/api/v1/synthetics/checks/..%2Flogin/runs/login-1/screenshot",
    "/api/v1/synthetics/checks/login/runs/..%252F..%252Fleak/screenshot",
    "/api/v1/synthetics/checks/login/runs/login-1/..%2F..%2Fsecrets",
    "/api/v1/synthetics/checks/login/runs/login-1/passwd",
    "/api/v1/synthetics/checks/tampered/runs/tampered-0/screenshot",
    "/api/v1/synthetics/checks/login/runs/login-0/screenshot",
])
def test_screenshot_route_refuses_traversal(synth: Synth, path: str) -> None:
    answer = httpx.get(synth.server.url + path, headers=synth.bearer)
    assert 400 <= answer.status_code < 500, (path, answer.status_code)
    assert not answer.content.startswith(b"\x89PNG")
    assert synth.server.admin_token() not in answer.text


def test_synthetics_page_in_chromium(synth: Synth) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        errors = console_errors(page)
        violations = csp_violations(page)
        images: list[tuple[int, str]] = []
        page.on("response", lambda r: images.append((r.status, r.headers.get("content-type",
                                                                             "")))
                if r.url.endswith("/screenshot") else None)
        page.goto(synth.server.url + "/dashboard/synthetics?site=shop&range=1h")
        page.fill("#token", synth.server.admin_token())
        page.click("button[type=submit]")
        page.wait_for_selector("#synth-grid")
        assert page.inner_text("#status-login") == "failed"
        assert page.inner_text("#status-checkout") == "passed"
        assert page.inner_text("#flake-checkout") == "25 %"
        assert page.inner_text("#status-search") == "no runs yet"
        # The failed check is picked first: its history with the failure screenshot.
        page.wait_for_selector("#synth-runs img.vs-thumb")
        wait_for_js(page, "[...document.querySelectorAll('#synth-runs img.vs-thumb')]"
                          ".every(i => i.complete && i.naturalWidth === 48)")
        assert (200, "image/png") in images
        assert "locator #login not found" in page.inner_text("#synth-runs")
        page.wait_for_selector("#synth-steps")
        page.screenshot(path=str(ARTIFACTS / "synthetics.png"), full_page=True)
        page.click("#synth-grid >> text=checkout")
        page.wait_for_url(re.compile(r".*check=checkout.*"))
        page.wait_for_selector("#synth-title:has-text('checkout')")
        page.wait_for_selector("#synth-lab-field")
        assert "flaky" in page.inner_text("#synth-runs")
        page.wait_for_selector("#synth-step-timings")
        # Live refresh (every 2 s) keeps the selection.
        page.wait_for_timeout(2500)
        assert "check=checkout" in page.url and page.locator("#synth-lab-field").count() == 1
        page.goto(synth.server.url + "/dashboard/synthetics?site=shop&range=1h&check=search")
        page.wait_for_selector("text=No runs of search in this range yet")
        page.goto(synth.server.url + "/dashboard/synthetics?site=shop&range=1h&check=tampered")
        page.wait_for_selector("#synth-runs >> text=no longer here")
        page.goto(synth.server.url + "/dashboard/synthetics?site=shop&check=..%2Fx")
        page.wait_for_selector(".vs-error:has-text('check')")
        assert errors == []
        assert violations == []
        context.close()
        browser.close()
