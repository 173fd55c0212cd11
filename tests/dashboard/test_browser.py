"""The dashboard in real Chromium against a seeded `vitalscope serve`: login, every page
without console errors (screenshots under test-artifacts/dashboard/), numbers equal to SQL
on the raw table, filters in the URL, drill-down, live refresh, logout."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Request, Response

from dashboard.web.plotly_bundle import IMMUTABLE, locked_version
from tests.dashboard.conftest import ARTIFACTS, Seeded
from tests.support.browser import chromium, console_errors, csp_violations, wait_for_js

pytestmark = pytest.mark.browser
# page -> what shows it rendered
PAGES = {"": "#p75-LCP", "pages": "#pages-table td", "breakdowns": "#bd-chart",
         "server-timing": "#st-names", "synthetics": "text=No synthetic checks",
         "alerts": "text=Nothing is firing or pending"}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@pytest.fixture
def page(browser: Browser, seeded: Seeded) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    errors = console_errors(page)
    violations = csp_violations(page)
    page.goto(seeded.server.url + "/dashboard/?site=shop&range=1h")
    assert page.url.startswith(seeded.server.url + "/login?next=")
    page.fill("#token", seeded.token)
    page.click("button[type=submit]")
    page.wait_for_selector("#p75-LCP")
    yield page
    assert errors == []
    assert violations == []
    context.close()


def shown_ms(text: str) -> float:
    """A displayed value back in the metric's unit ("3.61 s" -> 3610, "277 ms", "0.235")."""
    number = float(re.sub(r"[^0-9.]", "", text))
    return number * 1000 if text.endswith(" s") else number


def display_unit(text: str) -> float:
    return 10.0 if text.endswith(" s") else 1.0 if text.endswith("ms") else 0.001


def assert_within_rounding(text: str, exact: float) -> None:
    # The display rounds to its last digit; the t-digest rollup adds well under 0.5 %.
    assert abs(shown_ms(text) - exact) <= display_unit(text) + exact * 0.004, (text, exact)


def test_every_page_loads_without_console_errors(page: Page, seeded: Seeded) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, marker in PAGES.items():
        page.goto(f"{seeded.server.url}/dashboard/{name}?site=shop&range=7d")
        page.wait_for_selector(marker, timeout=60000)  # a cold 7-day query on a busy machine
        page.wait_for_load_state("networkidle")
        assert page.locator(".vs-error").count() == 0, page.inner_text(".vs-content")
        shot = ARTIFACTS / f"{name or 'overview'}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000


def test_p75_shown_equals_raw_and_a_filter_change_updates_url_and_numbers(
        page: Page, seeded: Seeded) -> None:
    for metric, exact in seeded.expected["shop"]["recent"].items():
        assert_within_rounding(page.inner_text(f"#p75-{metric}"), exact)
    assert page.inner_text("#samples-LCP") == "600 samples"
    page.click("label:has-text('7d')")
    page.wait_for_url(re.compile(r".*range=7d.*"))
    wait_for_js(page, "document.querySelector('#samples-LCP')?.textContent === '2,100 samples'")
    assert "site=shop" in page.url
    for metric, exact in seeded.expected["shop"]["all"].items():
        assert_within_rounding(page.inner_text(f"#p75-{metric}"), exact)
    # The shared link shows the same numbers in a fresh page.
    fresh = page.context.new_page()
    fresh.goto(page.url)
    wait_for_js(fresh,
                "document.querySelector('#samples-LCP')?.textContent === '2,100 samples'")
    fresh.close()
    # Live refresh (every 2 s here) keeps the selection.
    page.wait_for_timeout(4500)
    assert "range=7d" in page.url and page.inner_text("#samples-LCP") == "2,100 samples"


def _is_refresh(request: Request) -> bool:
    if "/_dash-update-component" not in request.url or not request.post_data:
        return False
    changed = json.loads(request.post_data).get("changedPropIds", [])
    return bool({"tick.n_intervals", "live-tick.data"} & set(changed))


