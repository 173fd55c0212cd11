"""The browser SDK in Firefox and WebKit against a real `vitalscope serve`: on the test site
of the Chromium tests (test_sdk_browser.py) each engine sends the vitals it can measure,
errors, server timings and SPA route changes, batched until the page is hidden; beacons that
could not reach the collector are kept and arrive with the next page; everything once."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.e2e.sdk.conftest import KEY, Collector, sdk_tag
from tests.e2e.sdk.site import ShopSite
from tests.support.engines import EnginePage, engines, wait_for
from vitalscope.vitals.registry import BY_NAME

pytestmark = pytest.mark.browser

STARTED = "!!sessionStorage.vs_sid"
KEPT = f"localStorage['vs_q{KEY}'] || ''"
# Why a beacon is not where a test waits for it: the page's own record, the browser's state.
EXPLAIN = (f"({{seen: window.seen, ready: document.readyState, online: navigator.onLine, "
           f"kept: {KEPT}, sdk: performance.getEntriesByType('resource').map((r) => r.name)}})")
# Beacons of this page the collector has answered (sent with fetch, so in Resource Timing).
ANSWERED = ("performance.getEntriesByType('resource')"
            ".filter((r) => new URL(r.name).pathname === '/v1/beacon').length")

# The vitals each engine reports for the test page (docs/sdk.md, "Browsers"). The others need
# performance entries the engine lacks (Firefox: layout-shift; WebKit: largest-contentful-
# paint and event timing): the SDK leaves them out and the rest still arrives.
VITALS = {
    "firefox": sorted(set(BY_NAME) - {"CLS"}),
    "webkit": ["FCP", "TTFB"],
}

Rows = dict[str, list[dict[str, Any]]]


@pytest.fixture(scope="module", params=sorted(engines()))
def page(request: pytest.FixtureRequest) -> Iterator[EnginePage]:
    with engines()[request.param]() as page:
        yield page


def visit_spa(page: EnginePage, site: ShopSite, collector: Collector) -> None:
    """A load with a layout shift, a slow click, a thrown error, a rejected promise and two
    route changes (a link's pushState, then the app's own), all held in one batch until the
    visitor leaves."""
    url = site.add_page(f"/shop/{page.engine}", sdk_tag(
        f"{collector.url}/sdk.attribution.js", release="2026.11.1", routes="/app/:section",
        batch_ms="60000"))
    page.goto(url + "?token=secret#frag")
    wait_for(page, STARTED)
    wait_for(page, "window.shifted === true")
    page.click("#slow")
    page.click("#boom")
    page.click("#reject")
    page.click("#route")
    wait_for(page, "location.pathname === '/app/second'")
    page.evaluate("history.pushState({}, '', '/app/third?session=secret')")
    # The route change is recorded on the next animation frame after the history call.
    page.evaluate("new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
    assert collector.accepted_beacons() == 0, "batched until the page is hidden"
    page.goto("about:blank")  # pagehide + hidden: the SDK sends what it holds
    collector.wait_accepted(at_least=3)


def visit_while_unreachable(page: EnginePage, site: ShopSite, collector: Collector) -> None:
    """A page of the site that sends to an endpoint nothing listens on: every send fails and
    the beacons are kept in the site's storage. The next page, sending to the collector,
    delivers them."""
    sent = collector.accepted_beacons()
    # Bound but not listening: connections are refused, and no other process can take the port.
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        down = site.add_page(f"/shop/{page.engine}/down", sdk_tag(
            f"{collector.url}/sdk.js", endpoint=f"http://127.0.0.1:{closed.getsockname()[1]}",
            batch_ms="200"))
        plain = site.add_page(f"/shop/{page.engine}/plain", "")
        up = site.add_page(f"/shop/{page.engine}/up", sdk_tag(
            f"{collector.url}/sdk.js", batch_ms="200"))
        page.goto(down)
        wait_for(page, STARTED)
        # The banner moves the buttons down: a click aimed before it lands beside #boom.
        wait_for(page, "window.shifted === true")
        page.click("#boom")
        wait_for(page, f"({KEPT}).includes('boom from the test page')", explain=EXPLAIN)
        # Counted on a page of the site without the SDK: nothing adds to them meanwhile.
        page.goto(plain)
        kept = page.evaluate(f"JSON.parse({KEPT}).length")
    page.goto(up)
    wait_for(page, f"({KEPT}) === ''")
    # Answered: the kept beacons and the first batch of this page.
    wait_for(page, f"{ANSWERED} >= {kept + 1}")
    page.goto("about:blank")
    collector.wait_accepted(at_least=sent + kept + 1)


def test_the_test_site_arrives_once_from_the_engine(
        page: EnginePage, site: ShopSite, collector: Collector) -> None:
    visit_spa(page, site, collector)
    visit_while_unreachable(page, site, collector)
    # A 503 (Redis slower than a second, on a starved machine) loses the beacon: through
    # no-cors the SDK cannot tell it from an accepted one.
    metrics = httpx.get(collector.url + "/metrics", timeout=5).text
    refused = [(name, reason, n) for name, reason, n in re.findall(
        r'^vitalscope_ingest_(rejected|dropped|events_dropped)_total\{reason="(\w+)"\} (\S+)$',
        metrics, re.M) if float(n) > 0]
    assert not refused, f"the collector refused or dropped beacons: {refused}"
    rows = collector.stop_and_query({
        # Both route changes follow one click: they start at the same time.
        "views": "SELECT page_view_id, url, page_group, nav_type, release, session_id "
                 "FROM page_views FINAL WHERE site = {site:String} ORDER BY started_at, url",
        "vitals": "SELECT metric, value, page_view_id, attr_target, attr_url, event_id "
                  "FROM vitals WHERE site = {site:String} ORDER BY metric",
        "timings": "SELECT name, duration, description, cache_status, page_view_id "
                   "FROM server_timings WHERE site = {site:String} ORDER BY name",
        "errors": "SELECT message, error_type, source, stack, occurrences, page_view_id, "
                  "event_id FROM js_errors WHERE site = {site:String} ORDER BY message",
    })
    origin, engine = site.origin, page.engine
    views = rows["views"]
    assert [(v["url"], v["page_group"], v["nav_type"]) for v in views] == [
        (f"{origin}/shop/{engine}", f"/shop/{engine}", "navigate"),
        # History-based route changes: these engines have no soft-navigation entries.
        (f"{origin}/app/second", "/app/:section", "soft"),
        (f"{origin}/app/third", "/app/:section", "soft"),
        (f"{origin}/shop/{engine}/down", f"/shop/{engine}/down", "navigate"),
        (f"{origin}/shop/{engine}/up", f"/shop/{engine}/up", "navigate"),
    ], views
    assert len({v["session_id"] for v in views}) == 1
    assert [v["release"] for v in views[:3]] == ["2026.11.1"] * 3
    spa, _, _, down, _ = (v["page_view_id"] for v in views)

    def of(table: str, view: str) -> list[dict[str, Any]]:
        return [r for r in rows[table] if r["page_view_id"] == view]

    # What the engine measures, once, on the hard page view only.
    vitals = of("vitals", spa)
    assert [v["metric"] for v in vitals] == VITALS[engine], vitals
    by_metric = {v["metric"]: v for v in vitals}
    assert by_metric["FCP"]["value"] > 0 and by_metric["TTFB"]["value"] >= 0
    if "LCP" in by_metric:
        assert (by_metric["LCP"]["attr_target"], by_metric["LCP"]["attr_url"]) == (
            "#hero", f"{origin}/hero.png")
    if "INP" in by_metric:
        assert by_metric["INP"]["value"] >= 300  # the handler of #slow blocks for 300 ms
        assert by_metric["INP"]["attr_target"] == "#slow"
    # The kept page's vitals were delivered once; LCP only where the engine has it.
    kept = sorted(v["metric"] for v in of("vitals", down))
    assert {"FCP", "TTFB"} <= set(kept) <= set(VITALS[engine]), kept
    assert len(kept) == len(set(kept)), f"a vital stored twice: {kept}"
    assert not of("vitals", views[1]["page_view_id"]) + of("vitals", views[2]["page_view_id"])

    # The document's Server-Timing, for each hard page view, kept or not.
    for view in (spa, down):
        timings = {t["name"]: t for t in of("timings", view)}
        assert sorted(timings) == ["app", "cache"], rows["timings"]
        assert (timings["cache"]["description"], timings["cache"]["cache_status"]) == (
            "HIT", "hit")
        assert timings["app"]["duration"] == 53
        assert len(of("timings", view)) == 2

    errors = of("errors", spa)
    assert [(e["message"], e["error_type"], e["occurrences"]) for e in errors] == [
        ("boom from the test page", "TypeError", 1),
        ("rejected on the test page", "unhandledrejection", 1),
    ]
    assert errors[0]["source"].startswith(f"{origin}/shop/{engine}:")
    # Firefox's and WebKit's stacks name the frames only, not the message as V8's do.
    assert f"{origin}/shop/{engine}:" in errors[0]["stack"]
    assert not any("secret" in e["source"] + e["stack"] for e in errors)
    assert [(e["message"], e["occurrences"]) for e in of("errors", down)] == [
        ("boom from the test page", 1)]
    assert len(rows["errors"]) == 3

    ids = [r["event_id"] for r in rows["vitals"] + rows["errors"]]
    assert len(ids) == len(set(ids))
