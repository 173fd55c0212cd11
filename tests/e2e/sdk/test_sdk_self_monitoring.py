"""The product watches itself: with `dashboard.self_monitoring_site` set, the dashboard's own
pages carry the SDK and their page views and vitals arrive in that site, in real Chromium,
within the dashboard's Content-Security-Policy."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.e2e.sdk.conftest import KEY, SITE, Collector
from tests.support.browser import console_errors, csp_violations
from tests.support.serve import ServeProcess

pytestmark = pytest.mark.browser


def test_the_dashboard_reports_its_own_page_views_when_a_site_is_named(
        browser: Browser, serve_factory: Callable[..., ServeProcess], sdk_dist: Path,
        tmp_path: Path) -> None:
    server = serve_factory(tmp_path / "data", extra_args=["--config",
                                                          str(tmp_path / "vitalscope.yaml")])
    (tmp_path / "vitalscope.yaml").write_text(json.dumps({
        "sites": [{"name": SITE, "origins": [server.url], "key": KEY}],
        "collector": {"flush_interval_s": 0.2},
        "dashboard": {"self_monitoring_site": KEY},
    }))
    collector = Collector(server.start())
    context = browser.new_context()
    page = context.new_page()
    errors, violations = console_errors(page), csp_violations(page)
    page.goto(server.url + "/login")
    page.fill("#token", server.admin_token())
    page.click("button[type=submit]")
    page.wait_for_selector(".vs-content *", timeout=60_000)
    assert page.locator(f'script[data-site="{KEY}"][src="/sdk.js"]').count() == 1
    page.wait_for_function("() => !!sessionStorage.vs_sid")
    page.goto("about:blank")
    collector.wait_accepted(at_least=1)
    context.close()
    assert errors == [] and violations == []
    rows = collector.stop_and_query({
        "views": "SELECT path(url) AS path FROM page_views FINAL WHERE site = {site:String}",
        "vitals": "SELECT DISTINCT metric FROM vitals WHERE site = {site:String} ORDER BY metric",
    })
    assert rows["views"] == [{"path": "/dashboard/"}]
    assert {"FCP", "TTFB"} <= {v["metric"] for v in rows["vitals"]}