@pytest.mark.parametrize("path", ["", "pages"])
def test_a_refresh_slower_than_its_interval_is_asked_once_at_a_time(
        page: Page, seeded: Seeded, path: str) -> None:
    """Every answer takes 3 s, the refresh interval is 2 s: the page must wait for each
    refresh (the router's, then on a live page its blocks') before asking the next, or a slow
    server would pile up stale renders, and still refresh."""
    page.goto(f"{seeded.server.url}/dashboard/{path}?site=shop&range=1h")
    page.wait_for_selector(PAGES[path])
    page.wait_for_load_state("networkidle")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 3000,
                                                  "downloadThroughput": -1,
                                                  "uploadThroughput": -1})
    in_flight: set[Request] = set()
    most_in_flight = [0]
    answered: list[Request] = []

    def asked(request: Request) -> None:
        if _is_refresh(request):
            in_flight.add(request)
            most_in_flight[0] = max(most_in_flight[0], len(in_flight))

    def ended(request: Request) -> None:
        if request in in_flight:
            in_flight.discard(request)
            answered.append(request)

    page.on("request", asked)
    page.on("requestfinished", ended)
    page.on("requestfailed", ended)
    page.wait_for_timeout(10_000)
    assert most_in_flight[0] == 1
    assert len(answered) >= 2
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0,
                                                  "downloadThroughput": -1,
                                                  "uploadThroughput": -1})


def test_segment_filter_goes_to_the_url(page: Page, seeded: Seeded) -> None:
    page.goto(f"{seeded.server.url}/dashboard/?site=shop&range=1h&segment=device:desktop")
    page.wait_for_selector("#samples-LCP")
    assert page.inner_text("#samples-LCP") != "600 samples"
    desktop = int(page.inner_text("#samples-LCP").split()[0].replace(",", ""))
    assert 0 < desktop < 600


def test_page_group_drill_down_equals_raw(page: Page, seeded: Seeded) -> None:
    page.goto(f"{seeded.server.url}/dashboard/pages?site=shop&range=7d&min=0")
    page.wait_for_selector("#pages-table td")
    page.locator("#pages-table td", has_text="/product/:id").first.click()
    page.wait_for_selector("#drill-title")
    assert "group=%2Fproduct%2F%3Aid" in page.url
    rows = page.locator("#drill-vitals tbody tr")
    seen = {}
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td").all_inner_texts()
        if len(cells) >= 2:
            seen[cells[0]] = cells[1]
    for metric, exact in seeded.expected["shop"]["product_all"].items():
        assert_within_rounding(seen[metric], exact)


def test_logout_ends_the_session(page: Page, seeded: Seeded) -> None:
    page.click("#logout")
    page.wait_for_url(re.compile(r".*/login$"))
    page.goto(seeded.server.url + "/dashboard/")
    assert "/login?next=" in page.url


def test_charts_draw_with_the_basic_plotly_bundle_compressed_and_cached_for_a_year(
        page: Page, seeded: Seeded) -> None:
    answers: list[Response] = []
    page.on("response", lambda answer: answers.append(answer))
    page.goto(f"{seeded.server.url}/dashboard/?site=shop&range=7d")
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60000)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("() => Plotly.version") == locked_version()
    assert not [a.url for a in answers if "package_data/plotly" in a.url]
    bundle = next(a for a in answers if "/dashboard/vendor/plotly-basic-" in a.url)
    fingerprinted = [a for a in answers if "_dash-component-suites" in a.url
                     and re.search(r"\.v\d+_\d+_\d+m\d+\.", a.url)]
    assert len(fingerprinted) >= 5
    for answer in [bundle, *fingerprinted]:
        headers = answer.all_headers()
        assert headers["cache-control"] == IMMUTABLE, answer.url
        assert headers.get("content-encoding") in ("br", "gzip"), answer.url
    layout = next(a for a in answers if a.url.endswith("/_dash-layout"))
    assert layout.all_headers().get("content-encoding") in ("br", "gzip")
