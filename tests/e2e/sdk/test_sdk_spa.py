"""A single-page app in real Chromium, whose soft navigations the browser reports (no flags):
each route is its own page view with its own vitals, and a slow interaction names the script
behind it, first- or third-party. The raw beacons are read where the page sends them (the
test site's own /v1/beacon), before any collector."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from playwright.sync_api import Browser

from collector.wire import Beacon
from tests.e2e.sdk.conftest import sdk_tag
from tests.e2e.sdk.site import ShopSite, serve_site
from vitalscope.vitals import METRIC_NAMES

pytestmark = pytest.mark.browser

SLOW_MS = 300
# The app: a router whose links push a URL and render the route's view (what Chromium's
# soft-navigation heuristics need: an interaction, a URL change, a paint), and a button
# whose handler blocks the main thread (a named function in a named file).
APP_JS = b"""
function render(path, title) {
  history.pushState({}, '', path);
  const view = document.getElementById('view');
  view.textContent = '';
  const h = document.createElement('h1');
  h.textContent = title;
  const p = document.createElement('p');
  p.textContent = 'The ' + title + ' view, rendered by the app. '.repeat(20);
  view.append(h, p);
}
for (const link of document.querySelectorAll('[data-route]')) {
  link.addEventListener('click', () => render(link.dataset.route, link.textContent));
}
document.getElementById('slow').addEventListener('click', function blockTheMainThread() {
  const t = performance.now(); while (performance.now() - t < %d) {}
});
""" % SLOW_MS
# A third party's widget, served from another origin (CORS-enabled, as CDNs serve scripts).
WIDGET_JS = b"""
document.getElementById('widget').addEventListener('click', function widgetTracker() {
  const t = performance.now(); while (performance.now() - t < %d) {}
});
""" % SLOW_MS
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SPA</title>{sdk}</head><body>
<nav><button data-route="/spa/products?q=secret">Products</button>
<button data-route="/spa/cart">Cart</button><button data-route="/spa/account">Account</button>
<button id="slow">slow</button><button id="widget">widget</button></nav>
<main id="view"><h1>Home</h1><p>Welcome to the shop, the landing page of the app.</p></main>
<script src="/js/app.js"></script>
<script src="{widget}" crossorigin="anonymous"></script>
</body></html>"""


@pytest.fixture(scope="module")
def cdn() -> Iterator[ShopSite]:
    with serve_site() as served:
        yield served


def wait_sent(beacons: list[dict[str, Any]], url: str, metric: str, quiet_s: float = 1.0,
              timeout_s: float = 30.0) -> None:
    """Until a beacon of the page view at `url` brought `metric`, and no more came for
    `quiet_s`."""
    started = changed = time.monotonic()
    seen = len(beacons)
    while time.monotonic() - started < timeout_s:
        time.sleep(0.1)
        if len(beacons) != seen:
            seen, changed = len(beacons), time.monotonic()
        elif time.monotonic() - changed >= quiet_s and any(
                b["url"] == url and any(e.get("n") == metric for e in b["e"]) for b in beacons):
            return
    raise AssertionError(f"no {metric} of {url} within {timeout_s} s: {beacons}")


