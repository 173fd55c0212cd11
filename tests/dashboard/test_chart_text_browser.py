"""In real Chromium: a release tag and a server-timing name carrying markup, as a page
holding the site key can send them, are drawn by Plotly as literal text: the release
marker and the legend show the characters, and the charts' SVG holds no link."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from tests.dashboard.conftest import Seeded, start_seeded
from tests.support.browser import chromium, console_errors

pytestmark = pytest.mark.browser
RELEASE = '<a href="https://evil.example/r">v2</a>'
TIMING = '<b>db</b><a href="https://evil.example/t">x</a>'


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    state = start_seeded(tmp_path_factory.mktemp("hostile"), "--release", RELEASE,
                         "--timing-name", TIMING)
    yield state
    assert state.server.stop() == 0


@pytest.fixture
def page(hostile: Seeded) -> Iterator[Page]:
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        errors = console_errors(page)
        page.goto(hostile.server.url + "/login")
        page.fill("#token", hostile.token)
        page.click("button[type=submit]")
        page.wait_for_url("**/dashboard/**")
        yield page
        assert errors == []
        context.close()


def test_release_marker_is_literal_text(page: Page, hostile: Seeded) -> None:
    page.goto(f"{hostile.server.url}/dashboard/?site=shop&range=1h")
    marker = page.locator("#series-LCP .annotation-text")
    marker.first.wait_for(timeout=20000)
    assert marker.all_text_contents() == [RELEASE]
    assert page.locator("#series-LCP svg a").count() == 0
    assert page.locator(".js-plotly-plot svg a").count() == 0


def test_server_timing_legend_is_literal_text(page: Page, hostile: Seeded) -> None:
    page.goto(f"{hostile.server.url}/dashboard/server-timing?site=shop&range=7d")
    legend = page.locator("#st-durations .legendtext")
    legend.first.wait_for(timeout=20000)
    assert f"{TIMING} (rum)" in legend.all_text_contents()
    assert page.locator(".js-plotly-plot svg a").count() == 0
    # Not bold either: the <b> stayed characters, no styled tspan was made.
    assert page.locator("#st-durations .legendtext tspan[style*=bold]").count() == 0
    # The table shows it as text too (Dash escapes).
    assert page.locator("#st-names td", has_text=TIMING).count() == 1
