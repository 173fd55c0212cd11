"""Issue 16 end to end on real chDB, Redis and uvicorn: beacons with INP script and LCP
delivery attribution, from page loads and soft navigations, go through the collector and its
flusher; the stored rows, the Scripts API and page, the Pages drill-down's navigation types
and the nav_type filter and breakdown say exactly what a raw query of `vitals` says."""

from __future__ import annotations

import time
import warnings
from itertools import product
from typing import Any

import httpx
import pytest
import redis
from clickhouse_connect.driver.client import Client

from dashboard.filters import parse_filters
from dashboard.service import DashboardService
from dashboard.web.views import pages as pages_view
from dashboard.web.views import scripts as scripts_view
from tests.collector.beacons import CHROME_UA, new_id
from tests.collector.conftest import with_collector
from tests.collector.harness import InProcessCollector, collector_runtime
from tests.collector.queue import wait_drained
from tests.support.log_buckets import HALF_BUCKET
from vitalscope.config import Settings
from vitalscope.config.sites import SiteConfig
from vitalscope.datadir import DataDir
from vitalscope.runtime import Role, Runtime
from vitalscope.sites import SiteRepository

KEY = "pk_test_spa_0001"
ORIGIN = "https://shop.example"
TOKEN = "spa-test-admin-token-0123456789abcdef"
FIRST = "https://cdn.shop.example/static/app.js"
THIRD = "https://widgets.other.example/w.js"
# (path, nav, INP value, script URL or None, script duration); every page view also sends
# LCP (with delivery type and render-blocking status), CLS and FCP.
VIEWS: list[tuple[str, str, float, str | None, float]] = [
    ("/product/42", "navigate", 620.0, FIRST + "?v=3&token=secret", 410.0),
    ("/product/7", "navigate", 540.0, THIRD, 380.0),
    ("/product/9", "navigate", 180.0, FIRST, 60.0),
    ("/cart", "navigate", 720.0, None, 0.0),
    ("/cart", "soft", 530.0, THIRD + "#frag", 450.0),
    ("/cart", "soft", 260.0, FIRST, 150.0),
    ("/cart", "soft", 90.0, THIRD, 30.0),
    ("/product/42", "soft", 510.0, THIRD, 300.0),
]


def _beacon(path: str, nav: str, inp: float, script: str | None, duration: float,
            now: int) -> dict[str, Any]:
    inp_attr: dict[str, Any] = {"tgt": "button#buy", "ev": "click",
                                "p": {"loafScript": duration + 20, "loafStyle": 12.5,
                                      "loafPaint": 4.0}}
    if script is not None:
        inp_attr["scr"] = {"url": script, "fn": "onBuy", "inv": "BUTTON#buy.onclick",
                           "it": "event-listener", "dur": duration}
    events: list[dict[str, Any]] = [
        {"t": "vital", "id": new_id("v"), "ts": now - 900, "n": "INP", "val": inp,
         "a": inp_attr},
        {"t": "vital", "id": new_id("v"), "ts": now - 950, "n": "LCP",
         "val": 3100.0 if nav == "navigate" else 700.0,
         "a": {"url": "https://shop.example/hero.jpg?sig=1", "dt": "cache",
               "rb": "non-blocking"}},
        {"t": "vital", "id": new_id("v"), "ts": now - 950, "n": "CLS",
         "val": 0.02 if nav == "navigate" else 0.3},
        {"t": "vital", "id": new_id("v"), "ts": now - 950, "n": "FCP",
         "val": 1500.0 if nav == "navigate" else 200.0},
    ]
    if nav == "soft":
        events.append({"t": "route", "id": new_id("r"), "ts": now - 1000,
                       "from": "https://shop.example/"})
    return {"v": 1, "pv": new_id("pv") + "pv", "sid": "session-spa-1",
            "url": f"https://shop.example{path}", "nav": nav, "st": now - 1000,
            "sent": now, "e": events}


