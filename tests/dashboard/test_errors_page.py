"""The Errors page in real Chromium: pages of a site whose minified bundle throws send their
errors through the SDK and the collector of a real `vitalscope serve`, the bundle's source
map is uploaded with the CLI for one release, and the dashboard lists the groups (sorted on
the server, markup in a message shown as text), opens a group's detail with the original
frame, says which release has no map; the Overview shows page views and the error rate and
the Pages drill-down the page's top errors."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page

from tests.dashboard.conftest import ARTIFACTS
from tests.support.browser import chromium, console_errors, csp_violations, wait_for_js
from tests.support.error_site import ORIGINAL_THROW, error_site, throw_on_pages
from tests.support.serve import ServeProcess, clean_env, run_cli

pytestmark = [pytest.mark.browser, pytest.mark.slow]
KEY = "pk_errors_page_shop_0001"
MESSAGE = "Cannot price <b>order</b> <n>: <n> items"


@dataclass
class ErrorsServer:
    server: ServeProcess
    origin: str
    group: dict[str, Any]  # the TypeError's group as the API lists it


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


def _poll(what: str, check: Any, timeout: float = 90.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (found := check()):
        assert time.monotonic() < deadline, f"no {what} within {timeout} s"
        time.sleep(0.3)
    return found


@pytest.fixture(scope="module")
def errors_server(browser: Browser, tmp_path_factory: pytest.TempPathFactory
                  ) -> Iterator[ErrorsServer]:
    tmp = tmp_path_factory.mktemp("errors-page")
    root = tmp / "www"
    with error_site(root) as origin:
        config = tmp / "vitalscope.yaml"
        config.write_text(json.dumps({
            "sites": [{"name": "shop", "origins": [origin], "key": KEY}],
            "collector": {"flush_interval_s": 0.2}}))
        server = ServeProcess(tmp / "data", extra_args=["--config", str(config)],
                              env=clean_env(VITALSCOPE_DASHBOARD__REFRESH_S="0")).start()
        try:
            throw_on_pages(browser, root, origin, server.url, KEY, ["r1", "r1", "r2"])
            uploaded = run_cli("sourcemaps", "upload", "--site", "shop", "--release", "r1",
                               "--url-prefix", f"{origin}/static/", str(root / "static"),
                               "--config", str(config), "--data", str(server.data))
            assert uploaded.returncode == 0, uploaded.stderr
            headers = {"Authorization": f"Bearer {server.admin_token()}"}

            def listed() -> dict[str, Any] | None:
                answer = httpx.get(f"{server.url}/api/v1/errors", headers=headers,
                                   params={"site": "shop", "range": "1h"}, timeout=30)
                assert answer.status_code == 200, answer.text
                groups = answer.json()["groups"]
                done = len(groups) == 2 and groups[0]["occurrences"] == 3
                return groups[0] if done else None

            group = _poll("two error groups, the first with 3 occurrences", listed)
            yield ErrorsServer(server, origin, group)
        finally:
            assert server.stop() == 0
    assert "Traceback" not in server.logs(), server.logs()


@pytest.fixture
def page(browser: Browser, errors_server: ErrorsServer) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    errors = console_errors(page)
    violations = csp_violations(page)
    server = errors_server.server
    page.goto(server.url + "/dashboard/errors?site=shop&range=1h")
    page.fill("#token", server.admin_token())
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/dashboard/errors\?.*"))
    # Rendered and settled: leaving while Dash requests are in flight logs aborted fetches.
    page.wait_for_selector("#errors-table td")
    page.wait_for_load_state("networkidle")
    yield page
    assert errors == []
    assert violations == []
    context.close()


def _cells(page: Page, row: int) -> dict[str, str]:
    headers = page.locator("#errors-table th[data-dash-column]")
    names = [headers.nth(i).get_attribute("data-dash-column") or ""
             for i in range(headers.count())]
    cells = page.locator("#errors-table tbody tr").nth(row + 1).locator("td")
    return dict(zip(names, cells.all_inner_texts(), strict=True))


def test_groups_table_sorts_and_the_detail_shows_the_original_frame(
        page: Page, errors_server: ErrorsServer) -> None:
    page.wait_for_selector("#errors-table td")
    assert page.inner_text("#errors-total") == "2 error groups"
    first = _cells(page, 0)
    # The markup of the message is shown as the characters it is, never as elements.
    assert (first["type"], first["message"]) == ("TypeError", MESSAGE)
    assert page.locator("#errors-table b, #content b").count() == 0
    assert (first["occurrences"], first["page_views"], first["share"]) == ("3", "3",
                                                                           "100.0 %")
    assert first["trend"].strip() and set(first["trend"].strip()) <= set("▁▂▃▄▅▆▇█ ")
    assert first["releases"] == "r1, r2"
    assert _cells(page, 1)["type"] == "RangeError"

    # Sorting is done on the server: fewest occurrences first after a click on the header.
    page.locator("#errors-table th[data-dash-column=occurrences] .column-header--sort").click()
    wait_for_js(page, "document.querySelector('#errors-table tbody tr:nth-child(2) "
                      "td[data-dash-column=type]')?.textContent === 'RangeError'")

    page.locator("#errors-table td[data-dash-column=message]",
                 has_text="Cannot price").click()
    page.wait_for_selector("#error-title")
    assert f"group={errors_server.group['fingerprint']}" in page.url
    assert page.inner_text("#error-title") == f"TypeError: {MESSAGE}"
    releases = page.locator("#error-releases tbody").inner_text()
    assert re.search(r"r1\s+2\s+2", releases) and re.search(r"r2\s+1\s+1", releases)
    assert "HeadlessChrome" in page.locator("#error-browsers tbody").inner_text()

    # r2 (newest, open first) has no map: minified frames and the note saying so.
    newest = page.locator("#error-sample-0")
    assert "release r2" in newest.locator("summary").inner_text()
    assert "r2" in newest.locator(".vs-sourcemap-note").inner_text()
    assert newest.locator(".vs-frame-original").count() == 0
    assert "bundle.min.js:1:" in newest.locator(".vs-frame-minified").first.inner_text()
    # r1 has its map: the original file, line and function of the throw.
    mapped = page.locator(".vs-sample", has_text="release r1").first
    mapped.locator("summary").click()
    original = mapped.locator(".vs-frame").first
    file, line, function = ORIGINAL_THROW
    assert re.search(rf"{file}:{line}:\d+$", original.locator(".vs-frame-original").inner_text())
    assert original.locator("code").first.inner_text() == function
    assert "bundle.min.js:1:" in original.locator(".vs-frame-minified").inner_text()
    assert mapped.locator(".vs-sourcemap-note").count() == 0
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "errors.png"), full_page=True)


def test_overview_shows_page_views_and_error_rate(page: Page,
                                                  errors_server: ErrorsServer) -> None:
    page.goto(f"{errors_server.server.url}/dashboard/?site=shop&range=1h")
    page.wait_for_selector("#error-rate")
    assert page.inner_text("#page-views") == "3"
    assert page.get_attribute("#error-rate", "data-value") == "1.0"
    page.wait_for_selector("#error-rate-chart .main-svg")
    page.wait_for_selector("#page-views-chart .main-svg")


def test_pages_drill_down_lists_the_pages_top_errors(page: Page,
                                                     errors_server: ErrorsServer) -> None:
    # The first page view threw both errors, once each.
    first_page = min(p["value"] for p in errors_server.group["top_pages"])
    page.goto(f"{errors_server.server.url}/dashboard/pages?site=shop&range=1h&min=0&"
              f"group={first_page}")
    page.wait_for_selector("#drill-errors")
    links = page.locator("#drill-errors tbody a")
    assert sorted(links.all_inner_texts()) == ["RangeError: Quantity out of range",
                                               f"TypeError: {MESSAGE}"]
    assert page.locator("#content b").count() == 0
    links.filter(has_text="TypeError").click()
    page.wait_for_selector("#error-title")
    assert f"group={errors_server.group['fingerprint']}" in page.url
    assert "/dashboard/errors" in page.url


def test_a_group_not_in_the_range_or_malformed_says_so(page: Page,
                                                       errors_server: ErrorsServer) -> None:
    base = f"{errors_server.server.url}/dashboard/errors?site=shop&range=1h"
    page.goto(base + "&group=12345")
    page.wait_for_selector("text=This error group has no occurrence in this range.")
    page.goto(base + "&group=nope")
    page.wait_for_selector("text=Cannot show this group: fingerprint")
    page.wait_for_selector("#errors-table td")  # the table is drawn by its own callback
    assert page.locator("#errors-table td").count() > 0


def test_no_errors_says_so(page: Page, errors_server: ErrorsServer) -> None:
    # A range before any page view: the table gives way to a message.
    page.goto(f"{errors_server.server.url}/dashboard/errors?site=shop&range=custom&"
              "from=2026-01-01T00:00&to=2026-01-02T00:00")
    page.wait_for_selector("text=No JS errors for shop in this range.")
