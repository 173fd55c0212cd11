"""The Alerts page in real Chromium and /api/v1/alerts against a real `vitalscope serve`
whose data folder holds alert state, history and delivery attempts written by the alerting
code itself (tests/support/alerts_seed.py). The evaluator is off in this serve so the seeded
alerts stay as seeded; silences go through the same store the admin API and CLI use."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import yaml
from playwright.sync_api import Browser, Page, Route

from tests.dashboard.conftest import ARTIFACTS
from tests.support import forked
from tests.support.alerts_seed import DEAD_ID, WEBHOOK_ID
from tests.support.browser import chromium, console_errors, csp_violations, wait_for_js
from tests.support.serve import ServeProcess, clean_env, run_cli

pytestmark = pytest.mark.browser
SECRET = "s" * 32
CONFIG = {
    "alerting": {
        "enabled": False,
        "receivers": [{"name": "ops-hook", "url": "http://127.0.0.1:9/hook", "secrets": [SECRET]},
                      {"name": "old-hook", "url": "http://127.0.0.1:9/old"}],
        "rules": [
            {"name": "shop-lcp-regression", "kind": "regression", "site": "shop",
             "metric": "LCP", "window": "30m", "severity": "critical"},
            {"name": "checkout-lcp", "kind": "threshold", "site": "shop", "metric": "LCP",
             "value": 2500, "window": "5m", "for": "10m",
             "segment": {"page_group": "/checkout"}},
            {"name": "shop-errors", "kind": "error_rate", "site": "shop", "window": "15m"},
        ]}}


@dataclass
class AlertServer:
    server: ServeProcess
    config: Path

    @property
    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.server.admin_token()}"}

    def api(self, path: str, **params: str) -> httpx.Response:
        return httpx.get(f"{self.server.url}/api/v1/alerts{path}", params=params,
                         headers=self.bearer, timeout=20)

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run_cli("alerts", *args, "--config", str(self.config), "--data",
                       str(self.server.data))


@pytest.fixture(scope="module")
def alert_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AlertServer]:
    tmp = tmp_path_factory.mktemp("alerts-page")
    config = tmp / "vitalscope.yaml"
    config.write_text(yaml.safe_dump(CONFIG))
    seeded = forked.run(["-m", "tests.support.alerts_seed", "--config", str(config),
                         "--data", str(tmp / "data")], env=clean_env(), timeout=120)
    assert seeded.returncode == 0, seeded.stderr
    server = ServeProcess(tmp / "data", env=clean_env(VITALSCOPE_DASHBOARD__REFRESH_S="2"),
                          extra_args=["--config", str(config)]).start()
    yield AlertServer(server, config)
    assert server.stop() == 0
    assert "Traceback" not in server.logs(), server.logs()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@pytest.fixture
def page(browser: Browser, alert_server: AlertServer) -> Iterator[Page]:
    # A browser claiming to be someone: the login guard decides who is signed in.
    context = browser.new_context(viewport={"width": 1500, "height": 1100},
                                  extra_http_headers={"X-Vitalscope-User": "mallory"})
    page = context.new_page()
    errors = console_errors(page)
    violations = csp_violations(page)
    page.goto(alert_server.server.url + "/dashboard/alerts?site=shop&range=24h")
    assert "/login?next=" in page.url
    page.fill("#token", alert_server.server.admin_token())
    page.click("button[type=submit]")
    page.wait_for_selector("#al-active td")
    yield page
    assert errors == []
    assert violations == []
    context.close()


def row_texts(page: Page, selector: str) -> list[str]:
    return [" | ".join(r.locator("td").all_inner_texts())
            for r in page.locator(f"{selector} tbody tr").all()
            if r.locator("td").count()]


def test_page_shows_alerts_history_rules_and_deliveries(page: Page) -> None:
    assert "site=shop" in page.url and "range=24h" in page.url
    active = row_texts(page, "#al-active")
    assert len(active) == 2, active
    firing, pending = active
    for shown in ("firing", "shop-lcp-regression", "3.55 s", "+42.0%", "3.2e-05",
                  "page_group=/checkout +61%", "release=v2.3.1 +36%", "site=shop"):
        assert shown in firing, (shown, firing)
    assert pending.startswith("pending | checkout-lcp") and "4.10 s" in pending
    history = row_texts(page, "#al-history")
    states = [(r.split(" | ")[1], r.split(" | ")[2]) for r in history]
    assert sorted(states) == sorted([("shop-errors", "firing"), ("shop-errors", "resolved"),
                                     ("shop-lcp-regression", "firing"),
                                     ("checkout-lcp", "pending")]), history
    rules = {r.split(" | ")[0]: r for r in row_texts(page, "#al-rules")}
    assert set(rules) == {"shop-lcp-regression", "checkout-lcp", "shop-errors"}
    assert rules["shop-lcp-regression"].endswith("critical | firing")
    assert "p75 LCP > 2500 over 5m, page_group=/checkout" in rules["checkout-lcp"]
    assert rules["checkout-lcp"].endswith("pending") and rules["shop-errors"].endswith("ok")
    attempts = row_texts(page, "#al-deliveries")
    assert any(WEBHOOK_ID in a and "retry | 503 | 42 ms" in a for a in attempts), attempts
    assert any(WEBHOOK_ID in a and "delivered | 200 | 12 ms" in a for a in attempts)
    assert any(DEAD_ID in d for d in row_texts(page, "#al-dead"))
    receivers = row_texts(page, "#al-receivers")
    assert "old-hook | webhook | 0 | disabled: HTTP 410 Gone" in receivers, receivers
    assert "ops-hook | webhook | 1 | enabled" in receivers
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "alerts.png"), full_page=True)
    # A shorter range drops the older state changes from the history.
    page.click("label:has-text('1h')")
    page.wait_for_url(re.compile(r".*range=1h.*"))
    wait_for_js(page, "document.querySelectorAll('#al-history tbody tr td').length "
                      "&& document.querySelectorAll('#al-history tbody tr').length < 4")
    assert {r.split(" | ")[1] for r in row_texts(page, "#al-history")} == {
        "shop-lcp-regression", "checkout-lcp"}


def test_silence_made_on_the_page_is_the_api_and_cli_silence(
        page: Page, alert_server: AlertServer) -> None:
    page.fill("#al-matchers", "page_group=~/check(")
    page.click("#al-silence-add")
    page.wait_for_selector("#al-silence-msg:has-text('Not silenced')")
    assert "bad regular expression" in page.inner_text("#al-silence-msg")
    page.fill("#al-matchers", "rule=shop-lcp-regression\nsite=shop")
    page.fill("#al-duration", "90m")
    page.fill("#al-comment", "fix is deploying")
    page.click("#al-silence-add")
    page.wait_for_selector("#al-silence-msg:has-text('created until')")
    row = page.locator("#al-silences tbody tr", has_text="fix is deploying")
    assert row.locator("td").first.inner_text() == "active"
    assert "rule=shop-lcp-regression, site=shop" in row.inner_text()
    (made,) = alert_server.api("/silences").json()["silences"]
    assert made["matchers"] == ["rule=shop-lcp-regression", "site=shop"]
    assert made["state"] == "active" and made["comment"] == "fix is deploying"
    assert made["created_by"] == "admin (dashboard)"  # who signed in, not who claims to be
    assert 5390 <= made["ends_at"] - made["starts_at"] <= 5410
    listed = alert_server.cli("silence", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [s["id"] for s in json.loads(listed.stdout)] == [made["id"]]
    row.locator("button", has_text="Expire").click()
    page.wait_for_selector(f"#al-silence-msg:has-text('Silence {made['id']} expired')")
    assert page.locator("#al-silences tbody tr", has_text="fix is deploying").locator(
        "td").first.inner_text() == "expired"
    assert alert_server.api("/silences").json()["silences"][0]["state"] == "expired"


def test_live_refresh_shows_a_silence_made_elsewhere(page: Page,
                                                      alert_server: AlertServer) -> None:
    made = alert_server.cli("silence", "add", "--matcher", "rule=checkout-lcp",
                            "--duration", "1h", "--comment", "from the cli", "--json")
    assert made.returncode == 0, made.stderr
    page.fill("#al-comment", "typed, not sent")
    page.wait_for_selector("#al-silences tr:has-text('from the cli')", timeout=15000)
    # The refresh rewrote the tables, not the form being typed in.
    assert page.input_value("#al-comment") == "typed, not sent"


def test_api_answers_what_the_page_shows(alert_server: AlertServer) -> None:
    (firing, pending) = alert_server.api("").json()["alerts"]
    assert (firing["rule"], firing["state"], pending["state"]) == (
        "shop-lcp-regression", "firing", "pending")
    assert firing["effect_size"] == 0.42 and firing["p_value"] == 3.2e-05
    assert [c["value"] for c in firing["causes"]] == ["/checkout", "v2.3.1"]
    assert firing["value"] == 3550.0 and firing["since"].endswith("Z")
    history = alert_server.api("/history", range="24h").json()
    assert len(history["rows"]) == 4 and history["window"]["from"] < history["window"]["to"]
    assert history["rows"][0]["ts"] >= history["rows"][-1]["ts"]
    for key, value in (("rule", "shop-lcp-regression"), ("site", "shop")):
        only = alert_server.api("/history", range="24h", **{key: value}).json()["rows"]
        assert only == [r for r in history["rows"] if r[key] == value] and only
    assert alert_server.api("/history", rule="no-such-rule").json()["rows"] == []
    nope = alert_server.api("/history", site="nope")
    assert nope.status_code == 404, nope.text
    assert alert_server.api("/history", site="a b").json()["field"] == "query.site"
    rules = {r["name"]: r for r in alert_server.api("/rules").json()["rules"]}
    assert {n: r["state"] for n, r in rules.items()} == {
        "shop-lcp-regression": "firing", "checkout-lcp": "pending", "shop-errors": "ok"}
    assert rules["checkout-lcp"]["source"] == "config"
    found = alert_server.api("/deliveries", limit="2").json()
    assert [a["attempt"] for a in found["attempts"]] == [1, 2]  # latest first, limited
    assert found["attempts"][1]["notification_id"] == WEBHOOK_ID
    assert found["dead_letters"][0]["id"] == DEAD_ID and "body" not in found["dead_letters"][0]
    spec = httpx.get(alert_server.server.url + "/api/openapi.json", timeout=20).json()
    documented = (Path(__file__).parents[2] / "docs" / "api.md").read_text()
    served = sorted(p for p in spec["paths"] if p.startswith("/api/v1/alerts"))
    assert served == [f"/api/v1/alerts{p}" for p in ("", "/deliveries", "/history", "/rules",
                                                     "/silences")]
    for path in served:
        assert f"`GET {path}`" in documented, path


@pytest.mark.parametrize("path", ["", "/history", "/rules", "/silences", "/deliveries"])
def test_api_needs_a_login(alert_server: AlertServer, path: str) -> None:
    url = f"{alert_server.server.url}/api/v1/alerts{path}"
    assert httpx.get(url, timeout=20).status_code == 401
    assert httpx.get(url, headers={"Authorization": "Bearer wrong"},
                     timeout=20).status_code == 401


@pytest.mark.parametrize(("path", "params", "field"), [
    ("/history", {"range": "1y"}, "query.range"),
    ("/history", {"range": "custom", "from": "yesterday", "to": "2026-01-01"}, "query.from"),
    ("/history", {"range": "custom", "from": "2026-01-02", "to": "2026-01-01"}, "from"),
    ("/history", {"range": "custom"}, "range"),
    ("/history", {"limit": "0"}, "query.limit"),
    ("/history", {"limit": "1e99"}, "query.limit"),
    ("/history", {"from": "x" * 5000}, "query.from"),
    ("/deliveries", {"limit": "-1; DROP TABLE alert_deliveries"}, "query.limit"),
])
def test_api_refuses_hostile_input(alert_server: AlertServer, path: str,
                                   params: dict[str, str], field: str) -> None:
    answer = alert_server.api(path, **params)
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == field
    assert alert_server.api("/deliveries").json()["attempts"]  # still there


def test_an_expire_click_outlives_a_refresh_that_rewrites_the_buttons(
        page: Page, alert_server: AlertServer) -> None:
    """The click's request is held until the live refresh has re-rendered the table (a new
    silence made elsewhere changes it): the re-rendered buttons must not cancel the click."""
    first = alert_server.cli("silence", "add", "--matcher", "rule=shop-errors", "--duration",
                             "1h", "--comment", "expired while refreshed", "--json")
    assert first.returncode == 0, first.stderr
    silence_id = json.loads(first.stdout)["id"]
    row = page.locator("#al-silences tbody tr", has_text="expired while refreshed")
    row.wait_for(timeout=15000)
    held: list[Route] = []

    def hold_the_expire(route: Route) -> None:
        body = route.request.post_data or ""
        if not held and "al-expire" in body and "al-silence-msg" in body:
            held.append(route)
        else:
            route.continue_()

    page.route("**/_dash-update-component?*", hold_the_expire)
    row.locator("button", has_text="Expire").click()
    for _ in range(100):  # Playwright calls the handler only while one of its calls waits
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the click sent no expire request"
    second = alert_server.cli("silence", "add", "--matcher", "rule=checkout-lcp",
                              "--duration", "1h", "--comment", "made mid-click", "--json")
    assert second.returncode == 0, second.stderr
    page.wait_for_selector("#al-silences tr:has-text('made mid-click')", timeout=15000)
    held[0].continue_()
    page.wait_for_selector(f"#al-silence-msg:has-text('Silence {silence_id} expired')")
    page.unroute("**/_dash-update-component?*")
    states = {s["id"]: s["state"] for s in alert_server.api("/silences").json()["silences"]}
    assert states[silence_id] == "expired"