@pytest.fixture
def ingested(settings: Settings, clickhouse: Client, redis_client: redis.Redis) -> Settings:
    """The beacons of VIEWS through the collector and its flusher into `vitals`."""
    SiteRepository(clickhouse).sync_declared([SiteConfig(name="shop", origins=[ORIGIN],
                                                         key=KEY)])
    configured = with_collector(settings)
    collector = InProcessCollector(collector_runtime(configured), with_flusher=True).start()
    try:
        now = int(time.time() * 1000)
        with httpx.Client(base_url=collector.url, timeout=10) as client:
            for view in VIEWS:
                answer = client.post(f"/v1/beacon?k={KEY}", json=_beacon(*view, now=now),
                                     headers={"Origin": ORIGIN, "User-Agent": CHROME_UA})
                assert answer.status_code == 204, answer.text
        wait_drained(redis_client)
    finally:
        collector.stop()
    assert clickhouse.query("SELECT count() FROM vitals").result_rows[0][0] == 4 * len(VIEWS)
    return configured


def _raw_scripts(client: Client, page_group: str | None) -> dict[str, Any]:
    where = "site = 'shop' AND metric = 'INP'" + (
        " AND page_group = {g:String}" if page_group else "")
    params = {"g": page_group or ""}
    total, poor = client.query(f"SELECT count(), countIf(rating = 'poor') FROM vitals "
                               f"WHERE {where}", parameters=params).result_rows[0]
    rows = client.query(
        "SELECT attr_script_url, attr_script_host, attr_script_party, count(), "
        "countIf(rating = 'poor'), "
        "quantileExact(0.75)(attr_script_duration) "
        f"FROM vitals WHERE {where} AND attr_script_url != '' "
        "GROUP BY 1, 2, 3 ORDER BY 5 DESC, 4 DESC, 1", parameters=params).result_rows
    return {"inp_samples": total, "poor_inp": poor, "rows": [
        {"url": u, "host": h, "party": p, "samples": n, "poor": bad,
         "poor_share": bad / poor, "p75_duration": p75} for u, h, p, n, bad, p75 in rows]}


