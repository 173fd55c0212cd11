"""Alerts on JS error groups on real chDB, Redis and a real HTTP receiver: `new_error` fires
once for a group first seen in the newest release and above its page-view minimum (not for a
small one, nor for one an older release already had), resolves when a newer release comes,
and its notification carries the group's dashboard link and its top frame symbolicated with
the release's uploaded source map; `error_rate` `by: fingerprint` fires for the spiking group
only. Errors are the rows the flusher writes: grouped with the collector's grouping."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from clickhouse_connect.driver.client import Client

from alerting.engine import Evaluator
from alerting.notification import Notification
from alerting.receivers import KINDS
from alerting.receivers.base import RenderContext
from collector.cardinality import OTHER
from collector.tables import JS_ERRORS
from tests.alerting.conftest import NOW, Receiver, alerting_settings, spread
from vitalscope.config.alerting import AlertingSettings
from vitalscope.config.sourcemaps import SourcemapSettings
from vitalscope.jserrors.grouping import OTHER_FINGERPRINT, Grouping, group
from vitalscope.sourcemaps.store import SourcemapStore

ESBUILD = Path(__file__).resolve().parents[2] / "sdk-js" / "node_modules" / ".bin" / "esbuild"
PUBLIC_URL = "https://vitals.example.com"
SCRIPT = "https://shop.example/static/bundle.min.js"
DAY = 86400.0
CART = """export function checkout(order) {
  const total = computeTotal(order);
  return total;
}

function computeTotal(order) {
  if (order.items.length > 1) {
    throw new TypeError(`Cannot price order ${order.id}: ${order.items.length} items`);
  }
  return 0;
}
"""
APP = """import { checkout } from './cart.js';
window.go = () => checkout({ id: 7, items: [1, 2] });
"""
# Beacon-sent text that means something to Slack's mrkdwn and to HTML.
NEW_MESSAGE = "Cannot price order 123: <!channel> <b>2</b> items"


@pytest.fixture
def bundle(tmp_path: Path) -> tuple[bytes, bytes, int]:
    """A bundle minified by esbuild, its map, and the column of the throw in it."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "cart.js").write_text(CART)
    (tmp_path / "src" / "app.js").write_text(APP)
    out = tmp_path / "static" / "bundle.min.js"
    subprocess.run([str(ESBUILD), str(tmp_path / "src" / "app.js"), "--bundle", "--minify",
                    "--sourcemap", f"--outfile={out}"], check=True, capture_output=True,
                   timeout=60)
    source = out.read_bytes()
    first_line = source.decode().splitlines()[0]
    # V8 places a `throw new X(...)` frame at the `new`.
    return source, out.with_suffix(".js.map").read_bytes(), first_line.index("new TypeError") + 1


