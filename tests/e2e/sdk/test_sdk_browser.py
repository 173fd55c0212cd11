"""The browser SDK in real Chromium against a real `vitalscope serve`: what a page measures
ends up in ClickHouse, once, with its attribution."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, Request

from tests.e2e.sdk.conftest import KEY, Collector, sdk_tag
from tests.e2e.sdk.site import HERO_DELAY_S, ShopSite

pytestmark = pytest.mark.browser

STARTED = "() => !!sessionStorage.vs_sid"
KEPT = f"() => JSON.parse(localStorage['vs_q{KEY}'] || '[]').length"


def exercise(page: Page) -> None:
    """Layout shift, slow click (INP), thrown error, rejected promise, SPA route change."""
    page.wait_for_function(STARTED)
    page.wait_for_function("() => window.shifted === true")
    page.click("#slow")
    page.click("#boom")
    page.click("#reject")
    page.wait_for_timeout(300)
    page.click("#route")
    page.wait_for_function("() => location.pathname === '/app/second'")
    page.wait_for_timeout(300)


def test_a_page_view_reaches_clickhouse_with_its_attribution(
        browser: Browser, site: ShopSite, collector: Collector) -> None:
    url = site.add_page("/shop/full", sdk_tag(
        f"{collector.url}/sdk.attribution.js", release="2026.11.1", routes="/app/:section",
        batch_ms="60000"))
    context = browser.new_context(viewport={"width": 1024, "height": 700})
    page = context.new_page()
    page.goto(url + "?token=secret#frag")
    exercise(page)
    page.goto("about:blank")  # pagehide + hidden: the SDK sends what it holds
    collector.wait_accepted(at_least=2)
    context.close()

    rows = collector.stop_and_query({
        "views": "SELECT page_view_id, url, page_group, nav_type, release, viewport_width, "
                 "viewport_height, hardware_concurrency, route_change_ms, session_id "
                 "FROM page_views FINAL WHERE site = {site:String} ORDER BY started_at",
        "vitals": "SELECT metric, value, rating, page_view_id, nav_type, attr_target, attr_url, "
                  "attr_event, attr_parts, event_id FROM vitals WHERE site = {site:String}",
        "timings": "SELECT name, duration, description, cache_status, page_view_id, source "
                   "FROM server_timings WHERE site = {site:String} ORDER BY name",
        "errors": "SELECT message, error_type, source, stack, occurrences, page_view_id "
                  "FROM js_errors WHERE site = {site:String} ORDER BY message",
    })
    views = rows["views"]
    assert len(views) == 2, views
    hard, soft = views
    origin = site.origin
    assert (hard["url"], hard["nav_type"], hard["release"]) == (
        f"{origin}/shop/full", "navigate", "2026.11.1")
    assert (hard["viewport_width"], hard["viewport_height"]) == (1024, 700)
    assert hard["hardware_concurrency"] >= 1
    assert (soft["url"], soft["page_group"], soft["nav_type"]) == (
        f"{origin}/app/second", "/app/:section", "soft")
    assert soft["session_id"] == hard["session_id"]
    # From the click to the next frame: the handler only swaps a text, so well under a second.
    # The soft view's later beacons (its vitals) carry no route event and page_views keeps the
    # last beacon's row, so the stored duration can be 0 (the route event's own `dur` is
    # checked on the wire in test_sdk_spa.py).
    assert 0 <= soft["route_change_ms"] < 1000

    # The route change is a soft navigation Chromium reports: the SPA view has vitals of its
    # own (no TTFB), the document's view keeps each metric once.
    vitals = {v["metric"]: v for v in rows["vitals"] if v["page_view_id"] == hard["page_view_id"]}
    assert sorted(vitals) == ["CLS", "FCP", "INP", "LCP", "TTFB"], rows["vitals"]
    assert all(v["nav_type"] == "navigate" for v in vitals.values())
    routed = [v for v in rows["vitals"] if v["page_view_id"] == soft["page_view_id"]]
    assert {"FCP"} <= {v["metric"] for v in routed} <= {"FCP", "LCP", "CLS", "INP"}, routed
    assert all(v["nav_type"] == "soft" for v in routed)
    assert len(rows["vitals"]) == len(vitals) + len(routed), "each vital on one of the views"

    lcp = vitals["LCP"]
    assert lcp["attr_target"] == "#hero"
    assert lcp["attr_url"] == f"{origin}/hero.png"
    parts = lcp["attr_parts"]
    assert set(parts) == {"ttfb", "loadDelay", "loadDuration", "renderDelay"}
    assert parts["loadDuration"] >= HERO_DELAY_S * 1000 * 0.8
    assert abs(sum(parts.values()) - lcp["value"]) < 5
    assert lcp["value"] >= HERO_DELAY_S * 1000

    inp = vitals["INP"]
    assert inp["value"] >= 300 and inp["rating"] in ("needs-improvement", "poor")
    assert inp["attr_target"] == "#slow"
    assert inp["attr_event"] in ("click", "pointerup", "pointerdown", "mouseup", "mousedown")
    # The phases, and the Long Animation Frames' script, style-and-layout and paint totals.
    assert set(inp["attr_parts"]) == {"inputDelay", "processing", "presentation", "loafScript",
                                      "loafStyle", "loafPaint"}
    assert inp["attr_parts"]["processing"] >= 290

    cls = vitals["CLS"]
    assert 0.01 < cls["value"] < 1
    assert "below" in cls["attr_target"], cls
    assert set(cls["attr_parts"]) == {"time", "value"}
    assert cls["attr_parts"]["time"] >= 400
    assert vitals["FCP"]["value"] > 0 and vitals["TTFB"]["value"] >= 0

    timings = {t["name"]: t for t in rows["timings"]}
    assert sorted(timings) == ["app", "cache"], rows["timings"]
    assert (timings["cache"]["description"], timings["cache"]["cache_status"]) == ("HIT", "hit")
    assert timings["app"]["duration"] == 53
    assert {t["page_view_id"] for t in rows["timings"]} == {hard["page_view_id"]}

    errors = rows["errors"]
    assert [(e["message"], e["error_type"]) for e in errors] == [
        ("boom from the test page", "TypeError"),
        ("rejected on the test page", "unhandledrejection"),
    ]
    boom = errors[0]
    assert boom["source"].startswith(f"{origin}/shop/full:") and "secret" not in boom["source"]
    assert "boom from the test page" in boom["stack"] and "secret" not in boom["stack"]
    assert all(e["occurrences"] == 1 and e["page_view_id"] == hard["page_view_id"]
               for e in errors)

    ids = [v["event_id"] for v in rows["vitals"]]
    assert len(set(ids)) == len(ids)


def test_a_page_that_loses_its_connection_delivers_each_event_exactly_once(
        browser: Browser, site: ShopSite, collector: Collector) -> None:
    url = site.add_page("/shop/offline", sdk_tag(f"{collector.url}/sdk.js", batch_ms="200"))
    context = browser.new_context()
    page = context.new_page()
    page.goto(url)
    page.wait_for_function(STARTED)
    page.wait_for_timeout(600)  # TTFB and FCP leave while online
    # The banner moves the buttons down: a click aimed before it lands beside them.
    page.wait_for_function("() => window.shifted === true")

    # Offline: the batch cannot leave and is kept; the `online` event sends it.
    context.set_offline(True)
    page.click("#boom")
    page.wait_for_function(f"() => ({KEPT})() >= 1")
    assert page.evaluate("navigator.onLine") is False
    context.set_offline(False)
    page.wait_for_function(f"() => ({KEPT})() === 0")

    # Offline again, then the visitor leaves the page: what was queued is kept, and the next
    # page of the site sends it. (about:blank loads offline, and unloading by navigation is
    # complete when goto returns, unlike a tab close.)
    context.set_offline(True)
    page.click("#reject")
    page.wait_for_function(f"() => ({KEPT})() >= 1")
    page.goto("about:blank")
    context.set_offline(False)
    page.goto(url)
    page.wait_for_function(f"() => ({KEPT})() === 0")
    page.goto("about:blank")
    collector.wait_accepted(at_least=4)
    context.close()

    rows = collector.stop_and_query({
        "errors": "SELECT message, page_view_id, event_id FROM js_errors "
                  "WHERE site = {site:String} ORDER BY message",
        "vitals": "SELECT page_view_id, metric, event_id FROM vitals WHERE site = {site:String}",
        "views": "SELECT page_view_id FROM page_views FINAL WHERE site = {site:String}",
    })
    assert [e["message"] for e in rows["errors"]] == [
        "boom from the test page", "rejected on the test page"]
    first_view = rows["errors"][0]["page_view_id"]
    assert rows["errors"][1]["page_view_id"] == first_view
    assert len(rows["views"]) == 2
    first = sorted(v["metric"] for v in rows["vitals"] if v["page_view_id"] == first_view)
    # LCP left with the kept batch (the click ended it), CLS when the page was left offline.
    assert {"TTFB", "FCP", "LCP", "CLS"} <= set(first), first
    assert len(first) == len(set(first)), f"a vital stored twice: {first}"
    ids = [r["event_id"] for r in rows["vitals"] + rows["errors"]]
    assert len(ids) == len(set(ids))


def test_sample_rate_zero_sends_nothing(browser: Browser, site: ShopSite,
                                        collector: Collector) -> None:
    url = site.add_page("/shop/unsampled", sdk_tag(
        f"{collector.url}/sdk.js", sample_rate="0", batch_ms="100"))
    context = browser.new_context()
    page = context.new_page()
    beacons: list[Request] = []

    def keep_beacon(request: Request) -> None:
        if "/v1/beacon" in request.url:
            beacons.append(request)

    context.on("request", keep_beacon)
    page.goto(url)
    exercise(page)
    page.goto("about:blank")
    page.wait_for_timeout(1500)
    assert beacons == []
    assert collector.accepted_beacons() == 0
    context.close()
    rows = collector.stop_and_query({
        "views": "SELECT count() AS n FROM page_views WHERE site = {site:String}"})
    assert rows["views"] == [{"n": 0}]