def test_attribution_is_stored_and_the_scripts_and_navigation_panels_equal_raw_sql(
        ingested: Settings, clickhouse: Client, redis_server: Any) -> None:
    stored = clickhouse.query(
        "SELECT attr_script_url, attr_script_host, attr_script_party, attr_script_function, "
        "attr_script_invoker, attr_script_invoker_type, attr_script_duration, "
        "attr_parts['loafStyle'] FROM vitals WHERE metric = 'INP' AND value = 620").result_rows
    assert stored == [(FIRST, "cdn.shop.example", "first", "onBuy", "BUTTON#buy.onclick",
                       "event-listener", 410.0, 12.5)]
    lcp = clickhouse.query("SELECT DISTINCT attr_url, attr_delivery_type, attr_render_blocking "
                           "FROM vitals WHERE metric = 'LCP'").result_rows
    assert lcp == [("https://shop.example/hero.jpg", "cache", "non-blocking")]
    parties = {url: party for url, party in clickhouse.query(
        "SELECT DISTINCT attr_script_url, attr_script_party FROM vitals "
        "WHERE attr_script_url != ''").result_rows}
    assert parties == {FIRST: "first", THIRD: "third"}

    dashboard = Runtime(ingested, Role.DASHBOARD, DataDir(ingested.data_dir),
                        redis_url=redis_server.url, clickhouse=clickhouse, admin_token=TOKEN)
    with InProcessCollector(dashboard) as server, httpx.Client(
            base_url=server.url, timeout=30,
            headers={"Authorization": f"Bearer {TOKEN}"}) as api:
        # A day and a month of hours: the same answers as the raw rows.
        for range_, group in product(("24h", "30d"), (None, "/cart", "/product/:id")):
            answer = api.get("/api/v1/scripts", params={"site": "shop", "range": range_,
                                                       **({"page_group": group} if group
                                                          else {})})
            assert answer.status_code == 200, answer.text
            data = answer.json()
            expected = _raw_scripts(clickhouse, group)
            assert data["page_group"] == group
            assert (data["inp_samples"], data["poor_inp"]) == (
                expected["inp_samples"], expected["poor_inp"])
            # p75 from the counts per logarithmic bucket: within half a bucket of exact.
            assert [r | {"p75_duration": None} for r in data["rows"]] == [
                r | {"p75_duration": None} for r in expected["rows"]], group
            assert [r["p75_duration"] for r in data["rows"]] == pytest.approx(
                [r["p75_duration"] for r in expected["rows"]], rel=HALF_BUCKET)
        site_rows = {r["url"]: r for r in api.get(
            "/api/v1/scripts", params={"site": "shop"}).json()["rows"]}
        # 5 poor INP samples: 1 first-party (620), 3 third-party (540, 530, 510), 1 unnamed.
        assert site_rows[THIRD]["poor_share"] == 3 / 5
        assert site_rows[FIRST]["poor_share"] == 1 / 5
        bad = api.get("/api/v1/scripts", params={"site": "shop", "page_group": "\x01"})
        assert bad.status_code == 422

        raw = clickhouse.query(
            "SELECT nav_type, metric, count(), "
            "quantileExact(0.75)(value) FROM vitals "
            "WHERE page_group = '/cart' GROUP BY 1, 2").result_rows
        raw_targets = clickhouse.query(
            "SELECT metric, attr_target, count(), countIf(rating = 'poor') FROM vitals "
            "WHERE page_group = '/cart' AND attr_target != '' GROUP BY 1, 2").result_rows
        for range_ in ("30d", "24h"):
            detail = api.get("/api/v1/pages/detail", params={
                "site": "shop", "page_group": "/cart", "range": range_}).json()
            by_nav = {(n["nav_type"], n["metric"]): (n["samples"], n["p75"])
                      for n in detail["navigation_types"]}
            assert by_nav.keys() == {(nav, metric) for nav, metric, _, _ in raw}
            for nav, metric, count, p75 in raw:
                assert by_nav[nav, metric] == (count, pytest.approx(p75, rel=HALF_BUCKET))
            assert {(e["metric"], e["target"], e["samples"], e["poor"])
                    for e in detail["worst_elements"]} == set(raw_targets)
        soft_lcp = next(n for n in detail["navigation_types"]
                        if (n["nav_type"], n["metric"]) == ("soft", "LCP"))
        assert (soft_lcp["samples"], soft_lcp["rating"]) == (3, "good")
        csv = api.get("/api/v1/pages/detail", params={
            "site": "shop", "page_group": "/cart", "format": "csv",
            "table": "navigation_types"})
        assert csv.status_code == 200 and csv.text.count("\nsoft,") == 4

        # The segment filter and the breakdown by navigation type.
        soft = api.get("/api/v1/overview", params={"site": "shop", "range": "1h",
                                                   "segment": "nav_type:soft"}).json()
        raw_soft = {metric: count for metric, count in clickhouse.query(
            "SELECT metric, count() FROM vitals WHERE nav_type = 'soft' "
            "GROUP BY metric").result_rows}
        assert {m["metric"]: m["samples"] for m in soft["metrics"] if m["samples"]} == raw_soft
        split = api.get("/api/v1/breakdowns", params={"site": "shop", "range": "1h",
                                                      "dimension": "nav_type",
                                                      "metric": "INP"}).json()
        assert {r["value"]: r["samples"] for r in split["rows"]} == {"navigate": 4, "soft": 4}

    # Shown on the Scripts page and in the Pages drill-down, as table text.
    service = DashboardService(dashboard, cache_ttl_s=0)
    f = parse_filters("shop", "24h")
    with warnings.catch_warnings():
        # Dash's notice about DataTable's future, raised when a table is built in-process.
        warnings.filterwarnings("ignore", "\nThe dash_table.DataTable will be removed",
                                DeprecationWarning)
        layout = scripts_view.render(service, f, {})
        drill = pages_view.render(service, f, {"group": "/cart", "min": "0"})
    shown = _table(layout, "scripts-table")
    assert [(r["url"], r["party"]) for r in shown] == [(THIRD, "third party"),
                                                      (FIRST, "first party")]
    assert shown[0]["poor_share"] == "60.0 %"
    assert {(r["nav_type"], r["metric"]) for r in _table(drill, "drill-navigation")} >= {
        ("soft (route change)", "LCP"), ("page load", "INP")}
    assert {r["url"] for r in _table(drill, "drill-scripts")} == {FIRST, THIRD}


def _table(layout: Any, table_id: str) -> list[dict[str, Any]]:
    """The rows of the DataTable `table_id` somewhere in a Dash layout."""
    stack = [layout]
    while stack:
        node = stack.pop()
        if isinstance(node, list | tuple):
            stack.extend(node)
            continue
        if getattr(node, "id", None) == table_id:
            rows: list[dict[str, Any]] = node.data
            return rows
        children = getattr(node, "children", None)
        if children is not None:
            stack.append(children)
    raise AssertionError(f"no table {table_id}")