def page_views(beacons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Beacons merged per page view, in start order: the context and all events."""
    views: dict[str, dict[str, Any]] = {}
    for beacon in beacons:
        view = views.setdefault(beacon["pv"], {**beacon, "e": []})
        assert {k: v for k, v in beacon.items() if k not in ("e", "sent")} == {
            k: v for k, v in view.items() if k not in ("e", "sent")}, "context changed"
        view["e"].extend(beacon["e"])
    return sorted(views.values(), key=lambda v: v["st"])


def test_each_soft_navigation_is_a_page_view_with_its_vitals_and_scripts(
        browser: Browser, site: ShopSite, cdn: ShopSite, sdk_dist: Path) -> None:
    site.add_file("/sdk/sdk.attribution.js", "text/javascript",
                  (sdk_dist / "sdk.attribution.js").read_bytes())
    site.add_file("/js/app.js", "text/javascript", APP_JS)
    widget = cdn.add_file("/widget.js", "text/javascript", WIDGET_JS,
                          {"Access-Control-Allow-Origin": "*"}) + "?v=3"
    site.pages["/spa/home"] = PAGE.format(widget=widget, sdk=sdk_tag(
        "/sdk/sdk.attribution.js", routes="/spa/:section", batch_ms="60000"))
    context = browser.new_context()
    page = context.new_page()
    page.goto(site.origin + "/spa/home")
    page.wait_for_function("() => !!sessionStorage.vs_sid")
    page.wait_for_timeout(300)  # the landing page's LCP is painted before the first input

    page.click("text=Products")
    page.wait_for_function("() => location.pathname === '/spa/products'")
    page.click("#slow")  # charged to /spa/products: its script is the app's
    page.wait_for_timeout(200)
    page.click("text=Cart")
    page.wait_for_function("() => location.pathname === '/spa/cart'")
    page.click("#widget")  # charged to /spa/cart: the third party's script
    page.wait_for_timeout(200)
    page.click("text=Account")
    page.wait_for_function("() => location.pathname === '/spa/account'")
    page.wait_for_timeout(300)
    page.goto("about:blank")  # hidden, then unloaded: the SDK sends what it holds
    # The last route's LCP is final when the page is hidden: among the last reports sent.
    wait_sent(site.beacons, f"{site.origin}/spa/account", "LCP")
    context.close()

    for beacon in site.beacons:  # what the collector's wire model accepts
        msgspec.json.decode(json.dumps(beacon), type=Beacon)
    views = page_views(site.beacons)
    origin = site.origin
    assert [(v["url"], v.get("grp"), v["nav"]) for v in views] == [
        (f"{origin}/spa/home", "/spa/:section", "navigate"),
        (f"{origin}/spa/products", "/spa/:section", "soft"),
        (f"{origin}/spa/cart", "/spa/:section", "soft"),
        (f"{origin}/spa/account", "/spa/:section", "soft"),
    ], site.beacons
    hard, products, cart, account = views
    assert len({v["pv"] for v in views}) == 4 and len({v["sid"] for v in views}) == 1
    assert hard["st"] < products["st"] < cart["st"] < account["st"]

    def vitals(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for event in view["e"]:
            if event["t"] == "vital":
                found[event["n"]] = event  # the last report of each metric is its value
        return found

    def routes(view: dict[str, Any]) -> list[str]:
        found = [e for e in view["e"] if e["t"] == "route"]
        # From the soft navigation's start (the click) to the frame after its first paint.
        assert all(e["ts"] == view["st"] and 0 < e["dur"] < 1000 for e in found), found
        return [e["from"] for e in found]

    assert routes(hard) == []
    assert routes(products) == [f"{origin}/spa/home"]
    assert routes(cart) == [f"{origin}/spa/products"]
    assert routes(account) == [f"{origin}/spa/cart"]

    assert set(vitals(hard)) == set(METRIC_NAMES), vitals(hard)  # INP: the first route's click
    for soft in (products, cart, account):
        got = vitals(soft)
        # Chromium reports a soft navigation's first and largest contentful paints; TTFB
        # means nothing there and is not sent.
        assert {"FCP", "LCP"} <= set(got) and "TTFB" not in got, (soft["url"], got)
        assert all(0 <= got[m]["val"] < 5000 for m in ("FCP", "LCP"))
        assert "#view" in got["LCP"]["a"]["tgt"], got["LCP"]

    # Each slow click is charged to the route it happened on, with its script.
    inp = vitals(products)["INP"]
    assert inp["val"] >= SLOW_MS and inp["a"]["tgt"] == "#slow", inp
    script = inp["a"]["scr"]
    assert script["url"] == f"{origin}/js/app.js", script
    assert script["fn"] == "blockTheMainThread" or "#slow" in script["inv"], script
    assert script["it"] == "event-listener" and script["dur"] >= SLOW_MS * 0.8
    parts = inp["a"]["p"]
    assert parts["loafScript"] >= SLOW_MS * 0.8 and {"loafStyle", "loafPaint"} <= set(parts)

    third = vitals(cart)["INP"]
    assert third["val"] >= SLOW_MS and third["a"]["tgt"] == "#widget", third
    # The other origin's URL, its query cut like a page URL's.
    assert third["a"]["scr"]["url"] == f"{cdn.origin}/widget.js", third
    for view in (hard, account):  # their INP (if any) is not a slow click of another route
        assert vitals(view).get("INP", {}).get("a", {}).get("tgt") not in ("#slow", "#widget")