def _dt(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def page_views(client: Client, site: str, release: str, starts: list[float]) -> list[str]:
    ids = [f"{site}-{release}-{i}-{t}" for i, t in enumerate(starts)]
    client.insert("page_views", [[site, _dt(t), _dt(t), pv, release, "Chrome"]
                                 for pv, t in zip(ids, starts, strict=True)],
                  column_names=["site", "started_at", "received_at", "page_view_id", "release",
                                "browser"])
    return ids


def js_errors(client: Client, site: str, release: str, message: str, stack: str,
              occurrences: list[tuple[float, str]], grouped: Grouping | None = None) -> int:
    """Occurrences (time, page view) of one error, as the collector's rows (grouped as the
    collector groups them unless told); its fingerprint."""
    grouped = grouped or group("TypeError", message, stack, "")
    rows = [[site, _dt(t), _dt(t), f"x-{pv}-{t}", pv, "s", grouped.fingerprint, "TypeError",
             message, "", stack, 1, "/checkout", "https://shop.example/checkout", "desktop",
             "Chrome", "Linux", release, grouped.message, grouped.top_frame]
            for t, pv in occurrences]
    client.insert("js_errors", rows, column_names=list(JS_ERRORS))
    return grouped.fingerprint


def v8_stack(message: str, function: str, column: int) -> str:
    return (f"TypeError: {message}\n    at {function} ({SCRIPT}:1:{column})\n"
            f"    at HTMLButtonElement.<anonymous> ({SCRIPT}:1:{column + 40})")


def rendered(kind: str, alerts: list[Any]) -> Any:
    n = Notification("hook", "g", {"rule": alerts[0].rule, "site": "shop"}, alerts)
    return KINDS[kind].render(n, RenderContext(alive_for=180.0))


def test_a_new_error_in_the_newest_release_fires_once_with_its_link_and_original_frame(
        clickhouse: Client, receiver: Receiver, rng: np.random.Generator,
        bundle: tuple[bytes, bytes, int], make_evaluator: Callable[..., Evaluator]) -> None:
    source, sourcemap, column = bundle
    store = SourcemapStore(clickhouse, SourcemapSettings())
    store.put("shop", "r2", SCRIPT, "map", sourcemap)
    store.put("shop", "r2", SCRIPT, "source", source)
    # r1 since two days, r2 (the newest) since two hours.
    old_views = page_views(clickhouse, "shop", "r1", spread(rng, NOW - 2 * DAY, NOW - 3 * 3600,
                                                            200))
    new_views = page_views(clickhouse, "shop", "r2", spread(rng, NOW - 2 * 3600, NOW - 60, 200))
    recent = new_views[-60:]
    # An error r1 already had, now on many r2 page views: not new.
    old_stack = v8_stack("Cannot load cart", "a", column - 30)
    js_errors(clickhouse, "shop", "r1", "Cannot load cart", old_stack,
              [(NOW - 2 * DAY + 600, old_views[0])])
    js_errors(clickhouse, "shop", "r2", "Cannot load cart", old_stack,
              [(NOW - 1200 + i, pv) for i, pv in enumerate(recent)])
    # New in r2: on 30 page views in the window (fires), and another on 5 (below 20).
    new_stack = v8_stack(NEW_MESSAGE, "l", column)
    fired = js_errors(clickhouse, "shop", "r2", NEW_MESSAGE, new_stack,
                      [(NOW - 1500 + i, pv) for i, pv in enumerate(recent[:30])])
    js_errors(clickhouse, "shop", "r2", "Cannot ship", v8_stack("Cannot ship", "s", column + 9),
              [(NOW - 900 + i, pv) for i, pv in enumerate(recent[:5])])

    evaluator = make_evaluator(alerting_settings(receiver.url, [{
        "name": "shop-new-errors", "kind": "new_error", "site": "shop", "window": "1h",
        "min_page_views": 20, "for": 0, "keep_firing_for": 0}]), public_url=PUBLIC_URL)
    report = evaluator.cycle(NOW)
    assert [(a.rule, a.labels["fingerprint"]) for a in report.firing] == [
        ("shop-new-errors", str(fired))]
    evaluator.deliver_due(NOW)
    assert evaluator.cycle(NOW + 60).firing  # still firing, not notified again
    evaluator.deliver_due(NOW + 60)
    (body,) = receiver.bodies()
    (alert,) = body["alerts"]
    details = alert["details"]
    assert alert["labels"]["fingerprint"] == str(fired)
    assert details["group_url"] == (f"{PUBLIC_URL}/dashboard/errors?site=shop&group="
                                    f"{fired}")
    assert details["release"] == "r2" and details["page_views"] == 30
    assert details["message"] == "Cannot price order <n>: <!channel> <b><n></b> items"
    assert details["sourcemap"] == "applied"
    original = details["original_frame"]
    assert (original["file"].rsplit("/", 1)[-1], original["line"], original["function"]) == (
        "cart.js", 8, "computeTotal")
    assert details["frame"] == {"function": "l", "url": SCRIPT, "line": 1, "column": column}

    # The other receiver kinds carry the link and frame; page-sent text stays text.
    firing = report.firing
    annotations = rendered("alertmanager", firing)[0]["annotations"]
    assert annotations["group_url"] == details["group_url"]
    assert annotations["original_frame"].startswith("computeTotal (") and \
        annotations["original_frame"].endswith("cart.js:8:" + str(original["column"]) + ")")
    pagerduty = rendered("pagerduty", firing)
    custom = pagerduty["payload"]["custom_details"]["alerts"][0]
    assert custom["group_url"] == details["group_url"]
    assert custom["original_frame"] == annotations["original_frame"]
    assert pagerduty["links"] == [{"href": details["group_url"],
                                   "text": f"Error group {fired}"}]
    slack = rendered("slack", firing)["blocks"][1]["text"]["text"]
    assert "<!channel>" not in slack and "&lt;!channel&gt; &lt;b&gt;" in slack
    assert "`computeTotal (" in slack
    assert (f"<{PUBLIC_URL}/dashboard/errors?site=shop&amp;group={fired}|"
            "error group on the dashboard>") in slack

    # A newer release: the group is no longer new in the newest one, and resolves.
    page_views(clickhouse, "shop", "r3", [NOW + 30])
    later = evaluator.cycle(NOW + 120)
    assert later.firing == [] and [a.state for a in later.events] == ["resolved"]
    evaluator.deliver_due(NOW + 120)
    assert [b["status"] for b in receiver.bodies()] == ["firing", "resolved"]


def test_new_error_needs_a_release_and_the_page_view_minimum(
        clickhouse: Client, receiver: Receiver, rng: np.random.Generator,
        make_evaluator: Callable[..., Evaluator]) -> None:
    # blog: one release, a new group on 10 page views (minimum 11). docs: no release at all,
    # only none and `(other)` (releases past the site's daily cap), 20 page views in all.
    for site, release in (("blog", "b1"), ("docs", ""), ("docs", OTHER)):
        views = page_views(clickhouse, site, release, spread(rng, NOW - 1800, NOW - 60, 50))
        js_errors(clickhouse, site, release, "x is undefined",
                  v8_stack("x is undefined", "f", 10),
                  [(NOW - 900 + i, pv) for i, pv in enumerate(views[:10])])
    def rules(minimum: int) -> AlertingSettings:
        return alerting_settings(receiver.url, [
            {"name": f"{site}-new", "kind": "new_error", "site": site,
             "min_page_views": minimum, "for": 0} for site in ("blog", "docs")])

    assert make_evaluator(rules(11), public_url=PUBLIC_URL).cycle(NOW).firing == []
    # At the minimum it fires (blog's only release is its newest); docs still has none.
    report = make_evaluator(rules(10), public_url=PUBLIC_URL).cycle(NOW)
    assert [a.rule for a in report.firing] == ["blog-new"]


def test_the_group_of_errors_past_the_daily_cap_is_never_new(
        clickhouse: Client, receiver: Receiver, rng: np.random.Generator,
        make_evaluator: Callable[..., Evaluator]) -> None:
    """`(other)`, the group the collector stores errors under once a site has its day's cap of
    groups, is first seen in the newest release as much as any group of it, on the most page
    views; it neither fires nor takes the place of a real group in the rule's top."""
    views = page_views(clickhouse, "shop", "r1", spread(rng, NOW - 1800, NOW - 60, 50))
    stack = v8_stack("x is undefined", "f", 10)
    real = js_errors(clickhouse, "shop", "r1", "x is undefined", stack,
                     [(NOW - 900 + i, pv) for i, pv in enumerate(views[:10])])
    js_errors(clickhouse, "shop", "r1", "y is undefined", v8_stack("y is undefined", "g", 20),
              [(NOW - 900 + i, pv) for i, pv in enumerate(views[:30])],
              grouped=Grouping(OTHER_FINGERPRINT, OTHER, OTHER))
    evaluator = make_evaluator(alerting_settings(receiver.url, [{
        "name": "shop-new", "kind": "new_error", "site": "shop", "min_page_views": 10,
        "max_groups": 1, "for": 0}]), public_url=PUBLIC_URL)
    assert [a.labels["fingerprint"] for a in evaluator.cycle(NOW).firing] == [str(real)]


def test_error_rate_by_fingerprint_fires_for_the_spiking_group_only(
        clickhouse: Client, receiver: Receiver, rng: np.random.Generator,
        make_evaluator: Callable[..., Evaluator]) -> None:
    steady_stack = v8_stack("Steady failure", "s", 10)
    spike_stack = v8_stack("Spiking failure", "p", 20)
    for day in range(0, 8):
        start = NOW - day * DAY - 1800
        views = page_views(clickhouse, "shop", "r1", spread(rng, start, start + 1800, 400))
        js_errors(clickhouse, "shop", "r1", "Steady failure", steady_stack,
                  [(t, views[i]) for i, t in enumerate(spread(rng, start, start + 1800, 20))])
        spike = 100 if day == 0 else 20
        spiking = js_errors(clickhouse, "shop", "r1", "Spiking failure", spike_stack,
                            [(t, views[i]) for i, t in enumerate(spread(rng, start, start + 1800,
                                                                          spike))])
    evaluator = make_evaluator(alerting_settings(receiver.url, [
        {"name": "shop-groups", "kind": "error_rate", "site": "shop", "by": "fingerprint",
         "for": 0}]), public_url=PUBLIC_URL)
    report = evaluator.cycle(NOW)
    assert [(a.rule, a.labels["fingerprint"]) for a in report.firing] == [
        ("shop-groups", str(spiking))]
    details = report.firing[0].details
    assert details["current_rate"] == 100 / 400 and details["baseline_rate"] == 20 / 400
    assert details["message"] == "Spiking failure"
    # No map for r1: the minified frame, and why.
    assert details["sourcemap"] == "missing" and details["original_frame"] is None
    assert details["frame"]["url"] == SCRIPT and "r1" in details["sourcemap_note"]
    assert details["group_url"].endswith(f"/dashboard/errors?site=shop&group={spiking}")
    evaluator.deliver_due(NOW)
    (body,) = receiver.bodies()
    assert [a["labels"]["fingerprint"] for a in body["alerts"]] == [str(spiking)]

    # `value`: a minimum rate the spike (0.25) does not reach.
    quiet = make_evaluator(alerting_settings(receiver.url, [
        {"name": "shop-groups-high", "kind": "error_rate", "site": "shop", "by": "fingerprint",
         "value": 0.3, "for": 0}]), public_url=PUBLIC_URL)
    assert quiet.cycle(NOW).firing == []
